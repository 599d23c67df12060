/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the ftrace engine and recorder tests: the privilege check
 * (skip, or fail under CI=true), running proctree-record, loading a CSV,
 * and the guard that the machine's tracing state is left as it was.
 */
#ifndef PROCTREE_TEST_FT_UTIL_H
#define PROCTREE_TEST_FT_UTIL_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "csv.h"
#include "err.h"
#include "num.h"
#include "progs.h"
#include "rows.h"
#include "skip.h"
#include "slurp.h"
#include "tmpdir.h"

/* Skip (or, under CI=true, fail) when the ftrace engine cannot run here. */
#define FT_REQUIRE()                                                                        \
	do {                                                                                \
		const char *why_ = NULL;                                                    \
		if (geteuid() != 0)                                                         \
			why_ = "needs root (tracefs instances)";                            \
		else if (!tracefs_tracing_dir() || access(tracefs_tracing_dir(), W_OK) < 0) \
			why_ = "tracefs is not available (mount -t tracefs nodev "          \
			       "/sys/kernel/tracing)";                                      \
		if (why_)                                                                   \
			TEST_SKIP_OR_FAIL("%s", why_);                                      \
	} while (0)

static inline void ft_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- the tracing-state guard ---- */

struct ft_guard {
	char *tracing_on; /* top instance's tracing_on before the test */
	char **before;	  /* instance names before */
	pid_t recorders[16];
	int nrecorders;
};

static inline char *ft_top_tracing_on(void)
{
	return tracefs_instance_file_read(NULL, "tracing_on", NULL);
}

static inline bool ft_in_list(char **list, const char *name)
{
	for (int i = 0; list && list[i]; i++)
		if (!strcmp(list[i], name))
			return true;
	return false;
}

static inline void ft_guard_begin(struct ft_guard *g)
{
	memset(g, 0, sizeof(*g));
	g->tracing_on = ft_top_tracing_on();
	g->before = tracefs_instances(NULL);
}

/* Remember a recorder's pid: its instance must be gone at the end. */
static inline void ft_guard_recorder(struct ft_guard *g, pid_t pid)
{
	if (g->nrecorders < 16)
		g->recorders[g->nrecorders++] = pid;
}

/*
 * The top instance's tracing_on is unchanged; no instance of a recorder we
 * ran is left; an instance that appeared meanwhile belongs to a process
 * that is still running (another test suite on the machine), never to us.
 */
static inline void ft_guard_end(struct ft_guard *g)
{
	char *on, **after;

	/*
	 * A test that failed midway may leave its recorder running: stop it
	 * as a user would (two SIGTERMs), so it removes its instance.
	 */
	for (int k = 0; k < g->nrecorders; k++) {
		pid_t pid = g->recorders[k];

		if (waitpid(pid, NULL, WNOHANG) != 0)
			continue;
		kill(pid, SIGTERM);
		ft_sleep_ms(100);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	on = ft_top_tracing_on();
	after = tracefs_instances(NULL);
	cr_expect(on && g->tracing_on && !strcmp(on, g->tracing_on),
		  "top-level tracing_on changed: %s -> %s", g->tracing_on, on);
	for (int i = 0; after && after[i]; i++) {
		const char *name = after[i], *p;
		uint64_t pid;

		if (ft_in_list(g->before, name) || strncmp(name, "proctree-", 9))
			continue;
		p = name + 9;
		if (num_parse_u64(p, strspn(p, "0123456789"), INT32_MAX, &pid) < 0)
			continue;
		for (int k = 0; k < g->nrecorders; k++)
			cr_expect_neq((pid_t)pid, g->recorders[k], "instance %s was left behind",
				      name);
		cr_expect(kill((pid_t)pid, 0) == 0, "instance %s belongs to no live process", name);
	}
	free(on);
	free(g->tracing_on);
	tracefs_list_free(g->before);
	tracefs_list_free(after);
	memset(g, 0, sizeof(*g));
}

/* ---- running the recorder ---- */

/* Start @argv with stderr to @errpath (may be NULL); returns the pid. */
static inline pid_t ft_start(char *const argv[], const char *errpath)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0);
		dup2(fd, 1);
		if (errpath) {
			int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (e >= 0)
				dup2(e, 2);
		}
		execv(argv[0], argv);
		_exit(255);
	}
	return pid;
}

static inline int ft_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* ---- the CSV in memory: tests/lib/rows.h ---- */

/*
 * Every process in the CSV is the root or was forked (in the CSV) by one:
 * nothing from outside the workload got in.  Returns the number of
 * processes (root included).
 */
static inline int ft_check_only_workload(const struct rows *c)
{
	int cap = 1024, n = 0;
	int *pids = malloc(cap * sizeof(int));

	cr_assert_gt(c->root_pid, 0);
	pids[n++] = c->root_pid;
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *r = &c->rows[i];

		if (r->kind == CSV_FORK && !r->thread) {
			if (n == cap)
				pids = realloc(pids, (cap *= 2) * sizeof(int));
			pids[n++] = r->child_pid;
		}
	}
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *r = &c->rows[i];
		bool known = false;

		if (r->kind == CSV_LOST)
			continue;
		for (int k = 0; k < n && !known; k++)
			known = pids[k] == r->pid;
		cr_expect(known, "row %d (%s pid %d comm %s) is not from the workload", i + 1,
			  csv_kind_name(r->kind), r->pid, r->comm ? r->comm : "");
	}
	free(pids);
	return n;
}

#endif
