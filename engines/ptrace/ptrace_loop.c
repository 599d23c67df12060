// SPDX-License-Identifier: MIT
/*
 * The ptrace engine's event loop: one wait4() per stop, exactly one
 * resume per stop (or a deliberate hold), rows written as stops arrive.
 * docs/engine-ptrace.md describes each race handled here.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "procfs.h"
#include "ptrace-private.h"

#define DETACH_TIMEOUT_NS (3ULL * 1000000000ULL)

/* How a stop is ended when nothing special is decided: what the tracee
 * would have done without a tracer. */
struct pt_resume {
	int req; /* PTRACE_CONT or PTRACE_LISTEN */
	int sig; /* signal to deliver with PTRACE_CONT */
};

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static struct pt_resume natural_resume(int event, int sig)
{
	struct pt_resume r = { PTRACE_CONT, 0 };

	if (event == 0)
		r.sig = sig; /* signal-delivery-stop: deliver it */
	else if (event == PTRACE_EVENT_STOP && is_stop_signal(sig))
		r.req = PTRACE_LISTEN; /* group-stop: stay stopped, as untraced */
	/* PTRACE_EVENT_STOP with SIGTRAP: initial attach stop or our interrupt */
	return r;
}

void pt_write_failed(struct engine *e)
{
	if (!e->write_failed)
		snprintf(e->write_err, sizeof(e->write_err), "%s", err_msg());
	e->write_failed = true;
}

static void emit(struct engine *e, const struct csv_event *ev)
{
	if (csv_writer_event(e->w, ev) < 0)
		pt_write_failed(e);
}

static void count_procs(struct engine *e, int64_t d_procs, int64_t d_alive)
{
	__atomic_add_fetch(&e->st_procs, (uint64_t)d_procs, __ATOMIC_RELAXED);
	__atomic_add_fetch(&e->st_alive, (uint64_t)d_alive, __ATOMIC_RELAXED);
}

/*
 * End the stop @t is in.  Refuses (and counts) when @t is not stopped: a
 * second PTRACE_CONT would end the tracee's *next* stop unseen and lose
 * its event (a wspy bug).  While detaching, every stop but an exit stop
 * ends in PTRACE_DETACH (which keeps a group-stop in effect and delivers
 * the pending signal).
 */
static void resume(struct engine *e, struct pt_task *t, struct pt_resume r)
{
	long ret;

	if (!t->stopped) {
		e->counters[PT_C_RESUME_REFUSED]++;
		return;
	}
	t->stopped = false;
	if (r.sig)
		e->counters[PT_C_SIGNALS]++;
	if (r.req == PTRACE_LISTEN)
		e->counters[PT_C_GROUP_STOPS]++;
	if (e->detaching && !t->exit_seen) {
		ret = ptrace(PTRACE_DETACH, t->tid, 0, (long)r.sig);
		t->detached = true;
		e->counters[PT_C_DETACHED]++;
	} else if (r.req == PTRACE_LISTEN) {
		ret = ptrace(PTRACE_LISTEN, t->tid, 0, 0L);
	} else {
		ret = ptrace(PTRACE_CONT, t->tid, 0, (long)r.sig);
	}
	/* ESRCH: SIGKILLed meanwhile; its death is reported next */
	(void)ret;
}

static void fill_exit(struct csv_event *ev, pid_t tgid, pid_t tid, pid_t ppid, int status,
		      const struct rusage *ru, uint64_t now, const char *comm)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = CSV_EXIT;
	CSV_SET(ev, time_ns, CSV_F_TIME, now);
	CSV_SET(ev, pid, CSV_F_PID, tgid);
	CSV_SET(ev, tid, CSV_F_TID, tid);
	if (ppid > 0)
		CSV_SET(ev, ppid, CSV_F_PPID, ppid);
	CSV_SET(ev, group, CSV_F_GROUP, tid == tgid);
	if (WIFEXITED(status))
		CSV_SET(ev, code, CSV_F_CODE, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		CSV_SET(ev, signal, CSV_F_SIGNAL, WTERMSIG(status));
	/* wait4's rusage covers the whole thread group: only on the group row */
	if (tid == tgid && ru) {
		CSV_SET(ev, utime_ns, CSV_F_UTIME,
			(uint64_t)ru->ru_utime.tv_sec * 1000000000ULL +
				(uint64_t)ru->ru_utime.tv_usec * 1000ULL);
		CSV_SET(ev, stime_ns, CSV_F_STIME,
			(uint64_t)ru->ru_stime.tv_sec * 1000000000ULL +
				(uint64_t)ru->ru_stime.tv_usec * 1000ULL);
		CSV_SET(ev, maxrss_kb, CSV_F_MAXRSS, (uint64_t)ru->ru_maxrss);
		CSV_SET(ev, minflt, CSV_F_MINFLT, (uint64_t)ru->ru_minflt);
		CSV_SET(ev, majflt, CSV_F_MAJFLT, (uint64_t)ru->ru_majflt);
		CSV_SET(ev, nvcsw, CSV_F_NVCSW, (uint64_t)ru->ru_nvcsw);
		CSV_SET(ev, nivcsw, CSV_F_NIVCSW, (uint64_t)ru->ru_nivcsw);
	}
	ev->comm = comm[0] ? comm : NULL;
}

static void write_fork(struct engine *e, pid_t ptgid, pid_t ptid, const char *pcomm,
		       const struct pt_task *c, bool thread, uint64_t now)
{
	struct csv_event ev = { .kind = CSV_FORK };

	CSV_SET(&ev, time_ns, CSV_F_TIME, now);
	CSV_SET(&ev, pid, CSV_F_PID, ptgid);
	if (ptid > 0)
		CSV_SET(&ev, tid, CSV_F_TID, ptid);
	CSV_SET(&ev, child_pid, CSV_F_CHILD_PID, c->tgid);
	CSV_SET(&ev, child_tid, CSV_F_CHILD_TID, c->tid);
	CSV_SET(&ev, thread, CSV_F_THREAD, thread);
	ev.comm = pcomm && pcomm[0] ? pcomm : NULL;
	ev.child_comm = c->comm[0] ? c->comm : NULL;
	emit(e, &ev);
}

#define PT_PID_LIMIT (1 << 22) /* PID_MAX_LIMIT on 64-bit */

static bool reaped_elsewhere_take(struct engine *e, pid_t pid)
{
	bool was;

	if (!e->reaped_elsewhere || pid <= 0 || pid >= PT_PID_LIMIT)
		return false;
	was = e->reaped_elsewhere[pid / 8] & (1u << (pid % 8));
	e->reaped_elsewhere[pid / 8] &= ~(1u << (pid % 8));
	return was;
}

static void reaped_elsewhere_set(struct engine *e, pid_t pid)
{
	if (pid <= 0 || pid >= PT_PID_LIMIT)
		return;
	if (!e->reaped_elsewhere)
		e->reaped_elsewhere = calloc(PT_PID_LIMIT / 8, 1);
	if (e->reaped_elsewhere) /* without it a second report becomes a fork_lost node, not a loss */
		e->reaped_elsewhere[pid / 8] |= 1u << (pid % 8);
}

/* The process @tid left: everything about it is final. */
static void task_gone(struct engine *e, struct pt_task *t)
{
	if (t->claimed && t->tid == t->tgid)
		count_procs(e, 0, -1);
	pt_table_del(&e->tab, t);
}

/*
 * An early task is now claimed (by its fork event, or by the fallback):
 * replay its death if it already died, else end its held stop.
 */
static void settle_claimed(struct engine *e, struct pt_task *c)
{
	c->early = false;
	c->claimed = true;
	if (c->tid == c->tgid)
		count_procs(e, 1, 1);
	if (c->dead) {
		struct csv_event ev;

		fill_exit(&ev, c->tgid, c->tid, c->ppid, c->status, &c->ru, c->dead_ns, c->comm);
		emit(e, &ev);
		task_gone(e, c);
		return;
	}
	if (c->stopped)
		resume(e, c, natural_resume(PTRACE_EVENT_STOP, c->hold_sig));
}

/*
 * The fork event of these early tasks will never come (their creator died
 * inside fork, or recording ends): write the fork row from the ids read
 * at their held stop, and let them go.  @tgid 0 means all of them.
 */
static void release_unclaimed(struct engine *e, pid_t tgid, uint64_t now)
{
	bool again = true;

	while (again) {
		size_t pos = 0;
		struct pt_task *c;

		again = false;
		while ((c = pt_table_next(&e->tab, &pos))) {
			bool thread;

			if (!c->early)
				continue;
			if (tgid && c->prov_tgid != tgid && c->prov_ppid != tgid)
				continue;
			if (c->dead && c->reaped_again) {
				/* no fork event claimed it: the zombie we already wrote */
				e->counters[PT_C_REAPED_AGAIN]++;
				pt_table_del(&e->tab, c);
				again = true;
				break;
			}
			e->counters[PT_C_UNCLAIMED]++;
			thread = c->prov_tgid && c->prov_tgid != c->tid;
			c->tgid = c->prov_tgid ? c->prov_tgid : c->tid;
			c->ppid = thread ? 0 : c->prov_ppid;
			if (c->prov_tgid)
				write_fork(e, thread ? c->prov_tgid : c->prov_ppid, 0, NULL, c,
					   thread, now);
			settle_claimed(e, c);
			again = true; /* the table may have shifted */
			break;
		}
	}
}

static void on_fork(struct engine *e, struct pt_task *t, int event, uint64_t now)
{
	unsigned long msg = 0;
	struct pt_task *c;
	bool thread = false;
	pid_t ctid;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) < 0)
		return; /* SIGKILLed in the stop: its death comes next */
	ctid = (pid_t)msg;
	reaped_elsewhere_take(e, ctid); /* a new process has the pid */
	/*
	 * FORK and VFORK always make a process.  CLONE is any clone() with an
	 * exit signal other than SIGCHLD, threads and processes alike: the
	 * child is a thread iff its tid belongs to our thread group, which
	 * tgkill(tgid, tid, 0) answers without /proc (the child cannot have
	 * been reaped: we are its tracer and have not waited for it).
	 */
	if (event == PTRACE_EVENT_CLONE) {
		if (syscall(SYS_tgkill, t->tgid, ctid, 0) == 0) {
			thread = true;
		} else if (errno == EPERM) {
			pid_t tg, pp;

			thread = pt_proc_status_ids(ctid, &tg, &pp) == 0 && tg == t->tgid;
		}
	}
	c = pt_table_get(&e->tab, ctid);
	if (c && !c->early) {
		/* a stale entry for a reused tid should not exist: start afresh */
		task_gone(e, c);
		c = NULL;
	}
	if (!c) {
		c = pt_table_add(&e->tab, ctid);
		if (!c) {
			err_set("out of memory");
			pt_write_failed(e);
			resume(e, t, natural_resume(event, 0));
			return;
		}
		c->claimed = true;
		if (!thread)
			count_procs(e, 1, 1);
	}
	c->tgid = thread ? t->tgid : ctid;
	c->ppid = thread ? t->ppid : t->tgid;
	/*
	 * The child inherits the forking thread's comm as it is now, which
	 * prctl(PR_SET_NAME) may have changed since exec; the thread is stopped,
	 * so reading it is not racy.
	 */
	procfs_read_comm(t->tid, t->comm, sizeof(t->comm));
	memcpy(c->comm, t->comm, sizeof(c->comm));
	write_fork(e, t->tgid, t->tid, t->comm, c, thread, now);
	if (c->early)
		settle_claimed(e, c);
	resume(e, t, natural_resume(event, 0));
}

static void on_exec(struct engine *e, struct pt_task *t, uint64_t now)
{
	struct csv_event ev = { .kind = CSV_EXEC };
	struct pt_exec_info x;
	unsigned long msg = 0;
	pid_t old = t->tid;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) == 0)
		old = (pid_t)msg;
	if (old != t->tid) {
		/*
		 * A non-leader thread exec'd and took over the leader's tid; the
		 * old tid is never reported again (no exit), nor is the old
		 * leader's death.
		 */
		struct pt_task *o = pt_table_get(&e->tab, old);

		e->counters[PT_C_NONLEADER_EXEC]++;
		if (o)
			pt_table_del(&e->tab, o);
	}
	t->exit_seen = false;
	pt_exec_read(t->tid, &x);
	if (x.fallback)
		e->counters[PT_C_EXEC_FALLBACK]++;
	if (x.comm_known)
		memcpy(t->comm, x.comm, sizeof(t->comm));
	CSV_SET(&ev, time_ns, CSV_F_TIME, now);
	CSV_SET(&ev, pid, CSV_F_PID, t->tgid);
	if (t->ppid > 0)
		CSV_SET(&ev, ppid, CSV_F_PPID, t->ppid);
	if (old != t->tid)
		CSV_SET(&ev, old_tid, CSV_F_OLD_TID, old);
	ev.comm = x.comm_known ? x.comm : NULL;
	ev.filename = x.filename;
	ev.argv = (const char *const *)x.argv;
	ev.argc = x.argc;
	emit(e, &ev);
	__atomic_add_fetch(&e->st_execs, 1, __ATOMIC_RELAXED);
	if (!ev.argv)
		__atomic_add_fetch(&e->st_argv_unknown, 1, __ATOMIC_RELAXED);
	pt_exec_free(&x);
	/* de_thread() killed every other thread: their pending fork events are void */
	release_unclaimed(e, t->tgid, now);
	resume(e, t, natural_resume(PTRACE_EVENT_EXEC, 0));
}

static void on_death(struct engine *e, struct pt_task *t, pid_t tid, int status,
		     const struct rusage *ru, uint64_t now)
{
	struct csv_event ev;
	pid_t tgid;

	if (!t || t->early) {
		/* dead before its parent's fork event: keep it until claimed */
		if (!t) {
			t = pt_table_add(&e->tab, tid);
			if (!t)
				return;
			t->early = true;
			/* kept until the end: a fork event claiming it proves a new process */
			t->reaped_again = reaped_elsewhere_take(e, tid);
		}
		if (!t->reaped_again)
			e->counters[PT_C_EARLY_DEAD]++;
		t->dead = true;
		t->stopped = false;
		t->status = status;
		t->dead_ns = now;
		t->ru = *ru;
		return;
	}
	if (!t->exit_seen)
		e->counters[PT_C_NO_EXIT_EVENT]++;
	tgid = t->tgid;
	fill_exit(&ev, tgid, tid, t->ppid, status, ru, now, t->comm);
	emit(e, &ev);
	if (tid == tgid && t->ppid != e->self)
		reaped_elsewhere_set(e, tid);
	if (tid == e->root) {
		e->root_done = true;
		e->root_status = status;
	}
	task_gone(e, t);
	if (tid == tgid)
		release_unclaimed(e, tgid, now);
}

/* A stop from a tid we do not know: a new child ahead of its parent's event. */
static void on_early_stop(struct engine *e, pid_t tid, int event, int sig)
{
	struct pt_task *t = pt_table_add(&e->tab, tid);

	if (!t) {
		struct pt_resume r = natural_resume(event, sig);

		ptrace(r.req, tid, 0, (long)r.sig);
		return;
	}
	t->early = true;
	t->stopped = true;
	t->seen_stop = true;
	if (pt_proc_status_ids(tid, &t->prov_tgid, &t->prov_ppid) < 0)
		t->prov_tgid = t->prov_ppid = 0;
	if (event != PTRACE_EVENT_STOP) {
		/* SIGKILLed before its initial stop, now in its exit stop: let it die */
		t->exit_seen = event == PTRACE_EVENT_EXIT;
		resume(e, t, natural_resume(event, sig));
		return;
	}
	e->counters[PT_C_EARLY]++;
	t->hold_sig = sig;
}

int pt_handle(struct engine *e, pid_t tid, int status, const struct rusage *ru, uint64_t now)
{
	struct pt_task *t = pt_table_get(&e->tab, tid);
	int event, sig;

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_death(e, t, tid, status, ru, now);
		return 0;
	}
	if (!WIFSTOPPED(status))
		return 0;
	e->counters[PT_C_STOPS]++;
	event = (unsigned)status >> 16;
	sig = WSTOPSIG(status);
	if (!t && event == PTRACE_EVENT_EXEC) {
		/* non-leader exec whose leader we never saw: adopt the old tid's task */
		unsigned long msg = 0;
		struct pt_task *o = NULL;

		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0)
			o = pt_table_get(&e->tab, (pid_t)msg);
		if (o && !o->early && (t = pt_table_add(&e->tab, tid))) {
			/* tasks never move: o stays valid across the add */
			t->tgid = o->tgid;
			t->ppid = o->ppid;
			t->claimed = t->seen_stop = true;
			memcpy(t->comm, o->comm, sizeof(t->comm));
		}
	}
	if (!t) {
		on_early_stop(e, tid, event, sig);
		return 0;
	}
	if (t->early) {
		/*
		 * Held, yet stopping again: SIGKILL woke it from the held stop
		 * and it is dying.  Let it die; it stays early until claimed.
		 */
		t->stopped = true;
		if (event == PTRACE_EVENT_EXIT)
			t->exit_seen = true;
		resume(e, t, natural_resume(event, sig));
		return 0;
	}
	t->stopped = true;
	if (!t->seen_stop) {
		t->seen_stop = true;
		if (event == PTRACE_EVENT_STOP) {
			resume(e, t, natural_resume(event, sig));
			return 0;
		}
	}
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: on_fork(e, t, event, now); break;
	case PTRACE_EVENT_EXEC: on_exec(e, t, now); break;
	case PTRACE_EVENT_EXIT:
		t->exit_seen = true;
		t->exit_ns = now;
		/* the name it dies with (prctl may have changed it since exec) */
		procfs_read_comm(tid, t->comm, sizeof(t->comm));
		resume(e, t, natural_resume(event, 0));
		break;
	default: resume(e, t, natural_resume(event, sig)); break;
	}
	return 0;
}

/* Only tasks nobody can claim are left (their creators are gone). */
static bool only_unclaimed_left(struct engine *e)
{
	size_t pos = 0;
	struct pt_task *t;

	while ((t = pt_table_next(&e->tab, &pos)))
		if (!t->early && !t->detached)
			return false;
	return true;
}

/*
 * Rows reach the file at least once a second, so a recorder killed with
 * SIGKILL loses at most about a second of them (the writer's buffer holds
 * 256 KiB: on a slow workload, minutes).  wait4() blocks for as long as the
 * workload is quiet, so a per-thread timer interrupts it (EINTR) every
 * second and the loop flushes what is pending; a busy loop sees the same
 * tick between two stops.
 */
#define FLUSH_INTERVAL_NS 1000000000LL

static volatile sig_atomic_t flush_due;

static void on_flush_tick(int sig)
{
	(void)sig;
	flush_due = 1;
}

struct flush_timer {
	timer_t id;
	bool armed;
	struct sigaction old;
	sigset_t old_mask;
};

/* Best effort: without the timer rows still go out when the buffer fills. */
static void flush_timer_start(struct flush_timer *ft)
{
	struct sigaction sa;
	struct sigevent sev;
	struct itimerspec its;
	sigset_t tick;

	its.it_interval.tv_sec = FLUSH_INTERVAL_NS / 1000000000LL;
	its.it_interval.tv_nsec = FLUSH_INTERVAL_NS % 1000000000LL;
	its.it_value = its.it_interval;
	memset(ft, 0, sizeof(*ft));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_flush_tick; /* no SA_RESTART: wait4() must return */
	sigemptyset(&sa.sa_mask);
	if (sigaction(PT_FLUSH_SIGNAL, &sa, &ft->old) < 0)
		return;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = PT_FLUSH_SIGNAL;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid); /* sigev_notify_thread_id */
	if (timer_create(CLOCK_MONOTONIC, &sev, &ft->id) < 0) {
		sigaction(PT_FLUSH_SIGNAL, &ft->old, NULL);
		return;
	}
	sigemptyset(&tick);
	sigaddset(&tick, PT_FLUSH_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &tick, &ft->old_mask);
	timer_settime(ft->id, 0, &its, NULL);
	ft->armed = true;
}

static void flush_timer_stop(struct flush_timer *ft)
{
	if (!ft->armed)
		return;
	timer_delete(ft->id);
	signal(PT_FLUSH_SIGNAL, SIG_IGN); /* a tick still pending is dropped, not fatal */
	pthread_sigmask(SIG_SETMASK, &ft->old_mask, NULL);
	sigaction(PT_FLUSH_SIGNAL, &ft->old, NULL);
	ft->armed = false;
}

static void flush_if_due(struct engine *e)
{
	if (!flush_due)
		return;
	flush_due = 0;
	if (!e->write_failed && csv_writer_flush(e->w, false) < 0)
		pt_write_failed(e);
}

static int loop(struct engine *e)
{
	for (;;) {
		struct rusage ru;
		int status;
		pid_t pid;

		flush_if_due(e);
		if (*e->opts.stop_now)
			return 0;
		if (e->root_done && !e->opts.wait_all)
			return pt_detach_all(e);
		pid = wait4(-1, &status, __WALL, &ru);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				return 0;
			err_set("wait4: %s", strerror(errno));
			return -1;
		}
		pt_handle(e, pid, status, &ru, clock_mono_ns());
		if (pidmap_count(e->tab.map) && only_unclaimed_left(e))
			release_unclaimed(e, 0, clock_mono_ns());
	}
}

int pt_loop_run(struct engine *e)
{
	struct flush_timer ft;
	int ret;

	flush_due = 0;
	flush_timer_start(&ft);
	ret = loop(e);
	flush_timer_stop(&ft);
	return ret;
}

static size_t attached_count(struct engine *e)
{
	size_t pos = 0, n = 0;
	struct pt_task *t;

	while ((t = pt_table_next(&e->tab, &pos)))
		if (!t->detached && !t->early)
			n++;
	return n;
}

int pt_detach_all(struct engine *e)
{
	uint64_t deadline = clock_mono_ns() + DETACH_TIMEOUT_NS;
	struct pt_task *t;
	size_t pos = 0;

	e->detaching = true;
	/* get every running task into a stop; the stop ends in PTRACE_DETACH */
	while ((t = pt_table_next(&e->tab, &pos)))
		if (!t->detached && !t->early && !t->stopped)
			ptrace(PTRACE_INTERRUPT, t->tid, 0, 0L);
	while (attached_count(e)) {
		struct rusage ru;
		int status;
		pid_t pid = wait4(-1, &status, __WALL | WNOHANG, &ru);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (pid == 0) {
			struct timespec ms = { 0, 1000000 };

			if (clock_mono_ns() > deadline)
				break;
			nanosleep(&ms, NULL);
			continue;
		}
		pt_handle(e, pid, status, &ru, clock_mono_ns());
	}
	release_unclaimed(e, 0, clock_mono_ns());
	e->counters[PT_C_DETACH_TIMEOUT] += attached_count(e);
	return 0;
}
