// SPDX-License-Identifier: MIT
/*
 * pidwrap [-n] [-p PID_MAX] [LEADERS [FANOUT [DEPTH]]]: many processes in a
 * known shape, in a pid namespace with a low pid_max so pids wrap.
 *
 *   r           the root
 *   r.0         the hub (with -n: pid 1 of a new pid namespace)
 *   r.0.L       LEADERS leaders (default 100), one after the other
 *   r.0.L.F     FANOUT children of each leader (default 7), all at once
 *   r.0.L.F.0   ... each the head of a chain of DEPTH processes (default 7)
 *
 * 2 + LEADERS * (1 + FANOUT * DEPTH) processes: 5,002 by default, at most
 * 2 + FANOUT * DEPTH alive at once.  Every process waits for its children;
 * a chain's deepest member exits with its leader number % 200, the others 0.
 *
 * -n: the root unshares a new pid namespace, and the hub (its pid 1) sets
 * pid_max there to PID_MAX (default 400).  Without -n the caller has done
 * both (e.g. `unshare --pid --fork --mount-proc` around the recorder).
 * Pids are read from NSpid, so every line carries each pid the /proc mount
 * can see (global:namespace when /proc is the host's).
 */
#include "arg.h"
#include <sched.h>

#include "expect.h"

static int fanout = 7, depth = 7;

static void __attribute__((noreturn)) chain(int leader, int len)
{
	char label[XP_LABEL_MAX];

	for (int d = 1; d < len; d++) {
		pid_t pid = xp_fork(0);

		if (pid > 0) {
			xp_wait(pid, xp_child(0, label, sizeof(label)));
			_exit(0);
		}
	}
	_exit(leader % 200);
}

static void leader(int l)
{
	char label[XP_LABEL_MAX];
	pid_t *pids = calloc(fanout, sizeof(*pids));

	if (!pids)
		xp_die("calloc");
	for (int f = 0; f < fanout; f++) {
		pids[f] = xp_fork(f);
		if (pids[f] == 0)
			chain(l, depth);
	}
	for (int f = 0; f < fanout; f++)
		xp_wait(pids[f], xp_child(f, label, sizeof(label)));
	_exit(0);
}

static void set_pid_max(int pid_max)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%d\n", pid_max);
	/* the sysctl applies to the writer's pid namespace (Linux >= 6.14) */
	int fd = open("/proc/sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, buf, len) != len)
		xp_die("set pid_max in the new pid namespace");
	close(fd);
}

int main(int argc, char **argv)
{
	int leaders = 100, pid_max = 400, c;
	bool newns = false;
	char label[XP_LABEL_MAX];
	pid_t hub;

	xp_root(300, argv);
	while ((c = getopt(argc, argv, "+np:")) != -1) {
		switch (c) {
		case 'n': newns = true; break;
		case 'p': pid_max = wl_arg_int(optarg); break;
		default: return 98;
		}
	}
	if (optind < argc)
		leaders = wl_arg_int(argv[optind++]);
	if (optind < argc)
		fanout = wl_arg_int(argv[optind++]);
	if (optind < argc)
		depth = wl_arg_int(argv[optind++]);
	if (newns && unshare(CLONE_NEWPID) < 0)
		xp_die("unshare(CLONE_NEWPID)");
	hub = xp_fork(0);
	if (hub == 0) {
		if (newns)
			set_pid_max(pid_max);
		for (int l = 0; l < leaders; l++) {
			pid_t pid = xp_fork(l);

			if (pid == 0)
				leader(l);
			xp_wait(pid, xp_child(l, label, sizeof(label)));
		}
		_exit(0);
	}
	xp_wait(hub, "r.0");
	return 0;
}
