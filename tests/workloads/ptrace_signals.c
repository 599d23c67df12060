// SPDX-License-Identifier: MIT
/*
 * ptrace: every signal the workload should receive is delivered, none is
 * swallowed by the tracer's restarts.  The process sends itself standard
 * signals (each once), 8 queued real-time signals, gets SIGCHLD from its
 * children, and has children die of SIGSEGV and SIGTERM.  The tracer must see:
 *   fork root -> A; exit A signal=11
 *   fork root -> B; exit B signal=15
 *   fork root -> C; exit C code=0  (C got SIGUSR1 from the parent and exits 0 in its handler)
 *   exit root code=0
 * Exits 0 when every signal arrived, else prints the counts and exits 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got[65];

static void on_sig(int sig)
{
	got[sig]++;
}

/* waitpid, again when our SIGCHLD handler (installed without SA_RESTART) interrupts it */
static pid_t wait_child(pid_t pid, int *st, int flags)
{
	pid_t r;

	while ((r = waitpid(pid, st, flags)) < 0 && errno == EINTR)
		;
	return r;
}

static void child_usr1(int sig)
{
	(void)sig;
	_exit(0);
}

int main(void)
{
	static const int std[] = { SIGUSR1, SIGUSR2, SIGHUP, SIGALRM, SIGWINCH, SIGURG, SIGPIPE };
	struct sigaction sa;
	sigset_t all, old;
	int st, bad = 0, nstd = sizeof(std) / sizeof(std[0]);
	pid_t a, b, c;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	for (int i = 0; i < nstd; i++)
		sigaction(std[i], &sa, NULL);
	sigaction(SIGRTMIN, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);

	/* real-time signals queue: block, send 8, unblock, all 8 must arrive */
	sigemptyset(&all);
	sigaddset(&all, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &all, &old);
	for (int i = 0; i < 8; i++) {
		union sigval v = { .sival_int = i };

		sigqueue(getpid(), SIGRTMIN, v);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (int i = 0; i < nstd; i++)
		raise(std[i]);

	a = fork();
	if (a == 0) {
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		_exit(1);
	}
	b = fork();
	if (b == 0) {
		for (;;)
			pause();
	}
	c = fork();
	if (c == 0) {
		signal(SIGUSR1, child_usr1);
		for (;;)
			pause();
	}
	kill(b, SIGTERM);
	/* SIGUSR1 may arrive before C installs its handler: retry until it exits */
	while (wait_child(c, &st, WNOHANG) == 0) {
		kill(c, SIGUSR1);
		usleep(10000);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		bad |= 1, fprintf(stderr, "ptrace_signals: C did not exit 0 on SIGUSR1\n");
	if (wait_child(a, &st, 0) != a || !WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
		bad |= 1, fprintf(stderr, "ptrace_signals: A did not die of SIGSEGV\n");
	if (wait_child(b, &st, 0) != b || !WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
		bad |= 1, fprintf(stderr, "ptrace_signals: B did not die of SIGTERM\n");
	for (int i = 0; i < nstd; i++)
		if (got[std[i]] != 1)
			bad |= 1, fprintf(stderr, "ptrace_signals: %s received %d times\n",
					  strsignal(std[i]), (int)got[std[i]]);
	if (got[SIGRTMIN] != 8)
		bad |= 1, fprintf(stderr, "ptrace_signals: SIGRTMIN received %d times, want 8\n",
				  (int)got[SIGRTMIN]);
	if (got[SIGCHLD] < 1)
		bad |= 1, fprintf(stderr, "ptrace_signals: no SIGCHLD\n");
	return bad;
}
