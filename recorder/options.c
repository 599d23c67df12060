// SPDX-License-Identifier: MIT
/* proctree-record's command line. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "num.h"
#include "rec_options.h"
#include "recorder.h"

void rec_usage(FILE *fp)
{
	const struct engine_ops *const *all = engine_all();

	fprintf(fp,
		"usage: proctree-record [OPTIONS] -- COMMAND [ARGS...]\n"
		"       proctree-record [OPTIONS] -p PID\n"
		"       proctree-record --convert FILE.dat [-o FILE.csv] [--root PID] [-q]\n"
		"       proctree-record --help | --version\n"
		"Run COMMAND, record the process tree it creates into a CSV, and exit\n"
		"with COMMAND's exit status (128+N when it died of signal N).  With -p,\n"
		"join process PID, already running, and record it and its descendants\n"
		"until it exits or SIGINT, then exit 0.  With --convert, turn a trace-cmd\n"
		"recording into that CSV instead.\n"
		"\n"
		"Exit status: COMMAND's; 125 when COMMAND ran but a recording failed or is\n"
		"incomplete (e.g. the disk filled up), whatever COMMAND's status (which the\n"
		"summary line gives); 1 when the recorder failed before COMMAND ran (nothing\n"
		"ran); 2 on a usage error; 126/127 when COMMAND cannot be run or found;\n"
		"128+N when a second signal N stopped recording.\n"
		"\n"
		"Recording:\n"
		"  -e, --processtree-engine NAME[,NAME...]\n"
		"                        engines to record with (default: auto, the first of\n"
		"                        bpf, ftrace, ptrace that works here); several\n"
		"                        write one CSV each (run.bpf.csv, run.ptrace.csv);\n"
		"                        'none' runs COMMAND without recording\n"
		"  -o, --output FILE     the CSV (default: proctree.csv); '-' is standard output\n"
		"                        (one engine; COMMAND's standard output then goes to\n"
		"                        standard error). Never written through a symlink\n"
		"                        or onto another user's file\n"
		"      --wait-all        record until every descendant has exited, not only\n"
		"                        COMMAND (as strace -f does)\n"
		"  -u, --user USER       run COMMAND as USER (the recorder keeps its privilege)\n"
		"  -p, --pid PID         instead of COMMAND, follow PID, already running, and\n"
		"                        every descendant it has or creates, until it exits\n"
		"                        (with --wait-all: they all do) or until SIGINT, which\n"
		"                        detaches and leaves them running; those found running\n"
		"                        are marked existing (start unknown). bpf, ftrace and\n"
		"                        ptrace can; exit 0, 1 if it could not be joined\n"
		"      --buffer-size N   per-CPU trace buffer in KiB, or with a K/M/G suffix\n"
		"                        (default: ftrace the kernel's, at least 1M per 50 ms\n"
		"                        of read interval; tracecmd 4M); bpf: its one ring\n"
		"                        buffer, rounded up to a power of two (default 16M)\n"
		"      --read-interval MS\n"
		"                        ftrace: while events flow, read them every MS ms\n"
		"                        (default 50); shorter reads the argv of more\n"
		"                        short-lived processes, at more cost to the workload;\n"
		"                        bpf: empty the ring buffer every MS ms (default 100)\n"
		"      --progress        show the live status line even on a terminal COMMAND\n"
		"                        writes to: drawn on its last line, which a scroll\n"
		"                        region keeps out of COMMAND's output (also with -q)\n"
		"      --no-progress     never show it.  By default it is shown only where\n"
		"                        COMMAND's output cannot go: on the controlling\n"
		"                        terminal when COMMAND's standard output and error\n"
		"                        both go elsewhere (a file, a pipe)\n"
		"  -q, --quiet           no status line (unless --progress), no summary\n"
		"\n"
		"Converting:\n"
		"      --convert FILE.dat\n"
		"                        convert a .dat made with trace-cmd record -C mono\n"
		"                        -e sched -e task:task_newtask into the CSV (-o FILE,\n"
		"                        '-' for standard output; default: FILE.csv beside it)\n"
		"      --root PID        keep only PID and its descendants (default: every\n"
		"                        process in the .dat)\n"
		"\n"
		"  -h, --help            this text\n"
		"      --version         the version, and the git revision it was built from\n"
		"\n"
		"Engines:\n");
	for (int i = 0; all[i]; i++)
		fprintf(fp, "  %-10s %s\n", all[i]->name, all[i]->help ? all[i]->help : "");
	fprintf(fp, "  %-10s %s\n", "auto",
		"bpf where it loads, else ftrace, else ptrace (default)");
	fprintf(fp, "  %-10s %s\n", "none", "no recording (for comparisons)");
	fprintf(fp, "\nSee proctree-record(1) and proctree-csv(5).\n");
}

static int add_engines(struct rec_opts *o, const char *list)
{
	char *copy = strdup(list), *save = NULL, *name;
	bool any = false;

	if (!copy) {
		err_set("out of memory");
		return -1;
	}
	o->nengines = 0;
	o->auto_engine = false;
	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct engine_ops *ops;
		bool dup = false;

		any = true;
		if (!strcmp(name, "none"))
			continue;
		if (!strcmp(name, "auto")) {
			o->auto_engine = true;
			continue;
		}
		ops = engine_find(name);
		if (!ops) {
			err_set("unknown engine '%s' (known: auto, %s, none)", name,
				engine_names());
			free(copy);
			return -1;
		}
		for (int i = 0; i < o->nengines; i++)
			dup |= o->engines[i] == ops;
		if (!dup && o->nengines < REC_MAX_ENGINES)
			o->engines[o->nengines++] = ops;
	}
	free(copy);
	if (o->auto_engine && o->nengines) {
		err_set("'auto' chooses one engine: it cannot be listed with others");
		return -1;
	}
	if (o->auto_engine)
		o->nengines = 1; /* its engine is chosen when it is set up */
	if (!any) {
		err_set("--processtree-engine needs a name (known: auto, %s, none)",
			engine_names());
		return -1;
	}
	return 0;
}

/* "512" is KiB; "512K", "8M", "1G" carry their unit. */
static int parse_buffer_size(const char *s, uint64_t *kb)
{
	size_t len = strlen(s);
	uint64_t v;

	if (len && isalpha((unsigned char)s[len - 1])) {
		if (num_parse_size(s, UINT64_MAX, &v) < 0)
			return -1;
		v /= 1024;
	} else if (num_parse_u64(s, len, UINT64_MAX >> 10, &v) < 0) {
		return -1;
	}
	if (v == 0 || v > (64ull << 20)) {
		err_set("'%s' is out of range (1 KiB .. 64 GiB per CPU)", s);
		errno = ERANGE;
		return -1;
	}
	*kb = v;
	return 0;
}

/* The first recording-only option given, for --convert's error. */
static const char *recording_only(int c)
{
	switch (c) {
	case 'e': return "--processtree-engine";
	case 'u': return "--user";
	case 'p': return "--pid";
	case REC_OPT_WAIT_ALL: return "--wait-all";
	case REC_OPT_BUFFER: return "--buffer-size";
	case REC_OPT_READ_INTERVAL: return "--read-interval";
	case REC_OPT_PROGRESS: return "--progress";
	case REC_OPT_NO_PROGRESS: return "--no-progress";
	default: return NULL;
	}
}

/* one option @c (its value in optarg): 0 go on, 1 stop (--help, --version), -1 error */
static int parse_option(struct rec_opts *o, int c, bool *root_given)
{
	switch (c) {
	case 'e':
		if (add_engines(o, optarg) < 0)
			return -1;
		break;
	case 'o':
		if (!optarg[0])
			return cli_bad_value("--output", optarg, NULL);
		o->out = optarg;
		o->out_given = true;
		break;
	case REC_OPT_WAIT_ALL: o->wait_all = true; break;
	case 'u': o->user = optarg; break;
	case 'p':
		if (num_parse_int(optarg, 1, INT32_MAX, &o->pid) < 0) {
			err_prefix("--pid: ");
			return -1;
		}
		break;
	case REC_OPT_BUFFER:
		if (parse_buffer_size(optarg, &o->buffer_kb) < 0) {
			err_prefix("--buffer-size: ");
			return -1;
		}
		break;
	case REC_OPT_READ_INTERVAL:
		/* at most 500: exec rows wait two reads, within the reconstructor's 2 s window */
		if (num_parse_int(optarg, 1, 500, &o->read_interval_ms) < 0) {
			err_prefix("--read-interval: ");
			return -1;
		}
		break;
	case REC_OPT_PROGRESS: o->progress = REC_PROGRESS_ON; break;
	case REC_OPT_NO_PROGRESS: o->progress = REC_PROGRESS_OFF; break;
	case 'q': o->quiet = true; break;
	case REC_OPT_CONVERT:
		if (!optarg[0])
			return cli_bad_value("--convert", optarg, NULL);
		o->convert = optarg;
		break;
	case REC_OPT_ROOT:
		if (num_parse_int(optarg, 1, INT32_MAX, &o->root) < 0) {
			err_prefix("--root: ");
			return -1;
		}
		*root_given = true;
		break;
	case 'h': o->help = true; return 1;
	case REC_OPT_VERSION: o->version = true; return 1;
	default: /* '?': cli_getopt() said what */ return -1;
	}
	return 0;
}

/* what the options and the command say together: one mode, and what it needs */
static int check_mode(struct rec_opts *o, int argc, char **argv, const char *rec_only,
		      bool root_given)
{
	if (o->convert) {
		if (rec_only) {
			err_set("%s does not apply to --convert (usage: proctree-record --convert "
				"FILE.dat [-o FILE.csv] [--root PID] [-q])",
				rec_only);
			return -1;
		}
		if (optind < argc) {
			err_set("--convert takes no command (usage: proctree-record --convert "
				"FILE.dat [-o FILE.csv] [--root PID] [-q])");
			return -1;
		}
		return 0;
	}
	if (root_given) {
		err_set("--root works only with --convert FILE.dat");
		return -1;
	}
	if (o->pid) {
		if (optind < argc) {
			err_set("-p follows a process already running: give -p PID or a COMMAND, "
				"not both");
			return -1;
		}
		if (o->user) {
			err_set("--user does not apply to -p (the process already runs as its user)");
			return -1;
		}
		if (!o->nengines) {
			err_set("-p with --processtree-engine none would record nothing");
			return -1;
		}
		return 0;
	}
	if (optind >= argc) {
		err_set("no command given (usage: proctree-record [OPTIONS] -- COMMAND [ARGS...])");
		return -1;
	}
	o->command = argv + optind;
	return 0;
}

int rec_parse_args(int argc, char **argv, struct rec_opts *o)
{
	const char *rec_only = NULL;
	bool root_given = false;
	int c, ret;

	o->out = "proctree.csv";
	if (add_engines(o, "auto") < 0)
		return -1;
	optind = 1;
	while ((c = cli_getopt(argc, argv, REC_SHORTOPTS, rec_longopts)) != -1) {
		if (!rec_only)
			rec_only = recording_only(c);
		ret = parse_option(o, c, &root_given);
		if (ret)
			return ret < 0 ? -1 : 0;
	}
	return check_mode(o, argc, argv, rec_only, root_given);
}
