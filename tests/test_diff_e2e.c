// SPDX-License-Identifier: MIT
/*
 * End to end: the same small build recorded three times with the ptrace
 * engine (no privilege needed), the third with one deliberate difference
 * (one more command, switched on by an environment variable so that no
 * command line changes).  --diff of the first two runs must find nothing:
 * other pids, times and temporary names (mktemp, $$ in a file name) only;
 * --diff of the first and the third exactly the one added process.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progs.h"
#include "run.h"
#include "tmpdir.h"

/*
 * A small build: three "compiles" (cat | tr), a temporary file named by
 * mktemp and one named with the shell's pid, a count of the outputs; with
 * EXTRA set, one more command.  Every run names its temporaries afresh.
 */
#define BUILD                                                                \
	"set -e\n"                                                           \
	"cd \"$1\"\n"                                                        \
	"mkdir -p out\n"                                                     \
	"for f in a b c; do cat src/$f.txt | tr a-z A-Z > out/$f.up; done\n" \
	"t=$(mktemp)\n"                                                      \
	"cp out/a.up \"$t\"\n"                                               \
	"rm -f \"$t\"\n"                                                     \
	"touch /tmp/proctree-diff-e2e.$$\n"                                  \
	"rm -f /tmp/proctree-diff-e2e.$$\n"                                  \
	"ls out | wc -l > /dev/null\n"                                       \
	"if [ -n \"$EXTRA\" ]; then cp out/a.up out/extra.up; fi\n"          \
	"exit 0\n"

static void record(const char *dir, const char *name, bool extra)
{
	char cmd[4096];
	struct run r;

	snprintf(cmd, sizeof(cmd),
		 "%s ASAN_OPTIONS=detect_leaks=0 '%s' --processtree-engine ptrace -q -o '%s/%s' -- "
		 "sh '%s/build.sh' '%s'",
		 extra ? "EXTRA=1" : "EXTRA=", PROG_RECORD, dir, name, dir, dir);
	r = run_sh(cmd, NULL);
	cr_assert_eq(r.status, 0, "recording %s: exit %d: %s", name, r.status, r.err);
	run_free(&r);
}

/* the scratch directory goes also when the test fails */
TestSuite(diff_e2e, .fini = tmpdir_cleanup);

Test(diff_e2e, two_runs_differ_by_exactly_the_added_command, .timeout = 120)
{
	char dir[64], cmd[4096];
	struct run r;
	FILE *fp;
	json_t *doc, *c, *only_b;

	tmpdir_make(dir, sizeof(dir), "diff");
	snprintf(cmd, sizeof(cmd),
		 "mkdir '%s/src' && for f in a b c; do echo $f > '%s/src/'$f.txt;"
		 " done",
		 dir, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/build.sh", dir);
	fp = fopen(cmd, "w");
	cr_assert_not_null(fp);
	fputs(BUILD, fp);
	fclose(fp);
	record(dir, "a.csv", false);
	record(dir, "a2.csv", false);
	record(dir, "b.csv", true);

	/* the same build twice: nothing to report but times */
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' --diff a.csv a2.csv", dir, PROG_RECONSTRUCT);
	r = run_sh(cmd, NULL);
	cr_expect_eq(r.status, 0, "the same build twice differs (exit %d):\n%s%s", r.status, r.out,
		     r.err);
	cr_expect_not_null(strstr(r.out, "same shape, commands and exit statuses"), "%s", r.out);
	run_free(&r);

	/* one added command: exactly that */
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' --diff a.csv b.csv", dir, PROG_RECONSTRUCT);
	r = run_sh(cmd, NULL);
	cr_expect_eq(r.status, 1, "exit %d:\n%s%s", r.status, r.out, r.err);
	cr_expect_not_null(strstr(r.out, "only in B: 1 subtree, 1 process\n"
					 "  + cp out/a.up out/extra.up  [1 process]  (in sh)\n"),
			   "%s", r.out);
	cr_expect_null(strstr(r.out, "\nonly in A:"), "%s", r.out);
	cr_expect_null(strstr(r.out, "\nexit status changed:"), "%s", r.out);
	cr_expect_null(strstr(r.out, "\ncommand changed:"), "%s", r.out);
	run_free(&r);

	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' --diff --format json a.csv b.csv", dir,
		 PROG_RECONSTRUCT);
	r = run_sh(cmd, NULL);
	cr_expect_eq(r.status, 1);
	doc = json_loads(r.out, 0, NULL);
	cr_assert_not_null(doc, "bad JSON: %s", r.out);
	c = json_object_get(doc, "counts");
	cr_expect_eq(json_integer_value(json_object_get(c, "only_a")), 0, "%s", r.out);
	cr_expect_eq(json_integer_value(json_object_get(c, "only_b")), 1, "%s", r.out);
	cr_expect_eq(json_integer_value(json_object_get(c, "status_changed")), 0, "%s", r.out);
	cr_expect_eq(json_integer_value(json_object_get(c, "command_changed")), 0, "%s", r.out);
	cr_expect_eq(json_integer_value(json_object_get(c, "moved")), 0, "%s", r.out);
	only_b = json_array_get(json_object_get(doc, "only_b"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(only_b, "command")),
			 "cp out/a.up out/extra.up");
	/* every process of A has its partner: B is A and one more */
	cr_expect_eq(json_integer_value(json_object_get(c, "matched")),
		     json_integer_value(json_object_get(
			     json_object_get(json_object_get(doc, "totals"), "processes"), "a")));
	json_decref(doc);
	run_free(&r);

	tmpdir_cleanup();
}
