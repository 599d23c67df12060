// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct --compare on fixture pairs (tests/fixtures/compare,
 * made by make-fixtures.py): base.csv against a variant that differs in one
 * class.  Each pair checks the exit status, the text report against its
 * .expected file, and the per-class counts of the JSON report; the library
 * is also driven directly.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "err.h"
#include "progs.h"
#include "run.h"
#include "slurp.h"

#define DIR FIXTURES_DIR "/compare"

/* the program with @args (a shell word list), run in the fixture directory */
static struct run run(const char *args)
{
	char cmd[2048];
	struct run r;

	snprintf(cmd, sizeof(cmd), "'%s' %s", PROG_RECONSTRUCT, args);
	r = run_sh(cmd, &(struct run_opts){ .dir = DIR });
	cr_assert_eq(r.signal, 0, "%s did not exit normally", cmd);
	return r;
}

/* the expected counts of one file, in enum cmp_class order */
struct counts {
	int n[CMP_CLASS_COUNT];
};

static void check_json_counts(const char *variant, const struct counts *want, int nwant, bool agree,
			      const char *match)
{
	char args[256];
	json_error_t jerr;
	struct run r;
	json_t *doc, *files;

	snprintf(args, sizeof(args), "--compare --format json base.csv %s.csv", variant);
	r = run(args);
	doc = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(doc, "%s: bad JSON: %s", variant, jerr.text);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "format")), "proctree-compare");
	cr_assert_str_eq(json_string_value(json_object_get(doc, "match")), match);
	cr_assert_eq(json_is_true(json_object_get(doc, "agree")), agree, "%s: agree", variant);
	files = json_object_get(doc, "files");
	cr_assert_eq(json_array_size(files), (size_t)nwant);
	for (int f = 0; f < nwant; f++) {
		json_t *file = json_array_get(files, f), *counts = json_object_get(file, "counts");
		size_t total = 0;

		for (int k = 0; k < CMP_CLASS_COUNT; k++) {
			json_t *v = json_object_get(counts, cmp_class_name(k));

			cr_assert(json_is_integer(v), "%s: counts.%s", variant, cmp_class_name(k));
			cr_expect_eq(json_integer_value(v), want[f].n[k],
				     "%s: file %d %s: %lld, want %d", variant, f, cmp_class_name(k),
				     (long long)json_integer_value(v), want[f].n[k]);
			total += want[f].n[k];
		}
		cr_expect_eq(json_array_size(json_object_get(file, "differences")), total,
			     "%s: file %d differences", variant, f);
	}
	cr_assert_eq(r.status, agree ? 0 : 1, "%s: exit status %d", variant, r.status);
	json_decref(doc);
	run_free(&r);
}

static void check_text(const char *variant, int status)
{
	char args[256], path[512];
	struct run r;
	char *want;

	snprintf(args, sizeof(args), "--compare base.csv %s.csv", variant);
	snprintf(path, sizeof(path), DIR "/%s.expected", variant);
	r = run(args);
	want = slurp(path);
	cr_expect_str_eq(r.out, want, "%s: report differs from %s:\n%s", variant, path, r.out);
	cr_expect_eq(r.status, status, "%s: exit status %d, want %d", variant, r.status, status);
	cr_expect_str_empty(r.err, "%s: stderr: %s", variant, r.err);
	free(want);
	run_free(&r);
}

#define NODE 0
#define FORK 1
#define EXEC 2
#define EXIT 3
#define STATUS 4
#define PARENT 5

Test(compare, identical_trees_agree)
{
	struct counts none[2] = { 0 };
	struct run r = run("--compare base.csv base.csv");

	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.out);
	cr_assert(strstr(r.out, "the trees agree"));
	run_free(&r);
	/* another engine's record of the same run: times 1.5 ms later, no cpu column */
	check_text("same", 0);
	check_json_counts("same", none, 2, true, "pid");
}

Test(compare, node_missing)
{
	struct counts want[2] = { { { 0 } }, { { [NODE] = 2 } } };
	json_error_t jerr;
	json_t *doc, *d;
	struct run r;

	check_text("node_missing", 1);
	check_json_counts("node_missing", want, 2, false, "pid");
	/* the dropped subtree's top is marked; its child is not a top */
	r = run("--compare --format json base.csv node_missing.csv");
	doc = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(doc);
	d = json_object_get(json_array_get(json_object_get(doc, "files"), 1), "differences");
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(d, 0), "pid")), 102);
	cr_assert(json_is_true(json_object_get(json_array_get(d, 0), "subtree_top")));
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(d, 0), "creator_pid")), 101);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(d, 1), "pid")), 103);
	cr_assert(json_is_false(json_object_get(json_array_get(d, 1), "subtree_top")));
	json_decref(doc);
	run_free(&r);
}

Test(compare, fork_missing)
{
	struct counts want[2] = { { { 0 } }, { { [FORK] = 2 } } };
	json_error_t jerr;
	json_t *doc, *d;
	struct run r;

	check_text("fork_missing", 1);
	check_json_counts("fork_missing", want, 2, false, "pid");
	r = run("--compare --format json base.csv fork_missing.csv");
	doc = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(doc);
	d = json_object_get(json_array_get(json_object_get(doc, "files"), 1), "differences");
	/* 104 was placed by its ppid, 105 had no evidence: an orphan */
	cr_assert(json_is_false(json_object_get(json_array_get(d, 0), "orphan")));
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(d, 0), "placed_under_pid")),
		     101);
	cr_assert(json_is_true(json_object_get(json_array_get(d, 1), "orphan")));
	cr_assert(json_is_null(json_object_get(json_array_get(d, 1), "placed_under_pid")));
	json_decref(doc);
	run_free(&r);
}

Test(compare, exec_missing)
{
	struct counts want[2] = { { { 0 } }, { { [EXEC] = 1 } } };

	check_text("exec_missing", 1);
	check_json_counts("exec_missing", want, 2, false, "pid");
}

Test(compare, exit_missing)
{
	/* 102's exit lost (its pid reused), 104's inferred, 105's unseen */
	struct counts want[2] = { { { 0 } }, { { [EXIT] = 3 } } };

	check_text("exit_missing", 1);
	check_json_counts("exit_missing", want, 2, false, "pid");
}

Test(compare, status_differs)
{
	/* nobody knows which engine is right: both files list both */
	struct counts want[2] = { { { [STATUS] = 2 } }, { { [STATUS] = 2 } } };

	check_text("status_differs", 1);
	check_json_counts("status_differs", want, 2, false, "pid");
}

Test(compare, parent_differs)
{
	struct counts want[2] = { { { [PARENT] = 1 } }, { { [PARENT] = 1 } } };

	check_text("parent_differs", 1);
	check_json_counts("parent_differs", want, 2, false, "pid");
}

Test(compare, separate_runs_match_by_structure)
{
	struct counts none[2] = { 0 };
	struct counts want[2] = { { { 0 } }, { { [NODE] = 1 } } };

	check_text("run2", 0);
	check_json_counts("run2", none, 2, true, "structure");
	check_text("run2_node_missing", 1);
	check_json_counts("run2_node_missing", want, 2, false, "structure");
}

Test(compare, separate_runs_orphan)
{
	/* ld lost its fork in the second run: still the same process, its fork missing */
	struct counts want[2] = { { { 0 } }, { { [FORK] = 1 } } };
	struct run r;

	check_json_counts("run2_orphan", want, 2, false, "structure");
	/* the other way round: the first file has the orphan */
	r = run("--compare run2_orphan.csv base.csv");
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.out, "8 processes in all, 8 seen by every file"), "%s", r.out);
	cr_assert(strstr(r.out, "run2_orphan.csv (#0): 1 difference, fork_missing 1"), "%s", r.out);
	run_free(&r);
}

Test(compare, three_files)
{
	/* node_missing.csv misses 102 and 103; exec_missing.csv misses ld's exec */
	struct run r = run("--compare --format json base.csv node_missing.csv exec_missing.csv");
	json_error_t jerr;
	json_t *doc = json_loads(r.out, 0, &jerr), *files;

	cr_assert_not_null(doc, "%s", r.out);
	files = json_object_get(doc, "files");
	cr_assert_eq(json_array_size(files), 3);
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(json_array_get(files, 1), "counts"), "node_missing")),
		     2);
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(json_array_get(files, 2), "counts"), "exec_missing")),
		     1);
	cr_assert_eq(json_integer_value(json_object_get(
			     json_object_get(json_array_get(files, 0), "counts"), "node_missing")),
		     0);
	cr_assert_eq(json_integer_value(json_object_get(doc, "processes")), 8);
	cr_assert_eq(r.status, 1);
	json_decref(doc);
	run_free(&r);
}

Test(compare, forced_matching)
{
	/* by structure, the same run still agrees; by pid, a second run shares nothing */
	struct run r = run("--compare --match structure base.csv same.csv");

	cr_assert_eq(r.status, 0, "%s", r.out);
	run_free(&r);
	r = run("--compare --match pid base.csv run2.csv");
	cr_assert_eq(r.status, 1, "%s", r.out);
	cr_assert(strstr(r.out, "0 seen by every file"), "%s", r.out);
	run_free(&r);
}

Test(compare, tolerance)
{
	/*
	 * The same run 1.5 ms apart with a 1 ms tolerance: a pid seen once in
	 * each file still pairs (nothing else can be meant: a starved tracer's
	 * stamps may be that late), but pid 102's two incarnations cannot be
	 * told apart any more and stay unpaired.
	 */
	struct run r = run("--compare --tolerance-ms 1 base.csv same.csv");

	cr_assert_eq(r.status, 1, "%s", r.out);
	cr_assert(strstr(r.out, "10 processes in all, 6 seen by every file"), "%s", r.out);
	cr_assert(strstr(r.out, "1.500 ms at most"), "%s", r.out);
	run_free(&r);
	r = run("--compare --tolerance-ms 2 base.csv same.csv");
	cr_assert_eq(r.status, 0, "%s", r.out);
	run_free(&r);
}

static void expect_bad(const char *args, const char *what)
{
	struct run r = run(args);
	int lines = 0;

	for (const char *s = r.err; *s; s++)
		lines += *s == '\n';
	cr_expect_eq(r.status, 2, "%s: exit %d", args, r.status);
	cr_expect_eq(lines, 1, "%s: want one line, got: %s", args, r.err);
	cr_expect(strstr(r.err, what) != NULL, "%s: '%s' not in: %s", args, what, r.err);
	cr_expect_str_empty(r.out, "%s: stdout: %s", args, r.out);
	run_free(&r);
}

Test(compare, bad_input)
{
	expect_bad("--compare base.csv bad_row.csv", "bad_row.csv:15:");
	expect_bad("--compare base.csv", "at least two files");
	expect_bad("--compare base.csv no-such-file.csv", "no-such-file.csv");
	expect_bad("--compare --tolerance-ms x base.csv same.csv", "--tolerance-ms");
	expect_bad("--compare --tolerance-ms -1 base.csv same.csv", "--tolerance-ms");
	expect_bad("--compare --format csv base.csv same.csv",
		   "invalid argument 'csv' for '--format' (valid: text, json)");
	expect_bad("--compare --match maybe base.csv same.csv", "--match");
	expect_bad("--compare --bogus base.csv same.csv", "--bogus");
	expect_bad("--compare - - < base.csv", "only once");
}

Test(compare, library)
{
	struct cmp_opts o = { .tolerance_ns = 0, .match = CMP_MATCH_AUTO };
	struct cmp *c = cmp_new(&o);

	cr_assert_not_null(c);
	cr_assert_eq(cmp_add_file(c, DIR "/base.csv"), 0, "%s", err_msg());
	cr_assert_eq(cmp_run(c), -1, "one file is not a comparison");
	cr_assert_eq(cmp_add_file(c, DIR "/exit_missing.csv"), 0, "%s", err_msg());
	cr_assert_eq(cmp_run(c), 0, "%s", err_msg());
	cr_assert_eq(cmp_match_used(c), CMP_MATCH_PID);
	cr_assert(cmp_differs(c));
	cr_assert_eq(cmp_count(c, 1, CMP_EXIT_MISSING), 3);
	cr_assert_eq(cmp_count(c, 0, CMP_EXIT_MISSING), 0);
	cr_assert_eq(cmp_count(c, 7, CMP_EXIT_MISSING), 0);
	cr_assert_null(cmp_warnings(c));
	cmp_free(c);
}

/*
 * A file against itself agrees, with every matching (found by the fuzzer;
 * these fixtures are written by hand, not by make-fixtures.py):
 *  - adopted_first.csv: a child whose exec came before its fork row is
 *    created first and adopted by a creator created later, so its node id is
 *    smaller than its parent's.  Matching by structure seeded clusters in id
 *    order and took the child for the root.
 *  - orphan_twin.csv: an orphan (fork lost) whose child was created, and
 *    adopted, before it; both run the same command.  The orphan was paired
 *    with its placed twin instead of with itself.
 */
Test(compare, a_file_agrees_with_itself)
{
	const char *const files[] = { "adopted_first.csv", "orphan_twin.csv" };
	const char *const matches[] = { "structure", "pid", "auto" };

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
			char args[256];
			struct run r;

			snprintf(args, sizeof(args), "--compare --match %s %s %s", matches[i],
				 files[f], files[f]);
			r = run(args);
			cr_expect_eq(r.status, 0, "%s: exit %d:\n%s", args, r.status, r.out);
			cr_expect(strstr(r.out, "the trees agree"), "%s:\n%s", args, r.out);
			run_free(&r);
		}
	}
}
