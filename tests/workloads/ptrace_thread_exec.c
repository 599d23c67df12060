// SPDX-License-Identifier: MIT
/*
 * ptrace race: exec by a non-leader thread.  The exec'ing thread takes the
 * leader's tid (= pid); its former tid comes from PTRACE_GETEVENTMSG.
 * The tracer must see:
 *   fork pid -> thread T (thread=1); exec pid old_tid=T argv "ptrace_thread_exec done";
 *   exit pid code=0 (no exit row for T's old tid, none for the old leader)
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static char *self;

static void *thread_main(void *arg)
{
	(void)arg;
	execl(self, self, "done", (char *)NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th;

	if (argc > 1 && !strcmp(argv[1], "done"))
		return 0;
	self = argv[0];
	if (pthread_create(&th, NULL, thread_main, NULL))
		return 2;
	for (;;)
		pause(); /* killed by the thread's exec */
}
