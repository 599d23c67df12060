// SPDX-License-Identifier: MIT
/*
 * pipeline: the root forks r.0, which execs the real /bin/sh with
 *   -c 'reporter ... -m produce | reporter ... -m filter | reporter ... -m consume -x 5'
 * The shell creates the three stages (r.0.0, r.0.1, r.0.2); each stage is the
 * reporter, which writes its own proc, exec and exit lines.  The shell exits
 * with the last stage's status, 5.
 */
#include "expect.h"

/* 'path' for sh, with embedded single quotes escaped */
static void quote(char *out, size_t outlen, const char *s)
{
	size_t o = 0;

	out[o++] = '\'';
	for (; *s && o + 6 < outlen; s++) {
		if (*s == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			out[o++] = *s;
		}
	}
	out[o++] = '\'';
	out[o] = '\0';
}

int main(int argc, char **argv)
{
	char dir[2048], path[4096], q[8192], cmd[3 * 8192 + 1024];
	pid_t pid;

	(void)argc;
	xp_root(60, argv);
	snprintf(path, sizeof(path), "%s/reporter", xp_bindir(dir, sizeof(dir)));
	quote(q, sizeof(q), path);
	pid = xp_fork(0);
	if (pid == 0) {
		snprintf(cmd, sizeof(cmd),
			 "%s -l r.0.0 -c r.0 -s -m produce | %s -l r.0.1 -c r.0 -s -m filter | "
			 "%s -l r.0.2 -c r.0 -s -m consume -x 5",
			 q, q, q);
		/* a foreign program: the exec line is written before the execve */
		char *sh_argv[] = { "sh", "-c", cmd, NULL };

		xp_exec_line("/bin/sh", sh_argv);
		execv("/bin/sh", sh_argv);
		xp_die("exec /bin/sh");
	}
	xp_wait(pid, "r.0");
	return 0;
}
