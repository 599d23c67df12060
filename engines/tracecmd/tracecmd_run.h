/* SPDX-License-Identifier: MIT */
/*
 * Running the trace-cmd program: start it recording system-wide into a
 * .dat, know when it really records, stop it with SIGINT, and clean up
 * what it leaves behind (its instance, per-CPU reader processes, temporary
 * files), whatever its exit code.
 */
#ifndef PROCTREE_TRACECMD_RUN_H
#define PROCTREE_TRACECMD_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct tcrun;

struct tcrun_opts {
	const char *dat_path; /* the .dat trace-cmd writes */
	uint64_t buffer_kb;   /* per-CPU buffer, 0 = default */
	volatile sig_atomic_t *stop_now;
	/* tests: record with another trace clock (NULL = mono, what the CSV needs) */
	const char *clock;
	/* tests: force a mode ("instance", "toplevel"), NULL = try in order */
	const char *force_mode;
};

/**
 * tcrun_start - start trace-cmd and return once it is recording
 *
 * Finds trace-cmd on PATH, removes instances left by dead recorders, then
 * tries, in order, recording in a private instance (-B proctree-tc-PID) and
 * recording in the top-level instance (whose settings are saved first and
 * restored by tcrun_free()).  Returns NULL with err_msg() when trace-cmd is
 * missing or no way works.
 */
struct tcrun *tcrun_start(const struct tcrun_opts *o);

/**
 * tcrun_stop - SIGINT trace-cmd, wait for it to write the .dat, kill any
 * reader process it left, and undo tracing state
 * @status: trace-cmd's wait status (-1 when unknown); it exits 1 (or
 *          crashes) on machines where its teardown hits locked ftrace files,
 *          so callers judge by the .dat, not by this.
 *
 * Returns 0, or -1 with err_msg() when the state could not be restored.
 */
int tcrun_stop(struct tcrun *r, int *status);

/**
 * tcrun_restore - rebuild the .dat from the per-CPU files trace-cmd left
 *
 * trace-cmd 3.1 gives up writing the .dat ("error in size of file
 * saved_cmdlines") when another tracer changes saved_cmdlines while it reads
 * it; its per-CPU data is still there.  `trace-cmd restore` makes a .dat of
 * it (a top-level buffer whose clock is the top level's: the data itself was
 * recorded with mono).  After tcrun_stop(); the files go in tcrun_free().
 */
int tcrun_restore(struct tcrun *r);

/**
 * tcrun_remove_data - remove the per-CPU files kept for tcrun_restore()
 * (after tcrun_stop(), when they can no longer help)
 */
void tcrun_remove_data(struct tcrun *r);

/** tcrun_stderr - the first line trace-cmd wrote to stderr ("" if none) */
const char *tcrun_stderr(struct tcrun *r);

/** tcrun_mode - "instance proctree-tc-PID" or "top-level" */
const char *tcrun_mode(const struct tcrun *r);

/** tcrun_pid - trace-cmd's pid (also its process group) */
pid_t tcrun_pid(const struct tcrun *r);

/** tcrun_free - stop if still running, undo tracing state, free */
void tcrun_free(struct tcrun *r);

/**
 * tcrun_find_program - full path of trace-cmd on PATH, or NULL (malloc'd)
 */
char *tcrun_find_program(void);

/**
 * tcrun_remove_stale - remove proctree-tc-PID instances whose PID is gone
 *
 * Returns the number removed.
 */
int tcrun_remove_stale(void);

/**
 * tcrun_remove_leftovers - remove the files of recorders killed with SIGKILL
 * @dat: the .dat about to be written (its directory is searched), or NULL
 *
 * Their scratch directories /tmp/proctree-tc-PID-XXXXXX, and beside @dat
 * the per-CPU files (ours, *.proctree-keep-PID.cpuN, and trace-cmd's,
 * *.proctree-tc-PID.cpuN) of a PID that no longer exists.  Only our own
 * files and directories are removed, and no symlink is followed.
 *
 * Returns the number of files and directories removed.
 */
int tcrun_remove_leftovers(const char *dat);

#endif
