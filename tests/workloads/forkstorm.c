// SPDX-License-Identifier: MIT
/*
 * forkstorm [N [PARALLEL]]: the root forks N short children (default 2000),
 * at most PARALLEL (default 16) alive at once.  Child i exits with i % 7.
 */
#include "arg.h"
#include "expect.h"

#define MAX_PAR 256

int main(int argc, char **argv)
{
	int n = argc > 1 ? wl_arg_int(argv[1]) : 2000;
	int par = argc > 2 ? wl_arg_int(argv[2]) : 16;
	pid_t slot_pid[MAX_PAR] = { 0 };
	int slot_idx[MAX_PAR], running = 0, next = 0;
	char label[XP_LABEL_MAX];

	if (par < 1 || par > MAX_PAR)
		par = MAX_PAR;
	xp_root(120, argv);
	while (next < n || running > 0) {
		if (next < n && running < par) {
			pid_t pid = xp_fork(next);
			int s = 0;

			if (pid == 0)
				_exit(next % 7);
			while (slot_pid[s])
				s++;
			slot_pid[s] = pid;
			slot_idx[s] = next++;
			running++;
			continue;
		}
		int status, s = 0;
		pid_t pid = waitpid(-1, &status, 0);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			xp_die("waitpid");
		}
		while (s < par && slot_pid[s] != pid)
			s++;
		if (s == par) {
			errno = ECHILD;
			xp_die("reaped a child we did not fork");
		}
		xp_status(xp_child(slot_idx[s], label, sizeof(label)), status);
		slot_pid[s] = 0;
		running--;
	}
	return 0;
}
