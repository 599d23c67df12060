// SPDX-License-Identifier: MIT
/* --summary: totals and the per-command table. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"

static uint32_t hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int by_count(const void *a, const void *b)
{
	const struct cmd_stat *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->name, y->name, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

int cmd_table(const struct tree *t, struct cmd_stat **out, size_t *nout)
{
	size_t cap = 64, n = 0, mask;
	struct cmd_stat *tab = NULL, *res;
	struct cpu_times *cpu;
	uint32_t id;

	if (tree_cpu_times(t, &cpu) < 0)
		return -1;
	for (;;) {
		/* open addressing, grown by rebuilding: commands are few */
		free(tab);
		tab = calloc(cap, sizeof(*tab));
		if (!tab)
			goto oom;
		mask = cap - 1;
		n = 0;
		for (id = 1; id <= t->nnodes; id++) {
			const struct node *x = tree_node(t, id);
			struct cmd_stat *c;
			const char *s;
			size_t len, i;

			node_command(x, &s, &len);
			for (i = hash(s, len) & mask; tab[i].name; i = (i + 1) & mask)
				if (tab[i].len == len && !memcmp(tab[i].name, s, len))
					break;
			c = &tab[i];
			if (!c->name) {
				if (2 * (n + 1) > cap)
					break;
				c->name = s;
				c->len = len;
				n++;
			}
			c->count++;
			if (x->have & NH_END && x->have & NH_START) {
				uint64_t d = x->end_ns - x->start_ns;

				c->timed++;
				c->total_ns = sat_add(c->total_ns, d);
				if (d > c->max_ns)
					c->max_ns = d;
			}
			if (x->ru &&
			    x->ru->present & (CSV_BIT(CSV_F_UTIME) | CSV_BIT(CSV_F_STIME))) {
				c->cpu_ns = sat_add(c->cpu_ns,
						    sat_add(x->ru->utime_ns, x->ru->stime_ns));
				c->cpu_known++;
			}
			if (cpu[id].known) {
				c->cpu_own_ns = sat_add(c->cpu_own_ns, cpu[id].own_ns);
				c->cpu_incl_ns = sat_add(c->cpu_incl_ns, cpu[id].incl_ns);
			}
			if (x->have & NH_SIGNAL || (x->have & NH_CODE && x->code))
				c->failures++;
		}
		if (id > t->nnodes)
			break;
		cap *= 4;
	}
	res = malloc((n ? n : 1) * sizeof(*res));
	if (!res)
		goto oom;
	n = 0;
	for (size_t i = 0; i < cap; i++)
		if (tab[i].name)
			res[n++] = tab[i];
	free(tab);
	free(cpu);
	qsort(res, n, sizeof(*res), by_count);
	*out = res;
	*nout = n;
	return 0;
oom:
	free(tab);
	free(cpu);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

static void put_name(FILE *fp, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(fp, "\\x%02x", c);
		else
			putc_unlocked(c, fp);
	}
}

int tree_write_summary(const struct tree *t, FILE *fp)
{
	const struct tree_summary *s = &t->sum;
	struct cmd_stat *cs;
	size_t ncs;
	char a[32], b[32];

#define P(label, v) fprintf(fp, "%-22s %" PRIu64 "\n", label, (uint64_t)(v))
	P("processes", s->processes);
	P("threads", s->threads);
	P("execs", s->execs);
	P("max depth", s->max_depth);
	P("max alive", s->max_alive);
	P("exited", s->exited);
	P("exit code != 0", s->exit_nonzero);
	P("killed by signal", s->signaled);
	P("alive at end", s->alive_at_end);
	P("exit lost", s->exit_lost);
	P("exit unseen", s->exit_unseen);
	P("fork lost", s->fork_lost);
	P("orphans", s->orphans);
	P("fork late", s->fork_late);
	P("reparented", s->reparented);
	P("argv unknown", s->argv_unknown);
	P("execs with argv cut", s->argv_cut);
	P("kernel lost events", s->lost_events);
	P("lost windows", s->lost_rows);
	P("lost windows uncounted", s->lost_rows_uncounted);
	P("rows", s->rows);
	P("rows late", s->late_rows);
#undef P
	fprintf(fp, "%-22s %s\n", "file",
		s->truncated   ? "truncated last row"
		: !s->complete ? "cut short (no #end)"
			       : "complete");
	if (s->interrupted)
		fprintf(fp, "%-22s %s\n", "recording", "interrupted");
	if (cmd_table(t, &cs, &ncs) < 0)
		return -1;
	fprintf(fp, "\n%10s %14s %14s %14s %14s %14s %8s  %s\n", "count", "total", "max", "cpu",
		"cpu own", "cpu incl", "failed", "command");
	for (size_t i = 0; i < ncs; i++) {
		char cpu[32] = "-", own[32] = "-", incl[32] = "-";

		/* "-": no process of this command has both a known start and end */
		snprintf(a, sizeof(a), "-");
		snprintf(b, sizeof(b), "-");
		if (cs[i].timed) {
			fmt_secs(a, sizeof(a), cs[i].total_ns);
			fmt_secs(b, sizeof(b), cs[i].max_ns);
		}
		if (cs[i].cpu_known) {
			fmt_secs(cpu, sizeof(cpu), cs[i].cpu_ns);
			fmt_secs(own, sizeof(own), cs[i].cpu_own_ns);
			fmt_secs(incl, sizeof(incl), cs[i].cpu_incl_ns);
		}
		fprintf(fp, "%10" PRIu64 " %14s %14s %14s %14s %14s %8" PRIu64 "  ", cs[i].count, a,
			b, cpu, own, incl, cs[i].failures);
		put_name(fp, cs[i].name, cs[i].len);
		putc_unlocked('\n', fp);
	}
	if (ncs)
		fprintf(fp,
			"(cpu: utime + stime as recorded, %s; cpu own: without the children's, "
			"sums; cpu incl: with them)\n",
			tree_cpu_inclusive(t) ? "with the children waited for"
					      : "the process's own");
	free(cs);
	return ferror(fp) ? -1 : 0;
}
