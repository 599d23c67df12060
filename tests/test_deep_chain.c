// SPDX-License-Identifier: MIT
/*
 * Depth: a chain of 20,000 nested processes through the builder, every
 * output and view, and --compare (issue 14, finding 6).
 *
 * Each child's first row is stamped 1 ns before the fork row that created
 * it (a skewed CPU clock), so every node is first fork_lost and then adopted
 * (fork_late): the adoption's cycle check used to walk the whole ancestor
 * chain.  In the "kids" variant the adopted node already has a child, so
 * the check cannot take its shortcut (reconstruct/tree/tree_anc.c).
 *
 * No timing asserts.  What fails:
 *  - recursion: everything runs on a thread with a 512 KiB stack, which a
 *    recursion 20,000 deep overflows (a crash);
 *  - quadratic output: each output must stay under 1000 bytes per process
 *    (the text tree indented two spaces per level averaged 20 KB a line);
 *  - the tree must be the chain: depth, fork_late on every child, nothing
 *    lost or orphaned.
 * scripts/bench-reconstruct --deep-chain measures the 1M-deep case.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "csv.h"
#include "err.h"
#include "tree.h"

#define DEPTH 20000
#define STACK_SIZE (512 * 1024)
#define MAX_BYTES_PER_PROCESS 1000

#define HEADER                                                                         \
	"kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,group,code," \
	"signal,count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,child_comm,filename,argv\n"

/* the CSV of scripts/gen-bench-csv --deep-chain (or --deep-chain-kids) DEPTH */
static char *gen_chain(int depth, bool kids, size_t *len)
{
	uint64_t t = 5000000000ull;
	char *buf = NULL;
	FILE *ms = open_memstream(&buf, len);

	cr_assert_not_null(ms);
	fprintf(ms,
		"#proctree-csv,1\n#engine,synthetic\n#root_pid,1000\n#start_mono_ns,%llu\n" HEADER
		"exec,%llu,0,1000,1000,1,,,,,,,,,,,,,sh,,/bin/sh,\"sh,deep\"\n",
		(unsigned long long)t, (unsigned long long)t);
	for (int i = 1; i <= depth; i++) {
		int parent = 999 + i, child = 1000 + i, leaf = 2000000 + i;

		t += 1000;
		if (kids) {
			fprintf(ms, "fork,%llu,1,%d,%d,,%d,%d,0,,,,,,,,,,sh,sh,,\n",
				(unsigned long long)t - 1, child, child, leaf, leaf);
			fprintf(ms, "fork,%llu,0,%d,%d,,%d,%d,0,,,,,,,,,,sh,sh,,\n",
				(unsigned long long)t, parent, parent, child, child);
			fprintf(ms, "exec,%llu,1,%d,%d,%d,,,,,,,,,,,,,true,,/bin/true,true\n",
				(unsigned long long)t + 1, leaf, leaf, child);
			fprintf(ms, "exit,%llu,1,%d,%d,%d,,,,,1,0,,,,,,,true,,,\n",
				(unsigned long long)t + 2, leaf, leaf, child);
		} else {
			fprintf(ms,
				"exec,%llu,1,%d,%d,%d,,,,,,,,,,,,,sh,,/bin/sh,\"sh,-c,deeper\"\n",
				(unsigned long long)t - 1, child, child, parent);
			fprintf(ms, "fork,%llu,0,%d,%d,,%d,%d,0,,,,,,,,,,sh,sh,,\n",
				(unsigned long long)t, parent, parent, child, child);
		}
	}
	for (int i = depth; i >= 0; i--) {
		t += 1000;
		fprintf(ms, "exit,%llu,0,%d,%d,%d,,,,,1,0,,,,,,,sh,,,\n", (unsigned long long)t,
			1000 + i, 1000 + i, i ? 999 + i : 1);
	}
	fprintf(ms, "#end\n");
	cr_assert_eq(fclose(ms), 0);
	return buf;
}

/* run fn(arg) on a thread with a small stack: a deep recursion crashes */
static void on_small_stack(void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t th;

	cr_assert_eq(pthread_attr_init(&attr), 0);
	cr_assert_eq(pthread_attr_setstacksize(&attr, STACK_SIZE), 0);
	cr_assert_eq(pthread_create(&th, &attr, fn, arg), 0);
	cr_assert_eq(pthread_join(th, NULL), 0);
	pthread_attr_destroy(&attr);
}

struct job {
	const char *csv;
	size_t csv_len;
	struct tree *t;
	const char *what; /* the output that failed, for the message */
	char *err;
	size_t size[16]; /* bytes of each output, in outputs[] order */
	char *text_tail; /* the text tree's last line */
};

static void *build(void *arg)
{
	struct job *j = arg;
	struct csv_reader *r = csv_reader_new_mem("deep", j->csv, j->csv_len);

	if (!r)
		return NULL;
	j->t = tree_new(NULL);
	if (j->t && tree_read(j->t, r) != 0) {
		j->err = strdup(err_msg());
		tree_free(j->t);
		j->t = NULL;
	}
	csv_reader_free(r);
	return NULL;
}

enum {
	O_TEXT,
	O_JSON,
	O_JSON_SUMMARY,
	O_CSV,
	O_SUMMARY,
	O_CHROME,
	O_DOT,
	O_SVG,
	O_SVG_ALL,
	O_COMPACT,
	O_COMPACT_FILTER,
	O_CRITICAL,
	O_STATS_COMM,
	O_STATS_EXE,
	O_COUNT
};

static const char *const outputs[O_COUNT] = {
	"text",
	"json",
	"json --summary",
	"csv",
	"--summary",
	"chrome",
	"dot",
	"svg",
	"svg --max-rows 1000000",
	"--compact",
	"--compact --filter sh",
	"--critical-path",
	"--stats-by comm",
	"--stats-by exe",
};

static int write_one(const struct tree *t, int o, FILE *fp)
{
	struct tree_view_opts all = { .max_depth = -1 };
	struct tree_view_opts rows = { .max_depth = -1, .max_rows = 1000000 };
	struct tree_view_opts sh = { .max_depth = -1, .filter = "sh" };

	switch (o) {
	case O_TEXT: return tree_write_text(t, fp);
	case O_JSON: return tree_write_json(t, fp);
	case O_JSON_SUMMARY: return tree_write_json_summary(t, fp);
	case O_CSV: return tree_write_csv(t, fp);
	case O_SUMMARY: return tree_write_summary(t, fp);
	case O_CHROME: return tree_write_chrome(t, &all, fp);
	case O_DOT:
		return tree_write_dot(
			t, &(struct tree_view_opts){ .max_depth = -1, .reparent_edges = true }, fp);
	case O_SVG: return tree_write_svg(t, &all, fp);
	case O_SVG_ALL: return tree_write_svg(t, &rows, fp);
	case O_COMPACT: return tree_write_compact(t, &all, fp);
	case O_COMPACT_FILTER: return tree_write_compact(t, &sh, fp);
	case O_CRITICAL: return tree_write_critical_path(t, fp);
	case O_STATS_COMM: return tree_write_stats_by(t, TREE_STATS_COMM, fp);
	case O_STATS_EXE: return tree_write_stats_by(t, TREE_STATS_EXE, fp);
	}
	return -1;
}

static void *write_all(void *arg)
{
	struct job *j = arg;

	for (int o = 0; o < O_COUNT; o++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *ms = open_memstream(&buf, &len);

		if (!ms || write_one(j->t, o, ms) < 0) {
			j->what = outputs[o];
			j->err = strdup(err_msg());
			if (ms)
				fclose(ms);
			free(buf);
			return NULL;
		}
		fclose(ms);
		j->size[o] = len;
		if (o == O_TEXT && len > 1) {
			char *nl = memrchr(buf, '\n', len - 1);

			j->text_tail = strdup(nl ? nl + 1 : buf);
		}
		free(buf);
	}
	return NULL;
}

static void check_chain(bool kids)
{
	struct job j = { 0 };
	struct tree_summary s;
	char *csv = gen_chain(DEPTH, kids, &j.csv_len);
	uint64_t processes = DEPTH + 1 + (kids ? DEPTH : 0);
	char want[64];

	j.csv = csv;
	on_small_stack(build, &j);
	cr_assert_not_null(j.t, "building the tree: %s", j.err ? j.err : "out of memory");
	tree_summary(j.t, &s);
	cr_assert_eq(s.processes, processes);
	cr_assert_eq(s.max_depth, (uint64_t)DEPTH + (kids ? 1 : 0));
	cr_assert_eq(s.fork_late, (uint64_t)DEPTH, "every chain child adopted by its fork row");
	cr_assert_eq(s.fork_lost, 0);
	cr_assert_eq(s.orphans, 0);

	on_small_stack(write_all, &j);
	cr_assert_null(j.what, "%s: %s", j.what, j.err);
	for (int o = 0; o < O_COUNT; o++) {
		cr_assert_gt(j.size[o], 0, "%s wrote nothing", outputs[o]);
		cr_assert_leq(j.size[o], MAX_BYTES_PER_PROCESS * processes,
			      "%s: %zu bytes for %llu processes", outputs[o], j.size[o],
			      (unsigned long long)processes);
	}
	/* the deepest line: indentation capped, its depth written out */
	snprintf(want, sizeof(want), "[depth %d] ", DEPTH + (kids ? 1 : 0));
	cr_assert_not_null(j.text_tail);
	cr_assert_not_null(strstr(j.text_tail, want), "last line: %s", j.text_tail);
	cr_assert_eq(strspn(j.text_tail, " "), 128, "indentation capped at 64 levels");
	free(j.text_tail);
	free(j.err);
	tree_free(j.t);
	free(csv);
}

Test(deep_chain, every_output)
{
	check_chain(false);
}

Test(deep_chain, every_output_adopted_with_children)
{
	check_chain(true);
}

struct cjob {
	const char *a, *b;
	bool differs;
	uint64_t missing;
	size_t text_len, json_len;
	char *err;
};

static void *compare(void *arg)
{
	struct cjob *j = arg;
	struct cmp *c = cmp_new(NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *ms;

	if (!c || cmp_add_file(c, j->a) < 0 || cmp_add_file(c, j->b) < 0 || cmp_run(c) < 0)
		goto error;
	j->differs = cmp_differs(c);
	j->missing = cmp_count(c, 1, CMP_NODE_MISSING);
	ms = open_memstream(&buf, &len);
	if (!ms || cmp_write_text(c, ms, 0) < 0 || fclose(ms))
		goto error;
	j->text_len = len;
	free(buf);
	buf = NULL;
	ms = open_memstream(&buf, &len);
	if (!ms || cmp_write_json(c, ms) < 0 || fclose(ms))
		goto error;
	j->json_len = len;
	free(buf);
	cmp_free(c);
	return NULL;
error:
	j->err = strdup(err_msg());
	free(buf);
	cmp_free(c);
	return NULL;
}

static void write_file(char *path, const char *data, size_t len)
{
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* the chain against itself agrees; against half of it, the lower half is one dropped subtree */
Test(deep_chain, compare)
{
	char a[] = "/tmp/proctree-deep-a-XXXXXX", b[] = "/tmp/proctree-deep-b-XXXXXX";
	size_t alen, blen;
	char *ca = gen_chain(DEPTH, false, &alen), *cb = gen_chain(DEPTH / 2, false, &blen);
	struct cjob same = { .a = a, .b = a }, half = { .a = a, .b = b };

	write_file(a, ca, alen);
	write_file(b, cb, blen);
	on_small_stack(compare, &same);
	on_small_stack(compare, &half);
	unlink(a);
	unlink(b);
	free(ca);
	free(cb);
	cr_assert_null(same.err, "%s", same.err);
	cr_assert_null(half.err, "%s", half.err);
	cr_assert(!same.differs);
	cr_assert(half.differs);
	cr_assert_eq(half.missing, DEPTH / 2);
	cr_assert_leq(half.text_len, (size_t)MAX_BYTES_PER_PROCESS * DEPTH);
	cr_assert_leq(half.json_len, (size_t)MAX_BYTES_PER_PROCESS * DEPTH);
}
