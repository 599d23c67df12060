// SPDX-License-Identifier: MIT
/*
 * signals: children that end in every way, each reaped by the root.
 *   r.0  exits 42
 *   r.1  killed by SIGKILL
 *   r.2  dies of SIGSEGV (a real fault, no core dump)
 *   r.3  stopped by SIGSTOP, continued by SIGCONT (the root sees both with
 *        waitpid), then exits 0: a tracer must neither swallow nor fake the stop
 *   r.4  handles SIGTERM and exits 3 from the handler's flag
 *   r.5  does not handle SIGTERM: killed by it
 *   r.6  raise(SIGABRT) (no core dump)
 */
#include "expect.h"

static volatile sig_atomic_t got_term;

static void on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

/* Fork child @idx; it opens @ready once it is set up, then runs @body. */
static pid_t child(int idx, struct xp_gate *ready, void (*body)(struct xp_gate *))
{
	pid_t pid = xp_fork(idx);

	if (pid == 0) {
		body(ready);
		_exit(100);
	}
	xp_gate_wait(ready);
	return pid;
}

static void exit42(struct xp_gate *g)
{
	xp_gate_open(g);
	_exit(42);
}

static void sleeper(struct xp_gate *g)
{
	xp_gate_open(g);
	for (;;)
		pause();
}

static void segv(struct xp_gate *g)
{
	volatile int *volatile nowhere = NULL;

	xp_no_core();
	xp_gate_open(g);
	*nowhere = 0;
}

static void handler(struct xp_gate *g)
{
	struct sigaction sa = { .sa_handler = on_term };
	sigset_t term, old;

	/* blocked until sigsuspend(), so the signal cannot slip in before it */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	sigaction(SIGTERM, &sa, NULL);
	xp_gate_open(g);
	while (!got_term)
		sigsuspend(&old);
	_exit(3);
}

static struct xp_gate go;

static void stopped(struct xp_gate *g)
{
	xp_gate_open(g);
	/* the root opens "go" after it has seen the stop and the continue */
	xp_gate_wait(&go);
	_exit(0);
}

static void abrt(struct xp_gate *g)
{
	xp_no_core();
	xp_gate_open(g);
	abort();
}

int main(int argc, char **argv)
{
	struct xp_gate ready;
	int status;
	pid_t pid;

	(void)argc;
	xp_root(60, argv);
	xp_gate_init(&ready);
	xp_gate_init(&go);

	pid = child(0, &ready, exit42);
	xp_wait(pid, "r.0");

	pid = child(1, &ready, sleeper);
	kill(pid, SIGKILL);
	xp_wait(pid, "r.1");

	pid = child(2, &ready, segv);
	xp_wait(pid, "r.2");

	pid = child(3, &ready, stopped);
	kill(pid, SIGSTOP);
	while (waitpid(pid, &status, WUNTRACED) < 0)
		if (errno != EINTR)
			xp_die("waitpid WUNTRACED");
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		errno = EPROTO;
		xp_die("r.3 did not stop on SIGSTOP");
	}
	kill(pid, SIGCONT);
	while (waitpid(pid, &status, WCONTINUED) < 0)
		if (errno != EINTR)
			xp_die("waitpid WCONTINUED");
	if (!WIFCONTINUED(status)) {
		errno = EPROTO;
		xp_die("r.3 did not continue on SIGCONT");
	}
	xp_gate_open(&go);
	xp_wait(pid, "r.3");

	pid = child(4, &ready, handler);
	kill(pid, SIGTERM);
	xp_wait(pid, "r.4");

	pid = child(5, &ready, sleeper);
	kill(pid, SIGTERM);
	xp_wait(pid, "r.5");

	pid = child(6, &ready, abrt);
	xp_wait(pid, "r.6");
	return 0;
}
