/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the bpf engine tests (test_bpf_*.c): the privilege check,
 * running proctree-record in its own process group under a deadline (also
 * as another user), and proctree-reconstruct --format json.  CSVs are read
 * with ft_util.h's rows_load().
 */
#ifndef PROCTREE_TEST_BPF_UTIL_H
#define PROCTREE_TEST_BPF_UTIL_H

#include <grp.h>
#include <jansson.h>
#include <pwd.h>

#include "ft_util.h"
#include "progs.h"
#include "tmpdir.h"

/* Skip (or, under CI=true, fail) when the bpf engine cannot run here. */
#define BPF_REQUIRE()                                                              \
	do {                                                                       \
		const char *why_ = NULL;                                           \
		if (geteuid() != 0)                                                \
			why_ = "needs root (loading BPF programs: CAP_BPF and "    \
			       "CAP_PERFMON)";                                     \
		else if (access("/sys/kernel/btf/vmlinux", R_OK) < 0)              \
			why_ = "the kernel has no BTF (/sys/kernel/btf/vmlinux): " \
			       "tp_btf programs cannot load";                      \
		if (why_)                                                          \
			TEST_SKIP_OR_FAIL("%s", why_);                             \
	} while (0)

/**
 * bpf_spawn_env - start @argv in its own process group
 * @out: file for stdout, NULL for /dev/null
 * @err: file for stderr, NULL for /dev/null
 * @as: run as this user (groups dropped, then gid, then uid), NULL to stay
 * @name: an environment variable to set to @value for it, or NULL
 *
 * Its own group, so that a recorder that hangs, or is killed on purpose,
 * can be cleaned up with its workload (kill(-pid, ...)).  Returns the pid.
 */
static inline pid_t bpf_spawn_env(char *const argv[], const char *out, const char *err,
				  const struct passwd *as, const char *name, const char *value)
{
	pid_t pid = fork();

	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int o = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) : null;
		int e = err ? open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644) : null;

		setpgid(0, 0);
		if (null < 0 || o < 0 || e < 0 || dup2(null, 0) < 0 || dup2(o, 1) < 0 ||
		    dup2(e, 2) < 0)
			_exit(126);
		if (as &&
		    (setgroups(0, NULL) < 0 || setgid(as->pw_gid) < 0 || setuid(as->pw_uid) < 0))
			_exit(126);
		if (name && setenv(name, value, 1) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid); /* also here: no window where the child is in ours */
	return pid;
}

/** bpf_spawn - bpf_spawn_env() with the test's own environment */
static inline pid_t bpf_spawn(char *const argv[], const char *out, const char *err,
			      const struct passwd *as)
{
	return bpf_spawn_env(argv, out, err, as, NULL, NULL);
}

/**
 * bpf_wait - wait for @pid; past @deadline_s stop it and fail the test
 *
 * A recorder that does not finish is stopped as a user would (two
 * SIGTERMs), then its whole group is killed: left running, it and its
 * workload would outlive the test.
 */
static inline int bpf_wait(pid_t pid, int deadline_s)
{
	pid_t w;
	int st = 0, ms;

	for (ms = 0; (w = waitpid(pid, &st, WNOHANG)) == 0 && ms < deadline_s * 1000; ms += 10)
		ft_sleep_ms(10);
	if (w == 0) {
		kill(-pid, SIGTERM);
		ft_sleep_ms(500);
		kill(-pid, SIGTERM); /* the recorder stops at once on a second signal */
		for (ms = 0; (w = waitpid(pid, &st, WNOHANG)) == 0 && ms < 5000; ms += 10)
			ft_sleep_ms(10);
		kill(-pid, SIGKILL);
		if (w == 0)
			waitpid(pid, &st, 0);
		cr_assert_fail("%d did not finish within %d s (stopped it)", (int)pid, deadline_s);
	}
	cr_assert_eq(w, pid, "waitpid: %s", strerror(errno));
	return st;
}

/**
 * bpf_start - start proctree-record [--processtree-engine @engine] -q -o @csv
 *             @opts... -- @command...
 * @engine: NULL for the recorder's default (auto)
 * @opts: more recorder options, NULL-terminated, or NULL
 * @err: file for the recorder's stderr
 *
 * @command may be long (thousands of arguments).  Returns the pid.
 */
static inline pid_t bpf_start(const char *engine, const char *csv, char *const *opts,
			      char *const *command, const char *err)
{
	size_t n = 0, nopts = 0, ncmd = 0;
	char **argv;
	pid_t pid;

	while (opts && opts[nopts])
		nopts++;
	while (command[ncmd])
		ncmd++;
	argv = calloc(8 + nopts + ncmd, sizeof(*argv));
	cr_assert_not_null(argv);
	argv[n++] = PROG_RECORD;
	if (engine) {
		argv[n++] = "--processtree-engine";
		argv[n++] = (char *)engine;
	}
	argv[n++] = "-q";
	argv[n++] = "-o";
	argv[n++] = (char *)csv;
	for (size_t i = 0; i < nopts; i++)
		argv[n++] = opts[i];
	argv[n++] = "--";
	for (size_t i = 0; i < ncmd; i++)
		argv[n++] = command[i];
	argv[n] = NULL;
	pid = bpf_spawn(argv, NULL, err, NULL);
	free(argv);
	return pid;
}

/**
 * bpf_record - bpf_start() with @engine, wait (up to @deadline_s), return
 *              the wait status; the recorder's stderr goes to the test log
 */
static inline int bpf_record(const char *engine, const char *csv, char *const *opts,
			     char *const *command, int deadline_s)
{
	char err[512], *text;
	int st;

	snprintf(err, sizeof(err), "%s.err", csv);
	st = bpf_wait(bpf_start(engine, csv, opts, command, err), deadline_s);
	text = slurp_or_empty(err);
	if (text && text[0])
		cr_log_info("recorder stderr: %s", text);
	free(text);
	return st;
}

/**
 * bpf_json - proctree-reconstruct --format json @csv, parsed
 *
 * Asserts that the reconstructor exits 0 and prints valid JSON; the
 * caller json_decref()s the result.
 */
static inline json_t *bpf_json(const char *csv)
{
	char out[512], err[512], *text;
	char *argv[] = { PROG_RECONSTRUCT, "--format", "json", (char *)csv, NULL };
	json_error_t jerr;
	json_t *doc;
	int st;

	snprintf(out, sizeof(out), "%s.json", csv);
	snprintf(err, sizeof(err), "%s.json.err", csv);
	st = bpf_wait(bpf_spawn(argv, out, err, NULL), 60);
	text = slurp_or_empty(err);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "proctree-reconstruct --format json %s: status %#x: %s", csv, st, text);
	free(text);
	doc = json_load_file(out, 0, &jerr);
	cr_assert_not_null(doc, "%s: line %d: %s", out, jerr.line, jerr.text);
	return doc;
}

/* json integer member @key of @obj, @dflt when absent or not an integer */
static inline long long bpf_json_int(const json_t *obj, const char *key, long long dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* whether the tree node @node carries the flag @flag ("alive_at_end", ...) */
static inline bool bpf_json_flag(const json_t *node, const char *flag)
{
	const json_t *flags = json_object_get(node, "flags"), *f;
	size_t i;

	json_array_foreach(flags, i, f) if (json_is_string(f) &&
					    !strcmp(json_string_value(f), flag)) return true;
	return false;
}

/*
 * Call @fn on every node under @nodes (a "roots" or "children" array),
 * parents before their children; @parent is NULL for a root.
 */
static inline void bpf_json_walk(const json_t *nodes, const json_t *parent,
				 void (*fn)(const json_t *node, const json_t *parent, void *ctx),
				 void *ctx)
{
	const json_t *node;
	size_t i;

	json_array_foreach(nodes, i, node)
	{
		fn(node, parent, ctx);
		bpf_json_walk(json_object_get(node, "children"), node, fn, ctx);
	}
}

#endif
