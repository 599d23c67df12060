// SPDX-License-Identifier: MIT
/*
 * names: hostile bytes in names and paths.
 *   r.0    renames itself with prctl(PR_SET_NAME) to  a,"b<newline>  then
 *          forks r.0.0, which is born with that comm and reports it.
 *   r.1    execs a copy of the reporter at
 *          $TMPDIR/proctree wl, "q" XXXXXX/a b,c  (spaces, commas, a quote),
 *          which reports its exec filename and comm ("a b,c") and exits 0.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "expect.h"

#define HOSTILE_COMM "a,\"b\n"

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ssize_t n;

	if (in < 0 || out < 0)
		xp_die("copy reporter");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			xp_die("copy reporter");
	if (n < 0 || close(out) < 0)
		xp_die("copy reporter");
	close(in);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], bindir[2048], from[4096], to[4096 + 16];
	pid_t pid;

	(void)argc;
	xp_root(60, argv);
	pid = xp_fork(0);
	if (pid == 0) {
		/*
		 * No comm line for r.0: its comm changed during its life, and
		 * which one a tree shows is the reconstructor's choice.
		 */
		if (prctl(PR_SET_NAME, HOSTILE_COMM) < 0)
			xp_die("PR_SET_NAME");
		pid = xp_fork(0);
		if (pid == 0) {
			xp_comm();
			_exit(0);
		}
		xp_wait(pid, "r.0.0");
		_exit(0);
	}
	xp_wait(pid, "r.0");

	snprintf(dir, sizeof(dir), "%s/proctree wl, \"q\" XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		xp_die("mkdtemp");
	snprintf(from, sizeof(from), "%s/reporter", xp_bindir(bindir, sizeof(bindir)));
	snprintf(to, sizeof(to), "%s/a b,c", dir);
	copy_file(from, to);
	pid = xp_fork(1);
	if (pid == 0) {
		execl(to, "a b,c", "-l", xp_label, "-C", (char *)NULL);
		xp_die("exec the hostile path");
	}
	xp_wait(pid, "r.1");
	unlink(to);
	rmdir(dir);
	return 0;
}
