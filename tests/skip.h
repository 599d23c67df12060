/* SPDX-License-Identifier: MIT */
/*
 * A test that cannot run here (no root, no tracefs, a tool missing) skips
 * with the reason, except under CI=true, where the CI machine is set up to
 * run everything: there a skip would hide a broken engine, so it fails.
 */
#ifndef PROCTREE_TEST_SKIP_H
#define PROCTREE_TEST_SKIP_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline bool test_under_ci(void)
{
	const char *ci = getenv("CI");

	return ci && !strcmp(ci, "true");
}

/* Skip with the printf-style reason, or fail with it under CI=true. */
#define TEST_SKIP_OR_FAIL(...)                                                \
	do {                                                                  \
		if (test_under_ci())                                          \
			cr_assert_fail("CI=true, cannot skip: " __VA_ARGS__); \
		cr_skip_test(__VA_ARGS__);                                    \
	} while (0)

#endif
