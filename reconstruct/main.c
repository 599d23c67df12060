// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct: rebuild the process trees from a proctree CSV.
 *
 *   proctree-reconstruct [--format text|json|csv] [--summary] [--window-ms N] FILE.csv
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "num.h"
#include "tree.h"

#define PROG "proctree-reconstruct"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROG " [--format text|json|csv] [--summary] [--window-ms N] FILE.csv\n"
		"  --format F     text (indented tree, default), json, or csv (one row per process)\n"
		"  --summary      totals and a per-command table instead of the tree\n"
		"                 (with --format json: the JSON document without \"roots\")\n"
		"  --window-ms N  reorder rows up to N ms out of time order (default %llu)\n"
		"FILE may be - for standard input.  See docs/reconstruct.md.\n",
		TREE_WINDOW_NS_DEFAULT / 1000000ull);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "summary", no_argument, NULL, 's' },
		{ "window-ms", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tree_opts topts = { 0 };
	const char *format = "text";
	struct csv_reader *r = NULL;
	struct tree *t = NULL;
	bool summary = false;
	int c, ret, status = 2, ms;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:sh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv")) {
				fprintf(stderr, PROG ": unknown format '%s' (use text, json or csv)\n",
					format);
				return 2;
			}
			break;
		case 's':
			summary = true;
			break;
		case 'w':
			if (num_parse_int(optarg, 0, 3600 * 1000, &ms) < 0) {
				fprintf(stderr, PROG ": --window-ms: %s\n", err_msg());
				return 2;
			}
			topts.window_ns = ms ? (uint64_t)ms * 1000000u : 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (optopt)
				fprintf(stderr, PROG ": option -%c: unknown or missing its value (see --help)\n",
					optopt);
			else
				fprintf(stderr, PROG ": unknown option '%s' (see --help)\n",
					argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, PROG ": %s (usage: " PROG " [--format text|json|csv] [--summary] FILE.csv)\n",
			argc - optind ? "one FILE.csv only" : "missing FILE.csv");
		return 2;
	}
	if (summary && !strcmp(format, "csv")) {
		fprintf(stderr, PROG ": --summary works with --format text or json\n");
		return 2;
	}
	r = csv_reader_open(argv[optind]);
	if (!r) {
		fprintf(stderr, PROG ": %s\n", err_msg());
		goto out;
	}
	t = tree_new(&topts);
	if (!t) {
		fprintf(stderr, PROG ": %s\n", err_msg());
		goto out;
	}
	ret = tree_read(t, r);
	if (ret < 0) {
		fprintf(stderr, PROG ": %s\n", err_msg());
		goto out;
	}
	if (ret > 0)
		fprintf(stderr, PROG ": warning: %s; skipped it, the tree uses every complete row\n",
			tree_truncation(t));
	if (!csv_reader_trailer(r)->present && !csv_reader_truncated(r))
		fprintf(stderr, PROG ": warning: %s: no #end trailer: the recording was cut short "
			"(recorder killed?); the tree uses every row present\n", argv[optind]);
	if (summary)
		ret = !strcmp(format, "json") ? tree_write_json_summary(t, stdout) :
						tree_write_summary(t, stdout);
	else if (!strcmp(format, "json"))
		ret = tree_write_json(t, stdout);
	else if (!strcmp(format, "csv"))
		ret = tree_write_csv(t, stdout);
	else
		ret = tree_write_text(t, stdout);
	if (fflush(stdout) != 0 || ret < 0) {
		fprintf(stderr, PROG ": writing the output: %s\n", ret < 0 ? err_msg() : "write error");
		status = 1;
		goto out;
	}
	status = 0;
out:
	tree_free(t);
	csv_reader_free(r);
	return status;
}
