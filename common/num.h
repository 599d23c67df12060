/* SPDX-License-Identifier: MIT */
/*
 * The one strict number parser, used for CSV fields and command-line options
 * alike: decimal digits only (a leading '-' for signed), no blanks, no '+',
 * no leading zeros ("0" is fine, "007" is not), no empty string, no trailing
 * junk, no overflow.
 */
#ifndef PROCTREE_NUM_H
#define PROCTREE_NUM_H

#include <stddef.h>
#include <stdint.h>

/**
 * num_parse_u64 - parse an unsigned decimal number
 * @s: the text (need not be NUL-terminated)
 * @len: its length in bytes
 * @max: the largest accepted value
 * @out: where the value goes (untouched on error)
 *
 * Returns 0, or -1 with errno EINVAL (empty, junk, leading zeros) or ERANGE (> @max) and an
 * err_msg() that quotes the offending text.
 */
int num_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/**
 * num_parse_u64_fast - num_parse_u64() with its common case inlined
 *
 * Same rules and results; up to 19 plain digits are converted here (they
 * cannot overflow), anything else goes to num_parse_u64() for the checks
 * and the message.  For the CSV reader's hot loop.
 */
static inline int num_parse_u64_fast(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 19 || (s[0] == '0' && len > 1))
		return num_parse_u64(s, len, max, out);
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return num_parse_u64(s, len, max, out);
		v = v * 10 + d;
	}
	if (v > max)
		return num_parse_u64(s, len, max, out);
	*out = v;
	return 0;
}

/**
 * num_parse_i64 - parse a signed decimal number within [@min, @max]
 *
 * Same rules as num_parse_u64(); one leading '-' is allowed.
 */
int num_parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

/**
 * num_parse_int - parse a NUL-terminated option value into an int in [@min, @max]
 */
int num_parse_int(const char *s, int min, int max, int *out);

/**
 * num_parse_size - parse a NUL-terminated size with an optional K/M/G suffix
 * (powers of 1024) into bytes, at most @max
 */
int num_parse_size(const char *s, uint64_t max, uint64_t *out);

#endif
