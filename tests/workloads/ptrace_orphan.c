// SPDX-License-Identifier: MIT
/*
 * wspy mistake: reading the parent from /proc/PID/stat after the fact (it
 * is 1, or a subreaper, once the parent died).  Root forks A; A forks B and
 * exits at once; B waits until it has been reparented, then exits 5.
 * The tracer (with --wait-all) must see:
 *   fork root -> A; fork A -> B; exit A code=0; exit B code=5 ppid=A
 */
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t a = fork(), me;
	int st;

	if (a < 0)
		return 2;
	if (a == 0) {
		me = getpid();
		if (fork() == 0) {
			for (int i = 0; i < 5000 && getppid() == me; i++)
				usleep(1000);
			_exit(getppid() == me ? 6 : 5);
		}
		_exit(0);
	}
	if (waitpid(a, &st, 0) != a || !WIFEXITED(st) || WEXITSTATUS(st))
		return 3;
	return 0;
}
