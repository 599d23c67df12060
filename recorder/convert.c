// SPDX-License-Identifier: MIT
/*
 * proctree-record --convert FILE.dat [-o FILE.csv] [--root PID]: convert a
 * .dat the user recorded with trace-cmd (with -C mono and the sched/task
 * events) into the proctree CSV.  Without --root every process is kept.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "err.h"
#include "num.h"
#include "tracecmd_convert.h"

bool convert_requested(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "--convert") || !strncmp(argv[i], "--convert=", 10))
			return true;
	}
	return false;
}

static void convert_usage(FILE *fp)
{
	fprintf(fp, "usage: proctree-record --convert FILE.dat [-o FILE.csv] [--root PID] [-q]\n");
}

/* "run.dat" -> "run.csv" */
static char *csv_beside(const char *dat)
{
	const char *slash = strrchr(dat, '/'), *dot = strrchr(dat, '.');
	size_t base = dot && (!slash || dot > slash) ? (size_t)(dot - dat) : strlen(dat);
	char *p;

	if (asprintf(&p, "%.*s.csv", (int)base, dat) < 0)
		return NULL;
	return p;
}

int convert_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "convert", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tcconv_opts o = { 0 };
	struct tcconv_stats st;
	const char *dat = NULL, *out = NULL;
	char *def_out = NULL;
	bool quiet = false;
	int c, root = 0, ret = 1;

	/* a closed output pipe is a write error to report, not a death */
	signal(SIGPIPE, SIG_IGN);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': dat = optarg; break;
		case 'o': out = optarg; break;
		case 'r':
			if (num_parse_int(optarg, 1, INT32_MAX, &root) < 0) {
				fprintf(stderr, "proctree-record: --root: %s\n", err_msg());
				return 2;
			}
			break;
		case 'q': quiet = true; break;
		case 'h': convert_usage(stdout); return 0;
		default: convert_usage(stderr); return 2;
		}
	}
	if (!dat || optind < argc) {
		fprintf(stderr, "proctree-record: %s\n", !dat ? "--convert needs a .dat file" :
			"--convert takes no command (usage: proctree-record --convert FILE.dat "
			"[-o FILE.csv] [--root PID])");
		return 2;
	}
	if (!out) {
		def_out = csv_beside(dat);
		if (!def_out) {
			fprintf(stderr, "proctree-record: out of memory\n");
			return 1;
		}
		out = def_out;
	}
	o.root = root;
	if (tcconv_convert(dat, out, &o, &st) < 0) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		goto out;
	}
	if (!quiet)
		fprintf(stderr,
			"proctree-record: converted %s: %" PRIu64 " trace records, %" PRIu64
			" processes, %" PRIu64 " rows, %" PRIu64 " lost events; wrote %s\n",
			dat, st.records, st.procs, st.events, st.lost,
			strcmp(out, "-") ? out : "standard output");
	ret = 0;
out:
	free(def_out);
	return ret;
}
