/* SPDX-License-Identifier: MIT */
/* Inside the CSV reader: csv_read.c (records, rows) and csv_read_meta.c ('#' lines). */
#ifndef PROCTREE_CSV_READ_PRIVATE_H
#define PROCTREE_CSV_READ_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
