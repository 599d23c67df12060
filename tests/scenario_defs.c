// SPDX-License-Identifier: MIT
/*
 * The scenarios, and for each the shape its workload must report.  The
 * shape checks catch a workload that was disturbed by a tracer (a swallowed
 * signal, a failed fork) before the recorded tree is blamed for it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define PIDWRAP_PROCS 5002 /* 2 + 100 leaders * (1 + 7 * 7) */

static int __attribute__((format(printf, 3, 4)))
bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* @label exists, ended as stated, has @nexecs execs and @nchildren children. */
static int want(const struct xps_set *x, char *err, size_t errlen, const char *label,
		enum xps_exit kind, int value, int nexecs, int nchildren)
{
	const struct xps_proc *p = xps_find(x, label);

	if (!p)
		return bad(err, errlen, "%s: no process %s", x->path, label);
	if (kind != XPS_EXIT_NONE && (p->exit_kind != kind || p->exit_value != value))
		return bad(err, errlen, "%s: %s ended with %s %d, want %s %d", x->path, label,
			   p->exit_kind == XPS_EXIT_CODE ? "code" :
			   p->exit_kind == XPS_EXIT_SIGNAL ? "signal" : "nothing", p->exit_value,
			   kind == XPS_EXIT_CODE ? "code" : "signal", value);
	if (nexecs >= 0 && p->nexecs != nexecs)
		return bad(err, errlen, "%s: %s has %d execs, want %d", x->path, label,
			   p->nexecs, nexecs);
	if (nchildren >= 0 && p->nchildren != nchildren)
		return bad(err, errlen, "%s: %s has %d children, want %d", x->path, label,
			   p->nchildren, nchildren);
	return 0;
}

static int want_count(const struct xps_set *x, char *err, size_t errlen, int nprocs)
{
	if (x->nprocs != nprocs)
		return bad(err, errlen, "%s: %d processes, want %d", x->path, x->nprocs, nprocs);
	return 0;
}

static int shape_forkstorm(const struct xps_set *x, char *err, size_t errlen)
{
	char label[32];

	if (want_count(x, err, errlen, 2001) || want(x, err, errlen, "r", 0, 0, 1, 2000))
		return -1;
	for (int i = 0; i < 2000; i++) {
		snprintf(label, sizeof(label), "r.%d", i);
		if (want(x, err, errlen, label, XPS_EXIT_CODE, i % 7, 0, 0))
			return -1;
	}
	return 0;
}

static int shape_pipeline(const struct xps_set *x, char *err, size_t errlen)
{
	const struct xps_proc *sh = xps_find(x, "r.0");

	if (want_count(x, err, errlen, 5) || want(x, err, errlen, "r.0", XPS_EXIT_CODE, 5, 1, 3) ||
	    want(x, err, errlen, "r.0.0", XPS_EXIT_CODE, 0, 1, 0) ||
	    want(x, err, errlen, "r.0.1", XPS_EXIT_CODE, 0, 1, 0) ||
	    want(x, err, errlen, "r.0.2", XPS_EXIT_CODE, 5, 1, 0))
		return -1;
	if (strcmp(sh->execs[0].filename, "/bin/sh"))
		return bad(err, errlen, "%s: r.0 exec'd %s, want /bin/sh", x->path, sh->execs[0].filename);
	return 0;
}

static int shape_chain(const struct xps_set *x, char *err, size_t errlen)
{
	if (want_count(x, err, errlen, 201))
		return -1;
	if (xps_depth(x) != 200)
		return bad(err, errlen, "%s: depth %d, want 200", x->path, xps_depth(x));
	for (int i = 0; i < x->nprocs; i++) {
		const struct xps_proc *p = &x->procs[i];

		if (p != x->root && (p->exit_kind != XPS_EXIT_CODE ||
				     p->exit_value != (p->nchildren ? 0 : 3)))
			return bad(err, errlen, "%s: %s ended badly", x->path, p->label);
	}
	return 0;
}

static int shape_fanout(const struct xps_set *x, char *err, size_t errlen)
{
	char label[32];

	if (want_count(x, err, errlen, 301) || want(x, err, errlen, "r", 0, 0, 1, 300))
		return -1;
	for (int i = 0; i < 300; i++) {
		snprintf(label, sizeof(label), "r.%d", i);
		if (want(x, err, errlen, label, XPS_EXIT_CODE, i % 256, 0, 0))
			return -1;
	}
	return 0;
}

static int shape_threads(const struct xps_set *x, char *err, size_t errlen)
{
	char label[32];

	if (want_count(x, err, errlen, 6) || want(x, err, errlen, "r", 0, 0, 1, 5) ||
	    want(x, err, errlen, "r.4", XPS_EXIT_CODE, 9, 1, 0))
		return -1;
	for (int i = 0; i < 4; i++) {
		snprintf(label, sizeof(label), "r.%d", i);
		if (want(x, err, errlen, label, XPS_EXIT_CODE, 10 + i, 0, 0))
			return -1;
	}
	if (x->root->threads != 4 || xps_find(x, "r.4")->threads != 3)
		return bad(err, errlen, "%s: threads r=%d r.4=%d, want 4 and 3", x->path,
			   x->root->threads, xps_find(x, "r.4")->threads);
	return 0;
}

static int shape_spawn(const struct xps_set *x, char *err, size_t errlen)
{
	return want_count(x, err, errlen, 4) ||
	       want(x, err, errlen, "r.0", XPS_EXIT_CODE, 3, 1, 0) ||
	       want(x, err, errlen, "r.1", XPS_EXIT_CODE, 4, 1, 0) ||
	       want(x, err, errlen, "r.2", XPS_EXIT_CODE, 6, 3, 0) ? -1 : 0;
}

static int shape_daemon(const struct xps_set *x, char *err, size_t errlen)
{
	if (want_count(x, err, errlen, 3) || want(x, err, errlen, "r.0", XPS_EXIT_CODE, 0, 0, 1) ||
	    want(x, err, errlen, "r.0.0", XPS_EXIT_NONE, 0, 0, 0))
		return -1;
	if (!xps_find(x, "r.0.0")->alive)
		return bad(err, errlen, "%s: r.0.0 did not say alive", x->path);
	return 0;
}

static int shape_subreaper(const struct xps_set *x, char *err, size_t errlen)
{
	return want_count(x, err, errlen, 3) ||
	       want(x, err, errlen, "r.0", XPS_EXIT_CODE, 0, 0, 1) ||
	       want(x, err, errlen, "r.0.0", XPS_EXIT_CODE, 7, 0, 0) ? -1 : 0;
}

static int shape_signals(const struct xps_set *x, char *err, size_t errlen)
{
	return want_count(x, err, errlen, 8) ||
	       want(x, err, errlen, "r.0", XPS_EXIT_CODE, 42, 0, 0) ||
	       want(x, err, errlen, "r.1", XPS_EXIT_SIGNAL, 9, 0, 0) ||
	       want(x, err, errlen, "r.2", XPS_EXIT_SIGNAL, 11, 0, 0) ||
	       want(x, err, errlen, "r.3", XPS_EXIT_CODE, 0, 0, 0) ||
	       want(x, err, errlen, "r.4", XPS_EXIT_CODE, 3, 0, 0) ||
	       want(x, err, errlen, "r.5", XPS_EXIT_SIGNAL, 15, 0, 0) ||
	       want(x, err, errlen, "r.6", XPS_EXIT_SIGNAL, 6, 0, 0) ? -1 : 0;
}

static int shape_names(const struct xps_set *x, char *err, size_t errlen)
{
	const struct xps_proc *p;

	if (want_count(x, err, errlen, 4) || want(x, err, errlen, "r.0", XPS_EXIT_CODE, 0, 0, 1) ||
	    want(x, err, errlen, "r.0.0", XPS_EXIT_CODE, 0, 0, 0) ||
	    want(x, err, errlen, "r.1", XPS_EXIT_CODE, 0, 1, 0))
		return -1;
	p = xps_find(x, "r.0.0");
	if (!p->comm || strcmp(p->comm, "a,\"b\n"))
		return bad(err, errlen, "%s: r.0.0 did not report the hostile comm", x->path);
	p = xps_find(x, "r.1");
	if (!strstr(p->execs[0].filename, ", \"q\" ") || !strstr(p->execs[0].filename, "/a b,c") ||
	    !p->comm || strcmp(p->comm, "a b,c"))
		return bad(err, errlen, "%s: r.1 did not exec the hostile path", x->path);
	return 0;
}

static int shape_pidwrap(const struct xps_set *x, char *err, size_t errlen)
{
	int *seen, max = 0;

	if (want_count(x, err, errlen, PIDWRAP_PROCS) ||
	    want(x, err, errlen, "r.0", XPS_EXIT_CODE, 0, 0, 100))
		return -1;
	if (xps_depth(x) != 9)
		return bad(err, errlen, "%s: depth %d, want 9", x->path, xps_depth(x));
	/* the innermost pids must have wrapped: some pid used many times */
	seen = calloc(1 << 22, sizeof(*seen));
	if (!seen)
		return bad(err, errlen, "out of memory");
	for (int i = 0; i < x->nprocs; i++) {
		long pid = x->procs[i].pids[x->procs[i].npids - 1];

		if (pid < (1 << 22) && ++seen[pid] > max)
			max = seen[pid];
	}
	free(seen);
	if (max < 10)
		return bad(err, errlen, "%s: pids did not wrap (a pid is used at most %d times); "
			   "is pid_max per pid namespace (Linux >= 6.14)?", x->path, max);
	return 0;
}

static const char *const no_args[] = { NULL };
/* Without --wait-all the daemon is killed once its lines are read: linger long. */
static const char *const daemon_args[] = { "20000", NULL };
static const char *const daemon_wait_args[] = { "1000", NULL };
static const char *const pidwrap_args[] = { "100", "7", "7", NULL };

static const struct scn_def defs[] = {
	{ "forkstorm", "forkstorm", no_args, 0, 120, shape_forkstorm },
	{ "pipeline", "pipeline", no_args, 0, 60, shape_pipeline },
	{ "chain", "chain", no_args, 0, 60, shape_chain },
	{ "fanout", "fanout", no_args, 0, 60, shape_fanout },
	{ "threads", "threads", no_args, 0, 60, shape_threads },
	{ "spawn", "spawn", no_args, 0, 60, shape_spawn },
	{ "daemon", "daemon", daemon_args, 0, 60, shape_daemon },
	{ "daemon_wait_all", "daemon", daemon_wait_args, SCN_WAIT_ALL, 60, shape_daemon },
	{ "subreaper", "subreaper", no_args, 0, 60, shape_subreaper },
	{ "signals", "signals", no_args, 0, 60, shape_signals },
	{ "names", "names", no_args, 0, 60, shape_names },
	{ "pidwrap", "pidwrap", pidwrap_args, SCN_ROOT | SCN_PIDNS, 240, shape_pidwrap },
	{ NULL, NULL, NULL, 0, 0, NULL },
};

const struct scn_def *scn_find(const char *name)
{
	for (int i = 0; defs[i].name; i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}
