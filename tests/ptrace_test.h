/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the ptrace engine tests: run proctree-record, load its CSV
 * with the strict reader, query rows.  Header-only (static) because every
 * tests/test_*.c is its own executable.
 */
#ifndef PROCTREE_PTRACE_TEST_H
#define PROCTREE_PTRACE_TEST_H

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "skip.h"
#include "tmpdir.h"

#define RECORDER BUILD_DIR "/recorder/proctree-record"
#define WL(name) WORKLOADS_DIR "/" name

struct pt_row {
	struct csv_event ev;   /* strings below are private copies */
	char *comm, *filename, *argv0, *argv1, *argvlast;
	int argc;
};

struct pt_csv {
	struct pt_row *rows;
	int n;
	bool complete;         /* trailer present */
	bool interrupted;      /* trailer says so */
	char *keys[64], *values[64];
	int nkeys;
	int root_pid;
	char pid_ns[64];
};

static inline char *pt_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Load @path, asserting it parses completely. */
static inline void pt_csv_load(const char *path, struct pt_csv *c)
{
	struct csv_reader *r = csv_reader_open(path);
	struct csv_event ev;
	const struct csv_trailer *t;
	int ret, cap = 0;

	memset(c, 0, sizeof(*c));
	cr_assert_not_null(r, "cannot read %s: %s", path, err_msg());
	c->root_pid = csv_reader_meta(r)->root_pid;
	if (csv_reader_meta(r)->pid_ns)
		snprintf(c->pid_ns, sizeof(c->pid_ns), "%s", csv_reader_meta(r)->pid_ns);
	while ((ret = csv_reader_next(r, &ev)) == 1) {
		struct pt_row *row;

		if (c->n == cap) {
			cap = cap ? cap * 2 : 256;
			c->rows = realloc(c->rows, cap * sizeof(*c->rows));
			cr_assert_not_null(c->rows);
		}
		row = &c->rows[c->n++];
		memset(row, 0, sizeof(*row));
		row->ev = ev;
		row->comm = pt_dup(ev.comm);
		row->filename = pt_dup(ev.filename);
		row->argc = ev.argv ? ev.argc : -1;
		row->argv0 = ev.argv && ev.argc > 0 ? pt_dup(ev.argv[0]) : NULL;
		row->argv1 = ev.argv && ev.argc > 1 ? pt_dup(ev.argv[1]) : NULL;
		row->argvlast = ev.argv && ev.argc > 0 ? pt_dup(ev.argv[ev.argc - 1]) : NULL;
		row->ev.comm = row->ev.child_comm = row->ev.filename = NULL;
		row->ev.argv = NULL;
	}
	cr_assert_eq(ret, 0, "%s: %s", path, err_msg());
	t = csv_reader_trailer(r);
	c->complete = t->present;
	c->interrupted = t->interrupted;
	for (int i = 0; i < t->nkeys && i < 64; i++) {
		c->keys[c->nkeys] = strdup(t->keys[i]);
		c->values[c->nkeys++] = strdup(t->values[i]);
	}
	csv_reader_free(r);
}

static inline void pt_csv_free(struct pt_csv *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->rows[i].comm);
		free(c->rows[i].filename);
		free(c->rows[i].argv0);
		free(c->rows[i].argv1);
		free(c->rows[i].argvlast);
	}
	for (int i = 0; i < c->nkeys; i++) {
		free(c->keys[i]);
		free(c->values[i]);
	}
	free(c->rows);
}

/* A trailer count such as "ptrace_early_stops"; -1 when absent. */
static inline long pt_csv_key(const struct pt_csv *c, const char *key)
{
	for (int i = 0; i < c->nkeys; i++)
		if (!strcmp(c->keys[i], key))
			return strtol(c->values[i], NULL, 10);
	return -1;
}

static inline int pt_count(const struct pt_csv *c, enum csv_kind kind)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		n += c->rows[i].ev.kind == kind;
	return n;
}

/* The row of @kind about process @pid (for fork: the child), or NULL. */
static inline const struct pt_row *pt_find(const struct pt_csv *c, enum csv_kind kind, int pid)
{
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *e = &c->rows[i].ev;

		if (e->kind != kind)
			continue;
		if (kind == CSV_FORK ? e->child_tid == pid : e->pid == pid &&
		    (kind != CSV_EXIT || e->group))
			return &c->rows[i];
	}
	return NULL;
}

/* Index of a row in the file, to check order. */
static inline int pt_index(const struct pt_csv *c, const struct pt_row *r)
{
	return r ? (int)(r - c->rows) : -1;
}

/*
 * Run the recorder with the ptrace engine: @opts (NULL-terminated, may be
 * NULL) then "--" then @cmd.  Returns its wait status.  @prefix (may be
 * NULL) is a wrapper argv put in front (setpriv, unshare ...).
 */
static inline int pt_record(const char *const *prefix, const char *csv, const char *const *opts,
			    const char *const *cmd)
{
	const char *argv[64];
	int n = 0, st;
	pid_t pid;

	for (int i = 0; prefix && prefix[i]; i++)
		argv[n++] = prefix[i];
	argv[n++] = RECORDER;
	argv[n++] = "-q";
	argv[n++] = "--processtree-engine";
	argv[n++] = "ptrace";
	argv[n++] = "-o";
	argv[n++] = csv;
	for (int i = 0; opts && opts[i]; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	for (int i = 0; cmd[i]; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

/* Skip, or fail under CI=true, when the environment cannot run a test. */
#define pt_require(cond, why)                                                    \
	do {                                                                     \
		if (!(cond))                                                     \
			TEST_SKIP_OR_FAIL("%s", (why));                          \
	} while (0)

#define PT_PID_LIMIT (1 << 22) /* PID_MAX_LIMIT on 64-bit */

/*
 * Replay the rows in file order as the tree they describe and check it is
 * consistent: every fork comes from a live process and creates a pid that
 * is not live, every exit and exec is about a live process, and what is
 * left at the end is exactly the alive rows.  Returns the number of process
 * incarnations (root + forks with thread=0); *orphans counts rows about
 * unknown processes (must be 0).
 */
static inline int pt_check_tree(const struct pt_csv *c, int *orphans)
{
	unsigned char *live = calloc(PT_PID_LIMIT, 1);
	int procs = 1, nalive = 0, left = 0;

	cr_assert_not_null(live);
	*orphans = 0;
	cr_assert(c->root_pid > 0 && c->root_pid < PT_PID_LIMIT);
	live[c->root_pid] = 1;
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *e = &c->rows[i].ev;

		if (e->pid <= 0 || e->pid >= PT_PID_LIMIT)
			continue;
		switch (e->kind) {
		case CSV_FORK:
			if (!live[e->pid])
				(*orphans)++;
			if (!e->thread) {
				cr_assert(!live[e->child_pid], "row %d: fork of live pid %d", i,
					  e->child_pid);
				live[e->child_pid] = 1;
				procs++;
			}
			break;
		case CSV_EXEC:
			if (!live[e->pid])
				(*orphans)++;
			break;
		case CSV_EXIT:
			if (!live[e->pid])
				(*orphans)++;
			if (e->group)
				live[e->pid] = 0;
			break;
		case CSV_ALIVE:
			if (!live[e->pid])
				(*orphans)++;
			nalive++;
			break;
		default:
			break;
		}
	}
	for (int p = 0; p < PT_PID_LIMIT; p++)
		left += live[p];
	cr_expect_eq(left, nalive, "%d processes neither exited nor alive (%d alive rows)", left,
		     nalive);
	free(live);
	return procs;
}

#endif
