/* SPDX-License-Identifier: MIT */
/*
 * Scratch directories for tests: made private under /tmp, removed with
 * everything in them by the suite's .fini, which Criterion runs after a
 * failed assertion too:
 *
 *	static char dir[64];
 *	static void setup(void) { tmpdir_make(dir, sizeof(dir), "ft"); }
 *	static void teardown(void) { tmpdir_cleanup(); }
 *	TestSuite(ftrace, .init = setup, .fini = teardown);
 *
 * KEEP=1 in the environment keeps them for a look (the test log names them).
 */
#ifndef PROCTREE_TEST_TMPDIR_H
#define PROCTREE_TEST_TMPDIR_H

#include <stddef.h>

/**
 * tmpdir_make - make /tmp/proctree-test-@tag-XXXXXX (mode 0700) into @buf
 *
 * The directory is remembered for tmpdir_cleanup(); the test fails when it
 * cannot be made.  @buf needs 32 bytes more than @tag.
 */
void tmpdir_make(char *buf, size_t size, const char *tag);

/**
 * tmpdir_cleanup - remove every directory tmpdir_make() made in this process
 *
 * Recursively, without following links, also when the test failed midway;
 * one that cannot be removed is a warning (cr_log_warn), which fails the run.
 */
void tmpdir_cleanup(void);

/**
 * tmpdir_remove - remove @dir and everything below it, without following links
 *
 * Returns 0, or -1 with errno set (the first failure; the rest is still tried).
 */
int tmpdir_remove(const char *dir);

#endif
