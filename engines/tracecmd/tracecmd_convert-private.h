/* SPDX-License-Identifier: MIT */
/*
 * Inside the .dat converter (engines/tracecmd/tracecmd_convert.c, tracecmd_dat.c):
 *
 *   tracecmd_convert.c  records -> kernel-event model (kevent/kevent.h) ->
 *                       CSV rows; which processes are the workload's
 *   tracecmd_dat.c      opening and checking the file and its buffers, one
 *                       decoder per event-format handle, the loss the
 *                       saved ring-buffer statistics tell
 */
#ifndef PROCTREE_TRACECMD_CONVERT_PRIVATE_H
#define PROCTREE_TRACECMD_CONVERT_PRIVATE_H

#include <trace-cmd/trace-cmd.h>

#include "kevent.h"
#include "tracecmd_convert.h"

#define TC_MAX_HANDLES 64
#define TC_MAX_CPUS 4096

/* One per event-format handle (a .dat has one per buffer instance). */
struct tc_events {
	struct tep_handle *tep;
	struct kevent_decoder *kd;
};

struct tc_conv {
	const struct tcconv_opts *o;
	struct csv_writer *w;
	struct tc_events evs[TC_MAX_HANDLES];
	int nevs;
	struct tracecmd_input *handles[TC_MAX_HANDLES];
	int nhandles;
	const char *dat;

	struct kevent_model *m; /* the workload's tasks and processes */

	uint64_t seq; /* records seen in this pass */
	/* root_alive_ns known: the root becomes a member at the first record after it */
	bool root_pending;
	/* root membership: from the start, or from the fork record number root_seq */
	bool root_from_start;
	uint64_t root_seq; /* 0: root never created in the trace */
	bool root_execd;   /* the root's first exec (its argv is known) was seen */

	uint64_t first_ts, last_ts;
	uint64_t *cpu_last_ts; /* per handle*cpu: last record time, for loss windows */
	uint64_t *cpu_missed;  /* per handle*cpu: events reported by missed_events */
	int cpu_stride;
	struct tcconv_stats st;
	int failed; /* a write failed: stop iterating */
};

/* tracecmd_convert.c: write @ev, counting it; -1 marks the conversion failed */
int tc_emit(struct tc_conv *c, struct csv_event *ev);

/**
 * tc_open_handles - open @c->dat, its buffer instances and their decoders
 *
 * Refuses a trace clock other than mono and a file without fork and exit
 * events.  0, or -1 with err_msg().
 */
int tc_open_handles(struct tc_conv *c);

/** tc_close_handles - close every handle and free the decoders */
void tc_close_handles(struct tc_conv *c);

/** tc_stats_lost - `lost` rows for the loss trace-cmd counted but no page reported */
int tc_stats_lost(struct tc_conv *c);

#endif
