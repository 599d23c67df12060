/* SPDX-License-Identifier: MIT */
/*
 * The ptrace engine's internals, shared by engines/ptrace*.c.
 * docs/engine-ptrace.md explains the state machine and each race.
 */
#ifndef PROCTREE_PTRACE_PRIVATE_H
#define PROCTREE_PTRACE_PRIVATE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "csv.h"
#include "engine-private.h"
#include "pidmap.h"

/*
 * One traced thread, keyed by the tid the tracer sees.
 *
 * A task is "claimed" once its parent's PTRACE_EVENT_FORK/VFORK/CLONE named
 * it (or it is the root): only then do we know its creator and whether it
 * is a thread.  A task whose first stop arrives before that event is
 * "early": it is held stopped (never resumed) until the event claims it,
 * so its rows always follow its fork row.
 */
struct pt_task {
	pid_t tid;
	pid_t tgid;	  /* process id; 0 while unknown (early) */
	pid_t ppid;	  /* creator's process id, from the fork event */
	bool claimed;	  /* fork row written (or root) */
	bool seen_stop;	  /* its initial attach stop was reported */
	bool stopped;	  /* in a ptrace-stop we have not resumed yet */
	bool early;	  /* initial stop (or death) came before the fork event */
	bool dead;	  /* early task already reaped, exit row pending */
	bool exit_seen;	  /* PTRACE_EVENT_EXIT reported */
	bool detached;	  /* let go at the end of recording */
	int hold_sig;	  /* early: stop signal of the held initial stop */
	pid_t prov_tgid;  /* early: Tgid/PPid read at the held stop, for the */
	pid_t prov_ppid;  /* fallback when the fork event never comes */
	uint64_t exit_ns; /* time of PTRACE_EVENT_EXIT */
	/* early && dead: the wait result, replayed when claimed */
	int status;
	uint64_t dead_ns;
	struct rusage ru;
	char comm[17];
	/* early && dead: its pid's exit was already written, so this is likely
	 * that zombie again, reaped by us as its new parent (subreaper) */
	bool reaped_again;
};

/* tid -> task (engines/pidmap.c); tasks are allocated one by one and never move */
struct pt_table {
	struct pidmap *map;
};

int pt_table_init(struct pt_table *t);
void pt_table_fini(struct pt_table *t);
struct pt_task *pt_table_get(struct pt_table *t, pid_t tid);
/* a fresh zeroed task for @tid; NULL with errno ENOMEM */
struct pt_task *pt_table_add(struct pt_table *t, pid_t tid);
void pt_table_del(struct pt_table *t, struct pt_task *task);
/* iterate: *@pos starts at 0; returns NULL at the end; deleting the
 * returned task during iteration is allowed */
struct pt_task *pt_table_next(struct pt_table *t, size_t *pos);

/* Engine-specific trailer counts (docs/engine-ptrace.md). */
enum pt_counter {
	PT_C_STOPS,	     /* ptrace-stops handled */
	PT_C_EARLY,	     /* initial stop before the parent's fork event */
	PT_C_EARLY_DEAD,     /* child reaped before the parent's fork event */
	PT_C_UNCLAIMED,	     /* fork event never came: provisional fork row */
	PT_C_NO_EXIT_EVENT,  /* exit status without PTRACE_EVENT_EXIT (SIGKILL) */
	PT_C_SIGNALS,	     /* signals injected on restart */
	PT_C_GROUP_STOPS,    /* group-stops passed on with PTRACE_LISTEN */
	PT_C_NONLEADER_EXEC, /* execs by a non-leader thread */
	PT_C_DETACHED,	     /* tasks detached when recording ended */
	PT_C_DETACH_TIMEOUT, /* tasks that could not be detached in time */
	PT_C_RESUME_REFUSED, /* resume of a task not in a stop (must stay 0) */
	PT_C_EXEC_FALLBACK,  /* exec args read from /proc instead of the stack */
	PT_C_REAPED_AGAIN,   /* an orphan's second wait report, after reparenting to us */
	PT_C_COUNT
};

struct engine {
	struct engine_opts opts;
	int fd; /* the CSV, opened in new() */
	struct csv_writer *w;
	struct engine_meta em;
	struct pt_table tab;
	pid_t root;
	pid_t self; /* the recorder: root's parent */
	bool attached;
	bool root_done;
	int root_status;
	bool detaching; /* resume means PTRACE_DETACH now */
	bool write_failed;
	char write_err[256]; /* the first write error, for finish() */
	uint64_t counters[PT_C_COUNT];
	/*
	 * Bit per pid: its exit row is written but the zombie was left to its
	 * real parent.  If that parent dies first the zombie is reparented to
	 * the recorder (a subreaper under --wait-all), whose wait then reports
	 * the same death a second time, for a pid no longer in the table.
	 */
	uint8_t *reaped_elsewhere;

	/* read by stats() possibly from another thread: atomics */
	uint64_t st_procs, st_alive, st_execs, st_argv_unknown;
};

/* ptrace_loop.c */

/* The signal of the loop's once-a-second flush timer (the tracer thread only). */
#define PT_FLUSH_SIGNAL (SIGRTMIN + 2)

int pt_loop_run(struct engine *e);
/* Remember the first write error (err_msg()) and that rows were lost. */
void pt_write_failed(struct engine *e);
int pt_detach_all(struct engine *e);
int pt_handle(struct engine *e, pid_t tid, int status, const struct rusage *ru, uint64_t now);

/* ptrace_exec.c: what the tracee exec'd, read while it is stopped */
struct pt_exec_info {
	char *filename; /* NULL when unknown */
	char **argv;	/* NULL when unknown; one block with its strings */
	int argc;
	char comm[17];
	bool comm_known;
	bool fallback; /* argv came from /proc/PID/cmdline */
};

int pt_exec_read(pid_t tid, struct pt_exec_info *x);
void pt_exec_free(struct pt_exec_info *x);

/* ptrace_attach.c */

/* PT_OPTIONS without EXITKILL: a process we joined must outlive the recorder */
#define PT_JOIN_OPTIONS                                                                        \
	(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | \
	 PTRACE_O_TRACEEXIT)

/**
 * pt_join_existing - PTRACE_SEIZE every thread of e->root and of each of its
 * descendants, writing an existing=1 fork row per process, until a walk of
 * /proc finds nothing new; 0 or -1 with err_msg()
 */
int pt_join_existing(struct engine *e);

/* ptrace_proc.c */
int pt_proc_status_ids(pid_t tid, pid_t *tgid, pid_t *ppid);

#endif
