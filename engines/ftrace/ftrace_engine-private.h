/* SPDX-License-Identifier: MIT */
/*
 * Inside the ftrace engine proper (engines/ftrace/ftrace.c, ftrace_read.c):
 *
 *   ftrace.c       the engine_ops: new, attach, join, finish, stats, free
 *   ftrace_read.c  the per-CPU ring buffers and the reader thread
 */
#ifndef PROCTREE_FTRACE_ENGINE_PRIVATE_H
#define PROCTREE_FTRACE_ENGINE_PRIVATE_H

#include "engine-private.h"
#include "ftrace-private.h"

/*
 * While events flow, let them accumulate this long between reads
 * (--read-interval).  A read costs far more than its events: a wakeup (a
 * context switch is dear on a VM), the partial pages, and the argv of the
 * processes still alive after it, read from /proc.  On a spawn storm the
 * reader took about 125 ms of CPU per 2,000 processes at 20 ms, 100 at 30,
 * 60 at 50.  The price is argv: a process that exec'd and exited between
 * two reads has none.
 */
#define READ_INTERVAL_MS_DEFAULT 50
#define HELD_POLL_MS 5
/* the first read after a quiet spell, this long after events resumed */
#define WAKE_READ_DELAY_MS 5
/*
 * While events flow, rows reach the file this often (and whenever the
 * buffers run dry, and at the end) rather than after every read: each
 * write also updates the file's times, which ext4 journals.  A recorder
 * killed with SIGKILL loses about this much (plus one read interval).
 */
#define FLUSH_INTERVAL_NS (1000ull * 1000 * 1000)

struct ftrace_cpu {
	int cpu;
	int poll_fd;
	struct tracefs_cpu *tcpu;
	struct kbuffer *kbuf;
	void *page;
	void *data; /* the current event, NULL when the CPU has nothing to read */
	uint64_t ts;
	uint64_t last_ts;  /* last event read: where a loss window starts */
	uint64_t missed;   /* losses the pages reported with a count */
	uint64_t empty_at; /* data == NULL: a read started then found nothing */
};

struct engine {
	struct engine_live lv; /* csv, reader thread, root, options */
	char instance_name[64];
	uint64_t buffer_kb;
	struct tracefs_instance *inst;
	struct ftrace_decoder *dec;
	struct ftrace_track *track;
	struct ftrace_cpu *cpus;
	int ncpus;
	uint64_t start_ns;
};

/* ---- ftrace_read.c ---- */

/** ftrace_cpus_open - the per-CPU ring buffers of the instance; 0 or -1 with err_msg() */
int ftrace_cpus_open(struct engine *e);

/** ftrace_cpus_close - close them (none open is fine) */
void ftrace_cpus_close(struct engine *e);

/**
 * ftrace_drain - read what is available, merging the CPUs by time, up to
 * the start of the drain; the number of records read, or -1
 */
int ftrace_drain(struct engine *e);

/** ftrace_reader_main - the reader thread (engine_reader_start()) */
void *ftrace_reader_main(void *arg);

#endif
