// SPDX-License-Identifier: MIT
/*
 * Every engine on every scenario: record the workload, rebuild its tree with
 * proctree-reconstruct --format json, and compare with what the workload
 * said about itself (docs/scenarios.md).
 *
 * Engines: the names in PROCTREE_ENGINES (default bpf,ftrace,ptrace,tracecmd);
 * the others are skipped as deselected.  A selected engine that cannot run
 * here (not implemented yet, no root) is skipped with the reason, and under
 * CI=true that skip is a failure.
 */
#include <criterion/criterion.h>
#include <criterion/options.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "serial_main.h"
#include "skip.h"

/* Engines this suite knows; PROCTREE_ENGINES must not name others. */
static const char *const known_engines[] = { "bpf", "ftrace", "ptrace", "tracecmd", NULL };

static void scenario(const char *engine, const char *name)
{
	const struct scn_def *d = scn_find(name);
	struct scn_result r;
	char msg[8192];

	cr_assert_not_null(d, "no scenario %s", name);
	if (!scn_engine_selected(engine))
		cr_skip_test("%s is not in PROCTREE_ENGINES", engine);
	enum scn_outcome outcome;

	scn_run_engine(d, engine, &r);
	outcome = r.outcome;
	snprintf(msg, sizeof(msg), "%s", r.msg ? r.msg : "");
	scn_result_clear(&r);
	if (outcome == SCN_SKIP) {
		cr_assert(!test_under_ci(), "CI=true: %s/%s must not skip: %s", engine, name, msg);
		cr_skip_test("%s", msg);
	}
	cr_assert_eq(outcome, SCN_PASS, "%s/%s failed: %s", engine, name, msg);
}

Test(scenarios, engines_known)
{
	const char *list = getenv("PROCTREE_ENGINES");
	char *copy = strdup(list && *list ? list : "bpf,ftrace,ptrace,tracecmd"), *save = NULL, *e;

	for (e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		bool known = false;

		for (int i = 0; known_engines[i]; i++)
			known |= !strcmp(known_engines[i], e);
		cr_expect(known,
			  "PROCTREE_ENGINES names '%s', which this suite does not run: "
			  "add it to tests/test_scenarios.c",
			  e);
	}
	free(copy);
}

#define SCENARIOS(engine)                             \
	Test(engine, forkstorm, .timeout = 150)       \
	{                                             \
		scenario(#engine, "forkstorm");       \
	}                                             \
	Test(engine, pipeline, .timeout = 90)         \
	{                                             \
		scenario(#engine, "pipeline");        \
	}                                             \
	Test(engine, chain, .timeout = 90)            \
	{                                             \
		scenario(#engine, "chain");           \
	}                                             \
	Test(engine, fanout, .timeout = 90)           \
	{                                             \
		scenario(#engine, "fanout");          \
	}                                             \
	Test(engine, threads, .timeout = 90)          \
	{                                             \
		scenario(#engine, "threads");         \
	}                                             \
	Test(engine, spawn, .timeout = 90)            \
	{                                             \
		scenario(#engine, "spawn");           \
	}                                             \
	Test(engine, daemon, .timeout = 90)           \
	{                                             \
		scenario(#engine, "daemon");          \
	}                                             \
	Test(engine, daemon_wait_all, .timeout = 90)  \
	{                                             \
		scenario(#engine, "daemon_wait_all"); \
	}                                             \
	Test(engine, subreaper, .timeout = 90)        \
	{                                             \
		scenario(#engine, "subreaper");       \
	}                                             \
	Test(engine, signals, .timeout = 90)          \
	{                                             \
		scenario(#engine, "signals");         \
	}                                             \
	Test(engine, names, .timeout = 90)            \
	{                                             \
		scenario(#engine, "names");           \
	}                                             \
	Test(engine, pidwrap, .timeout = 300)         \
	{                                             \
		scenario(#engine, "pidwrap");         \
	}

SCENARIOS(bpf)
SCENARIOS(ftrace)
SCENARIOS(ptrace)
SCENARIOS(tracecmd)

/* ftrace and ptrace side by side on one run (one CSV each, both checked). */
#define SIDE_BY_SIDE(scen, tmo)                   \
	Test(ftrace_ptrace, scen, .timeout = tmo) \
	{                                         \
		scenario("ftrace,ptrace", #scen); \
	}

SIDE_BY_SIDE(forkstorm, 200)
SIDE_BY_SIDE(threads, 90)
SIDE_BY_SIDE(signals, 90)
SIDE_BY_SIDE(spawn, 90)
SIDE_BY_SIDE(daemon, 90)

/* all of the kernel engines and ptrace on one run */
#define ALL_ENGINES(scen, tmo)                        \
	Test(bpf_ftrace_ptrace, scen, .timeout = tmo) \
	{                                             \
		scenario("bpf,ftrace,ptrace", #scen); \
	}

ALL_ENGINES(forkstorm, 200)
ALL_ENGINES(threads, 90)
ALL_ENGINES(signals, 90)

/*
 * One test at a time: two recordings at once on a 2-core machine would
 * measure the machine, not the engines.  --jobs on the command line still wins.
 */
SERIAL_MAIN()
