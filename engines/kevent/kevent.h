/* SPDX-License-Identifier: MIT */
/*
 * The kernel-event model shared by the engines that read tracepoints
 * (ftrace live, tracecmd from a .dat): the one list of events, their
 * decoding from a libtraceevent handle, and the rules that turn them into
 * processes, threads, exit codes and fatal signals (docs/kevent.md).
 *
 *   kevent_events.c  the list of events and the decoder
 *   kevent_signal.c  what the kernel does with each signal number
 *   kevent_model.c   tasks and processes: the rules, one event at a time
 *   kevent_exit.c    the exit status rules (exit_group, exit, signals)
 *   kevent_rows.c    facts and losses as CSV rows
 *
 * Engines feed decoded events in time order (as far as they can) and get
 * back facts (struct kevent_fact), which kevent_fact_row() turns into CSV
 * rows.  Which tasks to feed (the workload's) is the engine's business: a
 * filtered live trace (ftrace) feeds everything, a system-wide .dat
 * (tracecmd) only the tasks the model knows, and a task the model does not
 * know is reported back, not guessed.
 */
#ifndef PROCTREE_KEVENT_H
#define PROCTREE_KEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pidmap.h"

struct tep_handle;
struct csv_event;

/* the kernel's TASK_COMM_LEN (16) plus room to NUL-terminate a full one */
#define KEVENT_COMM_SIZE 17

/* the highest signal number on Linux (_NSIG - 1 on x86_64, arm64) */
#define KEVENT_SIG_MAX 64

/* ---- kevent_events.c: the events ---- */

enum kevent_kind {
	KEVENT_NEWTASK,	     /* task:task_newtask, in the creator */
	KEVENT_FORK,	     /* sched:sched_process_fork, in the creator */
	KEVENT_EXEC,	     /* sched:sched_process_exec */
	KEVENT_EXIT,	     /* sched:sched_process_exit, one per thread */
	KEVENT_EXIT_GROUP,   /* syscalls:sys_enter_exit_group */
	KEVENT_EXIT_THREAD,  /* syscalls:sys_enter_exit */
	KEVENT_SIG_GENERATE, /* signal:signal_generate, in the sender */
	KEVENT_SIG_DELIVER,  /* signal:signal_deliver, in the receiver */
	KEVENT_KIND_COUNT
};

/**
 * kevent_system - the tracefs system of event @k ("sched")
 * @k: one of enum kevent_kind
 */
const char *kevent_system(enum kevent_kind k);

/** kevent_name - the tracefs name of event @k ("sched_process_fork") */
const char *kevent_name(enum kevent_kind k);

/**
 * kevent_required - whether a trace without event @k cannot be made a tree
 * of: fork, exec and exit.  The others complete it (threads, exit codes,
 * signals) and are used when present.
 */
bool kevent_required(enum kevent_kind k);

/**
 * struct kevent - one decoded event
 * @tid: common_pid, the task that emitted the event
 * @pid: newtask: the new tid; fork: parent tid; exec: pid after exec;
 *       exit: the exiting tid; signal_generate: target
 * @pid2: fork: the child tid; exec: the tid that called exec
 * @num: exit_group/exit: the code; signals: the signal number
 * @num2: exit: group_dead (-1 when the kernel lacks the field);
 *        signal_generate: result; signal_deliver: sa_handler
 * @filename: exec: malloc'd path, NULL when unreadable
 * @next: for the engine's own queues
 */
struct kevent {
	enum kevent_kind kind;
	uint64_t ts;
	int cpu;
	pid_t tid;
	pid_t pid, pid2;
	uint64_t flags;
	long long num, num2;
	char comm[KEVENT_COMM_SIZE], comm2[KEVENT_COMM_SIZE];
	char *filename;
	struct kevent *next;
};

/** kevent_free - free @ev and its filename */
void kevent_free(struct kevent *ev);

struct kevent_decoder;

/**
 * kevent_decoder_new - find our events and their fields in @tep
 * @tep: a handle holding the formats (parsed from tracefs, or a .dat's)
 * @need_all: fail unless every event is there with every field it needs;
 *            else an event missing (or lacking a field) is left out
 *
 * Fields are found by name: layouts differ between kernels (6.18 made the
 * sched comms __data_loc strings; older kernels have char[16]).  Returns
 * NULL with err_msg() (ENOMEM, or with @need_all what is missing).
 */
struct kevent_decoder *kevent_decoder_new(struct tep_handle *tep, bool need_all);

/** kevent_decoder_has - whether event @k can be decoded */
bool kevent_decoder_has(const struct kevent_decoder *d, enum kevent_kind k);

/**
 * kevent_decode - decode one raw record of @size bytes
 *
 * Returns 1 with *@ev filled (ev->filename malloc'd or NULL; ts and cpu
 * are the caller's to set), 0 for a record of another event type (or too
 * short to hold its fields), -1 on ENOMEM.
 */
int kevent_decode(const struct kevent_decoder *d, const void *data, int size, struct kevent *ev);

void kevent_decoder_free(struct kevent_decoder *d);

/* ---- kevent_signal.c: signal numbers ---- */

/** kevent_sig_valid - 1..64: a signal number the kernel can send */
bool kevent_sig_valid(long long sig);

/**
 * kevent_sig_fatal - whether @sig's default action ends the process
 * (terminate or dump core; not ignore, not stop).  Real-time signals
 * (32..64) terminate.
 */
bool kevent_sig_fatal(long long sig);

/** kevent_sig_core - whether @sig's default action dumps core */
bool kevent_sig_core(long long sig);

/* ---- kevent_model.c: the process model ---- */

enum kevent_fact_kind {
	KEVENT_F_NONE, /* the event changed state only (an exit code, a signal) */
	KEVENT_F_TASK, /* a task was created (task_newtask): no row yet */
	KEVENT_F_FORK, /* a fork row */
	KEVENT_F_EXEC, /* an exec row */
	KEVENT_F_EXIT, /* an exit row */
};

/**
 * struct kevent_fact - what one event established
 * @pid: the process (tgid); for FORK/TASK the creating process
 * @tid: FORK/TASK: the creating task; EXIT: the exiting task
 * @ppid: EXEC/EXIT: the parent process, 0 when unknown
 * @child_pid, @child_tid: FORK/TASK: the new task and its process
 * @thread: FORK/TASK: 1 thread, 0 process, -1 unknown (task_newtask lost)
 * @created: FORK/TASK: the child was new to the model (a fork without its
 *           task_newtask creates it)
 * @old_tid: EXEC: the non-leader tid that called execve, else 0
 * @unknown_process: EXEC: the process was not known before
 * @group: EXIT: the whole process ended
 * @has_code, @code: EXIT: exit code 0..255
 * @signal: EXIT: the fatal signal, 0 when none or unknown
 * @core: EXIT: @signal's default action dumps core (whether a core file
 *        was written depends on RLIMIT_CORE: the wait status tells)
 * @comm, @child_comm, @filename: point into the event fed
 */
struct kevent_fact {
	enum kevent_fact_kind kind;
	uint64_t ts;
	int cpu;
	pid_t pid, tid, ppid;
	pid_t child_pid, child_tid;
	int thread;
	bool created;
	pid_t old_tid;
	bool unknown_process;
	bool group;
	bool has_code;
	int code;
	int signal;
	bool core;
	const char *comm, *child_comm, *filename;
};

/* kevent_model_feed() verdicts */
enum {
	KEVENT_DONE = 0,    /* handled: *fact says what happened */
	KEVENT_UNKNOWN = 1, /* its task is not known (yet): not handled */
	KEVENT_FOREIGN = 2, /* older than its task's creation: another task's, dropped */
};

struct kevent_model;

/** kevent_model_new - an empty model; NULL on ENOMEM */
struct kevent_model *kevent_model_new(void);

void kevent_model_free(struct kevent_model *m);

/**
 * kevent_model_add_process - a process whose creation the trace does not
 * show (the root, a process found running, a task taken as its own
 * process): it replaces whatever the model had for those tids
 * @tids: its threads (@tgid among them), or NULL for @tgid alone
 * @since: its creation time, 0 when unknown
 * @comm: may be NULL
 *
 * Returns 0, or -1 with err_msg() (ENOMEM).
 */
int kevent_model_add_process(struct kevent_model *m, pid_t tgid, pid_t ppid, const pid_t *tids,
			     size_t ntids, uint64_t since, const char *comm);

/**
 * kevent_model_forget - task @tid ended unseen (its exit was lost, or the
 * tid now belongs to a task outside the workload): it is dropped, and so
 * is its process when it led one
 */
void kevent_model_forget(struct kevent_model *m, pid_t tid);

/** kevent_actor - the task event @ev needs known, 0 when none */
pid_t kevent_actor(const struct kevent *ev);

/** kevent_model_knows - whether task @tid is known */
bool kevent_model_knows(const struct kevent_model *m, pid_t tid);

/**
 * kevent_model_feed - apply the rules to one event
 * @fact: filled when KEVENT_DONE (kind KEVENT_F_NONE when no row results);
 *        its strings point into @ev
 *
 * Returns KEVENT_DONE, KEVENT_UNKNOWN (the actor is not known: feed it
 * again once it is, or drop it), KEVENT_FOREIGN, or -1 with err_msg()
 * (ENOMEM).
 */
int kevent_model_feed(struct kevent_model *m, const struct kevent *ev, struct kevent_fact *fact);

/**
 * kevent_model_nprocs - processes known and not ended; may be called from
 * any thread while another feeds the model
 */
uint64_t kevent_model_nprocs(const struct kevent_model *m);

/** struct kevent_proc - a process as kevent_model_each() shows it */
struct kevent_proc {
	pid_t pid, ppid;  /* ppid 0: unknown */
	uint64_t since;	  /* creation time, 0 when unknown */
	const char *comm; /* "" when unknown */
};

/**
 * kevent_model_each - call @fn for every process known and not ended (the
 * model must not change during the walk); stops early and returns @fn's
 * value when non-zero
 */
int kevent_model_each(const struct kevent_model *m,
		      int (*fn)(const struct kevent_proc *p, void *ctx), void *ctx);

/**
 * kevent_fact_row - the CSV row of fact @f (FORK, EXEC, EXIT)
 *
 * @row's strings point into @f's.  The exec row has no argv: engines know
 * it differently (/proc, the recorder's own argv).
 */
void kevent_fact_row(const struct kevent_fact *f, struct csv_event *row);

/**
 * kevent_lost_row - a `lost` row: events lost from @start to @end
 * @cpu: the ring buffer that lost them, -1 when not one CPU's
 * @count: how many, -1 when the kernel could not say
 *
 * An end before the start is taken as the start.
 */
void kevent_lost_row(struct csv_event *row, int cpu, uint64_t start, uint64_t end, long long count);

#endif
