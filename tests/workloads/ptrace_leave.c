// SPDX-License-Identifier: MIT
/*
 * wspy mistake: killing or abandoning descendants when the root exits.
 * usage: ptrace_leave MARKER [stop]
 * Root forks C and exits 0 at once.  C (optionally stopping itself with
 * SIGSTOP first, to be continued by the test) sleeps 300 ms, creates
 * MARKER and exits 0.  Without --wait-all the tracer must write
 *   fork root -> C; exit root code=0; alive C
 * and C must live on untraced (MARKER appears; a stopped C stays stopped
 * until SIGCONT).  With --wait-all it must write exit C code=0 instead of alive.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t c;

	if (argc < 2)
		return 2;
	c = fork();
	if (c < 0)
		return 3;
	if (c == 0) {
		int fd = open("/dev/null", O_RDWR);

		/* outlives the recorder: hold no pipe of whoever ran it */
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		if (argc > 2 && !strcmp(argv[2], "stop"))
			raise(SIGSTOP);
		usleep(300000);
		fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL, 0644);
		_exit(fd < 0 ? 4 : 0);
	}
	return 0;
}
