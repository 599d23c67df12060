// SPDX-License-Identifier: MIT
/*
 * Threads and forks from non-leader threads.  Root starts 4 threads; each
 * forks one child process that exits 3, reaps it and returns.
 * The tracer must see:
 *   4 x fork root -> T (thread=1, child_pid=root)
 *   4 x fork pid=root tid=T -> P (thread=0); exit P code=3
 *   4 x exit T group=0; exit root group=1 code=0
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static void *run(void *arg)
{
	pid_t p = fork();
	int st;

	(void)arg;
	if (p == 0)
		_exit(3);
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 3)
		return (void *)1;
	return NULL;
}

int main(void)
{
	pthread_t th[4];
	void *ret;
	int bad = 0;

	for (int i = 0; i < 4; i++)
		if (pthread_create(&th[i], NULL, run, NULL))
			return 2;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], &ret);
		bad |= ret != NULL;
	}
	return bad;
}
