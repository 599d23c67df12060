// SPDX-License-Identifier: MIT
/*
 * "Is node A an ancestor of node B?" while the tree is being built.
 *
 * A fork_late adoption moves a fork_lost node (and the subtree it grew
 * meanwhile) under its creator; it must not move a node under its own
 * descendant, or the tree becomes a cycle.  Walking B's ancestors answers
 * that in O(depth): a chain of a million processes, each adopted, took
 * O(depth^2).  Two ways out:
 *
 *  - A node nothing was ever put under (no NH_KIDS) is nobody's ancestor.
 *    That is every adoption of real recordings: the fork row comes within
 *    microseconds of the child's first row, before the child forks.
 *  - Otherwise a link-cut tree (Sleator-Tarjan) over the node ids answers
 *    in O(log n) amortized, and keeps answering as adoptions re-parent
 *    subtrees.  It is built on first use only (12 bytes per node): from
 *    the parent pointers, each node as its own preferred path, which is a
 *    valid state, so building is O(n).  Nodes created later are added from
 *    their parent pointers before each operation: a node's parent changes
 *    only by adoption, and adoption goes through anc_move().
 *
 * Trees are rooted and never re-rooted (no evert), so no reversal bits.
 * Slot i is the node with id i; slot 0 the synthetic unknown parent.
 */
#include <errno.h>
#include <stdlib.h>

#include "err.h"
#include "tree-private.h"

#define NIL UINT32_MAX

static uint32_t slot_of(const struct node *n)
{
	return n ? n->id : NIL;
}

/* add the nodes created since the last call, each a path of its own */
static int anc_sync(struct tree *t)
{
	struct anc *a = &t->anc;
	size_t want = (size_t)t->nnodes + 1;

	if (a->n == want)
		return 0;
	if (want > a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 1024;
		struct anc_slot *v;

		while (cap < want)
			cap *= 2;
		v = realloc(a->v, cap * sizeof(*v));
		if (!v) {
			err_set("out of memory");
			errno = ENOMEM;
			return -1;
		}
		a->v = v;
		a->cap = cap;
	}
	for (size_t id = a->n; id < want; id++) {
		/* slot 0, the unknown parent, has no parent */
		const struct node *p = id ? tree_node(t, (uint32_t)id)->parent : NULL;

		a->v[id].ch[0] = a->v[id].ch[1] = NIL;
		a->v[id].p = slot_of(p);
	}
	a->n = want;
	return 0;
}

/* x is the root of its splay tree: its p, if any, is a path-parent pointer */
static bool is_splay_root(const struct anc_slot *v, uint32_t x)
{
	uint32_t p = v[x].p;

	return p == NIL || (v[p].ch[0] != x && v[p].ch[1] != x);
}

static void rotate(struct anc_slot *v, uint32_t x)
{
	uint32_t p = v[x].p, g = v[p].p;
	int d = v[p].ch[1] == x;
	uint32_t b = v[x].ch[!d];

	if (!is_splay_root(v, p))
		v[g].ch[v[g].ch[1] == p] = x;
	v[x].p = g;
	v[x].ch[!d] = p;
	v[p].p = x;
	v[p].ch[d] = b;
	if (b != NIL)
		v[b].p = p;
}

static void splay(struct anc_slot *v, uint32_t x)
{
	while (!is_splay_root(v, x)) {
		uint32_t p = v[x].p;

		if (!is_splay_root(v, p)) {
			uint32_t g = v[p].p;

			rotate(v, (v[g].ch[1] == p) == (v[p].ch[1] == x) ? p : x);
		}
		rotate(v, x);
	}
}

/* make the path from x's tree root down to x one splay tree, x its root */
static void access(struct anc_slot *v, uint32_t x)
{
	uint32_t last = NIL;

	for (uint32_t y = x; y != NIL; y = v[y].p) {
		splay(v, y);
		v[y].ch[1] = last;
		last = y;
	}
	splay(v, x);
}

#ifdef PROCTREE_ANC_CHECK
/* the fuzz target checks every answer against the plain walk */
static int walk_is_ancestor(const struct node *a, const struct node *b)
{
	for (; b; b = b->parent)
		if (b == a)
			return 1;
	return 0;
}

static int fast_is_ancestor(struct tree *t, const struct node *a, const struct node *b);

int anc_is_ancestor(struct tree *t, const struct node *a, const struct node *b)
{
	int fast = fast_is_ancestor(t, a, b);

	if (fast >= 0 && fast != walk_is_ancestor(a, b))
		abort();
	return fast;
}

static int fast_is_ancestor(struct tree *t, const struct node *a, const struct node *b)
#else
int anc_is_ancestor(struct tree *t, const struct node *a, const struct node *b)
#endif
{
	struct anc_slot *v;

	if (a == b)
		return 1;
	if (!(a->have & NH_KIDS))
		return 0;
	if (anc_sync(t) < 0)
		return -1;
	v = t->anc.v;
	/*
	 * After access(b), b's splay tree holds exactly b's ancestors and b is
	 * its root.  Splaying a moves b down only when a is in that tree.
	 */
	access(v, b->id);
	splay(v, a->id);
	return !is_splay_root(v, b->id);
}

int anc_move(struct tree *t, struct node *n, struct node *parent)
{
	struct anc_slot *v;
	uint32_t x = n->id, l;

	/* once built, the slots must see the old parent before it changes */
	if (t->anc.v && anc_sync(t) < 0)
		return -1;
	n->parent = parent;
	parent->have |= NH_KIDS;
	if (!t->anc.v)
		return 0; /* not built yet: building reads the new parent pointer */
	v = t->anc.v;
	/* cut n from its old parent (its ancestors are its left splay subtree) */
	access(v, x);
	l = v[x].ch[0];
	if (l != NIL) {
		v[l].p = NIL;
		v[x].ch[0] = NIL;
	}
	/* n now roots its tree and its splay tree: link it below parent */
	v[x].p = parent->id;
	return 0;
}

void anc_free(struct anc *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}
