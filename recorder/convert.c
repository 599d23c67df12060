// SPDX-License-Identifier: MIT
/*
 * proctree-record --convert FILE.dat [-o FILE.csv] [--root PID]: convert a
 * .dat the user recorded with trace-cmd (with -C mono and the sched/task
 * events) into the proctree CSV.  Without --root every process is kept.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "err.h"
#include "recorder.h"
#include "tracecmd_convert.h"

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

int convert_main(const struct rec_opts *ro)
{
	struct tcconv_opts o = { 0 };
	struct tcconv_stats st;
	const char *dat = ro->convert, *out = ro->out_given ? ro->out : NULL;
	char *def_out = NULL;
	int ret = 1;

	/* a closed output pipe is a write error to report, not a death */
	signal(SIGPIPE, SIG_IGN);
	if (!out) {
		def_out = csv_beside(dat);
		if (!def_out) {
			fprintf(stderr, "proctree-record: out of memory\n");
			return 1;
		}
		out = def_out;
	}
	o.root = ro->root;
	if (tcconv_convert(dat, out, &o, &st) < 0) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		goto out;
	}
	if (!ro->quiet)
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
