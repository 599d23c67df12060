// SPDX-License-Identifier: MIT
/*
 * --compare: loading the files, choosing how to match them, and the small
 * accessors.  Matching is in compare_match.c, classification in
 * compare_class.c, the reports in compare_text.c and compare_json.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compare-private.h"
#include "err.h"

static const char *const class_names[CMP_CLASS_COUNT] = {
	"node_missing", "fork_missing",	  "exec_missing",
	"exit_missing", "status_differs", "parent_differs",
};

const char *cmp_class_name(enum cmp_class cls)
{
	return cls < CMP_CLASS_COUNT ? class_names[cls] : NULL;
}

struct cmp *cmp_new(const struct cmp_opts *opts)
{
	struct cmp *c = calloc(1, sizeof(*c));

	if (!c) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (opts)
		c->opts = *opts;
	if (!c->opts.tolerance_ns)
		c->opts.tolerance_ns = CMP_TOLERANCE_NS_DEFAULT;
	return c;
}

void cmp_free(struct cmp *c)
{
	if (!c)
		return;
	for (int f = 0; f < c->nfiles; f++) {
		tree_free(c->files[f].t);
		free(c->files[f].path);
		free(c->files[f].nodes);
		if (c->diffs)
			free(c->diffs[f]);
	}
	for (uint32_t i = 0; i < c->ncl; i++)
		free(c->cl[i].kids);
	free(c->files);
	free(c->cl);
	free(c->member);
	free(c->diffs);
	free(c->ndiffs);
	free(c->diffs_cap);
	free(c->warnings);
	free(c->why);
	free(c);
}

/* copy the tree's nodes out and link each node's children in creation order */
static int file_index(struct cmp_file *f)
{
	uint32_t root = tree_root_id(f->t);

	f->n = tree_node_count(f->t);
	f->has_unknown = tree_has_unknown(f->t);
	f->nodes = calloc((size_t)f->n + 1, sizeof(*f->nodes));
	if (!f->nodes) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	for (uint32_t id = 0; id <= f->n; id++) {
		struct cmp_node *x = &f->nodes[id];

		x->cluster = CMP_NONE;
		x->first_child = x->next_sibling = x->last_child = TREE_NO_NODE;
		if (id == 0 && !f->has_unknown) {
			x->info.id = 0;
			x->info.parent = TREE_NO_NODE;
			x->info.pid = -1;
			continue;
		}
		if (tree_node_get(f->t, id, &x->info) < 0)
			return -1;
	}
	/* ids are creation order, so appending in id order keeps sibling order */
	for (uint32_t id = 1; id <= f->n; id++) {
		uint32_t p = f->nodes[id].info.parent;

		if (p == TREE_NO_NODE || p > f->n)
			continue;
		if (f->nodes[p].last_child == TREE_NO_NODE)
			f->nodes[p].first_child = id;
		else
			f->nodes[f->nodes[p].last_child].next_sibling = id;
		f->nodes[p].last_child = id;
	}
	(void)root;
	return 0;
}

/* a file (@buf NULL) or a buffer (@buf, @len) named @path */
static int add_input(struct cmp *c, const char *path, const char *buf, size_t len)
{
	struct tree_opts topts = { .window_ns = c->opts.window_ns };
	const struct csv_trailer *tr;
	struct cmp_file *f;

	if (!buf && !strcmp(path, "-")) {
		if (c->stdin_used) {
			err_set("-: standard input can be given only once");
			errno = EINVAL;
			return -1;
		}
		c->stdin_used = true;
	}
	if (c->nfiles == c->files_cap) {
		int cap = c->files_cap ? 2 * c->files_cap : 4;
		struct cmp_file *v = realloc(c->files, cap * sizeof(*v));

		if (!v)
			goto oom;
		c->files = v;
		c->files_cap = cap;
	}
	f = &c->files[c->nfiles];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		goto oom;
	c->nfiles++; /* from here cmp_free() owns what f holds */
	f->t = tree_load(path, buf, len, &topts, &c->warnings);
	if (!f->t)
		return -1;
	f->engine = tree_meta(f->t)->engine;
	if (!tree_time_range(f->t, &f->first_ns, &f->last_ns))
		f->first_ns = f->last_ns = tree_meta(f->t)->start_mono_ns;
	tr = tree_trailer(f->t);
	f->end_ns = tr->present && tr->end_mono_ns ? tr->end_mono_ns : f->last_ns;
	if (tr->present) {
		f->lost_events = tr->lost_events;
	} else {
		struct tree_summary s;

		tree_summary(f->t, &s);
		f->lost_events = s.lost_events;
	}
	return file_index(f);
oom:
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

int cmp_add_file(struct cmp *c, const char *path)
{
	return add_input(c, path, NULL, 0);
}

int cmp_add_mem(struct cmp *c, const char *name, const char *buf, size_t len)
{
	return add_input(c, name, buf ? buf : "", len);
}

__attribute__((format(printf, 2, 3))) static void set_why(struct cmp *c, const char *fmt, ...)
{
	va_list ap;

	free(c->why);
	va_start(ap, fmt);
	if (vasprintf(&c->why, fmt, ap) < 0)
		c->why = NULL;
	va_end(ap);
}

/* "2026-11-23T08:55:07.123Z" -> seconds since the epoch; false when unparsable */
static bool wall_secs(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	if (!s)
		return false;
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return false;
	*out = timegm(&tm);
	return true;
}

static bool same_str(const char *a, const char *b)
{
	return !a || !b || !strcmp(a, b);
}

/*
 * The files record one run (several engines at once) when they name the same
 * root pid in the same pid namespace on the same host and their recording
 * windows overlap (CLOCK_MONOTONIC, and start_wall guards against two boots).
 * Then pids and times identify processes; otherwise only the structure can.
 */
static bool same_run(struct cmp *c)
{
	const struct cmp_file *a = &c->files[0];
	const struct csv_meta *ma = tree_meta(a->t);

	for (int i = 1; i < c->nfiles; i++) {
		const struct cmp_file *b = &c->files[i];
		const struct csv_meta *mb = tree_meta(b->t);
		uint64_t a0 = ma->start_mono_ns ? ma->start_mono_ns : a->first_ns;
		uint64_t b0 = mb->start_mono_ns ? mb->start_mono_ns : b->first_ns;
		time_t wa, wb;

		if (!ma->root_pid || ma->root_pid != mb->root_pid) {
			set_why(c, "%s and %s have different root pids", a->path, b->path);
			return false;
		}
		if (!same_str(ma->host, mb->host) || !same_str(ma->pid_ns, mb->pid_ns)) {
			set_why(c, "%s and %s come from different hosts or pid namespaces", a->path,
				b->path);
			return false;
		}
		if (a0 > b->end_ns + c->opts.tolerance_ns ||
		    b0 > a->end_ns + c->opts.tolerance_ns) {
			set_why(c, "%s and %s were recorded at different times", a->path, b->path);
			return false;
		}
		if (wall_secs(ma->start_wall, &wa) && wall_secs(mb->start_wall, &wb) &&
		    llabs((long long)(wa - wb)) > 2 + (long long)((a->end_ns - a0) / 1000000000u)) {
			set_why(c, "%s and %s started at different wall-clock times", a->path,
				b->path);
			return false;
		}
	}
	set_why(c, "same run: root pid %d, recording windows overlap", ma->root_pid);
	return true;
}

int cmp_run(struct cmp *c)
{
	int ret;

	if (c->nfiles < 2) {
		err_set("--compare needs at least two files");
		errno = EINVAL;
		return -1;
	}
	c->diffs = calloc(c->nfiles, sizeof(*c->diffs));
	c->ndiffs = calloc(c->nfiles, sizeof(*c->ndiffs));
	c->diffs_cap = calloc(c->nfiles, sizeof(*c->diffs_cap));
	if (!c->diffs || !c->ndiffs || !c->diffs_cap) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	c->used = c->opts.match;
	if (c->used == CMP_MATCH_AUTO)
		c->used = same_run(c) ? CMP_MATCH_PID : CMP_MATCH_STRUCTURE;
	else
		set_why(c, "chosen with --match");
	ret = c->used == CMP_MATCH_PID ? cmp_match_pid(c) : cmp_match_structure(c);
	if (ret < 0)
		return -1;
	if (cmp_classify(c) < 0)
		return -1;
	c->ran = true;
	return 0;
}

bool cmp_differs(const struct cmp *c)
{
	return c->differs;
}

uint64_t cmp_count(const struct cmp *c, int file, enum cmp_class cls)
{
	if (file < 0 || file >= c->nfiles || cls >= CMP_CLASS_COUNT)
		return 0;
	return c->files[file].count[cls];
}

enum cmp_match cmp_match_used(const struct cmp *c)
{
	return c->used;
}

const char *cmp_warnings(const struct cmp *c)
{
	return c->warnings;
}
