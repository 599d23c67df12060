// SPDX-License-Identifier: MIT
/*
 * proctree-record: run a command and record its process tree with one or
 * more engines, one CSV each.  Exits with the command's status, or
 * REC_EXIT_RECORDING_FAILED (125) when the command ran but a recording
 * failed or is incomplete (docs/recorder.md, "Exit status").
 *
 * Order matters: the command is resolved and every engine set up before
 * the workload exists; the workload is forked held at a barrier, every
 * engine attaches to it, then it is released to exec.  Whatever happens
 * afterwards (workload killed, signals, an engine failing), every engine
 * gets finish() and free(), so each CSV ends with its trailer and no
 * tracing state is left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "convert.h"
#include "engine.h"
#include "err.h"
#include "num.h"
#include "outfile.h"
#include "procfs.h"
#include "recorder.h"

/* "run.csv" + "ptrace" -> "run.ptrace.csv" when several engines share -o. */
static char *engine_path(const char *out, const char *engine, int nengines, const char *ext)
{
	const char *slash = strrchr(out, '/');
	const char *dot = strrchr(slash ? slash + 1 : out, '.');
	size_t base = dot ? (size_t)(dot - out) : strlen(out);
	char *p;

	if (nengines == 1 && !strcmp(ext, "csv"))
		return strdup(out);
	if (asprintf(&p, "%.*s%s%s.%s", (int)base, out, nengines > 1 ? "." : "",
		     nengines > 1 ? engine : "", ext) < 0)
		return NULL;
	return p;
}

/*
 * Reap the recorder's children that are not engine helpers (as a subreaper
 * it inherits every orphaned descendant).  Returns how many are still
 * running.  Engine helpers such as trace-cmd are children too but are never
 * waited for here: their engine waits for them.
 */
static int reap_descendants(const pid_t *helpers, int nhelpers)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int left = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[64], *text, *p, *end;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.20s/children", de->d_name);
		text = procfs_read_file(path, NULL);
		if (!text)
			continue;
		for (p = text; *p; p = end) {
			int64_t pid;
			int i;

			while (*p == ' ' || *p == '\n')
				p++;
			end = p + strcspn(p, " \n");
			if (end == p)
				break;
			if (num_parse_i64(p, end - p, 1, INT32_MAX, &pid) < 0)
				continue;
			for (i = 0; i < nhelpers && helpers[i] != pid; i++)
				;
			if (i < nhelpers)
				continue;
			if (waitpid((pid_t)pid, NULL, WNOHANG) == 0)
				left++;
		}
		free(text);
	}
	closedir(d);
	return left;
}

/* Wait for the root (and with --wait-all every descendant) unless told to stop. */
static int wait_workload(pid_t root, bool wait_all, const pid_t *helpers, int nhelpers, int *status)
{
	pid_t pid;

	while ((pid = waitpid(root, status, 0)) < 0) {
		if (errno != EINTR) {
			err_set("waitpid: %s", strerror(errno));
			return -1;
		}
		if (rec_stop_now)
			return 0;
	}
	/*
	 * As a subreaper we inherit every orphaned descendant: reap them all.
	 * Not with waitpid(-1): engine helpers (trace-cmd) are children too
	 * and would be waited for forever, or reaped behind their engine's back.
	 */
	while (wait_all && !rec_stop_now) {
		int left = reap_descendants(helpers, nhelpers);

		if (left < 0) {
			err_set("cannot read /proc/self/task: %s", strerror(errno));
			return -1;
		}
		if (left == 0)
			break;
		usleep(5000);
	}
	return 0;
}

/*
 * --processtree-engine auto: the first of bpf, ftrace, ptrace that sets up
 * here.  Why the others were passed over goes into @why for the end line.
 */
static struct engine *new_auto(struct engine_opts *eo, const struct engine_ops **chosen, char *why,
			       size_t whysize)
{
	static const char *const order[] = { "bpf", "ftrace", "ptrace" };
	size_t used = 0;

	why[0] = '\0';
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct engine_ops *ops = engine_find(order[i]);
		struct engine *e = ops ? ops->new (eo) : NULL;
		int n;

		if (e) {
			*chosen = ops;
			return e;
		}
		if (!ops)
			continue;
		n = snprintf(why + used, whysize - used, "%s%s: %s", used ? "; " : "", ops->name,
			     err_msg());
		if (n > 0)
			used = (size_t)n >= whysize - used ? whysize - 1 : used + n;
	}
	err_set("no engine can record here: %s", why);
	return NULL;
}

/* The command's wait status as a shell gives it: the code, or 128+N for signal N. */
static int exit_code(int status)
{
	if (status < 0)
		return 1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int main(int argc, char **argv)
{
	struct rec_opts o = { 0 };
	struct rec_user user = { 0 };
	struct rec_child child = { .pid = -1, .barrier = -1, .errpipe = -1 };
	struct engine *eng[REC_MAX_ENGINES] = { 0 };
	char *paths[REC_MAX_ENGINES] = { 0 }, *dats[REC_MAX_ENGINES] = { 0 };
	bool ok[REC_MAX_ENGINES] = { 0 };
	const struct engine_ops *reaper = NULL;
	struct engine *reaper_e = NULL;
	struct rec_status *status_line = NULL;
	int status = -1, i, ret, sig = 0;
	bool failed = false, ran = false;
	uint64_t t0 = clock_mono_ns();
	char auto_why[2048] = "";
	char **join_argv = NULL;
	pid_t join_pid = 0;

	if (rec_parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		return 2;
	}
	if (o.help || o.version) {
		char line[256];

		if (o.help)
			rec_usage(stdout);
		else
			printf("%s\n", cli_version_line(line, sizeof(line), "proctree-record"));
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (o.convert)
		return convert_main(&o);
	if (o.pid) {
		/* -p: docs/attach.md */
		for (i = 0; i < o.nengines; i++) {
			if (o.auto_engine || o.engines[i]->join)
				continue;
			fprintf(stderr,
				"proctree-record: the %s engine cannot join a running process "
				"(-p): it must be started before the workload; use "
				"--processtree-engine bpf, ftrace or ptrace\n",
				o.engines[i]->name);
			return 2;
		}
		for (i = 0; o.wait_all && i < o.nengines; i++) {
			if (!o.auto_engine && (o.engines[i]->caps & ENGINE_REAPS))
				continue;
			fprintf(stderr,
				"proctree-record: --wait-all with -p needs the ptrace engine "
				"(the others learn of an exit only from the recorder's wait for its "
				"own child): add --processtree-engine ptrace\n");
			return 2;
		}
		if (rec_join_check(o.pid, &join_pid) < 0) {
			fprintf(stderr, "proctree-record: %s\n", err_msg());
			return 1;
		}
		join_argv = rec_join_command(join_pid);
		if (!join_argv) {
			fprintf(stderr, "proctree-record: out of memory\n");
			return 1;
		}
		o.command = join_argv;
	} else {
		ret = rec_command_check(o.command[0]);
		if (ret) {
			fprintf(stderr, "proctree-record: %s\n", err_msg());
			return ret;
		}
	}
	if (outfile_is_stdout(o.out) && o.nengines > 1) {
		fprintf(stderr, "proctree-record: -o - (standard output) takes one engine: "
				"several write one CSV each (give -o FILE)\n");
		return 2;
	}
	/*
	 * A usage error like the one above, so the same status 2, found here
	 * rather than by the engine's new() (which would make it a setup
	 * failure, 1): the .dat is named after the CSV.
	 */
	for (i = 0; outfile_is_stdout(o.out) && !o.auto_engine && i < o.nengines; i++) {
		if (!(o.engines[i]->caps & ENGINE_DAT))
			continue;
		fprintf(stderr,
			"proctree-record: -o - (standard output): the %s engine keeps its "
			".dat beside the CSV (give -o FILE)\n",
			o.engines[i]->name);
		return 2;
	}
	for (i = 0; !o.auto_engine && i < o.nengines; i++) {
		uint64_t max = o.engines[i]->buffer_kb_max;

		if (!max || o.buffer_kb <= max)
			continue;
		fprintf(stderr,
			"proctree-record: --buffer-size %" PRIu64 "K is over the %s engine's "
			"limit of %" PRIu64 "K\n",
			o.buffer_kb, o.engines[i]->name, max);
		return 2;
	}
	if (o.user && rec_user_lookup(o.user, &user) < 0) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		procfs_free_argv(join_argv);
		return 2;
	}
	if (rec_signals_install() < 0 ||
	    (o.wait_all && !o.pid && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		rec_user_free(&user);
		procfs_free_argv(join_argv);
		return 1;
	}
	if (o.pid)
		rec_signals_stop_on_first();

	for (i = 0; i < o.nengines; i++) {
		struct engine_opts eo = {
			.buffer_kb = o.buffer_kb,
			.read_interval_ms = o.read_interval_ms,
			.wait_all = o.wait_all,
			.quiet = o.quiet,
			.joined = o.pid != 0,
			.command = o.command,
			.stop_now = &rec_stop_now,
		};

		/* auto is alone: its paths do not depend on the engine it picks */
		paths[i] = engine_path(o.out, o.auto_engine ? "auto" : o.engines[i]->name,
				       o.nengines, "csv");
		dats[i] = engine_path(o.out, o.auto_engine ? "auto" : o.engines[i]->name,
				      o.nengines, "dat");
		if (!paths[i] || !dats[i]) {
			fprintf(stderr, "proctree-record: out of memory\n");
			failed = true;
			goto finish;
		}
		eo.csv_path = paths[i];
		eo.dat_path = dats[i];
		if (o.auto_engine)
			eng[i] = new_auto(&eo, &o.engines[i], auto_why, sizeof(auto_why));
		else
			eng[i] = o.engines[i]->new (&eo);
		if (!eng[i]) {
			fprintf(stderr, "proctree-record: %s: %s\n",
				o.auto_engine ? "auto" : o.engines[i]->name, err_msg());
			failed = true;
			goto finish;
		}
		if (o.engines[i]->caps & ENGINE_REAPS) {
			reaper = o.engines[i];
			reaper_e = eng[i];
		}
	}

	if (o.pid) {
		/* -p: no workload to start; join it, then wait for its end or a signal */
		for (i = 0; i < o.nengines; i++) {
			if (o.engines[i]->join(eng[i], join_pid) < 0) {
				fprintf(stderr, "proctree-record: %s: %s\n", o.engines[i]->name,
					err_msg());
				failed = true;
				goto finish;
			}
		}
		child.pid = join_pid;
		ran = true;
		status_line = rec_status_start(
			o.engines, eng, o.nengines,
			o.quiet && o.progress == REC_PROGRESS_AUTO ? REC_PROGRESS_OFF : o.progress,
			outfile_is_stdout(o.out));
		t0 = clock_mono_ns();
		/* the ptrace engine is the tracer: its wait reports the exit and its status */
		ret = reaper ? reaper->reap(reaper_e, join_pid, &status) : rec_join_wait(join_pid);
		if (ret < 0) {
			fprintf(stderr, "proctree-record: %s\n", err_msg());
			failed = true;
		}
		goto finish;
	}

	/* with -o - the CSV owns standard output: the command's goes to stderr */
	if (rec_spawn_held(o.command, o.user ? &user : NULL, o.nengines && outfile_is_stdout(o.out),
			   &child) < 0) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		failed = true;
		goto finish;
	}
	for (i = 0; i < o.nengines; i++) {
		if (o.engines[i]->attach(eng[i], child.pid) < 0) {
			fprintf(stderr, "proctree-record: %s: %s\n", o.engines[i]->name, err_msg());
			rec_abandon(&child);
			failed = true;
			goto finish;
		}
	}
	rec_signals_forward_to(child.pid);
	status_line = rec_status_start(o.engines, eng, o.nengines,
				       o.quiet && o.progress == REC_PROGRESS_AUTO ? REC_PROGRESS_OFF
										  : o.progress,
				       outfile_is_stdout(o.out));
	t0 = clock_mono_ns();
	if (rec_release(&child) < 0) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		rec_abandon(&child);
		failed = true;
		goto finish;
	}
	ran = true;
	if (reaper)
		ret = reaper->reap(reaper_e, child.pid, &status);
	else {
		pid_t helpers[REC_MAX_ENGINES];
		int nhelpers = 0;

		for (i = 0; i < o.nengines; i++)
			if (o.engines[i]->helper_pid && o.engines[i]->helper_pid(eng[i]) > 0)
				helpers[nhelpers++] = o.engines[i]->helper_pid(eng[i]);
		ret = wait_workload(child.pid, o.wait_all, helpers, nhelpers, &status);
	}
	if (ret < 0) {
		fprintf(stderr, "proctree-record: %s\n", err_msg());
		failed = true;
	}
	rec_status_stop(status_line);
	status_line = NULL;
	if (rec_child_report(&child, o.command[0]))
		fprintf(stderr, "proctree-record: %s\n", err_msg());

finish:
	rec_status_stop(status_line);
	rec_signals_received(&sig);
	for (i = 0; i < o.nengines; i++) {
		struct engine_finish fin = {
			.root = child.pid,
			.root_status = status,
			.interrupted = failed || rec_stop_now,
		};

		if (!eng[i])
			continue;
		ok[i] = o.engines[i]->finish(eng[i], &fin) == 0;
		if (!ok[i]) {
			fprintf(stderr, "proctree-record: %s: %s\n", o.engines[i]->name, err_msg());
			failed = true;
		}
	}
	/* -p without the tracer: how the joined process ended, as an engine saw it */
	for (i = 0; o.pid && status < 0 && ran && i < o.nengines; i++)
		if (eng[i] && ok[i] && o.engines[i]->root_status)
			status = o.engines[i]->root_status(eng[i]);
	if (!o.quiet && child.pid > 0)
		rec_summary(o.engines, eng, paths, dats, ok, o.nengines,
			    o.pid && status < 0 && !rec_stop_now ? REC_STATUS_UNKNOWN : status,
			    (clock_mono_ns() - t0) / 1e9, auto_why[0] ? auto_why : NULL,
			    ran && failed ? REC_EXIT_RECORDING_FAILED : -1);
	for (i = 0; i < o.nengines; i++) {
		if (eng[i])
			o.engines[i]->free(eng[i]);
		free(paths[i]);
		free(dats[i]);
	}
	rec_user_free(&user);
	procfs_free_argv(join_argv);
	/*
	 * -p, as strace -p: 0 whatever the process's status (which is not ours
	 * to pass on: its parent gets it), 125 when the recording failed, 1
	 * when it could not be joined.
	 */
	if (o.pid)
		return ran ? (failed ? REC_EXIT_RECORDING_FAILED : 0) : 1;
	/*
	 * The command ran but a recording failed: REC_EXIT_RECORDING_FAILED
	 * whatever the command's status (a wrapper must learn that the
	 * recording is unusable; the command's status is in the summary and
	 * the CSV).  Else the command's status; 128+N when a second signal N
	 * stopped recording before it ended; 1 when the recorder failed
	 * before the command ran.
	 */
	if (ran && failed)
		return REC_EXIT_RECORDING_FAILED;
	if (status >= 0)
		return exit_code(status);
	if (rec_stop_now && sig)
		return 128 + sig;
	return 1;
}
