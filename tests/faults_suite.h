/* SPDX-License-Identifier: MIT */
/*
 * The record_faults suite, shared by test_record_faults.c and
 * test_record_signals.c: its scratch directory and tmpfs, the process
 * groups killed at the end, running the recorder and checking its output.
 */
#ifndef PROCTREE_TEST_FAULTS_SUITE_H
#define PROCTREE_TEST_FAULTS_SUITE_H

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

#define NOBODY 65534

static char dir[64];
static char mnt[128];
static bool mounted;
static pid_t groups[8]; /* process groups to kill at the end (recorders and workloads) */
static int ngroups;

static inline void setup(void)
{
	FT_REQUIRE(); /* root: tmpfs mounts, chown, the tracing engines */
	tmpdir_make(dir, sizeof(dir), "faults");
	chmod(dir, 0755);
	mounted = false;
	ngroups = 0;
}

static inline void teardown(void)
{
	for (int i = 0; i < ngroups; i++)
		kill(-groups[i], SIGKILL);
	if (mounted && umount2(mnt, MNT_DETACH) < 0)
		cr_log_warn("could not unmount %s: %s", mnt, strerror(errno));
	mounted = false;
	tmpdir_cleanup();
}

TestSuite(record_faults, .init = setup, .fini = teardown, .timeout = 240);

/* ---- running things ---- */

/* What a child does before exec'ing (signal dispositions, a session, ...). */
typedef void (*pre_exec_fn)(void *arg);

/*
 * Start @argv in its own process group (so that it and its workload can be
 * killed together); stdout to @outpath (NULL: /dev/null), stderr to @errpath.
 */
static inline pid_t spawn(char *const argv[], const char *outpath, const char *errpath,
			  pre_exec_fn pre, void *arg)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int out = outpath ? open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644) : null;
		int err = errpath ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644) : null;

		setpgid(0, 0);
		dup2(null, 0);
		dup2(out, 1);
		dup2(err, 2);
		if (pre)
			pre(arg);
		execv(argv[0], argv);
		_exit(255);
	}
	setpgid(pid, pid);
	if (ngroups < (int)(sizeof(groups) / sizeof(groups[0])))
		groups[ngroups++] = pid;
	return pid;
}

/* Wait up to @secs for @pid; a process still running then is killed and the test fails. */
static inline int wait_for(pid_t pid, int secs)
{
	int st = -1;

	for (int ms = 0; ms < secs * 1000; ms += 10) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			return st;
		if (w < 0 && errno != EINTR)
			cr_assert_fail("waitpid %d: %s", (int)pid, strerror(errno));
		ft_sleep_ms(10);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);
	cr_assert_fail("pid %d still running after %d s", (int)pid, secs);
	return st;
}

static char errfile[160];

/* The recorder with -q -e @engine -o @out and @shell run by sh -c; its wait status. */
static inline int record(const char *engine, const char *out, const char *shell, char **errtext)
{
	char *argv[] = { PROG_RECORD, "-q",	 "-e", (char *)engine, "-o", (char *)out,
			 "--",	      "/bin/sh", "-c", (char *)shell,  NULL };
	int st;

	snprintf(errfile, sizeof(errfile), "%s/err.txt", dir);
	st = wait_for(spawn(argv, NULL, errfile, NULL, NULL), 120);
	*errtext = slurp_or_empty(errfile);
	cr_log_info("%s: recorder stderr: %s", engine, *errtext);
	return st;
}

static inline bool one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return s[0] && nl && !nl[1];
}

static inline bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* proctree-reconstruct --summary reads @csv: its exit status is 0 and it says something. */
static inline void expect_readable(const char *csv)
{
	char *argv[] = { PROG_RECONSTRUCT, "--summary", (char *)csv, NULL };
	char out[160], err[160], *text;
	int st;

	snprintf(out, sizeof(out), "%s/summary.txt", dir);
	snprintf(err, sizeof(err), "%s/summary.err", dir);
	st = wait_for(spawn(argv, out, err, NULL, NULL), 60);
	text = slurp_or_empty(err);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "proctree-reconstruct cannot read %s (status %d): %s", csv, st, text);
	free(text);
	text = slurp_or_empty(out);
	cr_expect(strstr(text, "processes"), "no summary for %s: %s", csv, text);
	free(text);
}

static inline void require_engine(const char *engine)
{
	if (!strcmp(engine, "tracecmd"))
		TC_REQUIRE();
	else if (!strcmp(engine, "bpf") && access("/sys/kernel/btf/vmlinux", R_OK) < 0)
		TEST_SKIP_OR_FAIL("the kernel has no BTF: the bpf engine cannot load");
}

#endif
