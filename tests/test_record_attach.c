// SPDX-License-Identifier: MIT
/*
 * proctree-record -p PID (docs/attach.md), with each engine that can join
 * a running process (ptrace, ftrace, bpf):
 *
 *  - a shell loop that keeps forking, with a child started before the
 *    recorder (`sleep 100 &`), is joined; every child the loop starts
 *    afterwards is in the CSV with its exit status (the loop logs each
 *    child's pid and status), the ones that predate the recording are
 *    there marked existing=1; the workload's own exit status and output
 *    are what they would be untraced (its parent, this test, waits for it);
 *  - SIGINT to the recorder while the loop runs: exit 0, a complete CSV
 *    saying interrupted, the loop still running (not traced, not stopped,
 *    still logging), and nothing of the recorder's left (tracefs instance,
 *    BPF programs).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <dirent.h>

#include "bpf_util.h"
#include "csv.h"
#include "err.h"
#include "ft_util.h"
#include "procfs.h"
#include "procfs_tree.h"
#include "run.h"
#include "skip.h"
#include "tmpdir.h"

/*
 * The workload, in its own session.  Each child it starts is logged as
 * "KIND PID STATUS" in kids (after it was waited for); it stops when the
 * file stop appears (or after 600 loops, a minute or so: a failed test
 * leaves nothing running for long), and exits 7 after its first child,
 * waited for too.
 */
static const char workload[] =
	"sleep 100 & pre=$!; echo \"$pre\" > pre.pid; echo start\n"
	"n=0\n"
	"while [ ! -e stop ] && [ $n -lt 600 ]; do\n"
	"  /bin/true & p=$!; wait $p; echo \"true $p $?\" >> kids\n"
	"  /bin/sh -c 'exit 3' & p=$!; wait $p; echo \"three $p $?\" >> kids\n"
	"  sleep 0.05 & p=$!; wait $p; echo \"sleep $p $?\" >> kids\n"
	"  n=$((n+1)); echo \"loop $n\"\n"
	"done\n"
	"kill $pre; wait $pre; echo \"pre $?\"; echo end\n"
	"exit 7\n";

struct attach_run {
	char dir[128];
	pid_t wl;	 /* the workload, our child */
	pid_t rec;	 /* the recorder */
	pid_t pre;	 /* its child started before the recorder */
	int kids_before; /* lines in kids when the recorder started */
};

static void path_in(const struct attach_run *r, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", r->dir, name);
}

static int count_lines(const char *path)
{
	char *text = slurp_or_empty(path);
	int n = 0;

	for (char *p = text; p && *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

static void start_workload(struct attach_run *r, const char *engine)
{
	char out[256], prepath[256];
	char *text, tag[32];

	snprintf(tag, sizeof(tag), "attach-%s", engine);
	tmpdir_make(r->dir, sizeof(r->dir), tag);
	chmod(r->dir, 0755);
	path_in(r, "out.txt", out, sizeof(out));
	r->wl = fork();
	cr_assert_geq(r->wl, 0);
	if (r->wl == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		setsid();
		/* a test that fails half-way (its process exits) takes the workload along */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd < 0 || chdir(r->dir) < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		execl("/bin/sh", "sh", "-c", workload, (char *)NULL);
		_exit(127);
	}
	/* running: its first child exists and a loop or two went by */
	path_in(r, "pre.pid", prepath, sizeof(prepath));
	for (int i = 0; i < 200 && access(prepath, R_OK) < 0; i++)
		ft_sleep_ms(10);
	ft_sleep_ms(300);
	text = slurp_or_empty(prepath);
	r->pre = (pid_t)strtol(text, NULL, 10);
	free(text);
	cr_assert_gt(r->pre, 0, "the workload did not start its first child");
}

/*
 * Whether the recorder has joined: it traces the workload (ptrace), or its
 * reader thread, started once the filter is seeded, runs (ftrace, bpf).
 */
static bool joined(const struct attach_run *r)
{
	char path[64], *text, *p;
	bool yes;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)r->wl);
	text = slurp_or_empty(path);
	p = strstr(text, "\nTracerPid:");
	yes = p && strtol(p + 11, NULL, 10) == r->rec;
	free(text);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)r->rec);
	text = slurp_or_empty(path);
	p = strstr(text, "\nThreads:");
	yes |= p && strtol(p + 9, NULL, 10) > 1;
	free(text);
	return yes;
}

static void start_recorder(struct attach_run *r, const char *engine)
{
	char pid[24], csv[256], err[256], kids[256];
	/* not -q: the end line says how the joined process ended, as the engine saw it */
	char *argv[] = { PROG_RECORD, "--no-progress", "-p", pid, "-e", (char *)engine, "-o", csv,
			 NULL };

	snprintf(pid, sizeof(pid), "%d", (int)r->wl);
	path_in(r, "run.csv", csv, sizeof(csv));
	path_in(r, "rec.err", err, sizeof(err));
	path_in(r, "kids", kids, sizeof(kids));
	r->kids_before = count_lines(kids);
	r->rec = ft_start(argv, err);
	for (int i = 0; i < 500 && !joined(r) && kill(r->rec, 0) == 0; i++)
		ft_sleep_ms(10);
	ft_sleep_ms(1000); /* and the loop went on under it */
}

/* The loop ends on its own; its exit status and output, as if untraced. */
static void stop_workload(struct attach_run *r)
{
	char stop[256], out[256], *text;
	int st, loops = 0, line = 0;

	path_in(r, "stop", stop, sizeof(stop));
	close(open(stop, O_WRONLY | O_CREAT, 0644));
	st = ft_wait(r->wl);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 7, "workload status %#x, want exit 7", st);
	path_in(r, "out.txt", out, sizeof(out));
	text = slurp_or_empty(out);
	/* start, loop 1 .. loop N, pre 143 (SIGTERM), end: nothing else (no EINTR, no stop) */
	cr_assert_not_null(strstr(text, "\npre 143\n"), "output: %s", text);
	cr_assert_not_null(strstr(text, "\nend\n"), "output: %s", text);
	for (char *p = text, *nl; *p; p = nl + 1, line++) {
		nl = strchr(p, '\n');
		cr_assert_not_null(nl, "output: %s", text);
		*nl = '\0';
		if (line == 0)
			cr_assert_str_eq(p, "start");
		else if (!strncmp(p, "loop ", 5))
			cr_assert_eq(strtol(p + 5, NULL, 10), ++loops, "output line %d: %s", line,
				     p);
		/* "Terminated": the shell's report of the job it killed */
		else if (strcmp(p, "pre 143") && strcmp(p, "end") && strcmp(p, "Terminated"))
			cr_assert_fail("unexpected output line %d: '%s'", line, p);
	}
	cr_assert_gt(loops, 3, "the loop ran %d times", loops);
	free(text);
}

static void load(const struct attach_run *r, struct rows *rows)
{
	char csv[256];

	path_in(r, "run.csv", csv, sizeof(csv));
	rows_load(csv, rows);
}

static const struct csv_event *fork_of(const struct rows *rows, pid_t pid)
{
	for (int i = 0; i < rows->n; i++)
		if (rows->rows[i].kind == CSV_FORK && !rows->rows[i].thread &&
		    rows->rows[i].child_pid == pid)
			return &rows->rows[i];
	return NULL;
}

static const struct csv_event *exit_of(const struct rows *rows, pid_t pid)
{
	for (int i = 0; i < rows->n; i++)
		if (rows->rows[i].kind == CSV_EXIT && rows->rows[i].pid == pid &&
		    CSV_HAS(&rows->rows[i], CSV_F_GROUP) && rows->rows[i].group)
			return &rows->rows[i];
	return NULL;
}

static bool is_existing(const struct csv_event *f)
{
	return CSV_HAS(f, CSV_F_EXISTING) && f->existing;
}

/*
 * The workload starts one child at a time, so once a fork row shows the
 * recorder joined, every later child is there, forked by the workload,
 * with its status, up to the @until'th line of the log (all of them when
 * it is -1).  The children before may have ended before the join (no row)
 * or run across it (an existing row).
 */
static void check_kids(const struct attach_run *r, const struct rows *rows, int until)
{
	char kids[256], *text, *line, *save = NULL;
	int n = 0, checked = 0;
	bool seen_fork = false;

	path_in(r, "kids", kids, sizeof(kids));
	text = slurp_or_empty(kids);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		char kind[16];
		int pid, status;
		const struct csv_event *f, *x;

		cr_assert_eq(sscanf(line, "%15s %d %d", kind, &pid, &status), 3, "kids: %s", line);
		if (n < r->kids_before || (until >= 0 && n >= until))
			continue;
		f = fork_of(rows, pid);
		x = exit_of(rows, pid);
		if (!seen_fork && (!f || is_existing(f)))
			continue;
		cr_assert_not_null(f, "%s %d (kids line %d) has no fork row", kind, pid, n + 1);
		cr_assert_eq(f->pid, r->wl, "%s %d forked by %d, not the workload", kind, pid,
			     f->pid);
		if (seen_fork)
			cr_assert_not(is_existing(f),
				      "%s %d, started after the attach, is marked "
				      "existing",
				      kind, pid);
		seen_fork = true;
		cr_assert_not_null(x, "%s %d has no exit row", kind, pid);
		cr_assert(CSV_HAS(x, CSV_F_CODE) && x->code == status,
			  "%s %d: exit code %d (known %d), want %d", kind, pid, x->code,
			  CSV_HAS(x, CSV_F_CODE), status);
		checked++;
	}
	free(text);
	cr_assert_geq(checked, 4, "only %d children recorded after the attach", checked);
}

static void check_existing(const struct attach_run *r, const struct rows *rows)
{
	const struct csv_event *root = fork_of(rows, r->wl), *pre = fork_of(rows, r->pre);

	cr_assert(rows_meta(rows, "attached") && !strcmp(rows_meta(rows, "attached"), "1"),
		  "no #attached,1");
	cr_assert_eq(rows->root_pid, r->wl);
	cr_assert_not_null(root, "the joined process has no row");
	cr_assert(is_existing(root), "the joined process is not marked existing");
	cr_assert_eq(root->pid, getpid(), "its parent is %d, not this test", root->pid);
	cr_assert_not_null(pre, "its child started before the recorder has no row");
	cr_assert(is_existing(pre), "its child started before the recorder is not marked");
	cr_assert_eq(pre->pid, r->wl);
	for (int i = 0; i < rows->n; i++) {
		const struct csv_event *e = &rows->rows[i];

		/* one row per process found running, none for anything else */
		if (e->kind == CSV_FORK && is_existing(e))
			cr_assert(e->child_pid == r->wl || e->child_pid == r->pre ||
					  e->pid == r->wl,
				  "existing row for %d (parent %d)", e->child_pid, e->pid);
	}
}

static void cleanup(struct attach_run *r)
{
	if (r->wl > 0 && kill(r->wl, 0) == 0) {
		kill(-r->wl, SIGKILL);
		ft_wait(r->wl);
	}
	/* KEEP=1 in the environment keeps the directory (CSV, logs) for a look */
	tmpdir_cleanup();
}

static void require(const char *engine)
{
	if (!strcmp(engine, "bpf"))
		BPF_REQUIRE();
	else if (!strcmp(engine, "ftrace"))
		FT_REQUIRE();
}

/* Join, let the loop go on, end it: the recorder ends with it. */
static void join_until_exit(const char *engine)
{
	struct attach_run r = { 0 };
	struct rows rows;
	const struct csv_event *x;
	char err[256], *text;
	int st;

	require(engine);
	start_workload(&r, engine);
	start_recorder(&r, engine);
	stop_workload(&r);
	st = ft_wait(r.rec);
	path_in(&r, "rec.err", err, sizeof(err));
	text = slurp_or_empty(err);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "recorder status %#x: %s", st, text);
	cr_assert_not_null(strstr(text, "the command exited with status 7 after"), "%s", text);
	free(text);
	load(&r, &rows);
	cr_assert(rows.has_trailer, "no #end");
	cr_assert_not(rows.interrupted);
	check_existing(&r, &rows);
	check_kids(&r, &rows, -1);
	x = exit_of(&rows, r.wl);
	cr_assert_not_null(x, "the joined process has no exit row");
	cr_assert(CSV_HAS(x, CSV_F_CODE) && x->code == 7, "its exit code is not 7");
	x = exit_of(&rows, r.pre);
	cr_assert_not_null(x, "the first child has no exit row");
	cr_assert(!CSV_HAS(x, CSV_F_CODE), "killed by SIGTERM, yet exit code %d", x->code);
	rows_free(&rows);
	cleanup(&r);
}

/* How a process is now: 0 when running untraced and not stopped. */
static void check_untouched(pid_t pid)
{
	char path[64], *text, *p;
	struct procfs_stat st;

	cr_assert_eq(kill(pid, 0), 0, "%d is gone", pid);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	text = slurp_or_empty(path);
	p = strstr(text, "\nTracerPid:");
	cr_assert_not_null(p);
	cr_assert_eq(strtol(p + 11, NULL, 10), 0, "%d is still traced", pid);
	free(text);
	cr_assert_eq(procfs_read_stat(pid, &st), 0);
	cr_assert(st.state != 'T' && st.state != 't', "%d is stopped (state %c)", pid, st.state);
}

/* The BPF programs @pid holds (prog_id in its fdinfo), at most @max. */
static int held_progs(pid_t pid, unsigned *ids, int max)
{
	char path[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)pid);
	d = opendir(path);
	cr_assert_not_null(d);
	while ((de = readdir(d)) && n < max) {
		char file[320], *text, *p;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		text = slurp_or_empty(file);
		p = strstr(text, "prog_id:");
		if (p)
			ids[n++] = (unsigned)strtoul(p + 8, NULL, 10);
		free(text);
	}
	closedir(d);
	return n;
}

/* SIGINT to the recorder: it detaches, the workload goes on as before. */
static void sigint_detaches(const char *engine)
{
	struct attach_run r = { 0 };
	struct rows rows;
	char inst[128], kids[256];
	int st, before, until, nprogs = 0;
	unsigned progs[16];

	require(engine);
	start_workload(&r, engine);
	start_recorder(&r, engine);
	path_in(&r, "kids", kids, sizeof(kids));
	until = count_lines(kids); /* these ended before the SIGINT */
	if (!strcmp(engine, "bpf"))
		nprogs = held_progs(r.rec, progs, 16);
	cr_assert_eq(kill(r.rec, SIGINT), 0);
	st = ft_wait(r.rec);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "recorder status %#x", st);
	{
		char err[256], *text;

		path_in(&r, "rec.err", err, sizeof(err));
		text = slurp_or_empty(err);
		cr_assert_not_null(strstr(text, "was still running when recording stopped"), "%s",
				   text);
		free(text);
	}
	load(&r, &rows);
	cr_assert(rows.has_trailer, "no #end");
	cr_assert(rows.interrupted, "#interrupted is not 1");
	check_existing(&r, &rows);
	check_kids(&r, &rows, until);
	cr_assert_null(exit_of(&rows, r.wl), "the joined process has an exit row, yet runs");
	/* still running, untraced, not stopped, and still doing its work */
	check_untouched(r.wl);
	check_untouched(r.pre);
	before = count_lines(kids);
	ft_sleep_ms(500);
	cr_assert_gt(count_lines(kids), before, "the workload stopped making children");
	snprintf(inst, sizeof(inst), "/sys/kernel/tracing/instances/proctree-%d", (int)r.rec);
	cr_assert_neq(access(inst, F_OK), 0, "%s is left behind", inst);
	if (!strcmp(engine, "bpf"))
		cr_assert_gt(nprogs, 0, "the bpf recorder holds no BPF program");
	for (int i = 0; i < nprogs; i++) {
		int fd = bpf_prog_get_fd_by_id(progs[i]);

		cr_assert_lt(fd, 0, "BPF program %u of the recorder is still loaded", progs[i]);
	}
	stop_workload(&r); /* and it still ends as it would have */
	rows_free(&rows);
	cleanup(&r);
}

/* the scratch directories go also when a test fails */
TestSuite(record_attach, .fini = tmpdir_cleanup);

Test(record_attach, ptrace_join_until_exit)
{
	join_until_exit("ptrace");
}
Test(record_attach, ftrace_join_until_exit)
{
	join_until_exit("ftrace");
}
Test(record_attach, bpf_join_until_exit)
{
	join_until_exit("bpf");
}
Test(record_attach, ptrace_sigint_detaches)
{
	sigint_detaches("ptrace");
}
Test(record_attach, ftrace_sigint_detaches)
{
	sigint_detaches("ftrace");
}
Test(record_attach, bpf_sigint_detaches)
{
	sigint_detaches("bpf");
}

/* Run the recorder with @args; its exit status (-1 when killed), stderr in @err. */
static int run_rec(char *const *args, char *err, size_t size)
{
	char *argv[16] = { PROG_RECORD };
	struct run r;
	int i;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	r = run_argv(argv, NULL);
	snprintf(err, size, "%s", r.err);
	run_free(&r);
	return r.signal ? -1 : r.status;
}

/* Refusals: one line each, naming the pid or the fix; nothing recorded. */
Test(record_attach, refusals)
{
	char self[24], err[1024];
	const char *csv = "/tmp/pt-attach-refused.csv";
	struct {
		char *args[8];
		int status;
		const char *says;
	} cases[] = {
		{ { "-p", "0", "-o", (char *)csv }, 2, "--pid" },
		{ { "-p", "999999999", "-o", (char *)csv }, 1, "-p 999999999: no such process" },
		{ { "-p", "1", "-o", (char *)csv }, 1, "-p 1: proctree-record runs under it" },
		{ { "-p", self, "-o", (char *)csv }, 1, "runs under it" },
		{ { "-p", "2", "-o", (char *)csv }, 1, "kernel thread" },
		{ { "-p", self, "-o", (char *)csv, "--", "true" }, 2, "not both" },
		{ { "-p", self, "-u", "nobody", "-o", (char *)csv }, 2, "--user" },
		{ { "-p", self, "-e", "tracecmd", "-o", (char *)csv },
		  2,
		  "the tracecmd engine cannot join a running process (-p)" },
		{ { "-p", self, "-e", "none" }, 2, "record nothing" },
	};
	pid_t gone = fork();

	cr_assert_geq(gone, 0);
	if (gone == 0)
		_exit(0);
	ft_wait(gone); /* a pid that existed and is no more */
	snprintf(self, sizeof(self), "%d", (int)getpid());
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = run_rec(cases[i].args, err, sizeof(err));

		cr_assert_eq(st, cases[i].status, "case %zu: status %d: %s", i, st, err);
		cr_assert_not_null(strstr(err, cases[i].says), "case %zu: '%s'", i, err);
		cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "case %zu: not one line: %s",
			     i, err);
		cr_assert_neq(access(csv, F_OK), 0, "case %zu wrote %s", i, csv);
	}
	snprintf(self, sizeof(self), "%d", (int)gone);
	{
		char *args[] = { "-p", self, "-o", (char *)csv, NULL };
		char want[64];

		cr_assert_eq(run_rec(args, err, sizeof(err)), 1, "%s", err);
		snprintf(want, sizeof(want), "-p %d: no such process", (int)gone);
		cr_assert_not_null(strstr(err, want), "%s", err);
	}
}

/*
 * ptrace: a process stopped by SIGSTOP when it is joined is still stopped
 * after the detach (group-stop kept, as untraced), not traced, and SIGCONT
 * resumes it; SIGTERM then ends it with SIGTERM (no SIGKILL from the
 * recorder, no stray SIGTRAP).
 */
Test(record_attach, ptrace_stopped_stays_stopped)
{
	struct attach_run r = { .rec = -1 };
	char pid[24], csv[] = "/tmp/pt-attach-stopped-XXXXXX";
	char *argv[] = { PROG_RECORD, "-q", "-p", pid, "-e", "ptrace", "-o", csv, NULL };
	struct procfs_stat st;
	int fd = mkstemp(csv), status;

	cr_assert_geq(fd, 0);
	close(fd);
	r.wl = fork();
	cr_assert_geq(r.wl, 0);
	if (r.wl == 0) {
		setsid();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl("/bin/sleep", "sleep", "100", (char *)NULL);
		_exit(127);
	}
	{
		char comm[32] = "";

		/* stopped before its exec, it would be a copy of this test, not sleep */
		for (int i = 0; i < 200 && strcmp(comm, "sleep"); i++) {
			if (procfs_read_comm(r.wl, comm, sizeof(comm)) < 0)
				comm[0] = '\0';
			if (strcmp(comm, "sleep"))
				ft_sleep_ms(5);
		}
		cr_assert_str_eq(comm, "sleep");
	}
	kill(r.wl, SIGSTOP);
	cr_assert_eq(waitpid(r.wl, &status, WUNTRACED), r.wl);
	cr_assert(WIFSTOPPED(status));
	snprintf(pid, sizeof(pid), "%d", (int)r.wl);
	r.rec = ft_start(argv, NULL);
	for (int i = 0; i < 500 && !joined(&r) && kill(r.rec, 0) == 0; i++)
		ft_sleep_ms(10);
	ft_sleep_ms(300);
	cr_assert_eq(kill(r.rec, SIGINT), 0);
	status = ft_wait(r.rec);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "recorder status %#x", status);
	cr_assert_eq(procfs_read_stat(r.wl, &st), 0);
	cr_assert_eq(st.state, 'T', "state %c after the detach, want T (stopped)", st.state);
	{
		char path[64], *text, *p;

		snprintf(path, sizeof(path), "/proc/%d/status", (int)r.wl);
		text = slurp_or_empty(path);
		p = strstr(text, "\nTracerPid:");
		cr_assert(p && strtol(p + 11, NULL, 10) == 0, "still traced");
		free(text);
	}
	kill(r.wl, SIGCONT);
	for (int i = 0; i < 100 && procfs_read_stat(r.wl, &st) == 0 && st.state == 'T'; i++)
		ft_sleep_ms(10);
	cr_assert_neq(st.state, 'T', "SIGCONT did not resume it");
	cr_assert_neq(st.state, 't', "it is in a ptrace stop");
	kill(r.wl, SIGTERM);
	cr_assert_eq(waitpid(r.wl, &status, 0), r.wl);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);
	unlink(csv);
}

/* The /proc helpers -p stands on: a process's status ids, and its tree, parents first. */
Test(record_attach, procfs_walk)
{
	struct attach_run r = { 0 };
	struct procfs_tree *t;
	const struct procfs_proc *root;
	pid_t v = -1;
	bool pre = false;

	cr_assert_eq(procfs_status_id(getpid(), "Tgid", &v), 0, "%s", err_msg());
	cr_assert_eq(v, getpid());
	cr_assert_eq(procfs_status_id(getpid(), "TracerPid", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_lt(procfs_status_id(getpid(), "Tgi", &v), 0); /* a prefix is not the key */
	start_workload(&r, "walk");
	t = procfs_tree_walk(r.wl);
	cr_assert_not_null(t, "%s", err_msg());
	root = procfs_tree_proc(t, 0);
	cr_assert_eq(root->pid, r.wl);
	cr_assert_eq(root->ppid, getpid());
	cr_assert_eq(root->ntids, 1);
	cr_assert_eq(root->tids[0], r.wl);
	for (size_t i = 1; i < procfs_tree_count(t); i++) {
		const struct procfs_proc *p = procfs_tree_proc(t, i);
		bool parent_before = false;

		for (size_t k = 0; k < i; k++)
			parent_before |= procfs_tree_proc(t, k)->pid == p->ppid;
		cr_assert(parent_before, "%d comes before its parent %d", p->pid, p->ppid);
		pre |= p->pid == r.pre;
	}
	cr_assert(pre, "the workload's first child is not in the walk");
	procfs_tree_free(t);
	ft_sleep_ms(500); /* stop_workload() wants a few loops */
	stop_workload(&r);
	cleanup(&r);
	cr_assert_null(procfs_tree_walk(r.wl), "a walk of a reaped pid");
	cr_assert_eq(errno, ESRCH);
}
