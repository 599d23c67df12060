// SPDX-License-Identifier: MIT
/* The engines' own threads (ftrace's and bpf's readers). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "engine-private.h"
#include "err.h"

int engine_thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int ret;

	/*
	 * Every signal blocked in the thread: the recorder's (SIGINT, SIGCHLD,
	 * the ptrace engine's flush tick) must reach its main thread, where
	 * they interrupt the wait for the workload.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(th, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		err_set("cannot start the reader thread: %s", strerror(ret));
		errno = ret;
		return -1;
	}
	return 0;
}
