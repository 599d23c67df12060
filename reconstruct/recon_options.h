/* SPDX-License-Identifier: MIT */
/*
 * proctree-reconstruct's option tables.  The options that choose and change
 * an output of one tree (the views, --summary, --max-depth, ...) are not
 * here: recon_outputs.c registers each output once and builds the full
 * table from it (recon_longopts()).  Here: the options every tree output
 * shares, and those of --compare and --diff.  tests/test_cli_options.c
 * checks that --help names every one, so the two cannot drift apart.
 */
#ifndef PROCTREE_RECON_OPTIONS_H
#define PROCTREE_RECON_OPTIONS_H

#include <getopt.h>

/* Long-only options: values above any letter, so no error can name a letter. */
enum {
	RECON_OPT_FORMAT = 256,
	RECON_OPT_WINDOW,
	RECON_OPT_COMPARE,
	RECON_OPT_TOLERANCE,
	RECON_OPT_MATCH,
	RECON_OPT_LIMIT,
	RECON_OPT_VERSION,
	RECON_OPT_DIFF,
	RECON_OPT_THRESHOLD,
	RECON_OPT_THRESHOLD_MS,
	RECON_OPT_DIFF_RAW,
	/* the views and modifiers: this plus their index in recon_outputs.c's tables */
	RECON_OPT_VIEW = 0x1000,
	RECON_OPT_MODIFIER = 0x2000,
};

/* options and FILE.csv in any order */
#define RECON_SHORTOPTS "h"

/*
 * proctree-reconstruct [OPTIONS] FILE.csv: the options outside the output
 * table; recon_longopts() appends a view's and each modifier's.
 */
/* clang-format off */
static const struct option recon_base_longopts[] = {
	{ "format", required_argument, NULL, RECON_OPT_FORMAT },
	{ "window-ms", required_argument, NULL, RECON_OPT_WINDOW },
	{ "compare", no_argument, NULL, RECON_OPT_COMPARE },
	{ "diff", no_argument, NULL, RECON_OPT_DIFF },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, RECON_OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

/* proctree-reconstruct --compare [OPTIONS] A.csv B.csv [C.csv ...] */
/* clang-format off */
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
/* clang-format on */

/* proctree-reconstruct --diff [OPTIONS] A.csv B.csv */
/* clang-format off */
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
/* clang-format on */

#endif
