// SPDX-License-Identifier: MIT
/*
 * SIGINT/SIGTERM/SIGHUP: the first one is forwarded to the workload and
 * recording goes on until it exits; a second one stops recording at once
 * (the workload is left running and recorded as alive).
 *
 * A signal from the terminal (Ctrl-C: si_code SI_KERNEL) already reached
 * the workload, which shares our process group; forwarding it would
 * deliver it twice.  Only signals sent by a process (kill, timeout, a
 * supervisor) are forwarded.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "recorder.h"

volatile sig_atomic_t rec_stop_now;

static volatile sig_atomic_t received, last_signal, forward_pid;
static sigset_t orig_mask;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void on_stop_signal(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;

	(void)uctx;
	last_signal = sig;
	if (++received >= 2) {
		rec_stop_now = 1;
	} else if (forward_pid > 0 && si->si_code != SI_KERNEL) {
		kill((pid_t)forward_pid, sig);
	}
	errno = saved;
}

int rec_signals_install(void)
{
	struct sigaction sa;

	sigprocmask(SIG_SETMASK, NULL, &orig_mask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: waitpid() must see EINTR */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		if (sigaction(stop_signals[i], &sa, NULL) < 0) {
			err_set("sigaction: %s", strerror(errno));
			return -1;
		}
	}
	/* a closed stderr or output pipe must not kill the recorder mid-write */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void rec_signals_forward_to(pid_t root)
{
	forward_pid = root;
}

int rec_signals_received(int *last_sig)
{
	if (last_sig)
		*last_sig = last_signal;
	return received;
}

void rec_signals_child_reset(void)
{
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		signal(stop_signals[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
}
