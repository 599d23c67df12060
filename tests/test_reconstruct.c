// SPDX-License-Identifier: MIT
/*
 * The tree builder against fixture CSVs: tests/fixtures/NAME.csv is one edge
 * case, NAME.expected the text tree it must produce.  Plus the summary counts
 * and the JSON document's structure for each case.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "slurp.h"
#include "tree.h"

/* build the tree of fixtures/NAME.csv; *ret gets tree_read()'s result */
static struct tree *build(const char *name, int *ret)
{
	char path[512];
	struct csv_reader *r;
	struct tree *t;
	int rc;

	snprintf(path, sizeof(path), FIXTURES_DIR "/%s.csv", name);
	r = csv_reader_open(path);
	cr_assert_not_null(r, "%s", err_msg());
	t = tree_new(NULL);
	cr_assert_not_null(t);
	rc = tree_read(t, r);
	cr_assert_geq(rc, 0, "%s: %s", name, err_msg());
	if (ret)
		*ret = rc;
	csv_reader_free(r);
	return t;
}

typedef int (*writer_fn)(const struct tree *t, FILE *fp);

static char *render(const struct tree *t, writer_fn fn, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *ms = open_memstream(&buf, &n);

	cr_assert_not_null(ms);
	cr_assert_eq(fn(t, ms), 0, "%s", err_msg());
	fclose(ms);
	if (len)
		*len = n;
	return buf;
}

static void check_node(json_t *node, int depth, int *count)
{
	static const char *const keys[] = { "id",     "pid",  "comm",	 "execs", "start_ns",
					    "end_ns", "exit", "threads", "flags", "children" };
	json_t *children, *c, *exit;
	size_t i;

	cr_assert(json_is_object(node));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_assert_not_null(json_object_get(node, keys[i]), "node lacks \"%s\"", keys[i]);
	exit = json_object_get(node, "exit");
	cr_assert(json_is_null(exit) || json_object_get(exit, "code") ||
		  (json_object_get(exit, "signal") && json_object_get(exit, "name")));
	cr_assert(json_is_array(json_object_get(node, "flags")));
	cr_assert(json_is_array(json_object_get(node, "execs")));
	(*count)++;
	children = json_object_get(node, "children");
	cr_assert(json_is_array(children));
	json_array_foreach(children, i, c) check_node(c, depth + 1, count);
}

/* the JSON document parses (jansson is strict about UTF-8) and every node has the keys */
static json_t *check_json(const struct tree *t)
{
	struct tree_summary s;
	json_error_t jerr;
	char *buf = render(t, tree_write_json, NULL);
	json_t *doc = json_loads(buf, 0, &jerr), *roots, *r;
	int count = 0;
	size_t i;

	cr_assert_not_null(doc, "invalid JSON: %s at %d:%d", jerr.text, jerr.line, jerr.column);
	free(buf);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "format")), "proctree");
	cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);
	cr_assert(json_is_object(json_object_get(doc, "meta")));
	cr_assert(json_is_object(json_object_get(doc, "summary")));
	roots = json_object_get(doc, "roots");
	cr_assert(json_is_array(roots));
	json_array_foreach(roots, i, r) check_node(r, 0, &count);
	tree_summary(t, &s);
	/* every process once, plus the synthetic node when forks were lost without evidence */
	cr_assert_eq((uint64_t)count, s.processes + (s.orphans ? 1 : 0));
	cr_assert_eq(
		json_integer_value(json_object_get(json_object_get(doc, "summary"), "processes")),
		(json_int_t)s.processes);
	return doc;
}

/* the text tree equals NAME.expected; the JSON document is valid */
static struct tree *check_fixture(const char *name, struct tree_summary *s)
{
	char path[512];
	struct tree *t = build(name, NULL);
	char *got = render(t, tree_write_text, NULL), *want;

	snprintf(path, sizeof(path), FIXTURES_DIR "/%s.expected", name);
	want = slurp(path);
	cr_expect_str_eq(got, want, "%s: text tree differs:\n--- got\n%s--- expected\n%s", name,
			 got, want);
	free(got);
	free(want);
	json_decref(check_json(t));
	tree_summary(t, s);
	return t;
}

Test(reconstruct, basic)
{
	struct tree_summary s;
	struct tree *t = check_fixture("basic", &s);

	cr_assert_eq(s.processes, 3);
	cr_assert_eq(s.execs, 3);
	cr_assert_eq(s.max_depth, 2);
	cr_assert_eq(s.max_alive, 3);
	cr_assert_eq(s.exit_nonzero, 3);
	cr_assert_eq(s.fork_lost + s.exit_lost + s.orphans + s.exit_unseen, 0);
	cr_assert(s.complete);
	tree_free(t);
}

Test(reconstruct, pid_reuse)
{
	struct tree_summary s;
	struct tree *t = check_fixture("pid_reuse", &s);

	/* pid 200 four times: four nodes, never merged; the third's exit was lost */
	cr_assert_eq(s.processes, 5);
	cr_assert_eq(s.exit_lost, 1);
	cr_assert_eq(s.exited, 4);
	cr_assert_eq(s.exit_nonzero, 1);
	cr_assert_eq(s.fork_lost, 0);
	tree_free(t);
}

Test(reconstruct, exit_lost)
{
	struct tree_summary s;
	struct tree *t = check_fixture("exit_lost", &s);

	cr_assert_eq(s.processes, 4);
	cr_assert_eq(s.exit_lost, 1);
	cr_assert_eq(s.max_depth, 2);
	tree_free(t);
}

Test(reconstruct, fork_lost)
{
	struct tree_summary s;
	struct tree *t = check_fixture("fork_lost", &s);
	json_t *doc = check_json(t), *roots = json_object_get(doc, "roots"), *unk;

	cr_assert_eq(s.fork_lost, 3);
	cr_assert_eq(s.orphans, 2);
	cr_assert_eq(s.signaled, 1);
	cr_assert_eq(s.threads, 1);
	/* roots: the workload's root, then the synthetic unknown parent */
	cr_assert_eq(json_array_size(roots), 2);
	unk = json_array_get(roots, 1);
	cr_assert(json_is_null(json_object_get(unk, "pid")));
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(unk, "flags"), 0)),
			 "synthetic");
	cr_assert_eq(json_array_size(json_object_get(unk, "children")), 2);
	json_decref(doc);
	tree_free(t);
}

Test(reconstruct, no_unknown_root_without_lost_forks)
{
	struct tree *t = build("basic", NULL);
	json_t *doc = check_json(t);

	cr_assert_eq(json_array_size(json_object_get(doc, "roots")), 1);
	json_decref(doc);
	tree_free(t);
}

Test(reconstruct, thread_exec)
{
	struct tree_summary s;
	struct tree *t = check_fixture("thread_exec", &s);
	json_t *doc = check_json(t), *root, *child, *execs;

	cr_assert_eq(s.processes, 2);
	cr_assert_eq(s.threads, 2);
	cr_assert_eq(s.execs, 3);
	root = json_array_get(json_object_get(doc, "roots"), 0);
	child = json_array_get(json_object_get(root, "children"), 0);
	execs = json_object_get(child, "execs");
	cr_assert_eq(json_array_size(execs), 2);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(execs, 1), "old_tid")), 702);
	cr_assert_eq(json_integer_value(json_object_get(child, "pid")), 700);
	json_decref(doc);
	tree_free(t);
}

Test(reconstruct, threads)
{
	struct tree_summary s;
	struct tree *t = check_fixture("threads", &s);

	cr_assert_eq(s.processes, 2);
	cr_assert_eq(s.threads, 3);
	cr_assert_eq(s.exited, 2);
	tree_free(t);
}

Test(reconstruct, reparented)
{
	struct tree_summary s;
	struct tree *t = check_fixture("reparented", &s);

	cr_assert_eq(s.reparented, 1);
	cr_assert_eq(s.max_depth, 2); /* still under its creator */
	tree_free(t);
}

Test(reconstruct, out_of_order)
{
	struct tree_summary s;
	struct tree *t = check_fixture("out_of_order", &s);

	cr_assert_eq(s.processes, 3);
	cr_assert_eq(s.fork_lost + s.fork_late + s.orphans + s.late_rows, 0);
	tree_free(t);
}

Test(reconstruct, fork_late)
{
	struct tree_summary s;
	struct tree *t = check_fixture("fork_late", &s);

	cr_assert_eq(s.processes, 2);
	cr_assert_eq(s.fork_late, 1);
	cr_assert_eq(s.fork_lost, 0);
	cr_assert_eq(s.orphans, 0);
	tree_free(t);
}

Test(reconstruct, alive_at_end)
{
	struct tree_summary s;
	struct tree *t = check_fixture("alive_at_end", &s);

	cr_assert_eq(s.alive_at_end, 1);
	cr_assert_eq(s.exit_lost + s.exit_unseen, 0);
	tree_free(t);
}

Test(reconstruct, hostile_names)
{
	struct tree_summary s;
	struct tree *t = check_fixture("hostile_names", &s);
	json_t *doc = check_json(t), *root, *child, *argv;
	char *csv;
	size_t len;

	root = json_array_get(json_object_get(doc, "roots"), 0);
	child = json_array_get(json_object_get(root, "children"), 0);
	/* invalid UTF-8 bytes become U+FFFD, one per byte; valid UTF-8 is kept */
	cr_assert_str_eq(json_string_value(json_object_get(child, "comm")),
			 "we\xef\xbf\xbdird,\"name\"");
	argv = json_object_get(json_array_get(json_object_get(child, "execs"), 0), "argv");
	cr_assert_eq(json_array_size(argv), 7);
	cr_assert_str_eq(json_string_value(json_array_get(argv, 0)), "\xef\xbf\xbd\xef\xbf\xbd");
	cr_assert_str_eq(json_string_value(json_array_get(argv, 1)), "");
	cr_assert_str_eq(json_string_value(json_array_get(argv, 4)), "new\nline");
	cr_assert_str_eq(json_string_value(json_array_get(argv, 6)), "caf\xc3\xa9");
	/* the CSV output keeps the exact bytes */
	csv = render(t, tree_write_csv, &len);
	cr_assert_not_null(memmem(csv, len, "\"we\xffird,\"\"name\"\"\"", 17));
	free(csv);
	json_decref(doc);
	tree_free(t);
}

Test(reconstruct, pid_wrap)
{
	struct tree_summary s;
	struct tree *t = check_fixture("pid_wrap", &s);

	cr_assert_eq(s.processes, 5);
	cr_assert_eq(s.max_depth, 3);
	cr_assert_eq(s.fork_lost + s.orphans, 0);
	tree_free(t);
}

Test(reconstruct, lost_events)
{
	struct tree_summary s;
	struct tree *t = check_fixture("lost_events", &s);
	json_t *doc = check_json(t);

	cr_assert_eq(s.lost_rows, 2);
	cr_assert_eq(s.lost_events, 17);
	cr_assert_eq(s.lost_rows_uncounted, 1);
	cr_assert_eq(json_array_size(json_object_get(doc, "lost")), 2);
	json_decref(doc);
	tree_free(t);
}

Test(reconstruct, no_trailer)
{
	struct tree_summary s;
	struct tree *t = check_fixture("no_trailer", &s);

	cr_assert_not(s.complete);
	cr_assert_not(s.truncated);
	cr_assert_eq(s.exit_unseen, 2);
	tree_free(t);
}

Test(reconstruct, truncated)
{
	struct tree_summary s;
	int ret;
	struct tree *t = build("truncated", &ret);

	cr_assert_eq(ret, 1);
	cr_assert_not_null(strstr(tree_truncation(t), "truncated.csv:13: truncated"));
	tree_free(t);
	t = check_fixture("truncated", &s);
	cr_assert(s.truncated);
	cr_assert_eq(s.rows, 5);
	tree_free(t);
}

Test(reconstruct, csv_output)
{
	struct tree *t = build("fork_lost", NULL);
	size_t len, lines = 0;
	char *csv = render(t, tree_write_csv, &len);

	for (size_t i = 0; i < len; i++)
		lines += csv[i] == '\n';
	/* header, 5 processes, the synthetic node */
	cr_assert_eq(lines, 7);
	cr_assert_not_null(strstr(csv, "\n0,,0,,,,"), "synthetic node row:\n%s", csv);
	cr_assert_not_null(strstr(csv, "fork_lost;orphan"));
	free(csv);
	tree_free(t);
}

Test(reconstruct, summary_text)
{
	struct tree *t = build("fork_lost", NULL);
	char *out = render(t, tree_write_summary, NULL);

	cr_assert_not_null(strstr(out, "fork lost              3\n"), "%s", out);
	cr_assert_not_null(strstr(out, "orphans                2\n"));
	cr_assert_not_null(strstr(out, "  make\n"));
	free(out);
	tree_free(t);
}

static json_t *child(json_t *node, size_t i)
{
	json_t *c = json_array_get(json_object_get(node, "children"), i);

	cr_assert_not_null(c, "no child %zu", i);
	return c;
}

static json_t *exec_at(json_t *node, size_t i)
{
	json_t *x = json_array_get(json_object_get(node, "execs"), i);

	cr_assert_not_null(x, "no exec %zu", i);
	return x;
}

static json_int_t member_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	cr_assert(json_is_integer(v), "\"%s\" is not an integer", key);
	return json_integer_value(v);
}

/*
 * The optional CSV columns: argv_cut marks the exec it came on (JSON), its
 * node (flag: text, CSV) and is counted (summary); a cut with no argv is
 * no cut.  The fault and context-switch counters come out where known and
 * only there.
 */
Test(reconstruct, optional_columns)
{
	struct tree_summary s;
	struct tree *t = check_fixture("optional_columns", &s);
	json_t *doc = check_json(t), *root, *xargs, *echo, *noargv, *ru;
	char *out;

	cr_assert_eq(s.execs, 5);
	cr_assert_eq(s.argv_cut, 1);
	cr_assert_eq(s.argv_unknown, 1);
	cr_assert_eq(member_int(json_object_get(doc, "summary"), "argv_cut"), 1);
	root = json_array_get(json_object_get(doc, "roots"), 0);
	xargs = child(root, 0);
	echo = child(xargs, 0);
	noargv = child(xargs, 1);
	/* argv_cut=0 and an empty argv_cut are both a whole argv: no key */
	cr_assert_null(json_object_get(exec_at(root, 0), "argv_cut"));
	cr_assert_null(json_object_get(exec_at(xargs, 0), "argv_cut"));
	cr_assert_null(json_object_get(exec_at(echo, 0), "argv_cut"));
	cr_assert(json_is_true(json_object_get(exec_at(echo, 1), "argv_cut")));
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(echo, "flags"), 0)),
			 "argv_cut");
	cr_assert(json_is_null(json_object_get(exec_at(noargv, 0), "argv")));
	cr_assert_null(json_object_get(exec_at(noargv, 0), "argv_cut"));
	cr_assert_eq(json_array_size(json_object_get(noargv, "flags")), 1);
	/* all four counters */
	ru = json_object_get(root, "rusage");
	cr_assert_eq(member_int(ru, "minflt"), 400);
	cr_assert_eq(member_int(ru, "majflt"), 0);
	cr_assert_eq(member_int(ru, "nvcsw"), 9);
	cr_assert_eq(member_int(ru, "nivcsw"), 1);
	ru = json_object_get(echo, "rusage");
	cr_assert_eq(member_int(ru, "minflt"), 120);
	cr_assert_eq(member_int(ru, "majflt"), 3);
	cr_assert_eq(member_int(ru, "nvcsw"), 4);
	cr_assert_eq(member_int(ru, "nivcsw"), 5);
	cr_assert_eq(member_int(ru, "maxrss_kb"), 1500);
	/* some: an exit row with only counters still has rusage, the unknown ones absent */
	ru = json_object_get(noargv, "rusage");
	cr_assert(json_is_null(json_object_get(ru, "utime_ns")));
	cr_assert_eq(member_int(ru, "minflt"), 77);
	cr_assert_eq(member_int(ru, "nivcsw"), 2);
	cr_assert_null(json_object_get(ru, "majflt"));
	cr_assert_null(json_object_get(ru, "nvcsw"));
	/* none */
	cr_assert_null(json_object_get(xargs, "rusage"));
	json_decref(doc);

	out = render(t, tree_write_csv, NULL);
	cr_assert_not_null(strstr(out, ",maxrss_kb,minflt,majflt,nvcsw,nivcsw,flags\n"), "%s", out);
	cr_assert_not_null(strstr(out, ",1500,120,3,4,5,argv_cut\n"), "%s", out);
	cr_assert_not_null(strstr(out, ",,,,77,,,2,argv_unknown\n"), "%s", out);
	cr_assert_not_null(strstr(out, ",\"xargs,echo\",,,,,,,,,,,\n"), "%s", out);
	free(out);
	out = render(t, tree_write_summary, NULL);
	cr_assert_not_null(strstr(out, "argv unknown           1\n"
				       "execs with argv cut    1\n"),
			   "%s", out);
	free(out);
	tree_free(t);
}

/* a file without the optional columns: no counters, no argv_cut, anywhere */
Test(reconstruct, optional_columns_absent)
{
	struct tree_summary s;
	struct tree *t = check_fixture("basic", &s);
	char *out = render(t, tree_write_json, NULL);

	cr_assert_eq(s.argv_cut, 0);
	cr_assert_null(strstr(out, "\"minflt\""), "%s", out);
	cr_assert_null(strstr(out, "\"argv_cut\":true"), "%s", out);
	cr_assert_not_null(strstr(out, "\"argv_cut\":0"), "%s", out);
	free(out);
	tree_free(t);
}

/* the counters go to JSON as signed 64 bits: a bigger one is bad input, like a time */
Test(reconstruct, counter_beyond_int64_rejected)
{
	static const char csv[] =
		"#proctree-csv,1\n#root_pid,100\n"
		"kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,group,code,signal,"
		"count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,child_comm,filename,argv,argv_cut,"
		"minflt,majflt,nvcsw,nivcsw\n"
		"exit,1000,0,100,100,1,,,,,1,0,,,,,,,sh,,,,,,,9223372036854775808,\n";
	struct csv_reader *r = csv_reader_new_mem("big", csv, sizeof(csv) - 1);
	struct tree *t = tree_new(NULL);

	cr_assert_not_null(r, "%s", err_msg());
	cr_assert_eq(tree_read(t, r), -1);
	cr_assert_not_null(strstr(err_msg(), "nvcsw 9223372036854775808 is beyond"), "%s",
			   err_msg());
	tree_free(t);
	csv_reader_free(r);
}

/* the same rows in shuffled file order build the same tree (within the window) */
Test(reconstruct, order_independent)
{
	static const char *rows[] = {
		"exec,1000,0,100,100,1,,,,,,,,,,,,,sh,,/bin/sh,sh\n",
		"fork,2000,0,100,100,,101,101,0,,,,,,,,,,sh,sh,,\n",
		"exec,2000,1,101,101,100,,,,,,,,,,,,,a,,/bin/a,a\n",
		"fork,2001,1,101,101,,102,102,0,,,,,,,,,,a,a,,\n",
		"exit,2001,0,102,102,101,,,,,1,0,,,,,,,a,,,\n",
		"exit,3000,1,101,101,100,,,,,1,0,,,,,,,a,,,\n",
		"exit,4000,0,100,100,1,,,,,1,0,,,,,,,sh,,,\n",
	};
	const int n = sizeof(rows) / sizeof(rows[0]);
	char *first = NULL;

	for (int perm = 0; perm < 40; perm++) {
		char buf[4096];
		int idx[16], len;
		struct csv_reader *r;
		struct tree *t;
		char *out;

		for (int i = 0; i < n; i++)
			idx[i] = i;
		srand(perm);
		for (int i = n - 1; perm && i > 0; i--) {
			int j = rand() % (i + 1), x = idx[i];

			idx[i] = idx[j];
			idx[j] = x;
		}
		len = snprintf(buf, sizeof(buf),
			       "#proctree-csv,1\n#root_pid,100\n"
			       "kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,"
			       "group,code,signal,count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,"
			       "child_comm,filename,argv\n");
		for (int i = 0; i < n; i++)
			len += snprintf(buf + len, sizeof(buf) - len, "%s", rows[idx[i]]);
		r = csv_reader_new_mem("mem", buf, len);
		cr_assert_not_null(r, "%s", err_msg());
		t = tree_new(NULL);
		cr_assert_geq(tree_read(t, r), 0, "%s", err_msg());
		out = render(t, tree_write_text, NULL);
		if (!first)
			first = strdup(out);
		else
			cr_assert_str_eq(out, first, "permutation %d:\n%s\nvs\n%s", perm, out,
					 first);
		cr_assert_null(strstr(out, "fork_lost"));
		free(out);
		tree_free(t);
		csv_reader_free(r);
	}
	cr_assert_str_eq(first, "100 sh +0.000000s 0.000003s code 0\n"
				"  101 a +0.000001s 0.000001s code 0\n"
				"    102 [a] +0.000001s 0.000000s code 0\n");
	free(first);
}

/* disorder beyond the window: rows are still applied (late) and counted, never dropped */
Test(reconstruct, late_rows_counted)
{
	static const char csv[] =
		"#proctree-csv,1\n#root_pid,100\n"
		"kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,group,code,signal,"
		"count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,child_comm,filename,argv\n"
		"exec,1000,0,100,100,1,,,,,,,,,,,,,sh,,/bin/sh,sh\n"
		"exit,900000,0,100,100,1,,,,,1,0,,,,,,,sh,,,\n"
		"lost,2000000,0,,,,,,,,,,,1,2000001,,,,,,,\n"
		"fork,2000,1,100,100,,101,101,0,,,,,,,,,,sh,sh,,\n" /* 2 ms late */
		"exit,3000,1,101,101,100,,,,,1,0,,,,,,,sh,,,\n"
		"#end\n";
	struct tree_opts opts = { .window_ns = 1000 };
	struct csv_reader *r = csv_reader_new_mem("late", csv, sizeof(csv) - 1);
	struct tree_summary s;
	struct tree *t = tree_new(&opts);

	cr_assert_not_null(r, "%s", err_msg());
	cr_assert_eq(tree_read(t, r), 0, "%s", err_msg());
	tree_summary(t, &s);
	cr_assert_eq(s.rows, 5);
	cr_assert_eq(s.late_rows, 2);
	/* the fork came after its parent's exit: a new, fork-less incarnation of 100 */
	cr_assert_eq(s.processes, 3);
	cr_assert_eq(s.fork_lost, 1);
	tree_free(t);
	csv_reader_free(r);
	/* with the default window the same rows are simply ordered */
	r = csv_reader_new_mem("late", csv, sizeof(csv) - 1);
	t = tree_new(NULL);
	cr_assert_eq(tree_read(t, r), 0, "%s", err_msg());
	tree_summary(t, &s);
	cr_assert_eq(s.late_rows, 0);
	cr_assert_eq(s.processes, 2);
	cr_assert_eq(s.fork_lost + s.exit_lost + s.exit_unseen, 0);
	tree_free(t);
	csv_reader_free(r);
}

/*
 * proctree-record -p: the processes found running (fork rows with existing=1)
 * are placed under their parents, flagged pre_existing, with no start (JSON
 * start_ns null), neither fork_lost nor orphans; one whose fork the engine
 * also saw while joining (105) is adopted by that fork and is no longer
 * pre_existing.
 */
Test(reconstruct, attached)
{
	struct tree_summary s;
	struct tree *t = check_fixture("attached", &s);
	json_t *doc = check_json(t), *root, *kid;

	cr_assert_eq(s.processes, 6);
	cr_assert_eq(s.fork_lost + s.orphans + s.fork_late, 0);
	root = json_array_get(json_object_get(doc, "roots"), 0);
	cr_assert_eq(json_array_size(json_object_get(doc, "roots")), 1);
	cr_assert_eq(member_int(root, "pid"), 100);
	cr_assert(json_is_null(json_object_get(root, "start_ns")));
	cr_assert_eq(member_int(root, "first_seen_ns"), 1000);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(root, "flags"), 0)),
			 "pre_existing");
	for (size_t i = 0; member_int((kid = child(root, i)), "pid") != 105; i++)
		; /* 105: existing, then its fork row */
	cr_assert_eq(member_int(kid, "start_ns"), 1500);
	cr_assert_eq(json_array_size(json_object_get(kid, "flags")), 0);
	json_decref(doc);
	tree_free(t);
}
