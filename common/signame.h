/* SPDX-License-Identifier: MIT */
/*
 * Signal names, independent of the C library's strsignal() (which is
 * localized and says "Killed" rather than "SIGKILL").  Output formats and
 * engines share this table so every tool names a signal the same way.
 */
#ifndef PROCTREE_SIGNAME_H
#define PROCTREE_SIGNAME_H

/**
 * signame - the Linux name of signal @sig ("SIGKILL")
 * @sig: signal number
 *
 * Named as strace names them: the kernel's first real-time signal (32) is
 * "SIGRTMIN", the others "SIGRT_N" counted from it (34 is "SIGRT_2", 64
 * "SIGRT_32").  The kernel's numbering, which a trace shows, not the C
 * library's SIGRTMIN (34 with glibc, which keeps 32 and 33 for itself and
 * which `kill -l` follows: 34 "RTMIN").  Returns NULL for numbers that are
 * not signals (<= 0 or > 64, _NSIG - 1).
 */
const char *signame(int sig);

#endif
