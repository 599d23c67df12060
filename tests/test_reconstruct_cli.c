// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct as a program: bad input gets one line naming the
 * file and line and exit status 2; a cut-short file still gives its tree.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "progs.h"
#include "run.h"

/* the program with @args (a shell word list), run in the fixtures directory */
static struct run run(const char *args)
{
	char cmd[2048];
	struct run r;

	snprintf(cmd, sizeof(cmd), "'%s' %s", PROG_RECONSTRUCT, args);
	r = run_sh(cmd, &(struct run_opts){ .dir = FIXTURES_DIR });
	cr_assert_eq(r.signal, 0, "%s did not exit normally", cmd);
	return r;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void expect_error(const char *file, const char *what)
{
	char args[256], prefix[256];
	struct run r;

	snprintf(args, sizeof(args), "%s", file);
	r = run(args);
	snprintf(prefix, sizeof(prefix), "proctree-reconstruct: %s:", file);
	cr_expect_eq(r.status, 2, "%s: exit status %d", file, r.status);
	cr_expect_eq(count_lines(r.err), 1, "%s: not one line:\n%s", file, r.err);
	cr_expect(!strncmp(r.err, prefix, strlen(prefix)), "%s: %s", file, r.err);
	cr_expect_not_null(strstr(r.err, what), "%s: '%s' not in: %s", file, what, r.err);
	cr_expect_str_eq(r.out, "", "%s: printed a tree for a bad file", file);
	run_free(&r);
}

Test(cli, bad_input)
{
	expect_error("bad_version.csv", "bad_version.csv:1: unsupported format version");
	expect_error("bad_number.csv", "bad_number.csv:8: column pid: out of range");
	expect_error("bad_fields.csv", "bad_fields.csv:8: expected 22 fields");
	expect_error("bad_kind.csv", "bad_kind.csv:8: unknown kind");
	expect_error("bad_sign.csv", "bad_sign.csv:8: column time_ns: invalid number");
	expect_error("bad_column.csv", "bad_column.csv:6: header row lacks");
	expect_error("bad_binary.csv", "bad_binary.csv:7: NUL byte");
	/* u64 in the CSV, but JSON readers stop at 2^63-1 (found by the fuzzer) */
	expect_error("bad_time_range.csv",
		     "bad_time_range.csv:8: time_ns 10000000001011000000 is beyond");
	expect_error("does_not_exist.csv", "No such file");
	/* issue 14, finding 9: padded numbers, a loss window ending before it starts, CR line ends */
	expect_error("bad_leading_zero.csv",
		     "bad_leading_zero.csv:8: column child_pid: leading zeros in number '0101'");
	expect_error("bad_lost_window.csv",
		     "bad_lost_window.csv:8: lost row ends before it starts");
	expect_error("cr_only.csv", "cr_only.csv:1: line ends are CR (\\r) alone");
}

Test(cli, bad_options)
{
	struct run r = run("--format xml basic.csv");

	cr_expect_eq(r.status, 2);
	cr_expect_eq(count_lines(r.err), 1);
	cr_expect_not_null(strstr(r.err, "invalid argument 'xml' for '--format'"), "%s", r.err);
	run_free(&r);
	r = run("--bogus basic.csv");
	cr_expect_eq(r.status, 2);
	cr_expect_not_null(strstr(r.err, "unrecognized option '--bogus'"), "%s", r.err);
	run_free(&r);
	r = run("");
	cr_expect_eq(r.status, 2);
	cr_expect_not_null(strstr(r.err, "missing FILE.csv"));
	run_free(&r);
	r = run("--window-ms 1x basic.csv");
	cr_expect_eq(r.status, 2);
	cr_expect_not_null(strstr(r.err, "--window-ms"));
	run_free(&r);
}

Test(cli, truncated_reports_and_reconstructs)
{
	struct run r = run("truncated.csv");

	cr_expect_eq(r.status, 0);
	cr_expect_not_null(strstr(r.err, "truncated.csv:13: truncated last record"), "%s", r.err);
	cr_expect_not_null(strstr(r.out, "  170 x "), "%s", r.out);
	run_free(&r);
}

/* a full disk stops the CSV inside a row: truncated last record, and cut short too */
Test(cli, full_disk_is_truncated_and_cut_short)
{
	struct run r = run("full_disk.csv");

	cr_expect_eq(r.status, 0);
	cr_expect_eq(count_lines(r.err), 2, "%s", r.err);
	cr_expect_not_null(strstr(r.err, "full_disk.csv:12: truncated last record"), "%s", r.err);
	cr_expect_not_null(
		strstr(r.err, "full_disk.csv: no #end trailer: the recording was cut short"), "%s",
		r.err);
	cr_expect_not_null(strstr(r.out, "  101 cc -c a.c "), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "  102 [sh] "), "%s", r.out);
	run_free(&r);
}

Test(cli, missing_trailer_is_cut_short)
{
	struct run r = run("no_trailer.csv");

	cr_expect_eq(r.status, 0);
	cr_expect_eq(count_lines(r.err), 1);
	cr_expect_not_null(strstr(r.err, "no #end trailer"), "%s", r.err);
	cr_expect_not_null(strstr(r.err, "cut short"));
	cr_expect_not_null(strstr(r.out, "  171 "));
	run_free(&r);
	r = run("basic.csv");
	cr_expect_str_eq(r.err, "");
	run_free(&r);
}

Test(cli, formats)
{
	struct run r = run("--format json hostile_names.csv");
	json_error_t jerr;
	json_t *doc;

	cr_expect_eq(r.status, 0);
	doc = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(doc, "%s", jerr.text);
	json_decref(doc);
	run_free(&r);
	r = run("--summary --format json fork_lost.csv");
	doc = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(doc, "%s", jerr.text);
	cr_expect_null(json_object_get(doc, "roots"));
	cr_expect_eq(
		json_integer_value(json_object_get(json_object_get(doc, "summary"), "fork_lost")),
		3);
	json_decref(doc);
	run_free(&r);
	r = run("--format csv pid_reuse.csv");
	cr_expect_eq(r.status, 0);
	cr_expect_eq(count_lines(r.out), 6);
	run_free(&r);
	r = run("--summary pid_reuse.csv");
	cr_expect_not_null(strstr(r.out, "exit lost              1\n"), "%s", r.out);
	run_free(&r);
	r = run("- < basic.csv");
	cr_expect_eq(r.status, 0);
	cr_expect_not_null(strstr(r.out, "100 sh -c make"));
	run_free(&r);
}
