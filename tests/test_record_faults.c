// SPDX-License-Identifier: MIT
/*
 * proctree-record when things go wrong (issue 14, findings 3, 5 and 7):
 * - a full disk (a 64 KiB tmpfs) with each engine: exit status 125 (even
 *   when the command failed too), one error line naming the file, a CSV
 *   proctree-reconstruct still reads; tracecmd with a good .dat but a CSV
 *   that cannot be written: the error says how to convert the .dat;
 * - an output that cannot be created (missing directory), or that belongs
 *   to another user, or has another hard link: refused with one line
 *   before the workload runs (it would leave a marker file);
 * - -o - (standard output).
 * Signals and SIGKILL of the recorder: test_record_signals.c.
 * The planted-symlink tests change fs.protected_symlinks: they are in
 * test_record_symlink.c, run alone.
 */
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <termios.h>

#include "clock.h"
#include "ft_util.h"
#include "num.h"
#include "progs.h"
#include "tc_util.h"

#include "faults_suite.h"

/* ---- a full disk ---- */

/*
 * 600 processes on a 64 KiB tmpfs: the CSV (or trace-cmd's .dat) fills it.
 * The command also fails (exit 3): the recorder's status is 125 all the same.
 */
static void full_disk(const char *engine)
{
	char csv[192], opts[64], *err;
	int st;

	require_engine(engine);
	snprintf(mnt, sizeof(mnt), "%s/full", dir);
	cr_assert_eq(mkdir(mnt, 0755), 0);
	cr_assert_eq(mount("tmpfs", mnt, "tmpfs", 0, "size=64k"), 0, "mount: %s", strerror(errno));
	mounted = true;
	snprintf(csv, sizeof(csv), "%s/run.csv", mnt);
	st = record(engine, csv,
		    "i=0; while [ $i -lt 600 ]; do /bin/true; i=$((i+1)); done; exit 3", &err);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 125,
		  "%s: a recording lost to a full disk must exit 125 (status %d)", engine, st);
	cr_expect(one_line(err), "%s: one error line: %s", engine, err);
	snprintf(opts, sizeof(opts), "proctree-record: %s: ", engine);
	cr_expect(!strncmp(err, opts, strlen(opts)), "%s: names the engine: %s", engine, err);
	cr_expect(strstr(err, "No space left on device") || strstr(err, "no usable .dat"),
		  "%s: says why: %s", engine, err);
	cr_expect(strstr(err, mnt), "%s: names the file: %s", engine, err);
	expect_readable(csv);
	free(err);
}

Test(record_faults, full_disk_ptrace)
{
	full_disk("ptrace");
}
Test(record_faults, full_disk_ftrace)
{
	full_disk("ftrace");
}
Test(record_faults, full_disk_bpf)
{
	full_disk("bpf");
}
Test(record_faults, full_disk_tracecmd)
{
	full_disk("tracecmd");
}

/*
 * tracecmd with a .dat that is fine but a CSV that cannot be written (a FIFO
 * whose reader goes away after the header): 125, and the one error line
 * names the CSV and says how to make it again from the .dat.
 */
Test(record_faults, csv_lost_dat_kept_tracecmd)
{
	char fifo[160], dat[160], *err;
	pid_t reader;
	int st, rfd;

	TC_REQUIRE();
	snprintf(fifo, sizeof(fifo), "%s/run.csv", dir);
	snprintf(dat, sizeof(dat), "%s/run.dat", dir);
	cr_assert_eq(mkfifo(fifo, 0644), 0);
	/* open for reading before the recorder opens it for writing */
	rfd = open(fifo, O_RDONLY | O_NONBLOCK);
	cr_assert_geq(rfd, 0);
	reader = fork();
	cr_assert_geq(reader, 0);
	if (reader == 0) {
		struct pollfd pfd = { .fd = rfd, .events = POLLIN };
		char line[4096];
		FILE *fp;

		/* no writer yet: poll waits for the first data (read would see EOF) */
		if (poll(&pfd, 1, 60000) != 1 || fcntl(rfd, F_SETFL, 0) < 0)
			_exit(1);
		fp = fdopen(rfd, "r");

		/* the header, up to its column names, then hang up */
		while (fp && fgets(line, sizeof(line), fp) && strncmp(line, "kind,", 5))
			;
		_exit(0);
	}
	close(rfd);
	st = record("tracecmd", fifo, "sleep 1; /bin/true", &err);
	waitpid(reader, NULL, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 125, "status %d", st);
	cr_expect(one_line(err), "one error line: %s", err);
	cr_expect(strstr(err, fifo) && strstr(err, "--convert") && strstr(err, dat),
		  "the error names the CSV and how to convert the .dat: %s", err);
	free(err);
}

/* ---- outputs checked before the workload runs ---- */

/* The workload would leave @marker: refused outputs must stop it from ever running. */
static void refused_before_workload(const char *engine, const char *out, const char *why)
{
	char marker[160], shell[256], *err;
	int st;

	snprintf(marker, sizeof(marker), "%s/marker", dir);
	unlink(marker);
	snprintf(shell, sizeof(shell), "touch '%s'", marker);
	st = record(engine, out, shell, &err);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: exit 1 expected (status %d)", engine,
		  st);
	cr_expect(one_line(err), "%s: one error line: %s", engine, err);
	cr_expect(strstr(err, why), "%s: error should say '%s': %s", engine, why, err);
	cr_expect(!exists(marker), "%s: the workload ran though the output was refused", engine);
	free(err);
}

static void missing_directory(const char *engine)
{
	char out[160];

	require_engine(engine);
	snprintf(out, sizeof(out), "%s/missing/run.csv", dir);
	refused_before_workload(engine, out, out);
	cr_expect(!exists(out));
}

Test(record_faults, missing_directory_ptrace)
{
	missing_directory("ptrace");
}
Test(record_faults, missing_directory_ftrace)
{
	missing_directory("ftrace");
}
Test(record_faults, missing_directory_bpf)
{
	missing_directory("bpf");
}
Test(record_faults, missing_directory_tracecmd)
{
	missing_directory("tracecmd");
}

/* A file of another user, with content: refused, content and owner kept. */
static void write_as_nobody(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cr_assert_eq(chown(path, NOBODY, NOBODY), 0, "chown: %s", strerror(errno));
}

static void expect_content(const char *path, const char *text)
{
	char *now = slurp_or_empty(path);

	cr_expect_str_eq(now, text, "%s was written to", path);
	free(now);
}

static void foreign_owner(const char *engine)
{
	char out[160], why[256];
	struct stat st;

	require_engine(engine);
	snprintf(out, sizeof(out), "%s/run.csv", dir);
	write_as_nobody(out, "theirs\n");
	snprintf(why, sizeof(why), "%s: owned by uid %d", out, NOBODY);
	refused_before_workload(engine, out, why);
	expect_content(out, "theirs\n");
	cr_expect(stat(out, &st) == 0 && st.st_uid == NOBODY);
}

Test(record_faults, foreign_owner_ptrace)
{
	foreign_owner("ptrace");
}
Test(record_faults, foreign_owner_ftrace)
{
	foreign_owner("ftrace");
}
Test(record_faults, foreign_owner_bpf)
{
	foreign_owner("bpf");
}
Test(record_faults, foreign_owner_tracecmd)
{
	foreign_owner("tracecmd");
}

/* trace-cmd's .dat belonging to someone else: refused too, before trace-cmd starts. */
Test(record_faults, foreign_dat_tracecmd)
{
	char csv[160], dat[160], why[256];

	TC_REQUIRE();
	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(dat, sizeof(dat), "%s/run.dat", dir);
	write_as_nobody(dat, "their trace\n");
	snprintf(why, sizeof(why), "%s: owned by uid %d", dat, NOBODY);
	refused_before_workload("tracecmd", csv, why);
	expect_content(dat, "their trace\n");
	cr_expect(!exists(csv), "an empty CSV was left for a recording that never started");
}

/* A second hard link: truncating it would truncate the other name's file. */
Test(record_faults, hard_link_refused)
{
	char out[160], other[160];
	int fd;

	snprintf(other, sizeof(other), "%s/precious", dir);
	snprintf(out, sizeof(out), "%s/run.csv", dir);
	fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "mine\n", 5), 5);
	close(fd);
	cr_assert_eq(link(other, out), 0);
	refused_before_workload("ptrace", out, "hard links");
	expect_content(other, "mine\n");
}

/* An existing file of ours is simply replaced. */
Test(record_faults, own_file_overwritten)
{
	char out[160], *err;
	struct rows c;
	int fd, st;

	snprintf(out, sizeof(out), "%s/run.csv", dir);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(write(fd, "old old old old\n", 16), 16);
	close(fd);
	st = record("ptrace", out, "/bin/true", &err);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: %s", st, err);
	rows_load(out, &c);
	cr_expect(c.has_trailer);
	rows_free(&c);
	free(err);
}

/* ---- -o - ---- */

Test(record_faults, csv_to_standard_output)
{
	char *argv[] = { PROG_RECORD, "-q", "-e",      "ptrace", "-o",
			 "-",	      "--", "/bin/sh", "-c",	 "echo from-the-command; /bin/true",
			 NULL };
	char *two[] = {
		PROG_RECORD, "-q", "-e", "ptrace,ftrace", "-o", "-", "--", "/bin/true", NULL
	};
	char out[160], err[160], *text;
	struct rows c;
	int st;

	snprintf(out, sizeof(out), "%s/stdout.csv", dir);
	snprintf(err, sizeof(err), "%s/stderr.txt", dir);
	st = wait_for(spawn(argv, out, err, NULL, NULL), 60);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	rows_load(out, &c);
	cr_expect(c.has_trailer);
	cr_expect_geq(rows_count(&c, CSV_EXEC), 2);
	rows_free(&c);
	text = slurp_or_empty(err);
	cr_expect(strstr(text, "from-the-command"), "the command's stdout goes to stderr: %s",
		  text);
	free(text);
	expect_readable(out);

	/* several engines cannot share standard output: a usage error (tracecmd
	 * cannot write there either: test_record_cli, stdout_output_usage_errors_exit_2) */
	st = wait_for(spawn(two, NULL, err, NULL, NULL), 60);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %d", st);
	text = slurp_or_empty(err);
	cr_expect(one_line(text) && strstr(text, "one engine"), "%s", text);
	free(text);
}
