// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: arbitrary bytes through the strict reader, the tree
 * builder, every output format, every view, --compare and --diff.
 *
 * The input is one CSV, or two split at the first NUL byte (a byte no valid
 * CSV holds, so splitting loses nothing a file could mean): the two are
 * compared and diffed.  A single CSV is compared and diffed with itself,
 * which must agree.
 *
 * A small reorder window makes late rows and fork_late adoption reachable
 * with the tiny timestamps fuzzers produce.  The view options (--max-depth,
 * --filter, --reparent-edges, --max-rows) and the --compare options come
 * from a hash of the input, so the fuzzer explores them too; each view also
 * runs with everything shown.  Outputs go to /dev/null, except the JSON
 * ones (the tree, its summary, Chrome's trace, the compare report), which
 * must parse (checked for one input in four, see check_json()).  Built with PROCTREE_ANC_CHECK, fork_late's ancestor check
 * (reconstruct/tree/tree_anc.c) is compared with a plain walk on every call.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csv.h"
#include "diff.h"
#include "tree.h"

static FILE *devnull;

/* FNV-1a: the options of this input */
static uint64_t input_hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	return h;
}

typedef int (*json_writer)(void *ctx, FILE *fp);

/* parse the JSON outputs of this input back? */
static bool parse_json;

/*
 * The writer's output must be one valid JSON document (when it succeeded).
 * Parsing builds the whole document: with it every time, jansson's
 * allocations were most of the target's time, so one input in four (by
 * its hash, so a crash reproduces) is checked and the rest only written.
 */
static void check_json(const char *what, json_writer fn, void *ctx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *ms;
	json_error_t err;
	json_t *doc;
	int ret;

	if (!parse_json) {
		fn(ctx, devnull);
		return;
	}
	ms = open_memstream(&buf, &len);
	if (!ms)
		return;
	ret = fn(ctx, ms);
	fclose(ms);
	if (ret == 0) {
		doc = json_loadb(buf, len, 0, &err);
		if (!doc) {
			fprintf(stderr, "invalid %s output: %s at %d:%d\n", what, err.text,
				err.line, err.column);
			abort();
		}
		json_decref(doc);
	}
	free(buf);
}

struct tree_ctx {
	const struct tree *t;
	const struct tree_view_opts *o;
};

static int json_tree(void *ctx, FILE *fp)
{
	return tree_write_json(((struct tree_ctx *)ctx)->t, fp);
}

static int json_summary(void *ctx, FILE *fp)
{
	return tree_write_json_summary(((struct tree_ctx *)ctx)->t, fp);
}

static int json_chrome(void *ctx, FILE *fp)
{
	struct tree_ctx *c = ctx;

	return tree_write_chrome(c->t, c->o, fp);
}

static int json_compare(void *ctx, FILE *fp)
{
	return cmp_write_json(ctx, fp);
}

/* the views, with @o (options from the input) */
static void write_views(const struct tree *t, const struct tree_view_opts *o)
{
	struct tree_ctx c = { t, o };

	check_json("chrome", json_chrome, &c);
	tree_write_dot(t, o, devnull);
	tree_write_svg(t, o, devnull);
	tree_write_compact(t, o, devnull);
}

static void write_tree(const struct tree *t, uint64_t h)
{
	static const char *const filters[] = { "sh", "x", "cc", "a", "" };
	struct tree_view_opts all = { .max_depth = -1 };
	struct tree_view_opts o = {
		.max_depth = (h & 3) ? -1 : (int)((h >> 2) % 5),
		.filter = (h >> 5) & 1 ? filters[(h >> 6) % 5] : NULL,
		.reparent_edges = (h >> 9) & 1,
		.max_rows = (h >> 10) & 1 ? 1 + (unsigned)((h >> 11) % 20) : 0,
	};
	struct tree_ctx c = { t, &all };

	tree_write_text(t, devnull);
	tree_write_csv(t, devnull);
	tree_write_summary(t, devnull);
	check_json("JSON", json_tree, &c);
	check_json("JSON summary", json_summary, &c);
	tree_write_critical_path(t, devnull);
	tree_write_stats_by(t, TREE_STATS_COMM, devnull);
	tree_write_stats_by(t, TREE_STATS_EXE, devnull);
	write_views(t, &all);
	if (o.filter && !*o.filter)
		o.filter = NULL;
	write_views(t, &o);
}

/* --compare of @a and @b (@same: one input, which must agree with itself) */
static void compare(const char *a, size_t alen, const char *b, size_t blen, uint64_t h, bool same)
{
	static const enum cmp_match matches[] = { CMP_MATCH_AUTO, CMP_MATCH_PID,
						  CMP_MATCH_STRUCTURE };
	struct cmp_opts o = {
		.tolerance_ns = (h >> 16) & 1 ? 1 + (h >> 17) % 1000 : 0,
		.match = matches[(h >> 27) % 3],
		.window_ns = 1 + ((h >> 29) & 0xff),
	};
	struct cmp *c = cmp_new(&o);

	if (!c)
		return;
	if (cmp_add_mem(c, "a", a, alen) >= 0 && cmp_add_mem(c, "b", b, blen) >= 0 &&
	    cmp_run(c) == 0) {
		if (same && cmp_differs(c)) {
			fprintf(stderr, "a file differs from itself:\n");
			cmp_write_text(c, stderr, 0);
			abort();
		}
		cmp_write_text(c, devnull, (h >> 37) & 1 ? 0 : 1 + (h >> 38) % 5);
		check_json("compare JSON", json_compare, c);
	}
	cmp_free(c);
}

static int json_diff(void *ctx, FILE *fp)
{
	return diff_write_json(ctx, fp, 0);
}

/* --diff of @a and @b (@same: one input, which must be the same as itself) */
static void diff(const char *a, size_t alen, const char *b, size_t blen, uint64_t h, bool same)
{
	struct diff_opts o;
	struct diff_counts c;
	struct diff *d;

	diff_opts_init(&o);
	o.raw = (h >> 45) & 1;
	o.threshold_pct = (h >> 46) & 1 ? 0 : (unsigned)((h >> 47) % 50);
	o.threshold_ns = (h >> 53) & 1 ? 0 : 1 + (h >> 54) % 1000;
	o.window_ns = 1 + ((h >> 29) & 0xff);
	d = diff_new(&o);
	if (!d)
		return;
	if (diff_add_mem(d, "a", a, alen) >= 0 && diff_add_mem(d, "b", b, blen) >= 0 &&
	    diff_run(d) == 0) {
		if (same && diff_differs(d)) {
			fprintf(stderr, "a file differs from itself:\n");
			diff_write_text(d, stderr, 0);
			abort();
		}
		diff_get_counts(d, &c);
		/* no process vanishes: each is matched or in one run only */
		if (c.matched + c.only_a != c.processes_a ||
		    c.matched + c.only_b != c.processes_b) {
			fprintf(stderr,
				"diff lost processes: %llu matched, %llu/%llu only in A/B, "
				"%llu/%llu processes\n",
				(unsigned long long)c.matched, (unsigned long long)c.only_a,
				(unsigned long long)c.only_b, (unsigned long long)c.processes_a,
				(unsigned long long)c.processes_b);
			abort();
		}
		diff_write_text(d, devnull, (h >> 37) & 1 ? 0 : 1 + (h >> 38) % 5);
		check_json("diff JSON", json_diff, d);
	}
	diff_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t alen = nul ? (size_t)(nul - data) : size;
	uint64_t h = input_hash(data, size);
	struct tree_opts opts = { .window_ns = 1 + (size & 0xff) };
	struct csv_reader *r;
	struct tree *t;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	parse_json = ((h >> 40) & 3) == 0;
	r = csv_reader_new_mem("fuzz", (const char *)data, alen);
	if (r) {
		t = tree_new(&opts);
		if (t && tree_read(t, r) >= 0)
			write_tree(t, h);
		tree_free(t);
		csv_reader_free(r);
	}
	if (nul) {
		compare((const char *)data, alen, (const char *)nul + 1, size - alen - 1, h, false);
		diff((const char *)data, alen, (const char *)nul + 1, size - alen - 1, h, false);
	} else {
		compare((const char *)data, size, (const char *)data, size, h, true);
		diff((const char *)data, size, (const char *)data, size, h, true);
	}
	return 0;
}
