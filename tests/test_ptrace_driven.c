// SPDX-License-Identifier: MIT
/*
 * The ptrace races that the kernel's scheduling decides, forced: the test
 * is the tracer, runs the engine in-process and hands it the stops in the
 * order it wants (pt_handle), then lets the engine's loop finish the run.
 *   - a new child's initial stop before its parent's PTRACE_EVENT_FORK
 *   - a child dead (SIGKILL) before its parent's fork event
 *   - a parent SIGKILLed inside fork: its fork event never comes
 *   - an exit status without PTRACE_EVENT_EXIT
 */
#include <signal.h>
#include <sys/ptrace.h>

#include "clock.h"
#include "engine.h"
#include "procfs.h"
#include "ptrace-private.h"
#include "ptrace_test.h"

static volatile sig_atomic_t stop_now;

TestSuite(ptrace_driven, .init = pt_setup, .fini = tmpdir_cleanup, .timeout = 60);

struct drive {
	const struct engine_ops *ops;
	struct engine *e;
	pid_t root;
};

/* new + fork held + attach + release, as the recorder does */
static void start(struct drive *d, const char *arg)
{
	static char *cmd[3] = { WL("ptrace_forkone"), NULL, NULL };
	struct engine_opts eo = { .csv_path = csv, .stop_now = &stop_now };
	int fds[2];
	char go;

	cmd[1] = (char *)arg;
	eo.command = cmd;
	d->ops = engine_find("ptrace");
	cr_assert_not_null(d->ops);
	d->e = d->ops->new (&eo);
	cr_assert_not_null(d->e, "%s", err_msg());
	cr_assert_eq(pipe(fds), 0);
	d->root = fork();
	cr_assert(d->root >= 0);
	if (d->root == 0) {
		close(fds[1]);
		if (read(fds[0], &go, 1) != 1)
			_exit(126);
		execv(cmd[0], cmd);
		_exit(127);
	}
	close(fds[0]);
	cr_assert_eq(d->ops->attach(d->e, d->root), 0, "%s", err_msg());
	cr_assert_eq(write(fds[1], "g", 1), 1);
	close(fds[1]);
}

/* Feed root's stops to the engine until its fork event, which is returned unfed. */
static pid_t until_fork_event(struct drive *d, int *fork_status)
{
	unsigned long child = 0;
	struct rusage ru;
	int st;

	for (;;) {
		cr_assert_eq(wait4(d->root, &st, __WALL, &ru), d->root);
		if (WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_FORK)
			break;
		pt_handle(d->e, d->root, st, &ru, clock_mono_ns());
	}
	cr_assert_eq(ptrace(PTRACE_GETEVENTMSG, d->root, 0, &child), 0);
	*fork_status = st;
	return (pid_t)child;
}

static void finish(struct drive *d, struct rows *c)
{
	struct engine_finish fin = { .root = d->root };
	int st = -1;

	cr_assert_eq(d->ops->reap(d->e, d->root, &st), 0, "%s", err_msg());
	fin.root_status = st;
	cr_assert_eq(d->ops->finish(d->e, &fin), 0, "%s", err_msg());
	d->ops->free(d->e);
	rows_load(csv, c);
	cr_expect(c->has_trailer);
	cr_expect_eq(rows_key(c, "ptrace_resume_refused"), 0);
}

Test(ptrace_driven, child_stop_before_fork_event)
{
	struct drive d;
	struct rusage ru = { 0 };
	struct rows c;
	int fst, st;
	pid_t child;

	start(&d, "4");
	child = until_fork_event(&d, &fst);
	cr_assert_eq(waitpid(child, &st, __WALL), child);
	cr_assert(WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_STOP, "status %#x", st);
	pt_handle(d.e, child, st, &ru, clock_mono_ns());
	cr_expect_eq(d.e->counters[PT_C_EARLY], 1);
	usleep(50000);
	/* held: the engine must not have let it run before its fork row */
	cr_expect_eq(pt_table_get(&d.e->tab, child)->stopped, true);
	pt_handle(d.e, d.root, fst, &ru, clock_mono_ns());
	finish(&d, &c);
	const struct csv_event *f = rows_find(&c, CSV_FORK, child);
	const struct csv_event *x = rows_find(&c, CSV_EXIT, child);

	cr_assert_not_null(f);
	cr_assert_not_null(x);
	cr_expect_eq(f->pid, d.root);
	cr_expect_eq(f->tid, d.root);
	cr_expect_eq(f->thread, 0);
	cr_expect_lt(rows_index(&c, f), rows_index(&c, x), "exit row before fork row");
	cr_expect_eq(x->code, 4);
	cr_expect_eq(rows_key(&c, "ptrace_early_stops"), 1);
	cr_expect_eq(rows_key(&c, "ptrace_unclaimed"), 0);
	rows_free(&c);
}

Test(ptrace_driven, child_dead_before_fork_event)
{
	struct drive d;
	struct rusage ru = { 0 };
	struct rows c;
	int fst, st;
	pid_t child;

	start(&d, "pause");
	child = until_fork_event(&d, &fst);
	kill(child, SIGKILL);
	do {
		cr_assert_eq(wait4(child, &st, __WALL, &ru), child);
		pt_handle(d.e, child, st, &ru, clock_mono_ns());
	} while (WIFSTOPPED(st));
	pt_handle(d.e, d.root, fst, &ru, clock_mono_ns());
	finish(&d, &c);
	const struct csv_event *f = rows_find(&c, CSV_FORK, child);
	const struct csv_event *x = rows_find(&c, CSV_EXIT, child);

	cr_assert_not_null(f);
	cr_assert_not_null(x);
	cr_expect_lt(rows_index(&c, f), rows_index(&c, x));
	cr_expect_eq(x->signal, SIGKILL);
	cr_expect_eq(x->ppid, d.root);
	cr_expect_eq(rows_key(&c, "ptrace_early_deaths"), 1);
	rows_free(&c);
}

Test(ptrace_driven, parent_killed_inside_fork)
{
	struct drive d;
	struct rusage ru = { 0 };
	struct rows c;
	int fst, st;
	pid_t child;

	start(&d, "pause");
	child = until_fork_event(&d, &fst);
	cr_assert_eq(waitpid(child, &st, __WALL), child);
	pt_handle(d.e, child, st, &ru, clock_mono_ns());
	/* the parent's fork event is never handed over: it dies in the stop */
	kill(d.root, SIGKILL);
	finish(&d, &c);
	const struct csv_event *f = rows_find(&c, CSV_FORK, child);

	cr_assert_not_null(f, "the held child was not released with a fork row");
	cr_expect_eq(f->pid, d.root);
	cr_expect(!CSV_HAS(f, CSV_F_TID), "the forking thread is not known here");
	cr_expect_eq(rows_find(&c, CSV_EXIT, d.root)->signal, SIGKILL);
	cr_expect_not_null(rows_find(&c, CSV_ALIVE, child));
	cr_expect_eq(rows_key(&c, "ptrace_unclaimed"), 1);
	/* released and detached: it runs (sleeps in pause), it is not stopped */
	usleep(100000);
	struct procfs_stat ps;

	cr_expect_eq(procfs_read_stat(child, &ps), 0);
	cr_expect(ps.state == 'S' || ps.state == 'R', "child state %c", ps.state);
	kill(child, SIGKILL);
	rows_free(&c);
}

/*
 * PTRACE_EVENT_EXIT is skipped by the kernel when a fatal signal is already
 * pending as the task starts exiting (ptrace_stop() returns at once), a
 * window too small to hit on purpose.  The engine's side of it is "the
 * exit status arrives for a task that never reported its exit stop": the
 * test produces exactly that by taking the exit stop itself (and ending
 * it), so the engine only ever sees the death.
 */
Test(ptrace_driven, exit_without_exit_event)
{
	struct drive d;
	struct rusage ru;
	struct rows c;
	struct pt_task *t;
	pid_t child = 0, pid;
	int st;

	start(&d, "6");
	/* run until the child exists and its initial stop was resumed */
	for (;;) {
		pid = wait4(-1, &st, __WALL, &ru);
		cr_assert_gt(pid, 0);
		pt_handle(d.e, pid, st, &ru, clock_mono_ns());
		if (pid != d.root && (t = pt_table_get(&d.e->tab, pid)) && t->claimed &&
		    !t->stopped) {
			child = pid;
			break;
		}
	}
	cr_assert_eq(wait4(child, &st, __WALL, &ru), child);
	cr_assert(WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_EXIT, "status %#x", st);
	kill(child, SIGKILL); /* as in the real case: a fatal signal pending */
	ptrace(PTRACE_CONT, child, 0, 0L);
	finish(&d, &c);
	const struct csv_event *x = rows_find(&c, CSV_EXIT, child);

	cr_assert_not_null(x);
	cr_expect_eq(x->code, 6);
	cr_expect(CSV_HAS(x, CSV_F_UTIME));
	cr_expect_eq(rows_key(&c, "ptrace_exits_without_event"), 1);
	rows_free(&c);
}

/* A second SIGINT (stop_now): reap returns at once, the workload is detached, not killed. */
Test(ptrace_driven, stop_now_detaches)
{
	struct engine_finish fin = { .interrupted = true, .root_status = -1 };
	struct drive d;
	struct rusage ru;
	struct rows c;
	struct pt_task *t;
	struct procfs_stat ps;
	pid_t child = 0, pid;
	int st = -1;

	stop_now = 0;
	start(&d, "pause");
	while (!child) {
		pid = wait4(-1, &st, __WALL, &ru);
		cr_assert_gt(pid, 0);
		pt_handle(d.e, pid, st, &ru, clock_mono_ns());
		if (pid != d.root && (t = pt_table_get(&d.e->tab, pid)) && t->claimed &&
		    !t->stopped)
			child = pid;
	}
	stop_now = 1;
	cr_assert_eq(d.ops->reap(d.e, d.root, &st), 0);
	fin.root = d.root;
	cr_assert_eq(d.ops->finish(d.e, &fin), 0, "%s", err_msg());
	d.ops->free(d.e);
	stop_now = 0;
	rows_load(csv, &c);
	cr_expect(c.has_trailer);
	cr_expect(c.interrupted);
	cr_expect_not_null(rows_find(&c, CSV_ALIVE, d.root));
	cr_expect_not_null(rows_find(&c, CSV_ALIVE, child));
	cr_expect_eq(rows_key(&c, "ptrace_detached"), 2);
	/* both run on untraced: the root waits in waitpid, the child in pause */
	usleep(100000);
	cr_expect_eq(procfs_read_stat(child, &ps), 0);
	cr_expect(ps.state == 'S' || ps.state == 'R', "child state %c", ps.state);
	cr_expect_eq(procfs_read_stat(d.root, &ps), 0);
	cr_expect(ps.state == 'S' || ps.state == 'R', "root state %c", ps.state);
	kill(child, SIGKILL);
	cr_expect_eq(waitpid(d.root, &st, 0), d.root);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rows_free(&c);
}
