// SPDX-License-Identifier: MIT
/*
 * CPU time that can be summed (issue 15, part 9).  An exit row's utime_ns +
 * stime_ns is either the process's own time (bpf: the task's counters) or
 * inclusive (ptrace: wait4's rusage, which adds the children the process
 * waited for).  The recording says which with "#cpu_times,own|inclusive";
 * older files without it: ptrace inclusive, every other engine own.
 *
 * own = inclusive - the sum of the waited-for children's inclusive times
 * (inclusive rows; clamped at 0);
 * inclusive = own + the sum of the waited-for children's inclusive times
 * (own rows), so both engines' figures mean what wait4 would have said.
 * Which children were waited for: see waited_for().
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"

bool tree_cpu_inclusive(const struct tree *t)
{
	const struct csv_meta *m = &t->meta;

	for (int i = 0; i < m->nkeys; i++)
		if (m->keys[i] && !strcmp(m->keys[i], "cpu_times") && m->values[i])
			return !strcmp(m->values[i], "inclusive");
	return m->engine && !strcmp(m->engine, "ptrace");
}

/*
 * Did @p reap its child @k, so that the kernel added @k's inclusive time to
 * @p's?  A process's children's time grows only when it reaps one
 * (wait_task_zombie()), so a child that was still running when @p ended was
 * never added: it was re-parented to a subreaper or init, which reaped it.
 * The CSV cannot show the wait itself; what it shows is each end's time and
 * the parent an exec or exit row reported.  So: both ends known, @k's no
 * later than @p's, and no row of @k named another parent (NF_REPARENTED:
 * re-parented, or CLONE_PARENT, whose parent is @p's parent).  A child that
 * ended first but was never waited for (SIGCHLD ignored or SA_NOCLDWAIT:
 * the kernel reaps it itself; or left a zombie until @p ended) still counts:
 * nothing in the rows tells it apart, docs/reconstruct.md says so.
 */
static bool waited_for(const struct node *k, const struct node *p)
{
	return (k->have & NH_END) && (p->have & NH_END) && k->end_ns <= p->end_ns &&
	       !(k->flags & NF_REPARENTED);
}

int tree_cpu_times(const struct tree *t, struct cpu_times **out)
{
	bool incl_rows = tree_cpu_inclusive(t);
	struct cpu_times *c = calloc((size_t)t->nnodes + 1, sizeof(*c));
	struct node **order = NULL;
	size_t n = 0;
	struct tree_walk w;

	*out = NULL;
	if (!c)
		goto oom;
	order = malloc(((size_t)t->nnodes + 1) * sizeof(*order));
	if (!order)
		goto oom;
	for (struct node *x = tree_walk_first(&w, t); x; x = tree_walk_next(&w))
		if (!(x->flags & NF_SYNTHETIC) && x->id <= t->nnodes)
			order[n++] = x;
	/* reverse pre-order: every child before its parent */
	while (n--) {
		struct node *x = order[n];
		struct cpu_times *me = &c[x->id];
		uint64_t kids = 0;

		if (!x->ru || !(x->ru->present & CSV_BIT(CSV_F_UTIME)) ||
		    !(x->ru->present & CSV_BIT(CSV_F_STIME)))
			continue;
		for (struct node *k = x->first_child; k; k = k->next_sibling)
			if (!(k->flags & NF_SYNTHETIC) && k->id <= t->nnodes && c[k->id].known &&
			    waited_for(k, x))
				kids = sat_add(kids, c[k->id].incl_ns);
		me->known = true;
		if (incl_rows) {
			me->incl_ns = sat_add(x->ru->utime_ns, x->ru->stime_ns);
			/* clamped: a child we could not tell was never waited for */
			me->own_ns = me->incl_ns > kids ? me->incl_ns - kids : 0;
		} else {
			me->own_ns = sat_add(x->ru->utime_ns, x->ru->stime_ns);
			me->incl_ns = sat_add(me->own_ns, kids);
		}
	}
	free(order);
	*out = c;
	return 0;
oom:
	free(c);
	err_set("out of memory");
	return -1;
}
