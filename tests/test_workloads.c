// SPDX-License-Identifier: MIT
/*
 * The scenario workloads run without any tracer: what each says about its
 * process tree must be self-consistent and have the scenario's shape.  This
 * keeps the yardstick honest before it is used to measure the engines.
 */
#include <criterion/criterion.h>
#include <criterion/options.h>
#include <stdio.h>

#include "scenario.h"
#include "serial_main.h"
#include "skip.h"

static void plain(const char *name)
{
	const struct scn_def *d = scn_find(name);
	struct scn_result r;

	cr_assert_not_null(d, "no scenario %s", name);
	scn_run_plain(d, &r);
	if (r.outcome == SCN_SKIP) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", r.msg ? r.msg : "");
		scn_result_clear(&r);
		cr_assert(!test_under_ci(), "CI=true: must not skip: %s", msg);
		cr_skip_test("%s", msg);
	}
	{
		enum scn_outcome outcome = r.outcome;
		char msg[4096];

		snprintf(msg, sizeof(msg), "%s", r.msg ? r.msg : "");
		scn_result_clear(&r);
		cr_assert_eq(outcome, SCN_PASS, "%s", msg);
	}
}

Test(workloads, forkstorm, .timeout = 120)
{
	plain("forkstorm");
}
Test(workloads, pipeline, .timeout = 60)
{
	plain("pipeline");
}
Test(workloads, chain, .timeout = 60)
{
	plain("chain");
}
Test(workloads, fanout, .timeout = 60)
{
	plain("fanout");
}
Test(workloads, threads, .timeout = 60)
{
	plain("threads");
}
Test(workloads, spawn, .timeout = 60)
{
	plain("spawn");
}
Test(workloads, daemon, .timeout = 60)
{
	plain("daemon");
}
Test(workloads, subreaper, .timeout = 60)
{
	plain("subreaper");
}
Test(workloads, signals, .timeout = 60)
{
	plain("signals");
}
Test(workloads, names, .timeout = 60)
{
	plain("names");
}
Test(workloads, pidwrap, .timeout = 240)
{
	plain("pidwrap");
}

/*
 * One at a time: the workloads are fork-heavy and the machine small, and
 * Criterion 2.4's parallel runner leaks a little (LeakSanitizer notices).
 */
SERIAL_MAIN()
