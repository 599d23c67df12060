/* SPDX-License-Identifier: MIT */
/* The formats tests' fixtures built into trees and rendered by a writer (test_formats*.c). */
#ifndef PROCTREE_TEST_FORMATS_UTIL_H
#define PROCTREE_TEST_FORMATS_UTIL_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "tree.h"

#define FMT_DIR FIXTURES_DIR "/formats"

static inline struct tree *build(const char *path)
{
	struct csv_reader *r = csv_reader_open(path);
	struct tree *t;

	cr_assert_not_null(r, "%s", err_msg());
	t = tree_new(NULL);
	cr_assert_not_null(t);
	cr_assert_geq(tree_read(t, r), 0, "%s: %s", path, err_msg());
	csv_reader_free(r);
	return t;
}

enum kind { K_CHROME, K_DOT, K_SVG, K_COMPACT, K_CRITICAL, K_STATS_COMM, K_STATS_EXE, K_JSON };

static inline char *render(const struct tree *t, enum kind k, const struct tree_view_opts *o,
			   size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *ms = open_memstream(&buf, &n);
	int ret = -1;

	cr_assert_not_null(ms);
	switch (k) {
	case K_CHROME: ret = tree_write_chrome(t, o, ms); break;
	case K_DOT: ret = tree_write_dot(t, o, ms); break;
	case K_SVG: ret = tree_write_svg(t, o, ms); break;
	case K_COMPACT: ret = tree_write_compact(t, o, ms); break;
	case K_CRITICAL: ret = tree_write_critical_path(t, ms); break;
	case K_STATS_COMM: ret = tree_write_stats_by(t, TREE_STATS_COMM, ms); break;
	case K_STATS_EXE: ret = tree_write_stats_by(t, TREE_STATS_EXE, ms); break;
	case K_JSON: ret = tree_write_json(t, ms); break;
	}
	cr_assert_eq(ret, 0, "%s", err_msg());
	fclose(ms);
	if (len)
		*len = n;
	return buf;
}

/* ---- the SVG: a small well-formedness checker ---- */

static inline bool utf8_ok(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		size_t n = c < 0x80	    ? 1
			   : (c >> 5) == 6  ? 2
			   : (c >> 4) == 14 ? 3
			   : (c >> 3) == 30 ? 4
					    : 0;

		if (!n || i + n > len || (c < 0x20 && c != '\n' && c != '\t' && c != '\r'))
			return false;
		for (size_t k = 1; k < n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += n;
	}
	return true;
}

static inline bool entity_ok(const char *p)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };

	for (size_t i = 0; i < 5; i++)
		if (!strncmp(p, ents[i], strlen(ents[i])))
			return true;
	return p[1] == '#' && strchr(p, ';');
}

/* tags nest and match, attributes are quoted, text has no stray < or &; one root */
static inline void check_xml(const char *doc, size_t len)
{
	const char *stack[256];
	size_t lens[256], depth = 0, roots = 0;
	const char *p = doc, *end = doc + len;

	cr_assert(utf8_ok((const unsigned char *)doc, len), "not UTF-8 or has control bytes");
	cr_assert(!strncmp(p, "<?xml ", 6));
	p = strstr(p, "?>");
	cr_assert_not_null(p);
	p += 2;
	while (p < end) {
		if (*p == '&') {
			cr_assert(entity_ok(p), "bad entity at %.20s", p);
			p++;
			continue;
		}
		if (*p == '>') {
			cr_assert_fail("stray > at offset %td", p - doc);
		}
		if (*p != '<') {
			cr_assert(depth || *p == '\n' || *p == ' ',
				  "text outside the root at %.20s", p);
			p++;
			continue;
		}
		if (p[1] == '/') {
			const char *n = p + 2;
			size_t l = strcspn(n, " >");

			cr_assert_gt(depth, 0, "close tag without open at %.20s", p);
			depth--;
			cr_assert(l == lens[depth] && !strncmp(n, stack[depth], l),
				  "</%.*s> closes <%.*s>", (int)l, n, (int)lens[depth],
				  stack[depth]);
			p = strchr(p, '>') + 1;
			continue;
		}
		{
			const char *n = p + 1, *q;
			size_t l = strcspn(n, " />\n");

			cr_assert_gt(l, 0);
			q = n + l;
			for (;;) {
				while (*q == ' ' || *q == '\n')
					q++;
				if (*q == '/' || *q == '>')
					break;
				/* name="value" */
				while (*q && *q != '=' && *q != ' ' && *q != '>')
					q++;
				cr_assert_eq(*q, '=', "attribute without a value in <%.*s>", (int)l,
					     n);
				cr_assert_eq(q[1], '"', "unquoted attribute in <%.*s>", (int)l, n);
				q += 2;
				while (*q && *q != '"') {
					cr_assert(*q != '<', "< in an attribute of <%.*s>", (int)l,
						  n);
					if (*q == '&')
						cr_assert(entity_ok(q),
							  "bad entity in an attribute");
					q++;
				}
				cr_assert_eq(*q, '"');
				q++;
			}
			if (!depth)
				roots++;
			if (*q == '/') {
				cr_assert_eq(q[1], '>');
				p = q + 2;
			} else {
				cr_assert_lt(depth, 256);
				stack[depth] = n;
				lens[depth++] = l;
				p = q + 1;
			}
		}
	}
	cr_assert_eq(depth, 0, "%zu elements left open", depth);
	cr_assert_eq(roots, 1);
}

#endif
