// SPDX-License-Identifier: MIT
/*
 * The reorder window.
 *
 * Engines write rows in the order they received them: ftrace merges per-CPU
 * buffers, so a child's exec on CPU 1 can be written before its parent's
 * fork on CPU 0, and equal timestamps from two CPUs come in any order.
 * Rows are therefore held in a min-heap keyed by
 *
 *     (time_ns, causal rank, file order)
 *
 * and a row is applied only once a row more than window_ns later than it
 * has been read (or at the end of the file).  Any disorder smaller than the
 * window is undone exactly; memory holds one window of rows, not the file.
 * The causal rank puts, at equal times, a fork before the child's exec and
 * exec before exit; the file order is the last key, never the pid.
 *
 * A row older than something already applied (disorder beyond the window)
 * is still applied, late, and counted in late_rows.  A child whose first
 * row is timestamped before its fork row (clock skew) is repaired by the
 * builder (fork_late), not here.
 *
 * Entries and their string buffers are recycled: after warm-up there is no
 * malloc per row.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"

struct pev {
	uint64_t time;
	uint64_t seq;
	unsigned rank;
	struct csv_event ev;
	char *buf;
	size_t cap;
	const char **argv;
	int argv_cap;
};

static unsigned causal_rank(const struct csv_event *ev)
{
	switch (ev->kind) {
	case CSV_LOST: return 0;
	case CSV_FORK: return ev->thread ? 2 : 1;
	case CSV_EXEC: return 3;
	case CSV_EXIT: return CSV_HAS(ev, CSV_F_GROUP) && !ev->group ? 4 : 5;
	case CSV_ALIVE: return 6;
	default: return 7;
	}
}

static bool before(const struct pev *a, const struct pev *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	if (a->rank != b->rank)
		return a->rank < b->rank;
	return a->seq < b->seq;
}

static int oom(void)
{
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

/* copy the row's strings into the entry's own buffer */
static int pev_fill(struct pev *p, const struct csv_event *ev)
{
	const char *strs[3] = { ev->comm, ev->child_comm, ev->filename };
	size_t need = 0, lens[3];
	char *w;
	int i;

	for (i = 0; i < 3; i++) {
		lens[i] = strs[i] ? strlen(strs[i]) + 1 : 0;
		need += lens[i];
	}
	for (i = 0; ev->argv && i < ev->argc; i++)
		need += strlen(ev->argv[i]) + 1;
	if (need > p->cap) {
		size_t cap = need < 256 ? 256 : need * 2;
		char *b = realloc(p->buf, cap);

		if (!b)
			return oom();
		p->buf = b;
		p->cap = cap;
	}
	if (ev->argv && ev->argc + 1 > p->argv_cap) {
		int cap = ev->argc + 1 < 16 ? 16 : 2 * (ev->argc + 1);
		const char **v = realloc(p->argv, cap * sizeof(*v));

		if (!v)
			return oom();
		p->argv = v;
		p->argv_cap = cap;
	}
	p->ev = *ev;
	w = p->buf;
	for (i = 0; i < 3; i++) {
		const char **dst = i == 0 ? &p->ev.comm : i == 1 ? &p->ev.child_comm :
					    &p->ev.filename;

		if (!strs[i])
			continue;
		memcpy(w, strs[i], lens[i]);
		*dst = w;
		w += lens[i];
	}
	if (ev->argv) {
		for (i = 0; i < ev->argc; i++) {
			size_t n = strlen(ev->argv[i]) + 1;

			memcpy(w, ev->argv[i], n);
			p->argv[i] = w;
			w += n;
		}
		p->argv[ev->argc] = NULL;
		p->ev.argv = p->argv;
	}
	p->time = ev->time_ns;
	p->rank = causal_rank(ev);
	return 0;
}

static void sift_up(struct pev **h, size_t i)
{
	struct pev *x = h[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!before(x, h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = x;
}

static void sift_down(struct pev **h, size_t n, size_t i)
{
	struct pev *x = h[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && before(h[c + 1], h[c]))
			c++;
		if (!before(h[c], x))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

/* remove the earliest entry and apply it */
static int pop_apply(struct order *o, struct tree *t, order_apply_fn fn)
{
	struct pev *p = o->heap[0];
	int ret;

	o->heap[0] = o->heap[--o->n];
	if (o->n)
		sift_down(o->heap, o->n, 0);
	if (o->released_any && p->time < o->last_out)
		o->late++;
	else
		o->last_out = p->time;
	o->released_any = true;
	ret = fn(t, &p->ev);
	/* the pool has room: it was sized with the heap */
	o->pool[o->npool++] = p;
	return ret;
}

int order_push(struct order *o, const struct csv_event *ev, struct tree *t, order_apply_fn fn)
{
	struct pev *p;

	if (o->npool == 0) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return oom();
		if (o->n == o->cap) {
			size_t cap = o->cap ? 2 * o->cap : 1024;
			struct pev **h = realloc(o->heap, cap * sizeof(*h));
			struct pev **pl;

			if (!h) {
				free(p);
				return oom();
			}
			o->heap = h;
			pl = realloc(o->pool, cap * sizeof(*pl));
			if (!pl) {
				free(p);
				return oom();
			}
			o->pool = pl;
			o->cap = o->pool_cap = cap;
		}
	} else {
		p = o->pool[--o->npool];
	}
	if (pev_fill(p, ev) < 0) {
		o->pool[o->npool++] = p;
		return -1;
	}
	p->seq = o->seq++;
	o->heap[o->n++] = p;
	sift_up(o->heap, o->n - 1);
	if (ev->time_ns > o->max_time)
		o->max_time = ev->time_ns;
	while (o->n && o->max_time - o->heap[0]->time > o->window_ns)
		if (pop_apply(o, t, fn) < 0)
			return -1;
	return 0;
}

int order_drain(struct order *o, struct tree *t, order_apply_fn fn)
{
	while (o->n)
		if (pop_apply(o, t, fn) < 0)
			return -1;
	return 0;
}

void order_free(struct order *o)
{
	for (size_t i = 0; i < o->n; i++)
		o->pool[o->npool++] = o->heap[i];
	for (size_t i = 0; i < o->npool; i++) {
		free(o->pool[i]->buf);
		free(o->pool[i]->argv);
		free(o->pool[i]);
	}
	free(o->heap);
	free(o->pool);
	memset(o, 0, sizeof(*o));
}
