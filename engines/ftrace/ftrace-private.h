/* SPDX-License-Identifier: MIT */
/*
 * The ftrace engine's parts (not used outside engines/ftrace*.c):
 *
 *   ftrace.c           the engine_ops glue (ftrace_engine-private.h)
 *   ftrace_read.c      the per-CPU ring buffers and the reader thread
 *   ftrace_instance.c  the private tracefs instance: create, configure,
 *                      follow the workload, per-CPU loss counters, remove,
 *                      and removal of instances left by killed recorders
 *   ftrace_events.c    the event formats from tracefs, decoded by kevent
 *   ftrace_track.c     events fed live to the kernel-event model
 *                      (kevent/kevent.h); its facts -> CSV rows; with
 *                      ftrace_argv.c, ftrace_existing.c, ftrace_reuse.c
 *                      (ftrace_track-private.h)
 */
#ifndef PROCTREE_FTRACE_PRIVATE_H
#define PROCTREE_FTRACE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "csv.h"
#include "kevent.h"

struct tracefs_instance;

/* the kernel's TASK_COMM_LEN (16) plus room to NUL-terminate a full one */
#define FTRACE_COMM_SIZE KEVENT_COMM_SIZE

/*
 * Per-CPU ring buffer when --buffer-size is not given: the kernel's default
 * for a new instance (1410 KiB on x86) is kept when it holds at least this
 * much per 50 ms of read interval, and raised to that otherwise.  A spawn
 * storm writes about 1 KiB per process (8 events), under 2,000 processes a
 * second here: 1 MiB per 50 ms is ~10x that rate on one CPU (a fork-only
 * loop, 7,700 a second, was recorded without loss).  Resizing costs
 * every recording an RCU grace period at start (12-20 ms here, whatever the
 * size) plus the allocation (0.9 ms of CPU per MiB per CPU).
 */
#define FTRACE_MIN_BUFFER_KB_PER_50MS 1024

/* Instance names: "proctree-<pid>" (this engine); see ftrace_instance.c. */
#define FTRACE_INSTANCE_PREFIX "proctree-"

struct ftrace_decoder;

/**
 * ftrace_decoder_new - parse the formats of the events we use
 *
 * Returns NULL with err_msg() when tracefs or a required event is missing.
 */
struct ftrace_decoder *ftrace_decoder_new(void);

/** ftrace_decoder_enable - enable every event the decoder knows in @inst */
int ftrace_decoder_enable(struct ftrace_decoder *d, struct tracefs_instance *inst);

/**
 * ftrace_decoder_decode - decode one raw record of @size bytes
 *
 * Returns 1 with *@ev filled (ev->filename malloc'd or NULL), 0 for a record
 * of another event type (or too short to hold its fields), -1 on ENOMEM.
 */
int ftrace_decoder_decode(struct ftrace_decoder *d, void *data, int size, struct kevent *ev);

/** ftrace_decoder_long_size - sizeof(long) of the traced kernel, for kbuffer */
int ftrace_decoder_long_size(struct ftrace_decoder *d);

void ftrace_decoder_free(struct ftrace_decoder *d);

/* ---- ftrace_instance.c ---- */

/**
 * ftrace_instance_remove_stale - destroy proctree-<pid> instances whose
 * recorder pid no longer exists (a recorder killed with SIGKILL)
 *
 * Returns the number removed.
 */
int ftrace_instance_remove_stale(void);

/**
 * ftrace_instance_create - create and configure this recorder's instance
 * @buffer_kb: per-CPU ring buffer size, or 0 for the kernel's default
 *             when it is at least @min_kb (else @min_kb)
 * @min_kb: with @buffer_kb 0, the smallest default that is kept
 * @actual_kb: set to the per-CPU size in force
 *
 * The instance is left with tracing off and no events enabled.  Returns
 * NULL with err_msg() (a permission problem names the fix).
 */
struct tracefs_instance *ftrace_instance_create(uint64_t buffer_kb, uint64_t min_kb,
						uint64_t *actual_kb);

/**
 * ftrace_instance_follow - trace only @root and what it creates, then
 * turn tracing on: set_event_pid and the event-fork option
 */
int ftrace_instance_follow(struct tracefs_instance *inst, pid_t root);

/** struct ftrace_cpu_stats - per_cpu/cpuN/stats lines that count loss */
struct ftrace_cpu_stats {
	uint64_t overrun;	 /* overwritten by the writer (overwrite mode) */
	uint64_t commit_overrun; /* too many nested writers */
	uint64_t dropped;	 /* dropped (no-overwrite mode) */
};

/** ftrace_instance_cpu_stats - read per_cpu/cpu@cpu/stats */
int ftrace_instance_cpu_stats(struct tracefs_instance *inst, int cpu, struct ftrace_cpu_stats *st);

/** ftrace_instance_destroy - tracing off, remove the instance and free it */
int ftrace_instance_destroy(struct tracefs_instance *inst);

/* ---- ftrace_track.c ---- */

struct ftrace_track;

/** struct ftrace_counts - what the model counted (for stats and the trailer) */
struct ftrace_counts {
	uint64_t events; /* rows written */
	uint64_t procs;	 /* processes seen, root included */
	uint64_t execs;
	uint64_t alive; /* processes without an exit yet */
	uint64_t lost;	/* sum of lost rows' counts */
	uint64_t lost_rows;
	uint64_t kernel_lost_rows; /* of those, the ring buffer's (a CPU's) */
	uint64_t unknown_tasks;	   /* events from a task whose creation was never seen */
	uint64_t argv_unknown;	   /* execs whose argv could not be read in time */
	uint64_t argv_stale;	   /* of those, read but possibly the next image's */
	uint64_t foreign_events;   /* events of tasks outside the workload, dropped */
	uint64_t reuse_gaps;	   /* a reused tid found dropped from set_event_pid */
	uint64_t alive_gone;	   /* thought alive, but gone or another process at the end */
};

/*
 * With set_event_pid and event-fork, the kernel takes a tid out of the
 * filter when its task is freed (sched_process_free), which comes after an
 * RCU grace period and can come after the tid was taken again: a workload
 * task that gets the tid of a workload task ended moments before then
 * vanishes from the trace, and so do the tasks it creates meanwhile.  Such
 * a tid is watched this long after the new task's creation: when the
 * filter lost it, it is put back and the gap becomes a `lost` row.
 */
#define FTRACE_REUSE_RISK_NS (1000ull * 1000 * 1000)

/** struct ftrace_risk - a new task whose tid a workload task ended with moments before */
struct ftrace_risk {
	pid_t tid;
	uint64_t present_ns; /* the tid was in the filter then (at least) */
	uint64_t until_ns;   /* watched until then */
};

/**
 * ftrace_track_new - the model for one recording, writing rows to @w
 * @root: the workload's first process (it has no fork row: the recorder
 *        forked it before tracing began)
 * @recorder: the recorder's pid (the root's parent)
 */
struct ftrace_track *ftrace_track_new(struct csv_writer *w, pid_t root, pid_t recorder);

/**
 * ftrace_track_event - feed one event (in time order as far as possible)
 *
 * Takes ownership of @ev (it may be kept on a queue when the task is not
 * known yet).  Returns 0, or -1 with err_msg() on a write error.
 */
int ftrace_track_event(struct ftrace_track *t, struct kevent *ev);

/**
 * ftrace_track_lost - write a `lost` row
 * @count: events lost, or -1 when the kernel could not say how many
 */
int ftrace_track_lost(struct ftrace_track *t, int cpu, uint64_t start, uint64_t end,
		      long long count);

/**
 * ftrace_track_release - call once every event older than @before_ns has
 * been fed: reads the argv of the exec rows whose process the events show
 * still alive, then writes the rows whose argv was read (or given up) more
 * than 2 ms before @before_ns: no later exec or new task of their pid can
 * have lent them its argv.  0 or -1.
 */
int ftrace_track_release(struct ftrace_track *t, uint64_t before_ns);

/** ftrace_track_holding - whether exec rows wait for ftrace_track_release() */
bool ftrace_track_holding(const struct ftrace_track *t);

/**
 * ftrace_track_finish - after the last event: the deferred events, the
 * root's exit row (completed from @root_status, a wait status or -1), and
 * an `alive` row for each recorded process that still exists
 */
int ftrace_track_finish(struct ftrace_track *t, int root_status);

struct procfs_proc;

/**
 * ftrace_track_existing - -p: @p was running when the recording joined it
 * @time_ns: the recording's start, the row's time
 *
 * Its tasks become known; its existing=1 fork row is written once every
 * event up to ftrace_track_existing_done()'s time has been fed, unless one
 * of them shows its creation (it was forked after the filter was seeded).
 * 0 or -1 with err_msg().
 */
int ftrace_track_existing(struct ftrace_track *t, const struct procfs_proc *p, uint64_t time_ns);

/** ftrace_track_existing_done - the last walk of /proc ended at @until_ns */
void ftrace_track_existing_done(struct ftrace_track *t, uint64_t until_ns);

/**
 * ftrace_track_root_status - after ftrace_track_finish(): the root's exit
 * row as a wait status, -1 when it has none or its status is unknown
 */
int ftrace_track_root_status(const struct ftrace_track *t);

/** ftrace_track_at_risk - whether tids are watched (ftrace_track_watch() has work) */
bool ftrace_track_at_risk(const struct ftrace_track *t);

/**
 * ftrace_track_watch - check the watched tids against the pid filter
 * @now: CLOCK_MONOTONIC when @filter was read
 * @filter: the tids set_event_pid holds, sorted ascending
 * @readd: puts a tid back into the filter; 0 or -1 with err_msg()
 *
 * A watched tid missing from @filter lost its place while its task lived:
 * it is put back and a `lost` row covers the gap.  Returns 0 or -1.
 */
int ftrace_track_watch(struct ftrace_track *t, uint64_t now, const pid_t *filter, size_t n,
		       int (*readd)(void *ctx, pid_t tid), void *ctx);

/** ftrace_track_counts - a snapshot of the counts (any thread) */
void ftrace_track_counts(const struct ftrace_track *t, struct ftrace_counts *c);

void ftrace_track_free(struct ftrace_track *t);

#endif
