// SPDX-License-Identifier: MIT
/*
 * proctree-record -p with the ptrace engine: become the tracer of a
 * running process, every thread of it and of every descendant.
 *
 * PTRACE_SEIZE, not PTRACE_ATTACH: no SIGSTOP is sent, nothing stops, and
 * PTRACE_DETACH at the end leaves each task as it was (a group-stop stays
 * in effect, a pending signal is delivered: pt_detach_all()).  Without
 * PTRACE_O_EXITKILL: a recorder that dies must not take the workload with it.
 *
 * Order: a task is seized before the walk that looks for its children, so
 * a child it forks after the seize is auto-attached by the kernel and
 * reported by its fork event (not written as existing), and a child forked
 * before is found by the walk.  The walk repeats, and so does the listing
 * of each process's threads, until nothing new turns up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "err.h"
#include "procfs.h"
#include "procfs_tree.h"
#include "ptrace-private.h"

/* /proc/TID/status TracerPid: 0 untraced, else the tracer; -1 unknown */
static pid_t tracer_of(pid_t tid)
{
	pid_t v;

	return procfs_status_id(tid, "TracerPid", &v) < 0 ? -1 : v;
}

/*
 * Seize one thread.  1: seized now (it predates us); 0: gone, or already
 * ours (a child the kernel attached when a seized task forked it: its fork
 * event will claim it); -1 with err_msg().
 */
static int seize(struct engine *e, const struct procfs_proc *p, pid_t tid)
{
	struct pt_task *t;
	pid_t tracer;

	if (pt_table_get(&e->tab, tid))
		return 0;
	if (ptrace(PTRACE_SEIZE, tid, 0, (long)PT_JOIN_OPTIONS) < 0) {
		int err = errno;
		struct procfs_stat st;

		if (err == ESRCH)
			return 0;
		/* a task that died since the walk is a zombie: the kernel says EPERM */
		if (procfs_read_stat(tid, &st) < 0 || st.state == 'Z' || st.state == 'X')
			return 0;
		tracer = tracer_of(tid);
		if (tracer == e->self)
			return 0;
		if (tracer > 0)
			err_set("cannot trace %d (thread %d of process %d): it is already traced by "
				"process %d (a debugger or strace?)",
				(int)tid, (int)tid, (int)p->pid, (int)tracer);
		else
			err_set("cannot trace process %d (PTRACE_SEIZE of thread %d: %s)%s",
				(int)p->pid, (int)tid, strerror(err),
				err == EPERM
					? ": run as root or as the process's owner, and check "
					  "kernel.yama.ptrace_scope (1 lets only ancestors trace; 0 or root "
					  "lifts that)"
					: "");
		errno = err;
		return -1;
	}
	t = pt_table_add(&e->tab, tid);
	if (!t) {
		/* tracing it without a table entry would leave it stopped at its first event */
		ptrace(PTRACE_DETACH, tid, 0, 0L);
		err_set("out of memory");
		return -1;
	}
	t->tgid = p->pid;
	t->ppid = p->ppid;
	t->claimed = true;
	t->seen_stop = true; /* SEIZE does not stop it */
	/* a comm is at most 15 bytes: the 64 of procfs_proc are room to spare */
	snprintf(t->comm, sizeof(t->comm), "%.*s", (int)sizeof(t->comm) - 1, p->comm);
	return 1;
}

/* Every thread of @p, listed again until a listing shows no new one. 1: any new. */
static int seize_process(struct engine *e, const struct procfs_proc *p, bool *leader_new)
{
	bool any = false, again = true;
	int ret = 0;

	for (size_t i = 0; i < p->ntids && ret >= 0; i++) {
		ret = seize(e, p, p->tids[i]);
		if (ret > 0 && p->tids[i] == p->pid)
			*leader_new = true;
		any |= ret > 0;
	}
	while (again && ret >= 0) {
		pid_t *tids;
		size_t n;

		again = false;
		if (procfs_list_tids(p->pid, &tids, &n) < 0) {
			if (errno != ENOMEM)
				return any; /* it exited */
			err_set("out of memory");
			return -1;
		}
		for (size_t i = 0; i < n && ret >= 0; i++) {
			ret = seize(e, p, tids[i]);
			if (ret > 0 && tids[i] == p->pid)
				*leader_new = true;
			again |= ret > 0;
		}
		any |= again;
		free(tids);
	}
	return ret < 0 ? -1 : any;
}

int pt_join_existing(struct engine *e)
{
	uint64_t start = e->em.meta.start_mono_ns;
	bool changed = true, first = true;

	while (changed) {
		struct procfs_tree *tree = procfs_tree_walk(e->root);

		if (!tree) {
			if (first || errno == ENOMEM)
				return -1;
			return 0; /* the root exited during the attach: its exit is reported next */
		}
		changed = false;
		for (size_t i = 0; i < procfs_tree_count(tree); i++) {
			const struct procfs_proc *p = procfs_tree_proc(tree, i);
			bool leader_new = false;
			int ret = seize_process(e, p, &leader_new);

			if (ret < 0) {
				procfs_tree_free(tree);
				return -1;
			}
			changed |= ret > 0;
			if (!leader_new)
				continue;
			/* its leader predates us: a process that existed, not a fork we saw */
			if (engine_write_existing(e->w, p, start) < 0)
				pt_write_failed(e);
			__atomic_add_fetch(&e->st_procs, 1, __ATOMIC_RELAXED);
			__atomic_add_fetch(&e->st_alive, 1, __ATOMIC_RELAXED);
		}
		procfs_tree_free(tree);
		first = false;
	}
	return 0;
}
