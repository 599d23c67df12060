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
#include <stddef.h>
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
#include "err.h"
#include "ftrace_engine-private.h"
#include "procfs.h"
#include "procfs_tree.h"

static struct engine *ftrace_new(const struct engine_opts *opts)
{
	struct engine *e = engine_live_new(sizeof(*e), offsetof(struct engine, lv), opts,
					   READ_INTERVAL_MS_DEFAULT);

	if (!e)
		return NULL;
	ftrace_instance_remove_stale();
	e->inst = ftrace_instance_create(opts->buffer_kb,
					 FTRACE_MIN_BUFFER_KB_PER_50MS *
						 (uint64_t)((e->lv.interval_ms + 49) / 50),
					 &e->buffer_kb);
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
error : {
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
	struct engine_meta *em = engine_live_meta(&e->lv, "ftrace", root);

	engine_meta_add(em, "buffer_kb", "%llu", (unsigned long long)e->buffer_kb);
	engine_meta_add(em, "instance", "%s", e->instance_name);
	engine_meta_add(em, "read_interval_ms", "%d", e->lv.interval_ms);
	e->start_ns = em->meta.start_mono_ns;
	return engine_live_open(&e->lv);
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
	if (ftrace_cpus_open(e) < 0 || ftrace_instance_follow(e->inst, root) < 0)
		return -1;
	return engine_reader_start(&e->lv.rd, ftrace_reader_main, e);
}

/* Append the tids of @p not in set_event_pid yet; *@added counts them. */
static int seed_tids(struct engine *e, struct pidmap *seeded, const struct procfs_proc *p,
		     size_t *added)
{
	for (size_t i = 0; i < p->ntids; i++) {
		char num[24];

		if (pidmap_get(seeded, p->tids[i]))
			continue;
		if (pidmap_put(seeded, p->tids[i], (void *)1) < 0) {
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
	struct pidmap *seeded = pidmap_new();
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
	if (ftrace_cpus_open(e) < 0 || ftrace_instance_follow(e->inst, root) < 0)
		goto error;
	while (added) {
		added = 0;
		tree = procfs_tree_walk(root);
		if (!tree) {
			if (errno == ENOMEM || !pidmap_count(seeded))
				goto error;
			break; /* root exited during the attach: its exit is in the trace */
		}
		for (size_t i = 0; i < procfs_tree_count(tree); i++) {
			const struct procfs_proc *p = procfs_tree_proc(tree, i);
			bool known = pidmap_get(seeded, p->pid) != NULL;

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
	pidmap_free(seeded);
	return engine_reader_start(&e->lv.rd, ftrace_reader_main, e);
error:
	procfs_tree_free(tree);
	pidmap_free(seeded);
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
		if (extra &&
		    ftrace_track_lost(e->track, c->cpu, c->last_ts ? c->last_ts : e->start_ns, end,
				      (long long)extra) < 0)
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
		if (ftrace_drain(e) < 0 || kernel_losses(e, end, &overrun, &dropped) < 0 ||
		    ftrace_track_finish(e->track, fin->root_status) < 0) {
			snprintf(msg, sizeof(msg), "%s", err_msg());
			failed = true;
		}
	}
	if (e->track)
		ftrace_track_counts(e->track, &cnt);
	if (e->lv.w) {
		static const char *const keys[] = {
			"overrun",	  "dropped_events", "unknown_tasks",
			"argv_unknown",	  "processes",	    "argv_stale",
			"foreign_events", "reuse_gaps",	    "alive_gone",
		};
		const uint64_t nums[] = {
			overrun,	dropped,	cnt.unknown_tasks,  cnt.argv_unknown,
			cnt.procs,	cnt.argv_stale, cnt.foreign_events, cnt.reuse_gaps,
			cnt.alive_gone,
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
	ftrace_cpus_close(e);
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
	ftrace_cpus_close(e);
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
