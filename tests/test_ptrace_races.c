// SPDX-License-Identifier: MIT
/*
 * The ptrace engine on real workloads (tests/workloads/ptrace_*.c): each
 * workload states the rows the tracer must write; the known ptrace races
 * and the mistakes that made wspy lose nodes each have one test.
 */
#include <signal.h>
#include <time.h>

#include "procfs.h"
#include "ptrace_test.h"

TestSuite(ptrace, .init = pt_setup, .fini = tmpdir_cleanup, .timeout = 120);

static void expect_clean(const struct rows *c)
{
	int orphans;

	cr_expect(c->has_trailer, "no trailer");
	cr_expect_eq(rows_key(c, "ptrace_resume_refused"), 0, "a tracee was resumed twice");
	pt_check_tree(c, &orphans);
	cr_expect_eq(orphans, 0, "rows about unknown processes");
}

Test(ptrace, shell_pipeline)
{
	const char *cmd[] = { "sh", "-c", "ls / | wc -l >/dev/null; exit 3", NULL };
	char ns[64];
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd), forks = 0;

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "recorder status %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	cr_assert_eq(procfs_pid_ns(ns, sizeof(ns)), 0);
	cr_expect_str_eq(c.pid_ns, ns);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *e = &c.rows[i];

		if (e->kind == CSV_FORK) {
			forks++;
			cr_expect_eq(e->pid, c.root_pid);
			cr_expect_eq(e->thread, 0);
			const struct csv_event *x = rows_find(&c, CSV_EXEC, e->child_pid);

			cr_assert_not_null(x, "child %d has no exec row", e->child_pid);
			cr_expect(!strcmp(x->comm, "ls") || !strcmp(x->comm, "wc"), "%s", x->comm);
			cr_expect_eq(x->ppid, c.root_pid);
			const struct csv_event *ex = rows_find(&c, CSV_EXIT, e->child_pid);

			cr_assert_not_null(ex);
			cr_expect_eq(ex->code, 0);
			cr_expect(CSV_HAS(ex, CSV_F_UTIME) && CSV_HAS(ex, CSV_F_MAXRSS));
			cr_expect_gt(ex->maxrss_kb, 0);
			/* any exec maps pages: a process with no minor fault was not measured */
			cr_expect(CSV_HAS(ex, CSV_F_MINFLT) && CSV_HAS(ex, CSV_F_MAJFLT) &&
				  CSV_HAS(ex, CSV_F_NVCSW) && CSV_HAS(ex, CSV_F_NIVCSW));
			cr_expect_gt(ex->minflt, 0);
		}
	}
	cr_expect_eq(forks, 2);
	const struct csv_event *x = rows_find(&c, CSV_EXEC, c.root_pid);

	cr_assert_not_null(x);
	cr_expect_str_eq(x->argv[0], "sh");
	cr_expect_str_eq(x->argv[1], "-c");
	cr_expect_eq(x->argc, 3);
	cr_expect_not_null(x->filename);
	cr_expect_eq(rows_find(&c, CSV_EXIT, c.root_pid)->code, 3);
	rows_free(&c);
}

/* Race: a SIGKILLed process may never report PTRACE_EVENT_EXIT; its status still arrives. */
Test(ptrace, sigkill_exit_status)
{
	const char *cmd[] = { WL("ptrace_sigkill"), NULL };
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd);

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	cr_assert_eq(rows_count(&c, CSV_FORK), 1);
	const struct csv_event *ex = rows_find(&c, CSV_EXIT, c.rows[1].child_pid);

	cr_assert_not_null(ex);
	cr_expect_eq(ex->signal, SIGKILL);
	cr_expect(!CSV_HAS(ex, CSV_F_CODE));
	rows_free(&c);
}

/* Race: exec by a non-leader thread takes the leader's tid; old_tid names the thread. */
Test(ptrace, nonleader_exec)
{
	const char *cmd[] = { WL("ptrace_thread_exec"), NULL };
	const struct csv_event *fork = NULL, *exec2 = NULL;
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd), execs = 0;

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *e = &c.rows[i];

		if (e->kind == CSV_FORK)
			fork = &c.rows[i];
		if (e->kind == CSV_EXEC && ++execs == 2)
			exec2 = &c.rows[i];
		/* neither the old tid nor the old leader reports an exit */
		if (e->kind == CSV_EXIT)
			cr_expect(e->group && e->tid == c.root_pid, "unexpected exit of tid %d",
				  e->tid);
	}
	cr_assert_not_null(fork);
	cr_assert_not_null(exec2);
	cr_expect_eq(fork->thread, 1);
	cr_expect_eq(fork->child_pid, c.root_pid);
	cr_expect_neq(fork->child_tid, c.root_pid);
	cr_expect_eq(exec2->pid, c.root_pid);
	cr_expect_eq(exec2->old_tid, fork->child_tid);
	cr_expect_str_eq(exec2->argv[1], "done");
	cr_expect_eq(rows_key(&c, "ptrace_nonleader_execs"), 1);
	cr_expect_eq(rows_count(&c, CSV_EXIT), 1);
	rows_free(&c);
}

/* Race: vfork parents are suspended until the child execs or exits. */
Test(ptrace, vfork_and_posix_spawn)
{
	const char *cmd[] = { WL("ptrace_vfork"), NULL };
	static const int codes[] = { 0, 7, 0 };
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd), k = 0;

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	cr_assert_eq(rows_count(&c, CSV_FORK), 3);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *e = &c.rows[i];

		if (e->kind != CSV_FORK)
			continue;
		cr_expect_eq(e->thread, 0);
		cr_expect_eq(rows_find(&c, CSV_EXIT, e->child_pid)->code, codes[k]);
		const struct csv_event *x = rows_find(&c, CSV_EXEC, e->child_pid);

		if (k == 1) {
			cr_expect_null(x);
		} else {
			cr_assert_not_null(x);
			cr_expect_str_eq(x->filename, "/bin/true");
		}
		k++;
	}
	rows_free(&c);
}

/* Group-stops behave as without a tracer (PTRACE_LISTEN); SIGSTOP is not a new child's stop. */
Test(ptrace, group_stops)
{
	const char *cmd[] = { WL("ptrace_stopcont"), NULL };
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd);

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "workload saw a difference: %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	cr_expect_eq(rows_count(&c, CSV_FORK), 6);
	cr_expect_eq(rows_count(&c, CSV_EXIT), 7);
	cr_expect_geq(rows_key(&c, "ptrace_group_stops"), 6);
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_EXIT)
			cr_expect_eq(c.rows[i].code, 0);
	rows_free(&c);
}

/* Every signal is delivered (injected on restart), never swallowed. */
Test(ptrace, signals_delivered)
{
	const char *cmd[] = { WL("ptrace_signals"), NULL };
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd), sig[3] = { 0 }, k = 0;

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a signal was lost: %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_FORK && k < 3) {
			const struct csv_event *ex = rows_find(&c, CSV_EXIT, c.rows[i].child_pid);

			cr_assert_not_null(ex);
			sig[k++] = CSV_HAS(ex, CSV_F_SIGNAL) ? ex->signal : 0;
		}
	cr_expect_eq(sig[0], SIGSEGV);
	cr_expect_eq(sig[1], SIGTERM);
	cr_expect_eq(sig[2], 0);
	cr_expect_geq(rows_key(&c, "ptrace_signals_delivered"), 17);
	rows_free(&c);
}

/* wspy: the parent comes from the fork event, not /proc after the parent died. */
Test(ptrace, parent_from_fork_event)
{
	const char *cmd[] = { WL("ptrace_orphan"), NULL };
	const char *opts[] = { "--wait-all", NULL };
	struct rows c;
	int st = pt_record(NULL, csv, opts, cmd), a, b;

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	cr_assert_eq(rows_count(&c, CSV_FORK), 2);
	a = b = -1;
	for (int i = 0; i < c.n; i++) {
		if (c.rows[i].kind == CSV_FORK && c.rows[i].pid == c.root_pid)
			a = c.rows[i].child_pid;
		if (c.rows[i].kind == CSV_FORK && c.rows[i].pid == a)
			b = c.rows[i].child_pid;
	}
	cr_assert_gt(b, 0, "no fork row A -> B");
	const struct csv_event *ex = rows_find(&c, CSV_EXIT, b);

	cr_assert_not_null(ex, "B's exit was not recorded with --wait-all");
	cr_expect_eq(ex->code, 5, "B was not reparented before exiting");
	cr_expect_eq(ex->ppid, a);
	rows_free(&c);
}

static void touch_go(const char *marker)
{
	char go[300];
	int fd;

	snprintf(go, sizeof(go), "%s.go", marker);
	fd = open(go, O_WRONLY | O_CREAT, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
}

static bool wait_file(const char *path, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (access(path, F_OK) == 0)
			return true;
		usleep(10000);
	}
	return false;
}

static char proc_state(pid_t pid)
{
	struct procfs_stat s;

	return procfs_read_stat(pid, &s) == 0 ? s.state : '?';
}

/* wspy: when the root exits, the rest is detached cleanly (alive rows), never killed. */
Test(ptrace, root_exit_detaches_descendants)
{
	char marker[256];
	struct rows c;
	int st;

	snprintf(marker, sizeof(marker), "%s/marker", dir);
	const char *cmd[] = { WL("ptrace_leave"), marker, NULL };

	st = pt_record(NULL, csv, NULL, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	/* the descendant waits for MARKER.go: had the recorder waited, it would hang */
	cr_expect_eq(access(marker, F_OK), -1, "the descendant finished early");
	rows_load(csv, &c);
	expect_clean(&c);
	cr_assert_eq(rows_count(&c, CSV_FORK), 1);
	pid_t child = c.rows[1].child_pid;
	const struct csv_event *al = rows_find(&c, CSV_ALIVE, child);

	cr_expect_not_null(al, "no alive row for the descendant");
	cr_expect_null(rows_find(&c, CSV_EXIT, child));
	cr_expect_eq(al ? al->ppid : 0, c.root_pid);
	cr_expect_geq(rows_key(&c, "ptrace_detached"), 1);
	cr_expect_eq(rows_key(&c, "ptrace_detach_timeouts"), 0);
	touch_go(marker);
	cr_expect(wait_file(marker, 30000), "the descendant was killed or left stopped");
	if (access(marker, F_OK) != 0)
		kill(child, SIGKILL);
	rows_free(&c);
}

Test(ptrace, root_exit_keeps_group_stop)
{
	char marker[256];
	struct rows c;
	pid_t child;
	int st;

	snprintf(marker, sizeof(marker), "%s/marker", dir);
	const char *cmd[] = { WL("ptrace_leave"), marker, "stop", NULL };

	st = pt_record(NULL, csv, NULL, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	cr_assert_eq(rows_count(&c, CSV_FORK), 1);
	child = c.rows[1].child_pid;
	cr_expect_not_null(rows_find(&c, CSV_ALIVE, child));
	/* it stopped itself, maybe only after we detached: wait for that */
	for (int i = 0; i < 3000 && proc_state(child) != 'T'; i++)
		usleep(10000);
	cr_expect_eq(proc_state(child), 'T', "detached child is not group-stopped");
	touch_go(marker);
	usleep(300000);
	cr_expect_eq(access(marker, F_OK), -1, "a stopped child ran");
	kill(child, SIGCONT);
	cr_expect(wait_file(marker, 30000), "the child did not continue after SIGCONT");
	if (access(marker, F_OK) != 0)
		kill(child, SIGKILL);
	rows_free(&c);
}

Test(ptrace, wait_all_follows_descendants)
{
	char marker[256];
	struct rows c;
	int st;

	snprintf(marker, sizeof(marker), "%s/marker", dir);
	const char *cmd[] = { WL("ptrace_leave"), marker, NULL };
	const char *opts[] = { "--wait-all", NULL };

	touch_go(marker);
	st = pt_record(NULL, csv, opts, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	cr_expect_eq(access(marker, F_OK), 0, "returned before the descendant exited");
	rows_load(csv, &c);
	expect_clean(&c);
	cr_expect_eq(rows_count(&c, CSV_ALIVE), 0);
	const struct csv_event *ex = rows_find(&c, CSV_EXIT, c.rows[1].child_pid);

	cr_assert_not_null(ex);
	cr_expect_eq(ex->code, 0);
	rows_free(&c);
}

/* Threads: thread=1 from the clone event; forks from non-leader threads. */
Test(ptrace, threads)
{
	const char *cmd[] = { WL("ptrace_threads"), NULL };
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd), threads = 0, procs = 0;

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *e = &c.rows[i];

		if (e->kind != CSV_FORK)
			continue;
		cr_expect_eq(e->pid, c.root_pid);
		if (e->thread) {
			threads++;
			cr_expect_eq(e->child_pid, c.root_pid);
		} else {
			procs++;
			cr_expect_neq(e->tid, c.root_pid, "fork not from its thread");
			cr_expect_eq(rows_find(&c, CSV_EXIT, e->child_pid)->code, 3);
		}
	}
	cr_expect_eq(threads, 4);
	cr_expect_eq(procs, 4);
	rows_free(&c);
}

/*
 * wspy: resuming a tracee twice after one stop swallows its next event.
 * A storm of concurrent forks (where new children's stops often come
 * before their parents' fork events) must lose nothing.
 */
Test(ptrace, fork_storm_nothing_lost)
{
	const char *cmd[] = { WL("ptrace_wrap"), "20", "49", NULL };
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd), orphans, procs;

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	procs = pt_check_tree(&c, &orphans);
	cr_expect_eq(procs, 1 + 20 * 50);
	cr_expect_eq(rows_count(&c, CSV_EXIT), 1 + 20 * 50);
	cr_expect_eq(rows_key(&c, "ptrace_unclaimed"), 0);
	cr_log_info("early stops: %lld", rows_key(&c, "ptrace_early_stops"));
	rows_free(&c);
}

/*
 * argv, file name and comm come from the stopped tracee: exact for a huge
 * environment, thousands of environment pointers or arguments, fexecve()
 * and a name longer than a comm (tests/workloads/ptrace_exec_forms.c).
 */
Test(ptrace, exec_argv_filename_comm_exact)
{
	const char *cmd[] = { WL("ptrace_exec_forms"), dir, NULL };
	const struct csv_event *x[8];
	char link[256];
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd), n = 0;

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	expect_clean(&c);
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_EXEC && c.rows[i].pid != c.root_pid && n < 8)
			x[n++] = &c.rows[i];
	cr_assert_eq(n, 5, "exec rows of the children: %d", n);
	for (int i = 0; i < 3; i++) {
		cr_expect_str_eq(x[i]->filename, "/bin/true", "form %d", i + 1);
		cr_expect_str_eq(x[i]->comm, "true", "form %d", i + 1);
		cr_expect_str_eq(x[i]->argv[0], "/bin/true", "form %d", i + 1);
	}
	cr_expect_eq(x[0]->argc, 2);
	cr_expect_str_eq(x[0]->argv[1], "form1");
	cr_expect_eq(x[1]->argc, 2);
	cr_expect_str_eq(x[1]->argv[1], "form2");
	cr_expect_eq(x[2]->argc, 2001);
	cr_expect_str_eq(x[2]->argv[1], "a0");
	cr_expect_str_eq(x[2]->argv[x[2]->argc - 1], "a1999");
	cr_expect_eq(strncmp(x[3]->filename, "/dev/fd/", 8), 0, "fexecve: %s", x[3]->filename);
	cr_assert_not_null(x[3]->comm, "fexecve: no comm");
	/* the engine reports the kernel's choice: the file's name (6.18) or the fd number (older) */
	cr_expect(!strcmp(x[3]->comm, "true") ||
			  strspn(x[3]->comm, "0123456789") == strlen(x[3]->comm),
		  "fexecve comm %s", x[3]->comm);
	cr_expect_str_eq(x[3]->argv[1], "form4");
	snprintf(link, sizeof(link), "%s/a_long_program_name_0123", dir);
	cr_expect_str_eq(x[4]->filename, link);
	cr_expect_str_eq(x[4]->argv[0], link);
	cr_expect_str_eq(x[4]->comm, "a_long_program_", "comm is cut to 15 bytes");
	rows_free(&c);
}

Test(ptrace, missing_command)
{
	const char *cmd[] = { "/nonexistent/proctree-no-such-command", NULL };
	struct rows c;
	int st = pt_record(NULL, csv, NULL, cmd);

	/* the recorder resolves COMMAND before any engine starts (as strace does):
	 * exit 127, one line on stderr, and no CSV since nothing ran */
	(void)c;
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 127, "status %#x", st);
	cr_expect_neq(access(csv, F_OK), 0, "a CSV was written for a command that never ran");
}
