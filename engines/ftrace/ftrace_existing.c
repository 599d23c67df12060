// SPDX-License-Identifier: MIT
/*
 * The ftrace engine joining running processes (proctree-record -p): their
 * existing=1 fork rows, held until no event can show their creation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-private.h"
#include "err.h"
#include "ftrace_track-private.h"
#include "procfs_tree.h"

/*
 * A process the walk found may have been created after the pid filter was
 * seeded, by a task already in it: then its creation is in the trace, and
 * the fork row, not an existing row, is written.
 */
void existing_cancel(struct ftrace_track *t, pid_t pid, uint64_t ts)
{
	if (!t->existing_pending || ts > t->existing_until)
		return;
	for (size_t i = 0; i < t->nexisting; i++)
		if (t->existing[i].pid == pid)
			t->existing[i].cancelled = true;
}

int existing_flush(struct ftrace_track *t)
{
	struct procfs_proc p = { 0 };

	if (!t->existing_pending)
		return 0;
	t->existing_pending = false;
	for (size_t i = 0; i < t->nexisting; i++) {
		struct existing_row *x = &t->existing[i];

		if (x->cancelled)
			continue;
		p.pid = x->pid;
		p.ppid = x->ppid;
		snprintf(p.comm, sizeof(p.comm), "%s", x->comm);
		if (engine_write_existing(t->w, &p, t->existing_ns) < 0)
			return -1;
		COUNT_ADD(t, events, 1);
		if (x->pid != t->root)
			COUNT_ADD(t, procs, 1);
	}
	return 0;
}

int ftrace_track_existing(struct ftrace_track *t, const struct procfs_proc *p, uint64_t time_ns)
{
	struct existing_row *x;

	if (kevent_model_add_process(t->m, p->pid, p->ppid, p->tids, p->ntids, 0, p->comm) < 0)
		return -1;
	x = realloc(t->existing, (t->nexisting + 1) * sizeof(*x));
	if (!x) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	t->existing = x;
	x = &t->existing[t->nexisting++];
	memset(x, 0, sizeof(*x));
	x->pid = p->pid;
	x->ppid = p->ppid;
	snprintf(x->comm, sizeof(x->comm), "%.*s", FTRACE_COMM_SIZE - 1, p->comm);
	t->existing_ns = time_ns;
	t->existing_pending = true;
	return 0;
}

void ftrace_track_existing_done(struct ftrace_track *t, uint64_t until_ns)
{
	t->existing_until = until_ns;
}
