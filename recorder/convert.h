/* SPDX-License-Identifier: MIT */
/* proctree-record --convert FILE.dat: turn a trace-cmd recording into a CSV. */
#ifndef PROCTREE_RECORDER_CONVERT_H
#define PROCTREE_RECORDER_CONVERT_H

struct rec_opts;

/**
 * convert_main - the whole --convert mode (@o parsed by rec_parse_args());
 * returns the exit status
 *
 * Usage: proctree-record --convert FILE.dat [-o FILE.csv] [--root PID] [-q]
 */
int convert_main(const struct rec_opts *o);

#endif
