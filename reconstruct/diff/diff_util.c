// SPDX-License-Identifier: MIT
/* What the --diff reports say of one process: its status, wall time, command line and place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff-private.h"
#include "view-private.h"

/**
 * diff_status_of - how @n ended: a code, a signal, still running, or unknown
 * (no exit row: lost, unseen, or an exit row without code and signal)
 */
void diff_status_of(const struct node *n, struct diff_status *s)
{
	s->value = 0;
	if (n->have & NH_SIGNAL) {
		s->kind = DS_SIGNAL;
		s->value = n->signal;
	} else if (n->have & NH_CODE) {
		s->kind = DS_CODE;
		s->value = n->code;
	} else if (n->flags & NF_ALIVE_AT_END) {
		s->kind = DS_RUNNING;
	} else {
		s->kind = DS_UNKNOWN;
	}
}

/** diff_status_eq - the same ending (two unknown endings are the same) */
bool diff_status_eq(const struct diff_status *a, const struct diff_status *b)
{
	return a->kind == b->kind && a->value == b->value;
}

/**
 * diff_wall - the lifetime in *@ns, when both its fork (or first row, for the
 * root) and its exit were seen; false otherwise
 */
bool diff_wall(const struct node *n, uint64_t *ns)
{
	if (!(n->have & NH_START) || !(n->have & NH_END) || n->end_ns < n->start_ns)
		return false;
	*ns = n->end_ns - n->start_ns;
	return true;
}

/**
 * diff_pair_is - does run A's process @ix, matched, differ from its partner
 * in exit status (DK_STATUS), command line (DK_COMMAND) or place (DK_MOVED)?
 */
bool diff_pair_is(const struct diff *d, uint32_t ix, enum diff_kind k)
{
	const struct diff_node *a = &d->run[0].dn[ix];
	struct diff_status sa, sb;

	if (a->match == DIFF_NONE || a->match == 0)
		return false;
	switch (k) {
	case DK_STATUS:
		diff_status_of(d->run[0].byix[ix], &sa);
		diff_status_of(d->run[1].byix[a->match], &sb);
		return !diff_status_eq(&sa, &sb);
	case DK_COMMAND:
		/* a root pairs whatever it ran: only a different command line counts */
		return a->tier != DIFF_TIER_EXACT &&
		       a->key[DIFF_TIER_EXACT] != d->run[1].dn[a->match].key[DIFF_TIER_EXACT];
	default: return a->moved;
	}
}

/** diff_only_top - @x is in its run only, and its parent is not: it heads such a subtree */
bool diff_only_top(const struct diff_run *run, const struct node *x)
{
	const struct node *p = x->parent;

	if (x->flags & NF_SYNTHETIC || run->dn[diff_ix(x)].match != DIFF_NONE)
		return false;
	return !p || p->flags & NF_SYNTHETIC || run->dn[diff_ix(p)].match != DIFF_NONE;
}

/* @s (@len bytes) normalised as the keys see it, NUL-terminated in a malloc'd buffer */
static char *norm_copy(const struct diff *d, const char *s, size_t len, size_t *out_len)
{
	char *p = malloc(2 * len + 9);

	if (!p)
		return NULL;
	*out_len = diff_norm(s, len, p, d->opts.raw);
	p[*out_len] = '\0';
	return p;
}

/**
 * diff_command_line - the process's command as the reports show it: the
 * last exec's arguments normalised (what the match compared), else its
 * filename, else "[comm]"; a malloc'd string of *@len bytes, NULL when out
 * of memory
 */
char *diff_command_line(const struct diff *d, const struct node *n, size_t *len)
{
	const struct exec_rec *x = n->last_exec;
	char *buf = NULL, *a;
	size_t blen = 0, alen;
	FILE *fp = open_memstream(&buf, &blen);

	if (!fp)
		return NULL;
	if (n->flags & NF_SYNTHETIC) {
		fputs("(unknown parent)", fp);
	} else if (x && x->argv && x->argc > 0) {
		const char *s = x->argv->s;

		for (int i = 0; i < x->argc; i++) {
			size_t slen = strlen(s);

			if (i)
				putc(' ', fp);
			a = norm_copy(d, s, slen, &alen);
			if (a)
				tree_text_arg(fp, a, alen);
			free(a);
			s += slen + 1;
		}
	} else if (x && x->filename) {
		a = norm_copy(d, x->filename->s, x->filename->len, &alen);
		if (a)
			tree_text_arg(fp, a, alen);
		free(a);
	} else {
		putc('[', fp);
		if (n->comm)
			tree_text_escaped(fp, n->comm->s, n->comm->len);
		else
			putc('?', fp);
		putc(']', fp);
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	*len = blen;
	return buf;
}

/**
 * diff_norm_argv - the last exec's arguments normalised, back to back and
 * NUL-terminated, in a malloc'd buffer; *@argc their number.  NULL with
 * *@argc -1 when the argv is unknown (or out of memory).
 */
char *diff_norm_argv(const struct diff *d, const struct node *n, int *argc)
{
	const struct exec_rec *x = n->last_exec;
	const char *s;
	char *buf, *o;

	*argc = -1;
	if (!x || !x->argv || x->argc < 0)
		return NULL;
	buf = malloc(2 * (size_t)x->argv->len + 8 * (size_t)x->argc + 8);
	if (!buf)
		return NULL;
	s = x->argv->s;
	o = buf;
	for (int i = 0; i < x->argc; i++) {
		size_t len = strlen(s);

		o += diff_norm(s, len, o, d->opts.raw);
		*o++ = '\0';
		s += len + 1;
	}
	*argc = x->argc;
	return buf;
}

#define PATH_SHOWN 6

/**
 * diff_path - where the process is: its ancestors' command names from the
 * root down, "a > b > c" (the nearest PATH_SHOWN, after "... > " when there
 * are more); "" for a root.  A malloc'd string, NULL when out of memory.
 */
char *diff_path(const struct node *n, size_t *len)
{
	const struct node *up[PATH_SHOWN];
	int k = 0;
	bool more = false;
	char *buf = NULL;
	size_t blen = 0;
	FILE *fp = open_memstream(&buf, &blen);

	if (!fp)
		return NULL;
	for (const struct node *p = n->parent; p; p = p->parent) {
		if (k == PATH_SHOWN) {
			more = true;
			break;
		}
		up[k++] = p;
	}
	if (more)
		fputs("... > ", fp);
	while (k--) {
		const char *s;
		size_t slen;

		if (up[k]->flags & NF_SYNTHETIC) {
			fputs("(unknown parent)", fp);
		} else {
			node_command(up[k], &s, &slen);
			tree_text_escaped(fp, s, slen);
		}
		if (k)
			fputs(" > ", fp);
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	*len = blen;
	return buf;
}
