// SPDX-License-Identifier: MIT
/*
 * spawn: other ways to create a process.
 *   r.0  vfork + exec of the reporter, exits 3
 *   r.1  posix_spawn of the reporter, exits 4
 *   r.2  fork, exec of the reporter, which execs itself twice more
 *        (one process, three execs), exits 6
 * The vfork and posix_spawn children cannot write before their exec, so the
 * reporter writes their proc lines (-c).
 */
#include <spawn.h>

#include "expect.h"

extern char **environ;

int main(int argc, char **argv)
{
	char dir[2048], path[4096];
	pid_t pid;

	(void)argc;
	xp_root(60, argv);
	snprintf(path, sizeof(path), "%s/reporter", xp_bindir(dir, sizeof(dir)));

	char *vfork_args[] = { "reporter", "-l", "r.0", "-c", "r", "-x", "3", NULL };
	pid = vfork();
	if (pid < 0)
		xp_die("vfork");
	if (pid == 0) {
		execv(path, vfork_args);
		_exit(127);
	}
	xp_wait(pid, "r.0");

	char *spawn_args[] = { "reporter", "-l", "r.1", "-c", "r", "-x", "4", NULL };
	errno = posix_spawn(&pid, path, NULL, NULL, spawn_args, environ);
	if (errno)
		xp_die("posix_spawn");
	xp_wait(pid, "r.1");

	char *reexec_args[] = { "reporter", "-l", "r.2", "-x", "6", "-r", "2", NULL };
	pid = xp_fork(2);
	if (pid == 0) {
		execv(path, reexec_args);
		xp_die("exec reporter");
	}
	xp_wait(pid, "r.2");
	return 0;
}
