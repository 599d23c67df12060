// SPDX-License-Identifier: MIT
/*
 * kevent_rules DIR: one child for each row of the kernel-event rule table
 * (tests/kevent_rules.h) that a real process can play, each reaped before
 * the next starts.  Each child names itself (prctl) after its row, so a
 * test finds its exit row by comm, and the root appends "NAME STATUS" (the
 * wait status, decimal) to DIR/status.txt: the row's expectation, the
 * kernel's word and each engine's CSV must all agree.
 *
 *   r-code3       _exit(3)                   r-code511    _exit(511): 255
 *   r-kill        kill(self, SIGKILL)        r-term       raise(SIGTERM)
 *   r-segv        a real fault (no core)     r-abort      abort() (no core)
 *   r-rt2         raise(34), SIGRT_2         r-rt32       raise(64), SIGRT_32
 *   r-thr-group5  the leader pthread_exit()s, the other thread exit_group(5)
 *   r-thr-last6   the leader pthread_exit()s, the other thread exit(6) alone
 *   r-exec-thr    a second thread execs this program, which exits 7
 *   r-ign-term    SIGTERM ignored, raised, then exit 4
 *   r-hdl-term    SIGTERM handled, raised, then exit 8
 *   r-parent-term waits; its parent sends SIGTERM
 *
 * The root exits 0 when every child was reaped, 1 otherwise.
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

#include "arg.h"

static char self[4096];

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

static void *exec_self(void *arg)
{
	char *argv[] = { self, "--be", (char *)arg, "7", NULL };

	usleep(20 * 1000);
	execv(self, argv);
	_exit(98);
}

static void on_term(int sig)
{
	(void)sig;
}

/* The child's body; never returns. */
static void __attribute__((noreturn)) body(const char *name)
{
	volatile int *page;
	pthread_t t;

	if (!strcmp(name, "r-code3"))
		_exit(3);
	if (!strcmp(name, "r-code511"))
		_exit(511);
	if (!strcmp(name, "r-kill"))
		kill(getpid(), SIGKILL);
	if (!strcmp(name, "r-term"))
		raise(SIGTERM);
	if (!strcmp(name, "r-segv")) {
		page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		*page = 1;
	}
	if (!strcmp(name, "r-abort"))
		abort();
	if (!strcmp(name, "r-rt2"))
		raise(34);
	if (!strcmp(name, "r-rt32"))
		raise(64);
	if (!strncmp(name, "r-thr-", 6) &&
	    pthread_create(&t, NULL, late_exit, name[6] == 'g' ? (void *)1 : NULL) == 0)
		pthread_exit(NULL);
	if (!strcmp(name, "r-exec-thr") && pthread_create(&t, NULL, exec_self, (void *)name) == 0)
		pause();
	if (!strcmp(name, "r-ign-term")) {
		signal(SIGTERM, SIG_IGN);
		raise(SIGTERM);
		_exit(4);
	}
	if (!strcmp(name, "r-hdl-term")) {
		signal(SIGTERM, on_term);
		raise(SIGTERM);
		_exit(8);
	}
	if (!strcmp(name, "r-parent-term"))
		for (;;)
			pause();
	_exit(99);
}

static const char *const names[] = {
	"r-code3",    "r-code511",  "r-kill",	  "r-term",	   "r-segv",
	"r-abort",    "r-rt2",	    "r-rt32",	  "r-thr-group5",  "r-thr-last6",
	"r-exec-thr", "r-ign-term", "r-hdl-term", "r-parent-term",
};

static int child(int report, const char *name)
{
	struct rlimit core = { 0, 0 };
	sigset_t none;
	char line[64];
	pid_t pid = fork();
	int st, n;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_NAME, name);
		/* a signal blocked or ignored by whoever started us must still kill */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int s = 1; s <= 64; s++)
			if (s != SIGKILL && s != SIGSTOP)
				signal(s, SIG_DFL);
		getrlimit(RLIMIT_CORE, &core);
		core.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &core);
		body(name);
	}
	if (!strcmp(name, "r-parent-term")) {
		usleep(50 * 1000);
		kill(pid, SIGTERM);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	n = snprintf(line, sizeof(line), "%s %d\n", name, st);
	return write(report, line, n) == n ? 0 : -1;
}

int main(int argc, char **argv)
{
	char path[4096];
	int report, bad = 0;
	ssize_t n;

	if (argc == 4 && !strcmp(argv[1], "--be")) {
		/* r-exec-thr's new program */
		prctl(PR_SET_NAME, argv[2]);
		_exit(wl_arg_int(argv[3]));
	}
	if (argc != 2) {
		fprintf(stderr, "usage: kevent_rules DIR\n");
		return 2;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 2;
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/status.txt", argv[1]);
	report = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (report < 0) {
		perror(path);
		return 2;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		bad |= child(report, names[i]) < 0;
	return bad ? 1 : 0;
}
