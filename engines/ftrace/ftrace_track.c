// SPDX-License-Identifier: MIT
/*
 * The ftrace engine's tracking: decoded events fed live to the kernel-event
 * model (kevent/kevent.h, which holds the rules: threads, processes, exit
 * codes, fatal signals), its facts written as CSV rows.  The root's status
 * comes from the recorder's waitpid, which is exact.
 *
 * Events from a task whose creation has not been seen yet (ftrace merges
 * per-CPU buffers, so a child's first event can be read before its
 * parent's task_newtask) wait on a queue until it is seen; at the end the
 * rest are written assuming the task led its own process, and counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "csv.h"
#include "err.h"
#include "ftrace_track-private.h"
#include "procfs.h"

int ftrace_track_write(struct ftrace_track *t, const struct csv_event *row)
{
	if (csv_writer_event(t->w, row) < 0)
		return -1;
	COUNT_ADD(t, events, 1);
	return 0;
}

struct ftrace_track *ftrace_track_new(struct csv_writer *w, pid_t root, pid_t recorder)
{
	struct ftrace_track *t = calloc(1, sizeof(*t));

	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->w = w;
	t->root = root;
	t->root_wstatus = -1;
	t->recorder = recorder;
	t->deferred_tail = &t->deferred;
	t->held_tail = &t->held;
	t->m = kevent_model_new();
	t->held_by_pid = pidmap_new();
	t->ended_at = pidmap_new();
	if (!t->m || !t->held_by_pid || !t->ended_at)
		goto error;
	/* The root: forked by the recorder before tracing began, so it has no fork row. */
	if (kevent_model_add_process(t->m, root, recorder, NULL, 0, 0, NULL) < 0)
		goto error;
	COUNT_ADD(t, procs, 1);
	return t;
error:
	ftrace_track_free(t);
	errno = ENOMEM;
	return NULL;
}

/* The root's group exit: held until finish(), the recorder's waitpid status completes it. */
static void hold_root_exit(struct ftrace_track *t, const struct csv_event *row)
{
	t->root_exit = *row;
	snprintf(t->root_exit_comm, sizeof(t->root_exit_comm), "%s", row->comm ? row->comm : "");
	t->root_exit.comm = row->comm ? t->root_exit_comm : NULL;
	t->have_root_exit = true;
}

/* What the engine does beside the row: argv, -p rows, tids at risk. */
static int on_fact(struct ftrace_track *t, const struct kevent_fact *f)
{
	struct csv_event row;
	int ret = 0;

	if (f->kind == KEVENT_F_NONE)
		return 0;
	if ((f->kind == KEVENT_F_TASK || f->kind == KEVENT_F_FORK) && f->created) {
		if (f->thread != 1)
			existing_cancel(t, f->child_pid, f->ts);
		/* /proc/TID/cmdline would show the new task */
		held_next_image(t, f->child_tid, f->ts);
		if (risk_check(t, f->child_tid, f->ts) < 0)
			return -1;
	}
	if (f->kind == KEVENT_F_TASK)
		return 0;
	kevent_fact_row(f, &row);
	switch (f->kind) {
	case KEVENT_F_FORK:
		if (f->thread != 1) {
			existing_cancel(t, f->child_pid, f->ts);
			COUNT_ADD(t, procs, 1);
		}
		return ftrace_track_write(t, &row);
	case KEVENT_F_EXEC:
		held_next_image(t, f->pid, f->ts);
		if (f->unknown_process)
			COUNT_ADD(t, unknown_tasks, 1);
		COUNT_ADD(t, execs, 1);
		return held_add(t, &row);
	default: break;
	}
	if (f->group && f->pid == t->root && !t->have_root_exit)
		hold_root_exit(t, &row);
	else
		ret = ftrace_track_write(t, &row);
	if (ended_add(t, f->tid, f->ts) < 0)
		ret = -1;
	if (f->group)
		held_invalidate(t, f->pid, f->ts);
	return ret;
}

/* Feed @ev: 0 handled (or dropped as foreign), 1 its task is not known yet, -1 error. */
static int feed(struct ftrace_track *t, const struct kevent *ev)
{
	struct kevent_fact f;
	int v = kevent_model_feed(t->m, ev, &f);

	if (v < 0)
		return -1;
	if (v == KEVENT_UNKNOWN)
		return 1;
	if (v == KEVENT_FOREIGN) {
		/* set_event_pid still let through a task that held the tid before */
		COUNT_ADD(t, foreign_events, 1);
		return 0;
	}
	return on_fact(t, &f);
}

/* Run the queued events whose task is now known, until none is. */
static int run_deferred(struct ftrace_track *t)
{
	bool progress = true;

	while (progress && t->deferred) {
		struct kevent **pp = &t->deferred;

		progress = false;
		while (*pp) {
			struct kevent *ev = *pp;
			int ret = feed(t, ev);

			if (ret == 1) {
				pp = &ev->next;
				continue;
			}
			*pp = ev->next;
			t->ndeferred--;
			progress = true;
			kevent_free(ev);
			if (ret < 0)
				return -1;
		}
		t->deferred_tail = pp;
	}
	return 0;
}

int ftrace_track_event(struct ftrace_track *t, struct kevent *ev)
{
	int ret = feed(t, ev);

	if (ret == 1) {
		ev->next = NULL;
		*t->deferred_tail = ev;
		t->deferred_tail = &ev->next;
		t->ndeferred++;
		return 0;
	}
	if (ret == 0 && t->ndeferred &&
	    (ev->kind == KEVENT_NEWTASK || ev->kind == KEVENT_FORK || ev->kind == KEVENT_EXEC))
		ret = run_deferred(t);
	kevent_free(ev);
	return ret;
}

int ftrace_track_lost(struct ftrace_track *t, int cpu, uint64_t start, uint64_t end,
		      long long count)
{
	struct csv_event row;

	kevent_lost_row(&row, cpu, start, end, count);
	if (cpu >= 0)
		COUNT_ADD(t, kernel_lost_rows, 1);
	if (count >= 0)
		COUNT_ADD(t, lost, (uint64_t)count);
	COUNT_ADD(t, lost_rows, 1);
	return ftrace_track_write(t, &row);
}

struct alive_ctx {
	struct ftrace_track *t;
	uint64_t now;
	uint64_t alive;
	int64_t boot_minus_mono; /* CLOCK_BOOTTIME - CLOCK_MONOTONIC, ns */
	long ticks;		 /* /proc/PID/stat's starttime unit, per second */
	int ret;
};

/*
 * Whether the process at @pid now is the one created at @since (mono ns):
 * /proc/PID/stat says when it started, in clock ticks of CLOCK_BOOTTIME.
 */
static bool same_start(const struct alive_ctx *ctx, uint64_t since, uint64_t start_ticks)
{
	int64_t boot = (int64_t)since + ctx->boot_minus_mono;
	int64_t want = boot / (1000000000LL / ctx->ticks);
	int64_t diff = want - (int64_t)start_ticks;

	return diff >= -1 && diff <= 1;
}

static int write_alive(const struct kevent_proc *p, void *vctx)
{
	struct alive_ctx *ctx = vctx;
	pid_t pid = p->pid;
	struct procfs_stat st;
	struct csv_event row = { .kind = CSV_ALIVE };
	bool exists = procfs_read_stat(pid, &st) == 0;

	/*
	 * A process with no exit row is called alive only when it still
	 * exists and is the same process (its start time): otherwise its exit
	 * was lost (a loss, or its tid dropped from the filter by a reuse),
	 * and the loss is reported, not hidden behind an `alive` row.
	 */
	if (!exists ||
	    (p->since && ctx->ticks > 0 && !same_start(ctx, p->since, st.starttime_ticks))) {
		COUNT_ADD(ctx->t, alive_gone, 1);
		if (ftrace_track_lost(ctx->t, -1, p->since ? p->since : ctx->now, ctx->now, 1) <
		    0) {
			ctx->ret = -1;
			return 1;
		}
		return 0;
	}
	CSV_SET(&row, time_ns, CSV_F_TIME, ctx->now);
	CSV_SET(&row, pid, CSV_F_PID, pid);
	if (exists && st.ppid > 0)
		CSV_SET(&row, ppid, CSV_F_PPID, st.ppid);
	else if (p->ppid > 0)
		CSV_SET(&row, ppid, CSV_F_PPID, p->ppid);
	row.comm = exists ? st.comm : p->comm[0] ? p->comm : NULL;
	if (ftrace_track_write(ctx->t, &row) < 0) {
		ctx->ret = -1;
		return 1;
	}
	ctx->alive++;
	return 0;
}

int ftrace_track_finish(struct ftrace_track *t, int root_status)
{
	struct alive_ctx ctx = { .t = t, .now = clock_mono_ns(), .ticks = sysconf(_SC_CLK_TCK) };
	struct timespec boot, mono;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	ctx.boot_minus_mono =
		(boot.tv_sec - mono.tv_sec) * 1000000000LL + (boot.tv_nsec - mono.tv_nsec);

	/*
	 * Tasks never seen created.  With nothing lost by the ring buffer,
	 * every creation in the workload was seen: these are outsiders that
	 * took a tid the filter still held, and their events are dropped.
	 * (A tid dropped from the filter hides its task's children entirely,
	 * creations and events alike.)  After a ring-buffer loss a creation
	 * may be among the lost events: assume each task led its own process.
	 */
	if (!__atomic_load_n(&t->c.kernel_lost_rows, __ATOMIC_RELAXED)) {
		while (t->deferred) {
			struct kevent *ev = t->deferred;

			t->deferred = ev->next;
			t->ndeferred--;
			COUNT_ADD(t, foreign_events, 1);
			kevent_free(ev);
		}
		t->deferred_tail = &t->deferred;
	}
	while (t->deferred) {
		pid_t a = kevent_actor(t->deferred);

		if (a && !kevent_model_knows(t->m, a)) {
			COUNT_ADD(t, unknown_tasks, 1);
			if (kevent_model_add_process(t->m, a, 0, NULL, 0, 0, NULL) < 0)
				return -1;
		}
		if (run_deferred(t) < 0)
			return -1;
	}
	/*
	 * Tracing is off and every event was read: no event can disprove a held
	 * argv any more.  One read after tracing stopped (the final drain) is
	 * trusted unproved: docs/recorder.md says so.
	 */
	if (ftrace_track_release(t, UINT64_MAX) < 0)
		return -1;
	if (t->have_root_exit) {
		struct csv_event *row = &t->root_exit;

		if (root_status >= 0 && WIFEXITED(root_status)) {
			row->present &= ~CSV_BIT(CSV_F_SIGNAL);
			CSV_SET(row, code, CSV_F_CODE, WEXITSTATUS(root_status));
		} else if (root_status >= 0 && WIFSIGNALED(root_status)) {
			row->present &= ~CSV_BIT(CSV_F_CODE);
			CSV_SET(row, signal, CSV_F_SIGNAL, WTERMSIG(root_status));
		}
		if (CSV_HAS(row, CSV_F_SIGNAL))
			t->root_wstatus = row->signal & 0x7f;
		else if (CSV_HAS(row, CSV_F_CODE))
			t->root_wstatus = (row->code & 0xff) << 8;
		if (ftrace_track_write(t, row) < 0)
			return -1;
		t->have_root_exit = false;
	} else if (root_status >= 0) {
		/* the recorder reaped it: its exit event was lost, it is not alive */
		kevent_model_forget(t->m, t->root);
	}
	kevent_model_each(t->m, write_alive, &ctx);
	/* from now on "alive" counts the alive rows, not processes without an exit */
	__atomic_store_n(&t->c.alive, ctx.alive, __ATOMIC_RELAXED);
	__atomic_store_n(&t->finished, true, __ATOMIC_RELEASE);
	return ctx.ret;
}

int ftrace_track_root_status(const struct ftrace_track *t)
{
	return t->root_wstatus;
}

void ftrace_track_counts(const struct ftrace_track *t, struct ftrace_counts *c)
{
	c->events = __atomic_load_n(&t->c.events, __ATOMIC_RELAXED);
	c->procs = __atomic_load_n(&t->c.procs, __ATOMIC_RELAXED);
	c->execs = __atomic_load_n(&t->c.execs, __ATOMIC_RELAXED);
	c->alive = __atomic_load_n(&t->finished, __ATOMIC_ACQUIRE)
			   ? __atomic_load_n(&t->c.alive, __ATOMIC_RELAXED)
			   : kevent_model_nprocs(t->m);
	c->lost = __atomic_load_n(&t->c.lost, __ATOMIC_RELAXED);
	c->lost_rows = __atomic_load_n(&t->c.lost_rows, __ATOMIC_RELAXED);
	c->unknown_tasks = __atomic_load_n(&t->c.unknown_tasks, __ATOMIC_RELAXED);
	c->argv_unknown = __atomic_load_n(&t->c.argv_unknown, __ATOMIC_RELAXED);
	c->argv_stale = __atomic_load_n(&t->c.argv_stale, __ATOMIC_RELAXED);
	c->foreign_events = __atomic_load_n(&t->c.foreign_events, __ATOMIC_RELAXED);
	c->reuse_gaps = __atomic_load_n(&t->c.reuse_gaps, __ATOMIC_RELAXED);
	c->alive_gone = __atomic_load_n(&t->c.alive_gone, __ATOMIC_RELAXED);
}

void ftrace_track_free(struct ftrace_track *t)
{
	if (!t)
		return;
	while (t->deferred) {
		struct kevent *ev = t->deferred;

		t->deferred = ev->next;
		kevent_free(ev);
	}
	kevent_model_free(t->m);
	while (t->held) {
		struct held_exec *h = t->held;

		t->held = h->next;
		held_free(h);
	}
	pidmap_free(t->held_by_pid);
	pidmap_free(t->ended_at);
	free(t->existing);
	free(t->ended);
	free(t->risks);
	free(t);
}
