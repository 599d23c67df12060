// SPDX-License-Identifier: MIT
/*
 * Matching processes across files into clusters (one cluster = one process
 * incarnation as all files together see it).  The first file seeds the
 * clusters; each further file is matched against them, and what it has
 * that no earlier file had becomes a new cluster.
 *
 * By pid (one run recorded by several engines): the incarnations of one
 * pid are totally ordered in time in every file, so for each pid the
 * clusters and the file's nodes, both in time order, are aligned
 * (compare_align.c).  Pairing costs the start-time difference when both
 * saw the fork, else the gap between the two lifetimes; pairs further
 * apart than the tolerance are impossible; an unpaired incarnation costs
 * the tolerance.  A missed incarnation therefore never shifts the others.
 * No decision compares two different pids.
 *
 * By structure (two runs of a deterministic workload: pids and times
 * differ): the roots pair, then the children of each paired process are
 * aligned in creation order by their exec filenames (equal: free; one
 * list contained in the other, or the same comm: an exec went missing).
 * Orphans (fork_lost nodes under the unknown parent) pair afterwards with
 * any unpaired process that has the same exec filenames.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compare-private.h"
#include "err.h"

static int oom(void)
{
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

int cmp_cluster_new(struct cmp *c, int f, uint32_t id)
{
	const struct cmp_node *x = &c->files[f].nodes[id];
	struct cmp_cluster *cl;

	if (c->ncl == c->cl_cap) {
		uint32_t cap = c->cl_cap ? 2 * c->cl_cap : 1024;
		struct cmp_cluster *v = realloc(c->cl, (size_t)cap * sizeof(*v));
		uint32_t *m;

		if (!v)
			return oom();
		c->cl = v;
		m = realloc(c->member, (size_t)cap * c->nfiles * sizeof(*m));
		if (!m)
			return oom();
		c->member = m;
		c->cl_cap = cap;
	}
	cl = &c->cl[c->ncl];
	memset(cl, 0, sizeof(*cl));
	cl->pid = x->info.pid;
	cl->start = cl->lo = x->info.start_ns;
	cl->hi = x->info.end_ns > x->info.start_ns ? x->info.end_ns : x->info.start_ns;
	cl->start_known = x->info.fork_seen;
	cl->parent = CMP_NONE;
	for (int g = 0; g < c->nfiles; g++)
		*cmp_member(c, c->ncl, g) = CMP_NONE;
	*cmp_member(c, c->ncl, f) = id;
	c->files[f].nodes[id].cluster = c->ncl;
	return (int)c->ncl++;
}

static void cluster_join(struct cmp *c, uint32_t ci, int f, uint32_t id)
{
	struct cmp_cluster *cl = &c->cl[ci];
	const struct tree_node_info *x = &c->files[f].nodes[id].info;

	*cmp_member(c, ci, f) = id;
	c->files[f].nodes[id].cluster = ci;
	if (cl->start_known && x->fork_seen) {
		uint64_t d =
			cl->start > x->start_ns ? cl->start - x->start_ns : x->start_ns - cl->start;

		c->off_n++;
		c->off_sum += d;
		if (d > c->off_max)
			c->off_max = d;
	} else if (x->fork_seen) {
		cl->start = x->start_ns;
		cl->start_known = true;
	}
	if (x->start_ns < cl->lo)
		cl->lo = x->start_ns;
	if (x->end_ns > cl->hi)
		cl->hi = x->end_ns;
}

/* ---- by pid ---- */

struct pid_ctx {
	struct cmp *c;
	struct cmp_file *f;
	const uint32_t *cls, *ids; /* this pid's clusters and nodes, time order */
};

static int cmp_cl_pid(const void *a, const void *b, void *arg)
{
	const struct cmp *c = arg;
	const struct cmp_cluster *x = &c->cl[*(const uint32_t *)a];
	const struct cmp_cluster *y = &c->cl[*(const uint32_t *)b];

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int cmp_node_pid(const void *a, const void *b, void *arg)
{
	const struct cmp_file *f = arg;
	const struct tree_node_info *x = &f->nodes[*(const uint32_t *)a].info;
	const struct tree_node_info *y = &f->nodes[*(const uint32_t *)b].info;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->id < y->id ? -1 : 1;
}

static int64_t pid_cost(void *arg, uint32_t i, uint32_t j)
{
	const struct pid_ctx *p = arg;
	const struct cmp_cluster *cl = &p->c->cl[p->cls[i]];
	const struct tree_node_info *x = &p->f->nodes[p->ids[j]].info;
	uint64_t tol = p->c->opts.tolerance_ns, d;

	if (cl->start_known && x->fork_seen) {
		d = cl->start > x->start_ns ? cl->start - x->start_ns : x->start_ns - cl->start;
	} else {
		uint64_t xe = x->end_ns > x->start_ns ? x->end_ns : x->start_ns;

		/* the gap between the two lifetimes, 0 when they overlap */
		d = xe < cl->lo ? cl->lo - xe : x->start_ns > cl->hi ? x->start_ns - cl->hi : 0;
	}
	return d <= tol ? (int64_t)d : -1;
}

static bool same_execs(const struct cmp_file *fa, uint32_t a, const struct cmp_file *fb,
		       uint32_t b);

/* the creators' pids agree, or one is unknown */
static bool same_creator_pid(const struct cmp_file *fa, uint32_t a, const struct cmp_file *fb,
			     uint32_t b)
{
	uint32_t pa = fa->nodes[a].info.parent, pb = fb->nodes[b].info.parent;

	if (pa == TREE_NO_NODE || pb == TREE_NO_NODE || pa == 0 || pb == 0)
		return (pa == TREE_NO_NODE) == (pb == TREE_NO_NODE) || pa == 0 || pb == 0;
	return fa->nodes[pa].info.pid == fb->nodes[pb].info.pid;
}

/*
 * A tracer starved of CPU stamps its events late, beyond any tolerance.
 * When, between two pairs of one pid's alignment (or before the first, or
 * after the last), exactly one cluster and one node are left unpaired, no
 * other incarnation can be meant: pair them anyway if their exec
 * filenames and creators' pids agree.  The fork offset statistics then
 * show how late the stamps were.
 */
static void pair_lone(struct cmp *c, int k, uint32_t m, uint32_t n, const uint32_t *cls,
		      const uint32_t *ids, uint32_t *pair)
{
	uint32_t a = 0, b = 0;

	while (a <= m) {
		/* the gap ends at the next paired cluster (or at the end) */
		uint32_t a_end = a, b_end, lone_a = CMP_NONE, na = 0, nb;

		while (a_end < m && pair[a_end] == CMP_NONE)
			a_end++;
		b_end = a_end < m ? pair[a_end] : n;
		for (uint32_t x = a; x < a_end; x++, na++)
			lone_a = x;
		nb = b_end - b;
		if (na == 1 && nb == 1) {
			int g = (int)cmp_ref_file(c, cls[lone_a]);
			const struct cmp_file *fg = &c->files[g];
			uint32_t y = *cmp_member(c, cls[lone_a], g);

			if (same_execs(fg, y, &c->files[k], ids[b]) &&
			    same_creator_pid(fg, y, &c->files[k], ids[b]))
				pair[lone_a] = b;
		}
		if (a_end >= m)
			break;
		a = a_end + 1;
		b = b_end + 1;
	}
}

static int match_pid_file(struct cmp *c, int k)
{
	struct cmp_file *f = &c->files[k];
	uint32_t ncl = c->ncl, *cls = NULL, *ids = NULL, *pair = NULL;
	uint32_t i = 0, j = 0;
	int ret = -1;

	cls = malloc(((size_t)ncl + 1) * sizeof(*cls));
	ids = malloc(((size_t)f->n + 1) * sizeof(*ids));
	pair = malloc(((size_t)ncl + 1) * sizeof(*pair));
	if (!cls || !ids || !pair) {
		oom();
		goto out;
	}
	for (uint32_t x = 0; x < ncl; x++)
		cls[x] = x;
	for (uint32_t x = 0; x < f->n; x++)
		ids[x] = x + 1;
	qsort_r(cls, ncl, sizeof(*cls), cmp_cl_pid, c);
	qsort_r(ids, f->n, sizeof(*ids), cmp_node_pid, f);
	while (i < ncl || j < f->n) {
		int32_t pid;
		uint32_t i1 = i, j1 = j;
		struct pid_ctx ctx = { c, f, cls + i, ids + j };

		if (j >= f->n || (i < ncl && c->cl[cls[i]].pid < f->nodes[ids[j]].info.pid))
			pid = c->cl[cls[i]].pid;
		else
			pid = f->nodes[ids[j]].info.pid;
		while (i1 < ncl && c->cl[cls[i1]].pid == pid)
			i1++;
		while (j1 < f->n && f->nodes[ids[j1]].info.pid == pid)
			j1++;
		if (cmp_align(i1 - i, j1 - j, (int64_t)c->opts.tolerance_ns + 1, pid_cost, &ctx,
			      pair) < 0)
			goto out;
		pair_lone(c, k, i1 - i, j1 - j, cls + i, ids + j, pair);
		for (uint32_t a = 0; a < i1 - i; a++)
			if (pair[a] != CMP_NONE)
				cluster_join(c, cls[i + a], k, ids[j + pair[a]]);
		i = i1;
		j = j1;
	}
	/* what this file has and no earlier file had */
	for (uint32_t id = 1; id <= f->n; id++)
		if (f->nodes[id].cluster == CMP_NONE && cmp_cluster_new(c, k, id) < 0)
			goto out;
	ret = 0;
out:
	free(cls);
	free(ids);
	free(pair);
	return ret;
}

int cmp_match_pid(struct cmp *c)
{
	for (uint32_t id = 1; id <= c->files[0].n; id++)
		if (cmp_cluster_new(c, 0, id) < 0)
			return -1;
	for (int k = 1; k < c->nfiles; k++)
		if (match_pid_file(c, k) < 0)
			return -1;
	return 0;
}

/* ---- by structure ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < len; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* the exec filenames, or the comm when there was no exec */
static uint64_t node_sig(const struct cmp_file *f, uint32_t id)
{
	const struct tree_node_info *x = &f->nodes[id].info;
	uint64_t h = 14695981039346656037ull;
	const char *s;
	size_t len;

	if (!x->nexecs)
		return fnv(fnv(h, "c", 2), x->comm ? x->comm : "", x->comm ? x->comm_len : 0);
	for (uint32_t i = 0; cmp_exec_name(f, id, i, &s, &len); i++)
		h = fnv(fnv(h, s ? s : "", s ? len : 0), "", 1);
	return h;
}

static bool bytes_eq(const char *a, size_t al, const char *b, size_t bl)
{
	return a && b && al == bl && !memcmp(a, b, al);
}

/* every exec filename of (fa, a) appears, in order, in (fb, b) */
static bool execs_within(const struct cmp_file *fa, uint32_t a, const struct cmp_file *fb,
			 uint32_t b)
{
	uint32_t j = 0;
	const char *s, *t;
	size_t sl, tl;

	for (uint32_t i = 0; cmp_exec_name(fa, a, i, &s, &sl); i++) {
		while (cmp_exec_name(fb, b, j, &t, &tl) && !bytes_eq(s, sl, t, tl))
			j++;
		if (!cmp_exec_name(fb, b, j, &t, &tl))
			return false;
		j++;
	}
	return true;
}

/* the same exec filenames in the same order */
static bool same_execs(const struct cmp_file *fa, uint32_t a, const struct cmp_file *fb, uint32_t b)
{
	if (fa->nodes[a].info.nexecs != fb->nodes[b].info.nexecs)
		return false;
	return execs_within(fa, a, fb, b);
}

struct st_ctx {
	struct cmp *c;
	int k;
	const uint32_t *kids_cl; /* clusters */
	const uint32_t *kids_x;	 /* nodes of file k */
};

/* the member that stands for a cluster: its node in the earliest file */
static void cluster_ref(const struct cmp *c, uint32_t ci, const struct cmp_file **f, uint32_t *id)
{
	int g = (int)cmp_ref_file(c, ci);

	*f = &c->files[g];
	*id = *cmp_member(c, ci, g);
}

static int64_t st_cost(void *arg, uint32_t i, uint32_t j)
{
	const struct st_ctx *p = arg;
	const struct cmp_file *fk = &p->c->files[p->k], *fr;
	const struct cmp_cluster *cl = &p->c->cl[p->kids_cl[i]];
	uint32_t x = p->kids_x[j], r;
	const struct tree_node_info *a, *b;

	if (*cmp_member(p->c, p->kids_cl[i], p->k) != CMP_NONE)
		return -1;
	if (cl->sig == node_sig(fk, x))
		return 0;
	cluster_ref(p->c, p->kids_cl[i], &fr, &r);
	if (execs_within(fr, r, fk, x) || execs_within(fk, x, fr, r))
		return 1;
	a = &fr->nodes[r].info;
	b = &fk->nodes[x].info;
	if (bytes_eq(a->comm, a->comm_len, b->comm, b->comm_len))
		return 1;
	return -1;
}

struct pair {
	uint32_t cl, x;
};

struct work {
	struct pair *v;
	size_t n, cap, next;
};

static int work_push(struct work *w, uint32_t cl, uint32_t x)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		struct pair *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return oom();
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n].cl = cl;
	w->v[w->n].x = x;
	w->n++;
	return 0;
}

static int kid_add(struct cmp *c, uint32_t parent, uint32_t kid)
{
	struct cmp_cluster *p;

	c->cl[kid].parent = parent;
	if (parent >= CMP_UNKNOWN)
		return 0;
	p = &c->cl[parent];
	if (p->nkids == p->kids_cap) {
		uint32_t cap = p->kids_cap ? 2 * p->kids_cap : 4;
		uint32_t *v = realloc(p->kids, (size_t)cap * sizeof(*v));

		if (!v)
			return oom();
		p->kids = v;
		p->kids_cap = cap;
	}
	p->kids[p->nkids++] = kid;
	return 0;
}

/* clusters file k lacks, sorted by signature, for orphans to pair with */
struct sig_ent {
	uint64_t sig;
	uint32_t cl;
};

struct sig_index {
	struct sig_ent *v;
	size_t n;
};

static int cmp_sig(const void *a, const void *b)
{
	const struct sig_ent *x = a, *y = b;

	if (x->sig != y->sig)
		return x->sig < y->sig ? -1 : 1;
	return x->cl < y->cl ? -1 : x->cl > y->cl;
}

static int sig_index_build(struct cmp *c, int k, bool only_orphans, struct sig_index *ix)
{
	free(ix->v);
	ix->n = 0;
	ix->v = malloc(((size_t)c->ncl + 1) * sizeof(*ix->v));
	if (!ix->v)
		return oom();
	for (uint32_t i = 0; i < c->ncl; i++) {
		if (*cmp_member(c, i, k) != CMP_NONE)
			continue;
		if (only_orphans && c->cl[i].parent != CMP_UNKNOWN)
			continue;
		ix->v[ix->n].sig = c->cl[i].sig;
		ix->v[ix->n].cl = i;
		ix->n++;
	}
	qsort(ix->v, ix->n, sizeof(*ix->v), cmp_sig);
	return 0;
}

/* the first indexed cluster with this signature that file k still lacks */
static uint32_t sig_index_take(struct cmp *c, int k, const struct sig_index *ix, uint64_t sig)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ix->v[mid].sig < sig)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n && ix->v[lo].sig == sig; lo++)
		if (*cmp_member(c, ix->v[lo].cl, k) == CMP_NONE)
			return ix->v[lo].cl;
	return CMP_NONE;
}

static int new_cluster_st(struct cmp *c, int k, uint32_t x, uint32_t parent)
{
	int ci = cmp_cluster_new(c, k, x);

	if (ci < 0)
		return -1;
	c->cl[ci].sig = node_sig(&c->files[k], x);
	if (kid_add(c, parent, (uint32_t)ci) < 0)
		return -1;
	return ci;
}

/* pair the children of every pair on the work list, adding pairs as they are found */
static int st_drain(struct cmp *c, int k, struct work *w, const struct sig_index *orphans)
{
	struct cmp_file *f = &c->files[k];
	uint32_t *kx = NULL, *kc = NULL, *pair = NULL;
	size_t cap = 0;
	int ret = -1;

	while (w->next < w->n) {
		struct pair p = w->v[w->next++];
		struct cmp_cluster *cl = &c->cl[p.cl];
		uint32_t nx = 0, nc = cl->nkids;

		for (uint32_t id = f->nodes[p.x].first_child; id != TREE_NO_NODE;
		     id = f->nodes[id].next_sibling)
			nx++;
		if (nx == 0)
			continue;
		if (nx + nc > cap) {
			cap = 2 * (nx + nc);
			free(kx);
			free(kc);
			free(pair);
			kx = malloc(cap * sizeof(*kx));
			kc = malloc(cap * sizeof(*kc));
			pair = malloc(cap * sizeof(*pair));
			if (!kx || !kc || !pair) {
				oom();
				goto out;
			}
		}
		nx = 0;
		for (uint32_t id = f->nodes[p.x].first_child; id != TREE_NO_NODE;
		     id = f->nodes[id].next_sibling)
			kx[nx++] = id;
		/* a copy: new clusters are appended to cl->kids below */
		if (nc)
			memcpy(kc, cl->kids, nc * sizeof(*kc));
		{
			struct st_ctx ctx = { c, k, kc, kx };

			if (cmp_align(nc, nx, 2, st_cost, &ctx, pair) < 0)
				goto out;
		}
		for (uint32_t a = 0; a < nc; a++) {
			if (pair[a] == CMP_NONE)
				continue;
			cluster_join(c, kc[a], k, kx[pair[a]]);
			if (work_push(w, kc[a], kx[pair[a]]) < 0)
				goto out;
		}
		for (uint32_t b = 0; b < nx; b++) {
			uint32_t x = kx[b], o;
			int ci;

			if (f->nodes[x].cluster != CMP_NONE)
				continue;
			/* an earlier file's orphan is this process, which file k placed */
			o = orphans ? sig_index_take(c, k, orphans, node_sig(f, x)) : CMP_NONE;
			if (o != CMP_NONE) {
				cluster_join(c, o, k, x);
				if (kid_add(c, p.cl, o) < 0)
					goto out;
				ci = (int)o;
			} else {
				ci = new_cluster_st(c, k, x, p.cl);
				if (ci < 0)
					goto out;
			}
			if (work_push(w, (uint32_t)ci, x) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	free(kx);
	free(kc);
	free(pair);
	return ret;
}

/* the cluster of node @id's parent in file @f (CMP_NONE for a root) */
static uint32_t parent_cluster_st(const struct cmp_file *f, uint32_t id)
{
	uint32_t p = f->nodes[id].info.parent;

	return p == TREE_NO_NODE || p > f->n ? CMP_NONE
	       : p == 0			     ? CMP_UNKNOWN
					     : f->nodes[p].cluster;
}

/*
 * New clusters for the nodes of file @k that have none, linked to their
 * parents' clusters.  Two passes: a node can have a larger id than its
 * child (a fork_late adoption puts a node seen first under a creator seen
 * later), so a parent's cluster may not exist yet when the child's is made.
 * Linking in id order keeps each cluster's kids in creation order.
 */
static int new_clusters_st(struct cmp *c, int k)
{
	struct cmp_file *f = &c->files[k];
	uint32_t first = c->ncl;

	for (uint32_t id = 1; id <= f->n; id++)
		if (f->nodes[id].cluster == CMP_NONE && new_cluster_st(c, k, id, CMP_NONE) < 0)
			return -1;
	for (uint32_t ci = first; ci < c->ncl; ci++) {
		uint32_t pc = parent_cluster_st(f, *cmp_member(c, ci, k));

		if (pc != CMP_NONE && kid_add(c, pc, ci) < 0)
			return -1;
	}
	return 0;
}

static int seed_structure(struct cmp *c)
{
	return new_clusters_st(c, 0);
}

static int match_structure_file(struct cmp *c, int k)
{
	struct cmp_file *f = &c->files[k];
	struct sig_index ix = { 0 }, any = { 0 };
	struct work w = { 0 };
	uint32_t root = tree_root_id(f->t), rc = CMP_NONE;
	int ret = -1;

	if (sig_index_build(c, k, true, &ix) < 0)
		goto out;
	for (uint32_t i = 0; i < c->ncl; i++) {
		if (c->cl[i].parent == CMP_NONE) {
			rc = i;
			break;
		}
	}
	if (root != TREE_NO_NODE) {
		if (rc != CMP_NONE)
			cluster_join(c, rc, k, root);
		else if ((int)(rc = new_cluster_st(c, k, root, CMP_NONE)) < 0)
			goto out;
		if (work_push(&w, rc, root) < 0 || st_drain(c, k, &w, &ix) < 0)
			goto out;
	}
	/*
	 * this file's orphans: pair with an earlier file's orphan that has the
	 * same execs, else with any process this file lacks that has them (an
	 * orphan here, placed there).  Orphans first: taking any process first
	 * paired an orphan with a placed process of the same name while its
	 * twin orphan went unpaired, and a file differed from itself.
	 */
	if (f->has_unknown) {
		if (sig_index_build(c, k, false, &any) < 0)
			goto out;
		for (uint32_t x = f->nodes[0].first_child; x != TREE_NO_NODE;
		     x = f->nodes[x].next_sibling) {
			uint64_t sig = node_sig(f, x);
			uint32_t o = sig_index_take(c, k, &ix, sig);
			int ci;

			if (o == CMP_NONE)
				o = sig_index_take(c, k, &any, sig);

			if (o != CMP_NONE) {
				cluster_join(c, o, k, x);
				ci = (int)o;
			} else if ((ci = new_cluster_st(c, k, x, CMP_UNKNOWN)) < 0) {
				goto out;
			}
			if (work_push(&w, (uint32_t)ci, x) < 0 || st_drain(c, k, &w, NULL) < 0)
				goto out;
		}
	}
	/* anything left (a second root): new clusters */
	if (new_clusters_st(c, k) < 0)
		goto out;
	ret = 0;
out:
	free(ix.v);
	free(any.v);
	free(w.v);
	return ret;
}

int cmp_match_structure(struct cmp *c)
{
	if (seed_structure(c) < 0)
		return -1;
	for (int k = 1; k < c->nfiles; k++)
		if (match_structure_file(c, k) < 0)
			return -1;
	return 0;
}
