// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct --compare A.csv B.csv [C.csv ...] and --diff A.csv
 * B.csv: the command lines.  What the two share is parsed once
 * (shared_option, recon_report_main); each mode in the table below adds its
 * own options, its usage text and its run.
 * Exit status: 0 the recordings agree, 1 they differ, 2 bad input or usage.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "diff.h"
#include "err.h"
#include "num.h"
#include "recon_options.h"
#include "recon_report.h"

#define PROG "proctree-reconstruct"

/**
 * struct report_cmdline - a report mode's command line, as parsed
 * @json: --format json (else text)
 * @limit: --limit: rows per table or section, 0 all
 * @window_ns: --window-ms, 0 the tree builder's default
 * @cmp: --compare's own options
 * @diff: --diff's own options
 */
struct report_cmdline {
	bool json;
	uint64_t limit;
	uint64_t window_ns;
	struct cmp_opts cmp;
	struct diff_opts diff;
};

/**
 * struct report_mode - one report mode
 * @flag: its option word, "--compare"
 * @opt: its getopt value
 * @longopts: every option it takes (recon_options.h)
 * @min_files: how many files it needs ...
 * @max_files: ... and takes
 * @files_error: what to say when the number of files is not that
 * @usage: its --help text
 * @init: its own options' defaults (NULL: all zero)
 * @option: take one of its own options: 1, 0 when @opt is not one, -1 with
 *          err_msg() on a bad value
 * @run: the report of @n files; the exit status
 */
struct report_mode {
	const char *flag;
	int opt;
	const struct option *longopts;
	int min_files, max_files;
	const char *files_error;
	void (*usage)(FILE *fp);
	void (*init)(struct report_cmdline *rc);
	int (*option)(struct report_cmdline *rc, int opt, const char *value);
	int (*run)(const struct report_cmdline *rc, char *const *files, int n);
};

/* the warnings of a finished report, one line each */
static void print_warnings(const char *w)
{
	for (const char *p = w; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(stderr, PROG ": warning: %.*s\n", len, p);
		p += len + (nl != NULL);
	}
}

/* a report could not be written: the exit status */
static int write_failed(void)
{
	fprintf(stderr, PROG ": writing the report: %s\n", err_msg());
	return 2;
}

/* ---- --compare ---- */

static void compare_usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROG " --compare [--format text|json] [--tolerance-ms N]\n"
		"       [--match auto|pid|structure] [--limit N] [--window-ms N] A.csv B.csv [C.csv ...]\n"
		"  Match the processes of several recordings (the engines of one run, or two\n"
		"  runs of one workload) and report what each file misses relative to the others.\n"
		"  --format F        text (tables and dropped subtrees, default) or json\n"
		"  --tolerance-ms N  how far apart two records of one process may be (default %llu)\n"
		"  --match M         pid: same run, by pid and time; structure: separate runs;\n"
		"                    auto (default): pid when the files record the same run\n"
		"  --limit N         text: at most N rows per table and subtree lines (default 50,\n"
		"                    0 all)\n"
		"  --window-ms N     the tree builder's reorder window (see --help without --compare)\n"
		"  -h, --help        this text\n"
		"  --version         the version, and the git revision it was built from\n"
		"Exit status: 0 the trees agree, 1 they differ, 2 bad input.\n"
		"See proctree-reconstruct(1) and proctree-csv(5).\n",
		CMP_TOLERANCE_NS_DEFAULT / 1000000ull);
}

static int compare_option(struct report_cmdline *rc, int opt, const char *value)
{
	int ms;

	switch (opt) {
	case RECON_OPT_TOLERANCE:
		if (num_parse_int(value, 0, 3600 * 1000, &ms) < 0) {
			err_prefix("--tolerance-ms: ");
			return -1;
		}
		rc->cmp.tolerance_ns = ms ? (uint64_t)ms * 1000000u : 1;
		return 1;
	case RECON_OPT_MATCH:
		if (!strcmp(value, "auto"))
			rc->cmp.match = CMP_MATCH_AUTO;
		else if (!strcmp(value, "pid"))
			rc->cmp.match = CMP_MATCH_PID;
		else if (!strcmp(value, "structure"))
			rc->cmp.match = CMP_MATCH_STRUCTURE;
		else
			return cli_bad_value("--match", value, "auto, pid, structure");
		return 1;
	}
	return 0;
}

static int compare_run(const struct report_cmdline *rc, char *const *files, int n)
{
	struct cmp_opts o = rc->cmp;
	struct cmp *c;
	int status = 2;

	o.window_ns = rc->window_ns;
	c = cmp_new(&o);
	if (!c)
		goto bad_input;
	for (int i = 0; i < n; i++)
		if (cmp_add_file(c, files[i]) < 0)
			goto bad_input;
	if (cmp_run(c) < 0)
		goto bad_input;
	print_warnings(cmp_warnings(c));
	if ((rc->json ? cmp_write_json(c, stdout) : cmp_write_text(c, stdout, rc->limit)) < 0 ||
	    fflush(stdout) != 0)
		status = write_failed();
	else
		status = cmp_differs(c) ? 1 : 0;
	cmp_free(c);
	return status;

bad_input:
	fprintf(stderr, PROG ": %s\n", err_msg());
	cmp_free(c);
	return 2;
}

/* ---- --diff ---- */

static void diff_usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROG " --diff [--format text|json] [--threshold PCT] [--threshold-ms N]\n"
		"       [--diff-raw] [--limit N] [--window-ms N] A.csv B.csv\n"
		"  What changed between two runs of one workload.  Processes are matched by\n"
		"  what they are, not by pid: the command (temporary names, pids and addresses\n"
		"  inside arguments normalised), the place in the tree and the occurrence among\n"
		"  identical siblings.  Reports the processes in one run only (with their\n"
		"  subtrees), changed exit statuses and commands, the totals, and per command\n"
		"  and per process the count, wall and CPU time in A and B, largest change first.\n"
		"  --format F        text (default) or json\n"
		"  --threshold PCT   hide time changes smaller than PCT percent of A (default %d)\n"
		"  --threshold-ms N  ... or smaller than N ms (default %d); 0 and 0 show all\n"
		"  --diff-raw        compare command lines byte for byte (no normalisation)\n"
		"  --limit N         at most N rows per section (default 50, 0 all); json: the\n"
		"                    per-process list only\n"
		"  --window-ms N     the tree builder's reorder window (see --help without --diff)\n"
		"  -h, --help        this text\n"
		"  --version         the version, and the git revision it was built from\n"
		"Exit status: 0 same shape, commands and exit statuses, 1 they differ, 2 bad input.\n"
		"See proctree-reconstruct(1) and proctree-csv(5).\n",
		DIFF_THRESHOLD_PCT_DEFAULT, DIFF_THRESHOLD_MS_DEFAULT);
}

static void diff_init(struct report_cmdline *rc)
{
	diff_opts_init(&rc->diff);
}

static int diff_option(struct report_cmdline *rc, int opt, const char *value)
{
	int v;

	switch (opt) {
	case RECON_OPT_THRESHOLD:
		if (num_parse_int(value, 0, 1000000, &v) < 0) {
			err_prefix("--threshold: ");
			return -1;
		}
		rc->diff.threshold_pct = (unsigned)v;
		return 1;
	case RECON_OPT_THRESHOLD_MS:
		if (num_parse_int(value, 0, 24 * 3600 * 1000, &v) < 0) {
			err_prefix("--threshold-ms: ");
			return -1;
		}
		rc->diff.threshold_ns = (uint64_t)v * 1000000u;
		return 1;
	case RECON_OPT_DIFF_RAW: rc->diff.raw = true; return 1;
	}
	return 0;
}

static int diff_run_files(const struct report_cmdline *rc, char *const *files, int n)
{
	struct diff_opts o = rc->diff;
	struct diff *d;
	int status;

	o.window_ns = rc->window_ns;
	d = diff_new(&o);
	if (!d)
		goto bad_input;
	for (int i = 0; i < n; i++)
		if (diff_add_file(d, files[i]) < 0)
			goto bad_input;
	if (diff_run(d) < 0)
		goto bad_input;
	print_warnings(diff_warnings(d));
	if ((rc->json ? diff_write_json(d, stdout, rc->limit)
		      : diff_write_text(d, stdout, rc->limit)) < 0 ||
	    fflush(stdout) != 0)
		status = write_failed();
	else
		status = diff_differs(d) ? 1 : 0;
	diff_free(d);
	return status;

bad_input:
	fprintf(stderr, PROG ": %s\n", err_msg());
	diff_free(d);
	return 2;
}

/* clang-format off */
static const struct report_mode modes[] = {
	{ .flag = "--compare", .opt = RECON_OPT_COMPARE, .longopts = recon_compare_longopts,
	  .min_files = 2, .max_files = INT_MAX,
	  .files_error = "--compare needs at least two files (usage: " PROG
			 " --compare A.csv B.csv [C.csv ...])",
	  .usage = compare_usage, .option = compare_option, .run = compare_run },
	{ .flag = "--diff", .opt = RECON_OPT_DIFF, .longopts = recon_diff_longopts,
	  .min_files = 2, .max_files = 2,
	  .files_error = "--diff needs two files (usage: " PROG
			 " --diff A.csv B.csv; see --diff --help)",
	  .usage = diff_usage, .init = diff_init, .option = diff_option, .run = diff_run_files },
};
/* clang-format on */

/* ---- what the modes share ---- */

/* the mode whose option word is @flag, or whose getopt value is @opt; NULL */
static const struct report_mode *find_mode(const char *flag, int opt)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (flag ? !strcmp(flag, modes[i].flag) : opt == modes[i].opt)
			return &modes[i];
	return NULL;
}

int recon_report_opt(const char *arg)
{
	const struct report_mode *m = find_mode(arg, 0);

	return m ? m->opt : 0;
}

int recon_window_ms(const char *value, uint64_t *window_ns)
{
	int ms;

	if (num_parse_int(value, 0, 3600 * 1000, &ms) < 0) {
		err_prefix("--window-ms: ");
		return -1;
	}
	/* 0 ms is a window of 1 ns: a 0 in tree_opts would mean the default */
	*window_ns = ms ? (uint64_t)ms * 1000000u : 1;
	return 0;
}

int recon_version(void)
{
	char line[256];

	printf("%s\n", cli_version_line(line, sizeof(line), PROG));
	return fflush(stdout) == 0 ? 0 : 1;
}

/* the options every mode takes: 1 taken, 0 not one of them, -1 with err_msg() */
static int shared_option(const struct report_mode *m, struct report_cmdline *rc, int opt,
			 const char *value)
{
	switch (opt) {
	case RECON_OPT_FORMAT:
		if (strcmp(value, "text") && strcmp(value, "json")) {
			cli_bad_value("--format", value, "text, json");
			err_prefix("%s: ", m->flag);
			return -1;
		}
		rc->json = !strcmp(value, "json");
		return 1;
	case RECON_OPT_LIMIT:
		if (num_parse_size(value, UINT64_MAX, &rc->limit) < 0) {
			err_prefix("--limit: ");
			return -1;
		}
		return 1;
	case RECON_OPT_WINDOW: return recon_window_ms(value, &rc->window_ns) < 0 ? -1 : 1;
	case '?': /* cli_getopt() said what */ err_prefix("%s: ", m->flag); return -1;
	}
	return opt == m->opt;
}

int recon_report_main(int opt, int argc, char **argv)
{
	const struct report_mode *m = find_mode(NULL, opt);
	struct report_cmdline rc = { .limit = 50 };
	int ch, n;

	if (!m)
		return 2; /* not a mode of this table: a caller's bug */
	if (m->init)
		m->init(&rc);
	optind = 0; /* main() may have begun parsing: start afresh */
	while ((ch = cli_getopt(argc, argv, RECON_SHORTOPTS, m->longopts)) != -1) {
		int took;

		if (ch == 'h') {
			m->usage(stdout);
			return fflush(stdout) == 0 ? 0 : 1;
		}
		if (ch == RECON_OPT_VERSION)
			return recon_version();
		took = shared_option(m, &rc, ch, optarg);
		if (took == 0)
			took = m->option(&rc, ch, optarg);
		if (took <= 0) {
			/* 0: in the mode's table but taken by no one, a bug of this file */
			fprintf(stderr, PROG ": %s\n", took < 0 ? err_msg() : "unhandled option");
			return 2;
		}
	}
	n = argc - optind;
	if (n < m->min_files || n > m->max_files) {
		fprintf(stderr, PROG ": %s\n", m->files_error);
		return 2;
	}
	return m->run(&rc, argv + optind, n);
}
