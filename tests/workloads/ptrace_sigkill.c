// SPDX-License-Identifier: MIT
/*
 * ptrace race: a process SIGKILLed never reports PTRACE_EVENT_EXIT, yet its
 * exit status arrives.  The tracer must see:
 *   fork root -> child; exit child signal=9; exit root code=0
 * Exits 0 when the child died of SIGKILL as it should.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int fds[2], st;
	char c;
	pid_t pid;

	if (pipe(fds) < 0)
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		close(fds[0]);
		if (write(fds[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) != 1)
		return 4;
	kill(pid, SIGKILL);
	if (waitpid(pid, &st, 0) != pid)
		return 5;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? 0 : 6;
}
