// SPDX-License-Identifier: MIT
/*
 * Classifying what each file misses relative to the others, once the
 * processes are matched into clusters.  For each cluster and each file:
 *
 *   node_missing    the file has no node for it (a whole dropped subtree is
 *                   reported node by node; its top is marked)
 *   fork_missing    the file saw it without a fork (fork_lost, perhaps an
 *                   orphan) where another file saw the fork
 *   exec_missing    another file saw an exec filename this one lacks
 *   exit_missing    the file has no real exit (exit_lost, exit_unseen,
 *                   alive_at_end, an inferred exit or one without status)
 *                   where another file saw the exit with its status, at a
 *                   time this file was still recording
 *   status_differs  both saw the exit; code or signal differ
 *   parent_differs  both saw the fork; the creators are different processes
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compare-private.h"
#include "err.h"

uint32_t cmp_ref_file(const struct cmp *c, uint32_t cl)
{
	for (int f = 0; f < c->nfiles; f++)
		if (*cmp_member(c, cl, f) != CMP_NONE)
			return (uint32_t)f;
	return 0;
}

/* the cluster of node @id's creator in file @f: CMP_UNKNOWN, or CMP_NONE for a root */
uint32_t cmp_parent_cluster(const struct cmp *c, int f, uint32_t id)
{
	const struct cmp_file *fl = &c->files[f];
	uint32_t p = fl->nodes[id].info.parent;

	if (p == TREE_NO_NODE)
		return CMP_NONE;
	if (p == 0)
		return CMP_UNKNOWN;
	return fl->nodes[p].cluster;
}

static int add_diff(struct cmp *c, int f, enum cmp_class cls, uint32_t cl, uint32_t node, int other,
		    bool top)
{
	struct cmp_diff *d;

	if (c->ndiffs[f] == c->diffs_cap[f]) {
		size_t cap = c->diffs_cap[f] ? 2 * c->diffs_cap[f] : 64;
		struct cmp_diff *v = realloc(c->diffs[f], cap * sizeof(*v));

		if (!v) {
			err_set("out of memory");
			errno = ENOMEM;
			return -1;
		}
		c->diffs[f] = v;
		c->diffs_cap[f] = cap;
	}
	d = &c->diffs[f][c->ndiffs[f]++];
	d->cls = cls;
	d->cluster = cl;
	d->node = node;
	d->other = other;
	d->top = top;
	c->files[f].count[cls]++;
	c->differs = true;
	return 0;
}

static bool bytes_eq(const char *a, size_t al, const char *b, size_t bl)
{
	if (!a || !b)
		return !a && !b;
	return al == bl && !memcmp(a, b, al);
}

/* some exec filename of (g, y) is not, in order, among those of (f, x) */
static bool exec_missing(const struct cmp *c, int f, uint32_t x, int g, uint32_t y)
{
	const struct cmp_file *ff = &c->files[f], *fg = &c->files[g];
	const char *s, *t;
	size_t sl, tl;
	uint32_t j = 0;

	for (uint32_t i = 0; cmp_exec_name(fg, y, i, &s, &sl); i++) {
		if (!s)
			continue; /* an unknown filename cannot show a loss */
		while (cmp_exec_name(ff, x, j, &t, &tl) && t && !bytes_eq(s, sl, t, tl))
			j++;
		if (!cmp_exec_name(ff, x, j, &t, &tl))
			return true;
		j++;
	}
	return false;
}

static bool exit_real(const struct tree_node_info *n)
{
	return n->exit_seen && (n->have_code || n->have_signal) &&
	       !(n->flags & (TQ_EXIT_LOST | TQ_EXIT_INFERRED | TQ_EXIT_STATUS_UNKNOWN));
}

static bool status_eq(const struct tree_node_info *a, const struct tree_node_info *b)
{
	if (a->have_signal || b->have_signal)
		return a->have_signal && b->have_signal && a->signal == b->signal;
	return a->code == b->code;
}

static int classify_one(struct cmp *c, uint32_t ci, int f)
{
	uint64_t tol = c->opts.tolerance_ns;
	const struct cmp_file *fl = &c->files[f];
	uint32_t x = *cmp_member(c, ci, f);
	const struct tree_node_info *a;
	int fork_by = -1, exec_by = -1, exit_by = -1, status_by = -1, parent_by = -1;

	if (x == CMP_NONE) {
		int r = (int)cmp_ref_file(c, ci);
		uint32_t pc = cmp_parent_cluster(c, r, *cmp_member(c, ci, r));
		bool top = pc >= CMP_UNKNOWN || *cmp_member(c, pc, f) != CMP_NONE;

		return add_diff(c, f, CMP_NODE_MISSING, ci, TREE_NO_NODE, r, top);
	}
	a = &fl->nodes[x].info;
	for (int g = 0; g < c->nfiles; g++) {
		uint32_t y = *cmp_member(c, ci, g);
		const struct tree_node_info *b;

		if (g == f || y == CMP_NONE)
			continue;
		b = &c->files[g].nodes[y].info;
		if (fork_by < 0 && (a->flags & TQ_FORK_LOST) && b->fork_seen)
			fork_by = g;
		if (exec_by < 0 && exec_missing(c, f, x, g, y))
			exec_by = g;
		if (exit_by < 0 && !exit_real(a) && exit_real(b)) {
			/* an engine that stopped before the exit could not see it */
			bool stopped_first = !a->exit_seen && !(a->flags & TQ_EXIT_LOST) &&
					     b->end_ns > fl->end_ns + tol;

			if (!stopped_first)
				exit_by = g;
		}
		if (status_by < 0 && exit_real(a) && exit_real(b) && !status_eq(a, b))
			status_by = g;
		if (parent_by < 0 && a->fork_seen && b->fork_seen &&
		    cmp_parent_cluster(c, f, x) != cmp_parent_cluster(c, g, y))
			parent_by = g;
	}
	if ((fork_by >= 0 && add_diff(c, f, CMP_FORK_MISSING, ci, x, fork_by, false) < 0) ||
	    (exec_by >= 0 && add_diff(c, f, CMP_EXEC_MISSING, ci, x, exec_by, false) < 0) ||
	    (exit_by >= 0 && add_diff(c, f, CMP_EXIT_MISSING, ci, x, exit_by, false) < 0) ||
	    (status_by >= 0 && add_diff(c, f, CMP_STATUS_DIFFERS, ci, x, status_by, false) < 0) ||
	    (parent_by >= 0 && add_diff(c, f, CMP_PARENT_DIFFERS, ci, x, parent_by, false) < 0))
		return -1;
	return 0;
}

/* start time of a cluster as its reference file saw it */
static uint64_t cl_start(const struct cmp *c, uint32_t ci)
{
	return c->cl[ci].start_known ? c->cl[ci].start : c->cl[ci].lo;
}

static int diff_order(const void *pa, const void *pb, void *arg)
{
	const struct cmp *c = arg;
	const struct cmp_diff *a = pa, *b = pb;
	uint64_t sa, sb;

	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	sa = cl_start(c, a->cluster);
	sb = cl_start(c, b->cluster);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return a->cluster < b->cluster ? -1 : a->cluster > b->cluster;
}

int cmp_classify(struct cmp *c)
{
	for (uint32_t ci = 0; ci < c->ncl; ci++)
		for (int f = 0; f < c->nfiles; f++)
			if (classify_one(c, ci, f) < 0)
				return -1;
	for (int f = 0; f < c->nfiles; f++)
		if (c->ndiffs[f] > 1)
			qsort_r(c->diffs[f], c->ndiffs[f], sizeof(*c->diffs[f]), diff_order, c);
	return 0;
}
