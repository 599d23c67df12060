// SPDX-License-Identifier: MIT
/* Names and command lines inside XML (SVG) and DOT text: escaped, never raw bytes. */
#include <string.h>

#include "view-private.h"

static void put_bytes(FILE *fp, const char *str, size_t len, bool dot)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);
		unsigned c = s[i];

		if (n > 1) {
			fwrite(s + i, 1, n, fp);
			i += n;
			continue;
		}
		i++;
		if (n == 0 || c < 0x20 || c == 0x7f) {
			fputs("\xef\xbf\xbd", fp);
		} else if (dot) {
			if (c == '"' || c == '\\')
				putc_unlocked('\\', fp);
			putc_unlocked(c, fp);
		} else {
			switch (c) {
			case '&': fputs("&amp;", fp); break;
			case '<': fputs("&lt;", fp); break;
			case '>': fputs("&gt;", fp); break;
			case '"': fputs("&quot;", fp); break;
			default: putc_unlocked(c, fp);
			}
		}
	}
}

void xml_put(FILE *fp, const char *s, size_t len)
{
	put_bytes(fp, s, len, false);
}

void dot_put(FILE *fp, const char *s, size_t len)
{
	put_bytes(fp, s, len, true);
}

void put_cmdline(FILE *fp, const struct node *n, void (*put)(FILE *, const char *, size_t))
{
	const struct exec_rec *x = n->last_exec;

	if (x && x->argv && x->argc > 0) {
		const char *a = x->argv->s;

		for (int i = 0; i < x->argc; i++) {
			size_t len = strlen(a);

			if (i)
				putc_unlocked(' ', fp);
			put(fp, a, len);
			a += len + 1;
		}
	} else if (x && x->filename) {
		put(fp, x->filename->s, x->filename->len);
	} else {
		putc_unlocked('[', fp);
		if (n->comm)
			put(fp, n->comm->s, n->comm->len);
		else
			putc_unlocked('?', fp);
		putc_unlocked(']', fp);
	}
}
