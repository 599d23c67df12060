// SPDX-License-Identifier: MIT
/*
 * --critical-path: which processes bounded the root's wall time.
 *
 * Walking back from the end: the root's lifetime [start, end] is explained
 * by its children.  The child that ended last at or before the end is what
 * the root waited for last; the time between that child's end and the
 * root's end is the root's own ("self") time.  That child's lifetime is
 * explained the same way, recursively; then the root's remaining time
 * before that child started is explained by the child that ended last at or
 * before that start, and so on until no child is left: the rest is the
 * root's self time.  Children running in parallel with a chosen one end
 * after its start and are skipped: they did not hold anything up.
 *
 * The result partitions the root's lifetime into segments, each charged to
 * one process, so the self times add up to the wall time; a process's share
 * is its self time over the wall time.  A process without an exit row ends
 * at its last seen time (or the end of the recording when alive).
 * Children that outlived their parent are not on the path.  docs/formats.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "view-private.h"

#define MAX_INDENT 32

struct step {
	const struct node *n;
	uint64_t self_ns;
	uint64_t depth;
};

struct cframe {
	const struct node **kids;
	size_t nk, i;
	uint64_t t;  /* the end of what is left to explain */
	size_t step; /* index in the steps */
};

struct cp {
	const struct tree *t;
	struct step *steps;
	size_t nsteps, cap_steps;
	struct cframe *st;
	size_t nst, cap_st;
};

static int by_end_desc(const void *a, const void *b, void *arg)
{
	const struct tree *t = arg;
	const struct node *x = *(const struct node *const *)a, *y = *(const struct node *const *)b;
	uint64_t ex = node_draw_end(t, x), ey = node_draw_end(t, y);

	if (ex != ey)
		return ex > ey ? -1 : 1;
	/* the later-created child first: it is the one started last */
	return x->id > y->id ? -1 : x->id < y->id;
}

static void *grow(void *p, size_t *cap, size_t size)
{
	size_t nc = *cap ? 2 * *cap : 64;
	void *q = realloc(p, nc * size);

	if (q)
		*cap = nc;
	return q;
}

static int push(struct cp *cp, const struct node *n, uint64_t t, uint64_t depth)
{
	const struct node **kids = NULL;
	size_t nk = 0;
	void *p;

	for (const struct node *k = n->first_child; k; k = k->next_sibling)
		nk++;
	if (nk) {
		kids = malloc(nk * sizeof(*kids));
		if (!kids)
			goto oom;
		nk = 0;
		for (const struct node *k = n->first_child; k; k = k->next_sibling)
			kids[nk++] = k;
		qsort_r(kids, nk, sizeof(*kids), by_end_desc, (void *)cp->t);
	}
	if (cp->nsteps == cp->cap_steps) {
		p = grow(cp->steps, &cp->cap_steps, sizeof(*cp->steps));
		if (!p)
			goto oom;
		cp->steps = p;
	}
	if (cp->nst == cp->cap_st) {
		p = grow(cp->st, &cp->cap_st, sizeof(*cp->st));
		if (!p)
			goto oom;
		cp->st = p;
	}
	cp->steps[cp->nsteps] = (struct step){ n, 0, depth };
	cp->st[cp->nst++] = (struct cframe){ kids, nk, 0, t, cp->nsteps++ };
	return 0;
oom:
	free(kids);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

static int by_start(const void *a, const void *b)
{
	const struct step *x = a, *y = b;

	if (x->n->start_ns != y->n->start_ns)
		return x->n->start_ns < y->n->start_ns ? -1 : 1;
	return x->depth < y->depth ? -1 : x->depth > y->depth;
}

/* fill cp->steps: every process on the path with its self time */
static int walk(struct cp *cp, const struct node *root, uint64_t end)
{
	if (push(cp, root, end, 0) < 0)
		return -1;
	while (cp->nst) {
		struct cframe *f = &cp->st[cp->nst - 1];
		struct step *s = &cp->steps[f->step];
		const struct node *n = s->n, *c;
		uint64_t depth = s->depth, cend;

		while (f->i < f->nk && node_draw_end(cp->t, f->kids[f->i]) > f->t)
			f->i++;
		if (f->i == f->nk) {
			s->self_ns += f->t - n->start_ns;
			free(f->kids);
			cp->nst--;
			continue;
		}
		c = f->kids[f->i++];
		cend = node_draw_end(cp->t, c);
		if (cend < n->start_ns)
			cend = n->start_ns;
		s->self_ns += f->t - cend;
		f->t = c->start_ns > n->start_ns ? c->start_ns : n->start_ns;
		if (f->t > cend)
			f->t = cend;
		if (push(cp, c, cend, depth + 1) < 0)
			return -1;
	}
	return 0;
}

int tree_write_critical_path(const struct tree *t, FILE *fp)
{
	struct cp cp = { .t = t };
	const struct node *root = t->root;
	uint64_t end, wall;
	char a[32], b[32], c[32], st[32];
	int ret = -1;

	if (!root) {
		if (t->root_pid)
			err_set("no critical path: the workload's first process (root pid %d) is "
				"not in the file",
				(int)t->root_pid);
		else
			err_set("no critical path: the file names no root process (#root_pid)");
		errno = EINVAL;
		return -1;
	}
	end = node_draw_end(t, root);
	wall = end - root->start_ns;
	if (walk(&cp, root, end) < 0)
		goto out;
	qsort(cp.steps, cp.nsteps, sizeof(*cp.steps), by_start);
	fmt_secs(a, sizeof(a), wall);
	fprintf(fp, "critical path: %s wall time of pid %" PRId32 "%s, %zu process%s\n", a,
		root->pid, root->have & NH_END ? "" : " (exit not recorded: up to last seen)",
		cp.nsteps, cp.nsteps == 1 ? "" : "es");
	fprintf(fp, "%12s %6s %12s %12s %10s %8s  %s\n", "self", "share", "start", "lifetime",
		"status", "pid", "command");
	for (size_t i = 0; i < cp.nsteps; i++) {
		const struct step *s = &cp.steps[i];
		const struct node *n = s->n;
		double share = wall ? 100.0 * (double)s->self_ns / (double)wall : 100.0;

		fmt_secs(a, sizeof(a), s->self_ns);
		fmt_secs(b + 1, sizeof(b) - 1, n->start_ns - t->first_ns);
		b[0] = '+';
		fmt_secs(c, sizeof(c), node_draw_end(t, n) - n->start_ns);
		node_status(n, st, sizeof(st));
		fprintf(fp, "%12s %5.1f%% %12s %12s%s %10s %8" PRId32 "  ", a, share, b, c,
			n->have & NH_END ? " " : "?", st, n->pid);
		/* deep chains: the indentation stops growing, the depth is printed instead */
		for (uint64_t d = 0; d < s->depth && d < MAX_INDENT; d++)
			fputs("  ", fp);
		if (s->depth > MAX_INDENT)
			fprintf(fp, "(depth %" PRIu64 ") ", s->depth);
		tree_text_command(fp, n);
		putc_unlocked('\n', fp);
	}
	ret = 0;
	if (ferror(fp)) {
		err_set("write error");
		ret = -1;
	}
out:
	while (cp.nst)
		free(cp.st[--cp.nst].kids);
	free(cp.st);
	free(cp.steps);
	return ret;
}
