// SPDX-License-Identifier: MIT
/*
 * chain [DEPTH]: a chain of DEPTH processes below the root (default 200),
 * each the only child of the one before.  Each waits for its child; the
 * deepest exits with 3, the others with 0.
 */
#include "arg.h"
#include "expect.h"

int main(int argc, char **argv)
{
	int depth = argc > 1 ? wl_arg_int(argv[1]) : 200;
	char label[XP_LABEL_MAX];

	xp_root(120, argv);
	for (int d = 0; d < depth; d++) {
		pid_t pid = xp_fork(0);

		if (pid > 0) {
			xp_wait(pid, xp_child(0, label, sizeof(label)));
			_exit(0);
		}
	}
	_exit(depth > 0 ? 3 : 0);
}
