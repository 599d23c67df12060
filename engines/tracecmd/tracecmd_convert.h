/* SPDX-License-Identifier: MIT */
/*
 * Convert a trace-cmd .dat file into the proctree CSV with libtracecmd.
 *
 * Used by the tracecmd engine at the end of a recording and by
 * `proctree-record --convert FILE.dat`.  Fields are read by name through
 * libtraceevent; nothing parses `trace-cmd report` text.
 */
#ifndef PROCTREE_TRACECMD_CONVERT_H
#define PROCTREE_TRACECMD_CONVERT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "csv.h"

struct tcconv_opts {
	/*
	 * Keep only this process and its descendants (followed through fork
	 * records, so an unrelated process that later gets one of their pids
	 * stays out).  0 keeps every process in the file.
	 */
	pid_t root;
	/*
	 * A CLOCK_MONOTONIC time at which root was alive (the engine knows:
	 * it attached to it), to tell the workload's root from earlier
	 * processes that had its pid in the same file.  0: the first process
	 * with that pid in the file is the root.
	 */
	uint64_t root_alive_ns;
	/* the root's argv for its first exec (the recorder exec'd exactly this) */
	char *const *root_argv;
	/*
	 * Metadata for the CSV.  NULL: the converter writes what the .dat
	 * tells (engine "tracecmd", the recorded kernel, the first time stamp).
	 */
	const struct csv_meta *meta;
	/*
	 * Write `alive` rows for kept processes that did not exit in the trace
	 * and are in @alive_pids (sorted): the pids that existed when the
	 * recording stopped, taken just before trace-cmd was stopped.
	 */
	const pid_t *alive_pids;
	size_t nalive_pids;
	/* the data is known to be mono though the file says otherwise (restored) */
	bool assume_mono;
	bool interrupted;     /* trailer: the recording stopped early */
	uint64_t end_mono_ns; /* trailer: 0 = the last time stamp in the file */
	/*
	 * With @use_fd the CSV goes to @csv_fd, opened by the caller with
	 * outfile_open() (rewound first, never closed), and the csv_path
	 * argument only names it in messages.  Else csv_path is created with
	 * outfile_open().
	 */
	bool use_fd;
	int csv_fd;
};

struct tcconv_stats {
	uint64_t records;      /* trace records read (every process) */
	uint64_t events;       /* CSV rows written */
	uint64_t procs;	       /* processes kept (root + non-thread forks) */
	uint64_t execs;	       /* exec rows written */
	uint64_t argv_unknown; /* exec rows without argv (all but the root's first) */
	uint64_t alive;	       /* alive rows written */
	uint64_t lost;	       /* events the kernel reported lost */
	bool csv_failed;       /* the CSV could not be written (the .dat was fine) */
};

/**
 * tcconv_convert - convert @dat into a CSV at @csv_path
 * @dat: a trace-cmd .dat file recorded with the mono clock
 * @csv_path: the CSV to create ("-" is standard output), or only its name
 *            with @o->use_fd
 * @o: options
 * @st: filled with counts (may be NULL)
 *
 * Refuses a .dat recorded with another trace clock (its time stamps cannot
 * be turned into CLOCK_MONOTONIC).  Returns 0, or -1 with err_msg() naming
 * @dat on an unreadable, truncated or corrupt file.
 */
int tcconv_convert(const char *dat, const char *csv_path, const struct tcconv_opts *o,
		   struct tcconv_stats *st);

#endif
