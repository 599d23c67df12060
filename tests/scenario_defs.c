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

static int __attribute__((format(printf, 3, 4))) bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * What one process of the workload must have said about itself.  A field left
 * out is 0: exit code 0, no exec, no child.
 */
struct want {
	const char *label;
	int code;      /* its exit code */
	int signal;    /* instead: the signal that killed it */
	bool any_exit; /* instead: how it ended is not checked (the root, a daemon) */
	int execs;     /* how many execs it reported */
	int children;  /* how many children it created */
};

static const char *exit_kind_name(enum xps_exit kind)
{
	return kind == XPS_EXIT_CODE ? "code" : kind == XPS_EXIT_SIGNAL ? "signal" : "nothing";
}

/* @w->label exists and is as @w says */
static int want(const struct xps_set *x, char *err, size_t errlen, const struct want *w)
{
	const struct xps_proc *p = xps_find(x, w->label);
	enum xps_exit kind = w->signal ? XPS_EXIT_SIGNAL : XPS_EXIT_CODE;
	int value = w->signal ? w->signal : w->code;

	if (!p)
		return bad(err, errlen, "%s: no process %s", x->path, w->label);
	if (!w->any_exit && (p->exit_kind != kind || p->exit_value != value))
		return bad(err, errlen, "%s: %s ended with %s %d, want %s %d", x->path, w->label,
			   exit_kind_name(p->exit_kind), p->exit_value, exit_kind_name(kind),
			   value);
	if (p->nexecs != w->execs)
		return bad(err, errlen, "%s: %s has %d execs, want %d", x->path, w->label,
			   p->nexecs, w->execs);
	if (p->nchildren != w->children)
		return bad(err, errlen, "%s: %s has %d children, want %d", x->path, w->label,
			   p->nchildren, w->children);
	return 0;
}

/* exactly @nprocs processes, and each of @procs (an array) as it says */
#define want_procs(x, err, errlen, nprocs, procs) \
	want_list(x, err, errlen, nprocs, procs, sizeof(procs) / sizeof((procs)[0]))

static int want_list(const struct xps_set *x, char *err, size_t errlen, int nprocs,
		     const struct want *procs, size_t n)
{
	if (x->nprocs != nprocs)
		return bad(err, errlen, "%s: %d processes, want %d", x->path, x->nprocs, nprocs);
	for (size_t i = 0; i < n; i++)
		if (want(x, err, errlen, &procs[i]))
			return -1;
	return 0;
}

static int shape_forkstorm(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r", .any_exit = true, .execs = 1, .children = 2000 },
	};
	/* clang-format on */
	char label[32];

	if (want_procs(x, err, errlen, 2001, procs))
		return -1;
	for (int i = 0; i < 2000; i++) {
		snprintf(label, sizeof(label), "r.%d", i);
		if (want(x, err, errlen, &(struct want){ .label = label, .code = i % 7 }))
			return -1;
	}
	return 0;
}

static int shape_pipeline(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r.0", .code = 5, .execs = 1, .children = 3 },
		{ .label = "r.0.0", .code = 0, .execs = 1 },
		{ .label = "r.0.1", .code = 0, .execs = 1 },
		{ .label = "r.0.2", .code = 5, .execs = 1 },
	};
	/* clang-format on */
	const struct xps_proc *sh = xps_find(x, "r.0");

	if (want_procs(x, err, errlen, 5, procs))
		return -1;
	if (strcmp(sh->execs[0].filename, "/bin/sh"))
		return bad(err, errlen, "%s: r.0 exec'd %s, want /bin/sh", x->path,
			   sh->execs[0].filename);
	return 0;
}

static int shape_chain(const struct xps_set *x, char *err, size_t errlen)
{
	if (want_list(x, err, errlen, 201, NULL, 0))
		return -1;
	if (xps_depth(x) != 200)
		return bad(err, errlen, "%s: depth %d, want 200", x->path, xps_depth(x));
	for (int i = 0; i < x->nprocs; i++) {
		const struct xps_proc *p = &x->procs[i];

		if (p != x->root &&
		    (p->exit_kind != XPS_EXIT_CODE || p->exit_value != (p->nchildren ? 0 : 3)))
			return bad(err, errlen, "%s: %s ended badly", x->path, p->label);
	}
	return 0;
}

static int shape_fanout(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r", .any_exit = true, .execs = 1, .children = 300 },
	};
	/* clang-format on */
	char label[32];

	if (want_procs(x, err, errlen, 301, procs))
		return -1;
	for (int i = 0; i < 300; i++) {
		snprintf(label, sizeof(label), "r.%d", i);
		if (want(x, err, errlen, &(struct want){ .label = label, .code = i % 256 }))
			return -1;
	}
	return 0;
}

static int shape_threads(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r", .any_exit = true, .execs = 1, .children = 5 },
		{ .label = "r.4", .code = 9, .execs = 1 },
	};
	/* clang-format on */
	char label[32];

	if (want_procs(x, err, errlen, 6, procs))
		return -1;
	for (int i = 0; i < 4; i++) {
		snprintf(label, sizeof(label), "r.%d", i);
		if (want(x, err, errlen, &(struct want){ .label = label, .code = 10 + i }))
			return -1;
	}
	if (x->root->threads != 4 || xps_find(x, "r.4")->threads != 3)
		return bad(err, errlen, "%s: threads r=%d r.4=%d, want 4 and 3", x->path,
			   x->root->threads, xps_find(x, "r.4")->threads);
	return 0;
}

static int shape_spawn(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r.0", .code = 3, .execs = 1 },
		{ .label = "r.1", .code = 4, .execs = 1 },
		{ .label = "r.2", .code = 6, .execs = 3 },
	};
	/* clang-format on */

	return want_procs(x, err, errlen, 4, procs);
}

static int shape_daemon(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r.0", .code = 0, .children = 1 },
		{ .label = "r.0.0", .any_exit = true },
	};
	/* clang-format on */

	if (want_procs(x, err, errlen, 3, procs))
		return -1;
	if (!xps_find(x, "r.0.0")->alive)
		return bad(err, errlen, "%s: r.0.0 did not say alive", x->path);
	return 0;
}

static int shape_subreaper(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r.0", .code = 0, .children = 1 },
		{ .label = "r.0.0", .code = 7 },
	};
	/* clang-format on */

	return want_procs(x, err, errlen, 3, procs);
}

static int shape_signals(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r.0", .code = 42 },
		{ .label = "r.1", .signal = 9 },
		{ .label = "r.2", .signal = 11 },
		{ .label = "r.3", .code = 0 },
		{ .label = "r.4", .code = 3 },
		{ .label = "r.5", .signal = 15 },
		{ .label = "r.6", .signal = 6 },
	};
	/* clang-format on */

	return want_procs(x, err, errlen, 8, procs);
}

static int shape_names(const struct xps_set *x, char *err, size_t errlen)
{
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r.0", .code = 0, .children = 1 },
		{ .label = "r.0.0", .code = 0 },
		{ .label = "r.1", .code = 0, .execs = 1 },
	};
	/* clang-format on */
	const struct xps_proc *p;

	if (want_procs(x, err, errlen, 4, procs))
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
	/* clang-format off */
	static const struct want procs[] = {
		{ .label = "r.0", .code = 0, .children = 100 },
	};
	/* clang-format on */
	int *seen, max = 0;

	if (want_procs(x, err, errlen, PIDWRAP_PROCS, procs))
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
		return bad(err, errlen,
			   "%s: pids did not wrap (a pid is used at most %d times); "
			   "is pid_max per pid namespace (Linux >= 6.14)?",
			   x->path, max);
	return 0;
}

static const char *const no_args[] = { NULL };
/* Without --wait-all the daemon is killed once its lines are read: linger long. */
static const char *const daemon_args[] = { "20000", NULL };
static const char *const daemon_wait_args[] = { "1000", NULL };
static const char *const pidwrap_args[] = { "100", "7", "7", NULL };

/* clang-format off */
static const struct scn_def defs[] = {
	{ .name = "forkstorm", .workload = "forkstorm", .args = no_args,
	  .timeout_s = 120, .shape = shape_forkstorm },
	{ .name = "pipeline", .workload = "pipeline", .args = no_args,
	  .timeout_s = 60, .shape = shape_pipeline },
	{ .name = "chain", .workload = "chain", .args = no_args,
	  .timeout_s = 60, .shape = shape_chain },
	{ .name = "fanout", .workload = "fanout", .args = no_args,
	  .timeout_s = 60, .shape = shape_fanout },
	{ .name = "threads", .workload = "threads", .args = no_args,
	  .timeout_s = 60, .shape = shape_threads },
	{ .name = "spawn", .workload = "spawn", .args = no_args,
	  .timeout_s = 60, .shape = shape_spawn },
	{ .name = "daemon", .workload = "daemon", .args = daemon_args,
	  .timeout_s = 60, .shape = shape_daemon },
	{ .name = "daemon_wait_all", .workload = "daemon", .args = daemon_wait_args,
	  .flags = SCN_WAIT_ALL,
	  .timeout_s = 60, .shape = shape_daemon },
	{ .name = "subreaper", .workload = "subreaper", .args = no_args,
	  .timeout_s = 60, .shape = shape_subreaper },
	{ .name = "signals", .workload = "signals", .args = no_args,
	  .timeout_s = 60, .shape = shape_signals },
	{ .name = "names", .workload = "names", .args = no_args,
	  .timeout_s = 60, .shape = shape_names },
	{ .name = "pidwrap", .workload = "pidwrap", .args = pidwrap_args,
	  .flags = SCN_ROOT | SCN_PIDNS,
	  .timeout_s = 240, .shape = shape_pidwrap },
	{ .name = NULL },
};
/* clang-format on */

const struct scn_def *scn_find(const char *name)
{
	for (int i = 0; defs[i].name; i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}
