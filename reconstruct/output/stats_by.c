// SPDX-License-Identifier: MIT
/*
 * --stats-by comm|exe: one row per command with the number of processes,
 * the total, median and longest lifetime (fork to exit, over the processes
 * that have both), user and system CPU time where the exit row carried
 * rusage, and failures (exit code != 0 or a fatal signal).  Rows are sorted
 * by total lifetime, the most expensive command first.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "view-private.h"

struct stat_row {
	const char *name;
	size_t len;
	bool bracket; /* exe key, no exec: "[comm]" */
	uint64_t count, timed, total_ns, median_ns, max_ns;
	uint64_t utime_ns, stime_ns, cpu_known, failures;
	uint64_t own_ns, incl_ns; /* cpu_time.c: own sums, inclusive does not */
	size_t first;		  /* into the sorted lifetimes */
};

struct life {
	uint32_t row;
	uint64_t ns;
};

static void key_of(const struct node *n, enum tree_stats_key key, const char **s, size_t *len,
		   bool *bracket)
{
	const struct exec_rec *x = n->last_exec;

	*bracket = false;
	if (key == TREE_STATS_COMM) {
		node_command(n, s, len);
		return;
	}
	if (x && x->filename && x->filename->len) {
		*s = x->filename->s;
		*len = x->filename->len;
		return;
	}
	*bracket = true;
	if (n->comm) {
		*s = n->comm->s;
		*len = n->comm->len;
	} else {
		*s = "?";
		*len = 1;
	}
}

static int by_life(const void *a, const void *b)
{
	const struct life *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->ns < y->ns ? -1 : x->ns > y->ns;
}

static int by_total(const void *a, const void *b)
{
	const struct stat_row *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->total_ns != y->total_ns)
		return x->total_ns > y->total_ns ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->name, y->name, n);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (int)x->bracket - (int)y->bracket;
}

/* group the nodes by key: rows[] plus each node's row in rowof[] */
static int group(const struct tree *t, enum tree_stats_key key, struct stat_row **out, size_t *nout,
		 uint32_t *rowof)
{
	size_t cap = 256, n = 0;
	uint32_t *slot = NULL;
	struct stat_row *rows = NULL;

	for (;;) {
		size_t mask = cap - 1;
		uint32_t id;

		free(slot);
		free(rows);
		slot = malloc(cap * sizeof(*slot));
		rows = malloc(cap / 2 * sizeof(*rows));
		if (!slot || !rows)
			goto oom;
		memset(slot, 0xff, cap * sizeof(*slot));
		n = 0;
		for (id = 1; id <= t->nnodes; id++) {
			const struct node *x = tree_node(t, id);
			const char *s;
			size_t len, i;
			bool br;

			key_of(x, key, &s, &len, &br);
			for (i = (name_hash(s, len) + br) & mask; slot[i] != UINT32_MAX;
			     i = (i + 1) & mask) {
				struct stat_row *r = &rows[slot[i]];

				if (r->len == len && r->bracket == br && !memcmp(r->name, s, len))
					break;
			}
			if (slot[i] == UINT32_MAX) {
				if (n + 1 > cap / 2)
					break;
				slot[i] = (uint32_t)n;
				rows[n++] =
					(struct stat_row){ .name = s, .len = len, .bracket = br };
			}
			rowof[id] = slot[i];
		}
		if (id > t->nnodes)
			break;
		cap *= 4;
	}
	free(slot);
	*out = rows;
	*nout = n;
	return 0;
oom:
	free(slot);
	free(rows);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

static int collect(const struct tree *t, enum tree_stats_key key, struct stat_row **out,
		   size_t *nout, uint64_t *timed_all)
{
	uint32_t *rowof = malloc(((size_t)t->nnodes + 1) * sizeof(*rowof));
	struct life *life = NULL;
	struct stat_row *rows = NULL;
	struct cpu_times *cpu = NULL;
	size_t nrows = 0, nlife = 0;

	if (!rowof || group(t, key, &rows, &nrows, rowof) < 0)
		goto error;
	if (tree_cpu_times(t, &cpu) < 0) {
		free(rowof);
		free(rows);
		return -1;
	}
	life = malloc(((size_t)t->nnodes + 1) * sizeof(*life));
	if (!life)
		goto error;
	for (uint32_t id = 1; id <= t->nnodes; id++) {
		const struct node *x = tree_node(t, id);
		struct stat_row *r = &rows[rowof[id]];

		r->count++;
		if (x->have & NH_END && x->have & NH_START) {
			uint64_t d = x->end_ns - x->start_ns;

			r->timed++;
			r->total_ns += d;
			if (d > r->max_ns)
				r->max_ns = d;
			life[nlife++] = (struct life){ rowof[id], d };
		}
		if (x->ru && x->ru->present & (CSV_BIT(CSV_F_UTIME) | CSV_BIT(CSV_F_STIME))) {
			r->utime_ns += x->ru->utime_ns;
			r->stime_ns += x->ru->stime_ns;
			r->cpu_known++;
		}
		if (cpu[id].known) {
			r->own_ns = sat_add(r->own_ns, cpu[id].own_ns);
			r->incl_ns = sat_add(r->incl_ns, cpu[id].incl_ns);
		}
		r->failures += node_failed(x);
	}
	qsort(life, nlife, sizeof(*life), by_life);
	for (size_t i = 0; i < nlife;) {
		struct stat_row *r = &rows[life[i].row];
		size_t k = r->timed;
		uint64_t lo = life[i + (k - 1) / 2].ns, hi = life[i + k / 2].ns;

		/* the mean of the two middle values for an even count, without overflow */
		r->median_ns = lo + (hi - lo) / 2;
		i += k;
	}
	*timed_all = nlife;
	free(cpu);
	free(life);
	free(rowof);
	qsort(rows, nrows, sizeof(*rows), by_total);
	*out = rows;
	*nout = nrows;
	return 0;
error:
	if (!rowof || !life)
		err_set("out of memory");
	errno = ENOMEM;
	free(life);
	free(rowof);
	free(rows);
	return -1;
}

int tree_write_stats_by(const struct tree *t, enum tree_stats_key key, FILE *fp)
{
	struct stat_row *rows;
	size_t nrows;
	uint64_t timed;

	if (collect(t, key, &rows, &nrows, &timed) < 0)
		return -1;
	fprintf(fp, "%8s %14s %14s %14s %14s %14s %14s %14s %7s  %s\n", "count", "total", "median",
		"max", "user", "system", "cpu own", "cpu incl", "failed",
		key == TREE_STATS_EXE ? "executable" : "command");
	for (size_t i = 0; i < nrows; i++) {
		const struct stat_row *r = &rows[i];
		char tot[32] = "-", med[32] = "-", max[32] = "-", ut[32] = "-", st[32] = "-";
		char own[32] = "-", incl[32] = "-";

		if (r->timed) {
			fmt_secs(tot, sizeof(tot), r->total_ns);
			fmt_secs(med, sizeof(med), r->median_ns);
			fmt_secs(max, sizeof(max), r->max_ns);
		}
		if (r->cpu_known) {
			fmt_secs(ut, sizeof(ut), r->utime_ns);
			fmt_secs(st, sizeof(st), r->stime_ns);
			fmt_secs(own, sizeof(own), r->own_ns);
			fmt_secs(incl, sizeof(incl), r->incl_ns);
		}
		fprintf(fp, "%8" PRIu64 " %14s %14s %14s %14s %14s %14s %14s %7" PRIu64 "  ",
			r->count, tot, med, max, ut, st, own, incl, r->failures);
		if (r->bracket)
			putc_unlocked('[', fp);
		tree_text_escaped(fp, r->name, r->len);
		if (r->bracket)
			putc_unlocked(']', fp);
		putc_unlocked('\n', fp);
	}
	if (timed < t->nnodes)
		fprintf(fp,
			"(lifetimes over the %" PRIu64 " of %" PRIu32 " processes with both a "
			"fork and an exit recorded; CPU time only where the exit carried it)\n",
			timed, t->nnodes);
	fprintf(fp,
		"(user, system: as recorded, %s; cpu own: without the children's, sums; "
		"cpu incl: with them)\n",
		tree_cpu_inclusive(t) ? "with the children waited for" : "the process's own");
	free(rows);
	if (ferror(fp)) {
		err_set("write error");
		return -1;
	}
	return 0;
}
