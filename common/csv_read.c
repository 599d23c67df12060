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

static __attribute__((noinline)) int grow_fields(struct csv_reader *r)
{
	int cap = r->fields_cap ? 2 * r->fields_cap : 32;
	struct field *f = realloc(r->fields, cap * sizeof(*f));

	if (!f)
		return -1;
	r->fields = f;
	r->fields_cap = cap;
	return 0;
}

static inline int push_field(struct csv_reader *r, char *s, size_t len, bool quoted)
{
	if (r->nfields == r->fields_cap && grow_fields(r) < 0)
		return -1;
	r->fields[r->nfields++] = (struct field){ s, len, quoted };
	return 0;
}

/*
 * Split buf[start, stop) into fields, undoing quotes in place; each field
 * is NUL-terminated (the separator after it is overwritten).  @out collects
 * the fields through @push.  Returns 0 or -1 with a message.  Inlined into
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

static int get_num(struct csv_reader *r, struct csv_event *ev, int col, int64_t min, int64_t max,
		   int64_t *out)
{
	const struct field *f = &r->fields[r->col_of[col]];

	uint64_t u;

	if (f->len == 0 && !f->quoted)
		return 0;
	/* every version-1 column is >= 0: the unsigned fast path, the full parser for errors */
	if (min < 0 || num_parse_u64_fast(f->s, f->len, (uint64_t)max, &u) < 0 ||
	    (int64_t)u < min) {
		if (num_parse_i64(f->s, f->len, min, max, out) < 0)
			return csv_read_fail(r, r->rec_line, "column %s: %s", csv_col_names[col],
					     err_msg());
	} else {
		*out = (int64_t)u;
	}
	ev->present |= CSV_BIT(csv_col_field[col]);
	return 1;
}

static int get_u64(struct csv_reader *r, struct csv_event *ev, int col, uint64_t *out)
{
	const struct field *f = &r->fields[r->col_of[col]];

	if (f->len == 0 && !f->quoted)
		return 0;
	if (num_parse_u64_fast(f->s, f->len, UINT64_MAX, out) < 0)
		return csv_read_fail(r, r->rec_line, "column %s: %s", csv_col_names[col],
				     err_msg());
	ev->present |= CSV_BIT(csv_col_field[col]);
	return 1;
}

static const char *get_str(struct csv_reader *r, int col)
{
	const struct field *f = &r->fields[r->col_of[col]];

	return f->len == 0 && !f->quoted ? NULL : f->s;
}

struct argv_ctx {
	struct csv_reader *r;
	int n;
};

static int push_arg(void *ctx, char *s, size_t len, bool quoted)
{
	struct argv_ctx *a = ctx;
	struct csv_reader *r = a->r;

	(void)len;
	(void)quoted;
	if (a->n + 1 >= r->argv_cap) {
		int cap = r->argv_cap ? 2 * r->argv_cap : 16;
		const char **v = realloc(r->argv, cap * sizeof(*v));

		if (!v)
			return -1;
		r->argv = v;
		r->argv_cap = cap;
	}
	r->argv[a->n++] = s;
	return 0;
}

static int get_argv(struct csv_reader *r, struct csv_event *ev)
{
	const struct field *f = &r->fields[r->col_of[CSV_C_ARGV]];
	struct argv_ctx a = { r, 0 };

	ev->argv = NULL;
	ev->argc = 0;
	if (f->len == 0 && !f->quoted)
		return 0;
	if (f->len > 0 && split(r, f->s, f->s + f->len, r->rec_line, push_arg, &a) < 0) {
		err_prefix("argv: ");
		return -1;
	}
	if (push_arg(&a, NULL, 0, false) < 0)
		return csv_read_fail(r, r->rec_line, "out of memory");
	ev->argc = a.n - 1;
	ev->argv = (const char *const *)r->argv;
	return 0;
}

static int parse_kind(const struct field *f, enum csv_kind *k)
{
	/* the common kinds first, by length and first byte */
	if (f->len == 4 && !memcmp(f->s, "fork", 4)) {
		*k = CSV_FORK;
		return 0;
	}
	if (f->len == 4 && !memcmp(f->s, "exec", 4)) {
		*k = CSV_EXEC;
		return 0;
	}
	if (f->len == 4 && !memcmp(f->s, "exit", 4)) {
		*k = CSV_EXIT;
		return 0;
	}
	for (int i = 0; i < CSV_KIND_COUNT; i++) {
		if (!strcmp(f->s, csv_kind_name(i))) {
			*k = i;
			return 0;
		}
	}
	return -1;
}

/* the optional columns the header has (argv_cut, minflt, ..., existing) */
static int parse_optional(struct csv_reader *r, struct csv_event *ev)
{
	int64_t v;

	for (int c = CSV_C_ARGV_CUT; c < CSV_NCOLS; c++) {
		int ret = 0;

		if (r->col_of[c] < 0)
			continue;
		switch (c) {
		case CSV_C_ARGV_CUT:
			ret = get_num(r, ev, c, 0, 1, &v);
			if (ret > 0)
				ev->argv_cut = v;
			break;
		case CSV_C_MINFLT: ret = get_u64(r, ev, c, &ev->minflt); break;
		case CSV_C_MAJFLT: ret = get_u64(r, ev, c, &ev->majflt); break;
		case CSV_C_NVCSW: ret = get_u64(r, ev, c, &ev->nvcsw); break;
		case CSV_C_NIVCSW: ret = get_u64(r, ev, c, &ev->nivcsw); break;
		case CSV_C_EXISTING:
			ret = get_num(r, ev, c, 0, 1, &v);
			if (ret > 0)
				ev->existing = v;
			break;
		}
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* what a row of its kind cannot do without */
static int check_event(struct csv_reader *r, const struct csv_event *ev)
{
	if (!CSV_HAS(ev, CSV_F_TIME))
		return csv_read_fail(r, r->rec_line, "%s row without time_ns",
				     csv_kind_name(ev->kind));
	if (ev->kind != CSV_LOST && !CSV_HAS(ev, CSV_F_PID))
		return csv_read_fail(r, r->rec_line, "%s row without pid", csv_kind_name(ev->kind));
	if (ev->kind == CSV_FORK && !CSV_HAS(ev, CSV_F_CHILD_PID))
		return csv_read_fail(r, r->rec_line, "fork row without child_pid");
	if (ev->kind == CSV_LOST && CSV_HAS(ev, CSV_F_END) && ev->end_ns < ev->time_ns)
		return csv_read_fail(r, r->rec_line,
				     "lost row ends before it starts (end_ns %llu < time_ns %llu)",
				     (unsigned long long)ev->end_ns,
				     (unsigned long long)ev->time_ns);
	return 0;
}

static int parse_event(struct csv_reader *r, struct csv_event *ev)
{
	int64_t v;
	int c;

	memset(ev, 0, sizeof(*ev));
	if (parse_kind(&r->fields[r->col_of[CSV_C_KIND]], &ev->kind) < 0)
		return csv_read_fail(r, r->rec_line, "unknown kind '%.40s'",
				     r->fields[r->col_of[CSV_C_KIND]].s);
	for (c = CSV_C_TIME; c < CSV_C_COMM; c++) {
		const struct field *f = &r->fields[r->col_of[c]];
		int ret;

		/* most columns of a row are empty (unknown): skip them here, cheaply */
		if (f->len == 0 && !f->quoted)
			continue;
		switch (c) {
		case CSV_C_TIME: ret = get_u64(r, ev, c, &ev->time_ns); break;
		case CSV_C_COUNT: ret = get_u64(r, ev, c, &ev->count); break;
		case CSV_C_END: ret = get_u64(r, ev, c, &ev->end_ns); break;
		case CSV_C_UTIME: ret = get_u64(r, ev, c, &ev->utime_ns); break;
		case CSV_C_STIME: ret = get_u64(r, ev, c, &ev->stime_ns); break;
		case CSV_C_MAXRSS: ret = get_u64(r, ev, c, &ev->maxrss_kb); break;
		case CSV_C_THREAD:
		case CSV_C_GROUP:
			ret = get_num(r, ev, c, 0, 1, &v);
			if (ret > 0)
				*(c == CSV_C_THREAD ? &ev->thread : &ev->group) = v;
			break;
		case CSV_C_CODE:
			ret = get_num(r, ev, c, 0, 255, &v);
			ev->code = (int)v;
			break;
		case CSV_C_SIGNAL:
			ret = get_num(r, ev, c, 1, 128, &v);
			ev->signal = (int)v;
			break;
		default: {
			int *dst = c == CSV_C_CPU	  ? &ev->cpu
				   : c == CSV_C_PID	  ? &ev->pid
				   : c == CSV_C_TID	  ? &ev->tid
				   : c == CSV_C_PPID	  ? &ev->ppid
				   : c == CSV_C_CHILD_PID ? &ev->child_pid
				   : c == CSV_C_CHILD_TID ? &ev->child_tid
							  : &ev->old_tid;

			ret = get_num(r, ev, c, 0, INT_MAX, &v);
			*dst = (int)v;
		}
		}
		if (ret < 0)
			return -1;
	}
	if (parse_optional(r, ev) < 0)
		return -1;
	ev->comm = get_str(r, CSV_C_COMM);
	ev->child_comm = get_str(r, CSV_C_CHILD_COMM);
	ev->filename = get_str(r, CSV_C_FILENAME);
	if (get_argv(r, ev) < 0)
		return -1;

	return check_event(r, ev);
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
		if (parse_event(r, ev) < 0)
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
