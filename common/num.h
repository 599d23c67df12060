/* SPDX-License-Identifier: MIT */
/*
 * The one strict number parser, used for CSV fields and command-line options
 * alike: decimal digits only (a leading '-' for signed), no blanks, no '+',
 * no empty string, no trailing junk, no overflow.
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
 * Returns 0, or -1 with errno EINVAL (empty, junk) or ERANGE (> @max) and an
 * err_msg() that quotes the offending text.
 */
int num_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

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
