/* SPDX-License-Identifier: MIT */
/* Inside the bpf engine: bpf.c (the engine, losses, finish) and bpf_rows.c (records to rows). */
#ifndef PROCTREE_BPF_PRIVATE_H
#define PROCTREE_BPF_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The reader empties the ring buffer every this many ms (--read-interval),
 * or sooner when the programs find it a quarter full.  argv and exit status
 * are read in the kernel, so nothing is lost by waiting: a longer interval
 * only delays the rows and needs a larger buffer.
 */
#define READ_INTERVAL_MS_DEFAULT 100
/* default ring buffer: about 30,000 processes' records */
#define RING_KB_DEFAULT (16 * 1024)
/* rows reach the file at least this often while events flow */
#define FLUSH_INTERVAL_NS (1000ull * 1000 * 1000)

struct counts {
	uint64_t events, procs, exits, execs, lost, lost_rows;
	uint64_t argv_unknown, argv_cut, untracked;
};

#define COUNT_ADD(e, field, n) __atomic_add_fetch(&(e)->c.field, (n), __ATOMIC_RELAXED)
#define COUNT_GET(e, field) __atomic_load_n(&(e)->c.field, __ATOMIC_RELAXED)

struct engine {
	struct engine_live lv; /* csv, reader thread, root, options */
	struct proctree_bpf *skel;
	struct ring_buffer *rb;
	uint64_t ring_kb;
	int ncpus;
	struct ptb_loss *loss_now; /* ncpus values read from the map */
	uint64_t *loss_seen;	   /* per CPU: losses already written as rows */
	uint64_t loss_since;	   /* start of the current loss window */
	uint64_t untracked_seen;
	long page_kb;
	bool root_exit_seen;
	int root_wstatus; /* the root's, from its exit record; -1 none */
	struct counts c;
};

/* write @row, flushing the CSV at least once a second; 0 or -1 (err_set) */
int ptb_write_row(struct engine *e, const struct csv_event *row);

/* libbpf's ring buffer callback: one record of the programs as rows */
int ptb_on_record(void *ctx, void *data, size_t size);

#endif
