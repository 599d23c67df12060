/* SPDX-License-Identifier: MIT */
/*
 * Comparing the trees of several proctree CSVs (proctree-reconstruct
 * --compare): which processes each file is missing relative to the others,
 * and how.  docs/compare.md describes the matching rules and the outputs.
 *
 *   c = cmp_new(&opts);
 *   cmp_add_file(c, "run.ftrace.csv");     (two or more)
 *   cmp_add_file(c, "run.ptrace.csv");
 *   cmp_run(c);                            match, then classify
 *   cmp_write_text(c, stdout);             (or cmp_write_json)
 *   status = cmp_differs(c) ? 1 : 0;
 *   cmp_free(c);
 */
#ifndef PROCTREE_COMPARE_H
#define PROCTREE_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Default matching tolerance.  Every engine stamps CLOCK_MONOTONIC, but at
 * different points: ftrace and trace-cmd in the kernel at the event, ptrace
 * in the tracer after waitpid() returned, which is later by the tracer's
 * scheduling delay: on this project's loaded 2-core machine 0.1-5 ms on
 * average, 30 ms for a workload's first exec and up to 58 ms in a spawn
 * storm.  Incarnations of one pid are aligned in time order (see
 * compare_match.c), so a generous tolerance cannot pair the wrong
 * incarnation when the right one is present; it only bounds how far apart
 * two records of one process may be.
 */
#define CMP_TOLERANCE_NS_DEFAULT 250000000ull

enum cmp_match {
	CMP_MATCH_AUTO,	     /* pid when the files record the same run, else structure */
	CMP_MATCH_PID,	     /* pid incarnation + time (one run, several engines) */
	CMP_MATCH_STRUCTURE, /* creator path + exec filenames + sibling order (separate runs) */
};

/* the difference classes, in report order */
enum cmp_class {
	CMP_NODE_MISSING,   /* the process is not in the file at all */
	CMP_FORK_MISSING,   /* seen, but without its fork (fork_lost, orphaned) */
	CMP_EXEC_MISSING,   /* an exec the others saw is not in the file */
	CMP_EXIT_MISSING,   /* no exit (lost, unseen) or an inferred one where others saw it */
	CMP_STATUS_DIFFERS, /* exit code or fatal signal differs */
	CMP_PARENT_DIFFERS, /* created by a different process */
	CMP_CLASS_COUNT
};

struct cmp_opts {
	uint64_t tolerance_ns; /* 0: CMP_TOLERANCE_NS_DEFAULT */
	enum cmp_match match;
	uint64_t window_ns; /* the tree builder's reorder window, 0 default */
};

struct cmp;

/** cmp_new - an empty comparison; NULL with err_msg() on allocation failure */
struct cmp *cmp_new(const struct cmp_opts *opts);

/** cmp_free - free @c and its trees (NULL is fine) */
void cmp_free(struct cmp *c);

/**
 * cmp_add_file - read @path ("-" is stdin, once) and build its tree
 *
 * Returns 0, or -1 with err_msg() ("FILE:LINE: ...") on bad input.  A
 * truncated last row is not bad input: the file is used without it and
 * cmp_warnings() says so.
 */
int cmp_add_file(struct cmp *c, const char *path);

/**
 * cmp_add_mem - cmp_add_file() for a CSV in memory (the fuzz target, tests)
 * @name: the name messages give it
 */
int cmp_add_mem(struct cmp *c, const char *name, const char *buf, size_t len);

/**
 * cmp_run - match processes across the files and classify the differences
 *
 * Needs at least two files.  Returns 0, or -1 with err_msg().
 */
int cmp_run(struct cmp *c);

/** cmp_differs - some file misses something relative to another (after cmp_run) */
bool cmp_differs(const struct cmp *c);

/** cmp_count - number of differences of @cls in file @file (0-based, add order) */
uint64_t cmp_count(const struct cmp *c, int file, enum cmp_class cls);

/** cmp_class_name - "node_missing", "fork_missing", ... */
const char *cmp_class_name(enum cmp_class cls);

/** cmp_match_used - the matching that cmp_run() used (never AUTO) */
enum cmp_match cmp_match_used(const struct cmp *c);

/**
 * cmp_warnings - non-fatal notes about the inputs, one per line (truncated
 * files, files without #end), or NULL
 */
const char *cmp_warnings(const struct cmp *c);

/**
 * cmp_write_text - per file, a table per difference class and the dropped
 * subtrees drawn like the text tree
 * @limit: at most this many rows per table (0: all); JSON always has all
 */
int cmp_write_text(const struct cmp *c, FILE *fp, uint64_t limit);

/** cmp_write_json - the report as JSON (layout in docs/compare.md) */
int cmp_write_json(const struct cmp *c, FILE *fp);

#endif
