// SPDX-License-Identifier: MIT
/* A recorded CSV in memory, for tests (rows.h). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rows.h"

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	cr_assert_not_null(d);
	return d;
}

/* @ev with its strings copied: the reader's are only valid until its next row */
static void own_strings(struct csv_event *ev)
{
	char **argv = NULL;

	ev->comm = dup_or_null(ev->comm);
	ev->child_comm = dup_or_null(ev->child_comm);
	ev->filename = dup_or_null(ev->filename);
	if (ev->argv) {
		argv = calloc(ev->argc + 1, sizeof(*argv));
		cr_assert_not_null(argv);
		for (int i = 0; i < ev->argc; i++)
			argv[i] = dup_or_null(ev->argv[i]);
	}
	ev->argv = (const char *const *)argv;
}

static void load_meta(struct csv_reader *r, struct rows *c)
{
	const struct csv_meta *m = csv_reader_meta(r);

	c->root_pid = m->root_pid;
	if (m->pid_ns)
		snprintf(c->pid_ns, sizeof(c->pid_ns), "%s", m->pid_ns);
	c->nmeta = m->nkeys;
	c->meta_keys = calloc(c->nmeta + 1, sizeof(char *));
	c->meta_values = calloc(c->nmeta + 1, sizeof(char *));
	cr_assert(c->meta_keys && c->meta_values);
	for (int i = 0; i < c->nmeta; i++) {
		c->meta_keys[i] = dup_or_null(m->keys[i]);
		c->meta_values[i] = dup_or_null(m->values[i]);
	}
}

static void load_trailer(struct csv_reader *r, struct rows *c)
{
	const struct csv_trailer *t = csv_reader_trailer(r);

	c->has_trailer = t->present;
	c->interrupted = t->interrupted;
	c->lost_events = t->lost_events;
	c->trailer_events = t->events;
	c->nkeys = t->nkeys;
	c->keys = calloc(c->nkeys + 1, sizeof(char *));
	c->values = calloc(c->nkeys + 1, sizeof(char *));
	cr_assert(c->keys && c->values);
	for (int i = 0; i < c->nkeys; i++) {
		c->keys[i] = dup_or_null(t->keys[i]);
		c->values[i] = dup_or_null(t->values[i]);
	}
}

void rows_load(const char *path, struct rows *c)
{
	struct csv_reader *r = csv_reader_open(path);
	struct csv_event ev;
	int ret, cap = 0;

	memset(c, 0, sizeof(*c));
	cr_assert_not_null(r, "cannot read %s: %s", path, err_msg());
	load_meta(r, c);
	while ((ret = csv_reader_next(r, &ev)) == 1) {
		if (c->n == cap) {
			cap = cap ? cap * 2 : 256;
			c->rows = realloc(c->rows, cap * sizeof(*c->rows));
			cr_assert_not_null(c->rows);
		}
		own_strings(&ev);
		c->rows[c->n++] = ev;
	}
	cr_assert_eq(ret, 0, "%s: %s", path, err_msg());
	load_trailer(r, c);
	csv_reader_free(r);
}

void rows_free(struct rows *c)
{
	for (int i = 0; i < c->n; i++) {
		struct csv_event *e = &c->rows[i];

		free((char *)e->comm);
		free((char *)e->child_comm);
		free((char *)e->filename);
		for (int k = 0; e->argv && k < e->argc; k++)
			free((char *)e->argv[k]);
		free((char **)e->argv);
	}
	for (int i = 0; i < c->nkeys; i++) {
		free(c->keys[i]);
		free(c->values[i]);
	}
	for (int i = 0; i < c->nmeta; i++) {
		free(c->meta_keys[i]);
		free(c->meta_values[i]);
	}
	free(c->keys);
	free(c->values);
	free(c->meta_keys);
	free(c->meta_values);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

long long rows_key(const struct rows *c, const char *key)
{
	for (int i = 0; i < c->nkeys; i++)
		if (c->keys[i] && c->values[i] && !strcmp(c->keys[i], key))
			return strtoll(c->values[i], NULL, 10);
	return -1;
}

const char *rows_meta(const struct rows *c, const char *key)
{
	for (int i = 0; i < c->nmeta; i++)
		if (c->meta_keys[i] && !strcmp(c->meta_keys[i], key))
			return c->meta_values[i];
	return NULL;
}

int rows_count(const struct rows *c, enum csv_kind kind)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		n += c->rows[i].kind == kind;
	return n;
}

int rows_count_file(const struct rows *c, enum csv_kind kind, const char *filename)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		n += c->rows[i].kind == kind && c->rows[i].filename &&
		     !strcmp(c->rows[i].filename, filename);
	return n;
}

const struct csv_event *rows_find(const struct rows *c, enum csv_kind kind, int pid)
{
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *e = &c->rows[i];

		if (e->kind != kind)
			continue;
		if (kind == CSV_FORK ? e->child_tid == pid
				     : e->pid == pid && (kind != CSV_EXIT || e->group))
			return e;
	}
	return NULL;
}

const struct csv_event *rows_exit_by_comm(const struct rows *c, const char *comm)
{
	for (int i = 0; i < c->n; i++) {
		const struct csv_event *e = &c->rows[i];

		if (e->kind == CSV_EXIT && e->group && e->comm && !strcmp(e->comm, comm))
			return e;
	}
	return NULL;
}

int rows_index(const struct rows *c, const struct csv_event *r)
{
	return r ? (int)(r - c->rows) : -1;
}
