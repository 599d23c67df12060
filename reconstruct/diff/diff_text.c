// SPDX-License-Identifier: MIT
/*
 * The --diff report as text, read top-down like perf diff: the totals of
 * each run, what the trees disagree on (processes in one run only, changed
 * exit statuses, changed commands, processes placed elsewhere), then the
 * per-command and per-process time tables, largest change first.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff-private.h"
#include "signame.h"
#include "view-private.h"

/* "+1.500000s", "-0.000100s", "0.000000s" */
static void fmt_change(char *buf, size_t size, uint64_t a, uint64_t b)
{
	size_t sign = a != b;

	if (size < 2)
		return;
	buf[0] = a > b ? '-' : '+';
	fmt_secs(buf + sign, size - sign, a > b ? a - b : b - a);
}

/* B / A: "x1.25", "-" when A is 0 */
static void fmt_ratio(char *buf, size_t size, uint64_t a, uint64_t b)
{
	if (!a)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "x%.2f", (double)b / (double)a);
}

static void fmt_count_change(char *buf, size_t size, uint64_t a, uint64_t b)
{
	if (a == b)
		snprintf(buf, size, "0");
	else if (b > a)
		snprintf(buf, size, "+%" PRIu64, b - a);
	else
		snprintf(buf, size, "-%" PRIu64, a - b);
}

static void fmt_status(char *buf, size_t size, const struct node *n)
{
	struct diff_status s;
	const char *name;

	diff_status_of(n, &s);
	switch (s.kind) {
	case DS_CODE: snprintf(buf, size, "code %d", s.value); break;
	case DS_SIGNAL:
		name = signame(s.value);
		if (name)
			snprintf(buf, size, "signal %s", name);
		else
			snprintf(buf, size, "signal %d", s.value);
		break;
	case DS_RUNNING: snprintf(buf, size, "running"); break;
	default: snprintf(buf, size, "exit ?");
	}
}

/* text: a command line longer than this is cut (gcc's collect2 runs to 2 KB) */
#define CMD_SHOWN 120

static void put_command(FILE *fp, const struct diff *d, const struct node *n)
{
	size_t len;
	char *s = diff_command_line(d, n, &len);

	if (s && len > CMD_SHOWN) {
		size_t cut = CMD_SHOWN - 3;

		/* not inside a UTF-8 sequence */
		while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
		fwrite(s, 1, cut, fp);
		fputs("...", fp);
	} else if (s) {
		fwrite(s, 1, len, fp);
	}
	free(s);
}

/* the arguments of @v (@n of them) not taken by an equal one of @w, listed after @label */
static int put_unshared(FILE *fp, const char *label, char **v, int n, char **w, int m, bool *taken)
{
	int shown = 0;

	memset(taken, 0, (size_t)m * sizeof(*taken));
	for (int i = 0; i < n; i++) {
		int j;

		for (j = 0; j < m; j++)
			if (!taken[j] && !strcmp(v[i], w[j]))
				break;
		if (j < m) {
			taken[j] = true;
			continue;
		}
		fputs(shown++ ? " " : label, fp);
		tree_text_arg(fp, v[i], strlen(v[i]));
	}
	return shown;
}

/* split a diff_norm_argv() buffer into @argc pointers */
static char **split(char *buf, int argc)
{
	char **v = malloc(((size_t)argc + 1) * sizeof(*v));

	for (int i = 0; v && i < argc; i++) {
		v[i] = buf;
		buf += strlen(buf) + 1;
	}
	return v;
}

/*
 * What changed in a command line: "removed -O0, added -O2" (the arguments
 * one has that the other lacks, as multisets), else the program, else the
 * whole of B's line.
 */
static void put_command_change(FILE *fp, const struct diff *d, const struct node *a,
			       const struct node *b)
{
	int na, nb;
	char *ba = diff_norm_argv(d, a, &na), *bb = diff_norm_argv(d, b, &nb);
	char **va = ba ? split(ba, na) : NULL, **vb = bb ? split(bb, nb) : NULL;
	bool *taken = malloc(((size_t)(na > nb ? na : nb) + 1) * sizeof(*taken));
	int removed;

	if (!va || !vb || !taken) {
		fputs(": now ", fp);
		put_command(fp, d, b);
		goto out;
	}
	removed = put_unshared(fp, ": removed ", va, na, vb, nb, taken);
	if (!put_unshared(fp, removed ? ", added " : ": added ", vb, nb, va, na, taken) &&
	    !removed) {
		/* the same arguments: the program differs */
		fputs(": program ", fp);
		if (a->last_exec && a->last_exec->filename)
			tree_text_escaped(fp, a->last_exec->filename->s,
					  a->last_exec->filename->len);
		fputs(" -> ", fp);
		if (b->last_exec && b->last_exec->filename)
			tree_text_escaped(fp, b->last_exec->filename->s,
					  b->last_exec->filename->len);
	}
out:
	free(taken);
	free(va);
	free(vb);
	free(ba);
	free(bb);
}

/* "  (in make > sh)" after a process, nothing for a root */
static void put_where(FILE *fp, const struct node *n)
{
	size_t len;
	char *s = diff_path(n, &len);

	if (s && len) {
		fputs("  (in ", fp);
		fwrite(s, 1, len, fp);
		putc(')', fp);
	}
	free(s);
}

/* ": under make > sh" (the root: ": a root") */
static void put_under(FILE *fp, const struct node *n)
{
	size_t len;
	char *s = diff_path(n, &len);

	fputs(n->parent ? " under " : " a root", fp);
	if (s)
		fwrite(s, 1, len, fp);
	free(s);
}

static bool shown(uint64_t i, uint64_t limit)
{
	return !limit || i < limit;
}

static void put_more(FILE *fp, uint64_t total, uint64_t limit)
{
	if (limit && total > limit)
		fprintf(fp, "  ... %" PRIu64 " more (--limit 0 shows all)\n", total - limit);
}

static void put_totals(FILE *fp, const struct diff *d)
{
	const struct diff_run *a = &d->run[0], *b = &d->run[1];
	uint64_t fa = a->sum.exit_nonzero + a->sum.signaled,
		 fb = b->sum.exit_nonzero + b->sum.signaled;
	char x[32], y[32], ch[32], r[32];

	fprintf(fp, "%-12s %14s %14s %14s %8s\n", "", "A", "B", "change", "ratio");
#define COUNT(label, va, vb)                                                                       \
	do {                                                                                       \
		fmt_count_change(ch, sizeof(ch), va, vb);                                          \
		fmt_ratio(r, sizeof(r), va, vb);                                                   \
		fprintf(fp, "%-12s %14" PRIu64 " %14" PRIu64 " %14s %8s\n", label, (uint64_t)(va), \
			(uint64_t)(vb), ch, r);                                                    \
	} while (0)
#define SECS(label, va, vb)                                                    \
	do {                                                                   \
		fmt_secs(x, sizeof(x), va);                                    \
		fmt_secs(y, sizeof(y), vb);                                    \
		fmt_change(ch, sizeof(ch), va, vb);                            \
		fmt_ratio(r, sizeof(r), va, vb);                               \
		fprintf(fp, "%-12s %14s %14s %14s %8s\n", label, x, y, ch, r); \
	} while (0)
	COUNT("processes", a->sum.processes, b->sum.processes);
	COUNT("execs", a->sum.execs, b->sum.execs);
	SECS("wall", a->wall_ns, b->wall_ns);
	if (a->cpu_known && b->cpu_known)
		SECS("cpu", a->cpu_ns, b->cpu_ns);
	else
		fprintf(fp, "%-12s %14s %14s %14s %8s\n", "cpu", a->cpu_known ? "" : "?",
			b->cpu_known ? "" : "?", "-", "-");
	COUNT("failures", fa, fb);
#undef COUNT
#undef SECS
}

static void put_only(FILE *fp, const struct diff *d, int r, uint64_t limit)
{
	const struct diff_run *run = &d->run[r];
	uint64_t nsub = r ? d->counts.only_b_subtrees : d->counts.only_a_subtrees;
	uint64_t nproc = r ? d->counts.only_b : d->counts.only_a, i = 0;
	struct tree_walk w;

	if (!nproc)
		return;
	fprintf(fp, "\nonly in %c: %" PRIu64 " subtree%s, %" PRIu64 " process%s\n", r ? 'B' : 'A',
		nsub, nsub == 1 ? "" : "s", nproc, nproc == 1 ? "" : "es");
	for (struct node *x = tree_walk_first(&w, run->t); x; x = tree_walk_next(&w)) {
		const struct diff_node *me = &run->dn[diff_ix(x)];

		if (!diff_only_top(run, x))
			continue;
		if (shown(i, limit)) {
			fputs(r ? "  + " : "  - ", fp);
			put_command(fp, d, x);
			fprintf(fp, "  [%" PRIu32 " process%s]", me->subtree,
				me->subtree == 1 ? "" : "es");
			put_where(fp, x);
			putc('\n', fp);
		}
		i++;
	}
	put_more(fp, i, limit);
}

static void put_pairs(FILE *fp, const struct diff *d, enum diff_kind k, uint64_t limit)
{
	static const char *const title[] = { "exit status changed", "command changed",
					     "placed differently (a lost event in one run?)" };
	uint64_t total = k == DK_STATUS	   ? d->counts.status_changed
			 : k == DK_COMMAND ? d->counts.command_changed
					   : d->counts.moved,
		 i = 0;

	if (!total)
		return;
	fprintf(fp, "\n%s: %" PRIu64 "\n", title[k], total);
	for (uint32_t ix = 1; ix <= d->run[0].n; ix++) {
		const struct node *a = d->run[0].byix[ix], *b;
		char sa[48], sb[48];

		if (!diff_pair_is(d, ix, k))
			continue;
		if (!shown(i++, limit)) {
			if (i == total)
				break;
			continue;
		}
		b = d->run[1].byix[d->run[0].dn[ix].match];
		fputs("  ", fp);
		put_command(fp, d, a);
		if (k == DK_MOVED)
			putc(':', fp);
		if (k == DK_STATUS) {
			fmt_status(sa, sizeof(sa), a);
			fmt_status(sb, sizeof(sb), b);
			fprintf(fp, ": %s -> %s", sa, sb);
			put_where(fp, a);
		} else if (k == DK_COMMAND) {
			put_where(fp, a);
			put_command_change(fp, d, a, b);
		} else {
			put_under(fp, a);
			fputs(" in A,", fp);
			put_under(fp, b);
			fputs(" in B", fp);
		}
		putc('\n', fp);
	}
	put_more(fp, i, limit);
}

static void put_time_cols(FILE *fp, bool known, uint64_t a, uint64_t b)
{
	char x[32] = "-", y[32] = "-", ch[32] = "-", r[32] = "-";

	if (known) {
		fmt_secs(x, sizeof(x), a);
		fmt_secs(y, sizeof(y), b);
		fmt_change(ch, sizeof(ch), a, b);
		fmt_ratio(r, sizeof(r), a, b);
	}
	fprintf(fp, " %12s %12s %13s %7s", x, y, ch, r);
}

static void put_commands(FILE *fp, const struct diff *d, uint64_t limit)
{
	uint64_t i = 0;

	fprintf(fp,
		"\nper command (wall: lifetimes summed; cpu: the processes' own), largest change "
		"first:\n");
	fprintf(fp, "%8s %8s %12s %12s %13s %7s %12s %12s %13s %7s  %s\n", "count A", "count B",
		"wall A", "wall B", "change", "ratio", "cpu A", "cpu B", "change", "ratio",
		"command");
	for (size_t k = 0; k < d->ncmds && d->cmds[k].shown; k++) {
		const struct diff_cmd *c = &d->cmds[k];

		if (!shown(i++, limit))
			continue;
		fprintf(fp, "%8" PRIu64 " %8" PRIu64, c->count[0], c->count[1]);
		put_time_cols(fp, c->timed[0] || c->timed[1], c->wall[0], c->wall[1]);
		put_time_cols(fp, c->cpu_known[0] || c->cpu_known[1], c->cpu[0], c->cpu[1]);
		fputs("  ", fp);
		tree_text_escaped(fp, c->name, c->len);
		putc('\n', fp);
	}
	put_more(fp, i, limit);
	if (d->ncmds > d->ncmds_shown)
		fprintf(fp, "  (%zu command%s below the threshold not shown)\n",
			d->ncmds - d->ncmds_shown, d->ncmds - d->ncmds_shown == 1 ? "" : "s");
}

static void put_processes(FILE *fp, const struct diff *d, uint64_t limit)
{
	if (!d->npairs)
		return;
	fprintf(fp, "\nper process (matched pairs), largest change first:\n");
	fprintf(fp, "%12s %12s %13s %7s %12s %12s %13s %7s  %s\n", "wall A", "wall B", "change",
		"ratio", "cpu A", "cpu B", "change", "ratio", "process");
	for (size_t k = 0; k < d->npairs && shown(k, limit); k++) {
		const struct diff_pair *p = &d->pairs[k];
		struct diff_times t;
		const struct node *a = d->run[0].byix[p->a];

		diff_pair_times(d, p->a, p->b, &t);
		put_time_cols(fp, t.wall_known, t.wall[0], t.wall[1]);
		put_time_cols(fp, t.cpu_known, t.cpu[0], t.cpu[1]);
		fputs("  ", fp);
		put_command(fp, d, a);
		put_where(fp, a);
		putc('\n', fp);
	}
	put_more(fp, d->npairs, limit);
}

int diff_write_text(const struct diff *d, FILE *fp, uint64_t limit)
{
	const struct diff_counts *c = &d->counts;

	fprintf(fp, "A: %s\nB: %s\n", d->run[0].path, d->run[1].path);
	fprintf(fp, "commands %s; time changes under %u%% or %" PRIu64 " ms hidden\n\n",
		d->opts.raw ? "compared byte for byte (--diff-raw)"
			    : "normalised (temporary names, pids, addresses)",
		d->opts.threshold_pct, d->opts.threshold_ns / 1000000u);
	put_totals(fp, d);
	put_only(fp, d, 0, limit);
	put_only(fp, d, 1, limit);
	put_pairs(fp, d, DK_STATUS, limit);
	put_pairs(fp, d, DK_COMMAND, limit);
	put_pairs(fp, d, DK_MOVED, limit);
	put_commands(fp, d, limit);
	put_processes(fp, d, limit);
	if (diff_differs(d))
		fprintf(fp,
			"\nthe trees differ: %" PRIu64 " matched, %" PRIu64 " only in A, %" PRIu64
			" only in B, %" PRIu64 " exit statuses, %" PRIu64
			" commands changed, %" PRIu64 " placed differently\n",
			c->matched, c->only_a, c->only_b, c->status_changed, c->command_changed,
			c->moved);
	else
		fprintf(fp,
			"\nsame shape, commands and exit statuses: %" PRIu64 " processes matched\n",
			c->matched);
	return ferror(fp) ? -1 : 0;
}
