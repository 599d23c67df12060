// SPDX-License-Identifier: MIT
/*
 * The text tree: one line per process incarnation, indented two spaces per
 * level:
 *
 *   PID COMMAND +START DURATION STATUS [threads=N] [flags]
 *
 * Names are bytes: control characters, backslash and bytes that are not
 * UTF-8 are shown as \n, \t, \\ or \xNN so one process is one line.
 */
#include <inttypes.h>
#include <string.h>

#include "signame.h"
#include "tree-private.h"

static void put_escaped(FILE *fp, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq(s + i, len - i);
		unsigned c = s[i];

		if (n > 1) {
			fwrite(s + i, 1, n, fp);
			i += n;
			continue;
		}
		i++;
		if (n == 1 && c >= 0x20 && c != 0x7f && c != '\\') {
			putc_unlocked(c, fp);
		} else if (c == '\\') {
			fputs("\\\\", fp);
		} else if (c == '\n') {
			fputs("\\n", fp);
		} else if (c == '\t') {
			fputs("\\t", fp);
		} else {
			fprintf(fp, "\\x%02x", c);
		}
	}
}

/* an argument that would read as two (or as nothing) is single-quoted */
static void put_arg(FILE *fp, const char *s, size_t len)
{
	bool quote = len == 0 || strpbrk(s, " '\"") != NULL;

	if (!quote) {
		put_escaped(fp, s, len);
		return;
	}
	putc_unlocked('\'', fp);
	for (size_t i = 0; i < len;) {
		const char *q = memchr(s + i, '\'', len - i);
		size_t n = q ? (size_t)(q - (s + i)) : len - i;

		put_escaped(fp, s + i, n);
		i += n;
		if (q) {
			fputs("\\'", fp);
			i++;
		}
	}
	putc_unlocked('\'', fp);
}

static void put_command(FILE *fp, const struct node *n)
{
	const struct exec_rec *x = n->last_exec;

	if (x && x->argv && x->argc > 0) {
		const char *a = x->argv->s;

		for (int i = 0; i < x->argc; i++) {
			size_t len = strlen(a);

			if (i)
				putc_unlocked(' ', fp);
			put_arg(fp, a, len);
			a += len + 1;
		}
	} else if (x && x->filename) {
		put_arg(fp, x->filename->s, x->filename->len);
	} else if (n->comm) {
		putc_unlocked('[', fp);
		put_escaped(fp, n->comm->s, n->comm->len);
		putc_unlocked(']', fp);
	} else {
		fputs("[?]", fp);
	}
}

static void put_node(FILE *fp, const struct tree *t, const struct node *n, uint64_t depth)
{
	char buf[64];

	for (uint64_t i = 0; i < depth; i++)
		fputs("  ", fp);
	if (n->flags & NF_SYNTHETIC) {
		fputs("? (unknown parent) [synthetic]\n", fp);
		return;
	}
	fprintf(fp, "%" PRId32 " ", n->pid);
	put_command(fp, n);
	fmt_secs(buf, sizeof(buf), n->start_ns - t->first_ns);
	fprintf(fp, " +%s", buf);
	if (n->have & NH_END) {
		fmt_secs(buf, sizeof(buf), n->end_ns - n->start_ns);
		fprintf(fp, " %s", buf);
	} else {
		fputs(" ?", fp);
	}
	if (n->have & NH_SIGNAL) {
		const char *name = signame(n->signal);

		if (name)
			fprintf(fp, " signal %s", name);
		else
			fprintf(fp, " signal %u", n->signal);
	} else if (n->have & NH_CODE) {
		fprintf(fp, " code %u", n->code);
	} else if (n->flags & NF_ALIVE_AT_END) {
		fputs(" running", fp);
	} else {
		fputs(" exit ?", fp);
	}
	if (n->threads)
		fprintf(fp, " threads=%" PRIu32, n->threads);
	if (n->flags) {
		const char *sep = " [";

		for (int f = 0; f < NF_COUNT; f++) {
			if (!(n->flags & (1u << f)))
				continue;
			fprintf(fp, "%s%s", sep, tree_flag_names[f]);
			sep = ",";
		}
		putc_unlocked(']', fp);
	}
	putc_unlocked('\n', fp);
}

int tree_write_text(const struct tree *t, FILE *fp)
{
	struct tree_walk w;
	struct node *n;

	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w))
		put_node(fp, t, n, w.depth);
	if (t->sum.lost_rows) {
		fprintf(fp, "lost: %" PRIu64 " events in %" PRIu64 " window%s", t->sum.lost_events,
			t->sum.lost_rows, t->sum.lost_rows == 1 ? "" : "s");
		if (t->sum.lost_rows_uncounted)
			fprintf(fp, " (%" PRIu64 " of unknown size)", t->sum.lost_rows_uncounted);
		putc_unlocked('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}
