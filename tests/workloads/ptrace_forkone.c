// SPDX-License-Identifier: MIT
/*
 * One fork, for the tests that drive the ptrace engine's stops by hand.
 * usage: ptrace_forkone CODE     child exits CODE, root reaps it, exits 0
 *        ptrace_forkone pause    child waits to be killed
 * The tracer must see: fork root -> C; exit C code=CODE; exit root code=0.
 */
#include "arg.h"
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t c;
	int st;

	if (argc < 2)
		return 2;
	c = fork();
	if (c < 0)
		return 3;
	if (c == 0) {
		if (!strcmp(argv[1], "pause"))
			for (;;)
				pause();
		_exit(wl_arg_int(argv[1]));
	}
	return waitpid(c, &st, 0) == c ? 0 : 4;
}
