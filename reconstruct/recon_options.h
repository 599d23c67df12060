/* SPDX-License-Identifier: MIT */
/*
 * proctree-reconstruct's option tables: the one list of every option each
 * mode accepts.  main.c and compare_cli.c parse with them;
 * tests/test_cli_options.c checks that --help names each of them, so the
 * two cannot drift apart.
 */
#ifndef PROCTREE_RECON_OPTIONS_H
#define PROCTREE_RECON_OPTIONS_H

#include <getopt.h>

/* Long-only options: values above any letter, so no error can name a letter. */
enum {
	RECON_OPT_FORMAT = 256,
	RECON_OPT_SUMMARY,
	RECON_OPT_WINDOW,
	RECON_OPT_COMPACT,
	RECON_OPT_MAX_DEPTH,
	RECON_OPT_FILTER,
	RECON_OPT_REPARENT,
	RECON_OPT_MAX_ROWS,
	RECON_OPT_CRITICAL,
	RECON_OPT_STATS_BY,
	RECON_OPT_COMPARE,
	RECON_OPT_TOLERANCE,
	RECON_OPT_MATCH,
	RECON_OPT_LIMIT,
	RECON_OPT_VERSION,
	RECON_OPT_DIFF,
	RECON_OPT_THRESHOLD,
	RECON_OPT_THRESHOLD_MS,
	RECON_OPT_DIFF_RAW,
};

/* options and FILE.csv in any order */
#define RECON_SHORTOPTS "h"

/* proctree-reconstruct [OPTIONS] FILE.csv (--compare switches to the table below) */
static const struct option recon_longopts[] = {
	{ "format", required_argument, NULL, RECON_OPT_FORMAT },
	{ "summary", no_argument, NULL, RECON_OPT_SUMMARY },
	{ "window-ms", required_argument, NULL, RECON_OPT_WINDOW },
	{ "compact", no_argument, NULL, RECON_OPT_COMPACT },
	{ "max-depth", required_argument, NULL, RECON_OPT_MAX_DEPTH },
	{ "filter", required_argument, NULL, RECON_OPT_FILTER },
	{ "reparent-edges", no_argument, NULL, RECON_OPT_REPARENT },
	{ "max-rows", required_argument, NULL, RECON_OPT_MAX_ROWS },
	{ "critical-path", no_argument, NULL, RECON_OPT_CRITICAL },
	{ "stats-by", required_argument, NULL, RECON_OPT_STATS_BY },
	{ "compare", no_argument, NULL, RECON_OPT_COMPARE },
	{ "diff", no_argument, NULL, RECON_OPT_DIFF },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, RECON_OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* proctree-reconstruct --compare [OPTIONS] A.csv B.csv [C.csv ...] */
static const struct option recon_compare_longopts[] = {
	{ "compare", no_argument, NULL, RECON_OPT_COMPARE },
	{ "format", required_argument, NULL, RECON_OPT_FORMAT },
	{ "tolerance-ms", required_argument, NULL, RECON_OPT_TOLERANCE },
	{ "match", required_argument, NULL, RECON_OPT_MATCH },
	{ "limit", required_argument, NULL, RECON_OPT_LIMIT },
	{ "window-ms", required_argument, NULL, RECON_OPT_WINDOW },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, RECON_OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* proctree-reconstruct --diff [OPTIONS] A.csv B.csv */
static const struct option recon_diff_longopts[] = {
	{ "diff", no_argument, NULL, RECON_OPT_DIFF },
	{ "format", required_argument, NULL, RECON_OPT_FORMAT },
	{ "threshold", required_argument, NULL, RECON_OPT_THRESHOLD },
	{ "threshold-ms", required_argument, NULL, RECON_OPT_THRESHOLD_MS },
	{ "diff-raw", no_argument, NULL, RECON_OPT_DIFF_RAW },
	{ "limit", required_argument, NULL, RECON_OPT_LIMIT },
	{ "window-ms", required_argument, NULL, RECON_OPT_WINDOW },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, RECON_OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

#endif
