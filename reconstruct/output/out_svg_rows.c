// SPDX-License-Identifier: MIT
/*
 * --format svg: which rows are drawn when the shown tree has more than
 * --max-rows processes (the deepest levels go first, then the shortest
 * lives; failures are kept), and for a row whose children were not drawn,
 * how busy the undrawn processes below it were along the time axis.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "out_svg-private.h"

struct rk {
	uint64_t rank, sib;
};

static int rk_cmp(const void *a, const void *b)
{
	const struct rk *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	return x->sib < y->sib ? -1 : x->sib > y->sib;
}

/* the position of @n among its parent's shown children at this level, counted along the walk */
struct sib {
	const struct node *parent;
	uint64_t count;
};

static uint64_t sib_index(const struct node *n, struct sib *s)
{
	if (n->parent != s->parent || !s->parent) {
		s->parent = n->parent;
		s->count = 0;
	} else {
		s->count++;
	}
	return s->count;
}

static uint64_t row_rank(const struct tree *t, const struct node *n)
{
	return node_failed(n) ? UINT64_MAX : node_draw_end(t, n) - n->start_ns;
}

int svg_pick_rows(struct svg *g)
{
	const struct tree *t = g->t;
	uint64_t *per_depth = NULL, ndepth = 0, total = 0, extra = 0, nlife = 0, ties = 0;
	struct sib sib = { NULL, 0 };
	struct rk *life = NULL, threshold = { 0, 0 };
	struct tree_walk w;
	struct node *n;

	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w))
		if (w.depth + 1 > ndepth)
			ndepth = w.depth + 1;
	per_depth = calloc(ndepth ? ndepth : 1, sizeof(*per_depth));
	g->rowof = calloc((size_t)t->nnodes + 1, sizeof(*g->rowof));
	if (!per_depth || !g->rowof)
		goto oom;
	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w))
		if (view_shown(&g->v, n))
			per_depth[w.depth]++, total++;
	g->cut_depth = UINT64_MAX;
	if (total > g->cap) {
		uint64_t sum = 0, d;

		/* whole levels while they fit, then the next level's first rows in tree order */
		for (d = 0; d < ndepth && sum + per_depth[d] <= g->cap; d++)
			sum += per_depth[d];
		g->cut_depth = d;
		extra = g->cap - sum;
	}
	if (g->cut_depth != UINT64_MAX && g->cut_depth < ndepth && extra) {
		/*
		 * of the level drawn in part: the failed, then the longest-lived processes;
		 * among equals the first children of every parent, then the second ...
		 */
		life = malloc(per_depth[g->cut_depth] * sizeof(*life));
		if (!life)
			goto oom;
		for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w))
			if (w.depth == g->cut_depth && view_shown(&g->v, n))
				life[nlife++] = (struct rk){ row_rank(t, n), sib_index(n, &sib) };
		qsort(life, nlife, sizeof(*life), rk_cmp);
		sib = (struct sib){ NULL, 0 };
		threshold = life[extra - 1];
		ties = extra;
		for (uint64_t i = 0; i < extra; i++)
			ties -= rk_cmp(&life[i], &threshold) < 0;
	}
	g->rows = malloc((g->cap < total ? g->cap : total) * sizeof(*g->rows) + 1);
	if (!g->rows)
		goto oom;
	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w)) {
		struct row *row;

		if (!view_shown(&g->v, n) || w.depth > g->cut_depth || g->nrows == g->cap)
			continue;
		if (w.depth == g->cut_depth) {
			struct rk k = { row_rank(t, n), sib_index(n, &sib) };
			int c = rk_cmp(&k, &threshold);

			if (!extra || c > 0 || (c == 0 && !ties))
				continue;
			if (c == 0)
				ties--;
		}
		row = &g->rows[g->nrows++];
		memset(row, 0, sizeof(*row));
		row->n = n;
		row->depth = (uint32_t)w.depth;
		g->rowof[node_ix(n)] = (uint32_t)g->nrows;
	}
	free(life);
	free(per_depth);
	return 0;
oom:
	free(life);
	free(per_depth);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

static int column(const struct svg *g, uint64_t ns)
{
	int c = (int)(xat(g, ns) - X0);

	return c < 0 ? 0 : c >= COLS ? COLS - 1 : c;
}

/*
 * For rows whose children were not drawn: how many processes below were
 * alive in each pixel column, and in which columns one of them failed.
 * The nearest drawn ancestor of an undrawn node is found with a stack of
 * the drawn nodes on the current path of the walk.
 */
int svg_activity(struct svg *g)
{
	struct {
		uint64_t depth;
		uint32_t row;
	} * st;
	size_t nst = 0;
	struct tree_walk w;
	struct node *n;

	if (g->cut_depth == UINT64_MAX)
		return 0;
	st = malloc((g->nrows + 1) * sizeof(*st));
	if (!st)
		goto oom;
	for (n = tree_walk_first(&w, g->t); n; n = tree_walk_next(&w)) {
		uint32_t row = g->rowof[node_ix(n)];
		struct row *r;
		int a, b;

		while (nst && st[nst - 1].depth >= w.depth)
			nst--;
		if (row) {
			st[nst].depth = w.depth;
			st[nst++].row = row;
			continue;
		}
		if (!nst || !view_shown(&g->v, n) || n->flags & NF_SYNTHETIC)
			continue;
		r = &g->rows[st[nst - 1].row - 1];
		if (!r->act) {
			r->act = calloc(COLS + 1, sizeof(*r->act));
			r->act_fail = calloc(COLS, 1);
			if (!r->act || !r->act_fail)
				goto oom;
		}
		r->cut++;
		r->cut_failed += node_failed(n);
		a = column(g, n->start_ns);
		b = column(g, node_draw_end(g->t, n));
		r->act[a]++;
		r->act[b + 1]--;
		if (node_failed(n))
			r->act_fail[b] = 1;
	}
	free(st);
	for (size_t i = 0; i < g->nrows; i++) {
		int32_t *act = g->rows[i].act;

		for (int c = 1; act && c < COLS; c++)
			act[c] += act[c - 1];
	}
	return 0;
oom:
	free(st);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

/* 0 none, 1..3 by thirds of the row's maximum */
