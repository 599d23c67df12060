// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct: rebuild the process trees from a proctree CSV.
 *
 *   proctree-reconstruct [--format F] [modifiers] FILE.csv
 *   proctree-reconstruct --compact|--critical-path|--stats-by KEY [modifiers] FILE.csv
 *   proctree-reconstruct --compare ... and --diff A.csv B.csv (recon_report.c)
 * The outputs, the modifiers each accepts and the check of their
 * combinations are recon_outputs.c's table; the other options are
 * recon_options.h's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "diff.h"
#include "err.h"
#include "recon_options.h"
#include "recon_outputs.h"
#include "recon_report.h"
#include "tree.h"

#define PROG "proctree-reconstruct"

static void usage(FILE *fp)
{
	fputs("usage: " PROG " [--format ", fp);
	recon_help_synopsis(fp, RECON_FORMAT);
	fputs("] [--summary] [--window-ms N] FILE.csv\n"
	      "       " PROG " ",
	      fp);
	recon_help_synopsis(fp, RECON_VIEW);
	fputs(" [OPTIONS] FILE.csv\n"
	      "       " PROG " --compare [OPTIONS] A.csv B.csv [C.csv ...]\n"
	      "       " PROG " --diff [OPTIONS] A.csv B.csv\n"
	      "       " PROG " --help | --version\n"
	      "Rebuild the process trees a proctree-record CSV holds (FILE may be - for\n"
	      "standard input), or compare several recordings of one workload.\n"
	      "\n",
	      fp);
	recon_help_outputs(fp);
	fprintf(fp,
		"\n"
		"Reading (every output):\n"
		"  --window-ms N     reorder rows up to N ms out of time order (default %llu)\n"
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

/*
 * The command line of the tree outputs into @cl and @topts: 0, 1 when it
 * was --help or --version (*@status says how that went), -1 with err_msg()
 * on a usage error.  --compare and --diff (or an abbreviation of either)
 * hand the whole command line over to their mode: 1 too.
 */
static int parse(int argc, char **argv, struct recon_cmdline *cl, struct tree_opts *topts,
		 int *status)
{
	int c, ret;

	while ((c = cli_getopt(argc, argv, RECON_SHORTOPTS, recon_longopts())) != -1) {
		switch (c) {
		case RECON_OPT_WINDOW:
			if (recon_window_ms(optarg, &topts->window_ns) < 0)
				return -1;
			break;
		case 'h':
			usage(stdout);
			*status = fflush(stdout) == 0 ? 0 : 1;
			return 1;
		case RECON_OPT_VERSION: *status = recon_version(); return 1;
		case RECON_OPT_COMPARE:
		case RECON_OPT_DIFF:
			/* an abbreviation (--compa): the whole command line is the mode's */
			*status = recon_report_main(c, argc, argv);
			return 1;
		case '?': /* cli_getopt() said what */ return -1;
		default:
			ret = recon_cmdline_option(cl, c, optarg);
			if (ret == 0) /* in recon_longopts() but taken by no one: a bug */
				err_set("option %d is not handled", c);
			if (ret <= 0)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct tree_opts topts = { 0 };
	struct recon_cmdline cl;
	const struct recon_output *out;
	struct csv_reader *r = NULL;
	struct tree *t = NULL;
	int ret, status = 2;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (recon_report_opt(argv[i]))
			return recon_report_main(recon_report_opt(argv[i]), argc, argv);
	recon_cmdline_init(&cl);
	ret = parse(argc, argv, &cl, &topts, &status);
	if (ret > 0)
		return status;
	if (ret < 0 || recon_check(&cl) < 0) {
		fprintf(stderr, PROG ": %s\n", err_msg());
		return 2;
	}
	if (argc - optind != 1) {
		fprintf(stderr, PROG ": %s (usage: " PROG " [OPTIONS] FILE.csv; see --help)\n",
			argc - optind ? "one FILE.csv only" : "missing FILE.csv");
		return 2;
	}
	out = recon_output_of(&cl);
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
		fprintf(stderr,
			PROG ": warning: %s; skipped it, the tree uses every complete row\n",
			tree_truncation(t));
	/* a file that ends inside a row (disk full, recorder killed) was cut short too */
	if (!csv_reader_trailer(r)->present)
		fprintf(stderr,
			PROG ": warning: %s: no #end trailer: the recording was cut short "
			     "(recorder killed? disk full?); the tree uses every row present\n",
			argv[optind]);
	ret = out->write(t, &cl.args, stdout);
	if (fflush(stdout) != 0 || ret < 0) {
		fprintf(stderr, PROG ": %s%s\n",
			out->fails_on_input && ret < 0 ? "" : "writing the output: ",
			ret < 0 ? err_msg() : "write error");
		status = 1;
		goto out;
	}
	status = 0;
out:
	tree_free(t);
	csv_reader_free(r);
	return status;
}
