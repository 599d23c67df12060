// SPDX-License-Identifier: MIT
/*
 * A fork storm of known shape, for the pid-wrap test (run in a pid
 * namespace with a low pid_max, so pids are reused many times).
 * usage: ptrace_wrap [BRANCHES [LEAVES]]      (defaults 100 and 49)
 * Root forks BRANCHES branches one after the other; each branch forks
 * LEAVES leaves at once, leaf j exits with code j, then the branch reaps
 * them and exits 0.  The tracer must see BRANCHES*(LEAVES+1) forks
 * (thread=0), as many exits plus root's, every exit code as above.
 * Exits 0 when every child's status was as expected.
 */
#include "arg.h"
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int branch(int leaves)
{
	int bad = 0;

	for (int j = 0; j < leaves; j++) {
		pid_t p = fork();

		if (p < 0)
			return 10;
		if (p == 0)
			_exit(j);
	}
	for (int j = 0; j < leaves; j++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st))
			bad = 11;
	}
	return bad;
}

int main(int argc, char **argv)
{
	int branches = argc > 1 ? wl_arg_int(argv[1]) : 100;
	int leaves = argc > 2 ? wl_arg_int(argv[2]) : 49;

	for (int i = 0; i < branches; i++) {
		pid_t p = fork();
		int st;

		if (p < 0)
			return 2;
		if (p == 0)
			_exit(branch(leaves));
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
			return 3;
	}
	return 0;
}
