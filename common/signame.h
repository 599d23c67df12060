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
 * Real-time signals are named "SIGRTMIN+N" counted from the kernel's first
 * real-time signal (32), the numbering a kernel trace shows.  Returns NULL
 * for numbers that are not signals (<= 0 or > 64).
 */
const char *signame(int sig);

#endif
