// SPDX-License-Identifier: MIT
/*
 * The --diff report as JSON (docs/diff.md, "JSON").  Written as it goes,
 * with tree_json_str() for the strings (bytes that are not UTF-8 become
 * U+FFFD): two different runs of a million processes may put a million
 * entries in a list, which jansson would first build in memory.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff-private.h"
#include "signame.h"
#include "view-private.h"

static void put_owned(FILE *fp, char *s, size_t len)
{
	if (s)
		tree_json_str(fp, s, len);
	else
		fputs("null", fp);
	free(s);
}

static void put_command(FILE *fp, const struct diff *d, const struct node *n)
{
	size_t len = 0;
	char *s = diff_command_line(d, n, &len);

	put_owned(fp, s, len);
}

static void put_path(FILE *fp, const struct node *n)
{
	size_t len = 0;
	char *s = diff_path(n, &len);

	put_owned(fp, s, len);
}

static void put_i64(FILE *fp, uint64_t a, uint64_t b)
{
	if (b >= a)
		fprintf(fp, "%" PRIu64, b - a);
	else
		fprintf(fp, "-%" PRIu64, a - b);
}

/* {"a":N,"b":N,"delta":N,"ratio":R|null}; null when unknown */
static void put_vals(FILE *fp, bool known, uint64_t a, uint64_t b, bool ratio)
{
	if (!known) {
		fputs("null", fp);
		return;
	}
	fprintf(fp, "{\"a\":%" PRIu64 ",\"b\":%" PRIu64 ",\"delta\":", a, b);
	put_i64(fp, a, b);
	if (ratio) {
		if (a)
			fprintf(fp, ",\"ratio\":%.6g", (double)b / (double)a);
		else
			fputs(",\"ratio\":null", fp);
	}
	putc('}', fp);
}

static void put_exit(FILE *fp, const struct node *n)
{
	struct diff_status s;
	const char *name;

	diff_status_of(n, &s);
	switch (s.kind) {
	case DS_CODE: fprintf(fp, "{\"code\":%d}", s.value); break;
	case DS_SIGNAL:
		name = signame(s.value);
		fprintf(fp, "{\"signal\":%d,\"name\":", s.value);
		if (name)
			tree_json_str(fp, name, strlen(name));
		else
			fputs("null", fp);
		putc('}', fp);
		break;
	case DS_RUNNING: fputs("{\"running\":true}", fp); break;
	default: fputs("null", fp);
	}
}

/* {"id":N,"pid":N} of one side of a pair */
static void put_ref(FILE *fp, const struct node *n)
{
	fprintf(fp, "{\"id\":%" PRIu32 ",\"pid\":%" PRId32, n->id, n->pid);
}

static void put_run(FILE *fp, const struct diff_run *r)
{
	const char *e = r->t->meta.engine;

	fputs("{\"path\":", fp);
	tree_json_str(fp, r->path, strlen(r->path));
	fputs(",\"engine\":", fp);
	if (e)
		tree_json_str(fp, e, strlen(e));
	else
		fputs("null", fp);
	putc('}', fp);
}

static void put_only(FILE *fp, const struct diff *d, int r)
{
	const struct diff_run *run = &d->run[r];
	struct tree_walk w;
	bool first = true;

	putc('[', fp);
	if (!(r ? d->counts.only_b : d->counts.only_a)) {
		putc(']', fp);
		return;
	}
	for (struct node *x = tree_walk_first(&w, run->t); x; x = tree_walk_next(&w)) {
		const struct diff_node *me = &run->dn[diff_ix(x)];

		if (!diff_only_top(run, x))
			continue;
		fputs(first ? "\n " : ",\n ", fp);
		first = false;
		put_ref(fp, x);
		fputs(",\"command\":", fp);
		put_command(fp, d, x);
		fputs(",\"path\":", fp);
		put_path(fp, x);
		fprintf(fp, ",\"processes\":%" PRIu32 ",\"exit\":", me->subtree);
		put_exit(fp, x);
		putc('}', fp);
	}
	putc(']', fp);
}

static void put_pairs(FILE *fp, const struct diff *d, enum diff_kind k)
{
	uint64_t total = k == DK_STATUS	   ? d->counts.status_changed
			 : k == DK_COMMAND ? d->counts.command_changed
					   : d->counts.moved;
	bool first = true;

	putc('[', fp);
	for (uint32_t ix = 1; total && ix <= d->run[0].n; ix++) {
		const struct node *a = d->run[0].byix[ix], *b;

		if (!diff_pair_is(d, ix, k))
			continue;
		total--;
		b = d->run[1].byix[d->run[0].dn[ix].match];
		fputs(first ? "\n " : ",\n ", fp);
		first = false;
		for (int s = 0; s < 2; s++) {
			const struct node *x = s ? b : a;

			fputs(s ? ",\"b\":" : "{\"a\":", fp);
			put_ref(fp, x);
			fputs(",\"command\":", fp);
			put_command(fp, d, x);
			fputs(",\"path\":", fp);
			put_path(fp, x);
			fputs(",\"exit\":", fp);
			put_exit(fp, x);
			putc('}', fp);
		}
		putc('}', fp);
	}
	putc(']', fp);
}

static void put_commands(FILE *fp, const struct diff *d)
{
	putc('[', fp);
	for (size_t k = 0; k < d->ncmds; k++) {
		const struct diff_cmd *c = &d->cmds[k];

		fputs(k ? ",\n " : "\n ", fp);
		fputs("{\"command\":", fp);
		tree_json_str(fp, c->name, c->len);
		fputs(",\"count\":", fp);
		put_vals(fp, true, c->count[0], c->count[1], false);
		fputs(",\"wall_ns\":", fp);
		put_vals(fp, c->timed[0] || c->timed[1], c->wall[0], c->wall[1], true);
		fputs(",\"cpu_ns\":", fp);
		put_vals(fp, c->cpu_known[0] || c->cpu_known[1], c->cpu[0], c->cpu[1], true);
		fputs(",\"failures\":", fp);
		put_vals(fp, true, c->failures[0], c->failures[1], false);
		fprintf(fp, ",\"shown\":%s}", c->shown ? "true" : "false");
	}
	putc(']', fp);
}

static void put_processes(FILE *fp, const struct diff *d, uint64_t limit)
{
	putc('[', fp);
	for (size_t k = 0; k < d->npairs && (!limit || k < limit); k++) {
		const struct diff_pair *p = &d->pairs[k];
		struct diff_times t;
		const struct node *a = d->run[0].byix[p->a], *b = d->run[1].byix[p->b];

		diff_pair_times(d, p->a, p->b, &t);
		fputs(k ? ",\n " : "\n ", fp);
		fputs("{\"command\":", fp);
		put_command(fp, d, a);
		fputs(",\"path\":", fp);
		put_path(fp, a);
		fputs(",\"a\":", fp);
		put_ref(fp, a);
		fputs("},\"b\":", fp);
		put_ref(fp, b);
		fputs("},\"wall_ns\":", fp);
		put_vals(fp, t.wall_known, t.wall[0], t.wall[1], true);
		fputs(",\"cpu_ns\":", fp);
		put_vals(fp, t.cpu_known, t.cpu[0], t.cpu[1], true);
		putc('}', fp);
	}
	putc(']', fp);
}

int diff_write_json(const struct diff *d, FILE *fp, uint64_t limit)
{
	const struct diff_run *a = &d->run[0], *b = &d->run[1];
	const struct diff_counts *c = &d->counts;

	fputs("{\"format\":\"proctree-diff\",\"version\":1,\"a\":", fp);
	put_run(fp, a);
	fputs(",\"b\":", fp);
	put_run(fp, b);
	fprintf(fp, ",\"normalised\":%s,\"threshold\":{\"percent\":%u,\"ns\":%" PRIu64 "}",
		d->opts.raw ? "false" : "true", d->opts.threshold_pct, d->opts.threshold_ns);
	fprintf(fp, ",\"same\":%s", diff_differs(d) ? "false" : "true");
	fprintf(fp,
		",\n\"counts\":{\"matched\":%" PRIu64 ",\"only_a\":%" PRIu64 ",\"only_b\":%" PRIu64
		",\"only_a_subtrees\":%" PRIu64 ",\"only_b_subtrees\":%" PRIu64
		",\"status_changed\":%" PRIu64 ",\"command_changed\":%" PRIu64 ",\"moved\":%" PRIu64
		"}",
		c->matched, c->only_a, c->only_b, c->only_a_subtrees, c->only_b_subtrees,
		c->status_changed, c->command_changed, c->moved);
	fputs(",\n\"totals\":{\"processes\":", fp);
	put_vals(fp, true, a->sum.processes, b->sum.processes, true);
	fputs(",\"execs\":", fp);
	put_vals(fp, true, a->sum.execs, b->sum.execs, true);
	fputs(",\"wall_ns\":", fp);
	put_vals(fp, true, a->wall_ns, b->wall_ns, true);
	fputs(",\"cpu_ns\":", fp);
	put_vals(fp, a->cpu_known && b->cpu_known, a->cpu_ns, b->cpu_ns, true);
	fputs(",\"failures\":", fp);
	put_vals(fp, true, a->sum.exit_nonzero + a->sum.signaled,
		 b->sum.exit_nonzero + b->sum.signaled, true);
	fputs("},\n\"only_a\":", fp);
	put_only(fp, d, 0);
	fputs(",\n\"only_b\":", fp);
	put_only(fp, d, 1);
	fputs(",\n\"status_changed\":", fp);
	put_pairs(fp, d, DK_STATUS);
	fputs(",\n\"command_changed\":", fp);
	put_pairs(fp, d, DK_COMMAND);
	fputs(",\n\"moved\":", fp);
	put_pairs(fp, d, DK_MOVED);
	fputs(",\n\"commands\":", fp);
	put_commands(fp, d);
	fputs(",\n\"processes\":", fp);
	put_processes(fp, d, limit);
	fprintf(fp, ",\"processes_total\":%zu}\n", d->npairs);
	return ferror(fp) ? -1 : 0;
}
