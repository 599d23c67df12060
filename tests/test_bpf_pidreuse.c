// SPDX-License-Identifier: MIT
/*
 * The bpf engine and a pid taken again microseconds after its process was
 * reaped (tests/workloads/pidreuse: ns_last_pid set to the dead pid - 1
 * right before a fork, 50 times).  The kernel side follows the workload by
 * tgid and the leader's start time, so each incarnation must be its own
 * node in the rebuilt tree, with its own child and its own exit, and none
 * may be taken for alive.
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
	bpf_tmpdir(dir, sizeof(dir));
}

/* also after a failed assertion: the suite's fini runs whatever happened */
static void teardown(void)
{
	if (dir[0])
		bpf_rmdir(dir);
}

TestSuite(bpf_pidreuse, .init = setup, .fini = teardown);

/* One line of the workload's own account: ROOT SELF CHILD. */
struct incarnation {
	int parent, self, child;
};

struct seen {
	const json_t *node;   /* the root's child node, in start order */
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

Test(bpf_pidreuse, reused_pids_are_distinct_nodes, .timeout = 180)
{
	char csv[128], said[128], line[128];
	char *cmd[] = { WORKLOADS_DIR "/pidreuse", said, "50", NULL };
	struct incarnation inc[4 * REUSES * 2];
	struct seen kids[4 * REUSES * 2 + 1];
	struct walk w = { 0 };
	const json_t *roots, *root, *children, *kid;
	struct ft_csv c;
	json_t *doc;
	FILE *fp;
	size_t i;
	int n = 0, reused = 0, st;

	snprintf(csv, sizeof(csv), "%s/reuse.csv", dir);
	snprintf(said, sizeof(said), "%s/said.txt", dir);
	st = bpf_record("bpf", csv, NULL, cmd, 150);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "recorder status %#x (the workload exits 1 when it got fewer than %d reuses)", st,
		  REUSES);

	fp = fopen(said, "r");
	cr_assert_not_null(fp, "%s: %s", said, strerror(errno));
	while (fgets(line, sizeof(line), fp) && n < (int)(sizeof(inc) / sizeof(inc[0]))) {
		cr_assert_eq(sscanf(line, "%d %d %d", &inc[n].parent, &inc[n].self, &inc[n].child), 3,
			     "%s: '%s'", said, line);
		n++;
	}
	fclose(fp);
	cr_assert_eq(n % 2, 0, "A and B in every round: %d lines", n);
	for (int k = 0; k + 1 < n; k += 2)
		reused += inc[k].self == inc[k + 1].self;
	cr_log_info("%d rounds, %d pids reused", n / 2, reused);
	cr_assert_geq(reused, REUSES);

	ft_load(csv, &c);
	cr_assert(c.has_trailer);
	cr_expect_eq(c.lost_events, 0);
	cr_expect_eq(ft_count(&c, CSV_ALIVE), 0, "everything exited before the root");
	cr_expect_eq(ft_key(&c, "processes"), 1 + 2 * n, "#processes");

	doc = bpf_json(csv);
	roots = json_object_get(doc, "roots");
	cr_assert_eq(json_array_size(roots), 1, "one tree");
	bpf_json_walk(roots, NULL, count_node, &w);
	cr_expect_eq(w.nodes, 1 + 2 * n, "every process is a node: %d, want %d", w.nodes, 1 + 2 * n);
	cr_expect_eq(w.alive, 0, "%d nodes taken for alive", w.alive);
	cr_expect_eq(w.no_exit, 0, "%d nodes without their exit", w.no_exit);

	root = json_array_get(roots, 0);
	cr_expect_eq(bpf_json_int(root, "pid", -1), c.root_pid);
	children = json_object_get(root, "children");
	cr_assert_eq(json_array_size(children), (size_t)n, "the root's children: %zu, want %d",
		     json_array_size(children), n);
	json_array_foreach(children, i, kid) {
		kids[i].node = kid;
		kids[i].start_ns = bpf_json_int(kid, "start_ns", -1);
	}
	qsort(kids, n, sizeof(kids[0]), by_start);
	/*
	 * In start order the root's children are A, B, A, B...: each with its
	 * own one child and its own exit code (A 2 and its child 1, B 4 and
	 * its child 3), so two incarnations merged or swapped show.
	 */
	for (int k = 0; k < n; k++) {
		const json_t *node = kids[k].node, *grand;
		bool is_b = k % 2;

		cr_assert_eq(inc[k].parent, c.root_pid);
		cr_assert_eq(bpf_json_int(node, "pid", -1), inc[k].self,
			     "child %d of the root: pid %lld, want %d", k,
			     bpf_json_int(node, "pid", -1), inc[k].self);
		cr_expect_eq(code_of(node), is_b ? 4 : 2, "pid %d (%s): exit code %lld", inc[k].self,
			     is_b ? "B" : "A", code_of(node));
		cr_assert_eq(json_array_size(json_object_get(node, "children")), 1,
			     "pid %d (%s) has its own one child, not %zu", inc[k].self,
			     is_b ? "B" : "A", json_array_size(json_object_get(node, "children")));
		grand = json_array_get(json_object_get(node, "children"), 0);
		cr_expect_eq(bpf_json_int(grand, "pid", -1), inc[k].child,
			     "pid %d (%s): child %lld, want %d", inc[k].self, is_b ? "B" : "A",
			     bpf_json_int(grand, "pid", -1), inc[k].child);
		cr_expect_eq(code_of(grand), is_b ? 3 : 1);
	}
	json_decref(doc);
	ft_free(&c);
}
