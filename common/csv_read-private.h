/* SPDX-License-Identifier: MIT */
/*
 * Inside the CSV reader: csv_read.c (records), csv_read_row.c (a record as
 * a row) and csv_read_meta.c ('#' lines).
 */
#ifndef PROCTREE_CSV_READ_PRIVATE_H
#define PROCTREE_CSV_READ_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "csv-private.h"

struct field {
	char *s;
	size_t len;
	bool quoted;
};

struct strvec {
	char **v;
	int n, cap;
};

struct csv_reader {
	char *name;
	int fd; /* -1 for a memory reader */
	char *buf;
	size_t cap, pos, end; /* unread data is buf[pos, end) */
	bool eof;
	bool truncated;
	bool done;
	bool in_trailer;
	bool rec_quoted;	/* the record located last has a quoted field */
	unsigned long line;	/* line where the next record starts */
	unsigned long rec_line; /* line of the record last returned */

	struct field *fields;
	int nfields, fields_cap;
	int col_of[CSV_NCOLS]; /* header position of each known column */
	int ncols;	       /* header width */

	const char **argv;
	int argv_cap;

	struct csv_meta meta;
	struct csv_trailer trailer;
	struct strvec meta_keys, meta_vals, trail_keys, trail_vals, command;
	char *meta_strs[8]; /* owned copies for the known meta fields */
	int nmeta_strs;
};

/* a '#' line: its first field starts with '#' and is not quoted */
static inline bool csv_is_hash(const struct field *f)
{
	return !f->quoted && f->len > 0 && f->s[0] == '#';
}

/* err_set("NAME:LINE: ...") and errno EINVAL; returns -1 */
int csv_read_fail(struct csv_reader *r, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* the metadata line just read (r->fields) into r->meta; 0 or -1 */
int csv_parse_meta(struct csv_reader *r);

/* the trailer line just read into r->trailer; 0 or -1 */
int csv_parse_trailer(struct csv_reader *r);

void csv_strvec_free(struct strvec *sv);

/* the record's fields, r->fields, as one row into @ev (csv_read_row.c); 0 or -1 */
int csv_parse_event(struct csv_reader *r, struct csv_event *ev);

/* room for more fields (kept out of line: the common case never calls it) */
int csv_grow_fields(struct csv_reader *r);

static inline int push_field(struct csv_reader *r, char *s, size_t len, bool quoted)
{
	if (r->nfields == r->fields_cap && csv_grow_fields(r) < 0)
		return -1;
	r->fields[r->nfields++] = (struct field){ s, len, quoted };
	return 0;
}

/*
 * Split buf[start, stop) into fields, undoing quotes in place; each field
 * is NUL-terminated (the separator after it is overwritten).  @push
 * (with @ctx) collects the fields.  Returns 0 or -1 with a message.  Inlined into
 * its two callers so @push (the hot per-field step) is inlined too.
 */
static inline __attribute__((always_inline)) int split(
	struct csv_reader *r, char *p, char *stop, unsigned long line,
	int (*push)(void *ctx, char *s, size_t len, bool quoted), void *ctx)
{
	for (;;) {
		char *start = p, *w;
		bool quoted = false;

		if (p < stop && *p == '"') {
			quoted = true;
			w = start;
			p++;
			for (;;) {
				char *q = memchr(p, '"', stop - p);

				if (!q)
					return csv_read_fail(r, line, "unterminated quoted field");
				memmove(w, p, q - p);
				w += q - p;
				if (q + 1 < stop && q[1] == '"') {
					*w++ = '"';
					p = q + 2;
					continue;
				}
				p = q + 1;
				break;
			}
			if (p < stop && *p != ',')
				return csv_read_fail(r, line, "junk after a quoted field");
		} else {
			/* fields are short: a byte loop beats two memchr() calls each */
			char *c = p;

			while (c < stop && *c != ',' && *c != '"')
				c++;
			if (c < stop && *c == '"')
				return csv_read_fail(r, line, "quote inside an unquoted field");
			p = c;
			w = c;
		}
		if (push(ctx, start, w - start, quoted) < 0)
			return csv_read_fail(r, line, "out of memory");
		if (p >= stop) {
			*w = '\0';
			return 0;
		}
		*w = '\0';
		p++; /* past ',' */
		if (p == stop) {
			/* trailing comma: one more, empty field */
			if (push(ctx, p, 0, false) < 0)
				return csv_read_fail(r, line, "out of memory");
			*p = '\0';
			return 0;
		}
	}
}

#endif
