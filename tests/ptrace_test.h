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
#include "progs.h"
#include "rows.h"
#include "skip.h"
#include "tmpdir.h"

#define WL(name) WORKLOADS_DIR "/" name

/*
 * Every ptrace test's scratch directory (mode 0777: setpriv runs the recorder
 * as another user) and the CSV in it: the suite's .init = pt_setup,
 * .fini = tmpdir_cleanup.
 */
static char dir[128], csv[256];

static inline void pt_setup(void)
{
	tmpdir_make(dir, sizeof(dir), "ptrace");
	chmod(dir, 0777);
	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
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
	argv[n++] = PROG_RECORD;
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
#define pt_require(cond, why)                           \
	do {                                            \
		if (!(cond))                            \
			TEST_SKIP_OR_FAIL("%s", (why)); \
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
static inline int pt_check_tree(const struct rows *c, int *orphans)
{
	unsigned char *live = calloc(PT_PID_LIMIT, 1);
	int procs = 1, nalive = 0, left = 0;

	cr_assert_not_null(live);
	*orphans = 0;
	cr_assert(c->root_pid > 0 && c->root_pid < PT_PID_LIMIT);
	live[c->root_pid] = 1;
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *e = &c->rows[i];

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
		default: break;
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
