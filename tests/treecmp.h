/* SPDX-License-Identifier: MIT */
/*
 * Comparing a reconstructed tree (proctree-reconstruct --format json) with
 * what the workload said about itself.
 */
#ifndef PROCTREE_TEST_TREECMP_H
#define PROCTREE_TEST_TREECMP_H

#include <jansson.h>

#include "expectations.h"

/**
 * treecmp - compare @doc with @x
 * @x: the workload's expectations
 * @doc: the reconstructor's JSON document
 * @root_code: the root's exit code as the recorder reported it (its exit
 *             status; 128+N becomes signal N), or -1 when not to be checked
 * @report: set to a malloc'd text, one difference per line (the first
 *          ones only), "" when none; free() it
 *
 * Every expected process must appear exactly once, under its creator, with
 * the same pid, exec filenames (byte-exact, in order), exit code or signal,
 * comm (when stated) and thread count; a process meant to outlive the root
 * with no exit line must be flagged alive_at_end; no other process may
 * appear; nothing may be flagged lost or inferred, and the summary's lost,
 * orphan and inferred counts must all be 0.
 *
 * Returns the number of differences.
 */
int treecmp(const struct xps_set *x, json_t *doc, int root_code, char **report);

#endif
