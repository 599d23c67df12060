/* SPDX-License-Identifier: MIT */
/*
 * Running a program from a test and capturing what it said: its stdout,
 * its stderr and how it ended.  One way for every test; the program runs
 * with stdin /dev/null unless given text for it.
 */
#ifndef PROCTREE_TEST_RUN_H
#define PROCTREE_TEST_RUN_H

#include <stdbool.h>
#include <stddef.h>

/* How a run ended and what it wrote (run_free() frees out and err). */
struct run {
	char *out, *err; /* all of stdout and stderr, NUL-terminated */
	size_t out_len, err_len;
	int status;	/* the exit code, or 128 + N when killed by signal N (as sh says) */
	int signal;	/* N when killed by signal N, else 0 */
	bool timed_out; /* killed (SIGKILL to its process group) after opts->timeout_s */
};

/* Everything optional: NULL opts, or a zero field, is the default. */
struct run_opts {
	const char *dir;   /* the directory to run in (default: the test's) */
	const char *input; /* text written to its stdin (default: /dev/null) */
	int timeout_s;	   /* stop it after this long (default: wait for ever) */
};

/**
 * run_argv - run @argv (argv[0] a path, or a name looked up in PATH)
 * @argv: NULL-terminated
 * @opts: may be NULL
 *
 * Waits until the program has ended and closed its stdout and stderr.  A
 * program that cannot be started ends with status 127 and says why on
 * stderr.  With a timeout the program runs in its own process group, and
 * that whole group is killed when time is up.
 */
struct run run_argv(char *const argv[], const struct run_opts *opts);

/**
 * run_sh - run the shell command line @cmd (/bin/sh -c @cmd), as run_argv()
 */
struct run run_sh(const char *cmd, const struct run_opts *opts);

/* RUN(opts, "prog", "arg", ...): run_argv() on the words given */
#define RUN(opts, ...) run_argv((char *const[]){ __VA_ARGS__, NULL }, (opts))

void run_free(struct run *r);

#endif
