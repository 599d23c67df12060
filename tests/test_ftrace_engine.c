// SPDX-License-Identifier: MIT
/*
 * The ftrace engine on real workloads, through proctree-record: a fork
 * storm recorded without loss, nothing from outside the workload, exit
 * codes and fatal signals, threads, a hostile comm, argv, and the machine's
 * tracing state left as it was after every test.
 */
#include "ft_util.h"

static struct ft_guard guard;
static char dir[64];

static void setup(void)
{
	FT_REQUIRE();
	tmpdir_make(dir, sizeof(dir), "ft");
	ft_guard_begin(&guard);
}

static void teardown(void)
{
	if (guard.tracing_on)
		ft_guard_end(&guard);
	tmpdir_cleanup();
}

/*
 * Record COMMAND... with the ftrace engine and the recorder options @opts
 * (NULL-terminated, or NULL) into @csv; returns the wait status.
 */
static int record_with(const char *csv, char *const *opts, char *const *command)
{
	char err[128], *argv[32];
	int n = 0, st;
	pid_t pid;

	snprintf(err, sizeof(err), "%s/err.txt", dir);
	argv[n++] = PROG_RECORD;
	argv[n++] = "--processtree-engine";
	argv[n++] = "ftrace";
	argv[n++] = "-q";
	argv[n++] = "-o";
	argv[n++] = (char *)csv;
	for (int i = 0; opts && opts[i] && n < 16; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	for (int i = 0; command[i] && n < 31; i++)
		argv[n++] = command[i];
	argv[n] = NULL;
	pid = ft_start(argv, err);
	ft_guard_recorder(&guard, pid);
	st = ft_wait(pid);
	char *msg = slurp_or_empty(err);

	if (msg && msg[0])
		cr_log_info("recorder stderr: %s", msg);
	free(msg);
	return st;
}

static int record(const char *csv, char *const *command)
{
	return record_with(csv, NULL, command);
}

TestSuite(ftrace_engine, .init = setup, .fini = teardown, .timeout = 300);

Test(ftrace_engine, fork_storm_2000_no_loss)
{
	char csv[128];
	char *cmd[] = { "/bin/sh", "-c",
			"i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i+1)); done", NULL };
	struct rows c;
	int st, nproc, nexit = 0;

	snprintf(csv, sizeof(csv), "%s/storm.csv", dir);
	st = record(csv, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "recorder status %#x", st);
	rows_load(csv, &c);
	cr_assert(c.has_trailer, "the CSV ends with its trailer");
	cr_expect_eq(c.lost_events, 0, "lost %llu events", (unsigned long long)c.lost_events);
	cr_expect_eq(rows_count(&c, CSV_LOST), 0);
	nproc = ft_check_only_workload(&c);
	cr_expect_eq(nproc, 2001, "2,000 /bin/true + the shell, got %d", nproc);
	cr_expect_eq(rows_count(&c, CSV_EXEC), 2001);
	for (int i = 0; i < c.n; i++)
		nexit += c.rows[i].kind == CSV_EXIT && c.rows[i].group;
	cr_expect_eq(nexit, 2001, "one group exit per process, got %d", nexit);
	cr_expect_eq(rows_count(&c, CSV_ALIVE), 0);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *r = &c.rows[i];

		if (r->kind == CSV_EXIT && r->group)
			cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 0, "pid %d exit code",
				  r->pid);
		if (r->kind == CSV_FORK)
			cr_expect(CSV_HAS(r, CSV_F_THREAD) && !r->thread, "fork of pid %d",
				  r->child_pid);
	}
	rows_free(&c);
}

Test(ftrace_engine, nothing_from_outside_the_workload)
{
	char csv[128];
	char *cmd[] = { "/bin/sh", "-c",
			"i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i+1)); done", NULL };
	/* a busy fork loop outside the workload, running the whole time */
	char *noise[] = { "/bin/sh", "-c", "while :; do /bin/true; done", NULL };
	struct rows c;
	pid_t bg;
	int st, nproc;

	bg = ft_start(noise, NULL);
	ft_sleep_ms(50);
	snprintf(csv, sizeof(csv), "%s/quiet.csv", dir);
	st = record(csv, cmd);
	kill(bg, SIGKILL);
	ft_wait(bg);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "recorder status %#x", st);
	rows_load(csv, &c);
	cr_assert(c.has_trailer);
	nproc = ft_check_only_workload(&c);
	cr_expect_eq(nproc, 201, "200 /bin/true + the shell, got %d", nproc);
	for (int i = 0; i < c.n; i++)
		cr_expect(c.rows[i].pid != bg, "the outside loop (pid %d) got in", bg);
	rows_free(&c);
}

Test(ftrace_engine, exit_codes_signals_threads_hostile_comm)
{
	char csv[128];
	char *cmd[] = { WORKLOADS_DIR "/ft_exits", NULL };
	struct rows c;
	const struct csv_event *r;
	int st, threads = 0;

	snprintf(csv, sizeof(csv), "%s/exits.csv", dir);
	st = record(csv, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "recorder status %#x", st);
	rows_load(csv, &c);
	cr_assert(c.has_trailer);
	ft_check_only_workload(&c);

	r = rows_exit_by_comm(&c, "ft-code3");
	cr_assert_not_null(r, "exit row of ft-code3");
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 3 && !CSV_HAS(r, CSV_F_SIGNAL));
	r = rows_exit_by_comm(&c, "ft-kill");
	cr_assert_not_null(r, "exit row of ft-kill");
	cr_expect(CSV_HAS(r, CSV_F_SIGNAL) && r->signal == SIGKILL && !CSV_HAS(r, CSV_F_CODE),
		  "ft-kill: signal %d", r->signal);
	r = rows_exit_by_comm(&c, "ft-segv");
	cr_assert_not_null(r, "exit row of ft-segv");
	cr_expect(CSV_HAS(r, CSV_F_SIGNAL) && r->signal == SIGSEGV, "ft-segv: signal %d",
		  r->signal);
	r = rows_exit_by_comm(&c, "ft-term");
	cr_assert_not_null(r, "exit row of ft-term");
	cr_expect(CSV_HAS(r, CSV_F_SIGNAL) && r->signal == SIGTERM, "ft-term: signal %d",
		  r->signal);
	r = rows_exit_by_comm(&c, "ft-thr5");
	cr_assert_not_null(r, "group exit row of ft-thr5");
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 5, "ft-thr5: code %d", r->code);
	r = rows_exit_by_comm(&c, "a,\"b\nc");
	cr_assert_not_null(r, "the hostile name round-trips byte for byte");
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 0);

	for (int i = 0; i < c.n; i++) {
		r = &c.rows[i];
		if (r->kind == CSV_FORK && r->thread) {
			threads++;
			cr_expect_eq(r->child_pid, r->pid, "a thread stays in its process");
			cr_expect_neq(r->child_tid, r->pid);
		}
	}
	cr_expect_eq(threads, 1, "ft-thr5 made one thread, saw %d", threads);
	cr_expect_eq(ft_check_only_workload(&c), 7, "ft_exits + 6 children");
	r = NULL;
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_EXIT && c.rows[i].group && c.rows[i].pid == c.root_pid)
			r = &c.rows[i];
	cr_assert_not_null(r, "the root's exit");
	cr_expect(CSV_HAS(r, CSV_F_CODE) && r->code == 0);
	rows_free(&c);
}

Test(ftrace_engine, argv_of_a_running_process)
{
	char csv[128];
	char *cmd[] = { "/bin/sh", "-c", "/bin/sleep 0.3; echo done >/dev/null", NULL };
	struct rows c;
	const struct csv_event *sleep_exec = NULL;
	int st;

	snprintf(csv, sizeof(csv), "%s/argv.csv", dir);
	st = record(csv, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rows_load(csv, &c);
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_EXEC && c.rows[i].filename &&
		    !strcmp(c.rows[i].filename, "/bin/sleep"))
			sleep_exec = &c.rows[i];
	cr_assert_not_null(sleep_exec, "the exec of /bin/sleep");
	cr_assert_not_null(sleep_exec->argv, "sleep lived 0.3 s: its argv was read");
	cr_expect_eq(sleep_exec->argc, 2);
	cr_expect_str_eq(sleep_exec->argv[0], "/bin/sleep");
	cr_expect_str_eq(sleep_exec->argv[1], "0.3");
	cr_expect_str_eq(sleep_exec->comm, "sleep");
	rows_free(&c);
}

/*
 * argv is read once per read of the buffers, for the processes the events
 * show still alive: one that outlives two read intervals always has its
 * own, and the interval asked for is in the header.
 */
Test(ftrace_engine, argv_of_every_process_outliving_two_reads)
{
	enum { N = 10 };
	char csv[128], want[16], *text;
	char *opts[] = { "--read-interval", "10", NULL };
	char *cmd[] = { "/bin/sh", "-c",
			"i=0; while [ $i -lt 10 ]; do /bin/sleep 0.2$i; i=$((i+1)); done", NULL };
	struct rows c;
	int st, seen = 0;

	snprintf(csv, sizeof(csv), "%s/interval.csv", dir);
	st = record_with(csv, opts, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	text = slurp_or_empty(csv);
	cr_assert_not_null(text);
	cr_expect_not_null(strstr(text, "\n#read_interval_ms,10\n"),
			   "the header records the interval");
	free(text);
	rows_load(csv, &c);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *r = &c.rows[i];

		if (r->kind != CSV_EXEC || !r->filename || strcmp(r->filename, "/bin/sleep"))
			continue;
		cr_assert_not_null(
			r->argv, "sleep (pid %d) lived 200 ms, 20 read intervals: no argv", r->pid);
		cr_assert_eq(r->argc, 2);
		snprintf(want, sizeof(want), "0.2%d", seen++);
		cr_expect_str_eq(r->argv[1], want, "sleep (pid %d) has another exec's argv",
				 r->pid);
	}
	cr_expect_eq(seen, N, "exec rows of /bin/sleep: %d, want %d", seen, N);
	rows_free(&c);
}

/*
 * After a quiet spell the first read comes a few ms after events resume,
 * not a whole interval later: a process that starts after a pause has its
 * argv though it lives less than the interval.  Each 60 ms sleep follows a
 * 400 ms one (longer than the 200 ms interval, so the reader went idle).
 * Under load the exec may come after that first read; most must not.
 */
Test(ftrace_engine, argv_of_a_short_process_after_a_quiet_spell)
{
	enum { N = 8 };
	char csv[128];
	char *opts[] = { "--read-interval", "200", NULL };
	char *cmd[] = {
		"/bin/sh", "-c",
		"i=0; while [ $i -lt 8 ]; do /bin/sleep 0.4; /bin/sleep 0.06; i=$((i+1)); done",
		NULL
	};
	struct rows c;
	int st, sleeps = 0, longs = 0, shorts = 0;

	snprintf(csv, sizeof(csv), "%s/quiet.csv", dir);
	st = record_with(csv, opts, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rows_load(csv, &c);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *r = &c.rows[i];

		if (r->kind != CSV_EXEC || !r->filename || strcmp(r->filename, "/bin/sleep"))
			continue;
		sleeps++;
		if (!r->argv)
			continue;
		cr_assert_eq(r->argc, 2);
		longs += !strcmp(r->argv[1], "0.4");
		shorts += !strcmp(r->argv[1], "0.06");
	}
	cr_expect_eq(sleeps, 2 * N, "exec rows of /bin/sleep: %d, want %d", sleeps, 2 * N);
	cr_expect_eq(longs, N, "400 ms sleeps (two reads) with argv: %d of %d", longs, N);
	cr_expect_geq(shorts, N - 2,
		      "60 ms sleeps after a 400 ms pause with argv: %d of %d, "
		      "want at least %d",
		      shorts, N, N - 2);
	rows_free(&c);
}

static int by_time(const void *a, const void *b)
{
	const struct csv_event *x = *(const struct csv_event *const *)a,
			       *y = *(const struct csv_event *const *)b;

	return x->time_ns < y->time_ns ? -1 : x->time_ns > y->time_ns;
}

/*
 * One process exec's the same program 150 times, each time with its count
 * down as the last argument.  The comm never changes, so only the held-back
 * exec rows keep a late /proc read from lending an exec the next one's argv:
 * every argv written must be its own exec's; a read that may be the next
 * one's is left unknown.  Every tenth image waits 50 ms (a sleep child), so
 * some argv is read and kept and the check has something to check.
 */
Test(ftrace_engine, reexec_never_borrows_the_next_argv)
{
	enum { N = 150 };
	char csv[128];
	char *cmd[] = { "/bin/sh", "-c",
			"export S='[ $(($1 % 10)) -eq 0 ] && /bin/sleep 0.05; "
			"[ $1 -gt 0 ] && exec /bin/sh -c \"$S\" sh $(($1-1)); exit 0'; "
			"exec /bin/sh -c \"$S\" sh 150",
			NULL };
	const struct csv_event *execs[N + 8];
	struct rows c;
	int st, n = 0, known = 0;

	snprintf(csv, sizeof(csv), "%s/reexec.csv", dir);
	st = record(csv, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rows_load(csv, &c);
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_EXEC && c.rows[i].pid == c.root_pid && n < N + 8)
			execs[n++] = &c.rows[i];
	/* the root's own exec of the first /bin/sh, then N + 1 re-execs */
	cr_assert_eq(n, N + 2, "exec rows of the root: %d, want %d", n, N + 2);
	qsort(execs, n, sizeof(execs[0]), by_time);
	for (int i = 1; i < n; i++) {
		char want[16];

		if (!execs[i]->argv)
			continue;
		known++;
		snprintf(want, sizeof(want), "%d", N - (i - 1));
		cr_assert_eq(execs[i]->argc, 5, "exec %d: argc %d", i, execs[i]->argc);
		cr_assert_str_eq(execs[i]->argv[4], want,
				 "exec %d (at %llu) carries another exec's argv", i,
				 (unsigned long long)execs[i]->time_ns);
	}
	cr_log_info("%d of %d re-execs with argv", known, N + 1);
	cr_expect_gt(known, 0, "no argv read at all: the check above proved nothing");
	rows_free(&c);
}
