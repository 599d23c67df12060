/* SPDX-License-Identifier: MIT */
/*
 * The bpf engine's test suite, shared by test_bpf_engine.c and
 * test_bpf_argv.c: its scratch directory, a recording that must exit as
 * told, and the checks every clean recording passes.
 */
#ifndef PROCTREE_TEST_BPF_SUITE_H
#define PROCTREE_TEST_BPF_SUITE_H

#include "bpf_util.h"

static char dir[64]; /* the suite's scratch directory */

static inline void setup(void)
{
	BPF_REQUIRE();
	tmpdir_make(dir, sizeof(dir), "bpf");
}

static inline void teardown(void)
{
	tmpdir_cleanup();
}

TestSuite(bpf_engine, .init = setup, .fini = teardown);

/* Record @command with the bpf engine into DIR/@name; asserts exit status @code. */
static inline void record_ok(const char *name, char *const *opts, char *const *command, int code,
			     char *csv, size_t size)
{
	int st;

	snprintf(csv, size, "%s/%s", dir, name);
	st = bpf_record("bpf", csv, opts, command, 150);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == code, "recorder status %#x, want exit %d", st,
		  code);
}

/* The exec rows of process @pid, in file order, into @out (at most @max); returns how many. */
static inline int execs_of(const struct rows *c, int pid, const struct csv_event **out, int max)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (c->rows[i].kind == CSV_EXEC && c->rows[i].pid == pid && n < max)
			out[n++] = &c->rows[i];
	return n;
}

/* The group exit row of process @pid; asserts there is exactly one. */
static inline const struct csv_event *one_exit(const struct rows *c, int pid)
{
	const struct csv_event *r = NULL;
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (c->rows[i].kind == CSV_EXIT && c->rows[i].group && c->rows[i].pid == pid) {
			r = &c->rows[i];
			n++;
		}
	cr_assert_eq(n, 1, "pid %d: %d group exit rows, want 1", pid, n);
	return r;
}

/*
 * Every row is from the workload, nothing was lost, the file is complete,
 * and @alive processes outlived the recording.
 */
static inline void check_clean(const struct rows *c, int alive)
{
	cr_assert(c->has_trailer, "the CSV ends with its trailer");
	cr_expect_eq(rows_count(c, CSV_ALIVE), alive, "alive rows: %d, want %d",
		     rows_count(c, CSV_ALIVE), alive);
	cr_expect(!c->interrupted, "#interrupted is 0");
	cr_expect_eq(c->lost_events, 0, "lost %llu events", (unsigned long long)c->lost_events);
	cr_expect_eq(rows_count(c, CSV_LOST), 0);
	cr_expect_eq(rows_key(c, "recursion_misses"), 0);
	cr_expect_eq(rows_key(c, "untracked"), 0);
	cr_expect_eq(rows_key(c, "root_exit_from_wait"), 0, "the root's exit came from the kernel");
	ft_check_only_workload(c);
}

#endif
