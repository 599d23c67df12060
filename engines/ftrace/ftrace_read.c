// SPDX-License-Identifier: MIT
/*
 * The ftrace engine's reader: the per-CPU ring buffers of its instance
 * (trace_pipe_raw), merged in time order and fed to the tracking as they
 * come, by a thread that batches its reads while events flow and sleeps
 * in poll() once the buffers run dry.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kbuffer.h>
#include <tracefs.h>

#include "clock.h"
#include "err.h"
#include "ftrace_engine-private.h"

void ftrace_cpus_close(struct engine *e)
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

int ftrace_cpus_open(struct engine *e)
{
	int n = (int)sysconf(_SC_NPROCESSORS_CONF);
	enum kbuffer_long_size lsize =
		ftrace_decoder_long_size(e->dec) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4;

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

			if (ftrace_track_lost(e->track, c->cpu,
					      c->last_ts ? c->last_ts : e->start_ns, end,
					      missed > 0 ? missed : -1) < 0)
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
int ftrace_drain(struct engine *e)
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
		err_set("cannot put pid %d back into set_event_pid: %s", (int)tid, strerror(errno));
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

void *ftrace_reader_main(void *arg)
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
		int n = ftrace_drain(e), delay;
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
						 ftrace_track_at_risk(e->track)
					 ? HELD_POLL_MS
					 : -1) < 0 &&
			    errno != EINTR)
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
