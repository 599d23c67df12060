// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct's table of outputs (reconstruct/recon_outputs.c),
 * driven from the table itself so that a new output is covered the day it
 * is registered: every output and modifier is in --help and in the man
 * page; every combination the table rejects (a modifier with an output that
 * does not apply it, two views, a view with another --format) is one line
 * naming the options and exit status 2, and every one it accepts runs.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reconstruct/recon_options.h"
#include "../reconstruct/recon_outputs.h"
#include "progs.h"
#include "run.h"
#include "slurp.h"

#define MAN_PAGE FIXTURES_DIR "/../../man/proctree-reconstruct.1"
/* a tree every output can show, the critical path included */
#define FIXTURE FIXTURES_DIR "/formats/build.csv"

/* "--NAME" in @text as a whole option name (not the start of a longer one) */
static bool mentions(const char *text, const char *opt)
{
	size_t len = strlen(opt);

	for (const char *p = strstr(text, opt); p; p = strstr(p + 1, opt)) {
		char after = p[len];

		if ((p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '-')) &&
		    !(isalnum((unsigned char)after) || after == '-'))
			return true;
	}
	return false;
}

/* @page with roff's escapes for '-' and the zero-width ones taken out */
static char *man_plain(char *page)
{
	char *w = page;

	for (const char *r = page; *r; r++) {
		if (r[0] == '\\' && (r[1] == '-' || r[1] == '%' || r[1] == '&')) {
			if (r[1] == '-')
				*w++ = '-';
			r++;
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	return page;
}

/*
 * The man page has an item (.TP) tagged @word: ".B text" for a format (in
 * --format's list), a tag line naming the option for a view or a modifier.
 */
static bool man_item(const char *man, const char *word)
{
	for (const char *p = strstr(man, ".TP\n"); p; p = strstr(p + 1, ".TP\n")) {
		const char *tag = p + 4, *end = strchr(tag, '\n');
		char line[256];

		if (!end || strncmp(tag, ".B", 2) || (size_t)(end - tag) >= sizeof(line))
			continue;
		snprintf(line, sizeof(line), "%.*s", (int)(end - tag), tag);
		if (word[0] == '-' ? mentions(line, word)
				   : !strcmp(line + 2, word) ||
					     (line[2] == ' ' && !strcmp(line + 3, word)))
			return true;
	}
	return false;
}

/* --help has a line "  LEAD" followed by a space or its end */
static bool help_item(const char *help, const char *lead)
{
	char want[128];
	size_t len = (size_t)snprintf(want, sizeof(want), "\n  %s", lead);

	for (const char *p = strstr(help, want); p; p = strstr(p + 1, want))
		if (p[len] == ' ' || p[len] == '\n')
			return true;
	return false;
}

Test(outputs, every_output_and_modifier_in_help_and_man_page)
{
	char *help, *man = man_plain(slurp(MAN_PAGE));
	struct run r = run_sh(PROG_RECONSTRUCT " --help", NULL);

	cr_assert_eq(r.status, 0, "%s", r.err);
	help = r.out;
	for (const struct recon_output *o = recon_outputs; o->name; o++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "%s%s", o->kind == RECON_VIEW ? "--" : "", o->name);
		cr_expect(help_item(help, opt), "--help has no line for output %s", opt);
		cr_expect(man_item(man, opt), "proctree-reconstruct(1) has no item for output %s",
			  opt);
	}
	for (const struct recon_modifier *m = recon_modifiers; m->name; m++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "--%s", m->name);
		cr_expect(help_item(help, opt), "--help has no line for modifier %s", opt);
		cr_expect(man_item(man, opt), "proctree-reconstruct(1) has no item for modifier %s",
			  opt);
	}
	run_free(&r);
	free(man);
}

/* every modifier applies to some output, and every option the table makes is getopt's */
Test(outputs, the_table_is_whole)
{
	const struct option *longopts = recon_longopts();

	cr_expect_eq(recon_outputs[0].kind, RECON_FORMAT, "the default output is a format");
	for (const struct recon_modifier *m = recon_modifiers; m->name; m++) {
		unsigned by = 0;

		for (const struct recon_output *o = recon_outputs; o->name; o++)
			by |= o->accepts & m->bit;
		cr_expect(by, "--%s applies to no output", m->name);
		cr_expect(m->parse, "--%s: no parser", m->name);
	}
	for (const struct recon_output *o = recon_outputs; o->name; o++) {
		bool found = o->kind == RECON_FORMAT;

		cr_expect(o->write && o->help, "%s: no writer or no help", o->name);
		cr_expect(!o->arg == !o->parse, "%s: a value needs a parser and a name", o->name);
		for (const struct option *l = longopts; l->name && !found; l++)
			found = !strcmp(l->name, o->name) &&
				l->val == RECON_OPT_VIEW + (int)(o - recon_outputs);
		cr_expect(found, "view --%s is not an option", o->name);
	}
}

/* The words that choose @o: "--format dot", "--compact", "--stats-by comm". */
static void chooser(const struct recon_output *o, char *buf, size_t size)
{
	if (o->kind == RECON_FORMAT)
		snprintf(buf, size, "--format %s", o->name);
	else if (o->arg)
		snprintf(buf, size, "--%s %.*s", o->name, (int)strcspn(o->arg, "|"), o->arg);
	else
		snprintf(buf, size, "--%s", o->name);
}

/*
 * Run with @args: status 0 when @ok; else status 2, nothing on stdout and
 * one line on stderr naming @name1 and @name2 (whole options).
 */
static void expect_combination(const char *args, bool ok, const char *name1, const char *name2)
{
	char cmd[1024];
	struct run r;

	snprintf(cmd, sizeof(cmd), "'%s' %s '%s'", PROG_RECONSTRUCT, args, FIXTURE);
	r = run_sh(cmd, NULL);
	if (ok) {
		cr_expect_eq(r.status, 0, "%s: status %d: %s", args, r.status, r.err);
	} else {
		const char *nl = strchr(r.err, '\n');

		cr_expect_eq(r.status, 2, "%s: status %d, want 2", args, r.status);
		cr_expect(nl && !nl[1], "%s: not one line: '%s'", args, r.err);
		cr_expect_str_empty(r.out, "%s: wrote to stdout", args);
		cr_expect(mentions(r.err, name1) && mentions(r.err, name2),
			  "%s: '%s' does not name %s and %s", args, r.err, name1, name2);
	}
	run_free(&r);
}

Test(outputs, every_modifier_with_every_output)
{
	for (const struct recon_output *o = recon_outputs; o->name; o++) {
		for (const struct recon_modifier *m = recon_modifiers; m->name; m++) {
			char choose[64], name[64], opt[64], args[160];

			chooser(o, choose, sizeof(choose));
			snprintf(name, sizeof(name), "--%s", o->name);
			snprintf(opt, sizeof(opt), "--%s", m->name);
			/* "1" is a value every modifier takes */
			snprintf(args, sizeof(args), "%s %s%s", choose, opt, m->arg ? " 1" : "");
			expect_combination(args, o->accepts & m->bit, opt,
					   o->kind == RECON_VIEW ? name : choose);
			/* the default output is the first: the same without --format */
			if (o != recon_outputs)
				continue;
			snprintf(args, sizeof(args), "%s%s", opt, m->arg ? " 1" : "");
			expect_combination(args, o->accepts & m->bit, opt, "--format");
		}
	}
}

Test(outputs, views_with_views_and_formats)
{
	for (const struct recon_output *v = recon_outputs; v->name; v++) {
		char view[64], name[64];

		if (v->kind != RECON_VIEW)
			continue;
		chooser(v, view, sizeof(view));
		snprintf(name, sizeof(name), "--%s", v->name);
		for (const struct recon_output *o = recon_outputs; o->name; o++) {
			char other[64], other_name[64], args[160];

			if (o == v)
				continue;
			chooser(o, other, sizeof(other));
			snprintf(other_name, sizeof(other_name), "--%s", o->name);
			snprintf(args, sizeof(args), "%s %s", view, other);
			/* a view writes text: --format text is no conflict (the default, said) */
			expect_combination(args, o == recon_outputs, name,
					   o->kind == RECON_VIEW ? other_name : "--format");
		}
	}
}
