// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct --diff on fixture pairs (tests/fixtures/diff/CLASS,
 * made by make-fixtures.py): two runs of one small build, with other pids
 * and times, that differ in one class.  Each checks the exit status, the
 * text report against CLASS/expected.txt, and the counts of the JSON
 * report, which must parse; the library is also driven directly.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "err.h"
#include "progs.h"
#include "run.h"
#include "slurp.h"

#define DIR FIXTURES_DIR "/diff"

/* run the program with @args (a shell word list) in the directory of class @cls */
static struct run run(const char *cls, const char *args)
{
	char cmd[2048], dir[512];

	snprintf(cmd, sizeof(cmd), "'%s' %s", PROG_RECONSTRUCT, args);
	snprintf(dir, sizeof(dir), "%s/%s", DIR, cls);
	return run_sh(cmd, &(struct run_opts){ .dir = dir });
}

/* what one class must report */
struct want {
	const char *cls;
	int status;
	int only_a, only_b, only_a_subtrees, only_b_subtrees, status_changed, command_changed,
		moved, matched;
};

static void check_class(const struct want *w)
{
	char path[512];
	struct run r = run(w->cls, "--diff a.csv b.csv");
	char *want;
	json_error_t jerr;
	json_t *doc, *c;

	snprintf(path, sizeof(path), "%s/%s/expected.txt", DIR, w->cls);
	want = slurp(path);
	cr_expect_eq(r.status, w->status, "%s: exit status %d, want %d (stderr: %s)", w->cls,
		     r.status, w->status, r.err);
	cr_expect_str_eq(r.out, want, "%s: the report differs from expected.txt:\n%s", w->cls,
			 r.out);
	free(want);
	run_free(&r);

	r = run(w->cls, "--diff --format json a.csv b.csv");
	cr_expect_eq(r.status, w->status, "%s json: exit status %d", w->cls, r.status);
	doc = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(doc, "%s: bad JSON at %d: %s\n%s", w->cls, jerr.line, jerr.text, r.out);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "format")), "proctree-diff");
	cr_expect_eq(json_is_true(json_object_get(doc, "same")), w->status == 0, "%s: same",
		     w->cls);
	c = json_object_get(doc, "counts");
#define N(key)                                                             \
	cr_expect_eq(json_integer_value(json_object_get(c, #key)), w->key, \
		     "%s: counts." #key " %lld, want %d", w->cls,          \
		     (long long)json_integer_value(json_object_get(c, #key)), w->key)
	N(only_a);
	N(only_b);
	N(only_a_subtrees);
	N(only_b_subtrees);
	N(status_changed);
	N(command_changed);
	N(moved);
	N(matched);
#undef N
	cr_expect_eq(json_array_size(json_object_get(doc, "only_a")), (size_t)w->only_a_subtrees);
	cr_expect_eq(json_array_size(json_object_get(doc, "only_b")), (size_t)w->only_b_subtrees);
	cr_expect_eq(json_array_size(json_object_get(doc, "status_changed")),
		     (size_t)w->status_changed);
	cr_expect_eq(json_array_size(json_object_get(doc, "command_changed")),
		     (size_t)w->command_changed);
	cr_expect_eq(json_array_size(json_object_get(doc, "moved")), (size_t)w->moved);
	json_decref(doc);
	run_free(&r);
}

/*
 * The build: sh -c 'make -j1' > make -j1 > 3 compiles (cc > cc1, as), a
 * sub-make (sh > make > cc > cc1, as), the link (cc > collect2 > ld),
 * mktemp -d and ./prog --self-test /proc/PID/status: 21 processes.
 */
Test(diff, same_shape)
{
	/* B 2% slower everywhere, under the 5% threshold: nothing to show */
	check_class(&(struct want){ "same", 0, .matched = 21 });
}

Test(diff, added_command)
{
	/* cc -c d.c (with its cc1 and as) is new, and the link has one object more */
	check_class(&(struct want){ "added_command", 1, .only_b = 3, .only_b_subtrees = 1,
				    .command_changed = 1, .matched = 21 });
}

Test(diff, removed_subtree)
{
	/* the sub-make: sh > make > cc > cc1, as */
	check_class(&(struct want){ "removed_subtree", 1, .only_a = 5, .only_a_subtrees = 1,
				    .command_changed = 1, .matched = 16 });
}

Test(diff, changed_exit_status)
{
	/* cc1 b.c fails: cc, make and sh fail after it, and nothing after runs */
	check_class(&(struct want){ "exit_status", 1, .only_a = 6, .only_a_subtrees = 4,
				    .status_changed = 4, .matched = 15 });
}

Test(diff, slower_command)
{
	/* cc1 c.c takes 150 ms instead of 40: times only, the shape is the same */
	check_class(&(struct want){ "slower", 0, .matched = 21 });
}

Test(diff, pids_wrapped_in_one_run)
{
	/* B's pids cycle through 300..315: reused again and again, children below parents */
	check_class(&(struct want){ "pid_wrap", 0, .matched = 21 });
}

Test(diff, temporary_names_differ)
{
	check_class(&(struct want){ "temp_names", 0, .matched = 21 });
}

Test(diff, changed_flag)
{
	/* -O2 -> -O3: each compile pairs with its counterpart, command changed */
	check_class(&(struct want){ "flag_changed", 1, .command_changed = 4, .matched = 21 });
}

Test(diff, orphan_is_matched_not_lost)
{
	/* B lost the fork of cc -c b.c: under the unknown parent, still paired */
	check_class(&(struct want){ "orphan", 1, .moved = 1, .matched = 21 });
}

Test(diff, the_slower_command_heads_the_tables)
{
	struct run r = run("slower", "--diff --format json a.csv b.csv");
	json_t *doc = json_loads(r.out, 0, NULL), *cmds, *procs, *cc1;

	cr_assert_not_null(doc);
	cmds = json_object_get(doc, "commands");
	/* cc and cc1 both +110 ms wall; cc1 also changed its CPU time */
	cc1 = NULL;
	for (size_t i = 0; i < json_array_size(cmds); i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(cmds, i), "command")),
			    "cc1"))
			cc1 = json_array_get(cmds, i);
	cr_assert_not_null(cc1);
	cr_expect(json_is_true(json_object_get(cc1, "shown")));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(cc1, "wall_ns"), "delta")),
		     110000000);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(cc1, "cpu_ns"), "delta")),
		     88000000);
	procs = json_object_get(doc, "processes");
	cr_expect_eq(json_array_size(procs), 4);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(procs, 3), "command")),
			 "/usr/lib/gcc/cc1 c.c -o /tmp/ccXXXXXX.s");
	json_decref(doc);
	run_free(&r);
}

Test(diff, raw_sees_the_temporary_names)
{
	struct run r = run("temp_names", "--diff --diff-raw --format json a.csv b.csv");
	json_t *doc = json_loads(r.out, 0, NULL);

	/* the compiles still pair (same program and sources), but their lines differ */
	cr_expect_eq(r.status, 1);
	cr_assert_not_null(doc);
	cr_expect(json_is_false(json_object_get(doc, "normalised")));
	cr_expect_gt(json_integer_value(
			     json_object_get(json_object_get(doc, "counts"), "command_changed")),
		     0);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(doc, "counts"), "only_a")),
		     0);
	json_decref(doc);
	run_free(&r);
}

Test(diff, threshold_zero_shows_every_command)
{
	struct run r = run("same", "--diff --threshold 0 --threshold-ms 0 a.csv b.csv");

	cr_expect_eq(r.status, 0);
	cr_expect_null(strstr(r.out, "below the threshold"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "  cc1\n"), "%s", r.out);
	run_free(&r);
}

Test(diff, a_file_against_itself)
{
	struct run r = run("orphan", "--diff b.csv b.csv");

	cr_expect_eq(r.status, 0, "%s", r.out);
	cr_expect_not_null(strstr(r.out, "same shape, commands and exit statuses: 21 processes"));
	run_free(&r);
}

Test(diff, bad_input_is_2)
{
	struct run r = run("same", "--diff a.csv ../../bad_number.csv");

	cr_expect_eq(r.status, 2);
	cr_expect_str_empty(r.out);
	cr_expect_not_null(strstr(r.err, "bad_number.csv:"), "%s", r.err);
	run_free(&r);
	r = run("same", "--diff a.csv /nonexistent.csv");
	cr_expect_eq(r.status, 2);
	run_free(&r);
	r = run("same", "--diff a.csv b.csv a.csv");
	cr_expect_eq(r.status, 2);
	run_free(&r);
}

/* the library: counts, and a third file refused */
Test(diff, library)
{
	struct diff_opts o;
	struct diff *d;
	struct diff_counts c;
	char *a = slurp(DIR "/removed_subtree/a.csv");
	char *b = slurp(DIR "/removed_subtree/b.csv");

	diff_opts_init(&o);
	d = diff_new(&o);
	cr_assert_not_null(d);
	cr_assert_eq(diff_run(d), -1);
	cr_assert_eq(diff_add_mem(d, "a", a, strlen(a)), 0, "%s", err_msg());
	cr_assert_eq(diff_add_mem(d, "b", b, strlen(b)), 0, "%s", err_msg());
	cr_expect_eq(diff_add_mem(d, "c", b, strlen(b)), -1);
	cr_assert_eq(diff_run(d), 0, "%s", err_msg());
	cr_expect(diff_differs(d));
	diff_get_counts(d, &c);
	cr_expect_eq(c.only_a, 5);
	cr_expect_eq(c.only_a_subtrees, 1);
	cr_expect_eq(c.only_b, 0);
	cr_expect_eq(c.processes_a, 21);
	cr_expect_eq(c.processes_b, c.matched + c.only_b);
	cr_expect_null(diff_warnings(d));
	diff_free(d);
	free(a);
	free(b);
}
