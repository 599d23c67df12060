// SPDX-License-Identifier: MIT
/*
 * The text tree: one line per process incarnation, indented two spaces per
 * level:
 *
 *   PID COMMAND +START DURATION STATUS [threads=N] [flags]
 *
 * Names are bytes: control characters, backslash and bytes that are not
 * UTF-8 are shown as \n, \t, \\ or \xNN so one process is one line.
 *
 * Indentation stops at TEXT_INDENT_MAX levels: deeper lines are indented
 * like that level and start with "[depth N] ".  Two spaces per level for a
 * chain of a million processes would be a terabyte of spaces; capped, the
 * output grows linearly with the tree.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "obuf.h"
#include "signame.h"
#include "tree-private.h"

static inline bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

static void put_escaped(struct obuf *o, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		size_t run = i, n;
		unsigned c;

		while (run < len && plain(s[run]))
			run++;
		ob_write(o, s + i, run - i);
		i = run;
		if (i == len)
			break;
		c = s[i];
		n = c >= 0x80 ? utf8_seq(s + i, len - i) : 0;
		if (n) {
			ob_write(o, s + i, n);
			i += n;
			continue;
		}
		i++;
		if (c == '\\') {
			ob_write(o, "\\\\", 2);
		} else if (c == '\n') {
			ob_write(o, "\\n", 2);
		} else if (c == '\t') {
			ob_write(o, "\\t", 2);
		} else {
			static const char hex[] = "0123456789abcdef";
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			ob_write(o, e, 4);
		}
	}
}

/* an argument that would read as two (or as nothing) is single-quoted */
static void put_arg(struct obuf *o, const char *s, size_t len)
{
	bool quote = len == 0 || strpbrk(s, " '\"") != NULL;

	if (!quote) {
		put_escaped(o, s, len);
		return;
	}
	ob_putc(o, '\'');
	for (size_t i = 0; i < len;) {
		const char *q = memchr(s + i, '\'', len - i);
		size_t n = q ? (size_t)(q - (s + i)) : len - i;

		put_escaped(o, s + i, n);
		i += n;
		if (q) {
			ob_write(o, "\\'", 2);
			i++;
		}
	}
	ob_putc(o, '\'');
}

static void put_command(struct obuf *o, const struct node *n)
{
	const struct exec_rec *x = n->last_exec;

	if (x && x->argv && x->argc > 0) {
		const char *a = x->argv->s;

		for (int i = 0; i < x->argc; i++) {
			size_t len = strlen(a);

			if (i)
				ob_putc(o, ' ');
			put_arg(o, a, len);
			a += len + 1;
		}
	} else if (x && x->filename) {
		put_arg(o, x->filename->s, x->filename->len);
	} else if (n->comm) {
		ob_putc(o, '[');
		put_escaped(o, n->comm->s, n->comm->len);
		ob_putc(o, ']');
	} else {
		ob_write(o, "[?]", 3);
	}
}

#define TEXT_INDENT_MAX 64

static void put_node(struct obuf *o, const struct tree *t, const struct node *n, uint64_t depth)
{
	if (depth > TEXT_INDENT_MAX) {
		ob_fill(o, ' ', 2 * TEXT_INDENT_MAX);
		ob_puts(o, "[depth ");
		ob_u64(o, depth);
		ob_write(o, "] ", 2);
	} else {
		ob_fill(o, ' ', 2 * depth);
	}
	if (n->flags & NF_SYNTHETIC) {
		ob_puts(o, "? (unknown parent) [synthetic]\n");
		return;
	}
	ob_i64(o, n->pid);
	ob_putc(o, ' ');
	put_command(o, n);
	ob_write(o, " +", 2);
	/* pre_existing: started before the recording joined it, when is unknown */
	if (n->flags & NF_PRE_EXISTING)
		ob_putc(o, '?');
	else
		ob_secs(o, n->start_ns - t->first_ns);
	ob_putc(o, ' ');
	if (n->have & NH_END && n->flags & NF_PRE_EXISTING)
		ob_putc(o, '>'); /* it lived longer than it was recorded */
	if (n->have & NH_END)
		ob_secs(o, n->end_ns - n->start_ns);
	else
		ob_putc(o, '?');
	if (n->have & NH_SIGNAL) {
		const char *name = signame(n->signal);

		ob_write(o, " signal ", 8);
		if (name)
			ob_puts(o, name);
		else
			ob_u64(o, n->signal);
	} else if (n->have & NH_CODE) {
		ob_write(o, " code ", 6);
		ob_u64(o, n->code);
	} else if (n->flags & NF_ALIVE_AT_END) {
		ob_puts(o, " running");
	} else {
		ob_puts(o, " exit ?");
	}
	if (n->threads) {
		ob_puts(o, " threads=");
		ob_u64(o, n->threads);
	}
	if (n->flags) {
		const char *sep = " [";

		for (int f = 0; f < NF_COUNT; f++) {
			if (!(n->flags & (1u << f)))
				continue;
			ob_puts(o, sep);
			ob_puts(o, tree_flag_names[f]);
			sep = ",";
		}
		ob_putc(o, ']');
	}
	ob_putc(o, '\n');
}

int tree_write_text(const struct tree *t, FILE *fp)
{
	struct obuf *o = ob_new(fp);
	struct tree_walk w;
	struct node *n;
	bool ok;

	if (!o)
		return -1;
	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w))
		put_node(o, t, n, w.depth);
	if (t->sum.lost_rows) {
		ob_puts(o, "lost: ");
		ob_u64(o, t->sum.lost_events);
		ob_puts(o, " events in ");
		ob_u64(o, t->sum.lost_rows);
		ob_puts(o, t->sum.lost_rows == 1 ? " window" : " windows");
		if (t->sum.lost_rows_uncounted) {
			ob_puts(o, " (");
			ob_u64(o, t->sum.lost_rows_uncounted);
			ob_puts(o, " of unknown size)");
		}
		ob_putc(o, '\n');
	}
	ok = ob_flush(o);
	free(o);
	if (!ok || ferror(fp)) {
		err_set("write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* the text escaping above, for the other text views (compact, critical path) */
void tree_text_escaped(FILE *fp, const char *s, size_t len)
{
	struct obuf *o = ob_scratch(fp);

	if (!o)
		return;
	put_escaped(o, s, len);
	ob_flush(o);
}

/* one argument as the text tree shows it (single-quoted when it has a space or quote) */
void tree_text_arg(FILE *fp, const char *s, size_t len)
{
	struct obuf *o = ob_scratch(fp);

	if (!o)
		return;
	put_arg(o, s, len);
	ob_flush(o);
}

void tree_text_command(FILE *fp, const struct node *n)
{
	struct obuf *o = ob_scratch(fp);

	if (!o)
		return;
	put_command(o, n);
	ob_flush(o);
}
