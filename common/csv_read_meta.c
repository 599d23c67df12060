// SPDX-License-Identifier: MIT
/*
 * The reader's '#' lines: the metadata before the header (#engine,
 * #root_pid, #command, ...) and the trailer after the rows (#events,
 * #lost_events, #end, ...).  Known keys are checked and kept in struct
 * csv_meta / csv_trailer; every key, known or not, stays readable in order.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "csv_read-private.h"
#include "err.h"
#include "num.h"

static int strvec_push(struct strvec *sv, const char *s, size_t len)
{
	char *copy;

	if (sv->n == sv->cap) {
		int cap = sv->cap ? 2 * sv->cap : 8;
		char **v = realloc(sv->v, (cap + 1) * sizeof(*v));

		if (!v)
			return -1;
		sv->v = v;
		sv->cap = cap;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	sv->v[sv->n++] = copy;
	sv->v[sv->n] = NULL;
	return 0;
}

void csv_strvec_free(struct strvec *sv)
{
	int i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
}

static const char *keep(struct csv_reader *r, const struct field *f)
{
	char *s;

	if (r->nmeta_strs == (int)(sizeof(r->meta_strs) / sizeof(r->meta_strs[0])))
		return NULL;
	s = strndup(f->s, f->len);
	if (s)
		r->meta_strs[r->nmeta_strs++] = s;
	return s;
}

int csv_parse_meta(struct csv_reader *r)
{
	const char *key = r->fields[0].s + 1;
	const struct field *v = r->nfields > 1 ? &r->fields[1] : NULL;
	struct csv_meta *m = &r->meta;
	uint64_t u;

	if (!strcmp(key, "command")) {
		for (int i = 1; i < r->nfields; i++)
			if (strvec_push(&r->command, r->fields[i].s, r->fields[i].len) < 0)
				return csv_read_fail(r, r->rec_line, "out of memory");
		m->command = r->command.v;
		m->ncommand = r->command.n;
		return 0;
	}
	if (strvec_push(&r->meta_keys, key, strlen(key)) < 0 ||
	    strvec_push(&r->meta_vals, v ? v->s : "", v ? v->len : 0) < 0)
		return csv_read_fail(r, r->rec_line, "out of memory");
	m->keys = (const char *const *)r->meta_keys.v;
	m->values = (const char *const *)r->meta_vals.v;
	m->nkeys = r->meta_keys.n;
	if (!v)
		return 0;
	if (!strcmp(key, "engine"))
		m->engine = keep(r, v);
	else if (!strcmp(key, "clock")) {
		m->clock = keep(r, v);
		if (strcmp(v->s, "CLOCK_MONOTONIC"))
			return csv_read_fail(r, r->rec_line, "clock '%s' is not CLOCK_MONOTONIC",
					     v->s);
	} else if (!strcmp(key, "host"))
		m->host = keep(r, v);
	else if (!strcmp(key, "kernel"))
		m->kernel = keep(r, v);
	else if (!strcmp(key, "pid_ns"))
		m->pid_ns = keep(r, v);
	else if (!strcmp(key, "start_wall"))
		m->start_wall = keep(r, v);
	else if (!strcmp(key, "root_pid")) {
		if (num_parse_u64(v->s, v->len, INT_MAX, &u) < 0)
			return csv_read_fail(r, r->rec_line, "root_pid: %s", err_msg());
		m->root_pid = (int)u;
	} else if (!strcmp(key, "start_mono_ns")) {
		if (num_parse_u64(v->s, v->len, UINT64_MAX, &m->start_mono_ns) < 0)
			return csv_read_fail(r, r->rec_line, "start_mono_ns: %s", err_msg());
	}
	return 0;
}

int csv_parse_trailer(struct csv_reader *r)
{
	const char *key = r->fields[0].s + 1;
	const struct field *v = r->nfields > 1 ? &r->fields[1] : NULL;
	struct csv_trailer *t = &r->trailer;
	uint64_t u = 0;

	r->in_trailer = true;
	if (!strcmp(key, "end")) {
		t->present = true;
		return 0;
	}
	if (v && (!strcmp(key, "events") || !strcmp(key, "lost_events") ||
		  !strcmp(key, "interrupted") || !strcmp(key, "end_mono_ns"))) {
		if (num_parse_u64(v->s, v->len, UINT64_MAX, &u) < 0)
			return csv_read_fail(r, r->rec_line, "%s: %s", key, err_msg());
		if (!strcmp(key, "events"))
			t->events = u;
		else if (!strcmp(key, "lost_events"))
			t->lost_events = u;
		else if (!strcmp(key, "interrupted"))
			t->interrupted = u != 0;
		else
			t->end_mono_ns = u;
		return 0;
	}
	if (strvec_push(&r->trail_keys, key, strlen(key)) < 0 ||
	    strvec_push(&r->trail_vals, v ? v->s : "", v ? v->len : 0) < 0)
		return csv_read_fail(r, r->rec_line, "out of memory");
	t->keys = (const char *const *)r->trail_keys.v;
	t->values = (const char *const *)r->trail_vals.v;
	t->nkeys = r->trail_keys.n;
	return 0;
}
