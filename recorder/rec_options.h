/* SPDX-License-Identifier: MIT */
/*
 * proctree-record's option table: the one list of every option the parser
 * accepts.  options.c parses with it; tests/test_cli_options.c checks that
 * --help names each of them, so the two cannot drift apart.
 */
#ifndef PROCTREE_REC_OPTIONS_H
#define PROCTREE_REC_OPTIONS_H

#include <getopt.h>

/* Long-only options: values above any letter, so no error can name a letter. */
enum {
	REC_OPT_WAIT_ALL = 256,
	REC_OPT_BUFFER,
	REC_OPT_READ_INTERVAL,
	REC_OPT_PROGRESS,
	REC_OPT_NO_PROGRESS,
	REC_OPT_CONVERT,
	REC_OPT_ROOT,
	REC_OPT_VERSION,
};

/* '+': options end at COMMAND, whose own options are its own */
#define REC_SHORTOPTS "+e:o:u:p:qh"

/* clang-format off */
static const struct option rec_longopts[] = {
	{ "processtree-engine", required_argument, NULL, 'e' },
	{ "output", required_argument, NULL, 'o' },
	{ "wait-all", no_argument, NULL, REC_OPT_WAIT_ALL },
	{ "user", required_argument, NULL, 'u' },
	{ "pid", required_argument, NULL, 'p' },
	{ "buffer-size", required_argument, NULL, REC_OPT_BUFFER },
	{ "read-interval", required_argument, NULL, REC_OPT_READ_INTERVAL },
	{ "progress", no_argument, NULL, REC_OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, REC_OPT_NO_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "convert", required_argument, NULL, REC_OPT_CONVERT },
	{ "root", required_argument, NULL, REC_OPT_ROOT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, REC_OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};
/* clang-format on */

#endif
