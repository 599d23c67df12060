// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct --diff: the two runs, read into trees, keyed
 * (diff_key.c), aligned (diff_match.c) and measured (diff_stats.c), then
 * reported (diff_text.c, diff_json.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "diff-private.h"
#include "err.h"

void diff_opts_init(struct diff_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold_pct = DIFF_THRESHOLD_PCT_DEFAULT;
	o->threshold_ns = DIFF_THRESHOLD_MS_DEFAULT * 1000000ull;
}

struct diff *diff_new(const struct diff_opts *o)
{
	struct diff *d = calloc(1, sizeof(*d));

	if (!d) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (o)
		d->opts = *o;
	else
		diff_opts_init(&d->opts);
	return d;
}

void diff_free(struct diff *d)
{
	if (!d)
		return;
	for (int r = 0; r < d->nruns; r++) {
		free(d->run[r].path);
		tree_free(d->run[r].t);
		free(d->run[r].byix);
		free(d->run[r].dn);
		free(d->run[r].cpu);
	}
	free(d->warnings);
	free(d->cmds);
	free(d->pairs);
	free(d);
}

__attribute__((format(printf, 2, 3)))
static void warn(struct diff *d, const char *fmt, ...)
{
	size_t old = d->warnings ? strlen(d->warnings) : 0;
	char *msg, *w;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	w = realloc(d->warnings, old + len + 2);
	if (w) {
		memcpy(w + old, msg, len);
		w[old + len] = '\n';
		w[old + len + 1] = '\0';
		d->warnings = w;
	}
	free(msg);
}

/* per-node arrays and the run's totals */
static int index_run(struct diff_run *run)
{
	const struct node *root = run->t->root;

	run->n = run->t->nnodes;
	run->byix = calloc((size_t)run->n + 1, sizeof(*run->byix));
	run->dn = calloc((size_t)run->n + 1, sizeof(*run->dn));
	if (!run->byix || !run->dn) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	run->byix[0] = run->t->unknown;
	for (uint32_t id = 1; id <= run->n; id++)
		run->byix[id] = tree_node(run->t, id);
	for (uint32_t ix = 0; ix <= run->n; ix++)
		run->dn[ix].match = DIFF_NONE;
	if (tree_cpu_times(run->t, &run->cpu) < 0)
		return -1;
	for (uint32_t id = 1; id <= run->n; id++) {
		if (run->cpu[id].known) {
			run->cpu_ns = sat_add(run->cpu_ns, run->cpu[id].own_ns);
			run->cpu_known = true;
		}
	}
	tree_summary(run->t, &run->sum);
	if (!root || !diff_wall(root, &run->wall_ns))
		run->wall_ns = run->t->have_first ? run->t->last_ns - run->t->first_ns : 0;
	return 0;
}

/* a file (@buf NULL) or a buffer named @path */
static int add_input(struct diff *d, const char *path, const char *buf, size_t len)
{
	struct tree_opts topts = { .window_ns = d->opts.window_ns };
	struct csv_reader *r = NULL;
	struct diff_run *run;
	int ret;

	if (d->nruns == 2) {
		err_set("--diff compares two files");
		errno = EINVAL;
		return -1;
	}
	if (!buf && !strcmp(path, "-")) {
		if (d->stdin_used) {
			err_set("-: standard input can be given only once");
			errno = EINVAL;
			return -1;
		}
		d->stdin_used = true;
	}
	run = &d->run[d->nruns];
	memset(run, 0, sizeof(*run));
	run->path = strdup(path);
	if (!run->path) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	d->nruns++; /* from here diff_free() owns what run holds */
	r = buf ? csv_reader_new_mem(path, buf, len) : csv_reader_open(path);
	if (!r)
		return -1;
	run->t = tree_new(&topts);
	if (!run->t)
		goto error;
	ret = tree_read(run->t, r);
	if (ret < 0)
		goto error;
	if (ret > 0)
		warn(d, "%s; skipped it, the tree uses every complete row", tree_truncation(run->t));
	if (!csv_reader_trailer(r)->present)
		warn(d, "%s: no #end trailer: the recording was cut short; using every row present",
		     path);
	csv_reader_free(r);
	return index_run(run);
error:
	csv_reader_free(r);
	return -1;
}

int diff_add_file(struct diff *d, const char *path)
{
	return add_input(d, path, NULL, 0);
}

int diff_add_mem(struct diff *d, const char *name, const char *buf, size_t len)
{
	return add_input(d, name, buf ? buf : "", len);
}

int diff_run(struct diff *d)
{
	if (d->nruns != 2) {
		err_set("--diff needs two files");
		errno = EINVAL;
		return -1;
	}
	if (d->ran)
		return 0;
	for (int r = 0; r < 2; r++) {
		const struct tree_summary *s = &d->run[r].sum;
		uint64_t lost = s->fork_lost + s->exit_lost + s->exit_unseen;

		if (lost || s->lost_events)
			warn(d, "%s: the recording lost events (%llu processes with a lost fork or exit, "
			     "%llu events lost): some differences may be the recording's",
			     d->run[r].path, (unsigned long long)lost,
			     (unsigned long long)s->lost_events);
		if (diff_keys(d, r) < 0)
			return -1;
	}
	if (diff_align(d) < 0 || diff_stats(d) < 0)
		return -1;
	d->ran = true;
	return 0;
}

bool diff_differs(const struct diff *d)
{
	const struct diff_counts *c = &d->counts;

	return c->only_a || c->only_b || c->status_changed || c->command_changed || c->moved;
}

void diff_get_counts(const struct diff *d, struct diff_counts *out)
{
	*out = d->counts;
}

const char *diff_warnings(const struct diff *d)
{
	return d->warnings;
}
