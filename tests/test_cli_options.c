// SPDX-License-Identifier: MIT
/*
 * Both programs' command lines (issue 15, items 3 and 4), checked against
 * their option tables (recorder/rec_options.h, reconstruct/recon_options.h
 * and the outputs table recon_outputs.c builds the rest from)
 * so that a new option cannot be missing from --help or escape the error
 * conventions: --version gives the project version and the git revision;
 * --help names every long option and the short letter of each option that
 * has one, every mode, and the man pages rather than repository paths;
 * usage errors are getopt_long's messages, one line, exit status 2, and
 * never name a letter the help does not show.  No privilege needed: every
 * run stops at the command line.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../reconstruct/recon_options.h"
#include "../reconstruct/recon_outputs.h"
#include "../recorder/rec_options.h"
#include "progs.h"
#include "pt_version.h"
#include "run.h"

/* Run @argv (argv[0] the program) from the fixtures directory: it must exit, not be killed. */
static struct run run_in_fixtures(char *const *argv)
{
	struct run r = run_argv(argv, &(struct run_opts){ .dir = FIXTURES_DIR });

	cr_assert_eq(r.signal, 0, "%s did not exit: signal %d", argv[0], r.signal);
	return r;
}

/* run(PROG, "arg", ..., NULL) */
#define run(...) run_in_fixtures((char *const[]){ __VA_ARGS__, NULL })

static bool one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return s[0] && nl && !nl[1];
}

/* "--name" in @text as a whole option name (not the start of a longer one) */
static bool mentions(const char *text, const char *name)
{
	char want[64];
	size_t len;

	len = (size_t)snprintf(want, sizeof(want), "--%s", name);
	for (const char *p = strstr(text, want); p; p = strstr(p + 1, want)) {
		char after = p[len];

		if ((p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '-')) &&
		    !(isalnum((unsigned char)after) || after == '-'))
			return true;
	}
	return false;
}

/* A usage error: exit 2, exactly "@prefix@msg\n" on stderr, nothing on stdout. */
static void expect_usage_error(struct run r, const char *what, const char *want)
{
	cr_expect_eq(r.status, 2, "%s: exit status %d", what, r.status);
	cr_expect(one_line(r.err), "%s: one line on stderr: '%s'", what, r.err);
	cr_expect_not_null(strstr(r.err, want), "%s: '%s' not in '%s'", what, want, r.err);
	cr_expect_str_empty(r.out, "%s: stdout: %s", what, r.out);
	run_free(&r);
}

/*
 * "PROG X.Y.Z (git REV)": the version exactly (pt_version.h, made from the
 * project's VERSION); the revision by its shape only, since a commit made
 * after a partial rebuild may leave this test and the program with
 * different ones.
 */
static void expect_version(const char *prog, struct run r)
{
	char want[256];
	regex_t re;

	snprintf(want, sizeof(want), "%s %s%s", prog, PT_VERSION,
		 PT_GIT_REVISION[0] ? " (git " : "\n");
	cr_expect_eq(r.status, 0);
	cr_expect(!strncmp(r.out, want, strlen(want)), "'%s' does not start with '%s'", r.out,
		  want);
	cr_expect_str_empty(r.err);
	/* the shape, whatever the build: "NAME X.Y.Z" then, from a checkout, "(git REV)" */
	cr_assert_eq(regcomp(&re,
			     "^proctree-[a-z]+ [0-9]+\\.[0-9]+\\.[0-9]+"
			     "( \\(git [0-9a-f]{7,}(-dirty)?\\)| \\(git [A-Za-z0-9._+-]+\\))?\n$",
			     REG_EXTENDED),
		     0);
	cr_expect_eq(regexec(&re, r.out, 0, NULL, 0), 0, "version line '%s'", r.out);
	regfree(&re);
	run_free(&r);
}

Test(cli_options, version)
{
	expect_version("proctree-record", run(PROG_RECORD, "--version"));
	expect_version("proctree-reconstruct", run(PROG_RECONSTRUCT, "--version"));
	expect_version("proctree-reconstruct", run(PROG_RECONSTRUCT, "--compare", "--version"));
	expect_version("proctree-reconstruct", run(PROG_RECONSTRUCT, "--diff", "--version"));
	/* --version wins over what follows, as --help does */
	expect_version("proctree-record", run(PROG_RECORD, "--version", "--", "/bin/false"));
	/* built from a checkout: the revision is there (the tests run from one) */
	if (access(FIXTURES_DIR "/../../.git", F_OK) == 0)
		cr_expect_neq(PT_GIT_REVISION[0], '\0', "built in a git checkout, no revision");
}

/* Every long option of @opts, and "-X, --long" for each letter of @shortopts. */
static void expect_lists(const char *what, const char *help, const struct option *opts,
			 const char *shortopts)
{
	for (const struct option *o = opts; o->name; o++)
		cr_expect(mentions(help, o->name), "%s: --help does not mention --%s", what,
			  o->name);
	for (const char *s = shortopts; *s; s++) {
		char want[64];

		if (*s == '+' || *s == '-' || *s == ':')
			continue;
		for (const struct option *o = opts; o->name; o++) {
			if (o->val != *s)
				continue;
			snprintf(want, sizeof(want), "-%c, --%s", *s, o->name);
			cr_expect_not_null(strstr(help, want), "%s: --help lacks '%s'", what, want);
		}
	}
	cr_expect_null(strstr(help, "docs/"), "%s: --help names a repository path", what);
	cr_expect_null(strstr(help, ".md"), "%s: --help names a repository file", what);
}

Test(cli_options, record_help_lists_every_option_and_the_man_pages)
{
	struct run r = run(PROG_RECORD, "--help");

	cr_expect_eq(r.status, 0);
	cr_expect_str_empty(r.err);
	expect_lists("proctree-record", r.out, rec_longopts, REC_SHORTOPTS);
	/* both modes */
	cr_expect_not_null(strstr(r.out, "-- COMMAND"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "--convert FILE.dat"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "proctree-record(1)"));
	cr_expect_not_null(strstr(r.out, "proctree-csv(5)"));
	/* -h too, and --help in --convert mode is the same text */
	{
		struct run h = run(PROG_RECORD, "-h"),
			   c = run(PROG_RECORD, "--convert", "x.dat", "--help");

		cr_expect_str_eq(h.out, r.out);
		cr_expect_str_eq(c.out, r.out);
		run_free(&h);
		run_free(&c);
	}
	run_free(&r);
}

Test(cli_options, reconstruct_help_lists_every_option_and_the_man_pages)
{
	struct run r = run(PROG_RECONSTRUCT, "--help"),
		   c = run(PROG_RECONSTRUCT, "--compare", "--help");

	cr_expect_eq(r.status, 0);
	cr_expect_str_empty(r.err);
	/* the main help lists every mode: its own options and --compare's */
	expect_lists("proctree-reconstruct", r.out, recon_longopts(), RECON_SHORTOPTS);
	expect_lists("proctree-reconstruct", r.out, recon_compare_longopts, RECON_SHORTOPTS);
	cr_expect_not_null(strstr(r.out, "--compare [OPTIONS] A.csv B.csv"), "%s", r.out);
	cr_expect_not_null(strstr(r.out, "proctree-reconstruct(1)"));
	cr_expect_not_null(strstr(r.out, "proctree-csv(5)"));
	cr_expect_eq(c.status, 0);
	expect_lists("proctree-reconstruct --compare", c.out, recon_compare_longopts,
		     RECON_SHORTOPTS);
	cr_expect_not_null(strstr(c.out, "proctree-reconstruct(1)"));
	run_free(&r);
	run_free(&c);
}

Test(cli_options, reconstruct_help_lists_every_diff_option)
{
	struct run r = run(PROG_RECONSTRUCT, "--help"),
		   d = run(PROG_RECONSTRUCT, "--diff", "--help");

	/* the main help names the --diff mode and every option of it */
	expect_lists("proctree-reconstruct", r.out, recon_diff_longopts, RECON_SHORTOPTS);
	cr_expect_not_null(strstr(r.out, "--diff [OPTIONS] A.csv B.csv"), "%s", r.out);
	cr_expect_eq(d.status, 0);
	cr_expect_str_empty(d.err);
	expect_lists("proctree-reconstruct --diff", d.out, recon_diff_longopts, RECON_SHORTOPTS);
	cr_expect_not_null(strstr(d.out, "proctree-reconstruct(1)"));
	run_free(&r);
	run_free(&d);
}

/*
 * Every option that takes a value, given none: "option '--NAME' requires
 * an argument"; every one that takes none, given one: "option '--NAME'
 * doesn't allow an argument".  @pre is the mode's first word, or NULL.
 */
static void expect_value_errors(const char *prog, const char *pre, const char *prefix,
				const struct option *opts)
{
	for (const struct option *o = opts; o->name; o++) {
		const char *name = strrchr(prog, '/') + 1;
		char opt[64], want[160], what[160];

		if (pre && !strcmp(o->name, pre + 2))
			continue;
		if (o->has_arg == required_argument) {
			snprintf(opt, sizeof(opt), "--%s", o->name);
			snprintf(want, sizeof(want),
				 "%s: %soption '--%s' requires an argument "
				 "(see --help)\n",
				 name, prefix, o->name);
		} else {
			snprintf(opt, sizeof(opt), "--%s=x", o->name);
			snprintf(want, sizeof(want),
				 "%s: %soption '--%s' doesn't allow an argument "
				 "(see --help)\n",
				 name, prefix, o->name);
		}
		snprintf(what, sizeof(what), "%s %s %s", name, pre ? pre : "", opt);
		{
			struct run r =
				pre ? run((char *)prog, (char *)pre, opt) : run((char *)prog, opt);

			cr_expect_str_eq(r.err, want, "%s", what);
			expect_usage_error(r, what, want);
		}
	}
}

Test(cli_options, missing_or_unwanted_values_name_the_long_option)
{
	expect_value_errors(PROG_RECORD, NULL, "", rec_longopts);
	expect_value_errors(PROG_RECONSTRUCT, NULL, "", recon_longopts());
	expect_value_errors(PROG_RECONSTRUCT, "--compare", "--compare: ", recon_compare_longopts);
	expect_value_errors(PROG_RECONSTRUCT, "--diff", "--diff: ", recon_diff_longopts);
	/* a short option the help shows is named as typed, glibc's way */
	expect_usage_error(run(PROG_RECORD, "-o"), "proctree-record -o",
			   "proctree-record: option requires an argument -- 'o' (see --help)\n");
	expect_usage_error(run(PROG_RECORD, "-q", "-e"), "proctree-record -q -e",
			   "proctree-record: option requires an argument -- 'e' (see --help)\n");
	/* the two cases, word for word */
	expect_usage_error(run(PROG_RECORD, "--output"), "proctree-record --output",
			   "proctree-record: option '--output' requires an argument");
	expect_usage_error(run(PROG_RECONSTRUCT, "--format"), "proctree-reconstruct --format",
			   "proctree-reconstruct: option '--format' requires an argument");
}

Test(cli_options, unknown_options_and_values)
{
	expect_usage_error(run(PROG_RECORD, "--foo", "--", "/bin/true"), "record --foo",
			   "proctree-record: unrecognized option '--foo' (see --help)\n");
	expect_usage_error(run(PROG_RECORD, "--foo=1", "--", "/bin/true"), "record --foo=1",
			   "proctree-record: unrecognized option '--foo' (see --help)\n");
	expect_usage_error(run(PROG_RECORD, "-Z", "--", "/bin/true"), "record -Z",
			   "proctree-record: invalid option -- 'Z' (see --help)\n");
	/* in a bundle, the letter at fault, not the word before it */
	expect_usage_error(run(PROG_RECORD, "--wait-all", "-qZ", "--", "/bin/true"), "record -qZ",
			   "proctree-record: invalid option -- 'Z' (see --help)\n");
	expect_usage_error(run(PROG_RECONSTRUCT, "--foo", "basic.csv"), "reconstruct --foo",
			   "proctree-reconstruct: unrecognized option '--foo' (see --help)\n");
	expect_usage_error(
		run(PROG_RECONSTRUCT, "--compare", "--summary", "basic.csv", "basic.csv"),
		"reconstruct --compare --summary",
		"proctree-reconstruct: --compare: unrecognized option '--summary'");
	/* -f and -s were accepted without the help showing them: not any more */
	expect_usage_error(run(PROG_RECONSTRUCT, "-f", "json", "basic.csv"), "reconstruct -f",
			   "proctree-reconstruct: invalid option -- 'f' (see --help)\n");
	expect_usage_error(run(PROG_RECONSTRUCT, "--max", "3", "basic.csv"), "reconstruct --max",
			   "proctree-reconstruct: option '--max' is ambiguous; possibilities: "
			   "'--max-depth' '--max-rows'\n");
	/* a value outside the choices: coreutils' "invalid argument" */
	expect_usage_error(run(PROG_RECONSTRUCT, "--format", "xml", "basic.csv"),
			   "reconstruct --format xml",
			   "proctree-reconstruct: invalid argument 'xml' for '--format' "
			   "(valid: text, json, csv, events, chrome, dot, svg)\n");
	expect_usage_error(run(PROG_RECONSTRUCT, "--stats-by", "pid", "basic.csv"),
			   "reconstruct --stats-by",
			   "proctree-reconstruct: invalid argument 'pid' for '--stats-by' "
			   "(valid: comm, exe)\n");
	expect_usage_error(
		run(PROG_RECONSTRUCT, "--compare", "--match", "x", "basic.csv", "basic.csv"),
		"reconstruct --compare --match",
		"invalid argument 'x' for '--match' (valid: auto, pid, structure)\n");
	expect_usage_error(
		run(PROG_RECONSTRUCT, "--diff", "--format", "csv", "basic.csv", "basic.csv"),
		"reconstruct --diff --format csv",
		"--diff: invalid argument 'csv' for '--format' (valid: text, json)\n");
	expect_usage_error(
		run(PROG_RECONSTRUCT, "--diff", "--threshold", "5%", "basic.csv", "basic.csv"),
		"reconstruct --diff --threshold 5%", "--threshold: ");
	expect_usage_error(run(PROG_RECONSTRUCT, "--diff", "basic.csv"),
			   "reconstruct --diff one file", "--diff needs two files");
	expect_usage_error(run(PROG_RECORD, "--output=", "--", "/bin/true"), "record --output=",
			   "proctree-record: invalid argument '' for '--output'\n");
	/* the modes' own rules */
	expect_usage_error(run(PROG_RECORD, "--root", "5", "--", "/bin/true"), "record --root",
			   "--root works only with --convert");
	expect_usage_error(run(PROG_RECORD, "--convert", "x.dat", "--wait-all"),
			   "record --convert --wait-all", "--wait-all does not apply to --convert");
	expect_usage_error(run(PROG_RECORD, "--convert", "x.dat", "--", "ls"),
			   "record --convert ls", "--convert takes no command");
	expect_usage_error(run(PROG_RECORD, "-q"), "record without a command", "no command given");
}

/* Letters @err names ("-X" or "'X'") other than @typed must be shown in @help as "-X,". */
static void expect_shown_letters(const char *what, const char *err, const char *help, char typed)
{
	for (const char *s = err; *s; s++) {
		char shown[8];

		if (!(s[0] == '\'' && isalpha((unsigned char)s[1]) && s[2] == '\'') &&
		    !(s[0] == '-' && isalpha((unsigned char)s[1]) &&
		      !isalnum((unsigned char)s[2]) && s[2] != '-' && (s == err || s[-1] == ' ')))
			continue;
		if (s[1] == typed)
			continue;
		snprintf(shown, sizeof(shown), "-%c,", s[1]);
		cr_expect_not_null(strstr(help, shown),
				   "%s: names -%c, which --help does not show: %s", what, s[1],
				   err);
	}
}

/*
 * No usage error names a letter the help does not show: not for a long
 * option (which maps to a letter inside some parsers), not for any letter
 * typed (only that letter, glibc's "invalid option -- 'x'").
 */
Test(cli_options, errors_never_name_hidden_letters)
{
	struct run rh = run(PROG_RECORD, "--help"), ch = run(PROG_RECONSTRUCT, "--help");
	const struct {
		const char *prog, *help;
		const struct option *opts;
	} progs[] = {
		{ PROG_RECORD, rh.out, rec_longopts },
		{ PROG_RECONSTRUCT, ch.out, recon_longopts() },
	};

	for (size_t p = 0; p < sizeof(progs) / sizeof(progs[0]); p++) {
		for (const struct option *o = progs[p].opts; o->name; o++) {
			char opt[64];
			struct run r;

			snprintf(opt, sizeof(opt), "--%s%s", o->name,
				 o->has_arg == no_argument ? "=1" : "");
			r = run((char *)progs[p].prog, opt);
			expect_shown_letters(opt, r.err, progs[p].help, 0);
			run_free(&r);
		}
		for (int c = 0; c < 52; c++) {
			char letter = c < 26 ? 'a' + c : 'A' + c - 26, opt[4] = { '-', letter, 0 };
			/* a letter that takes a value takes this one; one that does not fails on it */
			struct run r = run((char *)progs[p].prog, opt, "--bogus-end");

			if (r.status != 0) {
				cr_expect_eq(r.status, 2, "%s: exit %d: %s", opt, r.status, r.err);
				cr_expect(one_line(r.err), "%s: '%s'", opt, r.err);
				expect_shown_letters(opt, r.err, progs[p].help, letter);
			}
			run_free(&r);
		}
	}
	run_free(&rh);
	run_free(&ch);
}
