// SPDX-License-Identifier: MIT
/*
 * daemon [LINGER_MS]: the classic double fork.  The root forks r.0, which
 * forks r.0.0 and exits at once; r.0.0 calls setsid(), says it will outlive
 * the root ("alive"), and the root exits once it has.  r.0.0 then sleeps
 * LINGER_MS (default 1500) and exits 0, writing its own exit line: nobody in
 * the workload waits for it.
 */
#include "arg.h"
#include "expect.h"

int main(int argc, char **argv)
{
	long linger = argc > 1 ? wl_arg_long(argv[1]) : 1500;
	struct xp_gate up;
	pid_t pid;

	xp_root(60, argv);
	xp_gate_init(&up);
	pid = xp_fork(0);
	if (pid == 0) {
		if (xp_fork(0) == 0) {
			int null = open("/dev/null", O_RDWR);

			/* like a real daemon: keep nobody's pipes open */
			if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
				xp_die("/dev/null");
			setsid();
			xp_line("alive %s", xp_label);
			xp_gate_open(&up);
			xp_msleep(linger);
			xp_line("exit %s code 0", xp_label);
			_exit(0);
		}
		_exit(0);
	}
	xp_wait(pid, "r.0");
	xp_gate_wait(&up);
	return 0;
}
