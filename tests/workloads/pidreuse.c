// SPDX-License-Identifier: MIT
/*
 * pidreuse OUTFILE [REUSES]: a pid taken again microseconds after its
 * process was reaped, REUSES times (default 50).  Each round:
 *
 *   the root forks A; A forks A1, which exits 1; A waits for it, exits 2
 *   the root reaps A, writes A - 1 to /proc/sys/kernel/ns_last_pid, forks B
 *     (which so gets A's pid, unless another process on the machine forked
 *     in between: then the round is a miss and the next one tries again)
 *   B forks C, which exits 3; B waits for it, exits 4; the root reaps B
 *
 * A and B each append "ROOT SELF CHILD\n" to OUTFILE (one O_APPEND write)
 * before they exit: the file lists every process but the root, in the
 * order of the rounds (A then B), which the pids alone no longer tell.
 * Needs root (ns_last_pid).  Exits 0 after REUSES hits, 1 when 4 * REUSES
 * rounds were not enough or something failed (the reason on stderr).
 *
 * ns_last_pid is the machine's (the initial pid namespace's): run nothing
 * else that forks a lot meanwhile (ctest: RUN_SERIAL).
 */
#include "arg.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int out = -1;

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "pidreuse: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void say(pid_t parent, pid_t self, pid_t child)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%d %d %d\n", (int)parent, (int)self, (int)child);

	if (write(out, line, n) != n)
		die("write");
}

static void reap(pid_t pid, int code)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code) {
		errno = EPROTO;
		die("a child ended unexpectedly");
	}
}

/* A process that forks one child exiting @child_code, waits, exits @code. */
static pid_t parent_of_one(int child_code, int code)
{
	pid_t pid = fork(), kid;

	if (pid < 0)
		die("fork");
	if (pid > 0)
		return pid;
	kid = fork();
	if (kid < 0)
		_exit(90);
	if (kid == 0)
		_exit(child_code);
	reap(kid, child_code);
	say(getppid(), getpid(), kid);
	_exit(code);
}

int main(int argc, char **argv)
{
	int want = argc > 2 ? wl_arg_int(argv[2]) : 50, hits = 0;

	if (argc < 2 || want < 1) {
		fprintf(stderr, "usage: pidreuse OUTFILE [REUSES]\n");
		return 2;
	}
	out = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		die(argv[1]);
	for (int round = 0; hits < want && round < 4 * want; round++) {
		pid_t a, b;
		char last[16];
		int fd, n;

		a = parent_of_one(1, 2);
		reap(a, 2);
		/* the next fork takes ns_last_pid + 1: A's pid, free since the reap */
		n = snprintf(last, sizeof(last), "%d", (int)a - 1);
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, last, n) != n)
			die("/proc/sys/kernel/ns_last_pid");
		close(fd);
		b = parent_of_one(3, 4);
		reap(b, 4);
		hits += b == a;
	}
	if (hits < want) {
		fprintf(stderr, "pidreuse: only %d of %d pids reused\n", hits, want);
		return 1;
	}
	return 0;
}
