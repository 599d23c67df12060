// SPDX-License-Identifier: MIT
/*
 * The views and exports (docs/formats.md) against fixtures:
 * tests/fixtures/formats/NAME.csv rendered by each writer must equal the
 * golden file next to it (PROCTREE_UPDATE_GOLDEN=1 rewrites them; review the
 * diff).  Beyond the golden text: the Chrome trace and the JSON document are
 * parsed back with jansson and checked for structure, the critical path's
 * self times add up to the wall time.  The SVG's checks: test_formats_svg.c.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "progs.h"
#include "run.h"
#include "skip.h"
#include "slurp.h"
#include "tree.h"
#include "formats_util.h"

/* the rendering equals FMT_DIR/golden (or rewrites it under PROCTREE_UPDATE_GOLDEN=1) */
static void golden(const char *fixture, const char *golden_name, enum kind k,
		   const struct tree_view_opts *o)
{
	char path[512];
	struct tree *t;
	char *got, *want;
	size_t glen, wlen;

	snprintf(path, sizeof(path), "%s/%s", FMT_DIR, fixture);
	if (access(path, R_OK))
		snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, fixture);
	t = build(path);
	got = render(t, k, o, &glen);
	snprintf(path, sizeof(path), "%s/%s", FMT_DIR, golden_name);
	if (getenv("PROCTREE_UPDATE_GOLDEN")) {
		FILE *fp = fopen(path, "wb");

		cr_assert_not_null(fp, "%s", path);
		fwrite(got, 1, glen, fp);
		fclose(fp);
	}
	want = slurp_len(path, &wlen);
	cr_assert_not_null(want, "no golden file %s (run with PROCTREE_UPDATE_GOLDEN=1)", path);
	cr_expect(glen == wlen && !memcmp(got, want, glen),
		  "%s differs from its golden file:\n--- got\n%s--- expected\n%s", golden_name, got,
		  want);
	free(got);
	free(want);
	tree_free(t);
}

Test(formats, golden_files)
{
	struct tree_view_opts depth2 = { .max_depth = 2 },
			      filt = { .max_depth = -1, .filter = "ld" };
	struct tree_view_opts reparent = { .max_depth = -1, .reparent_edges = true };
	struct tree_view_opts rows = { .max_depth = -1, .max_rows = 12 };

	golden("build.csv", "build.chrome.json", K_CHROME, NULL);
	golden("build.csv", "build.filter-ld.chrome.json", K_CHROME, &filt);
	golden("build.csv", "build.dot", K_DOT, &reparent);
	golden("build.csv", "build.svg", K_SVG, NULL);
	golden("build.csv", "build.rows12.svg", K_SVG, &rows);
	golden("build.csv", "build.compact", K_COMPACT, NULL);
	golden("build.csv", "build.depth2.compact", K_COMPACT, &depth2);
	golden("build.csv", "build.filter-ld.compact", K_COMPACT, &filt);
	golden("build.csv", "build.critical", K_CRITICAL, NULL);
	golden("build.csv", "build.stats-comm", K_STATS_COMM, NULL);
	golden("build.csv", "build.stats-exe", K_STATS_EXE, NULL);
	golden("fork_lost.csv", "fork_lost.compact", K_COMPACT, NULL);
	golden("fork_lost.csv", "fork_lost.dot", K_DOT, NULL);
	golden("fork_lost.csv", "fork_lost.chrome.json", K_CHROME, NULL);
	golden("reparented.csv", "reparented.dot", K_DOT, &reparent);
	golden("pid_reuse.csv", "pid_reuse.critical", K_CRITICAL, NULL);
}

/* ---- the Chrome trace, parsed back ---- */

static json_t *parse(const char *buf)
{
	json_error_t jerr;
	json_t *doc = json_loads(buf, 0, &jerr);

	cr_assert_not_null(doc, "invalid JSON: %s at %d:%d", jerr.text, jerr.line, jerr.column);
	return doc;
}

static void check_chrome(const char *fixture, size_t lost)
{
	struct tree *t = build(fixture);
	struct tree_summary s;
	size_t processes;
	char *buf = render(t, K_CHROME, NULL, NULL);
	json_t *doc = parse(buf), *evs = json_object_get(doc, "traceEvents"), *e;
	size_t i, names = 0, lost_seen = 0, slices = 0;
	json_int_t last_tid = -1;
	double last_end = 0;

	/* one track per process, and one for the synthetic unknown parent */
	tree_summary(t, &s);
	processes = s.processes + (s.orphans ? 1 : 0);
	cr_assert(json_is_array(evs));
	json_array_foreach(evs, i, e)
	{
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *name = json_string_value(json_object_get(e, "name"));
		json_t *pid = json_object_get(e, "pid"), *tid = json_object_get(e, "tid");

		cr_assert_not_null(ph);
		cr_assert_not_null(name);
		cr_assert(json_is_integer(pid) && json_is_integer(tid), "event %zu lacks pid/tid",
			  i);
		if (!strcmp(ph, "M")) {
			json_t *args = json_object_get(e, "args");

			if (!strcmp(name, "thread_name")) {
				cr_assert(json_is_string(json_object_get(args, "name")));
				/* one track per process, numbered in walk order */
				cr_assert_gt(json_integer_value(tid), last_tid);
				last_tid = json_integer_value(tid);
				last_end = 0;
				names++;
			} else if (strstr(name, "sort_index")) {
				cr_assert(json_is_integer(json_object_get(args, "sort_index")));
			} else {
				cr_assert_str_eq(name, "process_name");
			}
		} else if (!strcmp(ph, "X")) {
			double ts = json_number_value(json_object_get(e, "ts"));
			double dur = json_number_value(json_object_get(e, "dur"));

			cr_assert(json_is_number(json_object_get(e, "ts")));
			cr_assert(json_is_number(json_object_get(e, "dur")));
			cr_assert_geq(ts, 0);
			cr_assert_geq(dur, 0);
			/* slices of one track follow each other, after the track's name */
			cr_assert_eq(json_integer_value(tid), last_tid);
			cr_assert_geq(ts + 1e-6, last_end, "slice at %f overlaps the one before",
				      ts);
			last_end = ts + dur;
			slices++;
		} else {
			cr_assert_str_eq(ph, "i");
			cr_assert(json_is_number(json_object_get(e, "ts")));
			lost_seen += !strcmp(name, "lost events");
		}
	}
	cr_assert_eq(names, processes, "%zu tracks for %zu processes", names, processes);
	/* at least one slice per real process */
	cr_assert_geq(slices, s.processes);
	cr_assert_eq(lost_seen, lost);
	json_decref(doc);
	free(buf);
	tree_free(t);
}

Test(formats, chrome_parses_back)
{
	check_chrome(FMT_DIR "/build.csv", 1);
	check_chrome(FIXTURES_DIR "/fork_lost.csv", 0);
	check_chrome(FIXTURES_DIR "/hostile_names.csv", 0);
	check_chrome(FIXTURES_DIR "/lost_events.csv", 2);
	check_chrome(FIXTURES_DIR "/pid_reuse.csv", 0);
	check_chrome(FIXTURES_DIR "/thread_exec.csv", 0);
}

Test(formats, chrome_slices)
{
	struct tree *t = build(FMT_DIR "/build.csv");
	char *buf = render(t, K_CHROME, NULL, NULL);
	json_t *doc = parse(buf), *evs = json_object_get(doc, "traceEvents"), *e;
	bool saw_kill = false, saw_cc1 = false, saw_alive = false;
	size_t i;

	json_array_foreach(evs, i, e)
	{
		json_t *args = json_object_get(e, "args");
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *exit = json_string_value(json_object_get(args, "exit"));

		if (exit && !strcmp(exit, "SIGKILL")) {
			cr_assert_str_eq(name, "t-hang");
			cr_assert_str_eq(json_string_value(json_object_get(e, "cname")),
					 "terrible");
			saw_kill = true;
		}
		if (!strcmp(name, "cc1") &&
		    !strcmp(json_string_value(json_array_get(json_object_get(args, "argv"), 2)),
			    "parse.c")) {
			/* 211 ms, microseconds in the trace */
			cr_assert_float_eq(json_number_value(json_object_get(e, "dur")), 210000,
					   1e-6);
			cr_assert_str_eq(json_string_value(json_object_get(args, "filename")),
					 "/usr/lib/gcc/x86_64-linux-gnu/12/cc1");
			saw_cc1 = true;
		}
		saw_alive |= !strcmp(name, "alive_at_end");
	}
	cr_assert(saw_kill && saw_cc1 && saw_alive);
	json_decref(doc);
	free(buf);
	tree_free(t);
}

Test(formats, json_of_the_build_parses_back)
{
	struct tree *t = build(FMT_DIR "/build.csv");
	char *buf = render(t, K_JSON, NULL, NULL);
	json_t *doc = parse(buf);

	cr_assert_eq(
		json_integer_value(json_object_get(json_object_get(doc, "summary"), "processes")),
		31);
	json_decref(doc);
	free(buf);
	tree_free(t);
}

/* ---- the text views ---- */

Test(formats, compact_merges_identical_subtrees)
{
	struct tree *t = build(FMT_DIR "/build.csv");
	char *out = render(t, K_COMPACT, NULL, NULL);

	cr_assert_not_null(strstr(out, "\n  5*[sh -> cc]\n    cc1\n    as\n"), "%s", out);
	cr_assert_not_null(strstr(out, "\n  sh -> cc -> collect2 -> ld\n"), "%s", out);
	free(out);
	tree_free(t);
}

Test(formats, critical_path_adds_up)
{
	struct tree *t = build(FMT_DIR "/build.csv");
	char *out = render(t, K_CRITICAL, NULL, NULL), *line;
	double wall = -1, sum = 0, share = 0;
	int rows = 0;

	cr_assert_eq(sscanf(out, "critical path: %lfs", &wall), 1, "%s", out);
	line = strchr(out, '\n') + 1;
	line = strchr(line, '\n') + 1;
	while (*line) {
		double self, pct;

		cr_assert_eq(sscanf(line, " %lfs %lf%%", &self, &pct), 2, "%s", line);
		sum += self;
		share += pct;
		rows++;
		line = strchr(line, '\n') + 1;
	}
	cr_assert_float_eq(wall, 0.42, 1e-9);
	cr_assert_float_eq(sum, wall, 1e-6);
	cr_assert_float_eq(share, 100.0, 0.5);
	/* the longest compile (parse.c: cc1 211 ms) and the link are on it, util.c is not */
	cr_assert_not_null(strstr(out, "cc1 -quiet parse.c -O2"));
	cr_assert_not_null(strstr(out, "ld -o prog"));
	cr_assert_null(strstr(out, "util.c"));
	cr_assert_eq(rows, 14);
	free(out);
	tree_free(t);
}

Test(formats, stats_by_comm_median)
{
	struct tree *t = build(FMT_DIR "/build.csv");
	char *out = render(t, K_STATS_COMM, NULL, NULL);

	/* cc1: 121, 61, 211, 51, 71 ms: median 71 ms, one failure */
	cr_assert_not_null(strstr(out,
				  "       5      0.515000s      0.071000s      0.211000s"
				  "      0.445500s      0.049500s      0.495000s      0.495000s"
				  "       1  cc1\n"),
			   "%s", out);
	free(out);
	tree_free(t);
}

/* ---- the options ---- */

/* the program's exit status with @args (a shell word list); its stderr in *@err */
static int run(const char *args, char **err)
{
	char cmd[1024];
	struct run r;

	snprintf(cmd, sizeof(cmd), "'%s' %s", PROG_RECONSTRUCT, args);
	r = run_sh(cmd, NULL);
	*err = r.err;
	free(r.out);
	return r.status;
}

Test(formats, bad_options_one_line)
{
	static const char *const bad[] = {
		"--stats-by pid " FMT_DIR "/build.csv",
		"--max-depth -1 --compact " FMT_DIR "/build.csv",
		"--max-depth x --compact " FMT_DIR "/build.csv",
		"--max-rows 0 --format svg " FMT_DIR "/build.csv",
		"--reparent-edges " FMT_DIR "/build.csv",
		"--filter cc " FMT_DIR "/build.csv",
		"--compact --critical-path " FMT_DIR "/build.csv",
		"--compact --format json " FMT_DIR "/build.csv",
		"--format png " FMT_DIR "/build.csv",
		"--filter '' --compact " FMT_DIR "/build.csv",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *err;
		int st = run(bad[i], &err);
		size_t lines = 0;

		for (char *c = err; *c; c++)
			lines += *c == '\n';
		cr_expect_eq(st, 2, "%s: status %d", bad[i], st);
		cr_expect_eq(lines, 1, "%s: not one line: %s", bad[i], err);
		free(err);
	}
}

Test(formats, every_view_runs)
{
	static const char *const good[] = {
		"--format chrome",
		"--format dot --reparent-edges",
		"--format svg --max-rows 5",
		"--compact --max-depth 1",
		"--compact --filter cc1",
		"--format chrome --filter cc1",
		"--critical-path",
		"--stats-by comm",
		"--stats-by exe",
		"--format dot --filter ld --max-depth 3",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char args[512], *err;

		snprintf(args, sizeof(args), "%s %s/build.csv", good[i], FMT_DIR);
		cr_expect_eq(run(args, &err), 0, "%s: %s", good[i], err);
		cr_expect_str_eq(err, "", "%s", good[i]);
		free(err);
	}
}

/* Graphviz, when installed, accepts the graphs (including hostile names) */
Test(formats, dot_parses_with_graphviz)
{
	static const char *const files[] = { FMT_DIR "/build.csv",
					     FIXTURES_DIR "/hostile_names.csv",
					     FIXTURES_DIR "/fork_lost.csv",
					     FIXTURES_DIR "/reparented.csv" };

	/* under CI=true an optional checker that is missing is a failure, not a skip */
	if (access("/usr/bin/dot", X_OK))
		TEST_SKIP_OR_FAIL(
			"graphviz not installed (apt-get install graphviz; scripts/setup "
			"does): dot output not checked by Graphviz; the golden files still are");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char cmd[1024];

		snprintf(cmd, sizeof(cmd),
			 "'%s' --format dot --reparent-edges '%s' | "
			 "/usr/bin/dot -Tsvg >/dev/null 2>&1",
			 PROG_RECONSTRUCT, files[i]);
		cr_expect_eq(system(cmd), 0, "dot rejects the graph of %s", files[i]);
	}
}

/* ---- random trees: properties every view must keep ---- */

/* a random recording: forks, execs, exits (some failing), pid reuse; returns the CSV path */
static void random_csv(unsigned seed, int steps, char *path, size_t size)
{
	static const char *const names[] = { "sh", "cc", "cc1", "as", "ld", "make" };
	int live[512], nlive = 0, next_pid = 101, fd;
	uint64_t t = 1000000000;
	FILE *fp;

	snprintf(path, size, "/tmp/proctree-test-random-XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fp = fdopen(fd, "w");
	srand(seed);
	fputs("#proctree-csv,1\n#engine,random\n#clock,CLOCK_MONOTONIC\n#root_pid,100\n"
	      "kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,group,code,signal,"
	      "count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,child_comm,filename,argv\n",
	      fp);
	fprintf(fp, "exec,%" PRIu64 ",0,100,,1,,,,,,,,,,,,,sh,,/bin/sh,sh\n", t);
	live[nlive++] = 100;
	for (int i = 0; i < steps; i++) {
		int r = rand() % 10, k = rand() % nlive, p = live[k];
		const char *nm = names[rand() % 6];

		t += 1000 + (uint64_t)(rand() % 50000);
		if ((r < 5 || nlive == 1) && nlive < 512) {
			/* small pids wrap so incarnations repeat */
			int c = next_pid++;

			if (next_pid > 400)
				next_pid = 101;
			for (int j = 0; j < nlive; j++)
				if (live[j] == c)
					c = 0;
			if (!c)
				continue;
			fprintf(fp, "fork,%" PRIu64 ",0,%d,%d,,%d,%d,0,,,,,,,,,,x,x,,\n", t, p, p,
				c, c);
			live[nlive++] = c;
		} else if (r < 7) {
			fprintf(fp, "exec,%" PRIu64 ",0,%d,,,,,,,,,,,,,,,%s,,/usr/bin/%s,%s\n", t,
				p, nm, nm, nm);
		} else if (p != 100) {
			fprintf(fp, "exit,%" PRIu64 ",0,%d,%d,,,,,,1,%d,,,,%d,%d,,,,,\n", t, p, p,
				rand() % 4 == 0, rand() % 1000, rand() % 100);
			live[k] = live[--nlive];
		}
	}
	for (int j = nlive - 1; j >= 0; j--) {
		t += 1000;
		fprintf(fp, "exit,%" PRIu64 ",0,%d,%d,,,,,,1,0,,,,,,,,,,\n", t, live[j], live[j]);
	}
	fputs("#end\n", fp);
	fclose(fp);
}

/* processes a --compact rendering stands for: multiplicities times chain lengths */
static uint64_t compact_count(char *out)
{
	uint64_t mult[4096] = { 1 }, total = 0;

	char *save = NULL;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t depth = strspn(line, " ") / 2;
		char *s = line + depth * 2, *e;
		uint64_t m = 1, inst, elems = 1, last = 1;

		if (*s == '(' && strncmp(s, "(unknown parent)", 16))
			continue; /* a note */
		if (!strncmp(s, "lost:", 5))
			continue;
		if (strchr(s, '*') && strtoull(s, &e, 10) && !strncmp(e, "*[", 2)) {
			m = strtoull(s, NULL, 10);
			s = e + 2;
		}
		for (char *a = strstr(s, " -> "); a; a = strstr(a + 4, " -> ")) {
			elems++;
			if (strtoull(a + 4, &e, 10) && !strncmp(e, "*[", 2))
				last = strtoull(a + 4, NULL, 10);
		}
		cr_assert_lt(depth, 4096);
		inst = m * (depth ? mult[depth - 1] : 1);
		mult[depth] = inst;
		total += inst * (elems - 1 + last);
		if (!strncmp(s, "(unknown parent)", 16))
			total--;
	}
	return total;
}

Test(formats, random_trees_keep_the_invariants)
{
	for (unsigned seed = 1; seed <= 25; seed++) {
		char path[64], *out;
		struct tree *t;
		struct tree_summary s;
		struct tree_view_opts rows = { .max_depth = -1, .max_rows = 20 };
		double wall, sum = 0;
		size_t len;

		random_csv(seed, 300 + (int)seed * 20, path, sizeof(path));
		t = build(path);
		unlink(path);
		tree_summary(t, &s);

		out = render(t, K_COMPACT, NULL, NULL);
		cr_expect_eq(compact_count(out), s.processes,
			     "seed %u: compact stands for a "
			     "different number of processes",
			     seed);
		free(out);

		out = render(t, K_CRITICAL, NULL, NULL);
		cr_assert_eq(sscanf(out, "critical path: %lfs", &wall), 1);
		for (char *l = strchr(strchr(out, '\n') + 1, '\n') + 1; *l;
		     l = strchr(l, '\n') + 1) {
			double self;

			cr_assert_eq(sscanf(l, " %lfs", &self), 1);
			sum += self;
		}
		cr_expect_float_eq(sum, wall, 1e-5, "seed %u: self times %f != wall %f", seed, sum,
				   wall);
		free(out);

		out = render(t, K_SVG, &rows, &len);
		check_xml(out, len);
		free(out);
		tree_free(t);
	}
}
