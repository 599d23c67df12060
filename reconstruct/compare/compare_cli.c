// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct --compare A.csv B.csv [C.csv ...]: the command line.
 * Exit status: 0 the trees agree, 1 they differ, 2 bad input or usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "err.h"
#include "num.h"
#include "recon_options.h"
#include "tree.h"

#define PROG "proctree-reconstruct"

static void usage(FILE *fp)
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

int compare_main(int argc, char **argv)
{
	struct cmp_opts o = { 0 };
	const char *format = "text";
	struct cmp *c = NULL;
	int ch, status = 2, ms;
	uint64_t limit = 50;
	const char *w;

	optind = 0; /* main() may have begun parsing: start afresh */
	while ((ch = cli_getopt(argc, argv, RECON_SHORTOPTS, recon_compare_longopts)) != -1) {
		switch (ch) {
		case RECON_OPT_COMPARE:
			break;
		case RECON_OPT_FORMAT:
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "json")) {
				fprintf(stderr, PROG ": --compare: invalid argument '%s' for '--format' "
					"(valid: text, json)\n", format);
				return 2;
			}
			break;
		case RECON_OPT_TOLERANCE:
			if (num_parse_int(optarg, 0, 3600 * 1000, &ms) < 0) {
				fprintf(stderr, PROG ": --tolerance-ms: %s\n", err_msg());
				return 2;
			}
			o.tolerance_ns = ms ? (uint64_t)ms * 1000000u : 1;
			break;
		case RECON_OPT_MATCH:
			if (!strcmp(optarg, "auto")) {
				o.match = CMP_MATCH_AUTO;
			} else if (!strcmp(optarg, "pid")) {
				o.match = CMP_MATCH_PID;
			} else if (!strcmp(optarg, "structure")) {
				o.match = CMP_MATCH_STRUCTURE;
			} else {
				fprintf(stderr, PROG ": invalid argument '%s' for '--match' (valid: auto, "
					"pid, structure)\n", optarg);
				return 2;
			}
			break;
		case RECON_OPT_LIMIT:
			if (num_parse_size(optarg, UINT64_MAX, &limit) < 0) {
				fprintf(stderr, PROG ": --limit: %s\n", err_msg());
				return 2;
			}
			break;
		case RECON_OPT_WINDOW:
			if (num_parse_int(optarg, 0, 3600 * 1000, &ms) < 0) {
				fprintf(stderr, PROG ": --window-ms: %s\n", err_msg());
				return 2;
			}
			o.window_ns = ms ? (uint64_t)ms * 1000000u : 1;
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
			fprintf(stderr, PROG ": --compare: %s\n", err_msg());
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, PROG ": --compare needs at least two files (usage: " PROG
			" --compare A.csv B.csv [C.csv ...])\n");
		return 2;
	}
	c = cmp_new(&o);
	if (!c) {
		fprintf(stderr, PROG ": %s\n", err_msg());
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		if (cmp_add_file(c, argv[i]) < 0) {
			fprintf(stderr, PROG ": %s\n", err_msg());
			goto out;
		}
	}
	if (cmp_run(c) < 0) {
		fprintf(stderr, PROG ": %s\n", err_msg());
		goto out;
	}
	w = cmp_warnings(c);
	for (const char *p = w; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(stderr, PROG ": warning: %.*s\n", len, p);
		p += len + (nl != NULL);
	}
	if ((!strcmp(format, "json") ? cmp_write_json(c, stdout) : cmp_write_text(c, stdout, limit)) < 0 ||
	    fflush(stdout) != 0) {
		fprintf(stderr, PROG ": writing the report: %s\n", err_msg());
		goto out;
	}
	status = cmp_differs(c) ? 1 : 0;
out:
	cmp_free(c);
	return status;
}
