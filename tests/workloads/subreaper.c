// SPDX-License-Identifier: MIT
/*
 * subreaper: the root is a child subreaper.  It forks r.0, which forks
 * r.0.0 and exits 0; r.0.0 is reparented to the root (it waits until
 * getppid() says so), then exits 7 and the root reaps it.  The creator of
 * r.0.0 stays r.0.
 */
#include "expect.h"

int main(int argc, char **argv)
{
	struct xp_gate up;
	pid_t pid, root = getpid();
	int status;

	(void)argc;
	xp_root(60, argv);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		xp_die("PR_SET_CHILD_SUBREAPER");
	xp_gate_init(&up);
	pid = xp_fork(0);
	if (pid == 0) {
		if (xp_fork(0) == 0) {
			xp_gate_open(&up);
			while (getppid() != root)
				xp_msleep(1);
			_exit(7);
		}
		xp_gate_wait(&up);
		_exit(0);
	}
	xp_wait(pid, "r.0");
	while ((pid = waitpid(-1, &status, 0)) < 0)
		if (errno != EINTR)
			xp_die("waitpid for the reparented grandchild");
	xp_status("r.0.0", status);
	return 0;
}
