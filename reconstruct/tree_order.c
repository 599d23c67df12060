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
 * Rows mostly arrive in order, so a row whose key is not smaller than the
 * last queued one goes to a FIFO ring (O(1)); only rows that arrive out of
 * order go to a min-heap, and the next row to apply is the smaller of the
 * two heads.  Entries and their string buffers are recycled: after warm-up
 * there is no malloc per row.  At most TREE_WINDOW_MAX_ROWS rows are held
 * whatever the window, so a dense trace cannot exhaust memory; a row pushed
 * out early by that bound can only make later rows "late" (counted).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"

struct pev {
	struct csv_event ev;
	char *buf;          /* comm, child_comm, filename, then the argv strings */
	size_t cap;
	const char *args;   /* where the argv strings start in buf */
};

#define SEQ_BITS 56

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

/* keys live in the ring and heap slots, so ordering never touches a cold entry */
static inline bool before(const struct pslot *a, const struct pslot *b)
{
	return a->time != b->time ? a->time < b->time : a->rk < b->rk;
}

static int oom(void)
{
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

/* copy the row's strings into the entry's own buffer */
static int pev_fill(struct pev *p, const struct csv_event *ev, size_t *arglens)
{
	const char *strs[3] = { ev->comm, ev->child_comm, ev->filename };
	size_t need = 0, lens[3];
	char *w;
	int i;

	for (i = 0; i < 3; i++) {
		lens[i] = strs[i] ? strlen(strs[i]) + 1 : 0;
		need += lens[i];
	}
	for (i = 0; ev->argv && i < ev->argc; i++) {
		arglens[i] = strlen(ev->argv[i]) + 1;
		need += arglens[i];
	}
	if (need > p->cap) {
		size_t cap = need < 64 ? 64 : need + need / 2;
		char *b = realloc(p->buf, cap);

		if (!b)
			return oom();
		p->buf = b;
		p->cap = cap;
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
	/* argv pointers are rebuilt from the buffer when the row is applied */
	p->args = w;
	for (i = 0; ev->argv && i < ev->argc; i++) {
		memcpy(w, ev->argv[i], arglens[i]);
		w += arglens[i];
	}
	return 0;
}

static void sift_up(struct pslot *h, size_t i)
{
	struct pslot x = h[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!before(&x, &h[parent]))
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = x;
}

static void sift_down(struct pslot *h, size_t n, size_t i)
{
	struct pslot x = h[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && before(&h[c + 1], &h[c]))
			c++;
		if (!before(&h[c], &x))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

static size_t pending(const struct order *o)
{
	return o->rlen + o->hn;
}

/* the earliest held row, without removing it */
static struct pslot *peek(const struct order *o, bool *from_heap)
{
	struct pslot *r = o->rlen ? &o->ring[o->rhead] : NULL;

	*from_heap = false;
	if (o->hn && (!r || before(&o->heap[0], r))) {
		*from_heap = true;
		return &o->heap[0];
	}
	return r;
}

static int apply_one(struct order *o, struct pslot *slot, struct tree *t, order_apply_fn fn)
{
	struct pev *p = slot->p;
	int ret;

	if (p->ev.argv) {
		const char *a = p->args;
		int argc = p->ev.argc;

		if (argc + 1 > o->argv_cap) {
			int cap = 2 * (argc + 1);
			const char **v = realloc(o->argv, cap * sizeof(*v));

			if (!v)
				return oom();
			o->argv = v;
			o->argv_cap = cap;
		}
		for (int i = 0; i < argc; i++) {
			o->argv[i] = a;
			a += strlen(a) + 1;
		}
		o->argv[argc] = NULL;
		p->ev.argv = o->argv;
	}
	if (o->released_any && slot->time < o->last_out)
		o->late++;
	else
		o->last_out = slot->time;
	o->released_any = true;
	ret = fn(t, &p->ev);
	o->pool[o->npool++] = p;
	return ret;
}

static int pop_apply(struct order *o, struct tree *t, order_apply_fn fn)
{
	bool from_heap;
	struct pslot slot = *peek(o, &from_heap);

	if (from_heap) {
		o->heap[0] = o->heap[--o->hn];
		if (o->hn)
			sift_down(o->heap, o->hn, 0);
	} else {
		o->rhead = (o->rhead + 1) & (o->rcap - 1);
		o->rlen--;
		/* the rows a few places behind are cold by now: fetch them early */
		if (o->rlen > 4) {
			struct pev *ahead = o->ring[(o->rhead + 4) & (o->rcap - 1)].p;

			__builtin_prefetch(ahead);
			__builtin_prefetch((char *)ahead + 64);
			__builtin_prefetch((char *)ahead + 128);
			__builtin_prefetch(ahead->buf);
		}
	}
	return apply_one(o, &slot, t, fn);
}

static int grow(void **v, size_t *cap, size_t elem)
{
	size_t n = *cap ? 2 * *cap : 1024;
	void *x = realloc(*v, n * elem);

	if (!x)
		return oom();
	*v = x;
	*cap = n;
	return 0;
}

static struct pev *get_entry(struct order *o)
{
	struct pev *p;

	if (o->npool)
		return o->pool[--o->npool];
	/* the pool must be able to take back every entry */
	if (o->nent == o->pool_cap && grow((void **)&o->pool, &o->pool_cap, sizeof(*o->pool)) < 0)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		oom();
		return NULL;
	}
	o->nent++;
	return p;
}

static int ring_append(struct order *o, const struct pslot *p)
{
	if (o->rlen == o->rcap) {
		size_t old = o->rcap;

		if (grow((void **)&o->ring, &o->rcap, sizeof(*o->ring)) < 0)
			return -1;
		/* unwrap: move the part before rhead after the old end */
		if (o->rhead + o->rlen > old) {
			size_t wrapped = o->rhead + o->rlen - old;

			memcpy(o->ring + old, o->ring, wrapped * sizeof(*o->ring));
		}
	}
	o->ring[(o->rhead + o->rlen) & (o->rcap - 1)] = *p;
	o->rlen++;
	return 0;
}

int order_push(struct order *o, const struct csv_event *ev, struct tree *t, order_apply_fn fn)
{
	struct pev *p = get_entry(o);
	struct pslot slot, *tail;
	size_t stack_lens[64], *lens = stack_lens;
	int ret;

	if (!p)
		return -1;
	if (ev->argv && ev->argc > 64) {
		lens = malloc(ev->argc * sizeof(*lens));
		if (!lens) {
			o->pool[o->npool++] = p;
			return oom();
		}
	}
	ret = pev_fill(p, ev, lens);
	if (lens != stack_lens)
		free(lens);
	if (ret < 0) {
		o->pool[o->npool++] = p;
		return -1;
	}
	slot.time = ev->time_ns;
	slot.rk = (uint64_t)causal_rank(ev) << SEQ_BITS | (o->seq++ & ((1ull << SEQ_BITS) - 1));
	slot.p = p;
	tail = o->rlen ? &o->ring[(o->rhead + o->rlen - 1) & (o->rcap - 1)] : NULL;
	if (!tail || !before(&slot, tail)) {
		if (ring_append(o, &slot) < 0) {
			o->pool[o->npool++] = p;
			return -1;
		}
	} else {
		if (o->hn == o->hcap && grow((void **)&o->heap, &o->hcap, sizeof(*o->heap)) < 0) {
			o->pool[o->npool++] = p;
			return -1;
		}
		o->heap[o->hn++] = slot;
		sift_up(o->heap, o->hn - 1);
	}
	if (ev->time_ns > o->max_time)
		o->max_time = ev->time_ns;
	for (;;) {
		bool from_heap;
		struct pslot *m = peek(o, &from_heap);

		if (!m || (o->max_time - m->time <= o->window_ns && pending(o) <= TREE_WINDOW_MAX_ROWS))
			break;
		if (pop_apply(o, t, fn) < 0)
			return -1;
	}
	return 0;
}

int order_drain(struct order *o, struct tree *t, order_apply_fn fn)
{
	while (pending(o))
		if (pop_apply(o, t, fn) < 0)
			return -1;
	return 0;
}

void order_free(struct order *o)
{
	for (size_t i = 0; i < o->rlen; i++)
		o->pool[o->npool++] = o->ring[(o->rhead + i) & (o->rcap - 1)].p;
	for (size_t i = 0; i < o->hn; i++)
		o->pool[o->npool++] = o->heap[i].p;
	for (size_t i = 0; i < o->npool; i++) {
		free(o->pool[i]->buf);
		free(o->pool[i]);
	}
	free(o->ring);
	free(o->heap);
	free(o->pool);
	free(o->argv);
	memset(o, 0, sizeof(*o));
}
