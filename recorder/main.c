// SPDX-License-Identifier: MIT
/*
 * proctree-record: run a command and record its process tree with one or
 * more engines, one CSV each.  Exits with the command's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "convert.h"
#include "engine.h"
#include "err.h"
#include "num.h"

#define MAX_ENGINES 8

struct rec_opts {
	const char *out;
	const struct engine_ops *engines[MAX_ENGINES];
	int nengines;
	uint64_t buffer_kb;
	bool wait_all;
	bool quiet;
	char **command;
};

static volatile sig_atomic_t stop_now;

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: proctree-record [--processtree-engine NAME[,NAME...]] [-o FILE.csv]\n"
		"                       [--wait-all] [--buffer-size KB] [-q] -- COMMAND [ARGS...]\n"
		"engines: %s\n", engine_names());
}

static int add_engines(struct rec_opts *o, const char *list)
{
	char *copy = strdup(list), *save = NULL, *name;

	o->nengines = 0;
	for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct engine_ops *ops;

		if (!strcmp(name, "none"))
			continue;
		ops = engine_find(name);
		if (!ops) {
			err_set("unknown engine '%s' (known: %s, none)", name, engine_names());
			free(copy);
			return -1;
		}
		for (int i = 0; i < o->nengines; i++)
			if (o->engines[i] == ops)
				ops = NULL;
		if (ops && o->nengines < MAX_ENGINES)
			o->engines[o->nengines++] = ops;
	}
	free(copy);
	return 0;
}

static int parse_args(int argc, char **argv, struct rec_opts *o)
{
	static const struct option longopts[] = {
		{ "processtree-engine", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "wait-all", no_argument, NULL, 'w' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->out = "proctree.csv";
	if (add_engines(o, "ftrace") < 0)
		return -1;
	while ((c = getopt_long(argc, argv, "+e:o:b:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (add_engines(o, optarg) < 0)
				return -1;
			break;
		case 'o': o->out = optarg; break;
		case 'w': o->wait_all = true; break;
		case 'b':
			if (num_parse_size(optarg, UINT64_MAX >> 10, &o->buffer_kb) < 0) {
				err_prefix("--buffer-size: ");
				return -1;
			}
			break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind >= argc) {
		err_set("no command given (usage: proctree-record [options] -- COMMAND [ARGS...])");
		return -1;
	}
	o->command = argv + optind;
	return 0;
}

/* "run.csv" + "ptrace" -> "run.ptrace.csv" when several engines share -o. */
static char *engine_path(const char *out, const char *engine, int nengines, const char *ext)
{
	const char *dot = strrchr(out, '.');
	size_t base = dot && !strchr(dot, '/') ? (size_t)(dot - out) : strlen(out);
	char *p;

	if (nengines == 1 && !strcmp(ext, "csv")) {
		p = strdup(out);
	} else if (asprintf(&p, "%.*s%s%s.%s", (int)base, out, nengines > 1 ? "." : "",
			    nengines > 1 ? engine : "", ext) < 0) {
		p = NULL;
	}
	return p;
}

/* Fork the workload, held until a byte arrives on the barrier pipe. */
static pid_t spawn_held(char **command, int *barrier_wr)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char go;

		close(fds[1]);
		if (read(fds[0], &go, 1) != 1)
			_exit(126); /* the recorder gave up before starting us */
		execvp(command[0], command);
		fprintf(stderr, "proctree-record: cannot run %s: %s\n", command[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[0]);
	*barrier_wr = fds[1];
	return pid;
}

int main(int argc, char **argv)
{
	struct rec_opts o = { 0 };
	struct engine *eng[MAX_ENGINES] = { 0 };
	char *paths[MAX_ENGINES] = { 0 }, *dats[MAX_ENGINES] = { 0 };
	const struct engine_ops *reaper = NULL;
	struct engine *reaper_e = NULL;
	int status = -1, barrier = -1, i, ret = 1;
	pid_t root = -1;

	if (convert_requested(argc, argv))
		return convert_main(argc, argv);
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		return 2;
	}
	for (i = 0; i < o.nengines; i++) {
		struct engine_opts eo = {
			.buffer_kb = o.buffer_kb,
			.wait_all = o.wait_all,
			.quiet = o.quiet,
			.command = o.command,
			.stop_now = &stop_now,
		};

		paths[i] = engine_path(o.out, o.engines[i]->name, o.nengines, "csv");
		dats[i] = engine_path(o.out, o.engines[i]->name, o.nengines, "dat");
		eo.csv_path = paths[i];
		eo.dat_path = dats[i];
		eng[i] = o.engines[i]->new(&eo);
		if (!eng[i]) {
			fprintf(stderr, "proctree-record: %s: %s\n", o.engines[i]->name, err_msg());
			goto out;
		}
		if (o.engines[i]->caps & ENGINE_REAPS) {
			reaper = o.engines[i];
			reaper_e = eng[i];
		}
	}
	root = spawn_held(o.command, &barrier);
	if (root < 0) {
		fprintf(stderr, "proctree-record: cannot fork: %s\n", strerror(errno));
		goto out;
	}
	for (i = 0; i < o.nengines; i++) {
		if (o.engines[i]->attach(eng[i], root) < 0) {
			fprintf(stderr, "proctree-record: %s: %s\n", o.engines[i]->name, err_msg());
			kill(root, SIGKILL);
			goto reap;
		}
	}
	if (write(barrier, "g", 1) != 1)
		fprintf(stderr, "proctree-record: cannot release the workload: %s\n",
			strerror(errno));
reap:
	close(barrier);
	if (reaper) {
		if (reaper->reap(reaper_e, root, &status) < 0)
			fprintf(stderr, "proctree-record: %s: %s\n", reaper->name, err_msg());
	} else {
		while (waitpid(root, &status, 0) < 0 && errno == EINTR)
			;
		for (i = 0; o.wait_all && i < o.nengines; i++)
			if (o.engines[i]->wait_all && o.engines[i]->wait_all(eng[i]) < 0)
				fprintf(stderr, "proctree-record: %s: %s\n", o.engines[i]->name,
					err_msg());
	}
	ret = status < 0 ? 1 : WIFEXITED(status) ? WEXITSTATUS(status) :
	      WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
out:
	for (i = 0; i < o.nengines; i++) {
		struct engine_finish fin = { .root = root, .root_status = status };

		if (!eng[i])
			continue;
		if (o.engines[i]->finish(eng[i], &fin) < 0) {
			fprintf(stderr, "proctree-record: %s: %s\n", o.engines[i]->name, err_msg());
			if (!ret)
				ret = 1;
		} else if (!o.quiet) {
			fprintf(stderr, "proctree-record: %s: wrote %s\n", o.engines[i]->name,
				paths[i]);
		}
		o.engines[i]->free(eng[i]);
	}
	for (i = 0; i < o.nengines; i++) {
		free(paths[i]);
		free(dats[i]);
	}
	return ret;
}
