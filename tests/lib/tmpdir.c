// SPDX-License-Identifier: MIT
/* Scratch directories for tests (tmpdir.h). */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpdir.h"

#define TMPDIR_MAX 16

/* made by this process (a Criterion test runs in a process of its own) */
static char made[TMPDIR_MAX][256];
static int nmade;

void tmpdir_make(char *buf, size_t size, const char *tag)
{
	int n = snprintf(buf, size, "/tmp/proctree-test-%s-XXXXXX", tag);

	cr_assert(n > 0 && (size_t)n < size && (size_t)n < sizeof(made[0]),
		  "tmpdir_make: a buffer of %zu bytes is too small for tag %s", size, tag);
	cr_assert_not_null(mkdtemp(buf), "mkdtemp %s: %s", buf, strerror(errno));
	cr_assert_lt(nmade, TMPDIR_MAX, "tmpdir_make: more than %d directories", TMPDIR_MAX);
	snprintf(made[nmade++], sizeof(made[0]), "%s", buf);
}

static int first_errno;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) < 0 && errno != ENOENT && !first_errno)
		first_errno = errno;
	return 0;
}

int tmpdir_remove(const char *dir)
{
	first_errno = 0;
	if (nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return -1;
	if (first_errno) {
		errno = first_errno;
		return -1;
	}
	return 0;
}

void tmpdir_cleanup(void)
{
	const char *keep = getenv("KEEP");

	for (int i = 0; i < nmade; i++) {
		if (keep && *keep)
			cr_log_info("KEEP is set: %s is kept", made[i]);
		else if (tmpdir_remove(made[i]) < 0)
			cr_log_warn("could not remove %s: %s", made[i], strerror(errno));
	}
	nmade = 0;
}
