// SPDX-License-Identifier: MIT
/*
 * Aligning two runs' trees for --diff.  Pids and times say nothing across
 * runs, so a process is matched by what it is: the two roots pair (and the
 * two synthetic unknown parents), then the children of every matched pair
 * are matched among themselves, level by level from the roots:
 *
 *   1. the same normalised command line (diff_key.c), the k-th such child
 *      of one run with the k-th of the other, in creation order;
 *   2. of those left, the same program and positional arguments (a changed
 *      compiler flag: "cc -O2 -c a.c" and "cc -O3 -c a.c");
 *   3. of those left, the same program name.
 *
 * Matching by key and occurrence rather than by position means an added or
 * removed sibling shifts nothing, and siblings that a parallel make started
 * in another order still pair.  Each level costs O(children) with a hash
 * table, so a million processes align in linear time.
 *
 * Processes the recording placed under another parent (fork_lost, orphans
 * under the unknown parent) then pair with any process of the other run left
 * unmatched that has the same command line, and their children are aligned
 * the same way: a lost event moves a process, it never makes it vanish.
 * What is still unmatched is in one run only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff-private.h"
#include "err.h"

struct bucket {
	uint64_t key;
	uint32_t head, tail; /* a FIFO of positions, linked through next[] */
	bool used;
};

struct matcher {
	struct diff *d;
	uint32_t *kids[2]; /* the children of the pair being aligned */
	size_t nkids[2], kids_cap[2];
	uint32_t *next; /* FIFO links by position */
	size_t next_cap;
	struct bucket *tab;
	size_t tab_cap;
	uint32_t *queue; /* pairs to align: a, b, a, b ... */
	size_t qhead, qlen, qcap;
	uint32_t *rescued; /* run A's side of the pairs rescue() made */
	size_t nrescued, rescued_cap;
};

static int oom(void)
{
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *v;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	v = realloc(*p, c * size);
	if (!v)
		return oom();
	*p = v;
	*cap = c;
	return 0;
}

/* a hash table of at least 2 * @n buckets, empty */
static int tab_reset(struct matcher *m, size_t n)
{
	size_t want = 16;

	while (want < 2 * n)
		want *= 2;
	if (want > m->tab_cap) {
		free(m->tab);
		m->tab = malloc(want * sizeof(*m->tab));
		if (!m->tab) {
			m->tab_cap = 0;
			return oom();
		}
		m->tab_cap = want;
	}
	for (size_t i = 0; i < want; i++)
		m->tab[i].used = false;
	return (int)(want - 1);
}

static struct bucket *tab_find(struct matcher *m, size_t mask, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & mask;

	while (m->tab[i].used && m->tab[i].key != key)
		i = (i + 1) & mask;
	return &m->tab[i];
}

static void tab_push(struct matcher *m, struct bucket *b, uint64_t key, uint32_t pos)
{
	m->next[pos] = DIFF_NONE;
	if (!b->used) {
		b->used = true;
		b->key = key;
		b->head = b->tail = pos;
		return;
	}
	if (b->head == DIFF_NONE)
		b->head = pos;
	else
		m->next[b->tail] = pos;
	b->tail = pos;
}

static int pair(struct matcher *m, uint32_t a, uint32_t b, enum diff_tier tier)
{
	struct diff *d = m->d;

	diff_dn(d, 0, a)->match = b;
	diff_dn(d, 0, a)->tier = tier;
	diff_dn(d, 1, b)->match = a;
	diff_dn(d, 1, b)->tier = tier;
	if (grow((void **)&m->queue, &m->qcap, m->qlen + 2, sizeof(*m->queue)) < 0)
		return -1;
	m->queue[m->qlen++] = a;
	m->queue[m->qlen++] = b;
	return 0;
}

/* the unmatched children of @ix in run @r, in creation order */
static int collect(struct matcher *m, int r, uint32_t ix)
{
	const struct diff_run *run = &m->d->run[r];
	size_t n = 0;

	for (const struct node *k = run->byix[ix]->first_child; k; k = k->next_sibling) {
		uint32_t kx = diff_ix(k);

		if (run->dn[kx].match != DIFF_NONE)
			continue;
		if (grow((void **)&m->kids[r], &m->kids_cap[r], n + 1, sizeof(uint32_t)) < 0)
			return -1;
		m->kids[r][n++] = kx;
	}
	m->nkids[r] = n;
	return 0;
}

/* the same-name pairs weighed by arguments: at most this many */
#define SIMILAR_MAX 4096

struct cand {
	uint32_t score, i, j;
};

static int by_score(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return a->j < b->j ? -1 : a->j > b->j;
}

/* how many arguments two sorted hash lists share */
static size_t common(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, n = 0;

	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			n++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return n;
}

/*
 * The last tier, the same program name: of the candidates, the pairs that
 * share the most arguments first ("cc -o prog a.o b.o" stays with the
 * link that gained an object, not with a new "cc -c d.c" started before
 * it), equal shares in creation order.
 */
static int by_name_similar(struct matcher *m)
{
	struct diff *d = m->d;
	size_t na = m->nkids[0], nb = m->nkids[1], nc = 0;
	uint64_t **h[2] = { calloc(na, sizeof(uint64_t *)), calloc(nb, sizeof(uint64_t *)) };
	size_t *len[2] = { calloc(na, sizeof(size_t)), calloc(nb, sizeof(size_t)) };
	struct cand *c = malloc(na * nb * sizeof(*c));
	int ret = -1;

	if (!h[0] || !h[1] || !len[0] || !len[1] || !c) {
		oom();
		goto out;
	}
	for (int r = 0; r < 2; r++)
		for (size_t i = 0; i < m->nkids[r]; i++) {
			uint32_t x = m->kids[r][i];

			if (diff_dn(d, r, x)->match == DIFF_NONE &&
			    diff_arg_hashes(d, d->run[r].byix[x], &h[r][i], &len[r][i]) < 0)
				goto out;
		}
	for (size_t i = 0; i < na; i++) {
		const struct diff_node *x = diff_dn(d, 0, m->kids[0][i]);

		if (x->match != DIFF_NONE)
			continue;
		for (size_t j = 0; j < nb; j++) {
			const struct diff_node *y = diff_dn(d, 1, m->kids[1][j]);
			size_t sum = len[0][i] + len[1][j];

			if (y->match != DIFF_NONE ||
			    y->key[DIFF_TIER_NAME] != x->key[DIFF_TIER_NAME])
				continue;
			c[nc].score =
				sum ? (uint32_t)(2000 *
						 common(h[0][i], len[0][i], h[1][j], len[1][j]) /
						 sum)
				    : 0;
			c[nc].i = (uint32_t)i;
			c[nc++].j = (uint32_t)j;
		}
	}
	qsort(c, nc, sizeof(*c), by_score);
	for (size_t k = 0; k < nc; k++) {
		uint32_t x = m->kids[0][c[k].i], y = m->kids[1][c[k].j];

		if (diff_dn(d, 0, x)->match == DIFF_NONE && diff_dn(d, 1, y)->match == DIFF_NONE &&
		    pair(m, x, y, DIFF_TIER_NAME) < 0)
			goto out;
	}
	ret = 0;
out:
	for (int r = 0; r < 2; r++) {
		for (size_t i = 0; h[r] && i < m->nkids[r]; i++)
			free(h[r][i]);
		free(h[r]);
		free(len[r]);
	}
	free(c);
	return ret;
}

/* drop the matched children from list @r; returns how many are left */
static size_t compact(struct matcher *m, int r)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nkids[r]; i++)
		if (diff_dn(m->d, r, m->kids[r][i])->match == DIFF_NONE)
			m->kids[r][n++] = m->kids[r][i];
	m->nkids[r] = n;
	return n;
}

/* match the children of the pair (@a, @b) by each tier in turn */
static int align_kids(struct matcher *m, uint32_t a, uint32_t b)
{
	struct diff *d = m->d;

	if (collect(m, 0, a) < 0 || collect(m, 1, b) < 0)
		return -1;
	if (!m->nkids[0] || !m->nkids[1])
		return 0;
	for (int tier = 0; tier < DIFF_TIERS; tier++) {
		size_t na, nb;
		int mask;

		/* what the earlier tiers matched is out of the lists; nothing left, done */
		if (tier && (!compact(m, 0) || !compact(m, 1)))
			break;
		na = m->nkids[0];
		nb = m->nkids[1];

		if (tier == DIFF_TIER_NAME && na * nb <= SIMILAR_MAX) {
			if (by_name_similar(m) < 0)
				return -1;
			continue;
		}
		if (na * nb <= 64) {
			/* a few children (most processes): no table */
			for (size_t i = 0; i < na; i++) {
				uint32_t x = m->kids[0][i];

				if (diff_dn(d, 0, x)->match != DIFF_NONE)
					continue;
				for (size_t j = 0; j < nb; j++) {
					uint32_t y = m->kids[1][j];

					if (diff_dn(d, 1, y)->match == DIFF_NONE &&
					    diff_dn(d, 1, y)->key[tier] ==
						    diff_dn(d, 0, x)->key[tier]) {
						if (pair(m, x, y, tier) < 0)
							return -1;
						break;
					}
				}
			}
			continue;
		}
		mask = tab_reset(m, nb);
		if (mask < 0 || grow((void **)&m->next, &m->next_cap, nb, sizeof(*m->next)) < 0)
			return -1;
		for (size_t j = 0; j < nb; j++) {
			uint32_t y = m->kids[1][j];
			uint64_t key = diff_dn(d, 1, y)->key[tier];

			if (diff_dn(d, 1, y)->match == DIFF_NONE)
				tab_push(m, tab_find(m, (size_t)mask, key), key, (uint32_t)j);
		}
		for (size_t i = 0; i < na; i++) {
			uint32_t x = m->kids[0][i];
			struct bucket *bk;

			if (diff_dn(d, 0, x)->match != DIFF_NONE)
				continue;
			bk = tab_find(m, (size_t)mask, diff_dn(d, 0, x)->key[tier]);
			if (!bk->used || bk->head == DIFF_NONE)
				continue;
			if (pair(m, x, m->kids[1][bk->head], tier) < 0)
				return -1;
			bk->head = m->next[bk->head];
		}
	}
	return 0;
}

/* align the children of every pair queued, and of theirs */
static int drain(struct matcher *m)
{
	while (m->qhead < m->qlen) {
		uint32_t a = m->queue[m->qhead], b = m->queue[m->qhead + 1];

		m->qhead += 2;
		if (align_kids(m, a, b) < 0)
			return -1;
	}
	return 0;
}

static enum diff_tier root_tier(struct diff *d, uint32_t a, uint32_t b)
{
	for (int tier = 0; tier < DIFF_TIERS; tier++)
		if (diff_dn(d, 0, a)->key[tier] == diff_dn(d, 1, b)->key[tier])
			return tier;
	return DIFF_TIER_ROOT;
}

/*
 * Processes placed by a lost event (fork_lost: under the ppid a row
 * carried, or under the unknown parent) of run @s, still unmatched, pair
 * with an unmatched process of the other run with the same command line.
 */
static int rescue(struct matcher *m, int s)
{
	struct diff *d = m->d;
	const struct diff_run *rs = &d->run[s], *ro = &d->run[!s];
	size_t nfree = 0;
	int mask;

	for (uint32_t ix = 1; ix <= ro->n; ix++)
		nfree += ro->dn[ix].match == DIFF_NONE;
	if (!nfree)
		return 0;
	mask = tab_reset(m, nfree);
	if (mask < 0 ||
	    grow((void **)&m->next, &m->next_cap, (size_t)ro->n + 1, sizeof(*m->next)) < 0)
		return -1;
	for (uint32_t ix = 1; ix <= ro->n; ix++) {
		uint64_t key = ro->dn[ix].key[DIFF_TIER_EXACT];

		if (ro->dn[ix].match == DIFF_NONE)
			tab_push(m, tab_find(m, (size_t)mask, key), key, ix);
	}
	for (uint32_t ix = 1; ix <= rs->n; ix++) {
		struct bucket *bk;

		if (rs->dn[ix].match != DIFF_NONE || !(rs->byix[ix]->flags & NF_FORK_LOST))
			continue;
		bk = tab_find(m, (size_t)mask, rs->dn[ix].key[DIFF_TIER_EXACT]);
		/* entries matched since the table was filled are skipped here */
		while (bk->used && bk->head != DIFF_NONE && ro->dn[bk->head].match != DIFF_NONE)
			bk->head = m->next[bk->head];
		if (!bk->used || bk->head == DIFF_NONE)
			continue;
		if (s == 0 ? pair(m, ix, bk->head, DIFF_TIER_EXACT) < 0
			   : pair(m, bk->head, ix, DIFF_TIER_EXACT) < 0)
			return -1;
		if (grow((void **)&m->rescued, &m->rescued_cap, m->nrescued + 1,
			 sizeof(*m->rescued)) < 0)
			return -1;
		m->rescued[m->nrescued++] = s == 0 ? ix : bk->head;
		bk->head = m->next[bk->head];
		if (drain(m) < 0)
			return -1;
	}
	return 0;
}

/* the parent's index, DIFF_NONE for a root */
static uint32_t parent_ix(const struct node *x)
{
	return x->parent ? diff_ix(x->parent) : DIFF_NONE;
}

/*
 * Only a pair made by rescue() can sit under parents that are not each
 * other's partners: align_kids() pairs children of a pair.  Whether it does
 * is decided once every rescue is done (a parent may be rescued after its
 * child).
 */
static void mark_moved(struct matcher *m)
{
	struct diff *d = m->d;

	for (size_t k = 0; k < m->nrescued; k++) {
		uint32_t a = m->rescued[k], b = d->run[0].dn[a].match;
		uint32_t p = parent_ix(d->run[0].byix[a]), q = parent_ix(d->run[1].byix[b]);
		bool moved = (p == DIFF_NONE) != (q == DIFF_NONE) ||
			     (p != DIFF_NONE && d->run[0].dn[p].match != q);

		d->run[0].dn[a].moved = d->run[1].dn[b].moved = moved;
	}
}

/* the sizes of the unmatched subtrees, and how many subtrees (walks run @r) */
static int subtrees(struct diff *d, int r)
{
	struct diff_run *run = &d->run[r];
	struct node **order = malloc(((size_t)run->n + 1) * sizeof(*order));
	struct tree_walk w;
	size_t n = 0;

	if (!order)
		return oom();
	for (struct node *x = tree_walk_first(&w, run->t); x; x = tree_walk_next(&w))
		if (n <= run->n)
			order[n++] = x;
	/* reverse pre-order: every child before its parent */
	while (n--) {
		const struct node *x = order[n];
		uint32_t ix = diff_ix(x), p = parent_ix(x);
		struct diff_node *me = &run->dn[ix];

		if (x->flags & NF_SYNTHETIC || me->match != DIFF_NONE)
			continue;
		me->subtree++;
		if (p != DIFF_NONE && p != 0 && run->dn[p].match == DIFF_NONE)
			run->dn[p].subtree += me->subtree;
		else
			*(r ? &d->counts.only_b_subtrees : &d->counts.only_a_subtrees) += 1;
	}
	free(order);
	return 0;
}

/* the counts; the tree walks only when some process is in one run only */
static int classify(struct matcher *m)
{
	struct diff *d = m->d;
	struct diff_counts *c = &d->counts;

	memset(c, 0, sizeof(*c));
	c->processes_a = d->run[0].n;
	c->processes_b = d->run[1].n;
	mark_moved(m);
	for (uint32_t ix = 1; ix <= d->run[1].n; ix++)
		c->only_b += d->run[1].dn[ix].match == DIFF_NONE;
	for (uint32_t ix = 1; ix <= d->run[0].n; ix++) {
		const struct diff_node *a = &d->run[0].dn[ix];

		if (a->match == DIFF_NONE) {
			c->only_a++;
			continue;
		}
		c->matched++;
		c->moved += a->moved;
		c->command_changed += diff_pair_is(d, ix, DK_COMMAND);
		c->status_changed += diff_pair_is(d, ix, DK_STATUS);
	}
	if (c->only_a && subtrees(d, 0) < 0)
		return -1;
	if (c->only_b && subtrees(d, 1) < 0)
		return -1;
	return 0;
}

/**
 * diff_align - match the processes of the two runs, then classify
 *
 * Returns 0, or -1 with err_msg() when out of memory.
 */
int diff_align(struct diff *d)
{
	struct matcher m = { .d = d };
	const struct tree *ta = d->run[0].t, *tb = d->run[1].t;
	int ret = -1;

	if (ta->root && tb->root &&
	    pair(&m, diff_ix(ta->root), diff_ix(tb->root),
		 root_tier(d, diff_ix(ta->root), diff_ix(tb->root))) < 0)
		goto out;
	if (ta->unknown && tb->unknown && pair(&m, 0, 0, DIFF_TIER_ROOT) < 0)
		goto out;
	if (drain(&m) < 0 || rescue(&m, 0) < 0 || rescue(&m, 1) < 0)
		goto out;
	ret = classify(&m);
out:
	free(m.kids[0]);
	free(m.kids[1]);
	free(m.next);
	free(m.tab);
	free(m.queue);
	free(m.rescued);
	return ret;
}
