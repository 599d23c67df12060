// SPDX-License-Identifier: MIT
/*
 * --compact: the tree like pstree, by command name only.
 *
 *   sh -> make
 *     12*[cc -> cc1 -> as]
 *     ld (+3)
 *
 * A line is a chain of only children joined by " -> ".  Sibling subtrees
 * with the same shape and the same command names are merged into one line
 * "N*[...]"; lines under a merged line describe each of its N instances.
 * A child group of identical leaves continues a chain as "-> N*[as]".
 * "(+N)" after a name: N descendants cut by --max-depth.  Groups are listed
 * in the order their first member was created.
 *
 * Subtrees are compared by a 64-bit hash of (name, multiset of the
 * children's hashes), computed children first, so no recursion.
 * Lines deeper than COMPACT_INDENT_MAX levels are indented like that level
 * and start with "[depth N] " (N counts lines, not processes), as in the
 * text tree.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "view-private.h"

#define COMPACT_INDENT_MAX 64

struct group {
	struct node *rep; /* the first-created member */
	uint32_t count;
};

struct frame {
	struct group *g;
	size_t n, i;
	uint64_t depth;
};

struct compact {
	struct view v;
	uint64_t *hash; /* per node index */
	FILE *fp;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static void label(const struct node *n, const char **s, size_t *len)
{
	if (n->flags & NF_SYNTHETIC) {
		*s = "(unknown parent)";
		*len = strlen(*s);
	} else {
		node_command(n, s, len);
	}
}

/* shown, has children, none of them shown: --max-depth cut below it */
static uint32_t cut_below(const struct compact *c, const struct node *n)
{
	for (const struct node *k = n->first_child; k; k = k->next_sibling)
		if (view_shown(&c->v, k))
			return 0;
	return view_hidden_below(&c->v, n);
}

static void hash_tree(struct compact *c, struct node *root)
{
	for (struct node *x = node_post_first(root); x; x = node_post_next(x, root)) {
		uint32_t ix = node_ix(x);
		const char *s;
		size_t len;

		label(x, &s, &len);
		c->hash[ix] = mix64(c->hash[ix] + mix64(name_hash(s, len) + cut_below(c, x)));
		if (x->parent && view_shown(&c->v, x))
			c->hash[node_ix(x->parent)] += mix64(c->hash[ix] ^ 0x9e3779b97f4a7c15ull);
	}
}

struct member {
	uint64_t hash;
	struct node *n;
	size_t order;
};

static int by_hash(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int by_order(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	/* ids follow creation; the synthetic node (id 0) comes last */
	uint64_t i = x->rep->flags & NF_SYNTHETIC ? UINT64_MAX : x->rep->id;
	uint64_t j = y->rep->flags & NF_SYNTHETIC ? UINT64_MAX : y->rep->id;

	return i < j ? -1 : i > j;
}

/* the shown children of @n grouped; *out NULL when none */
static int groups_of(const struct compact *c, const struct node *n, struct group **out,
		     size_t *nout)
{
	struct member *m = NULL;
	struct group *g = NULL;
	size_t k = 0, ng = 0;

	*out = NULL;
	*nout = 0;
	for (struct node *x = n->first_child; x; x = x->next_sibling)
		k += view_shown(&c->v, x);
	if (!k)
		return 0;
	m = malloc(k * sizeof(*m));
	g = malloc(k * sizeof(*g));
	if (!m || !g)
		goto oom;
	k = 0;
	for (struct node *x = n->first_child; x; x = x->next_sibling)
		if (view_shown(&c->v, x))
			m[k] = (struct member){ c->hash[node_ix(x)], x, k }, k++;
	qsort(m, k, sizeof(*m), by_hash);
	for (size_t i = 0; i < k; i++) {
		if (i && m[i].hash == m[i - 1].hash) {
			g[ng - 1].count++;
			continue;
		}
		g[ng++] = (struct group){ m[i].n, 1 };
	}
	free(m);
	qsort(g, ng, sizeof(*g), by_order);
	*out = g;
	*nout = ng;
	return 0;
oom:
	free(m);
	free(g);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

static void put_label(const struct compact *c, const struct node *n)
{
	uint32_t cut = cut_below(c, n);
	const char *s;
	size_t len;

	label(n, &s, &len);
	tree_text_escaped(c->fp, s, len);
	if (cut)
		fprintf(c->fp, " (+%" PRIu32 ")", cut);
}

/*
 * One line: the group's chain.  Returns the child groups left to print
 * under it (*gs, may be NULL).
 */
static int put_line(struct compact *c, const struct group *grp, uint64_t depth, struct group **gs,
		    size_t *ngs)
{
	struct node *x = grp->rep;

	/* capped like the text tree: a deep tree's output stays linear in its size */
	for (uint64_t i = 0; i < depth && i < COMPACT_INDENT_MAX; i++)
		fputs("  ", c->fp);
	if (depth > COMPACT_INDENT_MAX)
		fprintf(c->fp, "[depth %" PRIu64 "] ", depth);
	if (grp->count > 1)
		fprintf(c->fp, "%" PRIu32 "*[", grp->count);
	put_label(c, x);
	for (;;) {
		if (groups_of(c, x, gs, ngs) < 0)
			return -1;
		if (*ngs != 1)
			break;
		if ((*gs)[0].count == 1) {
			x = (*gs)[0].rep;
			free(*gs);
			fputs(" -> ", c->fp);
			put_label(c, x);
			continue;
		}
		if (!(*gs)[0].rep->first_child || cut_below(c, (*gs)[0].rep)) {
			/* identical leaves end the chain */
			fprintf(c->fp, " -> %" PRIu32 "*[", (*gs)[0].count);
			put_label(c, (*gs)[0].rep);
			putc_unlocked(']', c->fp);
			free(*gs);
			*gs = NULL;
			*ngs = 0;
		}
		break;
	}
	if (grp->count > 1)
		putc_unlocked(']', c->fp);
	putc_unlocked('\n', c->fp);
	return 0;
}

static int push(struct frame **st, size_t *n, size_t *cap, struct group *g, size_t ng,
		uint64_t depth)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		struct frame *p = realloc(*st, nc * sizeof(*p));

		if (!p) {
			err_set("out of memory");
			errno = ENOMEM;
			return -1;
		}
		*st = p;
		*cap = nc;
	}
	(*st)[(*n)++] = (struct frame){ g, ng, 0, depth };
	return 0;
}

int tree_write_compact(const struct tree *t, const struct tree_view_opts *o, FILE *fp)
{
	struct compact c = { .fp = fp };
	struct frame *st = NULL;
	size_t nst = 0, cap = 0;
	struct group *roots = NULL;
	size_t nroots = 0;
	int ret = -1;

	if (view_init(&c.v, t, o) < 0)
		return -1;
	c.hash = calloc((size_t)t->nnodes + 1, sizeof(*c.hash));
	roots = calloc(2, sizeof(*roots));
	if (!c.hash || !roots) {
		err_set("out of memory");
		errno = ENOMEM;
		goto out;
	}
	if (t->root)
		hash_tree(&c, t->root);
	if (t->unknown)
		hash_tree(&c, t->unknown);
	if (t->root && view_shown(&c.v, t->root))
		roots[nroots++] = (struct group){ t->root, 1 };
	if (t->unknown && view_shown(&c.v, t->unknown))
		roots[nroots++] = (struct group){ t->unknown, 1 };
	if (push(&st, &nst, &cap, roots, nroots, 0) < 0)
		goto out;
	roots = NULL;
	while (nst) {
		struct frame *f = &st[nst - 1];
		struct group *gs;
		size_t ngs;
		uint64_t depth = f->depth;

		if (f->i == f->n) {
			free(f->g);
			nst--;
			continue;
		}
		if (put_line(&c, &f->g[f->i++], depth, &gs, &ngs) < 0)
			goto out;
		if (gs && push(&st, &nst, &cap, gs, ngs, depth + 1) < 0) {
			free(gs);
			goto out;
		}
	}
	if (c.v.nhidden)
		fprintf(fp, "(%" PRIu64 " process%s not shown: --max-depth/--filter)\n",
			c.v.nhidden, c.v.nhidden == 1 ? "" : "es");
	if (t->sum.lost_rows)
		fprintf(fp, "lost: %" PRIu64 " events in %" PRIu64 " window%s\n",
			t->sum.lost_events, t->sum.lost_rows, t->sum.lost_rows == 1 ? "" : "s");
	ret = ferror(fp) ? -1 : 0;
	if (ret < 0)
		err_set("write error");
out:
	while (nst)
		free(st[--nst].g);
	free(st);
	free(roots);
	free(c.hash);
	view_fini(&c.v);
	return ret;
}
