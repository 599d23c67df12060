// SPDX-License-Identifier: MIT
/*
 * How a process ended, from the events before its last exit: the rules
 * (docs/kevent.md, "Exit status"), each a kernel fact.
 *
 *  - exit_group(code) ends every thread with that code; the first one wins
 *    (do_group_exit() sets SIGNAL_GROUP_EXIT, later calls take its code),
 *    and nothing after a fatal signal changes the status.
 *  - A thread's exit(code) is its own code.  When the last thread ends
 *    without a group exit, the process's status is that last thread's
 *    code (synchronize_group_exit(), since Linux 5.19: the leader's own
 *    code on older kernels).
 *  - A signal whose default action is fatal, delivered with SIG_DFL, ends
 *    the process (the first fatal event wins).  One that dumps core
 *    (SIGSEGV, SIGABRT...) is delivered as itself.  Any other is turned by
 *    complete_signal() into a SIGKILL for every thread, so signal_deliver
 *    shows SIGKILL: the real signal is the one signal_generate showed
 *    queued for the process (result 0) and not delivered since.  Once a
 *    group exit has begun the kernel queues nothing more, so the last one
 *    queued is it.  A SIGKILL delivered with none queued was sent from
 *    where the trace does not see (or lost): the signal is unknown, never
 *    guessed.  Real-time signals (32..64) terminate like the others.
 */
#include <signal.h>

#include "kevent-private.h"

void kevent_exit_call(struct kevent_process *p, struct kevent_task *tk, const struct kevent *ev)
{
	int code = (int)(ev->num & 0xff);

	if (ev->kind == KEVENT_EXIT_THREAD) {
		tk->has_code = true;
		tk->code = code;
	} else if (p && !p->has_code && !p->signal) {
		p->has_code = true;
		p->code = code;
	}
}

/* Queued for a process: the one signal a later SIGKILL delivery may stand for. */
void kevent_exit_generated(struct kevent_process *p, const struct kevent *ev)
{
	int sig = (int)ev->num;

	/* result 0: TRACE_SIGNAL_DELIVERED (queued); else ignored, already pending, lost */
	if (!p || ev->num2 != 0 || !kevent_sig_fatal(sig) || kevent_sig_core(sig))
		return;
	p->pending = sig;
}

void kevent_exit_delivered(struct kevent_process *p, const struct kevent *ev)
{
	int sig = (int)ev->num;

	if (!p || !kevent_sig_valid(sig))
		return;
	/* sa_handler 0: SIG_DFL; else the process handles or ignores it */
	if (ev->num2 == 0 && kevent_sig_fatal(sig) && !p->has_code && !p->signal)
		p->signal = sig == SIGKILL ? p->pending : sig;
	if (sig == p->pending)
		p->pending = 0;
}

void kevent_exit_reset(struct kevent_process *p)
{
	p->has_code = false;
	p->code = 0;
	p->signal = 0;
	p->pending = 0;
}

void kevent_exit_status(const struct kevent_process *p, const struct kevent_task *tk,
			struct kevent_fact *f)
{
	if (f->group && p && p->signal) {
		f->signal = p->signal;
		f->core = kevent_sig_core(p->signal);
	} else if (f->group && p && p->has_code) {
		f->has_code = true;
		f->code = p->code;
	} else if (tk && tk->has_code) {
		f->has_code = true;
		f->code = tk->code;
	}
}
