// SPDX-License-Identifier: MIT
/*
 * .dat -> CSV with libtracecmd.
 *
 * The trace is system-wide (trace-cmd cannot filter by pid here), so the
 * workload is picked out by following fork records from its root: a task
 * belongs to the workload from the fork that created it from a workload
 * task until its exit.  A pid later reused by an unrelated process is
 * created by a fork from outside, so it never enters.
 *
 * Events used (field layouts are looked up by name, they vary by kernel):
 *   sched:sched_process_fork   fork rows (parent/child tids and comms)
 *   task:task_newtask          clone_flags: CLONE_THREAD tells a thread
 *   sched:sched_process_exec   exec rows (filename, old_pid)
 *   sched:sched_process_exit   exit rows (group_dead)
 *   syscalls:sys_enter_exit_group, sys_enter_exit    exit codes
 *   signal:signal_deliver, signal:signal_generate    fatal signals
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <trace-cmd/trace-cmd.h>

#include "csv.h"
#include "err.h"
#include "num.h"
#include "outfile.h"
#include "procfs.h"
#include "tracecmd_convert.h"

/*
 * Exported by libtracecmd 1.3 but declared only in its private header:
 * the trace clock the file was recorded with and the per-CPU ring buffer
 * statistics trace-cmd saved at the end of the recording.
 */
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
const char *tracecmd_get_uname(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);

#define TC_MAX_HANDLES 64
#define TC_MAX_CPUS 4096

enum tc_ev { EV_FORK, EV_NEWTASK, EV_EXEC, EV_EXIT, EV_EXIT_GROUP, EV_THR_EXIT,
	     EV_DELIVER, EV_GENERATE, EV_COUNT };

static const char *const ev_sys[EV_COUNT] = {
	"sched", "task", "sched", "sched", "syscalls", "syscalls", "signal", "signal",
};
static const char *const ev_name[EV_COUNT] = {
	"sched_process_fork", "task_newtask", "sched_process_exec", "sched_process_exit",
	"sys_enter_exit_group", "sys_enter_exit", "signal_deliver", "signal_generate",
};

/* Per tep (one per buffer instance in the file): event ids and fields. */
struct tc_events {
	struct tep_handle *tep;
	int id[EV_COUNT];   /* -1: not in the file */
	struct tep_format_field *fork_pcomm, *fork_ppid, *fork_ccomm, *fork_cpid;
	struct tep_format_field *nt_pid, *nt_flags;
	struct tep_format_field *exec_file, *exec_pid, *exec_old;
	struct tep_format_field *exit_comm, *exit_pid, *exit_group;
	struct tep_format_field *eg_code, *te_code;
	struct tep_format_field *dl_sig, *dl_handler;
	struct tep_format_field *gen_sig, *gen_pid, *gen_result;
};

/* One task (thread) by tid.  Entries are reset when a fork reuses the tid. */
struct tc_task {
	int tid;              /* key; 0 = empty slot */
	int tgid;             /* process id */
	int nt_parent;        /* task_newtask seen for this tid from this parent */
	uint64_t nt_flags;    /* ... with these clone flags */
	int thread_code;      /* sys_exit code, -1 unknown */
	/* process state, kept on the leader's entry (tid == tgid) */
	int cause_code;       /* exit_group code, -1 unknown */
	int cause_sig;        /* fatal signal, 0 unknown */
	uint64_t sig_pending; /* signals generated for it and not yet delivered */
	bool member;          /* in the workload and not exited */
	bool execd;           /* exec'd at least once (root: its argv is known once) */
	bool exited;          /* its sched_process_exit was seen */
	bool proc_exited;     /* (leader entry) the whole process ended */
};

struct tc_conv {
	const struct tcconv_opts *o;
	struct csv_writer *w;
	struct tc_events evs[TC_MAX_HANDLES];
	int nevs;
	struct tracecmd_input *handles[TC_MAX_HANDLES];
	int nhandles;
	const char *dat;

	struct tc_task *tasks;
	size_t cap, used;

	uint64_t seq;            /* records seen in this pass */
	/* root_alive_ns known: the root becomes a member at the first record after it */
	bool root_pending;
	/* root membership: from the start, or from the fork record number root_seq */
	bool root_from_start;
	uint64_t root_seq;        /* 0: root never created in the trace */

	uint64_t first_ts, last_ts;
	uint64_t *cpu_last_ts;   /* per handle*cpu: last record time, for loss windows */
	uint64_t *cpu_missed;    /* per handle*cpu: events reported by missed_events */
	int cpu_stride;
	struct tcconv_stats st;
	int failed;              /* a write failed: stop iterating */
};

/* ---- task table: open addressing on the tid ---- */

static struct tc_task *task_find(struct tc_conv *c, int tid)
{
	size_t mask = c->cap - 1, i;

	if (!c->cap || tid <= 0)
		return NULL;
	for (i = (size_t)tid * 2654435761u & mask; c->tasks[i].tid; i = (i + 1) & mask)
		if (c->tasks[i].tid == tid)
			return &c->tasks[i];
	return NULL;
}

static void task_clear(struct tc_task *t, int tid)
{
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tid;
	t->thread_code = -1;
	t->cause_code = -1;
}

static struct tc_task *task_get(struct tc_conv *c, int tid)
{
	struct tc_task *t = task_find(c, tid);
	size_t mask, i;

	if (t)
		return t;
	if ((c->used + 1) * 2 > c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 4096, j;
		struct tc_task *n = calloc(ncap, sizeof(*n));

		if (!n)
			return NULL;
		for (j = 0; j < c->cap; j++) {
			if (!c->tasks[j].tid)
				continue;
			for (i = (size_t)c->tasks[j].tid * 2654435761u & (ncap - 1); n[i].tid;
			     i = (i + 1) & (ncap - 1))
				;
			n[i] = c->tasks[j];
		}
		free(c->tasks);
		c->tasks = n;
		c->cap = ncap;
	}
	mask = c->cap - 1;
	for (i = (size_t)tid * 2654435761u & mask; c->tasks[i].tid; i = (i + 1) & mask)
		;
	t = &c->tasks[i];
	task_clear(t, tid);
	c->used++;
	return t;
}

/* ---- field access (bounds-checked: a corrupt record must not crash us) ---- */

static bool fnum(struct tep_format_field *f, struct tep_record *r, long long *v)
{
	unsigned long long u;

	if (!f || f->offset < 0 || f->size < 0 || (long)f->offset + f->size > (long)r->size ||
	    tep_read_number_field(f, r->data, &u) < 0)
		return false;
	/* sign-extend signed fields of less than 64 bits */
	if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8 && f->size > 0) {
		unsigned shift = 64 - 8 * f->size;

		*v = (long long)(u << shift) >> shift;
	} else {
		*v = (long long)u;
	}
	return true;
}

static bool fint(struct tep_format_field *f, struct tep_record *r, int *v)
{
	long long x;

	if (!fnum(f, r, &x) || x < INT_MIN || x > INT_MAX)
		return false;
	*v = (int)x;
	return true;
}

/* A string field: fixed char[] or __data_loc/__rel_loc; copied into @buf. */
static const char *fstr(struct tep_format_field *f, struct tep_record *r, char *buf, size_t size)
{
	const char *p;
	size_t len, off;

	if (!f || f->offset < 0 || f->size < 0 || (long)f->offset + f->size > (long)r->size)
		return NULL;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		unsigned long long loc = tep_read_number(f->event->tep,
							 (char *)r->data + f->offset, f->size);

		off = loc & 0xffff;
		len = loc >> 16;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += f->offset + f->size;
		if (off + len > (size_t)r->size)
			return NULL;
	} else {
		off = f->offset;
		len = f->size;
	}
	p = (const char *)r->data + off;
	len = strnlen(p, len);
	if (len >= size)
		len = size - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

static struct tep_format_field *field(struct tep_event *ev, const char *name)
{
	return ev ? tep_find_field(ev, name) : NULL;
}

static struct tc_events *events_for(struct tc_conv *c, struct tracecmd_input *h)
{
	struct tep_handle *tep = tracecmd_get_tep(h);
	struct tep_event *e[EV_COUNT];
	struct tc_events *x;
	int i;

	for (i = 0; i < c->nevs; i++)
		if (c->evs[i].tep == tep)
			return &c->evs[i];
	if (c->nevs == TC_MAX_HANDLES)
		return NULL;
	x = &c->evs[c->nevs++];
	memset(x, 0, sizeof(*x));
	x->tep = tep;
	for (i = 0; i < EV_COUNT; i++) {
		e[i] = tep ? tep_find_event_by_name(tep, ev_sys[i], ev_name[i]) : NULL;
		x->id[i] = e[i] ? e[i]->id : -1;
	}
	x->fork_pcomm = field(e[EV_FORK], "parent_comm");
	x->fork_ppid = field(e[EV_FORK], "parent_pid");
	x->fork_ccomm = field(e[EV_FORK], "child_comm");
	x->fork_cpid = field(e[EV_FORK], "child_pid");
	x->nt_pid = field(e[EV_NEWTASK], "pid");
	x->nt_flags = field(e[EV_NEWTASK], "clone_flags");
	x->exec_file = field(e[EV_EXEC], "filename");
	x->exec_pid = field(e[EV_EXEC], "pid");
	x->exec_old = field(e[EV_EXEC], "old_pid");
	x->exit_comm = field(e[EV_EXIT], "comm");
	x->exit_pid = field(e[EV_EXIT], "pid");
	x->exit_group = field(e[EV_EXIT], "group_dead");
	x->eg_code = field(e[EV_EXIT_GROUP], "error_code");
	x->te_code = field(e[EV_THR_EXIT], "error_code");
	x->dl_sig = field(e[EV_DELIVER], "sig");
	x->dl_handler = field(e[EV_DELIVER], "sa_handler");
	x->gen_sig = field(e[EV_GENERATE], "sig");
	x->gen_pid = field(e[EV_GENERATE], "pid");
	x->gen_result = field(e[EV_GENERATE], "result");
	return x;
}

static enum tc_ev ev_kind(const struct tc_events *x, int type)
{
	for (int i = 0; i < EV_COUNT; i++)
		if (x->id[i] == type)
			return (enum tc_ev)i;
	return EV_COUNT;
}

/* ---- signals ---- */

/* The default action of @sig kills the process. */
static bool sig_default_fatal(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return false;
	default:
		return sig > 0 && sig < 64;
	}
}

static bool sig_coredumps(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return true;
	default:
		return false;
	}
}

/*
 * A fatal signal that does not dump core is turned by the kernel into a
 * SIGKILL for every thread (complete_signal()), so signal_deliver shows
 * SIGKILL: the real signal is the one signal_generate showed pending.
 */
static int real_fatal_signal(const struct tc_task *leader, int delivered)
{
	uint64_t p = leader->sig_pending;

	if (delivered != SIGKILL || (p & (1ull << SIGKILL)))
		return delivered;
	for (int s = 1; s < 64; s++)
		if ((p & (1ull << s)) && sig_default_fatal(s) && !sig_coredumps(s))
			return s;
	return delivered;
}

/* ---- rows ---- */

static int emit(struct tc_conv *c, struct csv_event *ev)
{
	if (csv_writer_event(c->w, ev) < 0) {
		c->failed = 1;
		c->st.csv_failed = true;
		return -1;
	}
	if (ev->kind == CSV_EXEC) {
		c->st.execs++;
		c->st.argv_unknown += !ev->argv;
	}
	return 0;
}

static bool is_member(struct tc_conv *c, struct tc_task *t)
{
	return c->o->root <= 0 || (t && t->member);
}

/* A task first seen without its fork: only kept when keeping everything. */
static struct tc_task *task_acting(struct tc_conv *c, int tid)
{
	struct tc_task *t = task_find(c, tid);

	if (t || c->o->root > 0 || tid <= 0)
		return t && (t->member || c->o->root <= 0) ? t : NULL;
	t = task_get(c, tid);
	if (t)
		t->member = true;
	return t;
}

static struct tc_task *leader_of(struct tc_conv *c, struct tc_task *t)
{
	struct tc_task *l = t->tgid == t->tid ? t : task_find(c, t->tgid);

	return l ? l : t;
}

static void do_fork(struct tc_conv *c, struct tc_events *x, struct tep_record *r, int cpu)
{
	char pcomm[64], ccomm[64];
	struct csv_event ev = { .kind = CSV_FORK };
	struct tc_task *p, *ch;
	int ptid, ctid;
	bool known = false, thread = false;

	if (!fint(x->fork_ppid, r, &ptid) || !fint(x->fork_cpid, r, &ctid) || ctid <= 0)
		return;
	if (c->o->root > 0 && ctid == c->o->root && c->seq == c->root_seq) {
		/* the workload's creation (by the recorder): it starts here */
		ch = task_get(c, ctid);
		if (ch) {
			task_clear(ch, ctid);
			ch->member = true;
			c->st.procs++;
		}
		return;
	}
	p = task_acting(c, ptid);
	ch = task_find(c, ctid);
	if (ch && ch->nt_parent == ptid) {
		known = true;
		thread = (ch->nt_flags & CLONE_THREAD) != 0;
	}
	if (!p) {
		/* not ours: a reused pid now belongs to someone else */
		if (ch)
			task_clear(ch, ctid);
		return;
	}
	if (!ch)
		ch = task_get(c, ctid);
	if (!ch) {
		c->failed = 1;
		err_set("out of memory");
		return;
	}
	task_clear(ch, ctid);
	ch->member = true;
	ch->tgid = thread ? p->tgid : ctid;
	if (!thread)
		c->st.procs++;
	CSV_SET(&ev, time_ns, CSV_F_TIME, r->ts);
	CSV_SET(&ev, cpu, CSV_F_CPU, cpu);
	CSV_SET(&ev, pid, CSV_F_PID, p->tgid);
	CSV_SET(&ev, tid, CSV_F_TID, ptid);
	CSV_SET(&ev, child_pid, CSV_F_CHILD_PID, ch->tgid);
	CSV_SET(&ev, child_tid, CSV_F_CHILD_TID, ctid);
	if (known)
		CSV_SET(&ev, thread, CSV_F_THREAD, thread);
	ev.comm = fstr(x->fork_pcomm, r, pcomm, sizeof(pcomm));
	ev.child_comm = fstr(x->fork_ccomm, r, ccomm, sizeof(ccomm));
	emit(c, &ev);
}

static void do_newtask(struct tc_conv *c, struct tc_events *x, struct tep_record *r)
{
	long long flags;
	int ctid;
	struct tc_task *t;

	if (!fint(x->nt_pid, r, &ctid) || ctid <= 0 || !fnum(x->nt_flags, r, &flags))
		return;
	/* remembered for the fork record that follows on this CPU */
	t = task_get(c, ctid);
	if (!t) {
		c->failed = 1;
		err_set("out of memory");
		return;
	}
	t->nt_parent = tep_data_pid(x->tep, r);
	t->nt_flags = (uint64_t)flags;
}

static void do_exec(struct tc_conv *c, struct tc_events *x, struct tep_record *r, int cpu)
{
	char file[PATH_MAX + 1], comm[32];
	struct csv_event ev = { .kind = CSV_EXEC };
	struct tc_task *t, *old = NULL;
	int pid, oldp;

	if (!fint(x->exec_pid, r, &pid) || pid <= 0)
		return;
	if (!fint(x->exec_old, r, &oldp))
		oldp = pid;
	if (oldp != pid)
		old = task_find(c, oldp);
	t = task_find(c, pid);
	if (c->o->root > 0 && !(t && t->member) && !(old && old->member))
		return;
	if (!t)
		t = task_get(c, pid);
	if (!t) {
		c->failed = 1;
		return;
	}
	/* after exec the thread that called it is the leader: pid == tgid */
	if (old && old != t)
		old->member = false;
	t->member = true;
	t->exited = false;
	t->tgid = pid;
	/* a new program: threads killed by exec's SIGKILL are not its end */
	t->cause_code = -1;
	t->cause_sig = 0;
	t->sig_pending = 0;
	CSV_SET(&ev, time_ns, CSV_F_TIME, r->ts);
	CSV_SET(&ev, cpu, CSV_F_CPU, cpu);
	CSV_SET(&ev, pid, CSV_F_PID, pid);
	if (oldp != pid)
		CSV_SET(&ev, old_tid, CSV_F_OLD_TID, oldp);
	ev.filename = fstr(x->exec_file, r, file, sizeof(file));
	if (ev.filename)
		ev.comm = procfs_exec_comm(ev.filename, comm, sizeof(comm)) ? comm : NULL;
	if (pid == c->o->root && oldp == pid && !t->execd && c->o->root_argv) {
		/* the workload's own exec: the recorder ran exactly this argv */
		ev.argv = (const char *const *)c->o->root_argv;
		for (ev.argc = 0; c->o->root_argv[ev.argc]; ev.argc++)
			;
	}
	t->execd = true;
	emit(c, &ev);
}

static void do_exit(struct tc_conv *c, struct tc_events *x, struct tep_record *r, int cpu)
{
	char comm[64];
	struct csv_event ev = { .kind = CSV_EXIT };
	struct tc_task *t, *l;
	long long group = 0;
	int tid;

	if (!fint(x->exit_pid, r, &tid) || tid <= 0)
		return;
	t = task_acting(c, tid);
	if (!t)
		return;
	l = leader_of(c, t);
	CSV_SET(&ev, time_ns, CSV_F_TIME, r->ts);
	CSV_SET(&ev, cpu, CSV_F_CPU, cpu);
	CSV_SET(&ev, pid, CSV_F_PID, t->tgid);
	CSV_SET(&ev, tid, CSV_F_TID, tid);
	if (fnum(x->exit_group, r, &group))
		CSV_SET(&ev, group, CSV_F_GROUP, group != 0);
	if (group) {
		if (l->cause_sig)
			CSV_SET(&ev, signal, CSV_F_SIGNAL, l->cause_sig);
		else if (l->cause_code >= 0)
			CSV_SET(&ev, code, CSV_F_CODE, l->cause_code);
		else if (l->thread_code >= 0)
			CSV_SET(&ev, code, CSV_F_CODE, l->thread_code);
		else if (t->thread_code >= 0)
			CSV_SET(&ev, code, CSV_F_CODE, t->thread_code);
		l->proc_exited = true;
	}
	ev.comm = fstr(x->exit_comm, r, comm, sizeof(comm));
	t->member = false;
	t->exited = true;
	emit(c, &ev);
}

static void do_exit_code(struct tc_conv *c, struct tep_format_field *f, struct tep_record *r,
			 bool group)
{
	struct tc_task *t = task_acting(c, tep_data_pid(f->event->tep, r)), *l;
	long long code;

	if (!t || !fnum(f, r, &code))
		return;
	if (!group) {
		t->thread_code = (int)(code & 0xff);
		return;
	}
	l = leader_of(c, t);
	if (l->cause_code < 0 && !l->cause_sig)
		l->cause_code = (int)(code & 0xff);
}

static void do_deliver(struct tc_conv *c, struct tc_events *x, struct tep_record *r)
{
	struct tc_task *t = task_acting(c, tep_data_pid(x->tep, r)), *l;
	long long handler;
	int sig;

	if (!t || !fint(x->dl_sig, r, &sig) || !fnum(x->dl_handler, r, &handler))
		return;
	l = leader_of(c, t);
	if (handler == 0 /* SIG_DFL */ && sig_default_fatal(sig)) {
		if (l->cause_code < 0 && !l->cause_sig)
			l->cause_sig = real_fatal_signal(l, sig);
	}
	if (sig > 0 && sig < 64)
		l->sig_pending &= ~(1ull << sig);
}

static void do_generate(struct tc_conv *c, struct tc_events *x, struct tep_record *r)
{
	struct tc_task *t, *l;
	int sig, pid, result = 0;

	if (!fint(x->gen_sig, r, &sig) || !fint(x->gen_pid, r, &pid) || sig <= 0 || sig >= 64)
		return;
	if (fint(x->gen_result, r, &result) && result != 0)
		return; /* ignored, already pending, or lost */
	t = task_find(c, pid);
	if (!t || !is_member(c, t))
		return;
	l = leader_of(c, t);
	l->sig_pending |= 1ull << sig;
}

static void do_missed(struct tc_conv *c, int hidx, struct tep_record *r, int cpu)
{
	struct csv_event ev = { .kind = CSV_LOST };
	uint64_t *last = &c->cpu_last_ts[hidx * c->cpu_stride + cpu];

	CSV_SET(&ev, time_ns, CSV_F_TIME, *last ? *last : c->first_ts ? c->first_ts : r->ts);
	CSV_SET(&ev, end_ns, CSV_F_END, r->ts);
	CSV_SET(&ev, cpu, CSV_F_CPU, cpu);
	if (r->missed_events > 0) {
		CSV_SET(&ev, count, CSV_F_COUNT, (uint64_t)r->missed_events);
		c->st.lost += (uint64_t)r->missed_events;
		c->cpu_missed[hidx * c->cpu_stride + cpu] += (uint64_t)r->missed_events;
	}
	emit(c, &ev);
}

static int handle_index(struct tc_conv *c, struct tracecmd_input *h)
{
	for (int i = 0; i < c->nhandles; i++)
		if (c->handles[i] == h)
			return i;
	return 0;
}

/*
 * The root incarnation alive at root_alive_ns: whatever had its pid before
 * was another process (the real root only got created before that time, and
 * was held at the recorder's barrier, doing nothing).
 */
static void activate_root(struct tc_conv *c)
{
	struct tc_task *t = task_get(c, c->o->root);

	c->root_pending = false;
	if (!t) {
		c->failed = 1;
		err_set("out of memory");
		return;
	}
	task_clear(t, c->o->root);
	t->member = true;
	c->st.procs++;
}

static int on_record(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	struct tc_conv *c = data;
	struct tc_events *x = tracecmd_get_private(h);
	int hidx;

	/* the multi-handle iterator numbers CPUs across handles: use the record's */
	(void)cpu;
	cpu = r->cpu;
	c->seq++;
	c->st.records++;
	if (c->root_pending && r->ts > c->o->root_alive_ns)
		activate_root(c);
	if (cpu < 0 || cpu >= c->cpu_stride)
		return 0;
	if (!c->first_ts)
		c->first_ts = r->ts;
	if (r->ts > c->last_ts)
		c->last_ts = r->ts;
	hidx = handle_index(c, h);
	if (r->missed_events)
		do_missed(c, hidx, r, cpu);
	c->cpu_last_ts[hidx * c->cpu_stride + cpu] = r->ts;
	if (!x || r->size < 8)
		return c->failed ? -1 : 0;
	switch (ev_kind(x, tep_data_type(x->tep, r))) {
	case EV_FORK: do_fork(c, x, r, cpu); break;
	case EV_NEWTASK: do_newtask(c, x, r); break;
	case EV_EXEC: do_exec(c, x, r, cpu); break;
	case EV_EXIT: do_exit(c, x, r, cpu); break;
	case EV_EXIT_GROUP: do_exit_code(c, x->eg_code, r, true); break;
	case EV_THR_EXIT: do_exit_code(c, x->te_code, r, false); break;
	case EV_DELIVER: do_deliver(c, x, r); break;
	case EV_GENERATE: do_generate(c, x, r); break;
	default: break;
	}
	return c->failed ? -1 : 0;
}

/*
 * Where does the root's membership start?  At the fork that created the
 * incarnation of the root pid we want: the last one before root_alive_ns
 * when it is known, else the first one, unless the root acted before any
 * such fork (it existed when the recording started).  One quick pass over
 * the file decides.
 */
struct root_scan {
	struct tc_conv *c;
	uint64_t seq;
	bool decided;
	bool acted;   /* the root pid acted before any fork created it */
};

static int on_scan(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	struct root_scan *s = data;
	struct tc_events *x = tracecmd_get_private(h);
	pid_t root = s->c->o->root;
	uint64_t alive = s->c->o->root_alive_ns;
	int type, pid;

	(void)cpu;
	s->seq++;
	if (alive && r->ts > alive)
		s->decided = true;
	if (s->decided)
		return -1; /* stops the iteration */
	if (!x || r->size < 8)
		return 0;
	type = tep_data_type(x->tep, r);
	if (type == x->id[EV_FORK] && fint(x->fork_cpid, r, &pid) && pid == root) {
		s->c->root_seq = s->seq;
		s->decided = !alive;
		return 0;
	}
	if (!s->c->root_seq && ev_kind(x, type) != EV_COUNT && tep_data_pid(x->tep, r) == root) {
		s->acted = true;
		s->decided = !alive;
	}
	return 0;
}

/* ---- opening and checking the file ---- */

static void close_handles(struct tc_conv *c)
{
	/* instance handles hold a reference on the top handle's tep: close them first */
	for (int i = c->nhandles - 1; i >= 0; i--)
		tracecmd_close(c->handles[i]);
	c->nhandles = 0;
	c->nevs = 0;
}

static bool clock_is_mono(const char *clock)
{
	const char *b;

	if (!clock)
		return false;
	/* either "mono" or the whole trace_clock file: "... [mono] ..." */
	b = strchr(clock, '[');
	if (b)
		return !strncmp(b, "[mono]", 6);
	return !strncmp(clock, "mono", 4) && (clock[4] == '\0' || clock[4] == '\n' ||
					      clock[4] == ' ');
}

/*
 * The fixed start of a .dat: "\x17\x08\x44tracing", the version as a
 * string, endianness, long size, page size.  Checked before tracecmd_open(),
 * which leaks on some early failures and says nothing useful about them.
 */
static int check_header(const char *dat)
{
	unsigned char h[64];
	ssize_t n;
	size_t v;
	FILE *fp = fopen(dat, "rb");

	if (!fp) {
		err_set("%s: %s", dat, strerror(errno));
		return -1;
	}
	n = (ssize_t)fread(h, 1, sizeof(h), fp);
	fclose(fp);
	if (n < 10 || memcmp(h, "\x17\x08\x44tracing", 10)) {
		err_set("%s: not a trace-cmd .dat file (no trace-cmd signature)", dat);
		errno = EINVAL;
		return -1;
	}
	for (v = 10; v < (size_t)n && h[v] >= '0' && h[v] <= '9'; v++)
		;
	/* version digits, NUL, endian, long size, 4 bytes of page size */
	if (v == 10 || v + 7 > (size_t)n || h[v] != '\0') {
		err_set("%s: truncated trace-cmd .dat file (incomplete header)", dat);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int open_handles(struct tc_conv *c)
{
	struct tracecmd_input *top;
	struct stat sb;
	int n, i;

	if (stat(c->dat, &sb) < 0) {
		err_set("%s: %s", c->dat, strerror(errno));
		return -1;
	}
	if (check_header(c->dat) < 0)
		return -1;
	errno = 0;
	top = tracecmd_open(c->dat, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!top) {
		err_set("%s: not a readable trace-cmd .dat file (truncated or corrupt?)", c->dat);
		errno = errno ? errno : EINVAL;
		return -1;
	}
	c->handles[c->nhandles++] = top;
	n = tracecmd_buffer_instances(top);
	for (i = 0; i < n && c->nhandles < TC_MAX_HANDLES; i++) {
		struct tracecmd_input *b = tracecmd_buffer_instance_handle(top, i);

		if (!b) {
			err_set("%s: cannot read buffer '%s' (truncated or corrupt?)", c->dat,
				tracecmd_buffer_instance_name(top, i));
			goto error;
		}
		c->handles[c->nhandles++] = b;
	}
	c->cpu_stride = 1;
	for (i = 0; i < c->nhandles; i++) {
		const char *clock = tracecmd_get_trace_clock(c->handles[i]);
		struct tc_events *x;
		int ncpu = tracecmd_cpus(c->handles[i]);

		if (!clock && i)
			clock = tracecmd_get_trace_clock(top);
		if (ncpu > 0 && !clock_is_mono(clock) && !c->o->assume_mono) {
			err_set("%s: recorded with trace clock '%.32s', not mono: time stamps cannot "
				"be made CLOCK_MONOTONIC (record with trace-cmd record -C mono)",
				c->dat, clock ? clock : "local");
			errno = EINVAL;
			goto error;
		}
		if (ncpu > c->cpu_stride)
			c->cpu_stride = ncpu > TC_MAX_CPUS ? TC_MAX_CPUS : ncpu;
		x = events_for(c, c->handles[i]);
		tracecmd_set_private(c->handles[i], x);
	}
	for (i = 0; i < c->nevs; i++)
		if (c->evs[i].id[EV_FORK] >= 0 && c->evs[i].id[EV_EXIT] >= 0)
			break;
	if (i == c->nevs) {
		err_set("%s: no sched:sched_process_fork/sched_process_exit events in this trace "
			"(record them with trace-cmd record -e sched:sched_process_fork -e "
			"sched:sched_process_exec -e sched:sched_process_exit -e task:task_newtask)",
			c->dat);
		errno = EINVAL;
		goto error;
	}
	return 0;
error:
	close_handles(c);
	return -1;
}

/* ---- ring buffer statistics: loss trace-cmd saw but no page reported ---- */

/*
 * The stats text is "CPU: N\nentries: ...\noverrun: N\n...dropped events: N\n"
 * per CPU, preceded by "Buffer: NAME" lines for instances.
 */
static int stats_lost(struct tc_conv *c)
{
	const char *s = tracecmd_get_cpustats(c->handles[0]), *line, *nl;
	int hidx = 0, cpu = -1;
	uint64_t sum = 0;

	for (line = s; line && *line; line = nl ? nl + 1 : NULL) {
		const char *v;
		uint64_t n;

		nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len > 8 && !strncmp(line, "Buffer: ", 8)) {
			size_t nlen = len - 8;

			hidx = -1;
			for (int i = 1; i < c->nhandles; i++) {
				const char *name = tracecmd_buffer_instance_name(c->handles[0], i - 1);

				if (name && strlen(name) == nlen && !memcmp(name, line + 8, nlen))
					hidx = i;
			}
			cpu = -1;
			continue;
		}
		if (len > 5 && !strncmp(line, "CPU: ", 5)) {
			int v2;
			char tmp[16];

			snprintf(tmp, sizeof(tmp), "%.*s", (int)(len - 5), line + 5);
			cpu = num_parse_int(tmp, 0, TC_MAX_CPUS - 1, &v2) < 0 ? -1 : v2;
			continue;
		}
		if (len > 9 && !strncmp(line, "overrun: ", 9))
			v = line + 9;
		else if (len > 16 && !strncmp(line, "dropped events: ", 16))
			v = line + 16;
		else
			continue;
		if (hidx < 0 || cpu < 0 || cpu >= c->cpu_stride ||
		    num_parse_u64(v, len - (size_t)(v - line), UINT64_MAX, &n) < 0 || !n)
			continue;
		/* loss the pages did not already report */
		uint64_t *seen = &c->cpu_missed[hidx * c->cpu_stride + cpu];

		if (n > *seen) {
			struct csv_event ev = { .kind = CSV_LOST };

			CSV_SET(&ev, time_ns, CSV_F_TIME, c->first_ts);
			CSV_SET(&ev, end_ns, CSV_F_END, c->last_ts);
			CSV_SET(&ev, cpu, CSV_F_CPU, cpu);
			CSV_SET(&ev, count, CSV_F_COUNT, n - *seen);
			sum += n - *seen;
			*seen = n;
			if (emit(c, &ev) < 0)
				return -1;
		}
	}
	c->st.lost += sum;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

static int write_alive(struct tc_conv *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		struct tc_task *t = &c->tasks[i];
		struct csv_event ev = { .kind = CSV_ALIVE };
		char comm[32];

		if (!t->tid || !t->member || t->tid != t->tgid || t->proc_exited)
			continue;
		if (!bsearch(&t->tid, c->o->alive_pids, c->o->nalive_pids, sizeof(pid_t), cmp_pid))
			continue;
		CSV_SET(&ev, time_ns, CSV_F_TIME, c->o->end_mono_ns ? c->o->end_mono_ns : c->last_ts);
		CSV_SET(&ev, pid, CSV_F_PID, t->tid);
		if (procfs_read_comm(t->tid, comm, sizeof(comm)) == 0)
			ev.comm = comm;
		if (emit(c, &ev) < 0)
			return -1;
		c->st.alive++;
	}
	return 0;
}

static int convert_here(const char *dat, const char *csv_path, const struct tcconv_opts *o,
			struct tcconv_stats *st)
{
	struct tc_conv c = { .o = o, .dat = dat };
	struct csv_meta meta = { 0 };
	struct csv_trailer tr = { .present = true };
	const char *keys[2] = { "source_dat", "trace_clock" };
	const char *vals[2] = { dat, "mono" };
	int ret = -1;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	if (open_handles(&c) < 0)
		return -1;
	c.cpu_last_ts = calloc((size_t)c.cpu_stride * c.nhandles, sizeof(uint64_t));
	c.cpu_missed = calloc((size_t)c.cpu_stride * c.nhandles, sizeof(uint64_t));
	if (!c.cpu_last_ts || !c.cpu_missed) {
		err_set("out of memory");
		goto out;
	}
	if (o->root > 0 && o->root_alive_ns) {
		c.root_pending = true;
	} else if (o->root > 0) {
		struct root_scan s = { .c = &c };

		if (tracecmd_iterate_events_multi(c.handles, c.nhandles, on_scan, &s) < 0 &&
		    !s.decided) {
			err_set("%s: cannot read the trace data (truncated or corrupt?)", dat);
			goto out;
		}
		/* without a fork (before root_alive_ns) the root was there from the start */
		if (!c.root_seq)
			c.root_from_start = true;
		/*
		 * Read again from the start.  Reopen: after an early stop
		 * tracecmd_set_all_cpus_to_timestamp() replays a cached record
		 * and skips others.
		 */
		close_handles(&c);
		if (open_handles(&c) < 0)
			goto out;
		if (c.root_from_start) {
			struct tc_task *t = task_get(&c, o->root);

			if (!t) {
				err_set("out of memory");
				goto out;
			}
			t->member = true;
			c.st.procs++;
		}
	}
	if (o->meta) {
		meta = *o->meta;
	} else {
		meta.engine = "tracecmd";
		meta.root_pid = o->root > 0 ? o->root : 0;
		meta.start_mono_ns = tracecmd_get_first_ts(c.handles[c.nhandles - 1]);
	}
	if (!meta.nkeys) {
		meta.keys = keys;
		meta.values = vals;
		meta.nkeys = 2;
	}
	if (o->use_fd) {
		if (outfile_rewind(o->csv_fd, csv_path) < 0) {
			c.st.csv_failed = true;
			goto out;
		}
		c.w = csv_writer_new(o->csv_fd, false, &meta);
	} else {
		c.w = csv_writer_open(csv_path, &meta);
	}
	if (!c.w) {
		c.st.csv_failed = true;
		goto out;
	}
	if (tracecmd_iterate_events_multi(c.handles, c.nhandles, on_record, &c) < 0 && !c.failed) {
		err_set("%s: cannot read the trace data (truncated or corrupt?)", dat);
		goto out;
	}
	if (c.root_pending)
		activate_root(&c);
	if (c.failed)
		goto out;
	if (stats_lost(&c) < 0)
		goto out;
	if (o->alive_pids && write_alive(&c) < 0)
		goto out;
	tr.lost_events = c.st.lost;
	tr.interrupted = o->interrupted;
	tr.end_mono_ns = o->end_mono_ns ? o->end_mono_ns : c.last_ts;
	if (csv_writer_finish(c.w, &tr) < 0) {
		c.st.csv_failed = true;
		goto out;
	}
	c.st.events = csv_writer_count(c.w);
	ret = 0;
out:
	if (c.w)
		csv_writer_free(c.w);
	close_handles(&c);
	free(c.tasks);
	free(c.cpu_last_ts);
	free(c.cpu_missed);
	if (st)
		*st = c.st;
	return ret;
}

/*
 * libtracecmd (1.3) crashes on some corrupt files: a bogus chunk count makes
 * it calloc tens of GB, and when that fails it frees a half-made handle
 * (tracecmd_close() dereferences NULL).  The conversion runs in a child, so
 * a corrupt .dat is an error message, not a crash of the recorder.
 */
int tcconv_convert(const char *dat, const char *csv_path, const struct tcconv_opts *o,
		   struct tcconv_stats *st)
{
	struct {
		int ret;
		struct tcconv_stats st;
		char msg[1024];
	} r;
	size_t got = 0;
	int fds[2], status = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		err_set("%s: cannot convert: pipe: %s", dat, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		err_set("%s: cannot convert: fork: %s", dat, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		memset(&r, 0, sizeof(r));
		close(fds[0]);
		r.ret = convert_here(dat, csv_path, o, &r.st);
		if (r.ret < 0)
			snprintf(r.msg, sizeof(r.msg), "%s", err_msg());
		_exit(write(fds[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(fds[1]);
	while (got < sizeof(r)) {
		ssize_t n = read(fds[0], (char *)&r + got, sizeof(r) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got == sizeof(r)) {
		if (st)
			*st = r.st;
		if (r.ret < 0)
			err_set("%s", r.msg);
		return r.ret;
	}
	if (WIFSIGNALED(status))
		err_set("%s: libtracecmd crashed reading it (%s): corrupt file?", dat,
			strsignal(WTERMSIG(status)));
	else
		err_set("%s: the conversion ended without a result", dat);
	errno = EIO;
	return -1;
}
