// SPDX-License-Identifier: MIT
/*
 * The ftrace engine's model of the workload: decoded events in, CSV rows out.
 *
 * ftrace records carry only the tid of the task that emitted them, so the
 * model keeps tid -> process (tgid) from task_newtask (CLONE_THREAD tells a
 * thread) and per-process state for the exit status:
 *
 *  - exit code: sys_enter_exit_group (the group's code) or sys_enter_exit
 *    (a thread's code; the process's when its last thread used it);
 *  - fatal signal: signal_deliver with the default action of a fatal signal.
 *    The kernel turns every non-core-dumping fatal signal into SIGKILL for
 *    each thread, so a delivered SIGKILL only names the signal when a
 *    signal_generate from inside the workload told us what was sent;
 *    otherwise the signal is unknown (empty), never guessed.  The root's
 *    status comes from the recorder's waitpid, which is exact.
 *
 * Events from a task whose creation has not been seen yet (ftrace merges
 * per-CPU buffers, so a child's first event can be read before its
 * parent's task_newtask) wait on a queue until it is seen; at the end the
 * rest are written assuming the task led its own process, and counted.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "csv.h"
#include "err.h"
#include "ftrace-private.h"
#include "engine-private.h"
#include "procfs.h"
#include "procfs_tree.h"

#ifndef CLONE_THREAD
#define CLONE_THREAD 0x00010000
#endif
#ifndef CLONE_PARENT
#define CLONE_PARENT 0x00008000
#endif

struct task {
	pid_t tid, tgid;
	uint64_t since;  /* task_newtask time; 0 for the root and tasks never seen created */
	bool has_code;   /* called exit(code) */
	int code;
	int thread;      /* 1 thread, 0 process, -1 unknown (task_newtask lost) */
};

struct proc {
	pid_t tgid, ppid;   /* ppid 0: unknown */
	uint64_t since;     /* creation time (CLOCK_MONOTONIC), 0 when unknown */
	int threads;
	bool has_code;      /* exit_group(code) */
	int code;
	int signal;         /* fatal signal, 0 if none known */
	int sent_sig;       /* last fatal-by-default signal generated for it in the workload */
	char comm[FTRACE_COMM_SIZE];
};

/*
 * An exec row waits here for its argv.  argv is read from /proc only for a
 * process the events show still alive once a whole batch has been fed
 * (ftrace_track_release()): reading every exec at once cost the workload
 * about 5% of its time (the read takes the new image's mmap lock while its
 * loader maps libraries), and most short processes are gone by then anyway.
 * After the read the row waits for proof that the argv is this exec's:
 * until every event older than the read has been seen, a later exec of the
 * same pid (maybe of the same program, so the comm would not tell) or a new
 * task taking the pid may be what /proc showed.
 */
struct held_exec {
	struct held_exec *next;
	struct csv_event row;
	bool pending;       /* argv not read yet */
	uint64_t read_ns;   /* CLOCK_MONOTONIC after the /proc read (0: nothing to prove) */
	char **argv;
	char *filename;
	char comm[FTRACE_COMM_SIZE];
};

/* -p: a process found running, its row held until no event can show its creation */
struct existing_row {
	pid_t pid, ppid;
	char comm[FTRACE_COMM_SIZE];
	bool cancelled;     /* its creation was traced after all: the fork row says it */
};

struct ftrace_track {
	struct csv_writer *w;
	pid_t root, recorder;
	struct ftrace_pidmap *tasks, *procs;
	struct held_exec *held, **held_tail;    /* oldest read first */
	struct ftrace_pidmap *held_by_pid;      /* the newest held row of a pid */
	struct ftrace_ev *deferred, **deferred_tail;
	size_t ndeferred;
	bool have_root_exit;
	struct csv_event root_exit;
	char root_exit_comm[FTRACE_COMM_SIZE];
	/*
	 * Tasks of the workload that ended less than FTRACE_REUSE_RISK_NS ago,
	 * oldest first, and the newest end of each tid: a new task taking such
	 * a tid may lose its place in set_event_pid (see ftrace_track_watch()).
	 */
	struct ended { pid_t tid; uint64_t ts; } *ended;
	size_t ended_head, ended_len, ended_cap;
	struct ftrace_pidmap *ended_at;         /* tid -> (uintptr_t) its newest end */
	struct ftrace_risk *risks;
	size_t nrisks, risks_cap;
	struct existing_row *existing;
	size_t nexisting;
	bool existing_pending;  /* rows not written yet */
	uint64_t existing_ns;   /* their time_ns: the recording's start */
	uint64_t existing_until; /* the last walk of /proc ended then */
	int root_wstatus;       /* the root's exit row as a wait status, -1 unknown */
	struct ftrace_counts c; /* read by other threads with __atomic loads */
};

#define COUNT_ADD(t, field, n) __atomic_add_fetch(&(t)->c.field, (n), __ATOMIC_RELAXED)
#define COUNT_SUB(t, field, n) __atomic_sub_fetch(&(t)->c.field, (n), __ATOMIC_RELAXED)

/* Default action terminates (or dumps core): not ignore, not stop. */
static bool sig_fatal_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return false;
	default:
		return sig > 0 && sig < 65;
	}
}

static struct task *task_add(struct ftrace_track *t, pid_t tid, pid_t tgid)
{
	struct task *tk = ftrace_pidmap_get(t->tasks, tid);

	if (!tk) {
		tk = calloc(1, sizeof(*tk));
		if (!tk || ftrace_pidmap_put(t->tasks, tid, tk) < 0) {
			free(tk);
			err_set("out of memory tracking tasks");
			errno = ENOMEM;
			return NULL;
		}
	}
	memset(tk, 0, sizeof(*tk));
	tk->tid = tid;
	tk->tgid = tgid;
	tk->thread = -1;
	return tk;
}

static void task_del(struct ftrace_track *t, pid_t tid)
{
	free(ftrace_pidmap_del(t->tasks, tid));
}

static struct proc *proc_add(struct ftrace_track *t, pid_t tgid, pid_t ppid, const char *comm)
{
	struct proc *p = ftrace_pidmap_get(t->procs, tgid);

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p || ftrace_pidmap_put(t->procs, tgid, p) < 0) {
			free(p);
			err_set("out of memory tracking processes");
			errno = ENOMEM;
			return NULL;
		}
		COUNT_ADD(t, alive, 1);
	}
	memset(p, 0, sizeof(*p));
	p->tgid = tgid;
	p->ppid = ppid;
	p->threads = 1;
	if (comm)
		snprintf(p->comm, sizeof(p->comm), "%s", comm);
	return p;
}

static void proc_del(struct ftrace_track *t, pid_t tgid)
{
	struct proc *p = ftrace_pidmap_del(t->procs, tgid);

	if (p) {
		COUNT_SUB(t, alive, 1);
		free(p);
	}
}

static int write_row(struct ftrace_track *t, const struct csv_event *row)
{
	if (csv_writer_event(t->w, row) < 0)
		return -1;
	COUNT_ADD(t, events, 1);
	return 0;
}

static void row_init(struct csv_event *row, enum csv_kind kind, const struct ftrace_ev *ev)
{
	memset(row, 0, sizeof(*row));
	row->kind = kind;
	CSV_SET(row, time_ns, CSV_F_TIME, ev->ts);
	CSV_SET(row, cpu, CSV_F_CPU, ev->cpu);
}

static void held_free(struct held_exec *h)
{
	procfs_free_argv(h->argv);
	free(h->filename);
	free(h);
}

/*
 * @pid's image ended at @ts (a new exec, its exit, or a new task took the
 * pid): an argv not read yet never will be, and one read at or after @ts
 * may be the next image's; either way it is unknown.
 */
static void held_invalidate(struct ftrace_track *t, pid_t pid, uint64_t ts)
{
	struct held_exec *h = ftrace_pidmap_get(t->held_by_pid, pid);

	if (!h)
		return;
	if (h->pending) {
		h->pending = false;
		h->read_ns = 0;
		COUNT_ADD(t, argv_unknown, 1);
		return;
	}
	if (!h->argv || ts > h->read_ns)
		return;
	procfs_free_argv(h->argv);
	h->argv = NULL;
	h->row.argv = NULL;
	h->row.argc = 0;
	COUNT_ADD(t, argv_unknown, 1);
	COUNT_ADD(t, argv_stale, 1);
}

/*
 * The next image (a new exec, or a new task taking the pid) becomes visible
 * in /proc a little before its event is emitted: exec sets up the new argv
 * before sched_process_exec fires, fork makes the child findable before
 * task_newtask.  A read that close before such an event is not trusted.
 */
#define NEXT_IMAGE_MARGIN_NS (2 * 1000 * 1000ULL)

static void held_next_image(struct ftrace_track *t, pid_t pid, uint64_t ts)
{
	held_invalidate(t, pid, ts > NEXT_IMAGE_MARGIN_NS ? ts - NEXT_IMAGE_MARGIN_NS : 0);
}

/* Keep exec @row until its argv is read and proved (ftrace_track_release()). */
static int held_add(struct ftrace_track *t, const struct csv_event *row)
{
	struct held_exec *h = calloc(1, sizeof(*h));

	if (!h || (row->filename && !(h->filename = strdup(row->filename))))
		goto error;
	if (ftrace_pidmap_put(t->held_by_pid, row->pid, h) < 0)
		goto error;
	h->row = *row;
	h->row.filename = h->filename;
	if (row->comm) {
		snprintf(h->comm, sizeof(h->comm), "%s", row->comm);
		h->row.comm = h->comm;
	}
	h->pending = true;
	h->read_ns = UINT64_MAX;
	*t->held_tail = h;
	t->held_tail = &h->next;
	return 0;
error:
	if (h)
		free(h->filename);
	free(h);
	errno = ENOMEM;
	err_set("out of memory");
	return -1;
}

bool ftrace_track_holding(const struct ftrace_track *t)
{
	return t->held != NULL;
}

/*
 * argv from /proc.  It may be a later image's (the process exec'd again, or
 * died and a new task took the pid, after the events fed so far): the row
 * stays held and held_invalidate() drops such an argv once the events up
 * to the read are in.
 */
static void held_read_argv(struct ftrace_track *t)
{
	for (struct held_exec *h = t->held; h; h = h->next) {
		int argc = 0;

		if (!h->pending)
			continue;
		h->pending = false;
		if (procfs_read_cmdline(h->row.pid, &h->argv, &argc) < 0) {
			h->argv = NULL;
			h->read_ns = 0;
			COUNT_ADD(t, argv_unknown, 1);
			continue;
		}
		h->read_ns = clock_mono_ns();
		h->row.argv = (const char *const *)h->argv;
		h->row.argc = argc;
	}
}

/*
 * A process the walk found may have been created after the pid filter was
 * seeded, by a task already in it: then its creation is in the trace, and
 * the fork row, not an existing row, is written.
 */
static void existing_cancel(struct ftrace_track *t, pid_t pid, uint64_t ts)
{
	if (!t->existing_pending || ts > t->existing_until)
		return;
	for (size_t i = 0; i < t->nexisting; i++)
		if (t->existing[i].pid == pid)
			t->existing[i].cancelled = true;
}

static int existing_flush(struct ftrace_track *t)
{
	struct procfs_proc p = { 0 };

	if (!t->existing_pending)
		return 0;
	t->existing_pending = false;
	for (size_t i = 0; i < t->nexisting; i++) {
		struct existing_row *x = &t->existing[i];

		if (x->cancelled)
			continue;
		p.pid = x->pid;
		p.ppid = x->ppid;
		snprintf(p.comm, sizeof(p.comm), "%s", x->comm);
		if (engine_write_existing(t->w, &p, t->existing_ns) < 0)
			return -1;
		COUNT_ADD(t, events, 1);
		if (x->pid != t->root)
			COUNT_ADD(t, procs, 1);
	}
	return 0;
}

int ftrace_track_existing(struct ftrace_track *t, const struct procfs_proc *p, uint64_t time_ns)
{
	struct existing_row *x;
	struct proc *pr;

	for (size_t i = 0; i < p->ntids; i++) {
		struct task *tk = task_add(t, p->tids[i], p->pid);

		if (!tk)
			return -1;
		tk->thread = p->tids[i] != p->pid;
	}
	pr = proc_add(t, p->pid, p->ppid, p->comm);
	if (!pr)
		return -1;
	pr->threads = (int)p->ntids;
	x = realloc(t->existing, (t->nexisting + 1) * sizeof(*x));
	if (!x) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	t->existing = x;
	x = &t->existing[t->nexisting++];
	memset(x, 0, sizeof(*x));
	x->pid = p->pid;
	x->ppid = p->ppid;
	snprintf(x->comm, sizeof(x->comm), "%.*s", FTRACE_COMM_SIZE - 1, p->comm);
	t->existing_ns = time_ns;
	t->existing_pending = true;
	return 0;
}

void ftrace_track_existing_done(struct ftrace_track *t, uint64_t until_ns)
{
	t->existing_until = until_ns;
}

int ftrace_track_release(struct ftrace_track *t, uint64_t before_ns)
{
	if (t->existing_pending && before_ns > t->existing_until && existing_flush(t) < 0)
		return -1;
	/* proved once every event up to the read plus the margin has been fed */
	uint64_t proved = before_ns > NEXT_IMAGE_MARGIN_NS ? before_ns - NEXT_IMAGE_MARGIN_NS : 0;

	held_read_argv(t);
	while (t->held && t->held->read_ns < proved) {
		struct held_exec *h = t->held;
		int ret;

		t->held = h->next;
		if (!t->held)
			t->held_tail = &t->held;
		if (ftrace_pidmap_get(t->held_by_pid, h->row.pid) == h)
			ftrace_pidmap_del(t->held_by_pid, h->row.pid);
		ret = write_row(t, &h->row);
		held_free(h);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* ---- tids taken again moments after a workload task ended with them ---- */

static void ended_prune(struct ftrace_track *t, uint64_t now)
{
	while (t->ended_head < t->ended_len &&
	       t->ended[t->ended_head].ts + FTRACE_REUSE_RISK_NS < now) {
		const struct ended *e = &t->ended[t->ended_head++];

		if ((uintptr_t)ftrace_pidmap_get(t->ended_at, e->tid) == e->ts)
			ftrace_pidmap_del(t->ended_at, e->tid);
	}
	if (t->ended_head > 1024 && t->ended_head * 2 > t->ended_len) {
		memmove(t->ended, t->ended + t->ended_head,
			(t->ended_len - t->ended_head) * sizeof(*t->ended));
		t->ended_len -= t->ended_head;
		t->ended_head = 0;
	}
}

/* A workload task with @tid ended at @ts. */
static int ended_add(struct ftrace_track *t, pid_t tid, uint64_t ts)
{
	ts = ts ? ts : 1; /* 0 means "none" in the map */
	ended_prune(t, ts);
	if (t->ended_len == t->ended_cap) {
		size_t cap = t->ended_cap ? 2 * t->ended_cap : 256;
		struct ended *e = realloc(t->ended, cap * sizeof(*e));

		if (!e)
			goto nomem;
		t->ended = e;
		t->ended_cap = cap;
	}
	t->ended[t->ended_len++] = (struct ended){ tid, ts };
	if (ftrace_pidmap_put(t->ended_at, tid, (void *)(uintptr_t)ts) < 0)
		goto nomem;
	/* the task is gone: its own free takes the tid out of the filter, rightly */
	for (size_t i = 0; i < t->nrisks; i++)
		if (t->risks[i].tid == tid)
			t->risks[i--] = t->risks[--t->nrisks];
	return 0;
nomem:
	err_set("out of memory tracking ended tasks");
	errno = ENOMEM;
	return -1;
}

/* A workload task was created with @tid at @ts: watch it when the tid is freshly freed. */
static int risk_check(struct ftrace_track *t, pid_t tid, uint64_t ts)
{
	uint64_t ended;

	ended_prune(t, ts);
	ended = (uintptr_t)ftrace_pidmap_get(t->ended_at, tid);
	if (!ended || ended + FTRACE_REUSE_RISK_NS < ts)
		return 0;
	if (t->nrisks == t->risks_cap) {
		size_t cap = t->risks_cap ? 2 * t->risks_cap : 16;
		struct ftrace_risk *r = realloc(t->risks, cap * sizeof(*r));

		if (!r) {
			err_set("out of memory");
			errno = ENOMEM;
			return -1;
		}
		t->risks = r;
		t->risks_cap = cap;
	}
	/* event-fork put the tid in the filter at the creation */
	t->risks[t->nrisks++] = (struct ftrace_risk){ tid, ts, ts + FTRACE_REUSE_RISK_NS };
	return 0;
}

bool ftrace_track_at_risk(const struct ftrace_track *t)
{
	return t->nrisks > 0;
}

static bool sorted_has(const pid_t *v, size_t n, pid_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] == x)
			return true;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int ftrace_track_watch(struct ftrace_track *t, uint64_t now, const pid_t *filter, size_t n,
		       int (*readd)(void *ctx, pid_t tid), void *ctx)
{
	for (size_t i = 0; i < t->nrisks; i++) {
		struct ftrace_risk *r = &t->risks[i];

		if (!sorted_has(filter, n, r->tid)) {
			/*
			 * The old task's free came after this one's creation: from
			 * some moment after present_ns until now this task's events,
			 * and the tasks it created meanwhile, were not recorded.
			 */
			if (readd(ctx, r->tid) < 0 ||
			    ftrace_track_lost(t, -1, r->present_ns, now, -1) < 0)
				return -1;
			COUNT_ADD(t, reuse_gaps, 1);
		}
		r->present_ns = now;
		if (now > r->until_ns)
			t->risks[i--] = t->risks[--t->nrisks];
	}
	return 0;
}

struct ftrace_track *ftrace_track_new(struct csv_writer *w, pid_t root, pid_t recorder)
{
	struct ftrace_track *t = calloc(1, sizeof(*t));

	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->w = w;
	t->root = root;
	t->root_wstatus = -1;
	t->recorder = recorder;
	t->deferred_tail = &t->deferred;
	t->held_tail = &t->held;
	t->tasks = ftrace_pidmap_new();
	t->procs = ftrace_pidmap_new();
	t->held_by_pid = ftrace_pidmap_new();
	t->ended_at = ftrace_pidmap_new();
	if (!t->tasks || !t->procs || !t->held_by_pid || !t->ended_at)
		goto error;
	/* The root: forked by the recorder before tracing began, so it has no fork row. */
	if (!task_add(t, root, root) || !proc_add(t, root, recorder, NULL))
		goto error;
	COUNT_ADD(t, procs, 1);
	return t;
error:
	ftrace_track_free(t);
	errno = ENOMEM;
	return NULL;
}

/* The task an event needs to know, 0 when none. */
static pid_t actor(const struct ftrace_ev *ev)
{
	switch (ev->kind) {
	case FTRACE_EV_EXEC:
		return ev->pid2; /* the task that called execve */
	case FTRACE_EV_SIG_GENERATE:
		return 0;
	case FTRACE_EV_EXIT:
		return ev->pid;
	default:
		return ev->tid;
	}
}

static int on_newtask(struct ftrace_track *t, const struct ftrace_ev *ev)
{
	struct task *creator = ftrace_pidmap_get(t->tasks, ev->tid), *child;
	struct proc *cp = ftrace_pidmap_get(t->procs, creator->tgid);
	bool thread = ev->flags & CLONE_THREAD;

	if (!thread)
		existing_cancel(t, ev->pid, ev->ts);
	held_next_image(t, ev->pid, ev->ts); /* /proc/TID/cmdline would show the new task */
	child = task_add(t, ev->pid, thread ? creator->tgid : ev->pid);
	if (!child || risk_check(t, ev->pid, ev->ts) < 0)
		return -1;
	child->thread = thread;
	child->since = ev->ts;
	if (thread) {
		if (cp)
			cp->threads++;
		return 0;
	}
	/* CLONE_PARENT: the child's parent is the creator's parent */
	pid_t ppid = (ev->flags & CLONE_PARENT) ? (cp ? cp->ppid : 0) : creator->tgid;
	struct proc *p = proc_add(t, ev->pid, ppid, ev->comm);

	if (!p)
		return -1;
	p->since = ev->ts;
	return 0;
}

static int on_fork(struct ftrace_track *t, const struct ftrace_ev *ev)
{
	struct task *creator = ftrace_pidmap_get(t->tasks, ev->tid);
	struct task *child = ftrace_pidmap_get(t->tasks, ev->pid2);
	struct csv_event row;

	if (!child) {
		/* task_newtask missing: the best evidence is a new process */
		struct proc *p;

		held_next_image(t, ev->pid2, ev->ts);
		child = task_add(t, ev->pid2, ev->pid2);
		if (!child || risk_check(t, ev->pid2, ev->ts) < 0 ||
		    !(p = proc_add(t, ev->pid2, creator->tgid, ev->comm2)))
			return -1;
		child->since = p->since = ev->ts;
	}
	row_init(&row, CSV_FORK, ev);
	CSV_SET(&row, pid, CSV_F_PID, creator->tgid);
	CSV_SET(&row, tid, CSV_F_TID, ev->pid);
	CSV_SET(&row, child_pid, CSV_F_CHILD_PID, child->tgid);
	CSV_SET(&row, child_tid, CSV_F_CHILD_TID, ev->pid2);
	if (child->thread >= 0)
		CSV_SET(&row, thread, CSV_F_THREAD, child->thread == 1);
	row.comm = ev->comm;
	row.child_comm = ev->comm2;
	if (child->thread != 1) {
		existing_cancel(t, child->tgid, ev->ts);
		COUNT_ADD(t, procs, 1);
	}
	return write_row(t, &row);
}

static int on_exec(struct ftrace_track *t, const struct ftrace_ev *ev)
{
	struct proc *p = ftrace_pidmap_get(t->procs, ev->pid);
	char comm[FTRACE_COMM_SIZE];
	bool have_comm = procfs_exec_comm(ev->filename, comm, sizeof(comm));
	struct csv_event row;

	held_next_image(t, ev->pid, ev->ts);
	if (ev->pid2 != ev->pid)
		task_del(t, ev->pid2); /* the exec'ing thread took the leader's tid */
	if (!ftrace_pidmap_get(t->tasks, ev->pid) && !task_add(t, ev->pid, ev->pid))
		return -1;
	if (!p) {
		COUNT_ADD(t, unknown_tasks, 1);
		p = proc_add(t, ev->pid, 0, NULL);
		if (!p)
			return -1;
	}
	/* exec kills the other threads: what they saw (SIGKILL) is not the process's fate */
	p->threads = 1;
	p->has_code = false;
	p->signal = p->sent_sig = 0;
	if (have_comm)
		snprintf(p->comm, sizeof(p->comm), "%s", comm);

	row_init(&row, CSV_EXEC, ev);
	CSV_SET(&row, pid, CSV_F_PID, ev->pid);
	if (ev->pid2 != ev->pid)
		CSV_SET(&row, old_tid, CSV_F_OLD_TID, ev->pid2);
	if (p->ppid > 0)
		CSV_SET(&row, ppid, CSV_F_PPID, p->ppid);
	row.filename = ev->filename;
	row.comm = have_comm ? comm : NULL;
	COUNT_ADD(t, execs, 1);
	return held_add(t, &row);
}

static void on_exit_call(struct ftrace_track *t, const struct ftrace_ev *ev)
{
	struct task *tk = ftrace_pidmap_get(t->tasks, ev->tid);
	struct proc *p = ftrace_pidmap_get(t->procs, tk->tgid);

	if (ev->kind == FTRACE_EV_EXIT_THREAD) {
		tk->has_code = true;
		tk->code = (int)(ev->num & 0xff);
	} else if (p && !p->has_code && !p->signal) {
		/* the first exit_group wins, as in the kernel */
		p->has_code = true;
		p->code = (int)(ev->num & 0xff);
	}
}

static void on_signal(struct ftrace_track *t, const struct ftrace_ev *ev)
{
	int sig = (int)ev->num;
	struct task *tk;
	struct proc *p;

	if (!sig_fatal_default(sig))
		return;
	if (ev->kind == FTRACE_EV_SIG_GENERATE) {
		/* result 0: TRACE_SIGNAL_DELIVERED (queued to the target) */
		tk = ftrace_pidmap_get(t->tasks, ev->pid);
		p = tk && ev->num2 == 0 ? ftrace_pidmap_get(t->procs, tk->tgid) : NULL;
		if (p)
			p->sent_sig = sig;
		return;
	}
	if (ev->num2 != 0) /* sa_handler: not SIG_DFL, the process handles or ignores it */
		return;
	tk = ftrace_pidmap_get(t->tasks, ev->tid);
	p = ftrace_pidmap_get(t->procs, tk->tgid);
	if (!p || p->has_code || p->signal)
		return;
	if (sig != SIGKILL)
		p->signal = sig;
	else if (p->sent_sig)
		p->signal = p->sent_sig;
}

static int on_task_exit(struct ftrace_track *t, const struct ftrace_ev *ev)
{
	struct task *tk = ftrace_pidmap_get(t->tasks, ev->pid);
	struct proc *p = ftrace_pidmap_get(t->procs, tk->tgid);
	pid_t tgid = tk->tgid;
	struct csv_event row;
	bool group;
	int ret = 0;

	if (ev->num2 >= 0)
		group = ev->num2 != 0;
	else
		group = p ? p->threads <= 1 : ev->pid == tgid;
	row_init(&row, CSV_EXIT, ev);
	CSV_SET(&row, pid, CSV_F_PID, tgid);
	CSV_SET(&row, tid, CSV_F_TID, ev->pid);
	CSV_SET(&row, group, CSV_F_GROUP, group);
	if (p && p->ppid > 0)
		CSV_SET(&row, ppid, CSV_F_PPID, p->ppid);
	row.comm = ev->comm;
	if (group && p && p->signal)
		CSV_SET(&row, signal, CSV_F_SIGNAL, p->signal);
	else if (group && p && p->has_code)
		CSV_SET(&row, code, CSV_F_CODE, p->code);
	else if (tk->has_code)
		CSV_SET(&row, code, CSV_F_CODE, tk->code);

	if (group && tgid == t->root && !t->have_root_exit) {
		/* held until finish(): the recorder's waitpid status completes it */
		t->root_exit = row;
		snprintf(t->root_exit_comm, sizeof(t->root_exit_comm), "%s", ev->comm);
		t->root_exit.comm = t->root_exit_comm;
		t->have_root_exit = true;
	} else {
		ret = write_row(t, &row);
	}
	task_del(t, ev->pid);
	if (ended_add(t, ev->pid, ev->ts) < 0)
		ret = -1;
	if (p && --p->threads < 0)
		p->threads = 0;
	if (group) {
		held_invalidate(t, tgid, ev->ts);
		proc_del(t, tgid);
	}
	return ret;
}

static int handle(struct ftrace_track *t, const struct ftrace_ev *ev)
{
	switch (ev->kind) {
	case FTRACE_EV_NEWTASK:
		return on_newtask(t, ev);
	case FTRACE_EV_FORK:
		return on_fork(t, ev);
	case FTRACE_EV_EXEC:
		return on_exec(t, ev);
	case FTRACE_EV_EXIT:
		return on_task_exit(t, ev);
	case FTRACE_EV_EXIT_GROUP:
	case FTRACE_EV_EXIT_THREAD:
		on_exit_call(t, ev);
		return 0;
	case FTRACE_EV_SIG_GENERATE:
	case FTRACE_EV_SIG_DELIVER:
		on_signal(t, ev);
		return 0;
	default:
		return 0;
	}
}

static void ev_free(struct ftrace_ev *ev)
{
	free(ev->filename);
	free(ev);
}

/*
 * An event older than the creation of the task it names is another task's:
 * one outside the workload that held the tid before (set_event_pid still
 * let it through, see FTRACE_REUSE_RISK_NS).
 */
static bool predates(const struct ftrace_track *t, const struct ftrace_ev *ev, pid_t a)
{
	const struct task *tk = ftrace_pidmap_get(t->tasks, a);

	return tk && tk->since > ev->ts;
}

/* Run the queued events whose task is now known, until none is. */
static int run_deferred(struct ftrace_track *t)
{
	bool progress = true;

	while (progress && t->deferred) {
		struct ftrace_ev **pp = &t->deferred;

		progress = false;
		while (*pp) {
			struct ftrace_ev *ev = *pp;
			pid_t a = actor(ev);

			if (a && !ftrace_pidmap_get(t->tasks, a)) {
				pp = &ev->next;
				continue;
			}
			*pp = ev->next;
			t->ndeferred--;
			progress = true;
			if (a && predates(t, ev, a)) {
				COUNT_ADD(t, foreign_events, 1);
				ev_free(ev);
				continue;
			}
			int ret = handle(t, ev);

			ev_free(ev);
			if (ret < 0)
				return -1;
		}
		t->deferred_tail = pp;
	}
	return 0;
}

int ftrace_track_event(struct ftrace_track *t, struct ftrace_ev *ev)
{
	pid_t a = actor(ev);
	int ret;

	if (a && !ftrace_pidmap_get(t->tasks, a)) {
		ev->next = NULL;
		*t->deferred_tail = ev;
		t->deferred_tail = &ev->next;
		t->ndeferred++;
		return 0;
	}
	if (a && predates(t, ev, a)) {
		COUNT_ADD(t, foreign_events, 1);
		ev_free(ev);
		return 0;
	}
	ret = handle(t, ev);
	if (ret == 0 && t->ndeferred &&
	    (ev->kind == FTRACE_EV_NEWTASK || ev->kind == FTRACE_EV_FORK ||
	     ev->kind == FTRACE_EV_EXEC))
		ret = run_deferred(t);
	ev_free(ev);
	return ret;
}

int ftrace_track_lost(struct ftrace_track *t, int cpu, uint64_t start, uint64_t end,
		      long long count)
{
	struct csv_event row = { .kind = CSV_LOST };

	CSV_SET(&row, time_ns, CSV_F_TIME, start);
	CSV_SET(&row, end_ns, CSV_F_END, end < start ? start : end);
	if (cpu >= 0) {
		CSV_SET(&row, cpu, CSV_F_CPU, cpu);
		COUNT_ADD(t, kernel_lost_rows, 1);
	}
	if (count >= 0) {
		CSV_SET(&row, count, CSV_F_COUNT, (uint64_t)count);
		COUNT_ADD(t, lost, (uint64_t)count);
	}
	COUNT_ADD(t, lost_rows, 1);
	return write_row(t, &row);
}

struct alive_ctx {
	struct ftrace_track *t;
	uint64_t now;
	uint64_t alive;
	int64_t boot_minus_mono; /* CLOCK_BOOTTIME - CLOCK_MONOTONIC, ns */
	long ticks;              /* /proc/PID/stat's starttime unit, per second */
	int ret;
};

/*
 * Whether the process at @pid now is the one created at @since (mono ns):
 * /proc/PID/stat says when it started, in clock ticks of CLOCK_BOOTTIME.
 */
static bool same_start(const struct alive_ctx *ctx, uint64_t since, uint64_t start_ticks)
{
	int64_t boot = (int64_t)since + ctx->boot_minus_mono;
	int64_t want = boot / (1000000000LL / ctx->ticks);
	int64_t diff = want - (int64_t)start_ticks;

	return diff >= -1 && diff <= 1;
}

static int write_alive(pid_t pid, void *val, void *vctx)
{
	struct alive_ctx *ctx = vctx;
	struct proc *p = val;
	struct procfs_stat st;
	struct csv_event row = { .kind = CSV_ALIVE };
	bool exists = procfs_read_stat(pid, &st) == 0;

	/*
	 * A process with no exit row is called alive only when it still
	 * exists and is the same process (its start time): otherwise its exit
	 * was lost (a loss, or its tid dropped from the filter by a reuse),
	 * and the loss is reported, not hidden behind an `alive` row.
	 */
	if (!exists || (p->since && ctx->ticks > 0 &&
			!same_start(ctx, p->since, st.starttime_ticks))) {
		COUNT_ADD(ctx->t, alive_gone, 1);
		if (ftrace_track_lost(ctx->t, -1, p->since ? p->since : ctx->now, ctx->now, 1) < 0) {
			ctx->ret = -1;
			return 1;
		}
		return 0;
	}
	CSV_SET(&row, time_ns, CSV_F_TIME, ctx->now);
	CSV_SET(&row, pid, CSV_F_PID, pid);
	if (exists && st.ppid > 0)
		CSV_SET(&row, ppid, CSV_F_PPID, st.ppid);
	else if (p->ppid > 0)
		CSV_SET(&row, ppid, CSV_F_PPID, p->ppid);
	row.comm = exists ? st.comm : p->comm[0] ? p->comm : NULL;
	if (write_row(ctx->t, &row) < 0) {
		ctx->ret = -1;
		return 1;
	}
	ctx->alive++;
	return 0;
}

int ftrace_track_finish(struct ftrace_track *t, int root_status)
{
	struct alive_ctx ctx = { .t = t, .now = clock_mono_ns(), .ticks = sysconf(_SC_CLK_TCK) };
	struct timespec boot, mono;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	ctx.boot_minus_mono = (boot.tv_sec - mono.tv_sec) * 1000000000LL +
			      (boot.tv_nsec - mono.tv_nsec);

	/*
	 * Tasks never seen created.  With nothing lost by the ring buffer,
	 * every creation in the workload was seen: these are outsiders that
	 * took a tid the filter still held, and their events are dropped.
	 * (A tid dropped from the filter hides its task's children entirely,
	 * creations and events alike.)  After a ring-buffer loss a creation
	 * may be among the lost events: assume each task led its own process.
	 */
	if (!__atomic_load_n(&t->c.kernel_lost_rows, __ATOMIC_RELAXED)) {
		while (t->deferred) {
			struct ftrace_ev *ev = t->deferred;

			t->deferred = ev->next;
			t->ndeferred--;
			COUNT_ADD(t, foreign_events, 1);
			ev_free(ev);
		}
		t->deferred_tail = &t->deferred;
	}
	while (t->deferred) {
		struct ftrace_ev *ev = t->deferred;
		pid_t a = actor(ev);

		if (a && !ftrace_pidmap_get(t->tasks, a)) {
			COUNT_ADD(t, unknown_tasks, 1);
			if (!task_add(t, a, a) ||
			    (!ftrace_pidmap_get(t->procs, a) && !proc_add(t, a, 0, NULL)))
				return -1;
		}
		if (run_deferred(t) < 0)
			return -1;
	}
	/*
	 * Tracing is off and every event was read: no event can disprove a held
	 * argv any more.  One read after tracing stopped (the final drain) is
	 * trusted unproved: docs/recorder.md says so.
	 */
	if (ftrace_track_release(t, UINT64_MAX) < 0)
		return -1;
	if (t->have_root_exit) {
		struct csv_event *row = &t->root_exit;

		if (root_status >= 0 && WIFEXITED(root_status)) {
			row->present &= ~CSV_BIT(CSV_F_SIGNAL);
			CSV_SET(row, code, CSV_F_CODE, WEXITSTATUS(root_status));
		} else if (root_status >= 0 && WIFSIGNALED(root_status)) {
			row->present &= ~CSV_BIT(CSV_F_CODE);
			CSV_SET(row, signal, CSV_F_SIGNAL, WTERMSIG(root_status));
		}
		if (CSV_HAS(row, CSV_F_SIGNAL))
			t->root_wstatus = row->signal & 0x7f;
		else if (CSV_HAS(row, CSV_F_CODE))
			t->root_wstatus = (row->code & 0xff) << 8;
		if (write_row(t, row) < 0)
			return -1;
		t->have_root_exit = false;
	} else if (root_status >= 0) {
		/* the recorder reaped it: its exit event was lost, it is not alive */
		proc_del(t, t->root);
	}
	ftrace_pidmap_each(t->procs, write_alive, &ctx);
	/* from now on "alive" counts the alive rows, not processes without an exit */
	__atomic_store_n(&t->c.alive, ctx.alive, __ATOMIC_RELAXED);
	return ctx.ret;
}

int ftrace_track_root_status(const struct ftrace_track *t)
{
	return t->root_wstatus;
}

void ftrace_track_counts(const struct ftrace_track *t, struct ftrace_counts *c)
{
	c->events = __atomic_load_n(&t->c.events, __ATOMIC_RELAXED);
	c->procs = __atomic_load_n(&t->c.procs, __ATOMIC_RELAXED);
	c->execs = __atomic_load_n(&t->c.execs, __ATOMIC_RELAXED);
	c->alive = __atomic_load_n(&t->c.alive, __ATOMIC_RELAXED);
	c->lost = __atomic_load_n(&t->c.lost, __ATOMIC_RELAXED);
	c->lost_rows = __atomic_load_n(&t->c.lost_rows, __ATOMIC_RELAXED);
	c->unknown_tasks = __atomic_load_n(&t->c.unknown_tasks, __ATOMIC_RELAXED);
	c->argv_unknown = __atomic_load_n(&t->c.argv_unknown, __ATOMIC_RELAXED);
	c->argv_stale = __atomic_load_n(&t->c.argv_stale, __ATOMIC_RELAXED);
	c->foreign_events = __atomic_load_n(&t->c.foreign_events, __ATOMIC_RELAXED);
	c->reuse_gaps = __atomic_load_n(&t->c.reuse_gaps, __ATOMIC_RELAXED);
	c->alive_gone = __atomic_load_n(&t->c.alive_gone, __ATOMIC_RELAXED);
}

static int free_val(pid_t pid, void *val, void *ctx)
{
	(void)pid;
	(void)ctx;
	free(val);
	return 0;
}

void ftrace_track_free(struct ftrace_track *t)
{
	if (!t)
		return;
	while (t->deferred) {
		struct ftrace_ev *ev = t->deferred;

		t->deferred = ev->next;
		ev_free(ev);
	}
	if (t->tasks) {
		ftrace_pidmap_each(t->tasks, free_val, NULL);
		ftrace_pidmap_free(t->tasks);
	}
	if (t->procs) {
		ftrace_pidmap_each(t->procs, free_val, NULL);
		ftrace_pidmap_free(t->procs);
	}
	while (t->held) {
		struct held_exec *h = t->held;

		t->held = h->next;
		held_free(h);
	}
	ftrace_pidmap_free(t->held_by_pid);
	ftrace_pidmap_free(t->ended_at);
	free(t->existing);
	free(t->ended);
	free(t->risks);
	free(t);
}
