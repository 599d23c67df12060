// SPDX-License-Identifier: MIT
/*
 * The bpf engine: fork, exec and exit records from eBPF programs on the
 * scheduler's tracepoints (proctree.bpf.c), which follow the workload in
 * the kernel and read argv and the exit status there.  A reader thread
 * empties the ring buffer in batches and writes CSV rows as they come.
 *
 * Lifecycle (see engine.h): new() loads the programs (the verifier runs
 * here, before the workload exists) and creates the CSV; attach() seeds
 * the root, attaches the programs and starts the reader; finish() stops
 * the reader, drains the ring buffer, turns the kernel's loss counts into
 * `lost` rows, writes `alive` rows from the kernel's own map of processes
 * still followed, the trailer, and detaches.  Nothing is pinned: the
 * programs live only as long as the recorder's file descriptors, so a
 * recorder killed with SIGKILL leaves nothing attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_event.h"
#include "clock.h"
#include "csv.h"
#include "engine-private.h"
#include "err.h"
#include "procfs.h"
#include "procfs_tree.h"
#include "proctree.skel.h"
#include "bpf-private.h"

/* libbpf's messages: kept for our error (the last warning), printed only on demand */
static char libbpf_last[512];
static bool libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list copy;

	if (level == LIBBPF_DEBUG && !libbpf_verbose)
		return 0;
	va_copy(copy, ap);
	if (level == LIBBPF_WARN) {
		size_t n;

		vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, copy);
		n = strlen(libbpf_last);
		while (n && libbpf_last[n - 1] == '\n')
			libbpf_last[--n] = '\0';
	}
	va_end(copy);
	if (libbpf_verbose)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* ---- losses ---- */

/*
 * The programs count per CPU what they could not hand over: the counts not
 * written yet become one `lost` row per CPU, its window from the previous
 * check to the last loss.
 */
static int check_losses(struct engine *e)
{
	uint32_t zero = 0;
	uint64_t now = clock_mono_ns(), untracked = 0;

	if (bpf_map__lookup_elem(e->skel->maps.losses, &zero, sizeof(zero), e->loss_now,
				 sizeof(*e->loss_now) * e->ncpus, 0) < 0) {
		err_set("bpf: cannot read the loss counters: %s", strerror(errno));
		return -1;
	}
	for (int cpu = 0; cpu < e->ncpus; cpu++) {
		const struct ptb_loss *l = &e->loss_now[cpu];
		struct csv_event row = { .kind = CSV_LOST };

		untracked += l->untracked;
		if (l->count <= e->loss_seen[cpu])
			continue;
		CSV_SET(&row, time_ns, CSV_F_TIME, e->loss_since);
		CSV_SET(&row, end_ns, CSV_F_END, l->last_ns > e->loss_since ? l->last_ns : now);
		CSV_SET(&row, cpu, CSV_F_CPU, cpu);
		CSV_SET(&row, count, CSV_F_COUNT, l->count - e->loss_seen[cpu]);
		COUNT_ADD(e, lost, l->count - e->loss_seen[cpu]);
		COUNT_ADD(e, lost_rows, 1);
		e->loss_seen[cpu] = l->count;
		if (ptb_write_row(e, &row) < 0)
			return -1;
	}
	if (untracked > e->untracked_seen) {
		/* processes the map could not hold: their events are not recorded */
		struct csv_event row = { .kind = CSV_LOST };

		CSV_SET(&row, time_ns, CSV_F_TIME, e->loss_since);
		CSV_SET(&row, end_ns, CSV_F_END, now);
		__atomic_store_n(&e->c.untracked, untracked, __ATOMIC_RELAXED);
		e->untracked_seen = untracked;
		COUNT_ADD(e, lost_rows, 1);
		if (ptb_write_row(e, &row) < 0)
			return -1;
	}
	e->loss_since = now;
	return 0;
}

/* ---- the reader ---- */

static int read_ring(struct engine *e)
{
	int n;

	err_clear();
	n = ring_buffer__consume(e->rb);
	if (n < 0) {
		if (!err_msg()[0]) /* else on_record() said why */
			err_set("bpf: reading the ring buffer: %s", strerror(-n));
		return -1;
	}
	return check_losses(e) < 0 ? -1 : n;
}

static void *reader_main(void *arg)
{
	struct engine *e = arg;
	struct pollfd pfd[2] = {
		{ .fd = ring_buffer__epoll_fd(e->rb), .events = POLLIN },
		{ .fd = e->lv.rd.stop_fd, .events = POLLIN },
	};
	uint64_t last_flush = clock_mono_ns();

	while (!engine_reader_stopping(&e->lv.rd)) {
		int n = read_ring(e);
		uint64_t now = clock_mono_ns();

		if (n < 0) {
			engine_reader_fail(&e->lv.rd, err_msg());
			break;
		}
		/* a quiet moment costs nothing to write in, and may last */
		if ((n == 0 && now - last_flush >= FLUSH_INTERVAL_NS / 10) ||
		    now - last_flush >= FLUSH_INTERVAL_NS) {
			if (csv_writer_flush(e->lv.w, false) < 0) {
				engine_reader_fail(&e->lv.rd, err_msg());
				break;
			}
			last_flush = now;
		}
		/*
		 * Sleep the interval unless the programs force a wakeup (the
		 * buffer a quarter full) or finish() stops us.  libbpf's epoll
		 * fd is level-triggered: it is ready only while a woken ring
		 * holds data, so reading it empty is enough.
		 */
		if (poll(pfd, 2, e->lv.interval_ms) > 0 && pfd[1].revents)
			break;
	}
	return NULL;
}

/* ---- engine_ops ---- */

/*
 * Open, size and load the programs.  @group_dead_arg: load ptb_exit, for
 * kernels whose sched_process_exit passes group_dead (6.16 and later), else
 * ptb_exit_live.  Trying is cheaper than asking: parsing the kernel's BTF
 * to read the tracepoint's prototype takes 60-170 ms here, and libbpf
 * parses it once more for the relocations anyway.
 */
static int load_skel(struct engine *e, bool group_dead_arg)
{
	int err;

	e->skel = proctree_bpf__open();
	if (!e->skel)
		return -errno;
	e->skel->rodata->wake_bytes = e->ring_kb * 1024 / 4;
	if (bpf_map__set_max_entries(e->skel->maps.events, (uint32_t)(e->ring_kb * 1024)) ||
	    bpf_map__set_max_entries(e->skel->maps.scratch, (uint32_t)e->ncpus) ||
	    bpf_program__set_autoload(
		    group_dead_arg ? e->skel->progs.ptb_exit_live : e->skel->progs.ptb_exit, false))
		return -errno;
	err = proctree_bpf__load(e->skel);
	return err ? (err < 0 ? err : -errno) : 0;
}

/*
 * The ring's size is a power of two in bytes that the map's max_entries
 * (32 bits) holds: 2 GiB at most, beyond which libbpf's load fails with a
 * bare EINVAL; a larger --buffer-size is refused up front instead.
 */
#define RING_KB_MAX (2ull * 1024 * 1024)

static uint64_t ring_size_kb(uint64_t kb)
{
	uint64_t size = 4; /* a page */

	if (!kb)
		kb = RING_KB_DEFAULT;
	while (size < kb && size < RING_KB_MAX)
		size <<= 1;
	return size;
}

static struct engine *bpf_new(const struct engine_opts *opts)
{
	struct engine *e = engine_live_new(sizeof(*e), offsetof(struct engine, lv), opts,
					   READ_INTERVAL_MS_DEFAULT);
	int err;

	if (!e)
		return NULL;
	e->root_wstatus = -1;
	e->page_kb = sysconf(_SC_PAGESIZE) / 1024;
	e->ncpus = libbpf_num_possible_cpus();
	if (e->ncpus <= 0) {
		err_set("bpf: cannot count the possible CPUs");
		goto error;
	}
	e->loss_now = calloc(e->ncpus, sizeof(*e->loss_now));
	e->loss_seen = calloc(e->ncpus, sizeof(*e->loss_seen));
	if (!e->loss_now || !e->loss_seen) {
		err_set("out of memory");
		goto error;
	}
	libbpf_verbose = getenv("PROCTREE_BPF_DEBUG") && *getenv("PROCTREE_BPF_DEBUG");
	libbpf_set_print(libbpf_print);
	libbpf_last[0] = '\0';
	if (opts->buffer_kb > RING_KB_MAX) {
		err_set("--buffer-size %lluK is over the ring buffer's limit of %lluK (2 GiB)",
			(unsigned long long)opts->buffer_kb, RING_KB_MAX);
		goto error;
	}
	e->ring_kb = ring_size_kb(opts->buffer_kb);
	err = load_skel(e, true);
	if (err && err != -EPERM && err != -EACCES) {
		/* an older kernel: its tracepoint has no group_dead for ptb_exit to read */
		proctree_bpf__destroy(e->skel);
		e->skel = NULL;
		libbpf_last[0] = '\0';
		err = load_skel(e, false);
	}
	if (err) {
		int en = -err > 0 ? -err : errno;

		if (en == EPERM || en == EACCES)
			err_set("cannot load BPF programs: %s: needs root, or CAP_BPF and "
				"CAP_PERFMON; or use --processtree-engine ptrace",
				strerror(en));
		else
			err_set("cannot load BPF programs: %s%s%s", strerror(en),
				libbpf_last[0] ? ": " : "", libbpf_last);
		errno = en;
		goto error;
	}
	e->lv.csv_fd = outfile_open(opts->csv_path, true);
	if (e->lv.csv_fd < 0)
		goto error; /* outfile_open() said why, naming the path */
	return e;
error : {
	int en = errno;

	e->lv.finished = true;
	if (e->lv.csv_fd >= 0)
		close(e->lv.csv_fd);
	e->lv.csv_fd = -1;
	e->loss_since = 0;
	proctree_bpf__destroy(e->skel);
	e->skel = NULL;
	engine_reader_close(&e->lv.rd);
	free(e->loss_now);
	free(e->loss_seen);
	free(e);
	errno = en ? en : EINVAL;
}
	return NULL;
}

/* The CSV header; root is -1 when the workload never started. */
static int open_csv(struct engine *e, pid_t root)
{
	struct engine_meta *em = engine_live_meta(&e->lv, "bpf", root);

	engine_meta_add(em, "buffer_kb", "%llu", (unsigned long long)e->ring_kb);
	engine_meta_add(em, "read_interval_ms", "%d", e->lv.interval_ms);
	engine_meta_add(em, "argv_cap", "%d", PTB_ARGV_CAP);
	/* the task's own utime/stime, no children */
	engine_meta_add(em, "cpu_times", "own");
	e->loss_since = em->meta.start_mono_ns;
	return engine_live_open(&e->lv);
}

/* @root in the tracked map (any start_time), the ring buffer, the programs attached */
static int follow_root(struct engine *e, pid_t root)
{
	uint32_t key = (uint32_t)root;
	uint64_t any = 0;

	if (bpf_map__update_elem(e->skel->maps.tracked, &key, sizeof(key), &any, sizeof(any),
				 BPF_ANY) < 0) {
		err_set("bpf: cannot follow pid %d: %s", root, strerror(errno));
		return -1;
	}
	e->rb = ring_buffer__new(bpf_map__fd(e->skel->maps.events), ptb_on_record, e, NULL);
	if (!e->rb) {
		err_set("bpf: cannot map the ring buffer: %s", strerror(errno));
		return -1;
	}
	if (proctree_bpf__attach(e->skel)) {
		err_set("bpf: cannot attach to the sched tracepoints: %s%s%s", strerror(errno),
			libbpf_last[0] ? ": " : "", libbpf_last);
		return -1;
	}
	return 0;
}

static int bpf_attach(struct engine *e, pid_t root)
{
	e->lv.root = root;
	if (open_csv(e, root) < 0)
		return -1;
	COUNT_ADD(e, procs, 1); /* the root: forked before recording, no fork row */
	if (follow_root(e, root) < 0)
		return -1;
	return engine_reader_start(&e->lv.rd, reader_main, e);
}

/*
 * -p: put @p in the tracked map unless the fork program already did (it
 * was forked by a tracked process after we began: its fork row says so).
 * Seeded with 0, "any start_time": the first event adopts the leader's, as
 * for the root; that the pid is still @p (not a successor) is checked
 * against /proc after the insertion, when a successor could no longer slip
 * in unseen.  1: seeded (write its existing row), 0: not, -1 error.
 */
static int seed_existing(struct engine *e, const struct procfs_proc *p)
{
	uint32_t key = (uint32_t)p->pid;
	uint64_t any = 0, v;
	struct procfs_stat st;

	if (bpf_map__update_elem(e->skel->maps.tracked, &key, sizeof(key), &any, sizeof(any),
				 BPF_NOEXIST) < 0) {
		if (errno == EEXIST)
			return 0;
		err_set("bpf: cannot follow pid %d: %s", (int)p->pid, strerror(errno));
		return -1;
	}
	if (procfs_read_stat(p->pid, &st) < 0 || st.starttime_ticks != p->starttime_ticks ||
	    st.state == 'Z' || st.state == 'X') {
		/* gone (its exit was before we followed it), or its pid is another's now */
		if (bpf_map__lookup_elem(e->skel->maps.tracked, &key, sizeof(key), &v, sizeof(v),
					 0) == 0 &&
		    v == 0)
			bpf_map__delete_elem(e->skel->maps.tracked, &key, sizeof(key), 0);
		return 0;
	}
	return 1;
}

/*
 * -p: follow @root, already running.  The programs are attached with root
 * in the map, so what a followed process forks from then on is followed
 * (and has its fork row); a walk of /proc seeds the processes that already
 * existed, parents first, and repeats until it finds nothing new.
 */
static int bpf_join(struct engine *e, pid_t root)
{
	uint64_t start;
	size_t added = 1;

	e->lv.root = root;
	if (open_csv(e, root) < 0 || follow_root(e, root) < 0)
		return -1;
	start = e->lv.em.meta.start_mono_ns;
	for (bool first = true; added; first = false) {
		struct procfs_tree *tree = procfs_tree_walk(root);

		added = 0;
		if (!tree) {
			if (first || errno == ENOMEM)
				return -1;
			break; /* root exited during the attach: its exit record comes */
		}
		for (size_t i = 0; i < procfs_tree_count(tree); i++) {
			const struct procfs_proc *p = procfs_tree_proc(tree, i);
			int seeded = p->pid == root ? first : seed_existing(e, p);

			if (seeded < 0 ||
			    (seeded && engine_write_existing(e->lv.w, p, start) < 0)) {
				procfs_tree_free(tree);
				return -1;
			}
			if (seeded) {
				COUNT_ADD(e, events, 1);
				COUNT_ADD(e, procs, 1);
				added++;
			}
		}
		procfs_tree_free(tree);
	}
	return engine_reader_start(&e->lv.rd, reader_main, e);
}

/* Events the kernel skipped because a program was already running on that CPU. */
static uint64_t recursion_misses(struct engine *e)
{
	struct bpf_program *progs[] = { e->skel->progs.ptb_fork, e->skel->progs.ptb_exec,
					e->skel->progs.ptb_exit, e->skel->progs.ptb_exit_live };
	uint64_t n = 0;

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		int fd = bpf_program__fd(progs[i]);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
			n += info.recursion_misses;
	}
	return n;
}

/*
 * Is the process behind /proc/PID the one the map followed?  The map holds
 * its leader's task start_time (CLOCK_MONOTONIC ns), /proc its
 * start_boottime in clock ticks: the two differ by the time the machine was
 * suspended before the process started, anywhere from 0 to today's
 * boottime - monotonic.  Within that range, give or take a tick, is a
 * match.  0 in the map (the root and processes found by -p, seeded with any
 * start time) is not checked: their pids were checked against /proc when
 * they were seeded, and the root's end comes from the recorder's waitpid.
 */
static bool same_process(uint64_t start_ns, const struct procfs_stat *st)
{
	struct timespec mono, boot;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t tick, off, lo, hi;

	if (!start_ns || hz <= 0)
		return true;
	tick = 1000000000ull / (uint64_t)hz;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	off = (uint64_t)(boot.tv_sec - mono.tv_sec) * 1000000000ull +
	      (uint64_t)(boot.tv_nsec - mono.tv_nsec);
	lo = start_ns / tick;
	hi = (start_ns + off) / tick;
	return st->starttime_ticks + 1 >= lo && st->starttime_ticks <= hi + 1;
}

/*
 * The processes the kernel still follows have not exited: `alive` rows.
 * Exits remove them in the kernel even when their record was lost, so
 * this holds after losses too.  One whose pid is gone, or taken by another
 * process, exited in a way the programs missed (recursion misses: already
 * a lost row): no alive row, counted in *@gone (the trailer's alive_gone),
 * its node left without an end.
 */
static int write_alive(struct engine *e, uint64_t now, uint64_t *alive, uint64_t *gone)
{
	struct bpf_map *m = e->skel->maps.tracked;
	uint32_t key, next;
	uint32_t *prev = NULL;

	*alive = *gone = 0;
	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		struct csv_event row = { .kind = CSV_ALIVE };
		struct procfs_stat st;
		uint64_t start = 0;

		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(m, &key, sizeof(key), &start, sizeof(start), 0) < 0)
			start = 0;
		if (procfs_read_stat((pid_t)key, &st) < 0 || !same_process(start, &st)) {
			(*gone)++;
			continue;
		}
		CSV_SET(&row, time_ns, CSV_F_TIME, now);
		CSV_SET(&row, pid, CSV_F_PID, (int)key);
		if (st.ppid > 0)
			CSV_SET(&row, ppid, CSV_F_PPID, st.ppid);
		row.comm = st.comm;
		if (ptb_write_row(e, &row) < 0)
			return -1;
		(*alive)++;
	}
	return 0;
}

/*
 * The root's exit record can only be missing when it was lost: write its
 * exit from the recorder's waitpid, which is exact, and count it.
 */
static int root_exit_from_wait(struct engine *e, pid_t root, int status, uint64_t now)
{
	struct csv_event row = { .kind = CSV_EXIT };

	if (e->root_exit_seen || status < 0 || root <= 0)
		return 0;
	CSV_SET(&row, time_ns, CSV_F_TIME, now);
	CSV_SET(&row, pid, CSV_F_PID, root);
	CSV_SET(&row, tid, CSV_F_TID, root);
	CSV_SET(&row, group, CSV_F_GROUP, true);
	if (WIFEXITED(status))
		CSV_SET(&row, code, CSV_F_CODE, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		CSV_SET(&row, signal, CSV_F_SIGNAL, WTERMSIG(status));
	e->root_exit_seen = true;
	return ptb_write_row(e, &row);
}

static int bpf_finish(struct engine *e, const struct engine_finish *fin)
{
	uint64_t end, alive = 0, gone = 0, misses = 0;
	struct csv_trailer tr = { 0 };
	bool failed = false, inferred_root = false;
	char msg[1024] = "";

	if (e->lv.finished)
		return 0;
	e->lv.finished = true;
	if (!e->lv.w && open_csv(e, fin->root) < 0)
		failed = true;
	end = clock_mono_ns();
	if (engine_reader_end(&e->lv.rd, msg, sizeof(msg)) < 0)
		failed = true;
	if (e->lv.w && e->rb && !e->lv.rd.failed) {
		bool had_root_exit;

		if (read_ring(e) < 0) {
			snprintf(msg, sizeof(msg), "%s", err_msg());
			failed = true;
		}
		misses = recursion_misses(e);
		if (misses) {
			struct csv_event row = { .kind = CSV_LOST };

			CSV_SET(&row, time_ns, CSV_F_TIME, e->lv.em.meta.start_mono_ns);
			CSV_SET(&row, end_ns, CSV_F_END, end);
			CSV_SET(&row, count, CSV_F_COUNT, misses);
			COUNT_ADD(e, lost, misses);
			COUNT_ADD(e, lost_rows, 1);
			if (ptb_write_row(e, &row) < 0)
				failed = true;
		}
		had_root_exit = e->root_exit_seen;
		if (!failed && (root_exit_from_wait(e, fin->root, fin->root_status, end) < 0 ||
				write_alive(e, end, &alive, &gone) < 0)) {
			snprintf(msg, sizeof(msg), "%s", err_msg());
			failed = true;
		}
		inferred_root = !had_root_exit && e->root_exit_seen;
	}
	__atomic_store_n(&e->c.exits, COUNT_GET(e, procs) - alive, __ATOMIC_RELAXED);
	if (e->lv.w) {
		static const char *const keys[] = {
			"processes", "argv_unknown",	    "argv_cut",	  "recursion_misses",
			"untracked", "root_exit_from_wait", "alive_gone",
		};
		const uint64_t nums[] = {
			COUNT_GET(e, procs),
			COUNT_GET(e, argv_unknown),
			COUNT_GET(e, argv_cut),
			misses,
			e->untracked_seen,
			inferred_root,
			gone,
		};

		tr.events = COUNT_GET(e, events);
		tr.lost_events = COUNT_GET(e, lost);
		tr.interrupted = fin->interrupted || failed;
		tr.end_mono_ns = end;
		if (engine_csv_finish(e->lv.w, &tr, keys, nums, 7) < 0 && !failed) {
			snprintf(msg, sizeof(msg), "%s", err_msg());
			failed = true;
		}
	}
	/* detach now: the workload's leftovers run on untraced */
	proctree_bpf__detach(e->skel);
	if (failed) {
		err_set("%s", msg[0] ? msg : "recording failed");
		return -1;
	}
	return 0;
}

static int bpf_root_status(struct engine *e)
{
	return e->root_wstatus;
}

static void bpf_stats(struct engine *e, struct engine_stats *st)
{
	uint64_t procs = COUNT_GET(e, procs), exits = COUNT_GET(e, exits);

	memset(st, 0, sizeof(*st));
	st->events = COUNT_GET(e, events);
	st->procs = procs;
	st->alive = procs > exits ? procs - exits : 0;
	st->lost = COUNT_GET(e, lost);
	st->execs = COUNT_GET(e, execs);
	st->argv_unknown = COUNT_GET(e, argv_unknown);
}

static void bpf_free(struct engine *e)
{
	if (!e)
		return;
	engine_reader_stop(&e->lv.rd);
	ring_buffer__free(e->rb);
	proctree_bpf__destroy(e->skel);
	engine_live_close(&e->lv);
	free(e->loss_now);
	free(e->loss_seen);
	free(e);
}

const struct engine_ops engine_bpf_ops = {
	.name = "bpf",
	.help = "eBPF programs on the sched tracepoints: every argv and exit status (needs root)",
	.caps = ENGINE_PRIV | ENGINE_ARGV,
	.buffer_kb_max = RING_KB_MAX,
	.new = bpf_new,
	.attach = bpf_attach,
	.join = bpf_join,
	.root_status = bpf_root_status,
	.finish = bpf_finish,
	.stats = bpf_stats,
	.free = bpf_free,
};
