/* SPDX-License-Identifier: MIT */
/*
 * What changed between two runs of one workload (proctree-reconstruct
 * --diff A.csv B.csv): the two trees aligned by what the processes are,
 * not by pid, then the processes found in one run only, changed exit
 * statuses and commands, and per command and per process the change in
 * count, wall time and CPU time.  docs/diff.md describes the rules.
 *
 *   struct diff_opts o;
 *   diff_opts_init(&o);
 *   d = diff_new(&o);
 *   diff_add_file(d, "a.csv");
 *   diff_add_file(d, "b.csv");
 *   diff_run(d);
 *   diff_write_text(d, stdout, 50);      (or diff_write_json)
 *   status = diff_differs(d) ? 1 : 0;
 *   diff_free(d);
 */
#ifndef PROCTREE_DIFF_H
#define PROCTREE_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* defaults of the noise threshold: a change smaller than both is hidden */
#define DIFF_THRESHOLD_PCT_DEFAULT 5
#define DIFF_THRESHOLD_MS_DEFAULT 10

/**
 * struct diff_opts - how to align and what to show
 * @window_ns: the tree builder's reorder window, 0 default
 * @raw: compare commands byte for byte (no normalisation of temporary
 *       names, pids and addresses inside arguments)
 * @threshold_pct: a time change is shown only when it is at least this
 *                 percent of the A value ...
 * @threshold_ns: ... and at least this many nanoseconds
 */
struct diff_opts {
	uint64_t window_ns;
	bool raw;
	unsigned threshold_pct;
	uint64_t threshold_ns;
};

/* the difference counts of a finished diff */
struct diff_counts {
	uint64_t processes_a, processes_b;	   /* = matched + only_a, = matched + only_b */
	uint64_t matched;			   /* process pairs */
	uint64_t only_a, only_b;		   /* processes in one run only */
	uint64_t only_a_subtrees, only_b_subtrees; /* ... as whole subtrees */
	uint64_t status_changed;		   /* matched, the exit status differs */
	uint64_t command_changed;		   /* matched by name, the command line differs */
	uint64_t moved;				   /* matched, but under different parents */
};

struct diff;

/** diff_opts_init - the default options */
void diff_opts_init(struct diff_opts *o);

/** diff_new - an empty diff; NULL with err_msg() on allocation failure */
struct diff *diff_new(const struct diff_opts *o);

/** diff_free - free @d and its trees (NULL is fine) */
void diff_free(struct diff *d);

/**
 * diff_add_file - read @path ("-" is stdin, once) as run A, then run B
 *
 * Returns 0, or -1 with err_msg() ("FILE:LINE: ...") on bad input or a
 * third file.  A truncated last row or a missing #end is not bad input:
 * diff_warnings() says so.
 */
int diff_add_file(struct diff *d, const char *path);

/** diff_add_mem - diff_add_file() for a CSV in memory (the fuzz target, tests) */
int diff_add_mem(struct diff *d, const char *name, const char *buf, size_t len);

/**
 * diff_run - align the two trees and compute the report
 *
 * Returns 0, or -1 with err_msg() (fewer than two files, out of memory).
 */
int diff_run(struct diff *d);

/** diff_differs - the trees differ in shape, commands or exit statuses */
bool diff_differs(const struct diff *d);

/** diff_get_counts - the difference counts (after diff_run()) */
void diff_get_counts(const struct diff *d, struct diff_counts *out);

/** diff_warnings - notes about the inputs, one per line, or NULL */
const char *diff_warnings(const struct diff *d);

/**
 * diff_write_text - the report as text
 * @limit: at most this many rows per section (0: all)
 */
int diff_write_text(const struct diff *d, FILE *fp, uint64_t limit);

/**
 * diff_write_json - the report as JSON (docs/diff.md)
 * @limit: at most this many per-process rows (0: all); the other lists are whole
 */
int diff_write_json(const struct diff *d, FILE *fp, uint64_t limit);

#endif
