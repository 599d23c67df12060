// SPDX-License-Identifier: MIT
/*
 * ptrace: group-stops must behave as without a tracer.  For SIGSTOP,
 * SIGTSTP and SIGTTIN, sent both right after fork (before the child's
 * first stop was even reported: not to be confused with it) and to a
 * running child:
 *   - the parent's waitpid(WUNTRACED) reports the child stopped by that signal,
 *   - the stopped child does not run (does not answer a ping for 300 ms),
 *   - SIGCONT resumes it (WIFCONTINUED, then it answers), it exits 0.
 * Exits 0 when all of that held, otherwise prints what failed and exits 1.
 * The tracer must see 6 forks of root and 7 exits with code 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fail(const char *what, int sig, int immediate)
{
	fprintf(stderr, "ptrace_stopcont: %s (%s, %s)\n", what, strsignal(sig),
		immediate ? "right after fork" : "running child");
	return 1;
}

static void drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int one(int sig, int immediate)
{
	int up[2], down[2], st;
	struct pollfd pfd;
	char c;
	pid_t pid;

	if (pipe(up) < 0 || pipe(down) < 0)
		return fail("pipe", sig, immediate);
	pid = fork();
	if (pid < 0)
		return fail("fork", sig, immediate);
	if (pid == 0) {
		/* own process group so SIGTSTP/SIGTTIN are not discarded as
		 * sent to an orphaned group */
		setpgid(0, 0);
		close(up[0]);
		close(down[1]);
		if (write(up[1], "a", 1) != 1)
			_exit(2);
		while (read(down[0], &c, 1) == 1)
			if (write(up[1], "b", 1) != 1)
				_exit(3);
		_exit(0);
	}
	setpgid(pid, pid);
	close(up[1]);
	close(down[0]);
	if (!immediate && read(up[0], &c, 1) != 1)
		return fail("child did not start", sig, immediate);
	kill(pid, sig);
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != sig)
		return fail("parent did not see the child stop", sig, immediate);
	fcntl(up[0], F_SETFL, O_NONBLOCK);
	drain(up[0]);
	if (write(down[1], "x", 1) != 1)
		return fail("ping", sig, immediate);
	pfd.fd = up[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 300) != 0)
		return fail("stopped child kept running", sig, immediate);
	kill(pid, SIGCONT);
	if (waitpid(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st))
		return fail("parent did not see the child continue", sig, immediate);
	fcntl(up[0], F_SETFL, 0);
	do {
		if (read(up[0], &c, 1) != 1)
			return fail("continued child did not answer", sig, immediate);
	} while (c != 'b');
	close(down[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return fail("child did not exit 0", sig, immediate);
	close(up[0]);
	return 0;
}

int main(void)
{
	static const int sigs[] = { SIGSTOP, SIGTSTP, SIGTTIN };
	int bad = 0;

	for (int i = 0; i < 3; i++)
		for (int immediate = 1; immediate >= 0; immediate--)
			bad |= one(sigs[i], immediate);
	return bad;
}
