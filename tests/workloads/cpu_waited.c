// SPDX-License-Identifier: MIT
/*
 * A parent that waits for one CPU-burning child and not for another (issue
 * 15 audit: the own time of a parent that did not wait for every child).
 *
 *   cpu_waited TRUTH PARENT_MS WAITED_MS ORPHAN_MS
 *
 * The parent forks "waited", which burns WAITED_MS of CPU and exits, and
 * "orphan", which burns ORPHAN_MS and outlives it; burns PARENT_MS itself,
 * waits for "waited" only, then exits.  The orphan exits 100 ms after it
 * was re-parented, so that an engine sees the parent end first (ptrace
 * takes its times as its waits return: two ends at once could come in
 * either order).  Each process appends "NAME PID SELF_NS" to TRUTH, its
 * getrusage(RUSAGE_SELF) utime + stime just before it exits, and the parent
 * also "parent_children PID NS", its RUSAGE_CHILDREN (what wait4 added: the
 * waited child only).  Exit status 0, or 3 when something failed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arg.h"

static int truth_fd = -1;

static long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

static long long ru_ns(int who)
{
	struct rusage ru;

	if (getrusage(who, &ru) < 0)
		return -1;
	return tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
}

/* one write per line with O_APPEND: the processes' lines do not mix */
static int note(const char *name, long long ns)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %d %lld\n", name, (int)getpid(), ns);

	return ns >= 0 && write(truth_fd, line, (size_t)n) == n ? 0 : -1;
}

/* burn @ms of this process's CPU time; the clock read every 4096 turns */
static void burn(long ms)
{
	struct timespec a, b;
	volatile unsigned long x = 0;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	for (;;) {
		for (int i = 0; i < 4096; i++)
			x += (unsigned long)i;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
		if ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 >= ms)
			return;
	}
}

int main(int argc, char **argv)
{
	long parent_ms, waited_ms, orphan_ms;
	pid_t me = getpid(), waited, orphan;
	int gone[2], st;
	char c;

	if (argc != 5) {
		fprintf(stderr, "usage: cpu_waited TRUTH PARENT_MS WAITED_MS ORPHAN_MS\n");
		return 2;
	}
	parent_ms = wl_arg_long(argv[2]);
	waited_ms = wl_arg_long(argv[3]);
	orphan_ms = wl_arg_long(argv[4]);
	truth_fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (truth_fd < 0 || pipe(gone) < 0)
		return 3;
	waited = fork();
	if (waited < 0)
		return 3;
	if (waited == 0) {
		burn(waited_ms);
		_exit(note("waited", ru_ns(RUSAGE_SELF)) ? 3 : 0);
	}
	orphan = fork();
	if (orphan < 0)
		return 3;
	if (orphan == 0) {
		close(gone[1]);
		burn(orphan_ms);
		/* end of file: the parent has closed its files, so it is exiting */
		while (read(gone[0], &c, 1) > 0)
			;
		for (int i = 0; i < 5000 && getppid() == me; i++)
			usleep(1000);
		usleep(100000);
		_exit(note("orphan", ru_ns(RUSAGE_SELF)) ? 3 : 0);
	}
	close(gone[0]);
	burn(parent_ms);
	if (waitpid(waited, &st, 0) != waited || !WIFEXITED(st) || WEXITSTATUS(st))
		_exit(3);
	/* _exit, not return: nothing after the figures should use CPU time */
	if (note("parent_children", ru_ns(RUSAGE_CHILDREN)) < 0 ||
	    note("parent", ru_ns(RUSAGE_SELF)) < 0)
		_exit(3);
	_exit(0);
}
