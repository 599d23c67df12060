/* SPDX-License-Identifier: MIT */
/*
 * Running a program from a Criterion test: a shell command line's stdout,
 * stderr and exit status, and whole files.  Header-only, like the other
 * test helpers (tests/skip.h): each test executable includes what it uses.
 */
#ifndef PROCTREE_TEST_RUN_UTIL_H
#define PROCTREE_TEST_RUN_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* everything @fp has left, NUL-terminated (never NULL) */
static inline char *run_slurp_fp(FILE *fp)
{
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		buf = realloc(buf, len + n + 1);
		cr_assert_not_null(buf);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	if (!buf)
		buf = calloc(1, 1);
	cr_assert_not_null(buf);
	buf[len] = '\0';
	return buf;
}

/* the whole file at @path */
static inline char *run_slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *s;

	cr_assert_not_null(fp, "cannot open %s", path);
	s = run_slurp_fp(fp);
	fclose(fp);
	return s;
}

/*
 * Run the shell command line @cmd: its stdout returned, its stderr in *@err
 * (both malloc'd), its exit status in *@status (128 + N for signal N).
 */
static inline char *run_sh(const char *cmd, char **err, int *status)
{
	char full[8192], errpath[] = "/tmp/proctree-test-err-XXXXXX";
	int fd = mkstemp(errpath);
	FILE *p, *e;
	char *out;

	cr_assert_geq(fd, 0);
	snprintf(full, sizeof(full), "%s 2>'%s'", cmd, errpath);
	p = popen(full, "r");
	cr_assert_not_null(p);
	out = run_slurp_fp(p);
	*status = pclose(p);
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
	e = fdopen(fd, "r");
	cr_assert_not_null(e);
	*err = run_slurp_fp(e);
	fclose(e);
	unlink(errpath);
	return out;
}

#endif
