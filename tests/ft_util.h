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
#include "skip.h"
#include "slurp.h"
#include "tmpdir.h"

#define FT_RECORDER BUILD_DIR "/recorder/proctree-record"

/* Skip (or, under CI=true, fail) when the ftrace engine cannot run here. */
#define FT_REQUIRE()                                                                   \
	do {                                                                           \
		const char *why_ = NULL;                                               \
		if (geteuid() != 0)                                                    \
			why_ = "needs root (tracefs instances)";                        \
		else if (!tracefs_tracing_dir() ||                                     \
			 access(tracefs_tracing_dir(), W_OK) < 0)                      \
			why_ = "tracefs is not available (mount -t tracefs nodev "      \
			       "/sys/kernel/tracing)";                                  \
		if (why_)                                                              \
			TEST_SKIP_OR_FAIL("%s", why_);                                 \
	} while (0)

static inline void ft_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- the tracing-state guard ---- */

struct ft_guard {
	char *tracing_on;   /* top instance's tracing_on before the test */
	char **before;      /* instance names before */
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
		cr_expect(kill((pid_t)pid, 0) == 0, "instance %s belongs to no live process",
			  name);
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

/* ---- the CSV in memory ---- */

struct ft_row {
	enum csv_kind kind;
	uint32_t present;
	uint64_t time_ns, count, end_ns;
	int cpu, pid, tid, ppid, child_pid, child_tid, old_tid, code, signal;
	bool thread, group, argv_cut;
	char *comm, *child_comm, *filename;
	int argc;
	char **argv;
};

struct ft_csv {
	struct ft_row *rows;
	int n;
	int root_pid;
	bool has_trailer, interrupted;
	uint64_t lost_events, trailer_events;
	/* the trailer's engine-specific "#key,value" lines (#argv_cut, ...) */
	char **keys, **values;
	int nkeys;
};

static inline char *ft_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline void ft_load(const char *path, struct ft_csv *c)
{
	struct csv_reader *r = csv_reader_open(path);
	struct csv_event ev;
	int ret, cap = 0;

	cr_assert_not_null(r, "%s", err_msg());
	memset(c, 0, sizeof(*c));
	c->root_pid = csv_reader_meta(r)->root_pid;
	while ((ret = csv_reader_next(r, &ev)) == 1) {
		struct ft_row *x;

		if (c->n == cap) {
			cap = cap ? cap * 2 : 1024;
			c->rows = realloc(c->rows, cap * sizeof(*c->rows));
			cr_assert_not_null(c->rows);
		}
		x = &c->rows[c->n++];
		memset(x, 0, sizeof(*x));
		x->kind = ev.kind;
		x->present = ev.present;
		x->time_ns = ev.time_ns;
		x->count = ev.count;
		x->end_ns = ev.end_ns;
		x->cpu = ev.cpu;
		x->pid = ev.pid;
		x->tid = ev.tid;
		x->ppid = ev.ppid;
		x->child_pid = ev.child_pid;
		x->child_tid = ev.child_tid;
		x->old_tid = ev.old_tid;
		x->code = ev.code;
		x->signal = ev.signal;
		x->thread = ev.thread;
		x->group = ev.group;
		x->argv_cut = ev.argv_cut;
		x->comm = ft_dup(ev.comm);
		x->child_comm = ft_dup(ev.child_comm);
		x->filename = ft_dup(ev.filename);
		if (ev.argv) {
			x->argc = ev.argc;
			x->argv = calloc(ev.argc + 1, sizeof(char *));
			for (int i = 0; i < ev.argc; i++)
				x->argv[i] = strdup(ev.argv[i]);
		}
	}
	cr_assert_eq(ret, 0, "%s: %s", path, err_msg());
	c->has_trailer = csv_reader_trailer(r)->present;
	c->interrupted = csv_reader_trailer(r)->interrupted;
	c->lost_events = csv_reader_trailer(r)->lost_events;
	c->trailer_events = csv_reader_trailer(r)->events;
	c->nkeys = csv_reader_trailer(r)->nkeys;
	c->keys = calloc(c->nkeys + 1, sizeof(char *));
	c->values = calloc(c->nkeys + 1, sizeof(char *));
	cr_assert(c->keys && c->values);
	for (int i = 0; i < c->nkeys; i++) {
		c->keys[i] = ft_dup(csv_reader_trailer(r)->keys[i]);
		c->values[i] = ft_dup(csv_reader_trailer(r)->values[i]);
	}
	csv_reader_free(r);
}

static inline void ft_free(struct ft_csv *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->rows[i].comm);
		free(c->rows[i].child_comm);
		free(c->rows[i].filename);
		for (int k = 0; k < c->rows[i].argc; k++)
			free(c->rows[i].argv[k]);
		free(c->rows[i].argv);
	}
	for (int i = 0; i < c->nkeys; i++) {
		free(c->keys[i]);
		free(c->values[i]);
	}
	free(c->keys);
	free(c->values);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

/* The trailer count @key (e.g. "argv_unknown"); -1 when the trailer lacks it. */
static inline long long ft_key(const struct ft_csv *c, const char *key)
{
	for (int i = 0; i < c->nkeys; i++)
		if (c->keys[i] && c->values[i] && !strcmp(c->keys[i], key))
			return strtoll(c->values[i], NULL, 10);
	return -1;
}

static inline int ft_count(const struct ft_csv *c, enum csv_kind k)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		n += c->rows[i].kind == k;
	return n;
}

/* The group exit row whose comm is @comm (NULL if none). */
static inline const struct ft_row *ft_exit_by_comm(const struct ft_csv *c, const char *comm)
{
	for (int i = 0; i < c->n; i++)
		if (c->rows[i].kind == CSV_EXIT && c->rows[i].group && c->rows[i].comm &&
		    !strcmp(c->rows[i].comm, comm))
			return &c->rows[i];
	return NULL;
}

static inline bool ft_has(const struct ft_row *r, enum csv_field f)
{
	return (r->present & CSV_BIT(f)) != 0;
}

/*
 * Every process in the CSV is the root or was forked (in the CSV) by one:
 * nothing from outside the workload got in.  Returns the number of
 * processes (root included).
 */
static inline int ft_check_only_workload(const struct ft_csv *c)
{
	int cap = 1024, n = 0;
	int *pids = malloc(cap * sizeof(int));

	cr_assert_gt(c->root_pid, 0);
	pids[n++] = c->root_pid;
	for (int i = 0; i < c->n; i++) {
		const struct ft_row *r = &c->rows[i];

		if (r->kind == CSV_FORK && !r->thread) {
			if (n == cap)
				pids = realloc(pids, (cap *= 2) * sizeof(int));
			pids[n++] = r->child_pid;
		}
	}
	for (int i = 0; i < c->n; i++) {
		const struct ft_row *r = &c->rows[i];
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
