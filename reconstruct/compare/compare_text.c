// SPDX-License-Identifier: MIT
/*
 * The text report of --compare: a header naming the files and how they
 * were matched, then for each file with differences one table per class
 * and its dropped subtrees drawn like the text tree (two spaces per level).
 * Times are offsets from the first event of the file that shows the
 * process.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compare-private.h"
#include "signame.h"

/* bytes as one line: control characters and backslash as \xNN */
static void put_bytes(FILE *fp, const char *s, size_t len, int width)
{
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f || ch == '\\') {
			n += fprintf(fp, "\\x%02x", ch);
		} else {
			putc_unlocked(ch, fp);
			n++;
		}
	}
	for (; n < width; n++)
		putc_unlocked(' ', fp);
}

static void put_command(FILE *fp, const struct cmp_file *f, uint32_t id, int width)
{
	const struct tree_node_info *x = &f->nodes[id].info;
	const char *s;
	size_t len;
	char buf[64];

	cmp_node_command(f, id, &s, &len);
	if (s && x->nexecs) {
		put_bytes(fp, s, len, width);
	} else if (s) {
		putc_unlocked('[', fp);
		put_bytes(fp, s, len, 0);
		putc_unlocked(']', fp);
		for (int n = (int)len + 2; n < width; n++)
			putc_unlocked(' ', fp);
	} else {
		snprintf(buf, sizeof(buf), "[?]");
		put_bytes(fp, buf, strlen(buf), width);
	}
}

static void fmt_status(char *buf, size_t size, const struct tree_node_info *x)
{
	const char *name;

	if (x->flags & TQ_EXIT_LOST)
		snprintf(buf, size, "exit_lost");
	else if (x->exit_seen && x->have_signal && (name = signame(x->signal)))
		snprintf(buf, size, "signal %s", name);
	else if (x->exit_seen && x->have_signal)
		snprintf(buf, size, "signal %d", x->signal);
	else if (x->exit_seen && x->have_code && !(x->flags & TQ_EXIT_INFERRED))
		snprintf(buf, size, "code %d", x->code);
	else if (x->exit_seen && x->have_code)
		snprintf(buf, size, "code %d (exit_inferred)", x->code);
	else if (x->exit_seen)
		snprintf(buf, size, "exit_status_unknown");
	else if (x->flags & TQ_ALIVE_AT_END)
		snprintf(buf, size, "alive_at_end");
	else
		snprintf(buf, size, "exit_unseen");
}

static void fmt_offset(char *buf, size_t size, const struct cmp_file *f, uint64_t ns)
{
	uint64_t d = ns >= f->first_ns ? ns - f->first_ns : 0;

	snprintf(buf, size, "+%" PRIu64 ".%06" PRIu64 "s", d / 1000000000u,
		 (d % 1000000000u) / 1000u);
}

/* "ftrace" when every file has a distinct engine name, else "#N" */
static bool engines_distinct(const struct cmp *c)
{
	for (int i = 0; i < c->nfiles; i++) {
		if (!c->files[i].engine)
			return false;
		for (int j = 0; j < i; j++)
			if (!strcmp(c->files[i].engine, c->files[j].engine))
				return false;
	}
	return true;
}

static void put_label(FILE *fp, const struct cmp *c, int f)
{
	if (engines_distinct(c))
		fputs(c->files[f].engine, fp);
	else
		fprintf(fp, "#%d", f);
}

static void put_seen_by(FILE *fp, const struct cmp *c, uint32_t ci)
{
	const char *sep = "";

	for (int g = 0; g < c->nfiles; g++) {
		if (*cmp_member(c, ci, g) == CMP_NONE)
			continue;
		fputs(sep, fp);
		put_label(fp, c, g);
		sep = ",";
	}
}

static void put_creator(FILE *fp, const struct cmp_file *f, uint32_t id)
{
	uint32_t p = f->nodes[id].info.parent;

	if (p == TREE_NO_NODE) {
		fputs("(root)", fp);
	} else if (p == 0) {
		fputs("? (unknown parent)", fp);
	} else {
		fprintf(fp, "%" PRId32 " ", f->nodes[p].info.pid);
		put_command(fp, f, p, 0);
	}
}

static void put_exec_list(FILE *fp, const struct cmp_file *f, uint32_t id)
{
	const char *s;
	size_t len;

	putc_unlocked('[', fp);
	for (uint32_t i = 0; cmp_exec_name(f, id, i, &s, &len); i++) {
		if (i)
			fputs(", ", fp);
		if (s)
			put_bytes(fp, s, len, 0);
		else
			putc_unlocked('?', fp);
	}
	putc_unlocked(']', fp);
}

/* the class-specific part of a row: what this file has against what the other has */
static void put_detail(FILE *fp, const struct cmp *c, int f, const struct cmp_diff *d)
{
	const struct cmp_file *fl = &c->files[f], *fo = &c->files[d->other];
	uint32_t y = *cmp_member(c, d->cluster, d->other);
	const struct tree_node_info *a = d->node != TREE_NO_NODE ? &fl->nodes[d->node].info : NULL;
	char s1[64], s2[64];

	switch (d->cls) {
	case CMP_NODE_MISSING:
		fputs("creator ", fp);
		put_creator(fp, fo, y);
		fputs(d->top ? "  (subtree top)" : "", fp);
		fputs("  seen by ", fp);
		put_seen_by(fp, c, d->cluster);
		return;
	case CMP_FORK_MISSING:
		fputs(a->flags & TQ_ORPHAN ? "orphan, " : "placed by ppid under ", fp);
		if (!(a->flags & TQ_ORPHAN)) {
			put_creator(fp, fl, d->node);
			fputs(", ", fp);
		}
		fputs("created by ", fp);
		put_creator(fp, fo, y);
		break;
	case CMP_EXEC_MISSING:
		fputs("execs here ", fp);
		put_exec_list(fp, fl, d->node);
		fputs(", there ", fp);
		put_exec_list(fp, fo, y);
		break;
	case CMP_EXIT_MISSING:
	case CMP_STATUS_DIFFERS:
		fmt_status(s1, sizeof(s1), a);
		fmt_status(s2, sizeof(s2), &fo->nodes[y].info);
		fprintf(fp, "here %s, there %s", s1, s2);
		break;
	case CMP_PARENT_DIFFERS:
		fputs("creator here ", fp);
		put_creator(fp, fl, d->node);
		fputs(", there ", fp);
		put_creator(fp, fo, y);
		break;
	default: break;
	}
	fputs(" (", fp);
	put_label(fp, c, d->other);
	putc_unlocked(')', fp);
}

static void put_row(FILE *fp, const struct cmp *c, int f, const struct cmp_diff *d)
{
	int src = d->node != TREE_NO_NODE ? f : d->other;
	const struct cmp_file *fs = &c->files[src];
	uint32_t id = d->node != TREE_NO_NODE ? d->node : *cmp_member(c, d->cluster, src);
	const struct tree_node_info *x = &fs->nodes[id].info;
	char buf[64];

	fmt_offset(buf, sizeof(buf), fs, x->start_ns);
	fprintf(fp, "  %-8" PRId32 " %-14s ", x->pid, buf);
	put_command(fp, fs, id, 20);
	putc_unlocked(' ', fp);
	put_detail(fp, c, f, d);
	putc_unlocked('\n', fp);
}

/* the text tree's indentation cap (docs/reconstruct.md) */
#define CMP_INDENT_MAX 64

static void put_tree_line(FILE *fp, const struct cmp *c, int f, int r, uint32_t y, uint64_t depth)
{
	const struct cmp_file *fr = &c->files[r];
	const struct tree_node_info *x = &fr->nodes[y].info;
	char buf[64];

	/* capped like the text tree (out_text.c): a deep chain stays linear */
	fputs("  ", fp);
	for (uint64_t i = 0; i < depth && i < CMP_INDENT_MAX; i++)
		fputs("  ", fp);
	if (depth > CMP_INDENT_MAX)
		fprintf(fp, "[depth %" PRIu64 "] ", depth);
	fmt_offset(buf, sizeof(buf), fr, x->start_ns);
	fprintf(fp, "%" PRId32 " ", x->pid);
	put_command(fp, fr, y, 0);
	fprintf(fp, " %s ", buf);
	fmt_status(buf, sizeof(buf), x);
	fputs(buf, fp);
	if (*cmp_member(c, fr->nodes[y].cluster, f) != CMP_NONE)
		fputs("  [present here elsewhere]", fp);
	putc_unlocked('\n', fp);
}

/*
 * Draw one dropped subtree from the file that has it, without recursion;
 * a descendant this file does have (as an orphan, say) is shown and not
 * descended into.  Returns the lines written.
 */
static uint64_t put_subtree(FILE *fp, const struct cmp *c, int f, const struct cmp_diff *d,
			    uint64_t budget)
{
	int r = d->other;
	const struct cmp_file *fr = &c->files[r];
	uint32_t top = *cmp_member(c, d->cluster, r), y = top;
	uint64_t depth = 0, lines = 0;

	while (y != TREE_NO_NODE && lines < budget) {
		bool here = *cmp_member(c, fr->nodes[y].cluster, f) != CMP_NONE;

		put_tree_line(fp, c, f, r, y, depth);
		lines++;
		if (!here && fr->nodes[y].first_child != TREE_NO_NODE) {
			y = fr->nodes[y].first_child;
			depth++;
			continue;
		}
		while (y != top && fr->nodes[y].next_sibling == TREE_NO_NODE) {
			y = fr->nodes[y].info.parent;
			depth--;
		}
		y = y == top ? TREE_NO_NODE : fr->nodes[y].next_sibling;
	}
	return lines;
}

static void put_file(FILE *fp, const struct cmp *c, int f, uint64_t limit)
{
	const struct cmp_file *fl = &c->files[f];
	uint64_t total = 0, shown, lines = 0, budget = limit ? limit : UINT64_MAX;
	size_t i = 0;

	for (int k = 0; k < CMP_CLASS_COUNT; k++)
		total += fl->count[k];
	fprintf(fp, "\n== %s (", fl->path);
	put_label(fp, c, f);
	fprintf(fp, "): %" PRIu64 " difference%s", total, total == 1 ? "" : "s");
	for (int k = 0; k < CMP_CLASS_COUNT; k++)
		if (fl->count[k])
			fprintf(fp, ", %s %" PRIu64, cmp_class_name(k), fl->count[k]);
	putc_unlocked('\n', fp);
	for (int k = 0; k < CMP_CLASS_COUNT; k++) {
		if (!fl->count[k])
			continue;
		fprintf(fp, "%s (%" PRIu64 "):\n", cmp_class_name(k), fl->count[k]);
		fprintf(fp, "  %-8s %-14s %-20s %s\n", "PID", "START", "COMMAND",
			k == CMP_NODE_MISSING ? "WHERE" : "HERE / THERE");
		shown = 0;
		for (; i < c->ndiffs[f] && c->diffs[f][i].cls == (enum cmp_class)k; i++) {
			if (shown++ < budget)
				put_row(fp, c, f, &c->diffs[f][i]);
		}
		if (shown > budget)
			fprintf(fp, "  ... and %" PRIu64 " more (--limit 0 shows all)\n",
				shown - budget);
	}
	if (!fl->count[CMP_NODE_MISSING])
		return;
	fputs("dropped subtrees (as the file that has them shows them):\n", fp);
	for (i = 0; i < c->ndiffs[f] && lines < budget; i++) {
		const struct cmp_diff *d = &c->diffs[f][i];

		if (d->cls == CMP_NODE_MISSING && d->top)
			lines += put_subtree(fp, c, f, d, budget - lines);
	}
	if (lines >= budget)
		fputs("  ... (--limit 0 shows all)\n", fp);
}

int cmp_write_text(const struct cmp *c, FILE *fp, uint64_t limit)
{
	uint32_t everywhere = 0;

	fprintf(fp, "proctree compare: %d files, matched by %s (%s), tolerance %" PRIu64 " ms\n",
		c->nfiles, c->used == CMP_MATCH_PID ? "pid and time" : "structure",
		c->why ? c->why : "", c->opts.tolerance_ns / 1000000u);
	fprintf(fp, "  %-3s %-10s %10s %8s %12s  %s\n", "#", "ENGINE", "PROCESSES", "LOST",
		"DIFFERENCES", "FILE");
	for (int f = 0; f < c->nfiles; f++) {
		const struct cmp_file *fl = &c->files[f];
		uint64_t total = 0;

		for (int k = 0; k < CMP_CLASS_COUNT; k++)
			total += fl->count[k];
		fprintf(fp, "  %-3d %-10s %10" PRIu32 " %8" PRIu64 " %12" PRIu64 "  %s\n", f,
			fl->engine ? fl->engine : "?", fl->n, fl->lost_events, total, fl->path);
	}
	for (uint32_t ci = 0; ci < c->ncl; ci++) {
		int g;

		for (g = 0; g < c->nfiles && *cmp_member(c, ci, g) != CMP_NONE; g++)
			;
		everywhere += g == c->nfiles;
	}
	fprintf(fp, "%" PRIu32 " processes in all, %" PRIu32 " seen by every file\n", c->ncl,
		everywhere);
	if (c->used == CMP_MATCH_PID && c->off_n)
		fprintf(fp,
			"fork times of one process differ between files by %.3f ms on average, "
			"%.3f ms at most\n",
			(double)c->off_sum / c->off_n / 1e6, (double)c->off_max / 1e6);
	fputs(c->differs ? "the trees differ\n" : "the trees agree\n", fp);
	for (int f = 0; f < c->nfiles; f++) {
		uint64_t total = 0;

		for (int k = 0; k < CMP_CLASS_COUNT; k++)
			total += c->files[f].count[k];
		if (total)
			put_file(fp, c, f, limit);
	}
	return ferror(fp) ? -1 : 0;
}
