// SPDX-License-Identifier: MIT
/*
 * The ftrace engine: sched/task/syscalls/signal events from a private
 * tracefs instance that follows only the workload (set_event_pid plus the
 * event-fork option), read continuously by a reader thread that merges the
 * per-CPU ring buffers in time order and writes CSV rows as they come.
 *
 * Lifecycle (see engine.h): new() creates and configures the instance with
 * tracing off; attach() writes the root pid into set_event_pid, turns
 * tracing on and starts the reader; finish() turns tracing off, stops the
 * reader, drains what is left, turns the kernel's loss counters into `lost`
 * rows, writes `alive` rows and the trailer, and removes the instance.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <event-parse.h>
#include <kbuffer.h>
#include <tracefs.h>

#include "clock.h"
#include "csv.h"
#include "engine-private.h"
#include "err.h"
#include "ftrace-private.h"
#include "procfs.h"
#include "procfs_tree.h"

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
	void *data;        /* the current event, NULL when the CPU has nothing to read */
	uint64_t ts;
	uint64_t last_ts;  /* last event read: where a loss window starts */
	uint64_t missed;   /* losses the pages reported with a count */
	uint64_t empty_at; /* data == NULL: a read started then found nothing */
};

struct engine {
	struct engine_live lv;      /* csv, reader thread, root, options */
	const char *meta_keys[4], *meta_values[4];
	char buffer_kb_str[24], interval_str[24], instance_name[64];
	uint64_t buffer_kb;
	struct tracefs_instance *inst;
	struct ftrace_decoder *dec;
	struct ftrace_track *track;
	struct ftrace_cpu *cpus;
	int ncpus;
	uint64_t start_ns;
};

static void cpus_close(struct engine *e)
{
	for (int i = 0; i < e->ncpus; i++) {
		struct ftrace_cpu *c = &e->cpus[i];

		if (c->tcpu)
			tracefs_cpu_close(c->tcpu);
		if (c->poll_fd >= 0)
			close(c->poll_fd);
		if (c->kbuf)
			kbuffer_free(c->kbuf);
		free(c->page);
	}
	free(e->cpus);
	e->cpus = NULL;
	e->ncpus = 0;
}

static int cpus_open(struct engine *e)
{
	int n = (int)sysconf(_SC_NPROCESSORS_CONF);
	enum kbuffer_long_size lsize = ftrace_decoder_long_size(e->dec) == 8 ? KBUFFER_LSIZE_8 :
								       KBUFFER_LSIZE_4;

	e->cpus = calloc(n > 0 ? n : 1, sizeof(*e->cpus));
	if (!e->cpus) {
		errno = ENOMEM;
		return -1;
	}
	for (int cpu = 0; cpu < n; cpu++) {
		struct ftrace_cpu *c = &e->cpus[e->ncpus];
		char path[64];
		int size;

		snprintf(path, sizeof(path), "per_cpu/cpu%d/trace_pipe_raw", cpu);
		c->poll_fd = -1;
		c->cpu = cpu;
		c->tcpu = tracefs_cpu_open(e->inst, cpu, true);
		if (!c->tcpu)
			continue; /* not a possible CPU in this instance */
		e->ncpus++;
		c->poll_fd = tracefs_instance_file_open(e->inst, path, O_RDONLY | O_NONBLOCK);
		size = tracefs_cpu_read_size(c->tcpu);
		c->page = size > 0 ? malloc(size) : NULL;
		c->kbuf = kbuffer_alloc(lsize, KBUFFER_ENDIAN_SAME_AS_HOST);
		if (c->poll_fd < 0 || !c->page || !c->kbuf) {
			err_set("cannot open the ring buffer of CPU %d: %s", cpu, strerror(errno));
			return -1;
		}
	}
	if (!e->ncpus) {
		err_set("cannot open any per-CPU ring buffer of instance %s", e->instance_name);
		errno = ENODEV;
		return -1;
	}
	return 0;
}

/* Load the next sub-buffer of @c; a loss it reports becomes a `lost` row. */
static int cpu_refill(struct engine *e, struct ftrace_cpu *c)
{
	for (;;) {
		unsigned long long ts;
		int n, missed;

		c->data = NULL;
		c->empty_at = clock_mono_ns();
		n = tracefs_cpu_read(c->tcpu, c->page, true);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return 0;
		if (n < 0) {
			err_set("reading the ring buffer of CPU %d: %s", c->cpu, strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		if (kbuffer_load_subbuffer(c->kbuf, c->page) < 0) {
			err_set("corrupt sub-buffer from CPU %d", c->cpu);
			errno = EIO;
			return -1;
		}
		c->data = kbuffer_read_event(c->kbuf, &ts);
		missed = kbuffer_missed_events(c->kbuf);
		if (missed) {
			uint64_t end = c->data ? ts : clock_mono_ns();

			if (ftrace_track_lost(e->track, c->cpu, c->last_ts ? c->last_ts :
					      e->start_ns, end, missed > 0 ? missed : -1) < 0)
				return -1;
			if (missed > 0)
				c->missed += missed;
		}
		if (c->data) {
			c->ts = ts;
			return 0;
		}
	}
}

/*
 * Read what is available, merging the CPUs by timestamp, up to the start of
 * the drain: the number of records read, or -1 on error.  Every event older
 * than the start has been fed at its end; newer ones wait for the next
 * drain, so a storm the reader barely keeps up with still gets its argv
 * read and its rows released once per interval.
 */
static int drain(struct engine *e)
{
	uint64_t start = clock_mono_ns();
	int n = 0;

	for (int i = 0; i < e->ncpus; i++)
		if (!e->cpus[i].data && cpu_refill(e, &e->cpus[i]) < 0)
			return -1;
	for (;;) {
		struct ftrace_cpu *c = NULL;
		struct kevent *ev;
		unsigned long long ts;
		int ret;

		bool refilled = false;

		for (int i = 0; i < e->ncpus; i++)
			if (e->cpus[i].data && (!c || e->cpus[i].ts < c->ts))
				c = &e->cpus[i];
		if (!c || c->ts > start)
			return ftrace_track_release(e->track, start) < 0 ? -1 : n;
		/*
		 * A CPU that was empty when last read may have recorded since an
		 * event older than this one (a task that called exit_group on
		 * it, then exited on this CPU): read it again before going on,
		 * or the exit would be handled before its exit code.
		 */
		for (int i = 0; i < e->ncpus; i++) {
			struct ftrace_cpu *d = &e->cpus[i];

			if (d->data || d->empty_at > c->ts)
				continue;
			if (cpu_refill(e, d) < 0)
				return -1;
			refilled |= d->data != NULL;
		}
		if (refilled)
			continue;
		n++;
		ev = malloc(sizeof(*ev));
		if (!ev) {
			err_set("out of memory reading events");
			errno = ENOMEM;
			return -1;
		}
		ret = ftrace_decoder_decode(e->dec, c->data, kbuffer_event_size(c->kbuf), ev);
		if (ret < 0) {
			free(ev);
			err_set("out of memory decoding events");
			return -1;
		}
		c->last_ts = c->ts;
		if (ret == 1) {
			ev->ts = c->ts;
			ev->cpu = c->cpu;
			if (ftrace_track_event(e->track, ev) < 0)
				return -1;
		} else {
			free(ev);
		}
		c->data = kbuffer_next_event(c->kbuf, &ts);
		if (c->data)
			c->ts = ts;
		else if (cpu_refill(e, c) < 0)
			return -1;
	}
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static int filter_readd(void *ctx, pid_t tid)
{
	struct engine *e = ctx;
	char num[24];

	snprintf(num, sizeof(num), "%d", (int)tid);
	/* appending adds to the pid list; writing would replace it */
	if (tracefs_instance_file_append(e->inst, "set_event_pid", num) < 0) {
		err_set("cannot put pid %d back into set_event_pid: %s", (int)tid,
			strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Tids of new tasks that a workload task ended with moments before: check
 * that the kernel's pid filter still holds them (ftrace_track_watch()).
 */
static int watch_reused(struct engine *e)
{
	char *text, *p, *end;
	pid_t *pids = NULL;
	size_t n = 0, cap = 0;
	uint64_t now;
	int ret = -1;

	if (!ftrace_track_at_risk(e->track))
		return 0;
	now = clock_mono_ns();
	text = tracefs_instance_file_read(e->inst, "set_event_pid", NULL);
	if (!text) {
		err_set("cannot read set_event_pid: %s", strerror(errno));
		return -1;
	}
	for (p = text; *p; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p) {
			end = p + 1;
			continue;
		}
		if (n == cap) {
			pid_t *np = realloc(pids, (cap = cap ? 2 * cap : 256) * sizeof(*np));

			if (!np) {
				err_set("out of memory");
				goto out;
			}
			pids = np;
		}
		pids[n++] = (pid_t)v;
	}
	qsort(pids, n, sizeof(*pids), cmp_pid);
	ret = ftrace_track_watch(e->track, now, pids, n, filter_readd, e);
out:
	free(pids);
	free(text);
	return ret;
}

/* whether a CPU holds an event read but not fed yet (newer than a drain) */
static bool cpus_pending(const struct engine *e)
{
	for (int i = 0; i < e->ncpus; i++)
		if (e->cpus[i].data)
			return true;
	return false;
}

static void *reader_main(void *arg)
{
	struct engine *e = arg;
	struct pollfd *pfds = calloc(e->ncpus + 1, sizeof(*pfds));
	uint64_t last_flush;

	if (!pfds) {
		engine_reader_fail(&e->lv.rd, "out of memory");
		return NULL;
	}
	for (int i = 0; i < e->ncpus; i++) {
		pfds[i].fd = e->cpus[i].poll_fd;
		pfds[i].events = POLLIN;
	}
	pfds[e->ncpus].fd = e->lv.rd.stop_fd;
	pfds[e->ncpus].events = POLLIN;
	last_flush = clock_mono_ns();
	while (!engine_reader_stopping(&e->lv.rd)) {
		int n = drain(e), delay;
		uint64_t now;

		if (n >= 0 && watch_reused(e) < 0)
			n = -1;
		if (n < 0) {
			engine_reader_fail(&e->lv.rd, err_msg());
			break;
		}
		now = clock_mono_ns();
		/* a quiet moment costs nothing to write in, and may last */
		if (n == 0 || now - last_flush >= FLUSH_INTERVAL_NS) {
			csv_writer_flush(e->lv.w, false);
			last_flush = now;
		}
		/*
		 * Block in poll only once the buffers ran dry.  A waiter in poll
		 * makes every event commit wake it (irq_work, then a cross-CPU
		 * wakeup), which costs a busy workload about a tenth of its
		 * time here; while events keep coming, a timer paces the reads.
		 * Held exec rows are released by the next drain even when all is
		 * quiet.
		 */
		delay = e->lv.interval_ms;
		/* a reused tid may drop out of the filter any moment: look often */
		if (ftrace_track_at_risk(e->track) && delay > HELD_POLL_MS)
			delay = HELD_POLL_MS;
		if (n == 0) {
			bool woke = false;

			/* an event newer than the drain's start waits in c->data */
			if (poll(pfds, e->ncpus + 1,
				 ftrace_track_holding(e->track) || cpus_pending(e) ||
				 ftrace_track_at_risk(e->track) ?
				 HELD_POLL_MS : -1) < 0 && errno != EINTR)
				break;
			if (pfds[e->ncpus].revents)
				break;
			for (int i = 0; i < e->ncpus; i++) {
				woke |= (pfds[i].revents & POLLIN) != 0;
				/* a CPU without a buffer (offline) must not spin the loop */
				if (pfds[i].revents & (POLLERR | POLLNVAL))
					pfds[i].fd = -1;
			}
			/*
			 * Events after a quiet spell: the first is often a fork
			 * whose exec follows within a millisecond or two.  Read
			 * soon, while that process most likely still runs (its
			 * argv), then go back to the interval.
			 */
			if (woke && delay > WAKE_READ_DELAY_MS)
				delay = WAKE_READ_DELAY_MS;
		}
		/* the batching delay; finish() must not wait it out */
		if (poll(&pfds[e->ncpus], 1, delay) > 0)
			break;
	}
	free(pfds);
	return NULL;
}

static struct engine *ftrace_new(const struct engine_opts *opts)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e) {
		errno = ENOMEM;
		return NULL;
	}
	if (engine_live_init(&e->lv, opts, READ_INTERVAL_MS_DEFAULT) < 0) {
		free(e);
		return NULL;
	}
	ftrace_instance_remove_stale();
	e->inst = ftrace_instance_create(opts->buffer_kb, FTRACE_MIN_BUFFER_KB_PER_50MS *
					 (uint64_t)((e->lv.interval_ms + 49) / 50), &e->buffer_kb);
	if (!e->inst)
		goto error;
	snprintf(e->instance_name, sizeof(e->instance_name), "%s",
		 tracefs_instance_get_name(e->inst));
	e->dec = ftrace_decoder_new();
	if (!e->dec || ftrace_decoder_enable(e->dec, e->inst) < 0)
		goto error;
	e->lv.csv_fd = outfile_open(opts->csv_path, true);
	if (e->lv.csv_fd < 0)
		goto error;
	return e;
error:
	{
		int err = errno;
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", err_msg());
		if (e->lv.csv_fd >= 0) {
			close(e->lv.csv_fd);
			unlink(opts->csv_path);
			e->lv.csv_fd = -1;
		}
		e->lv.finished = true;
		ftrace_instance_destroy(e->inst);
		e->inst = NULL;
		ftrace_decoder_free(e->dec);
		e->dec = NULL;
		engine_reader_close(&e->lv.rd);
		free(e);
		err_set("%s", msg);
		errno = err;
	}
	return NULL;
}

/* The CSV header; root is -1 when the workload never started. */
static int open_csv(struct engine *e, pid_t root)
{
	engine_meta_init(&e->lv.em, "ftrace", root > 0 ? root : 0, e->lv.command);
	snprintf(e->buffer_kb_str, sizeof(e->buffer_kb_str), "%llu",
		 (unsigned long long)e->buffer_kb);
	e->meta_keys[0] = "buffer_kb";
	e->meta_values[0] = e->buffer_kb_str;
	e->meta_keys[1] = "instance";
	e->meta_values[1] = e->instance_name;
	snprintf(e->interval_str, sizeof(e->interval_str), "%d", e->lv.interval_ms);
	e->meta_keys[2] = "read_interval_ms";
	e->meta_values[2] = e->interval_str;
	e->lv.w = engine_csv_open(&e->lv.em, &e->lv.csv_fd, e->lv.joined, e->meta_keys, e->meta_values, 3);
	if (!e->lv.w)
		return -1;
	e->start_ns = e->lv.em.meta.start_mono_ns;
	return 0;
}

/* The reader thread, with every signal blocked (engine_thread_start()). */
static int start_reader(struct engine *e)
{
	return engine_reader_start(&e->lv.rd, reader_main, e);
}

static int ftrace_attach(struct engine *e, pid_t root)
{
	e->lv.root = root;
	if (open_csv(e, root) < 0)
		return -1;
	e->track = ftrace_track_new(e->lv.w, root, getpid());
	if (!e->track) {
		err_set("out of memory");
		return -1;
	}
	if (cpus_open(e) < 0 || ftrace_instance_follow(e->inst, root) < 0)
		return -1;
	return start_reader(e);
}

/* Append the tids of @p not in set_event_pid yet; *@added counts them. */
static int seed_tids(struct engine *e, struct kevent_pidmap *seeded, const struct procfs_proc *p,
		     size_t *added)
{
	for (size_t i = 0; i < p->ntids; i++) {
		char num[24];

		if (kevent_pidmap_get(seeded, p->tids[i]))
			continue;
		if (kevent_pidmap_put(seeded, p->tids[i], (void *)1) < 0) {
			err_set("out of memory");
			return -1;
		}
		snprintf(num, sizeof(num), "%d", (int)p->tids[i]);
		/* appending adds to the pid list; writing would replace it */
		if (tracefs_instance_file_append(e->inst, "set_event_pid", num) < 0 &&
		    errno != ESRCH && errno != EINVAL) { /* a tid that exited meanwhile */
			err_set("cannot add pid %d to set_event_pid: %s", (int)p->tids[i],
				strerror(errno));
			return -1;
		}
		(*added)++;
	}
	return 0;
}

/*
 * Whether @p still runs now that its tids are in the filter: then its end
 * will be in the trace.  One that ended meanwhile may have ended before
 * the filter held it, its end unseen: it is left out, as it would be had
 * it ended before the walk (ptrace and bpf do the same).
 */
static bool still_there(const struct procfs_proc *p)
{
	struct procfs_stat st;

	return procfs_read_stat(p->pid, &st) == 0 && st.starttime_ticks == p->starttime_ticks &&
	       st.state != 'Z' && st.state != 'X';
}

/*
 * -p: follow @root, already running.  The filter holds root first (with
 * event-fork, what a filtered task creates is filtered too), then every tid
 * a walk of /proc finds, walk after walk until one finds nothing new: a
 * task created after its creator was in the filter is traced from its
 * creation, one created before is found by the next walk.  Every process
 * any walk found becomes an existing row, unless the trace shows its
 * creation (ftrace_track_existing()).
 */
static int ftrace_join(struct engine *e, pid_t root)
{
	struct kevent_pidmap *seeded = kevent_pidmap_new();
	struct procfs_tree *tree = NULL;
	size_t added = 1;

	e->lv.root = root;
	if (!seeded || open_csv(e, root) < 0)
		goto error;
	e->track = ftrace_track_new(e->lv.w, root, 0);
	if (!e->track) {
		err_set("out of memory");
		goto error;
	}
	if (cpus_open(e) < 0 || ftrace_instance_follow(e->inst, root) < 0)
		goto error;
	while (added) {
		added = 0;
		tree = procfs_tree_walk(root);
		if (!tree) {
			if (errno == ENOMEM || !kevent_pidmap_count(seeded))
				goto error;
			break; /* root exited during the attach: its exit is in the trace */
		}
		for (size_t i = 0; i < procfs_tree_count(tree); i++) {
			const struct procfs_proc *p = procfs_tree_proc(tree, i);
			bool known = kevent_pidmap_get(seeded, p->pid) != NULL;

			if (seed_tids(e, seeded, p, &added) < 0)
				goto error;
			if (!known && still_there(p) &&
			    ftrace_track_existing(e->track, p, e->start_ns) < 0)
				goto error;
		}
		procfs_tree_free(tree);
		tree = NULL;
	}
	ftrace_track_existing_done(e->track, clock_mono_ns());
	kevent_pidmap_free(seeded);
	return start_reader(e);
error:
	procfs_tree_free(tree);
	kevent_pidmap_free(seeded);
	return -1;
}

/*
 * The kernel's own counters against what the pages reported: the
 * difference (losses a page could not count, commit overruns, drops) is
 * lost too and gets its own row.
 */
static int kernel_losses(struct engine *e, uint64_t end, uint64_t *overrun_total,
			 uint64_t *dropped_total)
{
	for (int i = 0; i < e->ncpus; i++) {
		struct ftrace_cpu *c = &e->cpus[i];
		struct ftrace_cpu_stats st;
		uint64_t extra = 0;

		if (ftrace_instance_cpu_stats(e->inst, c->cpu, &st) < 0)
			return -1;
		*overrun_total += st.overrun;
		*dropped_total += st.dropped + st.commit_overrun;
		if (st.overrun > c->missed)
			extra += st.overrun - c->missed;
		extra += st.dropped + st.commit_overrun;
		if (extra && ftrace_track_lost(e->track, c->cpu, c->last_ts ? c->last_ts :
					       e->start_ns, end, (long long)extra) < 0)
			return -1;
	}
	return 0;
}

static int ftrace_finish(struct engine *e, const struct engine_finish *fin)
{
	struct ftrace_counts cnt = { 0 };
	uint64_t overrun = 0, dropped = 0, end;
	struct csv_trailer tr = { 0 };
	bool failed = false;
	char msg[1024] = "";
	int ret;

	if (e->lv.finished)
		return 0;
	e->lv.finished = true;
	if (!e->lv.w && open_csv(e, fin->root) < 0)
		failed = true;
	/* stop recording first: what happens from here on is not part of the run */
	if (e->inst)
		tracefs_trace_off(e->inst);
	end = clock_mono_ns();
	if (engine_reader_end(&e->lv.rd, msg, sizeof(msg)) < 0) {
		failed = true;
		if (e->track) /* what was read is kept */
			ftrace_track_release(e->track, UINT64_MAX);
	}
	if (e->track && !e->lv.rd.failed) {
		if (drain(e) < 0 || kernel_losses(e, end, &overrun, &dropped) < 0 ||
		    ftrace_track_finish(e->track, fin->root_status) < 0) {
			snprintf(msg, sizeof(msg), "%s", err_msg());
			failed = true;
		}
	}
	if (e->track)
		ftrace_track_counts(e->track, &cnt);
	if (e->lv.w) {
		static const char *const keys[] = {
			"overrun", "dropped_events", "unknown_tasks", "argv_unknown", "processes",
			"argv_stale", "foreign_events", "reuse_gaps", "alive_gone",
		};
		const uint64_t nums[] = {
			overrun, dropped, cnt.unknown_tasks, cnt.argv_unknown, cnt.procs,
			cnt.argv_stale, cnt.foreign_events, cnt.reuse_gaps, cnt.alive_gone,
		};

		tr.events = cnt.events;
		tr.lost_events = cnt.lost;
		tr.interrupted = fin->interrupted || failed;
		tr.end_mono_ns = end;
		if (engine_csv_finish(e->lv.w, &tr, keys, nums, 9) < 0 && !failed) {
			snprintf(msg, sizeof(msg), "%s", err_msg());
			failed = true;
		}
	}
	cpus_close(e);
	ret = ftrace_instance_destroy(e->inst);
	e->inst = NULL;
	if (ret < 0 && !failed) {
		snprintf(msg, sizeof(msg), "%s", err_msg());
		failed = true;
	}
	if (failed) {
		err_set("%s", msg[0] ? msg : "recording failed");
		return -1;
	}
	return 0;
}

static int ftrace_root_status(struct engine *e)
{
	return e->track ? ftrace_track_root_status(e->track) : -1;
}

static void ftrace_stats(struct engine *e, struct engine_stats *st)
{
	struct ftrace_counts c = { 0 };

	memset(st, 0, sizeof(*st));
	if (!e->track) {
		st->procs = 0;
		return;
	}
	ftrace_track_counts(e->track, &c);
	st->events = c.events;
	st->procs = c.procs;
	st->alive = c.alive;
	st->lost = c.lost;
	st->execs = c.execs;
	st->argv_unknown = c.argv_unknown;
}

static void ftrace_free(struct engine *e)
{
	if (!e)
		return;
	engine_reader_stop(&e->lv.rd);
	cpus_close(e);
	if (e->inst)
		ftrace_instance_destroy(e->inst);
	engine_live_close(&e->lv);
	ftrace_track_free(e->track);
	ftrace_decoder_free(e->dec);
	free(e);
}

const struct engine_ops engine_ftrace_ops = {
	.name = "ftrace",
	.help = "kernel trace events in a private tracefs instance (needs root)",
	.caps = ENGINE_PRIV,
	.new = ftrace_new,
	.attach = ftrace_attach,
	.join = ftrace_join,
	.root_status = ftrace_root_status,
	.finish = ftrace_finish,
	.stats = ftrace_stats,
	.free = ftrace_free,
};
