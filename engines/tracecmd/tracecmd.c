// SPDX-License-Identifier: MIT
/*
 * The tracecmd engine: trace-cmd records the sched/task/exit/signal events
 * system-wide into a .dat beside the CSV (the user keeps it for
 * KernelShark); at the end the .dat is converted with libtracecmd, keeping
 * the workload's root and its descendants.  See docs/engine-tracecmd.md.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "engine-private.h"
#include "err.h"
#include "num.h"
#include "procfs.h"
#include "tracecmd_convert.h"
#include "tracecmd_run.h"

struct engine {
	struct engine_opts o;
	struct engine_meta em;
	char *csv_path, *dat_path;
	int csv_fd; /* the CSV, created in new(): checked before the workload */
	struct tcrun *run;
	pid_t root;
	uint64_t attach_ns; /* the root was alive then (held at the barrier) */
	pid_t tracer;	    /* trace-cmd's pid, not a descendant to wait for */
	struct tcconv_stats st;
	bool finished;
};

static struct engine *tracecmd_new(const struct engine_opts *opts)
{
	struct engine *e = calloc(1, sizeof(*e));
	struct tcrun_opts ro = { 0 };
	bool csv_new = false;
	struct stat st;

	if (!e) {
		err_set("out of memory");
		return NULL;
	}
	e->o = *opts;
	e->csv_fd = -1;
	e->csv_path = strdup(opts->csv_path);
	e->dat_path = strdup(opts->dat_path ? opts->dat_path : "proctree.dat");
	if (!e->csv_path || !e->dat_path) {
		err_set("out of memory");
		goto error;
	}
	if (outfile_is_stdout(e->csv_path)) {
		err_set("cannot write to standard output (-o -): its .dat goes beside the CSV; "
			"give -o FILE");
		errno = EINVAL;
		goto error;
	}
	/* both outputs are created now: a bad -o fails before the workload runs */
	csv_new = lstat(e->csv_path, &st) < 0 && errno == ENOENT;
	e->csv_fd = outfile_open(e->csv_path, false);
	if (e->csv_fd < 0)
		goto error;
	ro.dat_path = e->dat_path;
	ro.buffer_kb = opts->buffer_kb;
	ro.stop_now = opts->stop_now;
	ro.force_mode = getenv("PROCTREE_TRACECMD_MODE");
	e->run = tcrun_start(&ro);
	if (!e->run)
		goto error;
	e->tracer = tcrun_pid(e->run);
	engine_meta_init(&e->em, "tracecmd", 0, opts->command);
	engine_meta_add(&e->em, "dat", "%s", e->dat_path);
	engine_meta_add(&e->em, "tracecmd_mode", "%s", tcrun_mode(e->run));
	engine_meta_add(&e->em, "buffer_kb", "%" PRIu64, e->o.buffer_kb ? e->o.buffer_kb : 4096);
	engine_meta_keys(&e->em, false);
	return e;
error:
	if (e->csv_fd >= 0) {
		struct stat now;

		/* no recording: do not leave an empty CSV we created */
		if (csv_new && fstat(e->csv_fd, &st) == 0 && lstat(e->csv_path, &now) == 0 &&
		    st.st_dev == now.st_dev && st.st_ino == now.st_ino)
			unlink(e->csv_path);
		close(e->csv_fd);
	}
	free(e->csv_path);
	free(e->dat_path);
	free(e);
	return NULL;
}

/*
 * trace-cmd holds the events until the end, so the rows come at finish();
 * the header goes out now: a recorder killed with SIGKILL leaves a CSV that
 * names the .dat (#dat, which trace-cmd still completes: it gets SIGINT when
 * we die) and the root (#root_pid), what --convert needs to make the rows.
 */
static int tracecmd_attach(struct engine *e, pid_t root)
{
	struct csv_writer *w;

	e->root = root;
	e->attach_ns = clock_mono_ns();
	e->em.meta.root_pid = root;
	w = csv_writer_new(e->csv_fd, false, &e->em.meta);
	if (!w)
		return -1;
	csv_writer_free(w);
	return 0;
}

/*
 * --wait-all is the recorder's (a subreaper reaping its children): all it
 * needs from this engine is which child is trace-cmd, never to be waited for.
 */
static pid_t tracecmd_helper_pid(struct engine *e)
{
	return e->tracer;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Every pid that exists (not a zombie) right now, sorted: taken before
 * trace-cmd stops, so a process either exits inside the trace or is here.
 */
static pid_t *live_pids(size_t *n)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t *v = NULL;
	size_t cap = 0;

	*n = 0;
	while (d && (de = readdir(d))) {
		int pid;

		if (num_parse_int(de->d_name, 1, INT32_MAX, &pid) < 0 ||
		    !procfs_pid_alive(pid, true))
			continue;
		if (*n == cap) {
			pid_t *nv = realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[(*n)++] = pid;
	}
	if (d)
		closedir(d);
	if (v)
		qsort(v, *n, sizeof(*v), cmp_pid);
	return v;
}

/*
 * No usable .dat: the CSV still gets its header and a trailer that says the
 * recording was interrupted (best effort: the disk may be full).
 */
static void write_stub(struct engine *e)
{
	struct csv_trailer tr = { .interrupted = true, .end_mono_ns = clock_mono_ns() };
	struct csv_writer *w;

	if (outfile_rewind(e->csv_fd, e->csv_path) < 0)
		return;
	w = csv_writer_new(e->csv_fd, false, &e->em.meta);
	if (w) {
		csv_writer_finish(w, &tr);
		csv_writer_free(w);
	}
}

static int tracecmd_finish(struct engine *e, const struct engine_finish *fin)
{
	struct tcconv_opts co = { 0 };
	uint64_t end;
	int status = -1, stop, ret;
	size_t nalive = 0;
	pid_t *alive;

	if (e->finished)
		return 0;
	e->finished = true;
	alive = live_pids(&nalive);
	end = clock_mono_ns();
	stop = tcrun_stop(e->run, &status);
	co.root = fin->root > 0 ? fin->root : e->root;
	co.root_alive_ns = co.root == e->root ? e->attach_ns : 0;
	co.root_argv = co.root == e->root ? e->o.command : NULL;
	co.meta = &e->em.meta;
	co.alive_pids = alive;
	co.nalive_pids = nalive;
	co.interrupted = fin->interrupted;
	co.end_mono_ns = end;
	co.use_fd = true;
	co.csv_fd = e->csv_fd;
	ret = tcconv_convert(e->dat_path, e->csv_path, &co, &e->st);
	if (ret < 0 && !e->st.csv_failed && tcrun_restore(e->run) == 0) {
		/* trace-cmd lost its saved_cmdlines race; its per-CPU data was kept */
		co.assume_mono = true;
		ret = tcconv_convert(e->dat_path, e->csv_path, &co, &e->st);
	}
	free(alive);
	if (ret < 0) {
		char why[512], tc[300];

		snprintf(why, sizeof(why), "%s", err_msg());
		snprintf(tc, sizeof(tc), "%s", tcrun_stderr(e->run));
		if (e->st.csv_failed) {
			/* the .dat is fine: say so, and how to make the CSV again */
			err_set("%s (%s is complete: proctree-record --convert %s --root %d makes "
				"the CSV again)",
				why, e->dat_path, e->dat_path, (int)co.root);
			return -1;
		}
		/* nothing can use the per-CPU data now; its space goes to the CSV */
		tcrun_remove_data(e->run);
		write_stub(e);
		if (WIFSIGNALED(status))
			err_set("trace-cmd died of signal %d (%s) and left no usable .dat: %s",
				WTERMSIG(status), tc, why);
		else
			err_set("trace-cmd left no usable .dat (exit status %d%s%s): %s",
				WIFEXITED(status) ? WEXITSTATUS(status) : -1, tc[0] ? ", " : "", tc,
				why);
		return -1;
	}
	if (stop < 0)
		return -1; /* the CSV is complete; the message says what was left changed */
	return 0;
}

static void tracecmd_stats(struct engine *e, struct engine_stats *st)
{
	/* trace-cmd holds the events until the end: counts come with finish() */
	st->events = e->st.events;
	st->procs = e->st.procs;
	st->alive = e->st.alive;
	st->lost = e->st.lost;
	st->execs = e->st.execs;
	st->argv_unknown = e->st.argv_unknown;
}

static void tracecmd_free(struct engine *e)
{
	if (!e)
		return;
	tcrun_free(e->run);
	if (e->csv_fd >= 0)
		close(e->csv_fd);
	free(e->csv_path);
	free(e->dat_path);
	free(e);
}

const struct engine_ops engine_tracecmd_ops = {
	.name = "tracecmd",
	.help = "runs trace-cmd (system-wide, .dat kept beside the CSV), converts with libtracecmd",
	.caps = ENGINE_PRIV | ENGINE_DAT,
	.new = tracecmd_new,
	.attach = tracecmd_attach,
	.helper_pid = tracecmd_helper_pid,
	.finish = tracecmd_finish,
	.stats = tracecmd_stats,
	.free = tracecmd_free,
};
