// SPDX-License-Identifier: MIT
/*
 * Strict streaming CSV reader.
 *
 * The file is read in large chunks; a record is first located (its end
 * found while tracking quotes), then split into fields with quotes undone in
 * place, so the reconstructor's hot loop does no per-field allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_read-private.h"
#include "err.h"
#include "num.h"

#define RBUF_INIT (1024 * 1024)

int csv_read_fail(struct csv_reader *r, unsigned long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	/* fmt's arguments may point into the error buffer itself (err_msg()) */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set("%s:%lu: %s", r->name, line, msg);
	errno = EINVAL;
	return -1;
}

/* Read more input, keeping buf[pos, end).  Returns bytes read, 0 at EOF, -1. */
static ssize_t refill(struct csv_reader *r)
{
	ssize_t n;

	if (r->eof || r->fd < 0) {
		r->eof = true;
		return 0;
	}
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end + 1 >= r->cap) {
		size_t cap = r->cap * 2;
		char *b = realloc(r->buf, cap);

		if (!b) {
			err_set("%s: out of memory (a record larger than %zu bytes?)", r->name,
				r->cap);
			return -1;
		}
		r->buf = b;
		r->cap = cap;
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - 1 - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		err_set("%s: read error: %s", r->name, strerror(errno));
		return -1;
	}
	if (n == 0)
		r->eof = true;
	r->end += n;
	return n;
}

/*
 * Find the end of the record starting at r->pos.  Sets *rec_end to the
 * index of its '\n' (or r->end for a record cut off by EOF).  Returns 1 when
 * a full record is available, 0 for a record cut off by EOF, 2 at a clean
 * EOF, -1 on error.
 */
static int locate(struct csv_reader *r, size_t *rec_end)
{
	size_t scan = r->pos;
	bool inq = false;

	r->rec_quoted = false;
	for (;;) {
		char *p = r->buf + scan, *e = r->buf + r->end;

		while (p < e) {
			if (inq) {
				char *q = memchr(p, '"', e - p);

				if (!q) {
					p = e;
					break;
				}
				/* a doubled quote may straddle the buffer end: decide after refill */
				if (q + 1 == e && !r->eof) {
					p = q;
					break;
				}
				if (q + 1 < e && q[1] == '"') {
					p = q + 2;
					continue;
				}
				inq = false;
				p = q + 1;
			} else {
				size_t n = e - p;
				char *nl = memchr(p, '\n', n);
				char *qq = memchr(p, '"', nl ? (size_t)(nl - p) : n);

				/* only a quote that opens a field quotes; others are junk for split() */
				if (qq && (qq == r->buf + r->pos || qq[-1] == ',')) {
					inq = true;
					r->rec_quoted = true;
					p = qq + 1;
					continue;
				}
				if (qq) {
					p = qq + 1;
					continue;
				}
				if (nl) {
					*rec_end = nl - r->buf;
					return 1;
				}
				p = e;
			}
		}
		scan = p - r->buf;
		if (r->eof) {
			*rec_end = r->end;
			return r->pos == r->end ? 2 : 0;
		}
		size_t old_pos = r->pos;
		ssize_t n = refill(r);

		if (n < 0)
			return -1;
		scan -= old_pos - r->pos;
	}
}

__attribute__((noinline)) int csv_grow_fields(struct csv_reader *r)
{
	int cap = r->fields_cap ? 2 * r->fields_cap : 32;
	struct field *f = realloc(r->fields, cap * sizeof(*f));

	if (!f)
		return -1;
	r->fields = f;
	r->fields_cap = cap;
	return 0;
}

static int push_record_field(void *ctx, char *s, size_t len, bool quoted)
{
	return push_field(ctx, s, len, quoted);
}

/* a CR in [p, e) followed by something other than LF */
static bool lone_cr(const char *p, const char *e)
{
	while ((p = memchr(p, '\r', e - p))) {
		if (++p == e || *p != '\n')
			return true;
	}
	return false;
}

/*
 * Read the next record into r->fields.  Returns 1, 0 at EOF, -1 on error
 * (r->truncated set when the file ended inside it).
 */
static int next_record(struct csv_reader *r)
{
	size_t rec_end, stop;
	int ret = locate(r, &rec_end);
	char *nul;

	if (ret < 0)
		return -1;
	if (ret == 2)
		return 0;
	r->rec_line = r->line;
	/*
	 * Lines ended by CR alone (classic Mac OS) make the whole file one
	 * line: say so rather than "truncated" or a junk version number.
	 */
	if (r->rec_line == 1 && lone_cr(r->buf + r->pos, r->buf + rec_end + (ret == 1))) {
		r->pos = ret == 0 ? r->end : rec_end + 1;
		return csv_read_fail(r, 1,
				     "line ends are CR (\\r) alone: not a proctree CSV "
				     "(convert the line ends to \\n)");
	}
	if (ret == 0) {
		r->truncated = true;
		r->pos = r->end;
		return csv_read_fail(r, r->rec_line,
				     "truncated last record (the file ends inside a row)");
	}
	/* count lines inside the record (quoted newlines: only in a quoted record) */
	for (char *p = r->buf + r->pos;
	     r->rec_quoted && (p = memchr(p, '\n', r->buf + rec_end - p)); p++)
		r->line++;
	r->line++;
	stop = rec_end;
	if (stop > r->pos && r->buf[stop - 1] == '\r')
		stop--;
	nul = memchr(r->buf + r->pos, '\0', stop - r->pos);
	if (nul) {
		r->pos = rec_end + 1;
		return csv_read_fail(r, r->rec_line, "NUL byte in the data (binary junk?)");
	}
	r->nfields = 0;
	ret = split(r, r->buf + r->pos, r->buf + stop, r->rec_line, push_record_field, r);
	r->pos = rec_end + 1;
	return ret < 0 ? -1 : 1;
}

static int read_header(struct csv_reader *r)
{
	int ret, i, c;

	ret = next_record(r);
	if (ret <= 0) {
		if (ret == 0 || r->truncated)
			return csv_read_fail(r, r->line,
					     "empty or truncated file: no '#" CSV_FORMAT_NAME
					     ",1' line (is this a proctree CSV?)");
		return -1;
	}
	if (!csv_is_hash(&r->fields[0]) || strcmp(r->fields[0].s, "#" CSV_FORMAT_NAME))
		return csv_read_fail(r, r->rec_line,
				     "not a proctree CSV: the first line must be '#" CSV_FORMAT_NAME
				     ",1'");
	if (r->nfields < 2 || strcmp(r->fields[1].s, "1"))
		return csv_read_fail(r, r->rec_line,
				     "unsupported format version '%s' (this reader knows 1)",
				     r->nfields < 2 ? "" : r->fields[1].s);
	r->meta.version = 1;

	for (;;) {
		ret = next_record(r);
		if (ret < 0)
			return -1;
		if (ret == 0)
			return csv_read_fail(r, r->line, "no header row");
		if (!csv_is_hash(&r->fields[0]))
			break;
		if (csv_parse_meta(r) < 0)
			return -1;
	}
	for (c = 0; c < CSV_NCOLS; c++)
		r->col_of[c] = -1;
	for (i = 0; i < r->nfields; i++) {
		for (c = 0; c < CSV_NCOLS; c++) {
			if (strcmp(r->fields[i].s, csv_col_names[c]))
				continue;
			if (r->col_of[c] >= 0)
				return csv_read_fail(r, r->rec_line, "column '%s' appears twice",
						     csv_col_names[c]);
			r->col_of[c] = i;
		}
	}
	for (c = 0; c < CSV_NREQUIRED; c++)
		if (r->col_of[c] < 0)
			return csv_read_fail(r, r->rec_line, "header row lacks the '%s' column",
					     csv_col_names[c]);
	r->ncols = r->nfields;
	return 0;
}

static struct csv_reader *reader_alloc(const char *name)
{
	struct csv_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = strdup(name);
	r->line = 1;
	r->fd = -1;
	if (!r->name) {
		free(r);
		return NULL;
	}
	return r;
}

struct csv_reader *csv_reader_open(const char *path)
{
	struct csv_reader *r = reader_alloc(path);

	if (!r) {
		err_set("out of memory");
		return NULL;
	}
	if (!strcmp(path, "-"))
		r->fd = dup(0);
	else
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		err_set("%s: %s", path, strerror(errno));
		goto error;
	}
	r->cap = RBUF_INIT;
	r->buf = malloc(r->cap);
	if (!r->buf) {
		err_set("out of memory");
		goto error;
	}
	if (read_header(r) < 0)
		goto error;
	return r;
error:
	csv_reader_free(r);
	return NULL;
}

struct csv_reader *csv_reader_new_mem(const char *name, const char *buf, size_t len)
{
	struct csv_reader *r = reader_alloc(name);

	if (!r) {
		err_set("out of memory");
		return NULL;
	}
	r->cap = len + 1;
	r->buf = malloc(r->cap);
	if (!r->buf) {
		err_set("out of memory");
		goto error;
	}
	memcpy(r->buf, buf, len);
	r->end = len;
	r->eof = true;
	if (read_header(r) < 0)
		goto error;
	return r;
error:
	csv_reader_free(r);
	return NULL;
}

int csv_reader_next(struct csv_reader *r, struct csv_event *ev)
{
	for (;;) {
		int ret;

		if (r->done)
			return 0;
		ret = next_record(r);
		if (ret == 0 || (ret < 0 && r->truncated)) {
			r->done = true;
			return ret;
		}
		if (ret < 0)
			return -1;
		if (csv_is_hash(&r->fields[0])) {
			if (csv_parse_trailer(r) < 0)
				return -1;
			continue;
		}
		if (r->in_trailer)
			return csv_read_fail(r, r->rec_line, "event row after the trailer");
		if (r->nfields != r->ncols)
			return csv_read_fail(r, r->rec_line, "expected %d fields, found %d",
					     r->ncols, r->nfields);
		if (csv_parse_event(r, ev) < 0)
			return -1;
		return 1;
	}
}

const struct csv_meta *csv_reader_meta(const struct csv_reader *r)
{
	return &r->meta;
}

const struct csv_trailer *csv_reader_trailer(const struct csv_reader *r)
{
	return &r->trailer;
}

unsigned long csv_reader_line(const struct csv_reader *r)
{
	return r->rec_line;
}

const char *csv_reader_name(const struct csv_reader *r)
{
	return r->name;
}

bool csv_reader_truncated(const struct csv_reader *r)
{
	return r->truncated;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	for (int i = 0; i < r->nmeta_strs; i++)
		free(r->meta_strs[i]);
	csv_strvec_free(&r->meta_keys);
	csv_strvec_free(&r->meta_vals);
	csv_strvec_free(&r->trail_keys);
	csv_strvec_free(&r->trail_vals);
	csv_strvec_free(&r->command);
	free(r->fields);
	free(r->argv);
	free(r->buf);
	free(r->name);
	free(r);
}
