// SPDX-License-Identifier: MIT
/*
 * Walking the finished tree (iteratively: a chain of a million forks must
 * not recurse a million deep) and the counts derived from it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tree-private.h"

static struct node *root_at(const struct tree *t, int i)
{
	if (i == 0 && t->root)
		return t->root;
	if (i <= 1 && t->unknown)
		return t->unknown;
	return NULL;
}

struct node *tree_walk_first(struct tree_walk *w, const struct tree *t)
{
	memset(w, 0, sizeof(*w));
	w->t = t;
	w->root_index = t->root ? 0 : 1;
	w->cur = root_at(t, w->root_index);
	return w->cur;
}

struct node *tree_walk_next(struct tree_walk *w)
{
	struct node *n = w->cur;

	w->closes = 0;
	if (!n)
		return NULL;
	if (n->first_child) {
		w->depth++;
		return w->cur = n->first_child;
	}
	w->closes = 1;
	while (!n->next_sibling) {
		if (!n->parent) {
			/* a root is finished: the next root, if any */
			w->root_index++;
			w->depth = 0;
			w->cur = w->root_index <= 1 ? root_at(w->t, w->root_index) : NULL;
			if (w->cur == n)
				w->cur = NULL;
			return w->cur;
		}
		n = n->parent;
		w->depth--;
		w->closes++;
	}
	return w->cur = n->next_sibling;
}

void tree_count(struct tree *t)
{
	struct tree_summary *s = &t->sum;
	struct tree_walk w;
	struct node *n;

	s->processes = t->nnodes;
	for (uint32_t id = 1; id <= t->nnodes; id++) {
		n = tree_node(t, id);
		if (n->have & NH_LIVE && !(n->flags & NF_ALIVE_AT_END))
			n->flags |= NF_EXIT_UNSEEN;
		if (n->have & NH_END)
			s->exited++;
		if (n->have & NH_SIGNAL)
			s->signaled++;
		else if (n->have & NH_CODE && n->code)
			s->exit_nonzero++;
		s->exit_lost += !!(n->flags & NF_EXIT_LOST);
		s->fork_lost += !!(n->flags & NF_FORK_LOST);
		s->orphans += !!(n->flags & NF_ORPHAN);
		s->alive_at_end += !!(n->flags & NF_ALIVE_AT_END);
		s->exit_unseen += !!(n->flags & NF_EXIT_UNSEEN);
		s->reparented += !!(n->flags & NF_REPARENTED);
		s->argv_unknown += !!(n->flags & NF_ARGV_UNKNOWN);
		s->fork_late += !!(n->flags & NF_FORK_LATE);
	}
	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w)) {
		/* the synthetic node is not a process: its children are depth 1 under it */
		if (w.depth > s->max_depth)
			s->max_depth = w.depth;
	}
}

void tree_summary(const struct tree *t, struct tree_summary *s)
{
	*s = t->sum;
}

const char *tree_truncation(const struct tree *t)
{
	return t->truncation;
}

struct node *node_post_first(struct node *root)
{
	while (root->first_child)
		root = root->first_child;
	return root;
}

struct node *node_post_next(struct node *n, const struct node *root)
{
	if (n == root)
		return NULL;
	if (n->next_sibling)
		return node_post_first(n->next_sibling);
	return n->parent;
}
