// SPDX-License-Identifier: MIT
/*
 * The numbers of --diff: per command (the exec basename, else comm, as in
 * --summary) the count, wall time and CPU time in each run, and per matched
 * process its own change; both sorted by the size of the change, with what
 * is below the noise threshold marked hidden.  CPU time is each process's
 * own (cpu_time.c), the figure that adds up across processes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff-private.h"
#include "err.h"

static int oom(void)
{
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/**
 * diff_above - is the change from @a to @b at least the threshold (both its
 * percent of @a and its absolute nanoseconds)?
 */
bool diff_above(const struct diff *d, uint64_t a, uint64_t b)
{
	uint64_t ch = absdiff(a, b);

	if (ch < d->opts.threshold_ns)
		return false;
	if (a == 0)
		return b != 0 || d->opts.threshold_pct == 0;
	/* ch * 100 >= pct * a, without overflow */
	return (long double)ch * 100 >= (long double)d->opts.threshold_pct * a;
}

static int by_change(const void *x, const void *y)
{
	const struct diff_cmd *a = x, *b = y;
	uint64_t ca = absdiff(a->wall[0], a->wall[1]), cb = absdiff(b->wall[0], b->wall[1]);
	uint64_t ka = absdiff(a->cpu[0], a->cpu[1]), kb = absdiff(b->cpu[0], b->cpu[1]);
	uint64_t na = absdiff(a->count[0], a->count[1]), nb = absdiff(b->count[0], b->count[1]);
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (ka > ca)
		ca = ka;
	if (kb > cb)
		cb = kb;
	if (a->shown != b->shown)
		return a->shown ? -1 : 1;
	if (ca != cb)
		return ca > cb ? -1 : 1;
	if (na != nb)
		return na > nb ? -1 : 1;
	c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int pair_by_change(const void *x, const void *y)
{
	const struct diff_pair *a = x, *b = y;

	if (a->change != b->change)
		return a->change > b->change ? -1 : 1;
	return a->a < b->a ? -1 : a->a > b->a;
}

/* the per-command table: open addressing on the name, grown by doubling */
static int commands(struct diff *d)
{
	size_t cap = 256, n = 0;
	struct diff_cmd *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return oom();
	for (int r = 0; r < 2; r++) {
		const struct diff_run *run = &d->run[r];

		for (uint32_t ix = 1; ix <= run->n; ix++) {
			const struct node *x = run->byix[ix];
			struct diff_cmd *c;
			const char *s;
			size_t len, i;
			uint64_t h, w;

			node_command(x, &s, &len);
			h = diff_hash(s, len, DIFF_HASH_INIT);
			for (i = h & (cap - 1); tab[i].name; i = (i + 1) & (cap - 1))
				if (tab[i].hash == h && tab[i].len == len &&
				    !memcmp(tab[i].name, s, len))
					break;
			c = &tab[i];
			if (!c->name) {
				c->name = s;
				c->len = len;
				c->hash = h;
				n++;
			}
			c->count[r]++;
			if (diff_wall(x, &w)) {
				c->wall[r] = sat_add(c->wall[r], w);
				c->timed[r]++;
			}
			if (run->cpu[ix].known) {
				c->cpu[r] = sat_add(c->cpu[r], run->cpu[ix].own_ns);
				c->cpu_known[r]++;
			}
			if (x->have & NH_SIGNAL || (x->have & NH_CODE && x->code))
				c->failures[r]++;
			if (2 * n > cap) {
				struct diff_cmd *big = calloc(2 * cap, sizeof(*big));

				if (!big) {
					free(tab);
					return oom();
				}
				for (size_t k = 0; k < cap; k++) {
					size_t j;

					if (!tab[k].name)
						continue;
					for (j = tab[k].hash & (2 * cap - 1); big[j].name;
					     j = (j + 1) & (2 * cap - 1))
						;
					big[j] = tab[k];
				}
				free(tab);
				tab = big;
				cap *= 2;
			}
		}
	}
	d->cmds = malloc((n ? n : 1) * sizeof(*d->cmds));
	if (!d->cmds) {
		free(tab);
		return oom();
	}
	d->ncmds = d->ncmds_shown = 0;
	for (size_t i = 0; i < cap; i++) {
		struct diff_cmd *c = &tab[i];

		if (!c->name)
			continue;
		c->shown = c->count[0] != c->count[1] || diff_above(d, c->wall[0], c->wall[1]) ||
			   diff_above(d, c->cpu[0], c->cpu[1]);
		d->ncmds_shown += c->shown;
		d->cmds[d->ncmds++] = *c;
	}
	free(tab);
	qsort(d->cmds, d->ncmds, sizeof(*d->cmds), by_change);
	return 0;
}

/** diff_pair_times - the wall and own CPU times of the pair (@a of run A, @b of run B) */
void diff_pair_times(const struct diff *d, uint32_t a, uint32_t b, struct diff_times *t)
{
	const struct diff_run *ra = &d->run[0], *rb = &d->run[1];

	memset(t, 0, sizeof(*t));
	t->wall_known = diff_wall(ra->byix[a], &t->wall[0]) && diff_wall(rb->byix[b], &t->wall[1]);
	t->cpu_known = ra->cpu[a].known && rb->cpu[b].known;
	if (t->cpu_known) {
		t->cpu[0] = ra->cpu[a].own_ns;
		t->cpu[1] = rb->cpu[b].own_ns;
	}
}

/* the matched processes whose wall or CPU time changed beyond the threshold */
static int pairs(struct diff *d)
{
	const struct diff_run *ra = &d->run[0];
	size_t cap = 0;

	d->npairs = 0;
	for (uint32_t ix = 1; ix <= ra->n; ix++) {
		uint32_t m = ra->dn[ix].match;
		struct diff_pair p = { .a = ix, .b = m };
		struct diff_times t;

		if (m == DIFF_NONE || m == 0)
			continue;
		diff_pair_times(d, ix, m, &t);
		if (!(t.wall_known && diff_above(d, t.wall[0], t.wall[1])) &&
		    !(t.cpu_known && diff_above(d, t.cpu[0], t.cpu[1])))
			continue;
		if (t.wall_known)
			p.change = absdiff(t.wall[0], t.wall[1]);
		if (t.cpu_known && absdiff(t.cpu[0], t.cpu[1]) > p.change)
			p.change = absdiff(t.cpu[0], t.cpu[1]);
		if (d->npairs == cap) {
			size_t c = cap ? 2 * cap : 256;
			struct diff_pair *v = realloc(d->pairs, c * sizeof(*v));

			if (!v)
				return oom();
			d->pairs = v;
			cap = c;
		}
		d->pairs[d->npairs++] = p;
	}
	if (d->npairs)
		qsort(d->pairs, d->npairs, sizeof(*d->pairs), pair_by_change);
	return 0;
}

/**
 * diff_stats - the per-command table and the per-process ranking
 *
 * Returns 0, or -1 with err_msg() when out of memory.
 */
int diff_stats(struct diff *d)
{
	if (commands(d) < 0)
		return -1;
	return pairs(d);
}
