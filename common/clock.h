/* SPDX-License-Identifier: MIT */
/*
 * The one clock: CLOCK_MONOTONIC nanoseconds.  ftrace's "mono" trace_clock
 * and trace-cmd's -C mono use the same clock, so every engine's records of
 * one run line up.
 */
#ifndef PROCTREE_CLOCK_H
#define PROCTREE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/** clock_mono_ns - CLOCK_MONOTONIC now, in nanoseconds */
uint64_t clock_mono_ns(void);

/**
 * clock_wall_iso - format the current wall-clock time as ISO 8601 UTC with
 * nanoseconds ("2026-11-23T08:55:07.123456789Z") into @buf (>= 32 bytes)
 */
int clock_wall_iso(char *buf, size_t size);

/** clock_wall_ns - CLOCK_REALTIME now, in nanoseconds since the epoch */
uint64_t clock_wall_ns(void);

#endif
