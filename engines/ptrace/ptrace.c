// SPDX-License-Identifier: MIT
/*
 * The ptrace engine: the recorder is the tracer of the workload
 * (PTRACE_SEIZE with fork/vfork/clone/exec/exit events, no syscall stops)
 * and sees every process it creates, with no privilege.  It owns
 * waitpid() for the workload (ENGINE_REAPS).  The event loop is in
 * ptrace_loop.c; docs/engine-ptrace.md explains the races it handles.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "outfile.h"
#include "procfs.h"
#include "ptrace-private.h"

#define PT_OPTIONS                                                                             \
	(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | \
	 PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)

static const char *const counter_keys[PT_C_COUNT] = {
	[PT_C_STOPS] = "ptrace_stops",
	[PT_C_EARLY] = "ptrace_early_stops",
	[PT_C_EARLY_DEAD] = "ptrace_early_deaths",
	[PT_C_UNCLAIMED] = "ptrace_unclaimed",
	[PT_C_NO_EXIT_EVENT] = "ptrace_exits_without_event",
	[PT_C_SIGNALS] = "ptrace_signals_delivered",
	[PT_C_GROUP_STOPS] = "ptrace_group_stops",
	[PT_C_NONLEADER_EXEC] = "ptrace_nonleader_execs",
	[PT_C_DETACHED] = "ptrace_detached",
	[PT_C_DETACH_TIMEOUT] = "ptrace_detach_timeouts",
	[PT_C_RESUME_REFUSED] = "ptrace_resume_refused",
	[PT_C_EXEC_FALLBACK] = "ptrace_exec_proc_fallback",
	[PT_C_REAPED_AGAIN] = "ptrace_orphans_reaped_again",
};

static struct engine *ptrace_new(const struct engine_opts *opts)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	e->opts = *opts;
	e->root = -1;
	e->root_status = -1;
	e->self = getpid();
	/* create the CSV now: a bad -o fails before the workload starts */
	e->fd = outfile_open(opts->csv_path, true);
	if (e->fd < 0)
		goto error;
	if (pt_table_init(&e->tab) < 0)
		goto error;
	return e;
error:
	if (e->fd >= 0)
		close(e->fd);
	free(e);
	return NULL;
}

static int open_writer(struct engine *e, pid_t root)
{
	engine_meta_init(&e->em, "ptrace", root, e->opts.command);
	/* wait4's rusage adds the children waited for (docs/reconstruct.md, CPU time) */
	engine_meta_add(&e->em, "cpu_times", "inclusive");
	e->w = engine_csv_open(&e->em, &e->fd, e->opts.joined);
	if (!e->w) {
		err_prefix("%s: ", e->opts.csv_path);
		return -1;
	}
	return 0;
}

static int ptrace_attach(struct engine *e, pid_t root)
{
	struct pt_task *t;

	e->root = root;
	if (open_writer(e, root) < 0)
		return -1;
	/* root is blocked in read() on the barrier: it cannot fork or exec yet */
	if (ptrace(PTRACE_SEIZE, root, 0, (long)PT_OPTIONS) < 0) {
		err_set("cannot trace the workload (PTRACE_SEIZE %d): %s%s", (int)root,
			strerror(errno),
			errno == EPERM ? " (ptrace denied: check kernel.yama.ptrace_scope"
					 " and seccomp/container policy)"
				       : "");
		return -1;
	}
	t = pt_table_add(&e->tab, root);
	if (!t)
		return -1;
	t->tgid = root;
	t->ppid = e->self;
	t->claimed = true;
	t->seen_stop = true; /* SEIZE does not stop it */
	if (procfs_read_comm(root, t->comm, sizeof(t->comm)) < 0)
		t->comm[0] = '\0';
	__atomic_store_n(&e->st_procs, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&e->st_alive, 1, __ATOMIC_RELAXED);
	e->attached = true;
	return 0;
}

static int ptrace_join(struct engine *e, pid_t root)
{
	e->root = root;
	if (open_writer(e, root) < 0)
		return -1;
	e->attached = true; /* from the first SEIZE on, free() must detach */
	return pt_join_existing(e);
}

static int ptrace_reap(struct engine *e, pid_t root, int *root_status)
{
	int ret;

	if (!e->attached) {
		/* attach failed: the recorder killed root; just collect it */
		while (waitpid(root, root_status, 0) < 0)
			if (errno != EINTR)
				return -1;
		return 0;
	}
	ret = pt_loop_run(e);
	*root_status = e->root_status;
	/* a write error is finish()'s to report, once */
	return ret;
}

static void write_alive(struct engine *e, uint64_t now)
{
	size_t pos = 0;
	struct pt_task *t;

	while ((t = pt_table_next(&e->tab, &pos))) {
		struct csv_event ev = { .kind = CSV_ALIVE };

		if (!t->claimed || t->tid != t->tgid)
			continue;
		CSV_SET(&ev, time_ns, CSV_F_TIME, now);
		CSV_SET(&ev, pid, CSV_F_PID, t->tgid);
		if (t->ppid > 0)
			CSV_SET(&ev, ppid, CSV_F_PPID, t->ppid);
		ev.comm = t->comm[0] ? t->comm : NULL;
		if (csv_writer_event(e->w, &ev) < 0)
			pt_write_failed(e);
	}
}

static int ptrace_finish(struct engine *e, const struct engine_finish *fin)
{
	char vals[PT_C_COUNT][24];
	const char *keys[PT_C_COUNT], *values[PT_C_COUNT];
	struct csv_trailer tr = { 0 };
	int ret;

	if (!e->w && open_writer(e, fin->root) < 0)
		return -1;
	if (e->attached)
		pt_detach_all(e); /* stopped early (signal, error): let the rest run */
	write_alive(e, clock_mono_ns());
	for (int i = 0; i < PT_C_COUNT; i++) {
		snprintf(vals[i], sizeof(vals[i]), "%" PRIu64, e->counters[i]);
		keys[i] = counter_keys[i];
		values[i] = vals[i];
	}
	tr.interrupted = fin->interrupted || *e->opts.stop_now || e->write_failed;
	tr.end_mono_ns = clock_mono_ns();
	tr.keys = keys;
	tr.values = values;
	tr.nkeys = PT_C_COUNT;
	ret = csv_writer_finish(e->w, &tr);
	if (ret < 0 && !e->write_failed)
		pt_write_failed(e);
	if (e->write_failed) {
		err_set("%s", e->write_err);
		ret = -1;
	}
	return ret;
}

static void ptrace_stats(struct engine *e, struct engine_stats *st)
{
	st->events = e->w ? csv_writer_count(e->w) : 0;
	st->procs = __atomic_load_n(&e->st_procs, __ATOMIC_RELAXED);
	st->alive = __atomic_load_n(&e->st_alive, __ATOMIC_RELAXED);
	st->execs = __atomic_load_n(&e->st_execs, __ATOMIC_RELAXED);
	st->argv_unknown = __atomic_load_n(&e->st_argv_unknown, __ATOMIC_RELAXED);
	st->lost = 0;
}

static void ptrace_free(struct engine *e)
{
	if (!e)
		return;
	/* never finished (recorder error): detach so EXITKILL does not fire */
	if (e->attached && !e->detaching)
		pt_detach_all(e);
	if (e->w)
		csv_writer_free(e->w);
	if (e->fd >= 0)
		close(e->fd);
	pt_table_fini(&e->tab);
	free(e->reaped_elsewhere);
	free(e);
}

const struct engine_ops engine_ptrace_ops = {
	.name = "ptrace",
	.help = "ptrace(2) tracer: no privilege needed, exact argv, rusage per process",
	.caps = ENGINE_REAPS | ENGINE_ARGV,
	.new = ptrace_new,
	.attach = ptrace_attach,
	.join = ptrace_join,
	.reap = ptrace_reap,
	.finish = ptrace_finish,
	.stats = ptrace_stats,
	.free = ptrace_free,
};
