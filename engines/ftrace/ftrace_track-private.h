/* SPDX-License-Identifier: MIT */
/*
 * Inside the ftrace engine's tracking (engines/ftrace_track*.c,
 * ftrace_argv.c, ftrace_existing.c, ftrace_reuse.c only):
 *
 *   ftrace_track.c     events fed live to the kernel-event model, events of
 *                      tasks not known yet queued, facts -> CSV rows, the
 *                      end (root status, alive rows)
 *   ftrace_argv.c      exec rows held until their argv is read and proved
 *   ftrace_existing.c  -p: rows of the processes found running
 *   ftrace_reuse.c     tids taken again moments after they were freed
 */
#ifndef PROCTREE_FTRACE_TRACK_PRIVATE_H
#define PROCTREE_FTRACE_TRACK_PRIVATE_H

#include "ftrace-private.h"

/* An exec row waiting for its argv (ftrace_argv.c). */
struct held_exec {
	struct held_exec *next;
	struct csv_event row;
	bool pending;	  /* argv not read yet */
	uint64_t read_ns; /* CLOCK_MONOTONIC after the /proc read (0: nothing to prove) */
	char **argv;
	char *filename;
	char comm[FTRACE_COMM_SIZE];
};

/* -p: a process found running, its row held until no event can show its creation */
struct existing_row {
	pid_t pid, ppid;
	char comm[FTRACE_COMM_SIZE];
	bool cancelled; /* its creation was traced after all: the fork row says it */
};

struct ftrace_track {
	struct csv_writer *w;
	pid_t root, recorder;
	struct kevent_model *m;
	struct held_exec *held, **held_tail; /* oldest read first */
	struct pidmap *held_by_pid;	     /* the newest held row of a pid */
	struct kevent *deferred, **deferred_tail;
	size_t ndeferred;
	bool have_root_exit;
	struct csv_event root_exit;
	char root_exit_comm[FTRACE_COMM_SIZE];
	/*
	 * Tasks of the workload that ended less than FTRACE_REUSE_RISK_NS ago,
	 * oldest first, and the newest end of each tid: a new task taking such
	 * a tid may lose its place in set_event_pid (see ftrace_track_watch()).
	 */
	struct ended {
		pid_t tid;
		uint64_t ts;
	} * ended;
	size_t ended_head, ended_len, ended_cap;
	struct pidmap *ended_at; /* tid -> (uintptr_t) its newest end */
	struct ftrace_risk *risks;
	size_t nrisks, risks_cap;
	struct existing_row *existing;
	size_t nexisting;
	bool existing_pending;	 /* rows not written yet */
	uint64_t existing_ns;	 /* their time_ns: the recording's start */
	uint64_t existing_until; /* the last walk of /proc ended then */
	int root_wstatus;	 /* the root's exit row as a wait status, -1 unknown */
	bool finished;		 /* c.alive counts alive rows (atomic) */
	struct ftrace_counts c;	 /* read by other threads with __atomic loads */
};

#define COUNT_ADD(t, field, n) __atomic_add_fetch(&(t)->c.field, (n), __ATOMIC_RELAXED)

/* ftrace_track.c: write @row and count it; 0 or -1 */
int ftrace_track_write(struct ftrace_track *t, const struct csv_event *row);

/* ftrace_argv.c */
void held_free(struct held_exec *h);
/* @pid's image ended at @ts: an argv not read yet, or read since, is unknown */
void held_invalidate(struct ftrace_track *t, pid_t pid, uint64_t ts);
/* a new image of @pid (exec, a new task taking the pid) appeared at @ts */
void held_next_image(struct ftrace_track *t, pid_t pid, uint64_t ts);
/* keep exec @row until its argv is read and proved; 0 or -1 */
int held_add(struct ftrace_track *t, const struct csv_event *row);

/* ftrace_existing.c */
/* a process was created at @ts with @pid: not an existing one after all */
void existing_cancel(struct ftrace_track *t, pid_t pid, uint64_t ts);
int existing_flush(struct ftrace_track *t);

/* ftrace_reuse.c */
/* a workload task with @tid ended at @ts; 0 or -1 */
int ended_add(struct ftrace_track *t, pid_t tid, uint64_t ts);
/* a workload task was created with @tid at @ts: watched when freshly freed; 0 or -1 */
int risk_check(struct ftrace_track *t, pid_t tid, uint64_t ts);

#endif
