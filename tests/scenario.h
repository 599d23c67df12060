/* SPDX-License-Identifier: MIT */
/*
 * The scenario suite: workloads with a known process tree, run plainly or
 * under a recording engine, checked against what they said about themselves
 * (docs/scenarios.md).
 */
#ifndef PROCTREE_TEST_SCENARIO_H
#define PROCTREE_TEST_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "expectations.h"

#define SCN_ROOT (1u << 0)     /* needs root whatever the engine (unshare) */
#define SCN_WAIT_ALL (1u << 1) /* record with --wait-all */
#define SCN_PIDNS (1u << 2)    /* the pid-wrap scenario: see scn_run_engine() */

struct scn_def {
	const char *name;
	const char *workload;	 /* program in WORKLOADS_DIR */
	const char *const *args; /* its arguments */
	unsigned flags;
	unsigned timeout_s; /* for one recording */
	/* what the workload must have said it did; 0, or -1 with @err */
	int (*shape)(const struct xps_set *x, char *err, size_t errlen);
};

enum scn_outcome { SCN_PASS, SCN_SKIP, SCN_FAIL };

struct scn_result {
	enum scn_outcome outcome;
	char *msg;	/* why (malloc'd), for SKIP and FAIL */
	double seconds; /* the recording's wall time */
};

/**
 * scn_find - the scenario called @name (NULL if none)
 */
const struct scn_def *scn_find(const char *name);

/**
 * scn_run_plain - run a scenario's workload without any tracer
 *
 * Checks the expectations are self-consistent and have the scenario's shape.
 * Pid-namespace scenarios unshare themselves (SCN_ROOT).
 */
void scn_run_plain(const struct scn_def *d, struct scn_result *r);

/**
 * scn_run_engine - record a scenario with @engine, rebuild the tree, compare
 *
 * Runs `proctree-record --processtree-engine ENGINE -q [--wait-all] -o CSV --
 * WORKLOAD ARGS` with PROCTREE_EXPECT set, then `proctree-reconstruct
 * --format json CSV`, and compares the JSON with the expectations
 * (treecmp()).  An engine that reports "not implemented yet" is a SKIP.
 * @engine may be a comma list: the engines record the same run side by
 * side, and each one's CSV (run.NAME.csv) is checked on its own.
 *
 * SCN_PIDNS: the ptrace engine records from inside `unshare --pid --fork
 * --mount-proc` with pid_max 400 set there, so it sees the wrapping pids; the
 * tracefs engines record from the host (tracefs pid filters and events use
 * host pids) and the workload unshares itself (-n).
 */
void scn_run_engine(const struct scn_def *d, const char *engine, struct scn_result *r);

/**
 * scn_engine_selected - whether @engine is in PROCTREE_ENGINES
 *
 * (default "bpf,ftrace,ptrace,tracecmd"); for a comma list (engines side by
 * side), whether each of them is.
 */
bool scn_engine_selected(const char *engine);

/**
 * scn_engine_needs_root - whether @engine needs tracefs (root)
 */
bool scn_engine_needs_root(const char *engine);

void scn_result_clear(struct scn_result *r);

#endif
