// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct --diff A.csv B.csv: the command line.
 * Exit status, like diff(1): 0 same shape, commands and exit statuses, 1
 * they differ, 2 bad input or usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "err.h"
#include "num.h"
#include "recon_options.h"

#define PROG "proctree-reconstruct"

static void usage(FILE *fp)
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

int diff_main(int argc, char **argv)
{
	struct diff_opts o;
	const char *format = "text";
	struct diff *d = NULL;
	int ch, status = 2, v;
	uint64_t limit = 50;
	const char *w;

	diff_opts_init(&o);
	optind = 0; /* main() may have begun parsing: start afresh */
	while ((ch = cli_getopt(argc, argv, RECON_SHORTOPTS, recon_diff_longopts)) != -1) {
		switch (ch) {
		case RECON_OPT_DIFF:
			break;
		case RECON_OPT_FORMAT:
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "json")) {
				fprintf(stderr, PROG ": --diff: invalid argument '%s' for '--format' "
					"(valid: text, json)\n", format);
				return 2;
			}
			break;
		case RECON_OPT_THRESHOLD:
			if (num_parse_int(optarg, 0, 1000000, &v) < 0) {
				fprintf(stderr, PROG ": --threshold: %s\n", err_msg());
				return 2;
			}
			o.threshold_pct = (unsigned)v;
			break;
		case RECON_OPT_THRESHOLD_MS:
			if (num_parse_int(optarg, 0, 24 * 3600 * 1000, &v) < 0) {
				fprintf(stderr, PROG ": --threshold-ms: %s\n", err_msg());
				return 2;
			}
			o.threshold_ns = (uint64_t)v * 1000000u;
			break;
		case RECON_OPT_DIFF_RAW:
			o.raw = true;
			break;
		case RECON_OPT_LIMIT:
			if (num_parse_size(optarg, UINT64_MAX, &limit) < 0) {
				fprintf(stderr, PROG ": --limit: %s\n", err_msg());
				return 2;
			}
			break;
		case RECON_OPT_WINDOW:
			if (num_parse_int(optarg, 0, 3600 * 1000, &v) < 0) {
				fprintf(stderr, PROG ": --window-ms: %s\n", err_msg());
				return 2;
			}
			o.window_ns = v ? (uint64_t)v * 1000000u : 1;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 ? 0 : 1;
		case RECON_OPT_VERSION: {
			char line[256];

			printf("%s\n", cli_version_line(line, sizeof(line), PROG));
			return fflush(stdout) == 0 ? 0 : 1;
		}
		default: /* '?': cli_getopt() said what */
			fprintf(stderr, PROG ": --diff: %s\n", err_msg());
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, PROG ": --diff needs two files (usage: " PROG
			" --diff A.csv B.csv; see --diff --help)\n");
		return 2;
	}
	d = diff_new(&o);
	if (!d) {
		fprintf(stderr, PROG ": %s\n", err_msg());
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (diff_add_file(d, argv[i]) < 0) {
			fprintf(stderr, PROG ": %s\n", err_msg());
			goto out;
		}
	}
	if (diff_run(d) < 0) {
		fprintf(stderr, PROG ": %s\n", err_msg());
		goto out;
	}
	w = diff_warnings(d);
	for (const char *p = w; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(stderr, PROG ": warning: %.*s\n", len, p);
		p += len + (nl != NULL);
	}
	if ((!strcmp(format, "json") ? diff_write_json(d, stdout, limit) :
				       diff_write_text(d, stdout, limit)) < 0 ||
	    fflush(stdout) != 0) {
		fprintf(stderr, PROG ": writing the report: %s\n", err_msg());
		goto out;
	}
	status = diff_differs(d) ? 1 : 0;
out:
	diff_free(d);
	return status;
}
