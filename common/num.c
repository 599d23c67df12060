// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "err.h"
#include "num.h"

static int num_fail(int e, const char *s, size_t len, const char *why)
{
	int shown = len > 40 ? 40 : (int)len;

	err_set("%s number '%.*s'%s", why, shown, s, len > 40 ? "..." : "");
	errno = e;
	return -1;
}

int num_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return num_fail(EINVAL, s, len, "empty");
	/*
	 * "007": no writer pads numbers, and a reader that took it as octal
	 * would read another value; "0" itself is fine
	 */
	if (len > 1 && s[0] == '0')
		return num_fail(EINVAL, s, len, "leading zeros in");
	/* up to 19 digits cannot overflow: no per-digit range check (the hot path) */
	if (len <= 19) {
		for (i = 0; i < len; i++) {
			unsigned d = (unsigned char)s[i] - '0';

			if (d > 9)
				return num_fail(EINVAL, s, len, "invalid");
			v = v * 10 + d;
		}
		if (v > max)
			return num_fail(ERANGE, s, len, "out of range");
		*out = v;
		return 0;
	}
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return num_fail(EINVAL, s, len, "invalid");
		if (v > (UINT64_MAX - d) / 10)
			return num_fail(ERANGE, s, len, "out of range");
		v = v * 10 + d;
	}
	if (v > max)
		return num_fail(ERANGE, s, len, "out of range");
	*out = v;
	return 0;
}

int num_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	uint64_t mag;
	int neg = len > 0 && s[0] == '-';

	if (neg && len == 1)
		return num_fail(EINVAL, s, len, "invalid");
	if (len - neg > 1 && s[neg] == '0')
		return num_fail(EINVAL, s, len, "leading zeros in");
	if (num_parse_u64(s + neg, len - neg, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX,
			  &mag) < 0)
		return num_fail(errno, s, len, errno == ERANGE ? "out of range" : "invalid");
	int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;

	if (v < min || v > max)
		return num_fail(ERANGE, s, len, "out of range");
	*out = v;
	return 0;
}

int num_parse_int(const char *s, int min, int max, int *out)
{
	int64_t v;

	if (num_parse_i64(s, strlen(s), min, max, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

int num_parse_size(const char *s, uint64_t max, uint64_t *out)
{
	size_t len = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (len > 1) {
		switch (s[len - 1]) {
		case 'k':
		case 'K': shift = 10; break;
		case 'm':
		case 'M': shift = 20; break;
		case 'g':
		case 'G': shift = 30; break;
		}
		if (shift)
			len--;
	}
	if (num_parse_u64(s, len, max >> shift, &v) < 0)
		return num_fail(errno, s, strlen(s), errno == ERANGE ? "out of range" : "invalid");
	*out = v << shift;
	return 0;
}
