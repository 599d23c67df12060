// SPDX-License-Identifier: MIT
/*
 * The scenario harness's own logic: the expectation file reader and the
 * tree comparison, on small fixtures (tests/fixtures/scenarios/) and on
 * copies of them with one thing changed, each of which must be caught.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expectations.h"
#include "treecmp.h"

#define FIX FIXTURES_DIR "/scenarios/"

static struct xps_set *load(const char *path)
{
	char err[512];
	struct xps_set *x = xps_load(path, err, sizeof(err));

	cr_assert_not_null(x, "%s", err);
	return x;
}

static json_t *doc_load(void)
{
	json_error_t jerr;
	json_t *doc = json_load_file(FIX "small.json", 0, &jerr);

	cr_assert_not_null(doc, "small.json:%d: %s", jerr.line, jerr.text);
	return doc;
}

/* children of the root in file order: r.1 (pid 301, start 30), r.0 (pid 301, start 10), r.2 */
static json_t *root_child(json_t *doc, size_t i)
{
	return json_array_get(
		json_object_get(json_array_get(json_object_get(doc, "roots"), 0), "children"), i);
}

static int compare(json_t *doc, char **report)
{
	struct xps_set *x = load(FIX "small.expect");
	int n = treecmp(x, doc, 0, report);

	xps_free(x);
	return n;
}

Test(treecmp, expectations_parsed)
{
	struct xps_set *x = load(FIX "small.expect");
	struct xps_proc *p;

	cr_assert_eq(x->nprocs, 5);
	cr_assert_str_eq(x->root->label, "r");
	cr_assert_eq(x->root->threads, 2);
	cr_assert_eq(x->root->nchildren, 3);
	p = xps_find(x, "r.0");
	cr_assert_str_eq(p->comm, "a,\"b\n");
	cr_assert_eq(p->npids, 2);
	cr_assert_eq(p->pids[0], 301);
	cr_assert_eq(p->pids[1], 7);
	p = xps_find(x, "r.1");
	cr_assert_str_eq(p->execs[0].filename, "/tmp/a b,c");
	cr_assert_eq(p->execs[0].argc, 2);
	cr_assert_str_eq(p->execs[0].argv[0], "a b,c");
	cr_assert_eq(p->exit_kind, XPS_EXIT_SIGNAL);
	cr_assert_eq(p->exit_value, 9);
	cr_assert(xps_find(x, "r.1.0")->alive);
	p = x->root;
	cr_assert_eq(p->execs[0].argc, 3);
	cr_assert_str_eq(p->execs[0].argv[1], "\"\"");
	cr_assert_str_eq(p->execs[0].argv[2], "");
	cr_assert_eq(xps_depth(x), 2);
	xps_free(x);
}

Test(treecmp, identical_tree_matches)
{
	json_t *doc = doc_load();
	char *report;
	int n = compare(doc, &report);

	cr_assert_eq(n, 0, "%s", report);
	free(report);
	json_decref(doc);
}

/* Apply one change to the fixture's JSON; the comparison must find it. */
static void expect_caught(void (*mutate)(json_t *doc), const char *needle)
{
	json_t *doc = doc_load();
	char *report;
	int n;

	mutate(doc);
	n = compare(doc, &report);
	cr_assert_gt(n, 0, "change not caught (wanted '%s')", needle);
	cr_assert_not_null(strstr(report, needle), "report lacks '%s':\n%s", needle, report);
	free(report);
	json_decref(doc);
}

static void swap_reused_pid_order(json_t *doc)
{
	/* the two pid-301 siblings: make the killed one start first */
	json_object_set_new(root_child(doc, 0), "start_ns", json_integer(5));
}

static void drop_child(json_t *doc)
{
	json_array_remove(
		json_object_get(json_array_get(json_object_get(doc, "roots"), 0), "children"), 2);
}

static void extra_child(json_t *doc)
{
	json_t *kid = json_deep_copy(root_child(doc, 2));

	json_object_set_new(kid, "pid", json_integer(999));
	json_array_append_new(json_object_get(root_child(doc, 0), "children"), kid);
}

static void wrong_code(json_t *doc)
{
	json_object_set_new(root_child(doc, 2), "exit", json_pack("{s:i}", "code", 0));
}

static void signal_as_code(json_t *doc)
{
	json_object_set_new(root_child(doc, 0), "exit", json_pack("{s:i}", "code", 137));
}

static void comm_truncated(json_t *doc)
{
	json_object_set_new(root_child(doc, 1), "comm", json_string("a,\"b"));
}

static void exec_realpath(json_t *doc)
{
	json_object_set_new(json_array_get(json_object_get(root_child(doc, 0), "execs"), 0),
			    "filename", json_string("/tmp/a_b,c"));
}

static void not_alive(json_t *doc)
{
	json_t *d = json_array_get(json_object_get(root_child(doc, 0), "children"), 0);

	json_object_set_new(d, "flags", json_array());
}

static void exit_lost(json_t *doc)
{
	json_array_append_new(json_object_get(root_child(doc, 2), "flags"),
			      json_string("exit_lost"));
}

static void thread_missing(json_t *doc)
{
	json_object_set_new(json_array_get(json_object_get(doc, "roots"), 0), "threads",
			    json_integer(1));
}

static void orphan_root(json_t *doc)
{
	json_array_append_new(json_object_get(doc, "roots"),
			      json_pack("{s:i,s:[]}", "pid", 0, "children"));
}

static void summary_lost(json_t *doc)
{
	json_object_set_new(json_object_get(doc, "summary"), "fork_lost", json_integer(2));
}

static void reparented_under_subreaper(json_t *doc)
{
	/* the daemon shown under the root instead of its creator */
	json_t *kids = json_object_get(root_child(doc, 0), "children");

	json_array_append(
		json_object_get(json_array_get(json_object_get(doc, "roots"), 0), "children"),
		json_array_get(kids, 0));
	json_array_clear(kids);
}

static json_t *root_exec(json_t *doc)
{
	return json_array_get(
		json_object_get(json_array_get(json_object_get(doc, "roots"), 0), "execs"), 0);
}

static void argv_wrong(json_t *doc)
{
	json_array_set_new(json_object_get(root_exec(doc), "argv"), 2, json_string(" "));
}

static void argv_short(json_t *doc)
{
	json_array_remove(json_object_get(root_exec(doc), "argv"), 2);
}

static void argv_null_unflagged(json_t *doc)
{
	json_object_set_new(root_exec(doc), "argv", json_null());
}

static void child_before_parent(json_t *doc)
{
	json_object_set_new(root_child(doc, 2), "start_ns", json_integer(0));
}

static void exec_after_end(json_t *doc)
{
	json_object_set_new(root_exec(doc), "time_ns", json_integer(101));
}

static void lost_window(json_t *doc)
{
	json_object_set_new(doc, "lost", json_pack("[{s:i,s:i}]", "time_ns", 5, "count", 3));
}

static void incomplete(json_t *doc)
{
	json_object_set_new(json_object_get(doc, "summary"), "complete", json_false());
}

static void late_fork_tolerated(json_t *doc)
{
	json_array_append_new(json_object_get(root_child(doc, 2), "flags"),
			      json_string("fork_late"));
	/* and something that is not tolerated, so the report is not empty */
	json_object_set_new(json_object_get(doc, "summary"), "exit_unseen", json_integer(1));
}

Test(treecmp, argv_byte_exact)
{
	expect_caught(argv_wrong, "argv[2]: want \"\"");
}
Test(treecmp, argv_count)
{
	expect_caught(argv_short, "want 3 argument(s), got 2");
}
Test(treecmp, argv_unknown_needs_flag)
{
	expect_caught(argv_null_unflagged, "no argv_unknown flag");
}
Test(treecmp, start_before_creator)
{
	expect_caught(child_before_parent, "before its creator");
}
Test(treecmp, exec_outside_life)
{
	expect_caught(exec_after_end, "outside its life");
}
Test(treecmp, lost_windows)
{
	expect_caught(lost_window, "lost-event window");
}
Test(treecmp, incomplete_csv)
{
	expect_caught(incomplete, "not complete");
}
Test(treecmp, exit_unseen)
{
	expect_caught(late_fork_tolerated, "exit_unseen is 1");
}

Test(treecmp, fork_late_is_not_an_anomaly)
{
	json_t *doc = doc_load();
	char *report;
	int n;

	json_array_append_new(json_object_get(root_child(doc, 2), "flags"),
			      json_string("fork_late"));
	json_object_set_new(json_object_get(doc, "summary"), "argv_unknown", json_integer(1));
	json_object_set_new(json_object_get(doc, "summary"), "fork_late", json_integer(1));
	n = compare(doc, &report);
	cr_assert_eq(n, 0, "%s", report);
	free(report);
	json_decref(doc);
}

Test(treecmp, reused_pid_matched_by_start_order)
{
	expect_caught(swap_reused_pid_order, "want exit");
}
Test(treecmp, missing_process)
{
	expect_caught(drop_child, "missing r.2");
}
Test(treecmp, unexpected_process)
{
	expect_caught(extra_child, "unexpected process pid 999");
}
Test(treecmp, wrong_exit_code)
{
	expect_caught(wrong_code, "want exit code 3");
}
Test(treecmp, signal_reported_as_code)
{
	expect_caught(signal_as_code, "want exit signal 9");
}
Test(treecmp, comm_byte_exact)
{
	expect_caught(comm_truncated, "comm: want");
}
Test(treecmp, exec_filename_byte_exact)
{
	expect_caught(exec_realpath, "filename");
}
Test(treecmp, alive_needs_flag)
{
	expect_caught(not_alive, "alive_at_end");
}
Test(treecmp, anomaly_flag)
{
	expect_caught(exit_lost, "anomaly flag 'exit_lost'");
}
Test(treecmp, thread_count)
{
	expect_caught(thread_missing, "want 2 thread(s)");
}
Test(treecmp, extra_root)
{
	expect_caught(orphan_root, "want 1 root");
}
Test(treecmp, summary_counts)
{
	expect_caught(summary_lost, "fork_lost is 2");
}
Test(treecmp, creator_not_reaper)
{
	expect_caught(reparented_under_subreaper, "found pid 305 under pid 100");
}

Test(treecmp, bad_expectations_rejected)
{
	static const char *bad[] = {
		"proc r 1 -\nproc r 2 -\n",			 /* label twice */
		"proc r 1 -\nproc r.0 2 r.9\nexit r.0 code 0\n", /* unknown creator */
		"proc r 1 -\nproc r.0 2 r\n",			 /* no exit, not alive */
		"proc r 1 -\nexit r.3 code 0\n",		 /* unknown label */
		"proc r 1 -\nproc r.0 2 r\nexit r.0 code 256\n",
		"proc r 1 -\nproc r.0 2 r\nexit r.0 code 1\nexit r.0 code 1\n",
		"proc r x -\n",
		"proc r 1 -\nfrob r\n",
		"proc r 1 -\ncomm r a%0\n",
		"proc r 1 -\nproc r.0 2 r\nexit r.0 code 0", /* truncated */
		"proc r.0 2 r\n",			     /* no root */
		NULL,
	};
	char path[] = "/tmp/proctree-test-xps-XXXXXX", err[512];

	for (int i = 0; bad[i]; i++) {
		int fd = mkstemp(path);
		struct xps_set *x;

		cr_assert(fd >= 0);
		cr_assert_eq(write(fd, bad[i], strlen(bad[i])), (ssize_t)strlen(bad[i]));
		close(fd);
		err[0] = '\0';
		x = xps_load(path, err, sizeof(err));
		unlink(path);
		snprintf(path, sizeof(path), "/tmp/proctree-test-xps-XXXXXX");
		cr_assert_null(x, "accepted bad file %d", i);
		cr_assert_not_null(strstr(err, "/tmp/proctree-test-xps-"),
				   "error lacks the file: %s", err);
	}
}
