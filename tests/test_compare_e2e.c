// SPDX-License-Identifier: MIT
/*
 * End to end: one workload recorded by two engines at once
 * (--processtree-engine ftrace,ptrace writes run.ftrace.csv and
 * run.ptrace.csv), then --compare must find that they agree.
 *
 * Needs root (ftrace) and both engines.  Without them the test skips with
 * the reason, except under CI=true where a skip would hide a broken setup:
 * there it fails.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"
#include "run.h"
#include "skip.h"
#include "tmpdir.h"

/*
 * The workload: a short storm, a pipeline, a failing command, a process
 * killed by SIGKILL and one by SIGSEGV, a subshell that forks without exec.
 * The SIGKILL waits until sleep has exec'd: a kill racing the exec is seen
 * differently by the engines (ftrace: the exec but no status; ptrace: the
 * signal but no exec), which --compare reports, but it is not this test's
 * subject.
 */
#define WORKLOAD                                                     \
	"i=0; while [ $i -lt 40 ]; do /bin/true; i=$((i+1)); done; " \
	"echo a | cat | wc -l >/dev/null; "                          \
	"/bin/false; "                                               \
	"sleep 5 & sleep 0.2; kill -9 $!; wait; "                    \
	"sh -c 'kill -SEGV $$'; "                                    \
	"( /bin/true; /bin/true ); "                                 \
	"exit 3"

/* record WORKLOAD with the comma list @engines, then compare every engine's CSV */
static void record_and_compare(const char *engines)
{
	char dir[64], cmd[4096], files[2048] = "", list[256];
	char *save = NULL;
	const char *rec = PROG_RECORD;
	struct run r;
	json_error_t jerr;
	json_t *doc;
	FILE *script;

	if (geteuid() != 0)
		TEST_SKIP_OR_FAIL("the ftrace engine needs root (run the tests as root)");
	tmpdir_make(dir, sizeof(dir), "cmp");
	snprintf(cmd, sizeof(cmd), "%s/workload.sh", dir);
	script = fopen(cmd, "w");
	cr_assert_not_null(script);
	fputs(WORKLOAD "\n", script);
	fclose(script);
	/*
	 * Leak checking of the recorder is the engine tests' business: here a
	 * leak report would only turn the workload's status into 1.
	 */
	snprintf(cmd, sizeof(cmd),
		 "ASAN_OPTIONS=detect_leaks=0 '%s' --processtree-engine %s -q -o '%s/run.csv' -- "
		 "sh '%s/workload.sh'",
		 rec, engines, dir, dir);
	r = run_sh(cmd, NULL);
	if (r.status != 3 &&
	    (strstr(r.err, "not implemented yet") || strstr(r.err, "trace-cmd not found"))) {
		char reason[512];

		snprintf(reason, sizeof(reason), "%s", r.err);
		reason[strcspn(reason, "\n")] = '\0';
		run_free(&r);
		tmpdir_cleanup();
		TEST_SKIP_OR_FAIL("an engine is missing: %s", reason);
	}
	cr_expect_eq(r.status, 3, "the recorder must exit with the workload's status 3, got %d: %s",
		     r.status, r.err);
	/* an engine that failed leaves no CSV (the recorder still exits with the workload's status) */
	snprintf(list, sizeof(list), "%s", engines);
	for (char *e = strtok_r(list, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		snprintf(cmd, sizeof(cmd), "%s/run.%s.csv", dir, e);
		cr_assert(access(cmd, R_OK) == 0,
			  "the %s engine wrote no CSV; the recorder said: %s", e, r.err);
	}
	save = NULL;
	run_free(&r);

	snprintf(list, sizeof(list), "%s", engines);
	for (char *e = strtok_r(list, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(files);

		snprintf(files + len, sizeof(files) - len, " '%s/run.%s.csv'", dir, e);
	}
	snprintf(cmd, sizeof(cmd), "'%s' --compare%s", PROG_RECONSTRUCT, files);
	r = run_sh(cmd, NULL);
	cr_expect_eq(r.status, 0, "the engines disagree (exit %d):\n%s%s", r.status, r.out, r.err);
	run_free(&r);

	snprintf(cmd, sizeof(cmd), "'%s' --compare --format json%s", PROG_RECONSTRUCT, files);
	r = run_sh(cmd, NULL);
	doc = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(doc, "bad JSON (%s): %s %s", jerr.text, r.out, r.err);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "match")), "pid",
			 "one run must be matched by pid: %s",
			 json_string_value(json_object_get(doc, "match_reason")));
	/* root, 40 true, the pipeline (3), false, sleep, sh -c, the subshell and its
	 * trues (dash execs the last one in place), sleep 0.2: 50 with dash */
	cr_expect_geq(json_integer_value(json_object_get(doc, "processes")), 49, "%s", r.out);
	cr_expect_eq(json_integer_value(json_object_get(doc, "in_every_file")),
		     json_integer_value(json_object_get(doc, "processes")), "%s", r.out);
	json_decref(doc);
	run_free(&r);
	tmpdir_cleanup();
}

/* the scratch directory goes also when a test fails */
TestSuite(compare_e2e, .fini = tmpdir_cleanup);

Test(compare_e2e, ftrace_and_ptrace_agree, .timeout = 120)
{
	record_and_compare("ftrace,ptrace");
}

/* ftrace and trace-cmd each use their own tracefs instance, so they run together */
Test(compare_e2e, three_engines_agree, .timeout = 120)
{
	record_and_compare("ftrace,ptrace,tracecmd");
}
