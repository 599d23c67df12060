// SPDX-License-Identifier: MIT
/*
 * The process model: which tid belongs to which process, and what each
 * event means for the processes (docs/kevent.md).
 *
 * Trace records carry only the tid of the task that emitted them, so the
 * model keeps tid -> process (tgid) from task_newtask (CLONE_THREAD tells
 * a thread, CLONE_PARENT whose child it is) or, when that was lost, from
 * sched_process_fork (a new process, thread unknown).  An exec from a
 * non-leader thread gives the leader's tid to that thread (de_thread()).
 * The exit status rules are kevent_exit.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "kevent-private.h"
#include "procfs.h"

#ifndef CLONE_THREAD
#define CLONE_THREAD 0x00010000
#endif
#ifndef CLONE_PARENT
#define CLONE_PARENT 0x00008000
#endif

struct kevent_model {
	struct pidmap *tasks, *procs;
	uint64_t nprocs; /* read by other threads with __atomic loads */
	char exec_comm[KEVENT_COMM_SIZE];
};

struct kevent_model *kevent_model_new(void)
{
	struct kevent_model *m = calloc(1, sizeof(*m));

	if (!m)
		goto error;
	m->tasks = pidmap_new();
	m->procs = pidmap_new();
	if (!m->tasks || !m->procs)
		goto error;
	return m;
error:
	kevent_model_free(m);
	err_set("out of memory");
	errno = ENOMEM;
	return NULL;
}

static int free_val(pid_t pid, void *val, void *ctx)
{
	(void)pid;
	(void)ctx;
	free(val);
	return 0;
}

void kevent_model_free(struct kevent_model *m)
{
	if (!m)
		return;
	if (m->tasks) {
		pidmap_each(m->tasks, free_val, NULL);
		pidmap_free(m->tasks);
	}
	if (m->procs) {
		pidmap_each(m->procs, free_val, NULL);
		pidmap_free(m->procs);
	}
	free(m);
}

static void *nomem(void)
{
	err_set("out of memory tracking tasks");
	errno = ENOMEM;
	return NULL;
}

/* Task @tid of process @tgid, replacing what the model had for @tid. */
static struct kevent_task *task_add(struct kevent_model *m, pid_t tid, pid_t tgid, int thread)
{
	struct kevent_task *tk = pidmap_get(m->tasks, tid);

	if (!tk) {
		tk = calloc(1, sizeof(*tk));
		if (!tk || pidmap_put(m->tasks, tid, tk) < 0) {
			free(tk);
			return nomem();
		}
	}
	memset(tk, 0, sizeof(*tk));
	tk->tid = tid;
	tk->tgid = tgid;
	tk->thread = thread;
	return tk;
}

static void task_del(struct kevent_model *m, pid_t tid)
{
	free(pidmap_del(m->tasks, tid));
}

static struct kevent_process *proc_add(struct kevent_model *m, pid_t tgid, pid_t ppid,
				       const char *comm)
{
	struct kevent_process *p = pidmap_get(m->procs, tgid);

	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p || pidmap_put(m->procs, tgid, p) < 0) {
			free(p);
			return nomem();
		}
		__atomic_add_fetch(&m->nprocs, 1, __ATOMIC_RELAXED);
	}
	memset(p, 0, sizeof(*p));
	p->tgid = tgid;
	p->ppid = ppid;
	p->threads = 1;
	if (comm)
		snprintf(p->comm, sizeof(p->comm), "%s", comm);
	return p;
}

static void proc_del(struct kevent_model *m, pid_t tgid)
{
	struct kevent_process *p = pidmap_del(m->procs, tgid);

	if (p) {
		__atomic_sub_fetch(&m->nprocs, 1, __ATOMIC_RELAXED);
		free(p);
	}
}

int kevent_model_add_process(struct kevent_model *m, pid_t tgid, pid_t ppid, const pid_t *tids,
			     size_t ntids, uint64_t since, const char *comm)
{
	struct kevent_process *p;

	if (!tids) {
		tids = &tgid;
		ntids = 1;
	}
	for (size_t i = 0; i < ntids; i++) {
		struct kevent_task *tk = task_add(m, tids[i], tgid, tids[i] != tgid);

		if (!tk)
			return -1;
		tk->since = since;
	}
	p = proc_add(m, tgid, ppid, comm);
	if (!p)
		return -1;
	p->threads = (int)ntids;
	p->since = since;
	return 0;
}

void kevent_model_forget(struct kevent_model *m, pid_t tid)
{
	struct kevent_task *tk = pidmap_get(m->tasks, tid);

	if (tk && tk->tgid != tid) {
		struct kevent_process *p = pidmap_get(m->procs, tk->tgid);

		if (p && p->threads > 1)
			p->threads--;
	} else {
		proc_del(m, tid);
	}
	task_del(m, tid);
}

bool kevent_model_knows(const struct kevent_model *m, pid_t tid)
{
	return pidmap_get(m->tasks, tid) != NULL;
}

uint64_t kevent_model_nprocs(const struct kevent_model *m)
{
	return __atomic_load_n(&m->nprocs, __ATOMIC_RELAXED);
}

struct each_ctx {
	int (*fn)(const struct kevent_proc *p, void *ctx);
	void *ctx;
};

static int each_proc(pid_t pid, void *val, void *vctx)
{
	const struct kevent_process *p = val;
	struct each_ctx *e = vctx;
	struct kevent_proc kp = { pid, p->ppid, p->since, p->comm };

	return e->fn(&kp, e->ctx);
}

int kevent_model_each(const struct kevent_model *m,
		      int (*fn)(const struct kevent_proc *p, void *ctx), void *ctx)
{
	struct each_ctx e = { fn, ctx };

	return pidmap_each(m->procs, each_proc, &e);
}

pid_t kevent_actor(const struct kevent *ev)
{
	switch (ev->kind) {
	case KEVENT_EXEC: return ev->pid2;  /* the task that called execve */
	case KEVENT_SIG_GENERATE: return 0; /* the sender may be anyone; the target matters */
	case KEVENT_EXIT: return ev->pid;
	default: return ev->tid;
	}
}

/* task_newtask: the child task exists, a thread or a process of its own. */
static int on_newtask(struct kevent_model *m, const struct kevent *ev, struct kevent_fact *f)
{
	struct kevent_task *creator = pidmap_get(m->tasks, ev->tid), *child;
	struct kevent_process *cp = pidmap_get(m->procs, creator->tgid);
	bool thread = ev->flags & CLONE_THREAD;
	pid_t tgid = creator->tgid;

	child = task_add(m, ev->pid, thread ? tgid : ev->pid, thread);
	if (!child)
		return -1;
	child->since = ev->ts;
	f->kind = KEVENT_F_TASK;
	f->pid = tgid;
	f->tid = ev->tid;
	f->child_pid = child->tgid;
	f->child_tid = ev->pid;
	f->thread = thread;
	f->created = true;
	if (thread) {
		if (cp)
			cp->threads++;
		return 0;
	}
	/* CLONE_PARENT: the child's parent is the creator's parent */
	pid_t ppid = (ev->flags & CLONE_PARENT) ? (cp ? cp->ppid : 0) : tgid;
	struct kevent_process *p = proc_add(m, ev->pid, ppid, ev->comm);

	if (!p)
		return -1;
	p->since = ev->ts;
	return 0;
}

/* sched_process_fork: the fork row; the child as a process when task_newtask was lost. */
static int on_fork(struct kevent_model *m, const struct kevent *ev, struct kevent_fact *f)
{
	struct kevent_task *creator = pidmap_get(m->tasks, ev->tid);
	struct kevent_task *child = pidmap_get(m->tasks, ev->pid2);

	f->kind = KEVENT_F_FORK;
	f->pid = creator->tgid;
	if (!child) {
		struct kevent_process *p;

		f->created = true;
		child = task_add(m, ev->pid2, ev->pid2, -1);
		if (!child || !(p = proc_add(m, ev->pid2, creator->tgid, ev->comm2)))
			return -1;
		child->since = p->since = ev->ts;
	}
	f->tid = ev->pid;
	f->child_pid = child->tgid;
	f->child_tid = ev->pid2;
	f->thread = child->thread;
	f->comm = ev->comm;
	f->child_comm = ev->comm2;
	return 0;
}

static int on_exec(struct kevent_model *m, const struct kevent *ev, struct kevent_fact *f)
{
	struct kevent_process *p = pidmap_get(m->procs, ev->pid);
	bool have_comm = procfs_exec_comm(ev->filename, m->exec_comm, sizeof(m->exec_comm));

	if (ev->pid2 != ev->pid)
		task_del(m, ev->pid2); /* the exec'ing thread took the leader's tid */
	if (!pidmap_get(m->tasks, ev->pid) && !task_add(m, ev->pid, ev->pid, -1))
		return -1;
	if (!p) {
		f->unknown_process = true;
		p = proc_add(m, ev->pid, 0, NULL);
		if (!p)
			return -1;
	}
	/* exec kills the other threads: what they saw (SIGKILL) is not the process's fate */
	p->threads = 1;
	kevent_exit_reset(p);
	if (have_comm)
		snprintf(p->comm, sizeof(p->comm), "%s", m->exec_comm);
	f->kind = KEVENT_F_EXEC;
	f->pid = ev->pid;
	f->old_tid = ev->pid2 != ev->pid ? ev->pid2 : 0;
	f->ppid = p->ppid;
	f->filename = ev->filename;
	f->comm = have_comm ? m->exec_comm : NULL;
	return 0;
}

static void on_task_exit(struct kevent_model *m, const struct kevent *ev, struct kevent_fact *f)
{
	struct kevent_task *tk = pidmap_get(m->tasks, ev->pid);
	struct kevent_process *p = pidmap_get(m->procs, tk->tgid);
	pid_t tgid = tk->tgid;

	f->kind = KEVENT_F_EXIT;
	f->pid = tgid;
	f->tid = ev->pid;
	/* group_dead, or on kernels without the field the count of threads */
	if (ev->num2 >= 0)
		f->group = ev->num2 != 0;
	else
		f->group = p ? p->threads <= 1 : ev->pid == tgid;
	f->ppid = p ? p->ppid : 0;
	f->comm = ev->comm;
	kevent_exit_status(p, tk, f);
	task_del(m, ev->pid);
	if (p && --p->threads < 0)
		p->threads = 0;
	if (f->group)
		proc_del(m, tgid);
}

/* The process task @tid belongs to, NULL when either is unknown. */
static struct kevent_process *proc_of(struct kevent_model *m, pid_t tid)
{
	struct kevent_task *tk = pidmap_get(m->tasks, tid);

	return tk ? pidmap_get(m->procs, tk->tgid) : NULL;
}

int kevent_model_feed(struct kevent_model *m, const struct kevent *ev, struct kevent_fact *f)
{
	pid_t a = kevent_actor(ev);
	struct kevent_task *tk = a ? pidmap_get(m->tasks, a) : NULL;

	memset(f, 0, sizeof(*f));
	f->ts = ev->ts;
	f->cpu = ev->cpu;
	if (a && !tk)
		return KEVENT_UNKNOWN;
	/*
	 * An event older than the creation of the task it names is another
	 * task's: one that held the tid before (a filter or a reuse let it in).
	 */
	if (tk && tk->since > ev->ts)
		return KEVENT_FOREIGN;
	switch (ev->kind) {
	case KEVENT_NEWTASK: return on_newtask(m, ev, f);
	case KEVENT_FORK: return on_fork(m, ev, f);
	case KEVENT_EXEC: return on_exec(m, ev, f);
	case KEVENT_EXIT: on_task_exit(m, ev, f); return KEVENT_DONE;
	case KEVENT_EXIT_GROUP:
	case KEVENT_EXIT_THREAD:
		kevent_exit_call(pidmap_get(m->procs, tk->tgid), tk, ev);
		return KEVENT_DONE;
	case KEVENT_SIG_GENERATE:
		kevent_exit_generated(proc_of(m, ev->pid), ev);
		return KEVENT_DONE;
	case KEVENT_SIG_DELIVER:
		kevent_exit_delivered(pidmap_get(m->procs, tk->tgid), ev);
		return KEVENT_DONE;
	default: return KEVENT_DONE;
	}
}
