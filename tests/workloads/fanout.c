// SPDX-License-Identifier: MIT
/*
 * fanout [N]: the root forks N children (default 300) that are all alive at
 * the same time (they wait on a gate), then releases and reaps them.  Child
 * i exits with i % 256.
 */
#include "arg.h"
#include "expect.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? wl_arg_int(argv[1]) : 300;
	pid_t *pids = calloc(n > 0 ? n : 1, sizeof(*pids));
	char label[XP_LABEL_MAX];
	int gate[2];

	xp_root(120, argv);
	/* children block reading until the root closes the write end */
	if (!pids || pipe2(gate, O_CLOEXEC) < 0)
		xp_die("setup");
	for (int i = 0; i < n; i++) {
		pids[i] = xp_fork(i);
		if (pids[i] == 0) {
			char c;

			close(gate[1]);
			while (read(gate[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(i % 256);
		}
	}
	close(gate[1]);
	for (int i = 0; i < n; i++)
		xp_wait(pids[i], xp_child(i, label, sizeof(label)));
	free(pids);
	return 0;
}
