// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct: rebuild the process trees from a proctree CSV.
 *
 *   proctree-reconstruct [--format text|json|csv|events|chrome|dot|svg] [--summary] [--window-ms N] FILE.csv
 *   views (docs/formats.md): --compact, --critical-path, --stats-by KEY,
 *   --max-depth N, --filter COMM, --reparent-edges, --max-rows N
 *   proctree-reconstruct --compare ... (compare_cli.c)
 *   proctree-reconstruct --diff A.csv B.csv (diff_cli.c)
 * The options are those of recon_options.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "csv.h"
#include "diff.h"
#include "err.h"
#include "num.h"
#include "recon_options.h"
#include "tree.h"

#define PROG "proctree-reconstruct"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: " PROG " [--format text|json|csv|events|chrome|dot|svg] [--summary] [--window-ms N] FILE.csv\n"
		"       " PROG " --compact|--critical-path|--stats-by comm|exe [OPTIONS] FILE.csv\n"
		"       " PROG " --compare [OPTIONS] A.csv B.csv [C.csv ...]\n"
		"       " PROG " --diff [OPTIONS] A.csv B.csv\n"
		"       " PROG " --help | --version\n"
		"Rebuild the process trees a proctree-record CSV holds (FILE may be - for\n"
		"standard input), or compare several recordings of one workload.\n"
		"\n"
		"Outputs:\n"
		"  --format F        text (indented tree, default), json, csv (one row per\n"
		"                    process), events (one row per fork/exec/exit, joined\n"
		"                    to csv by id), chrome (Chrome Trace Event JSON for the Perfetto\n"
		"                    UI or chrome://tracing), dot (Graphviz), svg (a timeline)\n"
		"  --summary         totals and a per-command table instead of the tree\n"
		"                    (with --format json: the JSON document without \"roots\")\n"
		"  --window-ms N     reorder rows up to N ms out of time order (default %llu)\n"
		"\n"
		"Views (text, one at a time):\n"
		"  --compact         the tree with identical sibling subtrees merged (N*[...])\n"
		"  --critical-path   the processes that bounded the root's wall time\n"
		"  --stats-by comm|exe\n"
		"                    per command: count, lifetimes, CPU time, failures\n"
		"  --max-depth N     --compact, dot, svg, chrome: down to depth N\n"
		"  --filter COMM     --compact, dot, svg, chrome: the subtrees running COMM\n"
		"                    (with their ancestors)\n"
		"  --reparent-edges  dot: dashed edges to the reported parent pid\n"
		"  --max-rows N      svg: draw at most N process rows (default 300)\n"
		"\n"
		"Comparing (--compare; its own --help says more):\n"
		"  --compare         match the processes of several recordings (the engines of\n"
		"                    one run, or two runs) and report what each file misses;\n"
		"                    exit status 0 when they agree, 1 when they differ\n"
		"  --format F        text (default) or json\n"
		"  --tolerance-ms N  how far apart two records of one process may be\n"
		"  --match M         pid, structure, or auto (default)\n"
		"  --limit N         text: at most N rows per table (default 50, 0 all)\n"
		"  --window-ms N     as above, for every file\n"
		"\n"
		"Two runs (--diff; its own --help says more):\n"
		"  --diff            what changed between two runs of a workload: processes\n"
		"                    matched by command and place, not pid; those in one run\n"
		"                    only, changed exit statuses, time per command and process;\n"
		"                    exit status 0 same shape and statuses, 1 they differ\n"
		"  --threshold PCT   hide time changes under PCT percent (default %d) ...\n"
		"  --threshold-ms N  ... or under N ms (default %d)\n"
		"  --diff-raw        compare command lines byte for byte (no normalisation)\n"
		"  --format F, --limit N, --window-ms N  as for --compare\n"
		"\n"
		"  -h, --help        this text\n"
		"  --version         the version, and the git revision it was built from\n"
		"\n"
		"Exit status: 0, 1 when the output cannot be written (--compare, --diff: the\n"
		"trees differ), 2 on bad input or a usage error.\n"
		"See proctree-reconstruct(1) and proctree-csv(5).\n",
		TREE_WINDOW_NS_DEFAULT / 1000000ull, DIFF_THRESHOLD_PCT_DEFAULT,
		DIFF_THRESHOLD_MS_DEFAULT);
}

int main(int argc, char **argv)
{
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
		else if (!strcmp(argv[i], "--diff"))
			return diff_main(argc, argv);
	while ((c = cli_getopt(argc, argv, RECON_SHORTOPTS, recon_longopts)) != -1) {
		switch (c) {
		case RECON_OPT_FORMAT:
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv") &&
			    strcmp(format, "events") &&
			    strcmp(format, "chrome") && strcmp(format, "dot") && strcmp(format, "svg")) {
				cli_bad_value("--format", format, "text, json, csv, events, chrome, dot, svg");
				goto usage_error;
			}
			break;
		case RECON_OPT_SUMMARY:
			summary = true;
			break;
		case RECON_OPT_WINDOW:
			if (num_parse_int(optarg, 0, 3600 * 1000, &ms) < 0) {
				err_prefix("--window-ms: ");
				goto usage_error;
			}
			topts.window_ns = ms ? (uint64_t)ms * 1000000u : 1;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 ? 0 : 1;
		case RECON_OPT_VERSION: {
			char line[256];

			printf("%s\n", cli_version_line(line, sizeof(line), PROG));
			return fflush(stdout) == 0 ? 0 : 1;
		}
		case RECON_OPT_COMPARE:
			/* an abbreviation (--compa): the whole command line is --compare's */
			return compare_main(argc, argv);
		case RECON_OPT_DIFF:
			/* likewise: an abbreviation of --diff */
			return diff_main(argc, argv);
		case RECON_OPT_COMPACT:
		case RECON_OPT_CRITICAL:
		case RECON_OPT_STATS_BY:
			if (view != V_NONE) {
				err_set("use one of --compact, --critical-path, --stats-by");
				goto usage_error;
			}
			view = c == RECON_OPT_COMPACT ? V_COMPACT :
			       c == RECON_OPT_CRITICAL ? V_CRITICAL : V_STATS;
			if (c == RECON_OPT_STATS_BY && !strcmp(optarg, "exe")) {
				stats_key = TREE_STATS_EXE;
			} else if (c == RECON_OPT_STATS_BY && strcmp(optarg, "comm")) {
				cli_bad_value("--stats-by", optarg, "comm, exe");
				goto usage_error;
			}
			break;
		case RECON_OPT_MAX_DEPTH:
			if (num_parse_int(optarg, 0, 1000000000, &vopts.max_depth) < 0) {
				err_prefix("--max-depth: ");
				goto usage_error;
			}
			break;
		case RECON_OPT_FILTER:
			if (!*optarg) {
				err_set("--filter: empty command name");
				goto usage_error;
			}
			vopts.filter = optarg;
			break;
		case RECON_OPT_REPARENT:
			vopts.reparent_edges = true;
			break;
		case RECON_OPT_MAX_ROWS:
			if (num_parse_int(optarg, 1, 1000000, &rows) < 0) {
				err_prefix("--max-rows: ");
				goto usage_error;
			}
			vopts.max_rows = (unsigned)rows;
			break;
		default: /* '?': cli_getopt() said what */
			goto usage_error;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, PROG ": %s (usage: " PROG " [OPTIONS] FILE.csv; see --help)\n",
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
	else if (!strcmp(format, "events"))
		ret = tree_write_events(t, stdout);
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

usage_error:
	fprintf(stderr, PROG ": %s\n", err_msg());
	return 2;
}
