/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the tracecmd tests: privilege/trace-cmd checks (skip,
 * or fail under CI=true), running the recorder, loading a CSV into memory,
 * and checking that tracing state is left as it was.
 */
#ifndef PROCTREE_TEST_TC_UTIL_H
#define PROCTREE_TEST_TC_UTIL_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tracefs.h>

#include "csv.h"
#include "err.h"
#include "num.h"
#include "progs.h"
#include "rows.h"
#include "serial_main.h"
#include "skip.h"
#include "slurp.h"
#include "tmpdir.h"
#include "tracecmd_run.h"
#include "tracecmd_state.h"

/* Skip (or, under CI=true, fail) when the tracecmd engine cannot run here. */
#define TC_REQUIRE()                                                                     \
	do {                                                                             \
		char *prog_ = tcrun_find_program();                                      \
		const char *why_ = NULL;                                                 \
		if (!prog_)                                                              \
			why_ = "trace-cmd is not installed (apt-get install trace-cmd)"; \
		else if (geteuid() != 0 || !tracefs_tracing_dir() ||                     \
			 access(tracefs_tracing_dir(), W_OK) < 0)                        \
			why_ = "needs root and a writable tracefs";                      \
		free(prog_);                                                             \
		if (why_)                                                                \
			TEST_SKIP_OR_FAIL("%s", why_);                                   \
	} while (0)

/*
 * Every row is about a process of the workload: its pid was created by a
 * fork row from the workload (or is the root), and used only until its
 * group exit.  This is the "no leak" check, done on the CSV alone.
 */
static inline void tc_check_only_workload(const struct rows *c)
{
	/* live[pid] for pids < 4M would be big: a small open list is enough */
	int live[8192], nlive = 0;

	live[nlive++] = c->root_pid;
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *x = &c->rows[i];
		bool found = false;
		int j;

		if (x->kind == CSV_LOST)
			continue;
		for (j = 0; j < nlive; j++)
			if (live[j] == x->pid)
				found = true;
		cr_expect(found, "row %d (%s) about pid %d, not a live workload process", i + 1,
			  csv_kind_name(x->kind), x->pid);
		if (x->kind == CSV_FORK && !x->thread) {
			cr_assert_lt(nlive, 8192);
			live[nlive++] = x->child_pid;
		}
		if (x->kind == CSV_EXIT && x->group) {
			for (j = 0; j < nlive; j++)
				if (live[j] == x->pid) {
					live[j] = live[--nlive];
					break;
				}
		}
	}
}

/* ---- tracing state and leftovers ---- */

/*
 * Other sessions may be recording with trace-cmd at the same time, so
 * "left behind" means orphaned: a trace-cmd process whose parent is init
 * (its recorder is gone), and a proctree-tc-PID instance whose PID is gone.
 */
static inline int tc_count_tracecmd_procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], st[512];
		FILE *fp;
		int pid;
		size_t len;

		if (num_parse_int(e->d_name, 1, INT32_MAX, &pid) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		len = fread(st, 1, sizeof(st) - 1, fp);
		st[len] = '\0';
		fclose(fp);
		/* "PID (trace-cmd) S 1 ..." */
		if (strstr(st, " (trace-cmd) ") && !strstr(st, ") Z ") && strstr(st, ") ") &&
		    !strncmp(strstr(st, ") ") + 4, "1 ", 2))
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

static int tc_inst_cb(const char *name, void *ctx)
{
	int *n = ctx, pid;

	if (!strncmp(name, "proctree-tc-", 12) &&
	    num_parse_int(name + 12, 1, INT32_MAX, &pid) == 0 && kill(pid, 0) < 0 && errno == ESRCH)
		(*n)++;
	return 0;
}

static inline int tc_count_instances(void)
{
	int n = 0;

	tracefs_instances_walk(tc_inst_cb, &n);
	return n;
}

struct tc_guard {
	struct tcstate *state;
	int procs;
};

static inline void tc_guard_begin(struct tc_guard *g)
{
	g->state = tcstate_save();
	cr_assert_not_null(g->state, "%s", err_msg());
	g->procs = tc_count_tracecmd_procs();
}

/* Tracing state as before, no instance and no trace-cmd process left. */
static inline void tc_guard_end(struct tc_guard *g)
{
	const char *changed = tcstate_changed(g->state);

	cr_expect_null(changed, "tracing setting %s was left changed", changed);
	if (changed)
		tcstate_restore(g->state);
	cr_expect_eq(tc_count_instances(), 0,
		     "a proctree-tc-* instance of a dead recorder was left");
	cr_expect_leq(tc_count_tracecmd_procs(), g->procs,
		      "an orphaned trace-cmd process was left");
	tcstate_free(g->state);
	g->state = NULL;
}

/* A recorder that has not finished by then is stopped (below the suite's 120 s timeout). */
#ifndef TC_RUN_DEADLINE_S
#define TC_RUN_DEADLINE_S 90
#endif

/*
 * Run the recorder in its own process group; returns its wait status;
 * stderr goes to @errpath.  A recorder that hangs is stopped as a user
 * would (two SIGTERMs, then SIGKILL to the group, as scenario.c does) and
 * the test fails: left running, it, its trace-cmd and the workload would
 * outlive the test, hold ctest's output pipe open and keep their instance.
 */
static inline int tc_run(char *const argv[], const char *errpath, const char *path_env)
{
	pid_t pid = fork(), w;
	int st, ms;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		setpgid(0, 0);
		if (fd >= 0)
			dup2(fd, 2);
		if (path_env)
			setenv("PATH", path_env, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	for (ms = 0; (w = waitpid(pid, &st, WNOHANG)) == 0 && ms < TC_RUN_DEADLINE_S * 1000;
	     ms += 10)
		usleep(10000);
	if (w == 0) {
		kill(-pid, SIGTERM);
		usleep(500000);
		kill(-pid, SIGTERM); /* the recorder stops at once on a second signal */
		for (ms = 0; (w = waitpid(pid, &st, WNOHANG)) == 0 && ms < 5000; ms += 10)
			usleep(10000);
		kill(-pid, SIGKILL); /* whatever of the group is left */
		if (w == 0)
			waitpid(pid, &st, 0);
		cr_assert_fail("the recorder did not finish within %d s (stopped it): %s",
			       TC_RUN_DEADLINE_S, argv[0]);
	}
	cr_assert_eq(w, pid);
	return st;
}

#endif
