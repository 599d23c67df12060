// SPDX-License-Identifier: MIT
/*
 * Planted symlinks (issue 14, finding 4).  Where fs.protected_symlinks is 0,
 * a symlink that another user (nobody) plants in a sticky, world-writable
 * directory is followed by root: proctree-record -o /tmp/run.csv used to
 * truncate and overwrite the root-owned 0600 file it pointed to.  Each
 * engine must refuse it (exit 1, one line naming the path) before the
 * workload runs, and leave the target untouched; a dangling symlink must not
 * create its target; trace-cmd's .dat and its per-CPU files at predictable
 * names are covered too.
 *
 * This test changes a machine-wide setting (/proc/sys/fs/protected_symlinks,
 * restored by the fixture's .fini even when a test fails): it is its own
 * executable, run alone (RUN_SERIAL in tests/CMakeLists.txt).
 */
#include <fcntl.h>
#include <grp.h>

#include "ft_util.h"
#include "tc_util.h"

#define PROTECTED "/proc/sys/fs/protected_symlinks"
#define NOBODY 65534

static char dir[64], sticky[128], private_dir[128], target[192], marker[192];
static char saved[16];

static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

static void setup(void)
{
	char *old;
	int fd;

	FT_REQUIRE(); /* root */
	saved[0] = '\0';
	tmpdir_make(dir, sizeof(dir), "symlink");
	chmod(dir, 0755);
	/* a sticky, world-writable directory, like /tmp */
	snprintf(sticky, sizeof(sticky), "%s/sticky", dir);
	cr_assert_eq(mkdir(sticky, 0755), 0);
	cr_assert_eq(chmod(sticky, 01777), 0);
	/* the victim: root's 0600 file where nobody can reach it */
	snprintf(private_dir, sizeof(private_dir), "%s/private", dir);
	cr_assert_eq(mkdir(private_dir, 0755), 0);
	snprintf(target, sizeof(target), "%s/target", private_dir);
	fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "secret\n", 7), 7);
	close(fd);
	snprintf(marker, sizeof(marker), "%s/marker", dir);

	old = slurp_or_empty(PROTECTED);
	if (!old || !old[0]) {
		free(old);
		TEST_SKIP_OR_FAIL("%s is not readable", PROTECTED);
	}
	snprintf(saved, sizeof(saved), "%s", old);
	free(old);
	cr_assert(write_file(PROTECTED, "0\n"), "cannot write %s: %s", PROTECTED, strerror(errno));
}

static void teardown(void)
{
	/* the machine's setting comes back whatever happened */
	if (saved[0] && !write_file(PROTECTED, saved))
		cr_log_error("could not restore %s to %s", PROTECTED, saved);
	saved[0] = '\0';
	tmpdir_cleanup();
}

TestSuite(record_symlink, .init = setup, .fini = teardown, .timeout = 180);

/* Plant a symlink @link -> @to as nobody (the attacker). */
static void plant(const char *to, const char *link)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
			_exit(2);
		_exit(symlink(to, link) == 0 ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	cr_assert_eq(st, 0, "nobody could not plant %s", link);
}

/*
 * Run the recorder; @hold: before exec, the child waits for the test to
 * write a byte to this pipe (so that names with its pid can be planted).
 */
static pid_t start(const char *engine, const char *csv, int hold, char *errpath)
{
	char shell[256];
	char *argv[] = { PROG_RECORD, "-q",	 "-e", (char *)engine, "-o", (char *)csv,
			 "--",	      "/bin/sh", "-c", shell,	       NULL };
	pid_t pid;

	snprintf(shell, sizeof(shell), "touch '%s'", marker);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR),
		    err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		char go;

		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(err, 2);
		if (hold >= 0 && read(hold, &go, 1) != 1)
			_exit(254);
		execv(argv[0], argv);
		_exit(255);
	}
	return pid;
}

static int finish(pid_t pid)
{
	int st = -1;

	for (int ms = 0; ms < 120000; ms += 10) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		ft_sleep_ms(10);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	cr_assert_fail("the recorder hangs");
	return st;
}

static void expect_refused(const char *engine, int st, const char *errpath, const char *path)
{
	char *err = slurp_or_empty(errpath), *nl = strchr(err, '\n');
	struct stat sb;
	char *text;

	cr_log_info("%s: %s", engine, err);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: exit 1 expected (status %d)", engine,
		  st);
	cr_expect(nl && !nl[1], "%s: one error line: %s", engine, err);
	cr_expect(strstr(err, path), "%s: the error names %s: %s", engine, path, err);
	cr_expect(strstr(err, "symbolic link"), "%s: the error says why: %s", engine, err);
	cr_expect(access(marker, F_OK) < 0, "%s: the workload ran", engine);
	text = slurp_or_empty(target);
	cr_expect_str_eq(text, "secret\n", "%s: the target was written through the symlink",
			 engine);
	cr_expect(stat(target, &sb) == 0 && sb.st_uid == 0 && (sb.st_mode & 07777) == 0600,
		  "%s: the target's owner or mode changed", engine);
	free(text);
	free(err);
}

static void planted_csv(const char *engine)
{
	char csv[192], err[192];

	if (!strcmp(engine, "tracecmd"))
		TC_REQUIRE();
	else if (!strcmp(engine, "bpf") && access("/sys/kernel/btf/vmlinux", R_OK) < 0)
		TEST_SKIP_OR_FAIL("the kernel has no BTF: the bpf engine cannot load");
	snprintf(csv, sizeof(csv), "%s/run.csv", sticky);
	snprintf(err, sizeof(err), "%s/err.txt", dir);
	plant(target, csv);
	expect_refused(engine, finish(start(engine, csv, -1, err)), err, csv);
}

Test(record_symlink, planted_csv_ptrace)
{
	planted_csv("ptrace");
}
Test(record_symlink, planted_csv_ftrace)
{
	planted_csv("ftrace");
}
Test(record_symlink, planted_csv_bpf)
{
	planted_csv("bpf");
}
Test(record_symlink, planted_csv_tracecmd)
{
	planted_csv("tracecmd");
}

/* A dangling symlink: following it would create, as root, a file where nobody chose. */
Test(record_symlink, planted_dangling_csv)
{
	char csv[192], err[192], made[192];

	snprintf(csv, sizeof(csv), "%s/run.csv", sticky);
	snprintf(err, sizeof(err), "%s/err.txt", dir);
	snprintf(made, sizeof(made), "%s/made-by-root", private_dir);
	plant(made, csv);
	expect_refused("ptrace", finish(start("ptrace", csv, -1, err)), err, csv);
	cr_expect(access(made, F_OK) < 0, "a file was created through the dangling symlink");
}

/* trace-cmd's .dat beside the CSV. */
Test(record_symlink, planted_dat_tracecmd)
{
	char csv[192], dat[192], err[192];

	TC_REQUIRE();
	snprintf(csv, sizeof(csv), "%s/run.csv", sticky);
	snprintf(dat, sizeof(dat), "%s/run.dat", sticky);
	snprintf(err, sizeof(err), "%s/err.txt", dir);
	plant(target, dat);
	expect_refused("tracecmd", finish(start("tracecmd", csv, -1, err)), err, dat);
}

/*
 * trace-cmd's per-CPU files have predictable names (RUN.dat.proctree-tc-PID.cpuN
 * in an instance, RUN.dat.cpuN at top level): planted for the recorder's pid
 * before it starts.  Whatever mode it then tries, the target stays untouched.
 */
Test(record_symlink, planted_cpu_files_tracecmd)
{
	char csv[192], link[256], err[192], *text;
	int hold[2], st;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	pid_t pid;

	TC_REQUIRE();
	snprintf(csv, sizeof(csv), "%s/run.csv", sticky);
	snprintf(err, sizeof(err), "%s/err.txt", dir);
	cr_assert_eq(pipe(hold), 0);
	pid = start("tracecmd", csv, hold[0], err);
	close(hold[0]);
	for (long cpu = 0; cpu < ncpu; cpu++) {
		snprintf(link, sizeof(link), "%s/run.dat.proctree-tc-%d.cpu%ld", sticky, (int)pid,
			 cpu);
		plant(target, link);
		snprintf(link, sizeof(link), "%s/run.dat.cpu%ld", sticky, cpu);
		plant(target, link);
	}
	cr_assert_eq(write(hold[1], "g", 1), 1);
	close(hold[1]);
	st = finish(pid);
	text = slurp_or_empty(err);
	cr_log_info("tracecmd: %s", text);
	free(text);
	expect_refused("tracecmd", st, err, "run.dat.");
}
