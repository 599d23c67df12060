// SPDX-License-Identifier: MIT
/*
 * The ptrace engine without privilege and inside pid namespaces, and the
 * pid-wrap test: 5,000 processes of known shape in a pid namespace whose
 * pid_max is 400, so every pid is reused a dozen times; the CSV and the
 * reconstructed tree must have exactly the expected processes, no orphans,
 * no lost or inferred exits.
 */
#include <jansson.h>

#include "procfs.h"
#include "progs.h"
#include "ptrace_test.h"

TestSuite(ptrace_ns, .init = pt_setup, .fini = tmpdir_cleanup, .timeout = 600);

static bool have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* `proctree-reconstruct --format json --summary CSV`, parsed */
static json_t *reconstruct_summary(const char *path)
{
	char cmd[512];
	json_error_t jerr;
	json_t *doc, *sum;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "%s --format json --summary '%s'", PROG_RECONSTRUCT, path);
	fp = popen(cmd, "r");
	cr_assert_not_null(fp);
	doc = json_loadf(fp, 0, &jerr);
	cr_assert_eq(pclose(fp), 0, "proctree-reconstruct failed on %s", path);
	cr_assert_not_null(doc, "bad JSON: %s", jerr.text);
	sum = json_incref(json_object_get(doc, "summary"));
	json_decref(doc);
	cr_assert_not_null(sum);
	return sum;
}

static long sum_get(json_t *sum, const char *key)
{
	json_t *v = json_object_get(sum, key);

	cr_assert(json_is_integer(v), "summary has no %s", key);
	return (long)json_integer_value(v);
}

Test(ptrace_ns, pid_wrap_5000)
{
	/* set pid_max inside the new namespace, then exec the recorder */
	const char *prefix[] = { "unshare",
				 "--pid",
				 "--fork",
				 "--mount-proc",
				 "sh",
				 "-c",
				 "echo 400 >/proc/sys/kernel/pid_max && exec \"$@\"",
				 "sh",
				 NULL };
	const char *cmd[] = { WL("ptrace_wrap"), "100", "49", NULL };
	unsigned char *seen = calloc(PT_PID_LIMIT, 1);
	int st, orphans, procs, distinct = 0, exits = 0;
	char ns[64];
	struct rows c;
	json_t *sum;

	pt_require(geteuid() == 0 && have("unshare"),
		   "needs root and unshare(1) for a pid namespace with its own pid_max");
	st = pt_record(prefix, csv, NULL, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	cr_assert(c.has_trailer);
	cr_assert_eq(procfs_pid_ns(ns, sizeof(ns)), 0);
	cr_expect_str_neq(c.pid_ns, ns, "header does not name the recording's pid namespace");
	cr_expect_lt(c.root_pid, 400, "pids are not those of the namespace");
	procs = pt_check_tree(&c, &orphans);
	cr_expect_eq(procs, 1 + 100 * 50);
	cr_expect_eq(orphans, 0);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *e = &c.rows[i];

		if (e->kind == CSV_FORK) {
			cr_expect_eq(e->thread, 0);
			distinct += !seen[e->child_pid];
			seen[e->child_pid] = 1;
		}
		if (e->kind == CSV_EXIT && e->group)
			exits++;
	}
	cr_expect_eq(exits, 5001);
	cr_expect_lt(distinct, 400, "pids did not wrap (%d distinct)", distinct);
	cr_expect_eq(rows_key(&c, "ptrace_unclaimed"), 0);
	cr_expect_eq(rows_key(&c, "ptrace_resume_refused"), 0);
	cr_log_info("pid-wrap: %d distinct pids, %lld early stops", distinct,
		    rows_key(&c, "ptrace_early_stops"));

	sum = reconstruct_summary(csv);
	cr_expect_eq(sum_get(sum, "processes"), 5001);
	cr_expect_eq(sum_get(sum, "exited"), 5001);
	cr_expect_eq(sum_get(sum, "orphans"), 0);
	cr_expect_eq(sum_get(sum, "fork_lost"), 0);
	cr_expect_eq(sum_get(sum, "exit_lost"), 0);
	cr_expect_eq(sum_get(sum, "exit_unseen"), 0);
	cr_expect_eq(sum_get(sum, "alive_at_end"), 0);
	json_decref(sum);
	free(seen);
	rows_free(&c);
}

/* No privilege: the recorder runs as nobody and traces its own workload. */
Test(ptrace_ns, unprivileged_user)
{
	const char *prefix[] = {
		"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", NULL
	};
	const char *cmd[] = { WL("ptrace_stopcont"), NULL };
	struct rows c;
	int st, orphans;

	pt_require(geteuid() == 0 && have("setpriv"), "needs root and setpriv(1) to become nobody");
	st = pt_record(prefix, csv, NULL, cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	cr_expect(c.has_trailer);
	cr_expect_eq(pt_check_tree(&c, &orphans), 7);
	cr_expect_eq(orphans, 0);
	cr_expect_eq(rows_count(&c, CSV_EXEC), 1);
	rows_free(&c);
}

/* No privilege at all, in a user + pid namespace: pids are the namespace's. */
Test(ptrace_ns, unprivileged_in_user_and_pid_namespace)
{
	const char *prefix[] = { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
				 "--",	    "unshare",	     "--user",	      "--map-root-user",
				 "--pid",   "--fork",	     "--mount-proc",  NULL };
	const char *cmd[] = { "sh", "-c", "ls / | wc -l >/dev/null", NULL };
	struct rows c;
	int st, orphans;

	pt_require(geteuid() == 0 && have("setpriv") && have("unshare"),
		   "needs root, setpriv(1) and unshare(1)");
	st = pt_record(prefix, csv, NULL, cmd);
	pt_require(!(WIFEXITED(st) && WEXITSTATUS(st) == 1 && access(csv, F_OK) != 0),
		   "unprivileged user namespaces are disabled here");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	rows_load(csv, &c);
	cr_expect_eq(c.root_pid, 2, "the recorder is pid 1 of the namespace, root is 2");
	cr_expect_eq(pt_check_tree(&c, &orphans), 3);
	cr_expect_eq(orphans, 0);
	rows_free(&c);
}
