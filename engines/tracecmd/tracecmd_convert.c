// SPDX-License-Identifier: MIT
/*
 * .dat -> CSV with libtracecmd: each record decoded and fed to the
 * kernel-event model (kevent/kevent.h: the rules that make processes, exit
 * codes and fatal signals, shared with the ftrace engine), its facts
 * written as rows.
 *
 * The trace is system-wide (trace-cmd cannot filter by pid here), so the
 * workload is picked out by following fork records from its root: a task
 * belongs to the workload from the fork that created it from a workload
 * task until its exit, which is what the model knows.  A pid later reused
 * by an unrelated process is created by a fork from outside, so it never
 * enters.  The events are kevent's list (kevent_events.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "outfile.h"
#include "procfs.h"
#include "tracecmd_convert-private.h"

int tc_emit(struct tc_conv *c, struct csv_event *ev)
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

/* The root incarnation starts here: whatever had its pid before was another process. */
static void add_root(struct tc_conv *c)
{
	if (kevent_model_add_process(c->m, c->o->root, 0, NULL, 0, 0, NULL) < 0) {
		c->failed = 1;
		return;
	}
	c->root_execd = false;
	c->st.procs++;
}

/* The row of fact @f, when it makes one. */
static void write_fact(struct tc_conv *c, const struct kevent_fact *f)
{
	struct csv_event row;

	if (f->kind != KEVENT_F_FORK && f->kind != KEVENT_F_EXEC && f->kind != KEVENT_F_EXIT)
		return;
	kevent_fact_row(f, &row);
	if (f->kind == KEVENT_F_FORK && f->thread != 1)
		c->st.procs++;
	if (f->kind == KEVENT_F_EXEC && f->pid == c->o->root && !f->old_tid && !c->root_execd &&
	    c->o->root_argv) {
		/* the workload's own exec: the recorder ran exactly this argv */
		row.argv = (const char *const *)c->o->root_argv;
		for (row.argc = 0; c->o->root_argv[row.argc]; row.argc++)
			;
	}
	if (f->kind == KEVENT_F_EXEC && f->pid == c->o->root)
		c->root_execd = true;
	tc_emit(c, &row);
}

/* One decoded event: to the model when its task is the workload's. */
static void feed(struct tc_conv *c, const struct kevent *ev)
{
	struct kevent_fact f;
	int v;

	if (c->o->root > 0 && ev->kind == KEVENT_FORK && ev->pid2 == c->o->root &&
	    c->seq == c->root_seq) {
		/* the workload's creation (by the recorder): it starts here */
		add_root(c);
		return;
	}
	v = kevent_model_feed(c->m, ev, &f);
	if (v == KEVENT_UNKNOWN && c->o->root <= 0) {
		/* keeping every process: a task first seen acting leads its own */
		if (kevent_model_add_process(c->m, kevent_actor(ev), 0, NULL, 0, 0, NULL) < 0)
			v = -1;
		else
			v = kevent_model_feed(c->m, ev, &f);
	} else if (v == KEVENT_UNKNOWN && ev->kind == KEVENT_FORK) {
		/* created outside the workload: a tid the model still knows is not ours any more */
		kevent_model_forget(c->m, ev->pid2);
	}
	if (v < 0)
		c->failed = 1;
	else if (v == KEVENT_DONE)
		write_fact(c, &f);
}

static void do_missed(struct tc_conv *c, int hidx, struct tep_record *r, int cpu)
{
	struct csv_event ev;
	uint64_t *last = &c->cpu_last_ts[hidx * c->cpu_stride + cpu];

	kevent_lost_row(&ev, cpu,
			*last	      ? *last
			: c->first_ts ? c->first_ts
				      : r->ts,
			r->ts, r->missed_events > 0 ? (long long)r->missed_events : -1);
	if (r->missed_events > 0) {
		c->st.lost += (uint64_t)r->missed_events;
		c->cpu_missed[hidx * c->cpu_stride + cpu] += (uint64_t)r->missed_events;
	}
	tc_emit(c, &ev);
}

static int handle_index(struct tc_conv *c, struct tracecmd_input *h)
{
	for (int i = 0; i < c->nhandles; i++)
		if (c->handles[i] == h)
			return i;
	return 0;
}

/* Decode @r: 1 with @ev filled, 0 not one of ours, -1 on ENOMEM. */
static int decode(struct tracecmd_input *h, struct tep_record *r, struct kevent *ev)
{
	struct tc_events *x = tracecmd_get_private(h);

	if (!x || r->size < 8)
		return 0;
	return kevent_decode(x->kd, r->data, r->size, ev);
}

static int on_record(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	struct tc_conv *c = data;
	struct kevent ev;
	int hidx, ret;

	/* the multi-handle iterator numbers CPUs across handles: use the record's */
	(void)cpu;
	cpu = r->cpu;
	c->seq++;
	c->st.records++;
	if (c->root_pending && r->ts > c->o->root_alive_ns) {
		/*
		 * The root incarnation alive at root_alive_ns: the real root was
		 * created before that time and held at the recorder's barrier,
		 * doing nothing.
		 */
		c->root_pending = false;
		add_root(c);
	}
	if (cpu < 0 || cpu >= c->cpu_stride)
		return c->failed ? -1 : 0;
	if (!c->first_ts)
		c->first_ts = r->ts;
	if (r->ts > c->last_ts)
		c->last_ts = r->ts;
	hidx = handle_index(c, h);
	if (r->missed_events)
		do_missed(c, hidx, r, cpu);
	c->cpu_last_ts[hidx * c->cpu_stride + cpu] = r->ts;
	ret = decode(h, r, &ev);
	if (ret < 0) {
		err_set("out of memory");
		c->failed = 1;
	} else if (ret == 1) {
		ev.ts = r->ts;
		ev.cpu = cpu;
		feed(c, &ev);
		free(ev.filename);
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
	bool acted; /* the root pid acted before any fork created it */
};

static int on_scan(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	struct root_scan *s = data;
	pid_t root = s->c->o->root;
	uint64_t alive = s->c->o->root_alive_ns;
	struct kevent ev;

	(void)cpu;
	s->seq++;
	if (alive && r->ts > alive)
		s->decided = true;
	if (s->decided)
		return -1; /* stops the iteration */
	if (decode(h, r, &ev) != 1)
		return 0;
	free(ev.filename);
	if (ev.kind == KEVENT_FORK && ev.pid2 == root) {
		s->c->root_seq = s->seq;
		s->decided = !alive;
	} else if (!s->c->root_seq && ev.tid == root) {
		s->acted = true;
		s->decided = !alive;
	}
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/* An `alive` row for a kept process that did not exit and existed at the end. */
static int alive_row(const struct kevent_proc *p, void *ctx)
{
	struct tc_conv *c = ctx;
	struct csv_event ev = { .kind = CSV_ALIVE };
	char comm[32];

	if (!bsearch(&p->pid, c->o->alive_pids, c->o->nalive_pids, sizeof(pid_t), cmp_pid))
		return 0;
	CSV_SET(&ev, time_ns, CSV_F_TIME, c->o->end_mono_ns ? c->o->end_mono_ns : c->last_ts);
	CSV_SET(&ev, pid, CSV_F_PID, p->pid);
	if (procfs_read_comm(p->pid, comm, sizeof(comm)) == 0)
		ev.comm = comm;
	if (tc_emit(c, &ev) < 0)
		return -1;
	c->st.alive++;
	return 0;
}

/* Open the file, and with a root to follow decide where its membership starts. */
static int prepare(struct tc_conv *c)
{
	const struct tcconv_opts *o = c->o;
	struct root_scan s = { .c = c };

	if (tc_open_handles(c) < 0)
		return -1;
	c->cpu_last_ts = calloc((size_t)c->cpu_stride * c->nhandles, sizeof(uint64_t));
	c->cpu_missed = calloc((size_t)c->cpu_stride * c->nhandles, sizeof(uint64_t));
	c->m = kevent_model_new();
	if (!c->cpu_last_ts || !c->cpu_missed || !c->m) {
		err_set("out of memory");
		return -1;
	}
	if (o->root > 0 && o->root_alive_ns)
		c->root_pending = true;
	if (o->root <= 0 || o->root_alive_ns)
		return 0;
	if (tracecmd_iterate_events_multi(c->handles, c->nhandles, on_scan, &s) < 0 && !s.decided) {
		err_set("%s: cannot read the trace data (truncated or corrupt?)", c->dat);
		return -1;
	}
	/* without a fork (before root_alive_ns) the root was there from the start */
	if (!c->root_seq)
		c->root_from_start = true;
	/*
	 * Read again from the start.  Reopen: after an early stop
	 * tracecmd_set_all_cpus_to_timestamp() replays a cached record
	 * and skips others.
	 */
	tc_close_handles(c);
	if (tc_open_handles(c) < 0)
		return -1;
	if (c->root_from_start)
		add_root(c);
	return c->failed ? -1 : 0;
}

/* The CSV writer, on the caller's fd or a new file. */
static struct csv_writer *open_writer(struct tc_conv *c, const char *csv_path)
{
	const struct tcconv_opts *o = c->o;
	static const char *keys[2] = { "source_dat", "trace_clock" };
	const char *vals[2] = { c->dat, "mono" };
	struct csv_meta meta = { 0 };

	if (o->meta) {
		meta = *o->meta;
	} else {
		meta.engine = "tracecmd";
		meta.root_pid = o->root > 0 ? o->root : 0;
		meta.start_mono_ns = tracecmd_get_first_ts(c->handles[c->nhandles - 1]);
	}
	if (!meta.nkeys) {
		meta.keys = keys;
		meta.values = vals;
		meta.nkeys = 2;
	}
	if (!o->use_fd)
		return csv_writer_open(csv_path, &meta);
	if (outfile_rewind(o->csv_fd, csv_path) < 0)
		return NULL;
	return csv_writer_new(o->csv_fd, false, &meta);
}

/* Every record, the loss, the alive rows, the trailer. */
static int convert_all(struct tc_conv *c)
{
	const struct tcconv_opts *o = c->o;
	struct csv_trailer tr = { .present = true };

	if (tracecmd_iterate_events_multi(c->handles, c->nhandles, on_record, c) < 0 &&
	    !c->failed) {
		err_set("%s: cannot read the trace data (truncated or corrupt?)", c->dat);
		return -1;
	}
	if (c->root_pending) {
		c->root_pending = false;
		add_root(c);
	}
	if (c->failed || tc_stats_lost(c) < 0)
		return -1;
	if (o->alive_pids && kevent_model_each(c->m, alive_row, c) < 0)
		return -1;
	tr.lost_events = c->st.lost;
	tr.interrupted = o->interrupted;
	tr.end_mono_ns = o->end_mono_ns ? o->end_mono_ns : c->last_ts;
	if (csv_writer_finish(c->w, &tr) < 0) {
		c->st.csv_failed = true;
		return -1;
	}
	c->st.events = csv_writer_count(c->w);
	return 0;
}

static int convert_here(const char *dat, const char *csv_path, const struct tcconv_opts *o,
			struct tcconv_stats *st)
{
	struct tc_conv c = { .o = o, .dat = dat };
	int ret = -1;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	tep_set_loglevel(TEP_LOG_NONE);
	if (prepare(&c) < 0)
		goto out;
	c.w = open_writer(&c, csv_path);
	if (!c.w) {
		c.st.csv_failed = true;
		goto out;
	}
	ret = convert_all(&c);
out:
	if (c.w)
		csv_writer_free(c.w);
	tc_close_handles(&c);
	kevent_model_free(c.m);
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
