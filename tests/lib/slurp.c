// SPDX-License-Identifier: MIT
/* Whole files into memory, for tests (slurp.h). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "slurp.h"

char *slurp_fp(FILE *fp, size_t *len)
{
	char *buf = NULL, chunk[4096];
	size_t n, have = 0;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		buf = realloc(buf, have + n + 1);
		cr_assert_not_null(buf);
		memcpy(buf + have, chunk, n);
		have += n;
	}
	if (!buf)
		buf = malloc(1);
	cr_assert_not_null(buf);
	buf[have] = '\0';
	if (len)
		*len = have;
	return buf;
}

char *slurp_len(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *s;

	if (!fp)
		return NULL;
	s = slurp_fp(fp, len);
	fclose(fp);
	return s;
}

char *slurp(const char *path)
{
	char *s = slurp_len(path, NULL);

	cr_assert_not_null(s, "cannot open %s", path);
	return s;
}

char *slurp_or_empty(const char *path)
{
	char *s = slurp_len(path, NULL);

	if (!s)
		s = calloc(1, 1);
	cr_assert_not_null(s);
	return s;
}
