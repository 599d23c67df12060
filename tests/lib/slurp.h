/* SPDX-License-Identifier: MIT */
/*
 * Reading a whole file in a test.  Every result is malloc'd and
 * NUL-terminated (free() it); a file may hold NUL bytes, hence the lengths.
 */
#ifndef PROCTREE_TEST_SLURP_H
#define PROCTREE_TEST_SLURP_H

#include <stddef.h>
#include <stdio.h>

/**
 * slurp - the whole file at @path
 *
 * The test fails (cr_assert) when the file cannot be opened.
 */
char *slurp(const char *path);

/**
 * slurp_or_empty - the whole file at @path, "" when it cannot be read
 *
 * For files that a failed program may not have written (its stderr, a
 * CSV): the test then fails on what the text lacks, not on the open.
 */
char *slurp_or_empty(const char *path);

/**
 * slurp_len - the whole file at @path and its length in *@len (may be NULL)
 *
 * Returns NULL when the file cannot be opened (a missing golden file).
 */
char *slurp_len(const char *path, size_t *len);

/**
 * slurp_fp - everything @fp has left to read, and its length in *@len
 * (may be NULL); never NULL.
 */
char *slurp_fp(FILE *fp, size_t *len);

#endif
