// SPDX-License-Identifier: MIT
/*
 * Converting .dat files: trace-cmd records system-wide, so the converter
 * must pick out the workload by following forks, keep unrelated processes
 * out even when they get a workload pid, report loss, and reject truncated
 * or corrupt files with one clear line.
 *
 * Pid reuse is made deterministic with /proc/sys/kernel/ns_last_pid (the
 * next fork gets ns_last_pid + 1), without touching pid_max.
 */
#include <errno.h>
#include <signal.h>

#include "clock.h"
#include "tc_util.h"
#include "tracecmd_convert.h"

static struct tc_guard guard;
static char dir[64];

static void setup(void)
{
	TC_REQUIRE();
	tmpdir_make(dir, sizeof(dir), "tc");
	tc_guard_begin(&guard);
}

static void teardown(void)
{
	if (guard.state)
		tc_guard_end(&guard);
	tmpdir_cleanup();
}

TestSuite(tracecmd_convert, .init = setup, .fini = teardown, .timeout = 120);

static void waitfor(pid_t pid, int code)
{
	int st;

	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == code, "pid %d status %#x", pid, st);
}

/*
 * Fork a child that gets pid @want (ns_last_pid = want - 1, retried while
 * other processes on the machine race us).  In the child, returns 0 only
 * when it has the wanted pid; misses exit 99 at once.
 */
static pid_t fork_at(pid_t want)
{
	for (int attempt = 0; attempt < 200; attempt++) {
		FILE *fp = fopen("/proc/sys/kernel/ns_last_pid", "w");
		pid_t pid;

		cr_assert_not_null(fp, "ns_last_pid: %s", strerror(errno));
		fprintf(fp, "%d", want - 1);
		fclose(fp);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			if (getpid() != want)
				_exit(99);
			return 0;
		}
		if (pid == want)
			return pid;
		waitfor(pid, 99);
	}
	cr_assert_fail("could not get pid %d again (the machine forks too much?)", want);
	return -1;
}

static struct tcrun *start(const char *dat, uint64_t buffer_kb, const char *clock)
{
	struct tcrun_opts o = { .dat_path = dat, .buffer_kb = buffer_kb, .clock = clock };
	struct tcrun *r = tcrun_start(&o);

	cr_assert_not_null(r, "%s", err_msg());
	return r;
}

/*
 * trace-cmd 3.1 reads saved_cmdlines and /proc/kallsyms twice when writing
 * the .dat and gives up ("error in size of file") when one changed in
 * between (another tracer recording a new comm; a BPF program loaded or
 * unloaded): returns false then, so a test can record again.
 */
static bool stop(struct tcrun *r)
{
	bool raced;
	int st;

	cr_expect_eq(tcrun_stop(r, &st), 0, "%s", err_msg());
	raced = strstr(tcrun_stderr(r), "error in size of file") != NULL;
	/* info, not warn: Criterion 2.4 makes the run exit 1 after any warning */
	if (raced)
		cr_log_info("trace-cmd lost a race with another tracer: %s", tcrun_stderr(r));
	tcrun_free(r);
	return !raced;
}

/* A background shell forking /bin/true all the time, not part of any workload. */
static pid_t start_noise(void)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "while :; do /bin/true; done", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void stop_noise(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * Record into @dat: q (unrelated, exits 44) frees a pid that the workload
 * root w then takes; w's first child a exits 3 and an unrelated x takes
 * a's pid (its child exits 43, it exits 42) while w still runs; then w's
 * second child exits 4.  Background noise runs /bin/true meanwhile.
 */
static void record_reuse(const char *dat, struct tcconv_opts *o, pid_t *wp, pid_t *ap)
{
	int p0[2], p1[2], p2[2];
	pid_t noise, q, w, a, x;
	struct tcrun *r;
	int attempts = 0;
	char go;

	noise = start_noise();
again:
	cr_assert_eq(pipe(p0), 0);
	cr_assert_eq(pipe(p1), 0);
	cr_assert_eq(pipe(p2), 0);
	r = start(dat, 0, NULL);

	/* q: an unrelated process that exits 44 before the workload gets its pid */
	q = fork();
	if (q == 0)
		_exit(44);
	waitfor(q, 44);

	/* w: the workload root, on q's old pid */
	w = fork_at(q);
	if (w == 0) {
		pid_t ch;

		/* held until root_alive_ns is taken, as the recorder holds its root at the barrier */
		if (read(p0[0], &go, 1) != 1)
			_exit(97);
		ch = fork();

		if (ch == 0)
			_exit(3);
		waitpid(ch, NULL, 0);
		/* tell the test ch's pid once it is reaped, then wait */
		if (write(p1[1], &ch, sizeof(ch)) != sizeof(ch) || read(p2[0], &go, 1) != 1)
			_exit(98);
		ch = fork();
		if (ch == 0)
			_exit(4);
		waitpid(ch, NULL, 0);
		_exit(0);
	}
	o->root_alive_ns = clock_mono_ns(); /* w waits on p0: alive now, nothing forked yet */
	cr_assert_eq(write(p0[1], "g", 1), 1);
	cr_assert_eq(read(p1[0], &a, sizeof(a)), sizeof(a));

	/* x: an unrelated process on a's pid while w still runs; its child exits 43 */
	x = fork_at(a);
	if (x == 0) {
		pid_t g = fork();

		if (g == 0)
			_exit(43);
		waitpid(g, NULL, 0);
		_exit(42);
	}
	waitfor(x, 42);
	cr_assert_eq(write(p2[1], "g", 1), 1);
	waitfor(w, 0);
	usleep(20000);
	close(p0[0]);
	close(p0[1]);
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	if (!stop(r) && ++attempts < 3)
		goto again;
	stop_noise(noise);
	*wp = w;
	*ap = a;
}

/* converted for root @w: only the workload, each pid's own exit code */
static void check_workload_only(const char *csv, pid_t w, pid_t a, const struct tcconv_stats *st)
{
	struct rows c;

	rows_load(csv, &c);
	cr_expect_eq(c.root_pid, w);
	tc_check_only_workload(&c);
	cr_expect_eq(rows_count(&c, CSV_FORK), 2, "w forked a and b, nothing else");
	cr_expect_eq(rows_count(&c, CSV_EXEC), 0, "no exec: the noise's /bin/true stays out");
	cr_expect_eq(rows_count(&c, CSV_EXIT), 3);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *e = &c.rows[i];

		if (e->kind != CSV_EXIT)
			continue;
		cr_expect(CSV_HAS(e, CSV_F_CODE), "exit of %d without a code", e->pid);
		cr_expect(e->code == 0 || e->code == 3 || e->code == 4,
			  "exit code %d of pid %d leaked in from an unrelated process", e->code,
			  e->pid);
		if (e->pid == a)
			cr_expect_eq(e->code, 3, "pid %d: only its workload incarnation", a);
		if (e->pid == w)
			cr_expect_eq(e->code, 0, "the root's pid earlier belonged to q (44)");
	}
	cr_expect_eq(st->procs, 3, "procs %llu", (unsigned long long)st->procs);
	rows_free(&c);
}

/* converted with no root: every process, so the file really held the reuse */
static void check_whole_file(const char *csv, pid_t w, pid_t a)
{
	int saw42 = 0, saw44 = 0, saw_true = 0;
	struct rows c;

	rows_load(csv, &c);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *e = &c.rows[i];

		if (e->kind == CSV_EXIT && e->group && CSV_HAS(e, CSV_F_CODE)) {
			saw42 += e->pid == a && e->code == 42;
			saw44 += e->pid == w && e->code == 44;
		}
		if (e->kind == CSV_EXEC && e->filename && !strcmp(e->filename, "/bin/true"))
			saw_true++;
	}
	cr_expect_eq(saw42, 1, "x reused a's pid %d", a);
	cr_expect_eq(saw44, 1, "q had w's pid %d", w);
	cr_expect_gt(saw_true, 0, "the background noise is in the file");
	rows_free(&c);
}

Test(tracecmd_convert, pid_reuse_and_background_processes)
{
	char dat[128], csv[128], all[128];
	struct tcconv_opts o = { 0 };
	struct tcconv_stats st;
	pid_t w, a;

	snprintf(dat, sizeof(dat), "%s/reuse.dat", dir);
	snprintf(csv, sizeof(csv), "%s/reuse.csv", dir);
	snprintf(all, sizeof(all), "%s/all.csv", dir);
	record_reuse(dat, &o, &w, &a);

	o.root = w;
	cr_assert_eq(tcconv_convert(dat, csv, &o, &st), 0, "%s", err_msg());
	check_workload_only(csv, w, a, &st);

	o.root = 0;
	o.root_alive_ns = 0;
	cr_assert_eq(tcconv_convert(dat, all, &o, &st), 0, "%s", err_msg());
	check_whole_file(all, w, a);
}

/* A tiny buffer, paused readers and a fork burst: loss must become lost rows and trailer counts. */
Test(tracecmd_convert, overflow_becomes_lost_rows)
{
	char dat[128], csv[128];
	struct tcconv_opts o = { 0 };
	struct tcconv_stats st;
	struct rows c;
	struct tcrun *r;
	uint64_t sum = 0;
	int lost_rows = 0, attempts = 0;
	pid_t w;

	snprintf(dat, sizeof(dat), "%s/lost.dat", dir);
	snprintf(csv, sizeof(csv), "%s/lost.csv", dir);
again:
	r = start(dat, 4, NULL);
	/* readers paused: the burst must overflow the 4 KiB per-CPU buffer */
	cr_assert_eq(kill(-tcrun_pid(r), SIGSTOP), 0);
	w = fork();
	if (w == 0) {
		execl("/bin/sh", "sh", "-c",
		      "i=0; while [ $i -lt 1000 ]; do (exit 0); i=$((i+1)); done", (char *)NULL);
		_exit(127);
	}
	waitfor(w, 0);
	kill(-tcrun_pid(r), SIGCONT);
	if (!stop(r) && ++attempts < 3)
		goto again;
	o.root = w;
	cr_assert_eq(tcconv_convert(dat, csv, &o, &st), 0, "%s", err_msg());
	rows_load(csv, &c);
	for (int i = 0; i < c.n; i++)
		if (c.rows[i].kind == CSV_LOST) {
			lost_rows++;
			sum += c.rows[i].count;
		}
	cr_expect_gt(lost_rows, 0,
		     "a burst through a 4 KiB buffer with paused readers lost nothing?");
	cr_expect_gt(c.lost_events, 0);
	cr_expect_eq(c.lost_events, sum, "trailer = sum of lost rows");
	cr_expect_eq(st.lost, sum);
	rows_free(&c);
}

/* A small real .dat for the bad-input tests. */
static void small_dat(const char *dat, const char *clock)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		struct tcrun *r = start(dat, 0, clock);
		pid_t w = fork();

		if (w == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitfor(w, 0);
		if (stop(r))
			return;
	}
	cr_assert_fail("trace-cmd failed to write %s three times", dat);
}

static void copy_prefix(const char *from, const char *to, off_t len)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "head -c %lld '%s' > '%s'", (long long)len, from, to);
	cr_assert_eq(system(cmd), 0);
}

static void expect_one_line_error(const char *dat, const char *csv)
{
	struct tcconv_opts o = { 0 };
	const char *msg;

	cr_expect_eq(tcconv_convert(dat, csv, &o, NULL), -1, "%s converted?", dat);
	msg = err_msg();
	cr_expect_not_null(strstr(msg, dat), "the message names the file: %s", msg);
	cr_expect_null(strchr(msg, '\n'), "one line: %s", msg);
}

Test(tracecmd_convert, truncated_dat)
{
	char dat[128], cut[128], csv[128];
	struct stat sb;

	snprintf(dat, sizeof(dat), "%s/small.dat", dir);
	snprintf(cut, sizeof(cut), "%s/cut.dat", dir);
	snprintf(csv, sizeof(csv), "%s/cut.csv", dir);
	small_dat(dat, NULL);
	cr_assert_eq(stat(dat, &sb), 0);
	{
		off_t cuts[] = { 0,
				 16,
				 64,
				 sb.st_size / 4,
				 sb.st_size / 2,
				 sb.st_size * 3 / 4,
				 sb.st_size - 4096 };

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			cr_log_info("cut at %lld of %lld", (long long)cuts[i],
				    (long long)sb.st_size);
			copy_prefix(dat, cut, cuts[i]);
			expect_one_line_error(cut, csv);
		}
	}
	/* the recorder's CLI says the same in one line and exits 1 */
	{
		char err[128], *msg;
		char *argv[] = { PROG_RECORD, "--convert", cut, "-o", csv, NULL };
		int st;

		snprintf(err, sizeof(err), "%s/err.txt", dir);
		st = tc_run(argv, err, NULL);
		msg = slurp_or_empty(err);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x", st);
		cr_expect_not_null(strstr(msg, "cut.dat"), "%s", msg);
		cr_expect(strchr(msg, '\n') && !strchr(msg, '\n')[1], "one line: %s", msg);
		free(msg);
	}
}

Test(tracecmd_convert, corrupt_dat)
{
	char dat[128], bad[128], csv[128];
	struct stat sb;
	unsigned seed = 12345;

	snprintf(dat, sizeof(dat), "%s/small.dat", dir);
	snprintf(bad, sizeof(bad), "%s/bad.dat", dir);
	snprintf(csv, sizeof(csv), "%s/bad.csv", dir);
	small_dat(dat, NULL);
	cr_assert_eq(stat(dat, &sb), 0);
	/* junk over the header: must be refused */
	copy_prefix(dat, bad, sb.st_size);
	{
		int fd = open(bad, O_WRONLY);

		cr_assert_geq(fd, 0);
		cr_assert_eq(pwrite(fd, "\x17\x08\x44garbage-header!", 18, 0), 18);
		close(fd);
	}
	expect_one_line_error(bad, csv);
	/* random junk of the same size */
	{
		FILE *fp = fopen(bad, "w");

		for (off_t i = 0; i < sb.st_size; i++)
			fputc(rand_r(&seed) & 0xff, fp);
		fclose(fp);
	}
	expect_one_line_error(bad, csv);
	/* junk blocks inside: refused or converted, never a crash */
	for (int round = 0; round < 12; round++) {
		struct tcconv_opts o = { 0 };
		int fd;
		char junk[512];
		off_t at = (off_t)(rand_r(&seed) % (unsigned)sb.st_size);

		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (char)rand_r(&seed);
		copy_prefix(dat, bad, sb.st_size);
		fd = open(bad, O_WRONLY);
		cr_assert_geq(fd, 0);
		cr_assert_eq(pwrite(fd, junk, sizeof(junk), at), (ssize_t)sizeof(junk));
		close(fd);
		if (tcconv_convert(bad, csv, &o, NULL) < 0) {
			cr_expect_not_null(strstr(err_msg(), bad), "%s", err_msg());
			cr_expect_null(strchr(err_msg(), '\n'), "%s", err_msg());
		}
	}
	/* not a .dat at all, and an empty file */
	{
		FILE *fp = fopen(bad, "w");

		fputs("#proctree-csv,1\nkind,time_ns\n", fp);
		fclose(fp);
	}
	expect_one_line_error(bad, csv);
	copy_prefix(dat, bad, 0);
	expect_one_line_error(bad, csv);
}

Test(tracecmd_convert, refuses_other_trace_clocks)
{
	char dat[128], csv[128];
	struct tcconv_opts o = { 0 };

	snprintf(dat, sizeof(dat), "%s/local.dat", dir);
	snprintf(csv, sizeof(csv), "%s/local.csv", dir);
	small_dat(dat, "local");
	cr_expect_eq(tcconv_convert(dat, csv, &o, NULL), -1);
	cr_expect_not_null(strstr(err_msg(), "not mono"), "%s", err_msg());
}

Test(tracecmd_convert, cli)
{
	char dat[128], csv[128], err[128], *msg;
	int st;

	snprintf(dat, sizeof(dat), "%s/small.dat", dir);
	snprintf(csv, sizeof(csv), "%s/small.csv", dir);
	snprintf(err, sizeof(err), "%s/err.txt", dir);
	small_dat(dat, NULL);
	{
		char *argv[] = { PROG_RECORD, "--convert", dat, "-q", NULL };
		struct rows c;
		struct stat sb;

		st = tc_run(argv, err, NULL);
		msg = slurp_or_empty(err);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x: %s", st, msg);
		free(msg);
		cr_assert_eq(stat(csv, &sb), 0, "default output: the .dat name with .csv");
		rows_load(csv, &c);
		cr_expect(c.has_trailer);
		cr_expect_gt(rows_count_file(&c, CSV_EXEC, "/bin/true"), 0, "keeps every process");
		rows_free(&c);
	}
	{
		char *argv[] = { PROG_RECORD, "--convert", dat, "--root", "12x", NULL };

		st = tc_run(argv, err, NULL);
		msg = slurp_or_empty(err);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %#x", st);
		cr_expect_not_null(strstr(msg, "--root"), "%s", msg);
		free(msg);
	}
	{
		char *argv[] = { PROG_RECORD, "--convert", dat, "--", "ls", NULL };

		st = tc_run(argv, err, NULL);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %#x", st);
	}
}

/*
 * The fallback for trace-cmd losing its saved_cmdlines race: the .dat is
 * rebuilt with `trace-cmd restore` from our hard links to its per-CPU files.
 * Simulated by removing a good .dat before the links go away.
 */
Test(tracecmd_convert, restore_from_kept_cpu_files)
{
	char dat[128], csv[128];
	struct tcconv_opts o = { 0 };
	struct rows c;
	struct tcrun *r;
	pid_t w;
	int st;

	snprintf(dat, sizeof(dat), "%s/restore.dat", dir);
	snprintf(csv, sizeof(csv), "%s/restore.csv", dir);
	r = start(dat, 0, NULL);
	w = fork();
	if (w == 0) {
		execl("/bin/sh", "sh", "-c", "/bin/true; exit 6", (char *)NULL);
		_exit(127);
	}
	o.root_alive_ns = clock_mono_ns();
	waitfor(w, 6);
	cr_expect_eq(tcrun_stop(r, &st), 0, "%s", err_msg());
	cr_assert_eq(unlink(dat), 0);
	cr_assert_eq(tcrun_restore(r), 0, "%s", err_msg());
	tcrun_free(r);
	o.root = w;
	o.assume_mono = true;
	cr_assert_eq(tcconv_convert(dat, csv, &o, NULL), 0, "%s", err_msg());
	rows_load(csv, &c);
	tc_check_only_workload(&c);
	cr_expect_eq(rows_count_file(&c, CSV_EXEC, "/bin/true"), 1);
	cr_assert_not_null(rows_find(&c, CSV_EXIT, w));
	cr_expect_eq(rows_find(&c, CSV_EXIT, w)->code, 6);
	rows_free(&c);
	/* the links are gone with the run */
	{
		char keep[160];

		snprintf(keep, sizeof(keep), "%s.proctree-keep-%d.cpu0", dat, (int)getpid());
		cr_expect_neq(access(keep, F_OK), 0, "%s left behind", keep);
	}
}

/*
 * These tests count instances and trace-cmd processes machine-wide: one at
 * a time.
 */
SERIAL_MAIN()
