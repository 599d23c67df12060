// SPDX-License-Identifier: MIT
/*
 * The kernel-event rule table (kevent_rules.h) end to end: the rows a real
 * process can play run as children of workloads/kevent_rules, recorded by
 * the ftrace and tracecmd engines at once.  For each row the wait status
 * the workload got must be the row's expectation (the table says what the
 * kernel does), and each engine's exit row must say the same; the two
 * files must make the same tree (--compare).
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ft_util.h"
#include "kevent_rules.h"
#include "progs.h"
#include "tmpdir.h"

static char dir[64];

static void setup(void)
{
	tmpdir_make(dir, sizeof(dir), "kevent");
}

static void teardown(void)
{
	tmpdir_cleanup();
}

TestSuite(kevent_e2e, .init = setup, .fini = teardown, .timeout = 150);

/* The wait status status.txt gives for child @name, -1 when absent. */
static int wait_status(const char *name)
{
	char path[128], got[32];
	FILE *fp;
	int st, ret = -1;

	snprintf(path, sizeof(path), "%s/status.txt", dir);
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	while (fscanf(fp, "%31s %d", got, &st) == 2)
		if (!strcmp(got, name))
			ret = st;
	fclose(fp);
	return ret;
}

/* Row @r of the table in file @c of engine @engine. */
static void check_row(const struct rows *c, const char *engine, const struct rule *r)
{
	const struct csv_event *x = rows_exit_by_comm(c, r->workload);
	int code, sig, n = 0;

	cr_assert_not_null(x, "%s: no exit row of %s", engine, r->workload);
	code = CSV_HAS(x, CSV_F_CODE) ? x->code : -1;
	sig = CSV_HAS(x, CSV_F_SIGNAL) ? x->signal : 0;

	cr_expect(code == r->code && sig == r->signal,
		  "%s: %s (%s): code %d signal %d, want code %d signal %d", engine, r->name,
		  r->workload, code, sig, r->code, r->signal);
	if (!r->old_tid)
		return;
	for (int i = 0; i < c->n; i++)
		n += c->rows[i].kind == CSV_EXEC && c->rows[i].pid == x->pid &&
		     CSV_HAS(&c->rows[i], CSV_F_OLD_TID) && c->rows[i].old_tid != x->pid;
	cr_expect_eq(n, 1, "%s: %s: the exec from a thread says which (old_tid)", engine, r->name);
}

Test(kevent_e2e, rule_table_under_ftrace_and_tracecmd)
{
	char out[128], err[128], files[2][128];
	char *cmd[] = { PROG_RECORD,
			"--processtree-engine",
			"ftrace,tracecmd",
			"-o",
			out,
			"--",
			WORKLOADS_DIR "/kevent_rules",
			dir,
			NULL };
	const char *engines[2] = { "ftrace", "tracecmd" };
	struct rows c[2];
	int st, played = 0;

	FT_REQUIRE();
	if (access("/usr/bin/trace-cmd", X_OK) != 0 &&
	    access("/usr/local/bin/trace-cmd", X_OK) != 0)
		TEST_SKIP_OR_FAIL("trace-cmd is not installed");
	snprintf(out, sizeof(out), "%s/run.csv", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	st = ft_wait(ft_start(cmd, err));
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "recorder status %#x: %s", st,
		  slurp_or_empty(err));
	for (int e = 0; e < 2; e++) {
		snprintf(files[e], sizeof(files[e]), "%s/run.%s.csv", dir, engines[e]);
		rows_load(files[e], &c[e]);
	}
	for (size_t i = 0; i < NRULES; i++) {
		const struct rule *r = &rules[i];
		int ws;

		if (!r->workload)
			continue;
		played++;
		/* the table is the kernel's word: what wait(2) said */
		ws = wait_status(r->workload);
		if (r->signal)
			cr_expect(WIFSIGNALED(ws) && WTERMSIG(ws) == r->signal &&
					  !!WCOREDUMP(ws) == false,
				  "%s: wait status %#x, the table says signal %d", r->workload, ws,
				  r->signal);
		else
			cr_expect(WIFEXITED(ws) && WEXITSTATUS(ws) == r->code,
				  "%s: wait status %#x, the table says code %d", r->workload, ws,
				  r->code);
		for (int e = 0; e < 2; e++)
			check_row(&c[e], engines[e], r);
	}
	cr_expect_geq(played, 14, "rows played: %d", played);
	for (int e = 0; e < 2; e++)
		rows_free(&c[e]);

	/* and the two files make one tree */
	char *cmp[] = { PROG_RECONSTRUCT, "--compare", files[0], files[1], NULL };

	st = ft_wait(ft_start(cmp, err));
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "--compare status %#x: %s", st,
		  slurp_or_empty(err));
}
