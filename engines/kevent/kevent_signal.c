// SPDX-License-Identifier: MIT
/*
 * What the kernel does with a signal by default (signal(7), the kernel's
 * sig_kernel_ignore/stop/coredump masks): the exit-status rules need to
 * know which signals end a process and which of those dump core, for every
 * number 1..64.  The numbers are Linux's on x86 and arm (asm-generic).
 */
#include "kevent.h"

/* ignore: SIGCHLD, SIGCONT, SIGURG, SIGWINCH; stop: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
#define NOT_FATAL                                                                                  \
	((1ull << 17) | (1ull << 18) | (1ull << 23) | (1ull << 28) | (1ull << 19) | (1ull << 20) | \
	 (1ull << 21) | (1ull << 22))
/* SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS */
#define CORE                                                                                 \
	((1ull << 3) | (1ull << 4) | (1ull << 5) | (1ull << 6) | (1ull << 7) | (1ull << 8) | \
	 (1ull << 11) | (1ull << 24) | (1ull << 25) | (1ull << 31))

bool kevent_sig_valid(long long sig)
{
	return sig >= 1 && sig <= KEVENT_SIG_MAX;
}

/* bit @sig of @mask; every real-time signal (32..64) is fatal and dumps no core */
static bool in_mask(unsigned long long mask, long long sig)
{
	return sig < 32 && (mask >> sig & 1);
}

bool kevent_sig_fatal(long long sig)
{
	return kevent_sig_valid(sig) && !in_mask(NOT_FATAL, sig);
}

bool kevent_sig_core(long long sig)
{
	return kevent_sig_valid(sig) && in_mask(CORE, sig);
}
