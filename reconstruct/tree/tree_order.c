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
 * two heads.  Ring rows are stored inline, strings included (up to
 * ROW_INLINE bytes), so the ring is one array read front to back: with a
 * window of tens of thousands of rows that matters more than anything else
 * here.  Heap rows are recycled through a free list; after warm-up only rows
 * with very long strings cost a malloc.  At most TREE_WINDOW_MAX_ROWS rows are held
 * whatever the window, so a dense trace cannot exhaust memory; a row pushed
 * out early by that bound can only make later rows "late" (counted).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"

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

static inline bool before(uint64_t ta, uint64_t ka, uint64_t tb, uint64_t kb)
{
	return ta != tb ? ta < tb : ka < kb;
}

#define ROW_BEFORE(a, b) before((a)->time, (a)->rk, (b)->time, (b)->rk)

static int oom(void)
{
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

/*
 * Copy the row into @r.  Strings are stored by offset (the ring moves when
 * it grows), in r->s when they fit, else in a malloc'd r->ext.
 */
static int row_fill(struct prow *r, const struct csv_event *ev, uint64_t rk)
{
	const char *strs[3] = { ev->comm, ev->child_comm, ev->filename };
	size_t lens[3], need = 0, off = 0;
	char *base;
	int i;

	for (i = 0; i < 3; i++) {
		lens[i] = strs[i] ? strlen(strs[i]) + 1 : 0;
		need += lens[i];
	}
	for (i = 0; ev->argv && i < ev->argc; i++)
		need += strlen(ev->argv[i]) + 1;
	r->ext = NULL;
	base = r->s;
	if (need > ROW_INLINE) {
		if (need > INT32_MAX) {
			err_set("row strings of %zu bytes are too long", need);
			errno = EINVAL;
			return -1;
		}
		r->ext = malloc(need);
		if (!r->ext)
			return oom();
		base = r->ext;
	}
	r->time = ev->time_ns;
	r->rk = rk;
	r->ev = *ev;
	for (i = 0; i < 3; i++) {
		if (!strs[i]) {
			r->off[i] = -1;
			continue;
		}
		memcpy(base + off, strs[i], lens[i]);
		r->off[i] = off;
		off += lens[i];
	}
	r->off[3] = ev->argv ? (int32_t)off : -1;
	for (i = 0; ev->argv && i < ev->argc; i++) {
		size_t n = strlen(ev->argv[i]) + 1;

		memcpy(base + off, ev->argv[i], n);
		off += n;
	}
	return 0;
}

static void sift_up(struct pslot *h, size_t i)
{
	struct pslot x = h[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!ROW_BEFORE(&x, &h[parent]))
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
		if (c + 1 < n && ROW_BEFORE(&h[c + 1], &h[c]))
			c++;
		if (!ROW_BEFORE(&h[c], &x))
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

/* rebuild the row's pointers and apply it */
static int apply_row(struct order *o, struct prow *r, struct tree *t, order_apply_fn fn)
{
	const char *base = r->ext ? r->ext : r->s;
	struct csv_event *ev = &r->ev;
	int ret;

	ev->comm = r->off[0] >= 0 ? base + r->off[0] : NULL;
	ev->child_comm = r->off[1] >= 0 ? base + r->off[1] : NULL;
	ev->filename = r->off[2] >= 0 ? base + r->off[2] : NULL;
	if (r->off[3] >= 0) {
		const char *a = base + r->off[3];
		int argc = ev->argc;

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
		ev->argv = o->argv;
	} else {
		ev->argv = NULL;
	}
	if (o->released_any && r->time < o->last_out)
		o->late++;
	else
		o->last_out = r->time;
	o->released_any = true;
	ret = fn(t, ev);
	free(r->ext);
	r->ext = NULL;
	return ret;
}

/* apply the earliest held row */
static int pop_apply(struct order *o, struct tree *t, order_apply_fn fn)
{
	struct prow *ring_head = o->rlen ? &o->ring[o->rhead] : NULL;
	int ret;

	if (o->hn && (!ring_head || ROW_BEFORE(&o->heap[0], ring_head))) {
		struct prow *r = o->heap[0].p;

		o->heap[0] = o->heap[--o->hn];
		if (o->hn)
			sift_down(o->heap, o->hn, 0);
		ret = apply_row(o, r, t, fn);
		o->spare[o->nspare++] = r;
		return ret;
	}
	o->rhead = (o->rhead + 1) & (o->rcap - 1);
	o->rlen--;
	return apply_row(o, ring_head, t, fn);
}

static int grow(void **v, size_t *cap, size_t elem)
{
	/* from small: most files are small, and a big window doubles its way up */
	size_t n = *cap ? 2 * *cap : 64;
	void *x = realloc(*v, n * elem);

	if (!x)
		return oom();
	*v = x;
	*cap = n;
	return 0;
}

/* a free ring slot at the tail (the ring grows, and unwraps, when full) */
static struct prow *ring_slot(struct order *o)
{
	if (o->rlen == o->rcap) {
		size_t old = o->rcap;

		if (grow((void **)&o->ring, &o->rcap, sizeof(*o->ring)) < 0)
			return NULL;
		/* move the part before rhead after the old end */
		if (o->rhead + o->rlen > old)
			memcpy(o->ring + old, o->ring,
			       (o->rhead + o->rlen - old) * sizeof(*o->ring));
	}
	return &o->ring[(o->rhead + o->rlen) & (o->rcap - 1)];
}

/* an out-of-order row: its own allocation, into the heap */
static int heap_push(struct order *o, const struct csv_event *ev, uint64_t rk)
{
	struct prow *r;

	if (o->nspare) {
		r = o->spare[--o->nspare];
	} else {
		/* the spare list must be able to take back every heap row */
		if (o->nheaprows == o->spare_cap &&
		    grow((void **)&o->spare, &o->spare_cap, sizeof(*o->spare)) < 0)
			return -1;
		r = malloc(sizeof(*r));
		if (!r)
			return oom();
		o->nheaprows++;
	}
	if (o->hn == o->hcap && grow((void **)&o->heap, &o->hcap, sizeof(*o->heap)) < 0) {
		o->spare[o->nspare++] = r;
		return -1;
	}
	if (row_fill(r, ev, rk) < 0) {
		o->spare[o->nspare++] = r;
		return -1;
	}
	o->heap[o->hn].time = r->time;
	o->heap[o->hn].rk = rk;
	o->heap[o->hn].p = r;
	o->hn++;
	sift_up(o->heap, o->hn - 1);
	return 0;
}

int order_push(struct order *o, const struct csv_event *ev, struct tree *t, order_apply_fn fn)
{
	uint64_t rk = (uint64_t)causal_rank(ev) << SEQ_BITS | (o->seq++ & ((1ull << SEQ_BITS) - 1));
	const struct prow *tail =
		o->rlen ? &o->ring[(o->rhead + o->rlen - 1) & (o->rcap - 1)] : NULL;

	if (!tail || !before(ev->time_ns, rk, tail->time, tail->rk)) {
		struct prow *r = ring_slot(o);

		if (!r || row_fill(r, ev, rk) < 0)
			return -1;
		o->rlen++;
	} else if (heap_push(o, ev, rk) < 0) {
		return -1;
	}
	if (ev->time_ns > o->max_time)
		o->max_time = ev->time_ns;
	while (pending(o)) {
		const struct prow *head = o->rlen ? &o->ring[o->rhead] : NULL;
		uint64_t t0 = head ? head->time : UINT64_MAX;

		if (o->hn && o->heap[0].time < t0)
			t0 = o->heap[0].time;
		if (o->max_time - t0 <= o->window_ns && pending(o) <= TREE_WINDOW_MAX_ROWS)
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
		free(o->ring[(o->rhead + i) & (o->rcap - 1)].ext);
	for (size_t i = 0; i < o->hn; i++) {
		free(o->heap[i].p->ext);
		o->spare[o->nspare++] = o->heap[i].p;
	}
	for (size_t i = 0; i < o->nspare; i++)
		free(o->spare[i]);
	free(o->ring);
	free(o->heap);
	free(o->spare);
	free(o->argv);
	memset(o, 0, sizeof(*o));
}
