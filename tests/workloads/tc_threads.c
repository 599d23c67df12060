// SPDX-License-Identifier: MIT
/*
 * tc_threads N CODE: start N threads that each exit with pthread_exit, join
 * them, then exit with CODE.  The tracer must see N thread forks (thread=1,
 * child_pid = this pid), N thread exits (group=0) and one group exit CODE.
 */
#include "arg.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static void *run(void *arg)
{
	(void)arg;
	usleep(1000);
	pthread_exit(NULL);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? wl_arg_int(argv[1]) : 3, code = argc > 2 ? wl_arg_int(argv[2]) : 0;
	pthread_t t[64];

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, run, NULL))
			return 100;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return code;
}
