/* SPDX-License-Identifier: MIT */
/* proctree-record --convert FILE.dat: turn a trace-cmd recording into a CSV. */
#ifndef PROCTREE_RECORDER_CONVERT_H
#define PROCTREE_RECORDER_CONVERT_H

#include <stdbool.h>

/**
 * convert_requested - argv asks for --convert (before any "--")
 */
bool convert_requested(int argc, char **argv);

/**
 * convert_main - the whole --convert mode; returns the exit status
 *
 * Usage: proctree-record --convert FILE.dat [-o FILE.csv] [--root PID] [-q]
 */
int convert_main(int argc, char **argv);

#endif
