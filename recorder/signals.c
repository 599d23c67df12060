// SPDX-License-Identifier: MIT
/*
 * SIGINT/SIGTERM/SIGHUP: the first one is forwarded to the workload and
 * recording goes on until it exits; a second one stops recording at once
 * (the workload is left running and recorded as alive).  With -p the first
 * one stops recording: the joined process is not the recorder's to signal.
 *
 * A signal from the terminal (Ctrl-C: si_code SI_KERNEL) already reached
 * the workload, which shares our process group; forwarding it would
 * deliver it twice.  Only signals sent by a process (kill, timeout, a
 * supervisor) are forwarded, and one more: a hang-up of the terminal of
 * which the recorder is the controlling process (a session leader, as in a
 * terminal window running it directly, or `setsid -c`) is sent by the
 * kernel to the session leader alone, so it is forwarded too.
 *
 * The workload runs with the dispositions and the mask the recorder was
 * given: a signal inherited as ignored (nohup's SIGHUP, the SIGINT of a
 * background job in a script) stays ignored, in the recorder too (it is
 * neither handled nor forwarded), and the workload gets it ignored.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "recorder.h"

volatile sig_atomic_t rec_stop_now;

static volatile sig_atomic_t received, last_signal, forward_pid, pending;
static sigset_t orig_mask;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))
/* as inherited, for the workload; handled: not inherited as ignored */
static struct sigaction inherited[NSTOP], inherited_pipe;
static bool handled[NSTOP];
static bool session_leader;
static volatile sig_atomic_t stop_on_first;

static void on_stop_signal(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;

	(void)uctx;
	last_signal = sig;
	if (++received >= 2 || stop_on_first) {
		rec_stop_now = 1;
	} else if (si->si_code != SI_KERNEL || (sig == SIGHUP && session_leader)) {
		if (forward_pid > 0)
			kill((pid_t)forward_pid, sig);
		else
			pending = sig; /* the workload does not exist yet */
	}
	errno = saved;
}

int rec_signals_install(void)
{
	struct sigaction sa;

	sigprocmask(SIG_SETMASK, NULL, &orig_mask);
	session_leader = getsid(0) == getpid();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_stop_signal;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: waitpid() must see EINTR */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NSTOP; i++) {
		if (sigaction(stop_signals[i], NULL, &inherited[i]) < 0) {
			err_set("sigaction: %s", strerror(errno));
			return -1;
		}
		/* ignored by whoever started us (nohup): ignored it stays */
		handled[i] = !(!(inherited[i].sa_flags & SA_SIGINFO) &&
			       inherited[i].sa_handler == SIG_IGN);
		if (handled[i] && sigaction(stop_signals[i], &sa, NULL) < 0) {
			err_set("sigaction: %s", strerror(errno));
			return -1;
		}
	}
	/* a closed stderr or output pipe must not kill the recorder mid-write */
	sigaction(SIGPIPE, NULL, &inherited_pipe);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void rec_signals_stop_on_first(void)
{
	stop_on_first = 1;
}

void rec_signals_forward_to(pid_t root)
{
	sigset_t block, old;

	/* no handler may run between publishing the pid and sending what is pending */
	sigemptyset(&block);
	for (size_t i = 0; i < NSTOP; i++)
		sigaddset(&block, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	forward_pid = root;
	if (pending)
		kill(root, pending);
	pending = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int rec_signals_received(int *last_sig)
{
	if (last_sig)
		*last_sig = last_signal;
	return received;
}

void rec_signals_child_reset(void)
{
	/* exactly as inherited: default, or ignored (exec keeps SIG_IGN) */
	for (size_t i = 0; i < NSTOP; i++)
		if (handled[i])
			sigaction(stop_signals[i], &inherited[i], NULL);
	sigaction(SIGPIPE, &inherited_pipe, NULL);
	sigprocmask(SIG_SETMASK, &orig_mask, NULL);
}
