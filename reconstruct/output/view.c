// SPDX-License-Identifier: MIT
/*
 * What the views show (--max-depth, --filter) and the small helpers they
 * share.  A node is shown when it is at most --max-depth deep and, with
 * --filter COMM, when it runs COMM (any exec basename or its comm), is a
 * descendant of such a node, or is an ancestor of one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "signame.h"
#include "view-private.h"

enum { SHOW = 1, ANCESTOR = 2 };

static bool matches(const struct node *n, const char *want, size_t wlen)
{
	const char *s;
	size_t len;

	if (n->comm && n->comm->len == wlen && !memcmp(n->comm->s, want, wlen))
		return true;
	for (const struct exec_rec *x = n->execs; x; x = x->next) {
		exec_basename(x, &s, &len);
		if (s && len == wlen && !memcmp(s, want, wlen))
			return true;
	}
	return false;
}

int view_init(struct view *v, const struct tree *t, const struct tree_view_opts *o)
{
	struct node *roots[2] = { t->root, t->unknown };
	size_t n = (size_t)t->nnodes + 1;
	struct tree_walk w;
	struct node *x;

	memset(v, 0, sizeof(*v));
	v->t = t;
	v->max_depth = o ? o->max_depth : -1;
	v->filter = o ? o->filter : NULL;
	v->show = calloc(n, 1);
	v->size = calloc(n, sizeof(*v->size));
	if (!v->show || !v->size)
		goto oom;
	if (v->filter) {
		size_t wlen = strlen(v->filter);

		for (uint32_t id = 1; id <= t->nnodes; id++) {
			x = tree_node(t, id);
			if (!matches(x, v->filter, wlen))
				continue;
			/* stop at the first ancestor already marked: each node is marked once */
			for (; x && !(v->show[node_ix(x)] & ANCESTOR); x = x->parent)
				v->show[node_ix(x)] |= ANCESTOR;
		}
	}
	{
		bool in_match = false;
		uint64_t match_depth = 0;

		for (x = tree_walk_first(&w, t); x; x = tree_walk_next(&w)) {
			uint8_t *s = &v->show[node_ix(x)];
			bool on;

			if (in_match && w.depth <= match_depth)
				in_match = false;
			if (v->filter && !in_match && x->pid >= 0 && *s & ANCESTOR &&
			    matches(x, v->filter, strlen(v->filter))) {
				in_match = true;
				match_depth = w.depth;
			}
			on = !v->filter || in_match || *s & ANCESTOR;
			if (v->max_depth >= 0 && w.depth > (uint64_t)v->max_depth)
				on = false;
			*s = on ? SHOW : 0;
			v->nshown += on;
			if (!on && x->pid >= 0)
				v->nhidden++;
		}
	}
	/* hidden descendants of each node, children before parents */
	for (int r = 0; r < 2; r++) {
		if (!roots[r])
			continue;
		for (x = node_post_first(roots[r]); x; x = node_post_next(x, roots[r])) {
			if (x->parent)
				v->size[node_ix(x->parent)] +=
					v->size[node_ix(x)] + !v->show[node_ix(x)];
		}
	}
	return 0;
oom:
	view_fini(v);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

void view_fini(struct view *v)
{
	free(v->show);
	free(v->size);
	v->show = NULL;
	v->size = NULL;
}

uint32_t view_hidden_below(const struct view *v, const struct node *n)
{
	return v->size[node_ix(n)];
}

uint64_t node_draw_end(const struct tree *t, const struct node *n)
{
	uint64_t end = n->end_ns;

	if (!(n->have & NH_END) && n->flags & NF_ALIVE_AT_END && t->last_ns > end)
		end = t->last_ns;
	return end < n->start_ns ? n->start_ns : end;
}

void node_status(const struct node *n, char *buf, size_t size)
{
	if (n->have & NH_SIGNAL) {
		const char *name = signame(n->signal);

		if (name)
			snprintf(buf, size, "%s", name);
		else
			snprintf(buf, size, "signal %u", n->signal);
	} else if (n->have & NH_CODE) {
		snprintf(buf, size, "code %u", n->code);
	} else if (n->flags & NF_ALIVE_AT_END) {
		snprintf(buf, size, "running");
	} else {
		snprintf(buf, size, "exit ?");
	}
}
