// SPDX-License-Identifier: MIT
/*
 * every_exit DIR: one child for every exit code and for the fatal signals
 * an engine must tell apart, each reaped by the root before the next
 * starts.  Each child names itself (prctl) so a test finds its exit row by
 * comm, and the root appends "NAME STATUS" (the wait status, decimal) to
 * DIR/status.txt for each: what an engine must report is what wait(2) said.
 *
 *   code-N      _exit(N), for every N in 0..255
 *   sig-15      raise(SIGTERM)
 *   sig-9       kill(getpid(), SIGKILL)
 *   sig-11      a real fault, RLIMIT_CORE 0 (no core dump)
 *   sig-11-core a real fault with RLIMIT_CORE at its hard limit, in DIR:
 *               the wait status then carries the core bit (0x80, when
 *               core_pattern lets it dump), which is no part of the signal
 *   sig-6       abort()
 *   sig-10      raise(SIGUSR1)
 *   sig-N       raise(SIGRTMIN + 2), a real-time signal (N: its number, 36
 *               with glibc)
 *   thr-group-5 the leader pthread_exit()s, then its other thread calls
 *               exit_group(5): code 5 (the group's, not the leader's 0)
 *   thr-last    the leader pthread_exit()s, then its other thread, the
 *               last, exits alone with code 6: wait(2) reports the
 *               leader's 0 on older kernels, 6 on newer ones (6.18)
 *
 * The root exits 0 when every child ended as planned, 1 otherwise (with
 * the child and its status on stderr).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir;
static int report = -1;

/* A fault on a page made inaccessible: a real SIGSEGV, not a raise(). */
static void __attribute__((noreturn)) fault(void)
{
	volatile int *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	signal(SIGSEGV, SIG_DFL);
	*page = 1;
	_exit(98);
}

/* The second thread: ends the process (@arg non-NULL) or only itself, once the leader left. */
static void *late_exit(void *arg)
{
	usleep(50 * 1000);
	/* raw syscalls: glibc's exit() would be exit_group(), and no atexit work */
	if (arg)
		syscall(SYS_exit_group, 5);
	else
		syscall(SYS_exit, 6);
	return NULL;
}

/* The child's body; never returns. */
static void __attribute__((noreturn)) body(int how, int arg)
{
	struct rlimit core;
	pthread_t t;

	switch (how) {
	case 0: _exit(arg);
	case 1: raise(arg); break;
	case 2: fault();
	case 3:
		/* only the soft limit: raising a hard one needs CAP_SYS_RESOURCE */
		getrlimit(RLIMIT_CORE, &core);
		core.rlim_cur = core.rlim_max;
		if (chdir(dir) == 0)
			setrlimit(RLIMIT_CORE, &core);
		fault();
	case 4: abort();
	case 5:
		if (pthread_create(&t, NULL, late_exit, (void *)(long)arg) == 0)
			pthread_exit(NULL);
		break;
	}
	_exit(99);
}

/*
 * Fork a child named @name that runs body(@how, @arg); 0 when its wait
 * status is @want or @want2 (the core bit aside).
 */
static int child(const char *name, int how, int arg, int want, int want2)
{
	struct rlimit core;
	sigset_t none;
	char line[64];
	pid_t pid = fork();
	int st, n;

	if (pid < 0) {
		perror("every_exit: fork");
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_NAME, name);
		/* a signal blocked or ignored by whoever started us must still kill */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (how >= 1 && how <= 4)
			signal(arg, SIG_DFL);
		getrlimit(RLIMIT_CORE, &core);
		core.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &core);
		body(how, arg);
	}
	if (waitpid(pid, &st, 0) != pid) {
		perror("every_exit: waitpid");
		return -1;
	}
	n = snprintf(line, sizeof(line), "%s %d\n", name, st);
	if (write(report, line, n) != n) {
		perror("every_exit: status.txt");
		return -1;
	}
	/* the core bit depends on the machine's core_pattern: not compared */
	if ((st & ~0x80) != want && (st & ~0x80) != want2) {
		fprintf(stderr, "every_exit: %s: status %#x, want %#x\n", name, st, want);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096], name[16];
	int bad = 0, rt = SIGRTMIN + 2;

	if (argc != 2) {
		fprintf(stderr, "usage: every_exit DIR\n");
		return 2;
	}
	dir = argv[1];
	snprintf(path, sizeof(path), "%s/status.txt", dir);
	report = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (report < 0) {
		perror(path);
		return 2;
	}
	for (int n = 0; n < 256; n++) {
		snprintf(name, sizeof(name), "code-%d", n);
		bad |= child(name, 0, n, n << 8, n << 8);
	}
	bad |= child("sig-15", 1, SIGTERM, SIGTERM, SIGTERM);
	bad |= child("sig-9", 1, SIGKILL, SIGKILL, SIGKILL);
	bad |= child("sig-11", 2, SIGSEGV, SIGSEGV, SIGSEGV);
	bad |= child("sig-11-core", 3, SIGSEGV, SIGSEGV, SIGSEGV);
	bad |= child("sig-6", 4, SIGABRT, SIGABRT, SIGABRT);
	bad |= child("sig-10", 1, SIGUSR1, SIGUSR1, SIGUSR1);
	snprintf(name, sizeof(name), "sig-%d", rt);
	bad |= child(name, 1, rt, rt, rt);
	bad |= child("thr-group-5", 5, 1, 5 << 8, 5 << 8);
	bad |= child("thr-last", 5, 0, 0, 6 << 8);
	return bad ? 1 : 0;
}
