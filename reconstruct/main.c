// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct: rebuild the process trees from a proctree CSV.
 *
 *   proctree-reconstruct [--format text|json|csv|chrome|dot|svg] [--summary] [--window-ms N] FILE.csv
 *   views (docs/formats.md): --compact, --critical-path, --stats-by KEY,
 *   --max-depth N, --filter COMM, --reparent-edges, --max-rows N
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "csv.h"
#include "err.h"
#include "num.h"
#include "tree.h"

#define PROG "proctree-reconstruct"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROG " [--format text|json|csv|chrome|dot|svg] [--summary] [--window-ms N] FILE.csv\n"
		"       " PROG " --compact|--critical-path|--stats-by comm|exe [OPTIONS] FILE.csv\n"
		"  --format F     text (indented tree, default), json, or csv (one row per process)\n"
		"  --summary      totals and a per-command table instead of the tree\n"
		"                 (with --format json: the JSON document without \"roots\")\n"
		"  --window-ms N  reorder rows up to N ms out of time order (default %llu)\n"
		"  --format chrome  Chrome Trace Event JSON (Perfetto UI, chrome://tracing)\n"
		"  --format dot   Graphviz graph;  --format svg  timeline picture\n"
		"  --compact      text tree with identical sibling subtrees merged (N*[...])\n"
		"  --max-depth N  --filter COMM  limit --compact, dot, svg and chrome to depth N /\n"
		"                 to the subtrees running COMM (with their ancestors)\n"
		"  --reparent-edges  dot: dashed edges to the reported parent pid\n"
		"  --max-rows N   svg: draw at most N process rows (default 300)\n"
		"  --critical-path   the processes that bounded the root's wall time\n"
		"  --stats-by comm|exe  per command: count, lifetimes, CPU time, failures\n"
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
		{ "compact", no_argument, NULL, 'C' },
		{ "max-depth", required_argument, NULL, 'D' },
		{ "filter", required_argument, NULL, 'F' },
		{ "reparent-edges", no_argument, NULL, 'R' },
		{ "max-rows", required_argument, NULL, 'M' },
		{ "critical-path", no_argument, NULL, 'P' },
		{ "stats-by", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct tree_opts topts = { 0 };
	const char *format = "text";
	struct csv_reader *r = NULL;
	struct tree *t = NULL;
	bool summary = false;
	struct tree_view_opts vopts = { .max_depth = -1 };
	enum { V_NONE, V_COMPACT, V_CRITICAL, V_STATS } view = V_NONE;
	enum tree_stats_key stats_key = TREE_STATS_COMM;
	int rows;
	int c, ret, status = 2, ms;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--compare"))
			return compare_main(argc, argv);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:sh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv") &&
			    strcmp(format, "chrome") && strcmp(format, "dot") && strcmp(format, "svg")) {
				fprintf(stderr, PROG ": unknown format '%s' (use text, json, csv, chrome, dot or svg)\n",
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
		case 'C':
		case 'P':
		case 'S':
			if (view != V_NONE) {
				fprintf(stderr, PROG ": use one of --compact, --critical-path, --stats-by\n");
				return 2;
			}
			view = c == 'C' ? V_COMPACT : c == 'P' ? V_CRITICAL : V_STATS;
			if (c == 'S' && !strcmp(optarg, "exe")) {
				stats_key = TREE_STATS_EXE;
			} else if (c == 'S' && strcmp(optarg, "comm")) {
				fprintf(stderr, PROG ": --stats-by: unknown key '%s' (use comm or exe)\n",
					optarg);
				return 2;
			}
			break;
		case 'D':
			if (num_parse_int(optarg, 0, 1000000000, &vopts.max_depth) < 0) {
				fprintf(stderr, PROG ": --max-depth: %s\n", err_msg());
				return 2;
			}
			break;
		case 'F':
			if (!*optarg) {
				fprintf(stderr, PROG ": --filter: empty command name\n");
				return 2;
			}
			vopts.filter = optarg;
			break;
		case 'R':
			vopts.reparent_edges = true;
			break;
		case 'M':
			if (num_parse_int(optarg, 1, 1000000, &rows) < 0) {
				fprintf(stderr, PROG ": --max-rows: %s\n", err_msg());
				return 2;
			}
			vopts.max_rows = (unsigned)rows;
			break;
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
	if (summary && strcmp(format, "text") && strcmp(format, "json")) {
		fprintf(stderr, PROG ": --summary works with --format text or json\n");
		return 2;
	}
	if (view != V_NONE && (summary || strcmp(format, "text"))) {
		fprintf(stderr, PROG ": --compact, --critical-path and --stats-by are text views: "
			"drop --summary and --format\n");
		return 2;
	}
	if ((vopts.max_depth >= 0 || vopts.filter) && view != V_COMPACT &&
	    strcmp(format, "dot") && strcmp(format, "svg") && strcmp(format, "chrome")) {
		fprintf(stderr, PROG ": --max-depth and --filter work with --compact, --format dot, "
			"svg or chrome\n");
		return 2;
	}
	if (vopts.reparent_edges && strcmp(format, "dot")) {
		fprintf(stderr, PROG ": --reparent-edges works with --format dot\n");
		return 2;
	}
	if (vopts.max_rows && strcmp(format, "svg")) {
		fprintf(stderr, PROG ": --max-rows works with --format svg\n");
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
	/* a file that ends inside a row (disk full, recorder killed) was cut short too */
	if (!csv_reader_trailer(r)->present)
		fprintf(stderr, PROG ": warning: %s: no #end trailer: the recording was cut short "
			"(recorder killed? disk full?); the tree uses every row present\n", argv[optind]);
	if (view == V_COMPACT)
		ret = tree_write_compact(t, &vopts, stdout);
	else if (view == V_CRITICAL)
		ret = tree_write_critical_path(t, stdout);
	else if (view == V_STATS)
		ret = tree_write_stats_by(t, stats_key, stdout);
	else if (!strcmp(format, "chrome"))
		ret = tree_write_chrome(t, &vopts, stdout);
	else if (!strcmp(format, "dot"))
		ret = tree_write_dot(t, &vopts, stdout);
	else if (!strcmp(format, "svg"))
		ret = tree_write_svg(t, &vopts, stdout);
	else if (summary)
		ret = !strcmp(format, "json") ? tree_write_json_summary(t, stdout) :
						tree_write_summary(t, stdout);
	else if (!strcmp(format, "json"))
		ret = tree_write_json(t, stdout);
	else if (!strcmp(format, "csv"))
		ret = tree_write_csv(t, stdout);
	else
		ret = tree_write_text(t, stdout);
	if (fflush(stdout) != 0 || ret < 0) {
		/* --critical-path also fails on a tree without its root: not a write error */
		fprintf(stderr, PROG ": %s%s\n", view == V_CRITICAL && ret < 0 ? "" :
			"writing the output: ", ret < 0 ? err_msg() : "write error");
		status = 1;
		goto out;
	}
	status = 0;
out:
	tree_free(t);
	csv_reader_free(r);
	return status;
}
