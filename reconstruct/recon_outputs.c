// SPDX-License-Identifier: MIT
/*
 * The outputs of one tree and the modifiers that change them, registered
 * once; the option parser, --help and the check of combinations all read
 * these two tables (recon_outputs.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "num.h"
#include "recon_options.h"
#include "recon_outputs.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* help columns: the text starts at HELP_COL and wraps before HELP_WIDTH */
#define HELP_COL 20
#define HELP_WIDTH 80

/* ---- the writers, as the table calls them ---- */

static int write_text(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	return a->summary ? tree_write_summary(t, fp) : tree_write_text(t, fp);
}

static int write_json(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	return a->summary ? tree_write_json_summary(t, fp) : tree_write_json(t, fp);
}

static int write_csv(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	(void)a;
	return tree_write_csv(t, fp);
}

static int write_events(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	(void)a;
	return tree_write_events(t, fp);
}

static int write_chrome(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	return tree_write_chrome(t, &a->view, fp);
}

static int write_dot(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	return tree_write_dot(t, &a->view, fp);
}

static int write_svg(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	return tree_write_svg(t, &a->view, fp);
}

static int write_compact(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	return tree_write_compact(t, &a->view, fp);
}

static int write_critical_path(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	(void)a;
	return tree_write_critical_path(t, fp);
}

static int write_stats_by(const struct tree *t, const struct recon_args *a, FILE *fp)
{
	return tree_write_stats_by(t, a->stats_key, fp);
}

static int parse_stats_key(struct recon_args *a, const char *value)
{
	if (!strcmp(value, "comm"))
		a->stats_key = TREE_STATS_COMM;
	else if (!strcmp(value, "exe"))
		a->stats_key = TREE_STATS_EXE;
	else
		return cli_bad_value("--stats-by", value, "comm, exe");
	return 0;
}

/*
 * The outputs, in the order --help and the error messages list them.  The
 * first is the default, and the text a view writes: the only --format a view
 * goes with (recon_check).
 */
/* clang-format off */
const struct recon_output recon_outputs[] = {
	{ .name = "text", .kind = RECON_FORMAT, .write = write_text,
	  .accepts = RECON_MOD_SUMMARY, .help = "the indented tree (the default)" },
	{ .name = "json", .kind = RECON_FORMAT, .write = write_json,
	  .accepts = RECON_MOD_SUMMARY,
	  .help = "one JSON document: metadata, totals, lost events, the tree" },
	{ .name = "csv", .kind = RECON_FORMAT, .write = write_csv,
	  .help = "one row per process" },
	{ .name = "events", .kind = RECON_FORMAT, .write = write_events,
	  .help = "one row per fork, exec and exit, joined to csv by id" },
	{ .name = "chrome", .kind = RECON_FORMAT, .write = write_chrome,
	  .accepts = RECON_MOD_MAX_DEPTH | RECON_MOD_FILTER,
	  .help = "Chrome Trace Event JSON for the Perfetto UI or chrome://tracing" },
	{ .name = "dot", .kind = RECON_FORMAT, .write = write_dot,
	  .accepts = RECON_MOD_MAX_DEPTH | RECON_MOD_FILTER | RECON_MOD_REPARENT,
	  .help = "a Graphviz graph of the tree" },
	{ .name = "svg", .kind = RECON_FORMAT, .write = write_svg,
	  .accepts = RECON_MOD_MAX_DEPTH | RECON_MOD_FILTER | RECON_MOD_MAX_ROWS,
	  .help = "a timeline picture" },
	{ .name = "compact", .kind = RECON_VIEW, .write = write_compact,
	  .accepts = RECON_MOD_MAX_DEPTH | RECON_MOD_FILTER,
	  .help = "the tree with identical sibling subtrees merged (N*[...])" },
	/* a tree without its root has no critical path: an error that is not a write error */
	{ .name = "critical-path", .kind = RECON_VIEW, .write = write_critical_path,
	  .fails_on_input = true, .help = "the processes that bounded the root's wall time" },
	{ .name = "stats-by", .kind = RECON_VIEW, .arg = "comm|exe", .parse = parse_stats_key,
	  .write = write_stats_by, .help = "per command: count, lifetimes, CPU time, failures" },
	{ .name = NULL },
};
/* clang-format on */

/* ---- the modifiers ---- */

static int parse_summary(struct recon_args *a, const char *value)
{
	(void)value;
	a->summary = true;
	return 0;
}

static int parse_max_depth(struct recon_args *a, const char *value)
{
	return num_parse_int(value, 0, 1000000000, &a->view.max_depth);
}

static int parse_filter(struct recon_args *a, const char *value)
{
	if (!*value) {
		err_set("empty command name");
		return -1;
	}
	a->view.filter = value;
	return 0;
}

static int parse_reparent(struct recon_args *a, const char *value)
{
	(void)value;
	a->view.reparent_edges = true;
	return 0;
}

static int parse_max_rows(struct recon_args *a, const char *value)
{
	int rows;

	if (num_parse_int(value, 1, 1000000, &rows) < 0)
		return -1;
	a->view.max_rows = (unsigned)rows;
	return 0;
}

/* clang-format off */
const struct recon_modifier recon_modifiers[] = {
	{ .name = "summary", .bit = RECON_MOD_SUMMARY, .parse = parse_summary,
	  .help = "totals and a per-command table instead of the tree (json: the document "
		  "without \"roots\")" },
	{ .name = "max-depth", .arg = "N", .bit = RECON_MOD_MAX_DEPTH, .parse = parse_max_depth,
	  .help = "down to depth N (the root has depth 0)" },
	{ .name = "filter", .arg = "COMM", .bit = RECON_MOD_FILTER, .parse = parse_filter,
	  .help = "the subtrees running COMM (with their ancestors)" },
	{ .name = "reparent-edges", .bit = RECON_MOD_REPARENT, .parse = parse_reparent,
	  .help = "dashed edges to the reported parent pid" },
	{ .name = "max-rows", .arg = "N", .bit = RECON_MOD_MAX_ROWS, .parse = parse_max_rows,
	  .help = "draw at most N process rows (default 300)" },
	{ .name = NULL },
};
/* clang-format on */

/* ---- the command line ---- */

void recon_cmdline_init(struct recon_cmdline *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->args.view.max_depth = -1;
	cl->args.stats_key = TREE_STATS_COMM;
}

const struct option *recon_longopts(void)
{
	/* each table's terminator leaves room for the one this needs */
	static struct option all[ARRAY_SIZE(recon_base_longopts) + ARRAY_SIZE(recon_outputs) +
				 ARRAY_SIZE(recon_modifiers)];
	size_t n = 0;

	if (all[0].name)
		return all;
	for (const struct option *b = recon_base_longopts; b->name; b++)
		all[n++] = *b;
	for (size_t i = 0; recon_outputs[i].name; i++)
		if (recon_outputs[i].kind == RECON_VIEW)
			all[n++] = (struct option){ recon_outputs[i].name,
						    recon_outputs[i].arg ? required_argument
									 : no_argument,
						    NULL, RECON_OPT_VIEW + (int)i };
	for (size_t i = 0; recon_modifiers[i].name; i++)
		all[n++] =
			(struct option){ recon_modifiers[i].name,
					 recon_modifiers[i].arg ? required_argument : no_argument,
					 NULL, RECON_OPT_MODIFIER + (int)i };
	return all;
}

/* the formats' names, "text, json, csv" (@sep ", ") or "text|json|csv" (@sep "|") */
static void format_names(char *buf, size_t size, const char *sep)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const struct recon_output *o = recon_outputs; o->name && len < size; o++)
		if (o->kind == RECON_FORMAT)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? sep : "",
						o->name);
}

static int take_format(struct recon_cmdline *cl, const char *value)
{
	char valid[256];

	for (const struct recon_output *o = recon_outputs; o->name; o++) {
		if (o->kind == RECON_FORMAT && !strcmp(o->name, value)) {
			cl->format = o;
			return 1;
		}
	}
	format_names(valid, sizeof(valid), ", ");
	return cli_bad_value("--format", value, valid);
}

int recon_cmdline_option(struct recon_cmdline *cl, int opt, const char *value)
{
	size_t i;

	if (opt == RECON_OPT_FORMAT)
		return take_format(cl, value);
	/* the tables' last rows are their terminators */
	if (opt >= RECON_OPT_VIEW && opt < RECON_OPT_VIEW + (int)ARRAY_SIZE(recon_outputs) - 1) {
		const struct recon_output *o = &recon_outputs[opt - RECON_OPT_VIEW];

		if (o->parse && o->parse(&cl->args, value) < 0)
			return -1;
		/* a second view is an error recon_check() names; a third adds nothing */
		if (!cl->views[0])
			cl->views[0] = o;
		else if (!cl->views[1])
			cl->views[1] = o;
		return 1;
	}
	i = (size_t)(opt - RECON_OPT_MODIFIER);
	if (opt < RECON_OPT_MODIFIER || i >= ARRAY_SIZE(recon_modifiers) - 1)
		return 0;
	if (recon_modifiers[i].parse(&cl->args, value) < 0) {
		err_prefix("--%s: ", recon_modifiers[i].name);
		return -1;
	}
	cl->mods |= recon_modifiers[i].bit;
	return 1;
}

const struct recon_output *recon_output_of(const struct recon_cmdline *cl)
{
	return cl->views[0] ? cl->views[0] : cl->format ? cl->format : &recon_outputs[0];
}

/* @o as the command line chose it: "--compact", "--format dot", "--format text (the default)" */
static void chosen_name(const struct recon_cmdline *cl, const struct recon_output *o, char *buf,
			size_t size)
{
	if (o->kind == RECON_VIEW)
		snprintf(buf, size, "--%s", o->name);
	else
		snprintf(buf, size, "--format %s%s", o->name, cl->format ? "" : " (the default)");
}

/* the outputs that apply modifier @bit: "--format chrome, dot, svg or --compact" */
static void applied_by(unsigned bit, char *buf, size_t size)
{
	const struct recon_output *last = NULL;
	enum recon_kind kind = RECON_VIEW;
	size_t len = 0;

	buf[0] = '\0';
	for (const struct recon_output *o = recon_outputs; o->name; o++)
		if (o->accepts & bit)
			last = o;
	for (const struct recon_output *o = recon_outputs; o->name && len < size; o++) {
		if (!(o->accepts & bit))
			continue;
		/* "--format" before the first format of a run of them, "--" before a view */
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s",
					!len	    ? ""
					: o == last ? " or "
						    : ", ",
					o->kind == RECON_VIEW  ? "--"
					: kind != RECON_FORMAT ? "--format "
							       : "",
					o->name);
		kind = o->kind;
	}
}

int recon_check(const struct recon_cmdline *cl)
{
	const struct recon_output *o = recon_output_of(cl);
	char chosen[64], list[256];

	if (cl->views[1]) {
		err_set("one view at a time: --%s and --%s", cl->views[0]->name,
			cl->views[1]->name);
		return -1;
	}
	if (cl->views[0] && cl->format && cl->format != &recon_outputs[0]) {
		err_set("--%s is a text view: it does not apply to --format %s", o->name,
			cl->format->name);
		return -1;
	}
	for (const struct recon_modifier *m = recon_modifiers; m->name; m++) {
		if (!(cl->mods & m->bit) || (o->accepts & m->bit))
			continue;
		chosen_name(cl, o, chosen, sizeof(chosen));
		applied_by(m->bit, list, sizeof(list));
		err_set("--%s does not apply to %s; it works with %s", m->name, chosen, list);
		return -1;
	}
	return 0;
}

/* ---- --help ---- */

/* "  LEAD  TEXT": TEXT from HELP_COL (LEAD on a line of its own when longer), wrapped */
static void help_item(FILE *fp, const char *lead, const char *text)
{
	int col = fprintf(fp, "  %s", lead);

	if (col >= HELP_COL) {
		fputc('\n', fp);
		col = 0;
	}
	fprintf(fp, "%*s", HELP_COL - col, "");
	col = HELP_COL;
	for (const char *p = text; *p;) {
		int w = (int)strcspn(p, " ");

		if (col > HELP_COL && col + 1 + w >= HELP_WIDTH) {
			fprintf(fp, "\n%*s", HELP_COL, "");
			col = HELP_COL;
		} else if (col > HELP_COL) {
			fputc(' ', fp);
			col++;
		}
		col += fprintf(fp, "%.*s", w, p);
		for (p += w; *p == ' '; p++)
			;
	}
	fputc('\n', fp);
}

void recon_help_synopsis(FILE *fp, enum recon_kind kind)
{
	const char *sep = "";

	for (const struct recon_output *o = recon_outputs; o->name; o++) {
		if (o->kind != kind)
			continue;
		fprintf(fp, "%s%s%s%s%s", sep, kind == RECON_VIEW ? "--" : "", o->name,
			o->arg ? " " : "", o->arg ? o->arg : "");
		sep = "|";
	}
}

void recon_help_outputs(FILE *fp)
{
	char lead[64], text[512], list[256];

	fprintf(fp, "Formats (--format F):\n");
	for (const struct recon_output *o = recon_outputs; o->name; o++)
		if (o->kind == RECON_FORMAT)
			help_item(fp, o->name, o->help);
	fprintf(fp, "\nViews (text, one at a time):\n");
	for (const struct recon_output *o = recon_outputs; o->name; o++) {
		if (o->kind != RECON_VIEW)
			continue;
		snprintf(lead, sizeof(lead), "--%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
		help_item(fp, lead, o->help);
	}
	fprintf(fp, "\nModifiers (each with the outputs it applies to):\n");
	for (const struct recon_modifier *m = recon_modifiers; m->name; m++) {
		snprintf(lead, sizeof(lead), "--%s%s%s", m->name, m->arg ? " " : "",
			 m->arg ? m->arg : "");
		applied_by(m->bit, list, sizeof(list));
		snprintf(text, sizeof(text), "%s: %s", list, m->help);
		help_item(fp, lead, text);
	}
}
