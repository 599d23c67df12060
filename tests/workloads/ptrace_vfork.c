// SPDX-License-Identifier: MIT
/*
 * ptrace race: vfork parents are suspended until the child execs or exits,
 * and must not be held by the tracer.  The tracer must see:
 *   fork root -> A (vfork); exec A /bin/true; exit A code=0
 *   fork root -> B (vfork); exit B code=7 (no exec)
 *   fork root -> C (posix_spawn: clone(CLONE_VM|CLONE_VFORK)); exec C /bin/true; exit C 0
 *   exit root code=0
 */
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(void)
{
	char *tru[] = { "/bin/true", NULL };
	int st;
	pid_t a, b, c;

	a = vfork();
	if (a == 0) {
		execv("/bin/true", tru);
		_exit(127);
	}
	if (a < 0 || waitpid(a, &st, 0) != a || !WIFEXITED(st) || WEXITSTATUS(st))
		return 2;
	b = vfork();
	if (b == 0)
		_exit(7);
	if (b < 0 || waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return 3;
	if (posix_spawn(&c, "/bin/true", NULL, NULL, tru, environ))
		return 4;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
		return 5;
	return 0;
}
