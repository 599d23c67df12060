// SPDX-License-Identifier: MIT
/*
 * Own and inclusive CPU time on a live run (issue 15 audit): a parent that
 * waits for one CPU-burning child and not for another, which outlives it
 * (tests/workloads/cpu_waited.c).  The truth is each process's
 * getrusage(RUSAGE_SELF), written by the workload just before it exits.
 *
 * Recorded with ptrace (inclusive rows: wait4 added the waited child only)
 * and with ptrace and bpf at once (bpf: own rows), every engine must give
 * the parent its own burnt time as cpu_own_ns, and its own plus the waited
 * child's as cpu_incl_ns: never the orphan's, and both engines must agree.
 * ptrace needs no privilege; bpf needs root and BTF: without them that test
 * skips with the reason (a failure under CI=true, tests/skip.h).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progs.h"
#include "run.h"
#include "skip.h"
#include "slurp.h"
#include "tmpdir.h"

#define WORKLOAD WORKLOADS_DIR "/cpu_waited"

/* what the workload burns, ms: the orphan's share is far above the tolerance */
#define PARENT_MS 300
#define WAITED_MS 200
#define ORPHAN_MS 400

enum { PARENT, WAITED, ORPHAN, NROLES };
static const char *const role_name[NROLES] = { "parent", "waited", "orphan" };

struct truth {
	int pid[NROLES];
	long long self_ns[NROLES];
	long long children_ns; /* the parent's RUSAGE_CHILDREN */
};

struct cpu {
	long long own_ns, incl_ns;
};

/*
 * Close enough: 25 ms plus 5 %.  Both engines read the kernel's figures
 * when the process has exited; the workload reads its own a moment before
 * (then writes a line and exits): well under a millisecond apart here.
 */
static bool near(long long got, long long want)
{
	long long d = got > want ? got - want : want - got;

	return d <= 25000000LL + want / 20;
}

static void read_truth(const char *path, struct truth *t)
{
	char *text = slurp(path), *save = NULL;
	int seen = 0;

	memset(t, 0, sizeof(*t));
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[32];
		int pid;
		long long ns;

		cr_assert_eq(sscanf(line, "%31s %d %lld", name, &pid, &ns), 3, "%s: %s", path,
			     line);
		if (!strcmp(name, "parent_children")) {
			t->children_ns = ns;
			seen |= 1 << NROLES;
			continue;
		}
		for (int r = 0; r < NROLES; r++)
			if (!strcmp(name, role_name[r])) {
				t->pid[r] = pid;
				t->self_ns[r] = ns;
				seen |= 1 << r;
			}
	}
	cr_assert_eq(seen, (1 << (NROLES + 1)) - 1, "%s lacks a line: %s", path, text);
	free(text);
}

/* the reconstructor's cpu_own_ns and cpu_incl_ns of the workload's processes */
static void load(const char *csv, const struct truth *t, struct cpu got[NROLES])
{
	char cmd[1024];
	json_t *doc, *root, *kids;
	int found = 0;
	struct run res;

	snprintf(cmd, sizeof(cmd), "'%s' --format json '%s'", PROG_RECONSTRUCT, csv);
	res = run_sh(cmd, NULL);
	cr_assert_eq(res.status, 0, "%s: %s", cmd, res.err);
	doc = json_loads(res.out, 0, NULL);
	cr_assert_not_null(doc, "%s", res.out);
	root = json_array_get(json_object_get(doc, "roots"), 0);
	cr_assert_eq(json_integer_value(json_object_get(root, "pid")), t->pid[PARENT], "%s", csv);
	got[PARENT].own_ns = json_integer_value(json_object_get(root, "cpu_own_ns"));
	got[PARENT].incl_ns = json_integer_value(json_object_get(root, "cpu_incl_ns"));
	kids = json_object_get(root, "children");
	for (size_t i = 0; i < json_array_size(kids); i++) {
		json_t *k = json_array_get(kids, i);

		for (int r = WAITED; r < NROLES; r++)
			if (json_integer_value(json_object_get(k, "pid")) == t->pid[r]) {
				got[r].own_ns =
					json_integer_value(json_object_get(k, "cpu_own_ns"));
				got[r].incl_ns =
					json_integer_value(json_object_get(k, "cpu_incl_ns"));
				found |= 1 << r;
			}
	}
	cr_assert_eq(found, (1 << WAITED) | (1 << ORPHAN), "%s: the children: %s", csv, res.out);
	json_decref(doc);
	run_free(&res);
}

/* @engine's figures against the truth */
static void check_truth(const char *engine, const struct truth *t, const struct cpu got[NROLES])
{
	long long want_incl = t->self_ns[PARENT] + t->self_ns[WAITED];

	cr_log_info("%s: parent own %lld incl %lld (burnt %lld, with the waited child %lld, "
		    "with the orphan too %lld); waited %lld; orphan %lld ns",
		    engine, got[PARENT].own_ns, got[PARENT].incl_ns, t->self_ns[PARENT], want_incl,
		    want_incl + t->self_ns[ORPHAN], got[WAITED].own_ns, got[ORPHAN].own_ns);
	/* the kernel's own figure: wait4 added the waited child and nothing else */
	cr_assert(near(t->children_ns, t->self_ns[WAITED]), "RUSAGE_CHILDREN %lld, waited %lld",
		  t->children_ns, t->self_ns[WAITED]);
	cr_assert(near(got[PARENT].own_ns, t->self_ns[PARENT]), "%s: parent own %lld, burnt %lld",
		  engine, got[PARENT].own_ns, t->self_ns[PARENT]);
	cr_assert(near(got[PARENT].incl_ns, want_incl), "%s: parent inclusive %lld, want %lld",
		  engine, got[PARENT].incl_ns, want_incl);
	for (int r = WAITED; r < NROLES; r++) {
		cr_assert(near(got[r].own_ns, t->self_ns[r]), "%s: %s own %lld, burnt %lld", engine,
			  role_name[r], got[r].own_ns, t->self_ns[r]);
		cr_assert_eq(got[r].incl_ns, got[r].own_ns, "%s: %s has no children", engine,
			     role_name[r]);
	}
}

/* record the workload with the comma list @engines into @where/run.csv; NULL or its stderr */
static char *record(const char *where, const char *engines)
{
	char cmd[2048];
	struct run r;

	snprintf(cmd, sizeof(cmd),
		 "ASAN_OPTIONS=detect_leaks=0 '%s' -q --processtree-engine %s --wait-all "
		 "-o '%s/run.csv' -- '%s' '%s/truth' %d %d %d",
		 PROG_RECORD, engines, where, WORKLOAD, where, PARENT_MS, WAITED_MS, ORPHAN_MS);
	r = run_sh(cmd, NULL);
	free(r.out);
	if (r.status == 0) {
		free(r.err);
		return NULL;
	}
	cr_log_info("%s: status %d: %s", cmd, r.status, r.err);
	return r.err;
}

/*
 * Each test's scratch directory, made once its skip checks passed and removed
 * by fini also when an assertion failed.  A skip does not run fini
 * (Criterion 2.4): tmpdir_cleanup() first.
 */
static char dir[64];

TestSuite(cpu_times_live, .fini = tmpdir_cleanup);

Test(cpu_times_live, ptrace)
{
	char path[128], *err;
	struct truth t;
	struct cpu got[NROLES];

	tmpdir_make(dir, sizeof(dir), "cpu");
	err = record(dir, "ptrace");
	if (err && strstr(err, "ptrace") && strstr(err, "not permitted")) {
		tmpdir_cleanup();
		TEST_SKIP_OR_FAIL("ptrace is not permitted here: %s", err);
	}
	cr_assert_null(err, "the recording failed: %s", err);
	snprintf(path, sizeof(path), "%s/truth", dir);
	read_truth(path, &t);
	snprintf(path, sizeof(path), "%s/run.csv", dir);
	load(path, &t, got);
	check_truth("ptrace", &t, got);
}

Test(cpu_times_live, ptrace_and_bpf_agree)
{
	char path[128], *err;
	struct truth t;
	struct cpu p[NROLES], b[NROLES];

	if (geteuid() != 0)
		TEST_SKIP_OR_FAIL("the bpf engine needs root (CAP_BPF and CAP_PERFMON)");
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0)
		TEST_SKIP_OR_FAIL("the kernel has no BTF (/sys/kernel/btf/vmlinux): the bpf "
				  "engine cannot load");
	tmpdir_make(dir, sizeof(dir), "cpu");
	/* one run seen by both: the same processes, the same CPU time */
	err = record(dir, "ptrace,bpf");
	cr_assert_null(err, "the recording failed: %s", err);
	snprintf(path, sizeof(path), "%s/truth", dir);
	read_truth(path, &t);
	snprintf(path, sizeof(path), "%s/run.ptrace.csv", dir);
	load(path, &t, p);
	snprintf(path, sizeof(path), "%s/run.bpf.csv", dir);
	load(path, &t, b);
	check_truth("ptrace", &t, p);
	check_truth("bpf", &t, b);
	for (int r = 0; r < NROLES; r++) {
		cr_assert(near(p[r].own_ns, b[r].own_ns), "%s own: ptrace %lld, bpf %lld",
			  role_name[r], p[r].own_ns, b[r].own_ns);
		cr_assert(near(p[r].incl_ns, b[r].incl_ns), "%s inclusive: ptrace %lld, bpf %lld",
			  role_name[r], p[r].incl_ns, b[r].incl_ns);
	}
}
