// SPDX-License-Identifier: MIT
/*
 * threads: the root starts 4 threads; each thread forks one child (the
 * creator is still the root process) that exits with 10 + i.  Then the root
 * forks r.4, which starts 3 threads; the second of them execs the reporter
 * (exec from a non-leader thread: the process keeps its pid), which exits
 * with 9.
 */
#include <pthread.h>

#include "expect.h"

#define NTHREADS 4
#define NEXEC_THREADS 3

static struct xp_gate start_exec, ready;

static void *forker(void *arg)
{
	int i = (int)(long)arg;
	char label[XP_LABEL_MAX];
	pid_t pid;

	xp_line("thread %s", xp_label);
	xp_child(i, label, sizeof(label));
	pid = xp_fork(i);
	if (pid == 0)
		_exit(10 + i);
	xp_wait(pid, label);
	return NULL;
}

static void *idler(void *arg)
{
	(void)arg;
	xp_line("thread %s", xp_label);
	xp_gate_open(&ready);
	for (;;)
		pause();
	return NULL;
}

static void *execer(void *arg)
{
	char dir[2048], path[4096];

	(void)arg;
	xp_line("thread %s", xp_label);
	xp_gate_open(&ready);
	/* wait until the other threads exist: exec must kill live threads */
	xp_gate_wait(&start_exec);
	snprintf(path, sizeof(path), "%s/reporter", xp_bindir(dir, sizeof(dir)));
	execl(path, "reporter", "-l", xp_label, "-x", "9", (char *)NULL);
	xp_die("exec reporter from a thread");
	return NULL;
}

static void exec_from_thread(void)
{
	pthread_t t[NEXEC_THREADS];

	xp_gate_init(&start_exec);
	xp_gate_init(&ready);
	for (int i = 0; i < NEXEC_THREADS; i++)
		if (pthread_create(&t[i], NULL, i == 1 ? execer : idler, NULL))
			xp_die("pthread_create");
	for (int i = 0; i < NEXEC_THREADS; i++)
		xp_gate_wait(&ready);
	xp_gate_open(&start_exec);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];
	pid_t pid;

	(void)argc;
	xp_root(60, argv);
	for (int i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, forker, (void *)(long)i))
			xp_die("pthread_create");
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pid = xp_fork(NTHREADS);
	if (pid == 0)
		exec_from_thread();
	xp_wait(pid, "r.4");
	return 0;
}
