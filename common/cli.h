/* SPDX-License-Identifier: MIT */
/*
 * The command-line conventions proctree-record and proctree-reconstruct
 * share: getopt_long()'s own messages for usage errors (returned in
 * err_msg(), never printed here) and the --version line.
 */
#ifndef PROCTREE_CLI_H
#define PROCTREE_CLI_H

#include <getopt.h>
#include <stddef.h>

/**
 * cli_getopt - getopt_long() that reports a usage error in err_msg()
 * @shortopts: as for getopt_long() (a leading '+' or '-' is kept); must not
 *             start with ':' (added here)
 *
 * Returns what getopt_long() returns, except that every usage error is '?'
 * with err_msg() saying it as glibc's getopt_long() would, in one line:
 * "unrecognized option '--foo'", "invalid option -- 'x'", "option '--output'
 * requires an argument", "option requires an argument -- 'o'", "option
 * '--help' doesn't allow an argument", "option '--re' is ambiguous;
 * possibilities: '--read-interval' '--reparent-edges'".  A long option is
 * named by its long name, never by the letter it maps to internally.
 */
int cli_getopt(int argc, char *const *argv, const char *shortopts, const struct option *longopts);

/**
 * cli_bad_value - err_set("invalid argument 'VALUE' for 'OPTION' (valid: ...)")
 * @valid: the accepted values, "text, json, csv" (NULL: no list)
 *
 * Returns -1.
 */
int cli_bad_value(const char *option, const char *value, const char *valid);

/** cli_version - the project version, "0.1.0" (PROJECT_VERSION) */
const char *cli_version(void);

/**
 * cli_git_revision - `git describe --always --dirty` of the checkout the
 * program was built from, "" when it was not built from a git checkout
 */
const char *cli_git_revision(void);

/**
 * cli_version_line - "PROG 0.1.0 (git 1a2b3c4)" or "PROG 0.1.0" into @buf
 *
 * Returns @buf.
 */
char *cli_version_line(char *buf, size_t size, const char *prog);

#endif
