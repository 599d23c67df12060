/* SPDX-License-Identifier: MIT */
/*
 * A workload's numeric arguments.  Header-only and self-contained like
 * expect.h (a workload links with nothing of proctree); strict all the same:
 * a typo in a test's argument list stops the workload (exit 2) instead of
 * running it with 0.
 */
#ifndef PROCTREE_WORKLOAD_ARG_H
#define PROCTREE_WORKLOAD_ARG_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static inline long wl_arg_long(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno) {
		fprintf(stderr, "workload: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static inline int wl_arg_int(const char *s)
{
	long v = wl_arg_long(s);

	if (v < INT_MIN || v > INT_MAX) {
		fprintf(stderr, "workload: number out of range '%s'\n", s);
		exit(2);
	}
	return (int)v;
}

#endif
