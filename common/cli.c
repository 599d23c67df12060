// SPDX-License-Identifier: MIT
/*
 * Command-line conventions: getopt_long()'s messages in err_msg(), --version.
 *
 * getopt_long() prints its own messages only to stderr, and with opterr set
 * it would print them before main() could add its program name and keep
 * them to one line; with a leading ':' it is silent and says which error it
 * met (':' a missing argument, '?' anything else, optopt the option).  The
 * texts below are glibc's, so that both programs read like every other GNU
 * tool.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "pt_version.h"

/* The long option @name (@len bytes, no "--") resolves to, as getopt_long() does. */
static const struct option *find_long(const struct option *longopts, const char *name, size_t len)
{
	const struct option *found = NULL;

	for (const struct option *o = longopts; o->name; o++) {
		if (strncmp(o->name, name, len))
			continue;
		if (strlen(o->name) == len)
			return o; /* exact */
		if (!found)
			found = o;
	}
	return found;
}

/* "option '--re' is ambiguous; possibilities: '--read-interval' '--reparent-edges'" */
static int ambiguous(const struct option *longopts, const char *name, size_t len)
{
	char list[512];
	size_t used = 0;
	int n = 0;

	list[0] = '\0';
	for (const struct option *o = longopts; o->name; o++) {
		int w;

		if (strncmp(o->name, name, len))
			continue;
		n++;
		w = snprintf(list + used, sizeof(list) - used, " '--%s'", o->name);
		if (w > 0)
			used = (size_t)w >= sizeof(list) - used ? sizeof(list) - 1 : used + w;
	}
	if (n < 2)
		return 0;
	err_set("option '--%.*s' is ambiguous; possibilities:%s", (int)len, name, list);
	return 1;
}

int cli_getopt(int argc, char *const *argv, const char *shortopts, const struct option *longopts)
{
	char opts[128];
	const char *prefix = "";
	const char *tok, *name = NULL, *eq = NULL;
	const struct option *o = NULL;
	bool is_long;
	size_t len = 0;
	int c;

	/* glibc: an ordering flag ('+' or '-') first, then ':' for silent errors */
	if (shortopts[0] == '+' || shortopts[0] == '-') {
		prefix = shortopts[0] == '+' ? "+" : "-";
		shortopts++;
	}
	snprintf(opts, sizeof(opts), "%s:%s", prefix, shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c != ':' && c != '?')
		return c;
	/*
	 * After an error in a long option getopt_long() has always stepped
	 * past it: argv[optind - 1] is the word it came from, and optopt is 0
	 * (unrecognized, ambiguous) or the option's value (an argument given
	 * to an option that takes none, a missing argument).  A short
	 * option's word may not be finished yet ("-xq" stops at 'x' with
	 * optind still on it, argv[optind - 1] being the word before), so a
	 * short option is named by optopt, the letter the user typed.
	 */
	tok = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	is_long = !strncmp(tok, "--", 2) && tok[2];
	if (is_long) {
		name = tok + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = find_long(longopts, name, len);
		if (c == '?' && optopt)
			is_long = eq && o && o->has_arg == no_argument && o->val == optopt;
	}
	if (!is_long) {
		if (c == ':')
			err_set("option requires an argument -- '%c' (see --help)", optopt);
		else if (optopt > ' ' && optopt < 127)
			err_set("invalid option -- '%c' (see --help)", optopt);
		else
			err_set("invalid option (see --help)");
	} else if (c == ':' && o) {
		err_set("option '--%s' requires an argument (see --help)", o->name);
	} else if (optopt && o) {
		err_set("option '--%s' doesn't allow an argument (see --help)", o->name);
	} else if (!ambiguous(longopts, name, len)) {
		err_set("unrecognized option '--%.*s' (see --help)", (int)len, name);
	}
	return '?';
}

int cli_bad_value(const char *option, const char *value, const char *valid)
{
	if (valid)
		err_set("invalid argument '%s' for '%s' (valid: %s)", value, option, valid);
	else
		err_set("invalid argument '%s' for '%s'", value, option);
	return -1;
}

const char *cli_version(void)
{
	return PT_VERSION;
}

const char *cli_git_revision(void)
{
	return PT_GIT_REVISION;
}

char *cli_version_line(char *buf, size_t size, const char *prog)
{
	if (PT_GIT_REVISION[0])
		snprintf(buf, size, "%s %s (git %s)", prog, PT_VERSION, PT_GIT_REVISION);
	else
		snprintf(buf, size, "%s %s", prog, PT_VERSION);
	return buf;
}
