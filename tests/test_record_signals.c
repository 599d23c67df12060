// SPDX-License-Identifier: MIT
/*
 * proctree-record and signals (issue 14, findings 5 and 7):
 * - under nohup a SIGHUP kills neither recorder nor workload, the workload
 *   gets the dispositions and mask the recorder was given (the same
 *   /proc/self/status lines as without the recorder), and a hang-up of the
 *   terminal a session-leader recorder controls, or a SIGHUP sent to a
 *   setsid recorder, reaches the workload;
 * - SIGKILL of the recorder midway with each engine: the CSV holds the rows
 *   of the first seconds (tracecmd: its header names the .dat, which
 *   trace-cmd completes, and --convert makes the rows), and the next
 *   recording removes what a killed one left.
 */
#include "faults_suite.h"

/* ---- signals ---- */

/* As nohup and a shell's background job leave them, plus a blocked signal. */
static void ignore_like_nohup(void *arg)
{
	sigset_t block;

	(void)arg;
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
}

static char *grep_sig_lines(const char *path)
{
	char *text = slurp_or_empty(path), *out = calloc(1, 256), *p = text;

	while (p && *p) {
		char *nl = strchrnul(p, '\n');

		if (!strncmp(p, "SigIgn:", 7) || !strncmp(p, "SigBlk:", 7) ||
		    !strncmp(p, "SigCgt:", 7))
			snprintf(out + strlen(out), 256 - strlen(out), "%.*s\n", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
	free(text);
	return out;
}

/* The workload sees the same dispositions and mask as without the recorder. */
Test(record_faults, workload_inherits_dispositions_and_mask)
{
	char *plain[] = { "/bin/cat", "/proc/self/status", NULL };
	char *rec[] = { PROG_RECORD,	     "-q", "-e", "ptrace", "-o", NULL, "--", "/bin/cat",
			"/proc/self/status", NULL };
	char csv[160], a[160], b[160], *without, *with;
	int st;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(a, sizeof(a), "%s/plain.txt", dir);
	snprintf(b, sizeof(b), "%s/recorded.txt", dir);
	rec[5] = csv;
	st = wait_for(spawn(plain, a, NULL, ignore_like_nohup, NULL), 30);
	cr_assert_eq(st, 0);
	st = wait_for(spawn(rec, b, NULL, ignore_like_nohup, NULL), 30);
	cr_assert_eq(st, 0);
	without = grep_sig_lines(a);
	with = grep_sig_lines(b);
	cr_log_info("without the recorder:\n%s", without);
	cr_expect(strstr(without, "SigIgn:\t0000000000000007"), "the test's own setup: %s",
		  without);
	cr_expect_str_eq(with, without, "under the recorder the workload has\n%s", with);
	free(without);
	free(with);
}

/* nohup proctree-record ..., then SIGHUP: nothing dies, the command's status comes back. */
Test(record_faults, nohup_survives_sighup)
{
	char csv[160], marker[160], shell[256];
	char *argv[] = { PROG_RECORD, "-q",	 "-e", "ptrace", "-o", csv,
			 "--",	      "/bin/sh", "-c", shell,	 NULL };
	char *text;
	pid_t pid;
	int st;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	snprintf(shell, sizeof(shell), "sleep 1; echo survived > '%s'; exit 7", marker);
	pid = spawn(argv, NULL, NULL, ignore_like_nohup, NULL);
	ft_sleep_ms(300);
	cr_assert_eq(kill(pid, SIGHUP), 0);
	st = wait_for(pid, 30);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 7,
		  "the recorder must exit with the command's status 7 (status %d)", st);
	text = slurp_or_empty(marker);
	cr_expect_str_eq(text, "survived\n", "the workload died of the SIGHUP nohup ignores");
	free(text);
}

/* The recorder controls a terminal (session leader), whose master side then hangs up. */
struct pty_child {
	int slave;
};

static void become_terminal_owner(void *arg)
{
	struct pty_child *p = arg;

	setsid();
	ioctl(p->slave, TIOCSCTTY, 0);
	dup2(p->slave, 0);
	dup2(p->slave, 1);
	dup2(p->slave, 2);
	if (p->slave > 2)
		close(p->slave);
}

/* Wait (up to 10 s) for @path to exist. */
static bool wait_file(const char *path)
{
	for (int i = 0; i < 1000; i++) {
		if (exists(path))
			return true;
		ft_sleep_ms(10);
	}
	return false;
}

static const char *hup_shell = "trap 'echo got-hup > %s/marker; exit 3' HUP; "
			       "touch %s/started; sleep 8 & wait; echo no-hup > %s/marker";

Test(record_faults, terminal_hangup_reaches_the_workload)
{
	char csv[160], shell[512], marker[160], started[160];
	char *argv[] = { PROG_RECORD, "-q",	 "-e", "ptrace", "-o", csv,
			 "--",	      "/bin/sh", "-c", shell,	 NULL };
	struct pty_child pc;
	int master, st;
	pid_t pid;
	char *text;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	snprintf(started, sizeof(started), "%s/started", dir);
	snprintf(shell, sizeof(shell), hup_shell, dir, dir, dir);
	cr_assert_eq(openpty(&master, &pc.slave, NULL, NULL, NULL), 0, "openpty: %s",
		     strerror(errno));
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(master);
		become_terminal_owner(&pc);
		execv(argv[0], argv);
		_exit(255);
	}
	groups[ngroups++] = pid; /* its own session, so its own group */
	close(pc.slave);
	cr_assert(wait_file(started), "the workload did not start");
	close(master); /* hang-up: the kernel sends SIGHUP to the session leader only */
	st = wait_for(pid, 30);
	text = slurp_or_empty(marker);
	cr_expect_str_eq(text, "got-hup\n", "the hang-up did not reach the workload");
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 3, "the command's status 3 (status %d)", st);
	free(text);
}

static void new_session(void *arg)
{
	(void)arg;
	setsid();
}

Test(record_faults, sighup_to_setsid_recorder_is_forwarded)
{
	char csv[160], shell[512], marker[160], started[160];
	char *argv[] = { PROG_RECORD, "-q",	 "-e", "ptrace", "-o", csv,
			 "--",	      "/bin/sh", "-c", shell,	 NULL };
	pid_t pid;
	char *text;
	int st;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	snprintf(started, sizeof(started), "%s/started", dir);
	snprintf(shell, sizeof(shell), hup_shell, dir, dir, dir);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		new_session(NULL);
		execv(argv[0], argv);
		_exit(255);
	}
	groups[ngroups++] = pid;
	cr_assert(wait_file(started), "the workload did not start");
	cr_assert_eq(kill(pid, SIGHUP), 0);
	st = wait_for(pid, 30);
	text = slurp_or_empty(marker);
	cr_expect_str_eq(text, "got-hup\n", "the SIGHUP did not reach the workload");
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 3, "the command's status 3 (status %d)", st);
	free(text);
}

/* ---- SIGKILL of the recorder ---- */

/* The children of @pid named @comm (via /proc/PID/task/TID/children). */
static pid_t child_named(pid_t pid, const char *comm)
{
	char path[64], *text, *p;
	pid_t found = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	text = slurp_or_empty(path);
	for (p = text; p && *p && !found;) {
		int child = (int)strtol(p, &p, 10);
		char cpath[64], *c;

		if (child <= 0)
			break;
		snprintf(cpath, sizeof(cpath), "/proc/%d/comm", child);
		c = slurp_or_empty(cpath);
		if (!strncmp(c, comm, strlen(comm)) && c[strlen(comm)] == '\n')
			found = child;
		free(c);
	}
	free(text);
	return found;
}

/*
 * Rows of @csv read as far as they go (no trailer, maybe a cut last row):
 * the number of /bin/true execs, and the first and last row times.
 */
static int count_true_execs(const char *csv, uint64_t *start, uint64_t *first, uint64_t *last,
			    int *root)
{
	struct csv_reader *r = csv_reader_open(csv);
	struct csv_event ev;
	int n = 0;

	cr_assert_not_null(r, "%s", err_msg());
	*start = csv_reader_meta(r)->start_mono_ns;
	if (root)
		*root = csv_reader_meta(r)->root_pid;
	*first = UINT64_MAX;
	*last = 0;
	while (csv_reader_next(r, &ev) == 1) {
		if (ev.present & CSV_BIT(CSV_F_TIME)) {
			*first = ev.time_ns < *first ? ev.time_ns : *first;
			*last = ev.time_ns > *last ? ev.time_ns : *last;
		}
		if (ev.kind == CSV_EXEC && ev.filename && !strcmp(ev.filename, "/bin/true"))
			n++;
	}
	csv_reader_free(r);
	return n;
}

/*
 * Kill the recorder with SIGKILL once the workload, which execs /bin/true
 * every 100 ms, has done 25 rounds (about 2.5 s, longer on a loaded machine:
 * counting rounds, not seconds, keeps "the first seconds' rows" meaningful
 * when the recorder itself took long to start); returns the CLOCK_MONOTONIC
 * time of the kill.  The workload (orphaned, or killed by PTRACE_O_EXITKILL)
 * is killed with its group.
 */
static uint64_t kill_recorder_midway(const char *engine, const char *csv, pid_t *tracecmd)
{
	char loop[256], progress[128];
	char *argv[] = { PROG_RECORD, "-q",	 "-e", (char *)engine, "-o", (char *)csv,
			 "--",	      "/bin/sh", "-c", loop,	       NULL };
	pid_t pid;
	uint64_t t;
	int rounds = 0;

	snprintf(progress, sizeof(progress), "%s/rounds", dir);
	snprintf(loop, sizeof(loop),
		 "i=0; while [ $i -lt 1000 ]; do /bin/true; sleep 0.1; "
		 "i=$((i+1)); echo $i > %s; done",
		 progress);
	pid = spawn(argv, NULL, NULL, NULL, NULL);
	for (int waited = 0; rounds < 25; waited += 50) {
		char *text;

		cr_assert_lt(waited, 120000, "the workload did %d rounds in 120 s", rounds);
		ft_sleep_ms(50);
		text = access(progress, R_OK) == 0 ? slurp_or_empty(progress) : NULL;
		if (text) {
			text[strcspn(text, "\n")] = '\0';
			if (num_parse_int(text, 0, 1000, &rounds) < 0)
				rounds = 0; /* caught between the truncation and the write */
			free(text);
		}
	}
	if (tracecmd)
		*tracecmd = child_named(pid, "trace-cmd");
	t = clock_mono_ns();
	cr_assert_eq(kill(pid, SIGKILL), 0);
	waitpid(pid, NULL, 0);
	kill(-pid, SIGKILL); /* the workload */
	return t;
}

static void killed_keeps_its_rows(const char *engine)
{
	char csv[160];
	uint64_t killed, start, first, last;
	int n;

	require_engine(engine);
	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	killed = kill_recorder_midway(engine, csv, NULL);
	n = count_true_execs(csv, &start, &first, &last, NULL);
	cr_log_info("%s: %d execs of /bin/true; rows from %.2f s to %.2f s after start; killed "
		    "at %.2f s",
		    engine, n, (first - start) / 1e9, (last - start) / 1e9, (killed - start) / 1e9);
	/* 25 rounds before the kill, rows reach the file once a second: 5 at least */
	cr_expect_geq(n, 5, "%s: the CSV lacks the first seconds' rows (%d execs)", engine, n);
	cr_expect(last + 1500000000ull >= killed,
		  "%s: rows reach the file at least once a second: the last is %.2f s before the "
		  "kill",
		  engine, (killed - last) / 1e9);
	expect_readable(csv);
}

Test(record_faults, sigkill_keeps_rows_ptrace)
{
	killed_keeps_its_rows("ptrace");
}
Test(record_faults, sigkill_keeps_rows_bpf)
{
	killed_keeps_its_rows("bpf");
}

Test(record_faults, sigkill_keeps_rows_ftrace)
{
	char csv[160], *err;
	int st;

	killed_keeps_its_rows("ftrace");
	/* its instance stays behind; the next ftrace recording removes it */
	snprintf(csv, sizeof(csv), "%s/next.csv", dir);
	st = record("ftrace", csv, "/bin/true", &err);
	cr_expect_eq(st, 0, "%s", err);
	free(err);
}

/* @pid has exited (gone, or a zombie nobody reaped yet). */
static bool gone(pid_t pid)
{
	char path[64], *text, *p;
	bool dead;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = slurp_or_empty(path);
	p = strrchr(text, ')');
	dead = !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
	free(text);
	return dead;
}

/* Is a file or directory whose name contains @needle in @where? */
static bool has_entry(const char *where, const char *needle)
{
	DIR *d = opendir(where);
	struct dirent *de;
	bool found = false;

	while (d && (de = readdir(d)) && !found)
		found = strstr(de->d_name, needle) != NULL;
	if (d)
		closedir(d);
	return found;
}

/*
 * tracecmd: trace-cmd holds the events, so the CSV has its header only; the
 * .dat it completes after the recorder's death (SIGINT as parent-death
 * signal) converts to the rows of those seconds.  The next recording
 * removes the scratch directory and the per-CPU links the killed one left.
 */
Test(record_faults, sigkill_tracecmd_dat_and_leftovers)
{
	char csv[160], conv[160], dat[160], tag[64], root_s[16], *err;
	char *convert[] = {
		PROG_RECORD, "-q", "--convert", dat, "-o", conv, "--root", root_s, NULL
	};
	uint64_t killed, start, first, last;
	pid_t tc = 0, recorder;
	int n, root = 0, st;

	TC_REQUIRE();
	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(dat, sizeof(dat), "%s/run.dat", dir);
	snprintf(conv, sizeof(conv), "%s/conv.csv", dir);
	killed = kill_recorder_midway("tracecmd", csv, &tc);
	cr_assert_gt(tc, 0, "trace-cmd was not found under the recorder");
	recorder = groups[ngroups - 1];
	/* trace-cmd writes the .dat, then exits */
	for (int i = 0; i < 3000 && !gone(tc); i++)
		ft_sleep_ms(10);
	cr_assert(gone(tc), "trace-cmd still runs 30 s after the recorder died");

	count_true_execs(csv, &start, &first, &last, &root);
	cr_expect_gt(root, 0, "the CSV's header names the root");
	snprintf(root_s, sizeof(root_s), "%d", root);
	st = wait_for(spawn(convert, NULL, NULL, NULL, NULL), 60);
	cr_assert_eq(st, 0, "--convert of the killed recording's .dat failed");
	n = count_true_execs(conv, &start, &first, &last, NULL);
	cr_log_info(
		"tracecmd: %d execs of /bin/true in the .dat; rows up to %.2f s before the kill", n,
		((double)killed - (double)last) / 1e9);
	cr_expect_geq(n, 10, "the .dat lacks the seconds before the kill (%d execs)", n);

	/* what the killed recorder left */
	snprintf(tag, sizeof(tag), "proctree-tc-%d-", (int)recorder);
	cr_expect(has_entry("/tmp", tag), "no scratch directory /tmp/%s* to clean up", tag);
	snprintf(tag, sizeof(tag), ".proctree-keep-%d.cpu", (int)recorder);
	cr_expect(has_entry(dir, tag), "no per-CPU link *%s* to clean up", tag);

	snprintf(csv, sizeof(csv), "%s/next.csv", dir);
	st = record("tracecmd", csv, "/bin/true", &err);
	cr_expect_eq(st, 0, "%s", err);
	free(err);
	snprintf(tag, sizeof(tag), "proctree-tc-%d-", (int)recorder);
	cr_expect(!has_entry("/tmp", tag), "the next recording left /tmp/%s*", tag);
	snprintf(tag, sizeof(tag), ".proctree-keep-%d.cpu", (int)recorder);
	cr_expect(!has_entry(dir, tag), "the next recording left *%s*", tag);
	snprintf(tag, sizeof(tag), "proctree-tc-%d", (int)recorder);
	cr_expect(!tracefs_instance_exists(tag), "the next recording left instance %s", tag);
}
