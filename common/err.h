/* SPDX-License-Identifier: MIT */
/*
 * Error messages for library code.
 *
 * Library functions return -1 or NULL, set errno, and leave a one-line,
 * human-readable message here; only main() prints it.  The buffer is
 * thread-local so engines running reader threads do not clobber each other.
 */
#ifndef PROCTREE_ERR_H
#define PROCTREE_ERR_H

#include <stdarg.h>

/**
 * err_set - record the current error message (printf-style)
 * @fmt: format
 *
 * Does not touch errno.  A later err_set() replaces the message.
 */
void err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * err_vset - va_list flavour of err_set()
 */
void err_vset(const char *fmt, va_list ap);

/**
 * err_prefix - prepend context ("file:line: ") to the current message
 * @fmt: format of the prefix
 */
void err_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * err_msg - the last message set by err_set() in this thread
 *
 * Returns "unknown error" when none was set.
 */
const char *err_msg(void);

/** err_clear - forget the current message */
void err_clear(void);

#endif
