// SPDX-License-Identifier: MIT
/*
 * Every engine and a pid taken again microseconds after its process was
 * reaped, inside the workload (tests/workloads/pidreuse: ns_last_pid set to
 * the dead pid - 1 right before a fork, 50 times) and outside it (this
 * test takes a pid the workload just freed).
 *
 * Inside: each incarnation must be its own node in the rebuilt tree, with
 * its own child and its own exit, and none may be taken for alive.  The
 * bpf engine follows the workload by tgid and the leader's start time,
 * ptrace by its own tracees, tracecmd by membership in the converter: all
 * exact.  ftrace's set_event_pid loses a reused tid when the old task's
 * free comes after the reuse: the engine must report each such gap as a
 * `lost` row (#reuse_gaps), and may miss at most one node per gap (the
 * reused task's child), never invent one or call one alive.
 *
 * Outside: a process that takes a pid the workload just freed is not part
 * of the workload and must not appear in any engine's CSV.
 *
 * Its own executable: it writes the machine's ns_last_pid, so ctest runs it
 * alone (RUN_SERIAL in tests/CMakeLists.txt); another test forking at the
 * same time would take the pids it wants.
 */
#include "bpf_util.h"

enum { REUSES = 50 };

static char dir[64];

static void setup(void)
{
	BPF_REQUIRE();
	tmpdir_make(dir, sizeof(dir), "bpf");
}

/* also after a failed assertion: the suite's fini runs whatever happened */
static void teardown(void)
{
	tmpdir_cleanup();
}

TestSuite(pidreuse, .init = setup, .fini = teardown);

struct incarnation;
static void read_said(const char *said, struct incarnation *inc, int max, int *n);

/* One line of the workload's own account: ROOT SELF CHILD. */
struct incarnation {
	int parent, self, child;
};

struct seen {
	const json_t *node; /* the root's child node, in start order */
	long long start_ns;
};

struct walk {
	int nodes, alive, no_exit;
};

static void count_node(const json_t *node, const json_t *parent, void *ctx)
{
	struct walk *w = ctx;

	(void)parent;
	w->nodes++;
	w->alive += bpf_json_flag(node, "alive_at_end");
	w->no_exit += !json_is_object(json_object_get(node, "exit"));
}

static int by_start(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* The exit code of @node, -1 when it has none. */
static long long code_of(const json_t *node)
{
	return bpf_json_int(json_object_get(node, "exit"), "code", -1);
}

/*
 * Record the pidreuse workload with @engine and check the tree; @gaps_ok:
 * the engine may miss nodes inside the gaps it reports (ftrace).
 */
/*
 * ftrace: a reuse can lose its place in the pid filter (a reuse gap): each
 * gap reported, at most the reused task's child missed per gap, and every
 * node without its exit under a lost row.
 */
static void check_with_gaps(const char *engine, const struct rows *c, const struct walk *w, int n,
			    int reused)
{
	long long gaps = rows_key(c, "reuse_gaps");

	cr_log_info("%s: %lld of %d reuses lost their place in the filter", engine, gaps, reused);
	cr_expect_geq(rows_count(c, CSV_LOST), gaps, "every gap is a lost row");
	cr_expect_leq(w->nodes, 1 + 2 * n, "no invented node: %d, at most %d", w->nodes, 1 + 2 * n);
	cr_expect_geq(w->nodes, 1 + 2 * n - gaps, "%d nodes, %d processes, %lld gaps", w->nodes,
		      1 + 2 * n, gaps);
	/* nothing lost in silence: every node without its exit is under a lost row */
	cr_expect_leq(w->no_exit, rows_count(c, CSV_LOST),
		      "%d nodes without their exit, %d lost rows (%lld gaps, #alive_gone "
		      "%lld, #foreign_events %lld, #unknown_tasks %lld)",
		      w->no_exit, rows_count(c, CSV_LOST), gaps, rows_key(c, "alive_gone"),
		      rows_key(c, "foreign_events"), rows_key(c, "unknown_tasks"));
}

/*
 * In start order the root's children are A, B, A, B...: each with its own
 * one child and its own exit code (A 2 and its child 1, B 4 and its child
 * 3), so two incarnations merged or swapped show.
 */
static void check_incarnations(const json_t *roots, const struct rows *c,
			       const struct incarnation *inc, int n)
{
	struct seen kids[4 * REUSES * 2 + 1];
	const json_t *root, *children, *kid;
	size_t i;

	root = json_array_get(roots, 0);
	cr_expect_eq(bpf_json_int(root, "pid", -1), c->root_pid);
	children = json_object_get(root, "children");
	cr_assert_eq(json_array_size(children), (size_t)n, "the root's children: %zu, want %d",
		     json_array_size(children), n);
	json_array_foreach(children, i, kid)
	{
		kids[i].node = kid;
		kids[i].start_ns = bpf_json_int(kid, "start_ns", -1);
	}
	qsort(kids, n, sizeof(kids[0]), by_start);
	for (int k = 0; k < n; k++) {
		const json_t *node = kids[k].node, *grand;
		bool is_b = k % 2;

		cr_assert_eq(inc[k].parent, c->root_pid);
		cr_assert_eq(bpf_json_int(node, "pid", -1), inc[k].self,
			     "child %d of the root: pid %lld, want %d", k,
			     bpf_json_int(node, "pid", -1), inc[k].self);
		cr_expect_eq(code_of(node), is_b ? 4 : 2, "pid %d (%s): exit code %lld",
			     inc[k].self, is_b ? "B" : "A", code_of(node));
		cr_assert_eq(json_array_size(json_object_get(node, "children")), 1,
			     "pid %d (%s) has its own one child, not %zu", inc[k].self,
			     is_b ? "B" : "A", json_array_size(json_object_get(node, "children")));
		grand = json_array_get(json_object_get(node, "children"), 0);
		cr_expect_eq(bpf_json_int(grand, "pid", -1), inc[k].child,
			     "pid %d (%s): child %lld, want %d", inc[k].self, is_b ? "B" : "A",
			     bpf_json_int(grand, "pid", -1), inc[k].child);
		cr_expect_eq(code_of(grand), is_b ? 3 : 1);
	}
}

static void reused_pids_are_distinct_nodes(const char *engine, bool gaps_ok)
{
	char csv[128], said[128];
	char *cmd[] = { WORKLOADS_DIR "/pidreuse", said, "50", NULL };
	struct incarnation inc[4 * REUSES * 2];
	struct walk w = { 0 };
	const json_t *roots;
	struct rows c;
	json_t *doc;
	int n = 0, reused = 0, st;

	snprintf(csv, sizeof(csv), "%s/reuse.csv", dir);
	snprintf(said, sizeof(said), "%s/said.txt", dir);
	st = bpf_record(engine, csv, NULL, cmd, 150);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "recorder status %#x (the workload exits 1 when it got fewer than %d reuses)", st,
		  REUSES);

	read_said(said, inc, (int)(sizeof(inc) / sizeof(inc[0])), &n);
	cr_assert_eq(n % 2, 0, "A and B in every round: %d lines", n);
	for (int k = 0; k + 1 < n; k += 2)
		reused += inc[k].self == inc[k + 1].self;
	cr_log_info("%d rounds, %d pids reused", n / 2, reused);
	cr_assert_geq(reused, REUSES);

	rows_load(csv, &c);
	cr_assert(c.has_trailer);
	cr_expect_eq(rows_count(&c, CSV_ALIVE), 0, "everything exited before the root");
	doc = bpf_json(csv);
	roots = json_object_get(doc, "roots");
	cr_assert_eq(json_array_size(roots), 1, "one tree");
	bpf_json_walk(roots, NULL, count_node, &w);
	cr_expect_eq(w.alive, 0, "%d nodes taken for alive", w.alive);
	if (gaps_ok) {
		check_with_gaps(engine, &c, &w, n, reused);
		json_decref(doc);
		rows_free(&c);
		return;
	}
	cr_expect_eq(c.lost_events, 0);
	cr_expect_eq(w.nodes, 1 + 2 * n, "every process is a node: %d, want %d", w.nodes,
		     1 + 2 * n);
	cr_expect_eq(w.no_exit, 0, "%d nodes without their exit", w.no_exit);

	check_incarnations(roots, &c, inc, n);
	json_decref(doc);
	rows_free(&c);
}

static void read_said(const char *said, struct incarnation *inc, int max, int *n)
{
	char line[128];
	FILE *fp = fopen(said, "r");

	cr_assert_not_null(fp, "%s: %s", said, strerror(errno));
	*n = 0;
	while (fgets(line, sizeof(line), fp) && *n < max) {
		cr_assert_eq(
			sscanf(line, "%d %d %d", &inc[*n].parent, &inc[*n].self, &inc[*n].child), 3,
			"%s: '%s'", said, line);
		(*n)++;
	}
	fclose(fp);
}

Test(pidreuse, bpf_inside, .timeout = 180)
{
	reused_pids_are_distinct_nodes("bpf", false);
}
Test(pidreuse, ptrace_inside, .timeout = 180)
{
	reused_pids_are_distinct_nodes("ptrace", false);
}
Test(pidreuse, tracecmd_inside, .timeout = 240)
{
	reused_pids_are_distinct_nodes("tracecmd", false);
}
Test(pidreuse, ftrace_inside, .timeout = 180)
{
	reused_pids_are_distinct_nodes("ftrace", true);
}

enum { OUTSIDERS = 20 };

/*
 * The workload frees a pid OUTSIDERS times (a child that exits at once,
 * reaped, its pid appended to @file) and pauses after each; meanwhile this
 * test takes each freed pid for a process of its own (ns_last_pid = pid - 1,
 * then a fork that execs /bin/echo OUTSIDER).  Returns how many outsiders
 * got a pid the workload had freed.
 */
static int take_freed_pids(pid_t rec, const char *file)
{
	int taken = 0, seen = 0;

	for (int waited = 0; seen < OUTSIDERS && waited < 30000; waited++) {
		char *text = slurp_or_empty(file);
		int lines = 0;
		long last = 0;

		for (char *p = text; p && *p;
		     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
			lines++;
			last = strtol(p, NULL, 10);
		}
		free(text);
		if (lines > seen && last > 1) {
			FILE *fp = fopen("/proc/sys/kernel/ns_last_pid", "w");
			pid_t pid;
			int st;

			seen = lines;
			cr_assert_not_null(fp, "ns_last_pid: %s", strerror(errno));
			fprintf(fp, "%ld", last - 1);
			fclose(fp);
			pid = fork();
			if (pid == 0) {
				int null = open("/dev/null", O_WRONLY);

				if (null >= 0)
					dup2(null, 1);
				execl("/bin/echo", "/bin/echo", "OUTSIDER", (char *)NULL);
				_exit(127);
			}
			taken += pid == (pid_t)last;
			waitpid(pid, &st, 0);
		}
		if (waitpid(rec, NULL, WNOHANG) == rec)
			break;
		ft_sleep_ms(1);
	}
	return taken;
}

static void outsider_not_recorded(const char *engine)
{
	char csv[128], freed[128], script[512];
	char *cmd[] = { "/bin/sh", "-c", script, NULL };
	struct rows c;
	pid_t rec;
	int taken, st;

	snprintf(csv, sizeof(csv), "%s/out-%s.csv", dir, engine);
	snprintf(freed, sizeof(freed), "%s/freed-%s.txt", dir, engine);
	snprintf(script, sizeof(script),
		 "i=0; while [ $i -lt %d ]; do /bin/true & p=$!; wait $p; echo $p >> '%s'; "
		 "/bin/sleep 0.2; i=$((i+1)); done",
		 OUTSIDERS, freed);
	/*
	 * Another process on the machine forking at the wrong moment takes the
	 * pid instead: on a busy machine a whole recording can miss; try again.
	 */
	for (int attempt = 0; attempt < 3; attempt++) {
		unlink(freed);
		rec = bpf_start(engine, csv, NULL, cmd, NULL);
		taken = take_freed_pids(rec, freed);
		st = bpf_wait(rec, 120);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: recorder status %#x", engine,
			  st);
		if (taken > 0)
			break;
	}
	cr_log_info("%s: %d of %d outsiders took a pid the workload freed", engine, taken,
		    OUTSIDERS);
	cr_expect_gt(taken, 0, "no outsider got a freed pid: the test did not test");
	rows_load(csv, &c);
	cr_assert(c.has_trailer);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *r = &c.rows[i];

		cr_expect(!(r->kind == CSV_EXEC && r->argv && r->argc > 1 &&
			    !strcmp(r->argv[1], "OUTSIDER")),
			  "%s recorded an outsider's exec (pid %d)", engine, r->pid);
		cr_expect(!(r->comm && !strcmp(r->comm, "echo")),
			  "%s: a row of the outsider echo (pid %d)", engine, r->pid);
	}
	cr_expect_eq(rows_count(&c, CSV_ALIVE), 0, "%s: nothing outlived the workload", engine);
	rows_free(&c);
}

Test(pidreuse, bpf_outside, .timeout = 180)
{
	outsider_not_recorded("bpf");
}
Test(pidreuse, ftrace_outside, .timeout = 180)
{
	outsider_not_recorded("ftrace");
}
Test(pidreuse, ptrace_outside, .timeout = 180)
{
	outsider_not_recorded("ptrace");
}
Test(pidreuse, tracecmd_outside, .timeout = 240)
{
	outsider_not_recorded("tracecmd");
}
