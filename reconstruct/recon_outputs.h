/* SPDX-License-Identifier: MIT */
/*
 * The outputs of one tree, each registered once in recon_outputs.c: a
 * format (--format NAME) or a text view (--NAME), with its writer, the
 * modifiers it accepts (--summary, --max-depth, ...) and its help line.
 * The option parser, the --help text and the one check of option
 * combinations (recon_check) read that table, so adding an output is adding
 * its row (HACKING.md, "Adding an output").
 *
 *   struct recon_cmdline cl;
 *
 *   recon_cmdline_init(&cl);
 *   while ((c = cli_getopt(argc, argv, RECON_SHORTOPTS, recon_longopts())) != -1)
 *           ... recon_cmdline_option(&cl, c, optarg) for what main() does not take
 *   recon_check(&cl);
 *   recon_output_of(&cl)->write(tree, &cl.args, stdout);
 */
#ifndef PROCTREE_RECON_OUTPUTS_H
#define PROCTREE_RECON_OUTPUTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "tree.h"

/* the modifiers: options that change what an output shows, one bit each */
enum recon_mod {
	RECON_MOD_SUMMARY = 1u << 0,
	RECON_MOD_MAX_DEPTH = 1u << 1,
	RECON_MOD_FILTER = 1u << 2,
	RECON_MOD_REPARENT = 1u << 3,
	RECON_MOD_MAX_ROWS = 1u << 4,
};

/**
 * struct recon_args - what the command line asks of a writer
 * @view: --max-depth, --filter, --reparent-edges, --max-rows
 * @summary: --summary
 * @stats_key: --stats-by's key
 */
struct recon_args {
	struct tree_view_opts view;
	bool summary;
	enum tree_stats_key stats_key;
};

enum recon_kind {
	RECON_FORMAT, /* chosen by --format NAME */
	RECON_VIEW,   /* chosen by its own option --NAME; a text output */
};

/**
 * struct recon_output - one output of a tree
 * @name: a format's --format value, or a view's option without "--"
 * @kind: format or view
 * @arg: the values a view's option takes for --help ("comm|exe"); NULL:
 *       it takes none
 * @parse: a view's value into @a; -1 and err_msg() when it is not one
 * @write: write the tree as @a asks; -1 with err_msg()
 * @accepts: the RECON_MOD_* modifiers it applies; any other is an error
 * @fails_on_input: @write also fails on a tree it cannot show (not only
 *                  on a write error), so its error is not "writing the output"
 * @help: what it shows, for --help (may hold '\n' for a further line)
 */
struct recon_output {
	const char *name;
	enum recon_kind kind;
	const char *arg;
	int (*parse)(struct recon_args *a, const char *value);
	int (*write)(const struct tree *t, const struct recon_args *a, FILE *fp);
	unsigned accepts;
	bool fails_on_input;
	const char *help;
};

/**
 * struct recon_modifier - an option that changes what some outputs show
 * @name: the option without "--"
 * @arg: its value's name for --help ("N"); NULL: it takes none
 * @bit: its RECON_MOD_*
 * @parse: its value into @a; -1 and err_msg() (the caller names the option)
 * @help: what it does, for --help
 */
struct recon_modifier {
	const char *name;
	const char *arg;
	unsigned bit;
	int (*parse)(struct recon_args *a, const char *value);
	const char *help;
};

/* the registered outputs and modifiers, each ending in a row whose name is NULL */
extern const struct recon_output recon_outputs[];
extern const struct recon_modifier recon_modifiers[];

/**
 * struct recon_cmdline - the output a command line chose, as parsed
 * @format: the --format given (the last one), NULL when none was
 * @views: the first two views given (a second one is an error)
 * @mods: the RECON_MOD_* modifiers given
 * @args: what they ask of the writer
 */
struct recon_cmdline {
	const struct recon_output *format;
	const struct recon_output *views[2];
	unsigned mods;
	struct recon_args args;
};

/** recon_cmdline_init - nothing chosen yet: the text tree, no modifier */
void recon_cmdline_init(struct recon_cmdline *cl);

/**
 * recon_longopts - proctree-reconstruct's long options: recon_options.h's
 * recon_base_longopts, then an option for each view and each modifier
 * (getopt values RECON_OPT_VIEW and RECON_OPT_MODIFIER plus the row's index)
 */
const struct option *recon_longopts(void);

/**
 * recon_cmdline_option - take option @opt (a cli_getopt() value) with @value
 *
 * Takes --format, the views and the modifiers.  Returns 1 when it took it, 0
 * when @opt is none of those, -1 with err_msg() on a bad value (the valid
 * ones named).
 */
int recon_cmdline_option(struct recon_cmdline *cl, int opt, const char *value);

/**
 * recon_check - the one check of the combination of options: two views,
 * a view with another --format, a modifier with an output that does not
 * apply it
 *
 * Returns 0, or -1 with err_msg() one line naming the options ("--max-rows
 * does not apply to --format dot; it works with --format svg").
 */
int recon_check(const struct recon_cmdline *cl);

/** recon_output_of - the output @cl chose: its view, else its format, else text */
const struct recon_output *recon_output_of(const struct recon_cmdline *cl);

/**
 * recon_help_outputs - the outputs and modifiers part of --help: the
 * formats, the views, each modifier with the outputs it applies to
 */
void recon_help_outputs(FILE *fp);

/** recon_help_synopsis - "text|json|..." (@kind RECON_FORMAT) or "--compact|...|--stats-by comm|exe" */
void recon_help_synopsis(FILE *fp, enum recon_kind kind);

#endif
