/* SPDX-License-Identifier: MIT */
/*
 * Reading what a workload said about its own process tree (the
 * PROCTREE_EXPECT file, format in docs/scenarios.md).
 */
#ifndef PROCTREE_TEST_EXPECTATIONS_H
#define PROCTREE_TEST_EXPECTATIONS_H

#include <stdbool.h>
#include <stddef.h>

#define XPS_MAX_PIDS 8

enum xps_exit { XPS_EXIT_NONE, XPS_EXIT_CODE, XPS_EXIT_SIGNAL };

/* One exec, as the new program described it. */
struct xps_exec {
	char *filename;
	char **argv; /* NULL when the line gave none */
	int argc;
};

/* One process of the workload, as it described itself. */
struct xps_proc {
	char *label;
	char *creator;		 /* NULL for the root */
	long pids[XPS_MAX_PIDS]; /* outermost namespace first */
	int npids;
	int line;		/* of the proc line */
	struct xps_exec *execs; /* in the order of the exec lines */
	int nexecs;
	char *comm; /* NULL when not stated */
	enum xps_exit exit_kind;
	int exit_value;
	int threads;		    /* thread lines */
	bool alive;		    /* meant to outlive the root */
	struct xps_proc *parent;    /* the creator */
	struct xps_proc **children; /* in the order of their proc lines */
	int nchildren;
};

struct xps_set {
	struct xps_proc *procs; /* in the order of their proc lines */
	int nprocs;
	struct xps_proc *root;
	char *path;
	/* internal: label -> index */
	int *hash;
	size_t hash_size;
};

/**
 * xps_load - read and resolve an expectation file
 * @path: the file the workload wrote
 * @err: buffer for a one-line error naming the file and line
 *
 * Checks the file is well formed and self-consistent: one root, every
 * label defined once by a proc line, every creator and every referenced
 * label defined, every process but the root ends (exit line) or says it
 * outlives the root (alive line), at most one exit line per process.
 *
 * Returns the set, or NULL with @err filled.
 */
struct xps_set *xps_load(const char *path, char *err, size_t errlen);

/**
 * xps_find - the process with @label, or NULL
 */
struct xps_proc *xps_find(const struct xps_set *set, const char *label);

/**
 * xps_depth - depth of the deepest process (the root is 0)
 */
int xps_depth(const struct xps_set *set);

void xps_free(struct xps_set *set);

#endif
