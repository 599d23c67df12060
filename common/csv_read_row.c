// SPDX-License-Identifier: MIT
/*
 * The reader's rows: a record's fields, mapped by the header's columns,
 * into a struct csv_event; every number through the strict parser, argv
 * split in place, and what a row of its kind cannot do without checked.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read-private.h"
#include "err.h"
#include "num.h"

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

int csv_parse_event(struct csv_reader *r, struct csv_event *ev)
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
