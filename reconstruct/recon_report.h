/* SPDX-License-Identifier: MIT */
/*
 * The modes that report on several recordings, --compare (compare/) and
 * --diff (diff/): one option parser for what they share (--format text|json,
 * --limit, --window-ms, --help, --version, the number of files), each
 * mode's own options and its run in recon_report.c's table of modes.
 */
#ifndef PROCTREE_RECON_REPORT_H
#define PROCTREE_RECON_REPORT_H

#include <stdint.h>

/**
 * recon_report_opt - the report mode whose option word is @arg exactly
 * ("--compare", "--diff")
 *
 * Returns its getopt value (RECON_OPT_COMPARE, RECON_OPT_DIFF), 0 for none.
 */
int recon_report_opt(const char *arg);

/**
 * recon_report_main - the command line of report mode @opt (a value
 * recon_report_opt() returns), parsed afresh from argv[1]
 *
 * Prints the report, or one line on a usage error or bad input.  Returns the
 * exit status: 0 the recordings agree, 1 they differ, 2 bad input or usage.
 */
int recon_report_main(int opt, int argc, char **argv);

/**
 * recon_window_ms - --window-ms @value (every mode's: the tree builder's
 * reorder window) into *@window_ns; -1 with err_msg() naming the option
 */
int recon_window_ms(const char *value, uint64_t *window_ns);

/** recon_version - print the --version line of proctree-reconstruct; the exit status */
int recon_version(void);

#endif
