// SPDX-License-Identifier: MIT
/* Running scenarios: plainly, or recorded by an engine and reconstructed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "scenario.h"
#include "treecmp.h"

#ifndef RECORDER
#define RECORDER BUILD_DIR "/recorder/proctree-record"
#endif
#ifndef RECONSTRUCT
#define RECONSTRUCT BUILD_DIR "/reconstruct/proctree-reconstruct"
#endif

#define MAX_ARGS 64
/* pid_max inside the namespace of the pid-wrap scenario */
#define PIDWRAP_PID_MAX "400"

extern char **environ;

/* Scratch files of one run; kept when the run fails, for a look. */
struct scn_tmp {
	char dir[64];
	char expect[96], csv[96], json[96], out[96], err[96], recon_err[96];
};

static void __attribute__((format(printf, 3, 4)))
set_result(struct scn_result *r, enum scn_outcome o, const char *fmt, ...)
{
	va_list ap;

	r->outcome = o;
	free(r->msg);
	r->msg = NULL;
	va_start(ap, fmt);
	if (vasprintf(&r->msg, fmt, ap) < 0)
		r->msg = NULL;
	va_end(ap);
}

void scn_result_clear(struct scn_result *r)
{
	free(r->msg);
	memset(r, 0, sizeof(*r));
}

static bool one_selected(const char *engine, size_t n)
{
	const char *list = getenv("PROCTREE_ENGINES");

	if (!list || !*list)
		list = "bpf,ftrace,ptrace,tracecmd";
	for (const char *p = list; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (!strncmp(p, engine, n) && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
}

bool scn_engine_selected(const char *engine)
{
	/* "ftrace,ptrace" (side by side) when each of them is */
	for (const char *p = engine; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ','))
		if (!one_selected(p, strcspn(p, ",")))
			return false;
	return true;
}

bool scn_engine_needs_root(const char *engine)
{
	return strstr(engine, "bpf") || strstr(engine, "ftrace") || strstr(engine, "tracecmd");
}

static int tmp_init(struct scn_tmp *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/proctree-test-scn-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->expect, sizeof(t->expect), "%s/expect", t->dir);
	snprintf(t->csv, sizeof(t->csv), "%s/run.csv", t->dir);
	snprintf(t->json, sizeof(t->json), "%s/tree.json", t->dir);
	snprintf(t->out, sizeof(t->out), "%s/stdout", t->dir);
	snprintf(t->err, sizeof(t->err), "%s/stderr", t->dir);
	snprintf(t->recon_err, sizeof(t->recon_err), "%s/reconstruct.stderr", t->dir);
	return 0;
}

/* Everything in the scratch directory (engines also write beside the CSV). */
static void tmp_remove(struct scn_tmp *t)
{
	DIR *dir = opendir(t->dir);
	struct dirent *de;
	char path[512];

	while (dir && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", t->dir, de->d_name);
		unlink(path);
	}
	if (dir)
		closedir(dir);
	rmdir(t->dir);
}

#define SLURP_MAX 2000 /* of stderr in a message: the first lines say what went wrong */

/* A file's first SLURP_MAX bytes, NUL-terminated ("" when unreadable). */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (fp) {
		FILE *mem = open_memstream(&buf, &len);
		char chunk[4096];
		size_t n;

		while (mem && len < SLURP_MAX && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
			fwrite(chunk, 1, n, mem);
			fflush(mem);
		}
		if (mem && len >= SLURP_MAX) {
			fseeko(mem, SLURP_MAX, SEEK_SET);
			fputs(" [...]", mem);
		}
		if (mem)
			fclose(mem);
		fclose(fp);
	}
	return buf ? buf : strdup("");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Run @argv with PROCTREE_EXPECT=@expect (when not NULL), stdout and stderr
 * to files, in its own process group so that a run that overstays
 * @timeout_s is killed with everything it started.  Returns the wait
 * status, or -1 on timeout or when it could not be started.
 */
static int run(char *const argv[], const char *expect, const char *out, const char *err,
	       unsigned timeout_s, double *seconds)
{
	double start = now_s();
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int in = open("/dev/null", O_RDONLY | O_CLOEXEC);

		setpgid(0, 0);
		if (o < 0 || e < 0 || in < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(125);
		if (expect)
			setenv("PROCTREE_EXPECT", expect, 1);
		else
			unsetenv("PROCTREE_EXPECT");
		execv(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -1;
		if (now_s() - start > timeout_s) {
			kill(-pid, SIGTERM);
			usleep(500000);
			kill(-pid, SIGTERM); /* the recorder stops at once on a second signal */
			usleep(2000000);
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			if (seconds)
				*seconds = now_s() - start;
			return -1;
		}
		usleep(5000);
	}
	if (seconds)
		*seconds = now_s() - start;
	return status;
}

static void describe_status(int status, char *buf, size_t len)
{
	if (status < 0)
		snprintf(buf, len, "timed out");
	else if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
}

/* Build WORKLOADS_DIR/NAME ARGS into @argv from @i; returns the new count. */
static int add_workload(char **argv, int i, const struct scn_def *d, bool self_unshare)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", WORKLOADS_DIR, d->workload);
	argv[i++] = path;
	if (self_unshare)
		argv[i++] = "-n";
	for (int a = 0; d->args[a] && i < MAX_ARGS - 1; a++)
		argv[i++] = (char *)d->args[a];
	argv[i] = NULL;
	return i;
}

/* Kill what the workload deliberately left running (by pid, after a sanity check). */
static void kill_lingering(const struct scn_def *d, const struct xps_set *x)
{
	for (int i = 0; i < x->nprocs; i++) {
		const struct xps_proc *p = &x->procs[i];
		char link[64], exe[4096];
		ssize_t n;

		if (!p->alive || p->exit_kind != XPS_EXIT_NONE)
			continue;
		snprintf(link, sizeof(link), "/proc/%ld/exe", p->pids[0]);
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n <= 0)
			continue;
		exe[n] = '\0';
		if (strlen(exe) > strlen(d->workload) &&
		    !strcmp(exe + strlen(exe) - strlen(d->workload), d->workload))
			kill(p->pids[0], SIGKILL);
	}
}

/* Load, check self-consistency and shape; NULL with a FAIL result otherwise. */
static struct xps_set *load_expectations(const struct scn_def *d, const char *path,
					 struct scn_result *r)
{
	char err[1024];
	struct xps_set *x = xps_load(path, err, sizeof(err));

	if (!x) {
		set_result(r, SCN_FAIL, "workload %s: bad expectations: %s", d->workload, err);
		return NULL;
	}
	if (d->shape(x, err, sizeof(err)) < 0) {
		set_result(r, SCN_FAIL, "workload %s did not do what it should: %s", d->workload,
			   err);
		kill_lingering(d, x);
		xps_free(x);
		return NULL;
	}
	return x;
}

void scn_run_plain(const struct scn_def *d, struct scn_result *r)
{
	char *argv[MAX_ARGS], st[64];
	struct scn_tmp t;
	struct xps_set *x;
	int status;

	memset(r, 0, sizeof(*r));
	if ((d->flags & SCN_ROOT) && geteuid() != 0) {
		set_result(r, SCN_SKIP, "%s needs root (a new pid namespace)", d->name);
		return;
	}
	if (tmp_init(&t) < 0) {
		set_result(r, SCN_FAIL, "mkdtemp: %s", strerror(errno));
		return;
	}
	add_workload(argv, 0, d, d->flags & SCN_PIDNS);
	status = run(argv, t.expect, t.out, t.err, d->timeout_s, &r->seconds);
	if (status != 0) {
		char *err = slurp(t.err);

		describe_status(status, st, sizeof(st));
		set_result(r, SCN_FAIL, "workload %s: %s; stderr: %s (files in %s)", d->workload,
			   st, err, t.dir);
		free(err);
		return;
	}
	x = load_expectations(d, t.expect, r);
	if (!x)
		return;
	kill_lingering(d, x);
	xps_free(x);
	r->outcome = SCN_PASS;
	tmp_remove(&t);
}

/*
 * With --wait-all the recorder returns only after every descendant exited,
 * and each wrote its exit line (or was reaped) before that: a process
 * without one was still running.
 */
static bool still_running(const struct xps_set *x, struct scn_result *r, const char *engine)
{
	for (int i = 0; i < x->nprocs; i++) {
		const struct xps_proc *p = &x->procs[i];

		if (p != x->root && p->exit_kind == XPS_EXIT_NONE) {
			set_result(r, SCN_FAIL,
				   "%s: proctree-record --wait-all returned while %s "
				   "(pid %ld) was still running",
				   engine, p->label, p->pids[0]);
			return true;
		}
	}
	return false;
}

/* The recorder's command line, wrapped in a new pid namespace when asked. */
static void recorder_argv(char **argv, const struct scn_def *d, const char *engine,
			  const struct scn_tmp *t, bool in_ns)
{
	int i = 0;

	if (in_ns) {
		argv[i++] = "/usr/bin/unshare";
		argv[i++] = "--pid";
		argv[i++] = "--fork";
		argv[i++] = "--mount-proc";
		argv[i++] = "/bin/sh";
		argv[i++] = "-c";
		argv[i++] =
			"echo " PIDWRAP_PID_MAX " > /proc/sys/kernel/pid_max && exec \"$0\" \"$@\"";
	}
	argv[i++] = RECORDER;
	argv[i++] = "--processtree-engine";
	argv[i++] = (char *)engine;
	argv[i++] = "-q";
	if (d->flags & SCN_WAIT_ALL)
		argv[i++] = "--wait-all";
	argv[i++] = "-o";
	argv[i++] = (char *)t->csv;
	argv[i++] = "--";
	add_workload(argv, i, d, (d->flags & SCN_PIDNS) && !in_ns);
}

/* Rebuild the tree of one engine's CSV and compare; 0, or -1 with a FAIL result. */
static int compare_csv(const struct scn_def *d, const struct xps_set *x, const char *engine,
		       const char *csv, const char *json, const struct scn_tmp *t,
		       struct scn_result *r)
{
	char *rargv[] = { RECONSTRUCT, "--format", "json", (char *)csv, NULL };
	char *err, *report = NULL, st[64];
	json_error_t jerr;
	json_t *doc;
	int status, ndiff;

	if (access(csv, R_OK) < 0) {
		err = slurp(t->err);
		set_result(r, SCN_FAIL,
			   "%s: proctree-record succeeded but wrote no %s; its "
			   "stderr: %s (files in %s)",
			   engine, csv, err, t->dir);
		free(err);
		return -1;
	}
	status = run(rargv, NULL, json, t->recon_err, 120, NULL);
	if (status != 0) {
		err = slurp(t->recon_err);
		describe_status(status, st, sizeof(st));
		set_result(r, SCN_FAIL, "%s: proctree-reconstruct: %s; stderr: %s (files in %s)",
			   engine, st, err, t->dir);
		free(err);
		return -1;
	}
	doc = json_load_file(json, 0, &jerr);
	if (!doc) {
		set_result(r, SCN_FAIL, "%s: %s:%d: %s", engine, json, jerr.line, jerr.text);
		return -1;
	}
	ndiff = treecmp(x, doc, 0, &report);
	json_decref(doc);
	if (ndiff)
		set_result(r, SCN_FAIL,
			   "%s/%s: %d difference(s) between the recorded tree and "
			   "the workload's (files in %s):\n%s",
			   engine, d->name, ndiff, t->dir, report);
	free(report);
	return ndiff ? -1 : 0;
}

void scn_run_engine(const struct scn_def *d, const char *engine, struct scn_result *r)
{
	bool in_ns = (d->flags & SCN_PIDNS) && !strcmp(engine, "ptrace");
	char *argv[MAX_ARGS], *err = NULL, st[64];
	struct xps_set *x = NULL;
	struct scn_tmp t;
	int status;

	memset(r, 0, sizeof(*r));
	if (((d->flags & SCN_ROOT) || scn_engine_needs_root(engine)) && geteuid() != 0) {
		set_result(r, SCN_SKIP, "%s with %s needs root", d->name, engine);
		return;
	}
	if (tmp_init(&t) < 0) {
		set_result(r, SCN_FAIL, "mkdtemp: %s", strerror(errno));
		return;
	}
	recorder_argv(argv, d, engine, &t, in_ns);
	status = run(argv, t.expect, t.out, t.err, d->timeout_s, &r->seconds);
	err = slurp(t.err);
	if (strstr(err, "not implemented yet")) {
		err[strcspn(err, "\n")] = '\0';
		set_result(r, SCN_SKIP, "%s", err);
		tmp_remove(&t);
		goto out;
	}
	describe_status(status, st, sizeof(st));
	if (status != 0) {
		char dummy[8];

		set_result(r, SCN_FAIL, "%s: proctree-record: %s; stderr: %s (files in %s)", engine,
			   st, err, t.dir);
		/* do not leave the workload's daemon behind */
		x = xps_load(t.expect, dummy, sizeof(dummy));
		if (x)
			kill_lingering(d, x);
		goto out;
	}
	x = load_expectations(d, t.expect, r);
	if (!x)
		goto out;
	if ((d->flags & SCN_WAIT_ALL) && still_running(x, r, engine)) {
		kill_lingering(d, x);
		goto out;
	}
	kill_lingering(d, x);
	if (strchr(engine, ',')) {
		/* side by side: one CSV per engine, run.NAME.csv, each checked alone */
		char *copy = strdup(engine), *save = NULL, *name;

		for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
			char csv[160], json[160];

			snprintf(csv, sizeof(csv), "%s/run.%s.csv", t.dir, name);
			snprintf(json, sizeof(json), "%s/tree.%s.json", t.dir, name);
			if (compare_csv(d, x, name, csv, json, &t, r) < 0)
				break;
		}
		free(copy);
		if (name)
			goto out;
	} else if (compare_csv(d, x, engine, t.csv, t.json, &t, r) < 0) {
		goto out;
	}
	r->outcome = SCN_PASS;
	tmp_remove(&t);
out:
	xps_free(x);
	free(err);
}
