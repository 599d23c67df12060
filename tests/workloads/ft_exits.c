// SPDX-License-Identifier: MIT
/*
 * ftrace engine workload: children that end in every way the engine must
 * tell apart.  Each child renames itself (prctl) so the test finds its
 * exit row by comm.  The tracer must see:
 *
 *   ft-code3    exit code 3
 *   ft-kill     signal 9 (it SIGKILLs itself)
 *   ft-segv     signal 11 (a real segfault)
 *   ft-term     signal 15 (its parent sends SIGTERM: the kernel delivers
 *               that as SIGKILL to the threads, the engine must still say 15)
 *   ft-thr5     exit code 5 from exit_group() called by a second thread,
 *               and one thread (fork row thread=1)
 *   HOSTILE     the name 'a,"b' + newline + 'c' round-trips; exit code 0
 *
 * and the parent (ft_exits) exits 0.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread_exit5(void *arg)
{
	(void)arg;
	/* exit_group(5) itself: no atexit work (a sanitizer build would add some) */
	syscall(SYS_exit_group, 5);
	return NULL;
}

static pid_t child(const char *name, int how)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_NAME, name);
	switch (how) {
	case 0: _exit(3);
	case 1: kill(getpid(), SIGKILL); break;
	case 2: {
		struct rlimit no_core = { 0, 0 };

		/* a real fault, on a page we made inaccessible (not a null store UBSan traps) */
		volatile int *page =
			mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL); /* a sanitizer build catches it otherwise */
		*page = 1;
		break;
	}
	case 3: pause(); break;
	case 4: {
		pthread_t t;

		pthread_create(&t, NULL, thread_exit5, NULL);
		pthread_join(t, NULL);
		break;
	}
	case 5: _exit(0);
	}
	_exit(99);
}

int main(void)
{
	static const char *const names[] = { "ft-code3", "ft-kill", "ft-segv",
					     "ft-term",	 "ft-thr5", "a,\"b\nc" };
	pid_t pids[6];

	for (int i = 0; i < 6; i++) {
		pids[i] = child(names[i], i);
		if (i == 3) {
			usleep(100 * 1000); /* let it rename itself and block */
			kill(pids[i], SIGTERM);
		}
		waitpid(pids[i], NULL, 0);
	}
	_exit(0); /* no atexit work: a sanitizer build's leak check would fork a helper */
}
