// SPDX-License-Identifier: MIT
/*
 * proctree-reconstruct --diff: the two runs, read into trees, keyed
 * (diff_key.c), aligned (diff_match.c) and measured (diff_stats.c), then
 * reported (diff_text.c, diff_json.c).
 */
#include <errno.h>
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

/* per-node arrays and the run's totals */
static int index_run(struct diff_run *run)
{
	const struct node *root = run->t->root;

	run->n = run->t->nnodes;
	/* huge pages: the alignment reads these in tree order, far from id order */
	run->byix = big_zalloc(((size_t)run->n + 1) * sizeof(*run->byix));
	run->dn = big_zalloc(((size_t)run->n + 1) * sizeof(*run->dn));
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
	struct diff_run *run;

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
	run->t = tree_load(path, buf, len, &topts, &d->warnings);
	if (!run->t)
		return -1;
	return index_run(run);
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
			tree_note(&d->warnings,
				  "%s: the recording lost events (%llu processes "
				  "with a lost fork or exit, %llu events lost): some differences "
				  "may be the recording's",
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
