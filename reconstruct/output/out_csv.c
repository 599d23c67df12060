// SPDX-License-Identifier: MIT
/*
 * --format csv: one row per node, in walk order, with the node id, the
 * parent's node id and the depth, so a spreadsheet or a script can rebuild
 * the tree.  Strings keep their exact bytes (quoting by csv_put_field());
 * argv is encoded as in the proctree CSV (one record inside one field).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "signame.h"
#include "tree-private.h"

static const char header[] =
	"id,parent_id,depth,pid,ppid,comm,start_ns,first_seen_ns,end_ns,last_seen_ns,"
	"exit_code,exit_signal,signal_name,threads,threads_exited,execs,exec_time_ns,filename,"
	"argv,old_tid,utime_ns,stime_ns,cpu_own_ns,cpu_incl_ns,maxrss_kb,minflt,majflt,nvcsw,nivcsw,flags\n";

static void put_u64(FILE *fp, bool known, uint64_t v)
{
	if (known)
		fprintf(fp, "%" PRIu64, v);
	putc_unlocked(',', fp);
}

/* one rusage column: empty when the exit row did not carry it */
static void put_ru(FILE *fp, const struct node_ru *ru, int f, uint64_t v)
{
	put_u64(fp, ru && ru->present & CSV_BIT(f), v);
}

static void put_s(FILE *fp, const struct istr *s)
{
	if (s)
		csv_put_field(fp, s->s, s->len);
	putc_unlocked(',', fp);
}

/* argv as one RFC 4180 record, then that record as one field */
static int put_argv(FILE *fp, const struct exec_rec *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *ms;
	const char *a;

	if (!x || !x->argv) {
		putc_unlocked(',', fp);
		return 0;
	}
	ms = open_memstream(&buf, &len);
	if (!ms) {
		err_set("out of memory");
		return -1;
	}
	a = x->argv->s;
	for (int i = 0; i < x->argc; i++) {
		size_t n = strlen(a);

		if (i)
			putc(',', ms);
		csv_put_field(ms, a, n);
		a += n + 1;
	}
	fclose(ms);
	csv_put_field(fp, buf ? buf : "", len);
	free(buf);
	putc_unlocked(',', fp);
	return 0;
}

int tree_write_csv(const struct tree *t, FILE *fp)
{
	struct tree_walk w;
	struct node *n;
	struct cpu_times *cpu;

	if (tree_cpu_times(t, &cpu) < 0)
		return -1;
	fputs(header, fp);
	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w)) {
		const struct exec_rec *x = n->last_exec;
		bool synth = n->flags & NF_SYNTHETIC;
		const char *sep = "";

		fprintf(fp, "%" PRIu32 ",", n->id);
		put_u64(fp, n->parent, n->parent ? n->parent->id : 0);
		fprintf(fp, "%" PRIu64 ",", w.depth);
		put_u64(fp, !synth, (uint64_t)n->pid);
		put_u64(fp, n->have & NH_PPID, (uint64_t)n->ppid);
		put_s(fp, n->comm);
		put_u64(fp, n->have & NH_START, n->start_ns);
		put_u64(fp, !synth, n->start_ns);
		put_u64(fp, n->have & NH_END, n->end_ns);
		put_u64(fp, !synth && !(n->have & NH_END), n->end_ns);
		put_u64(fp, n->have & NH_CODE, n->code);
		put_u64(fp, n->have & NH_SIGNAL, n->signal);
		if (n->have & NH_SIGNAL && signame(n->signal))
			fputs(signame(n->signal), fp);
		putc_unlocked(',', fp);
		put_u64(fp, !synth, n->threads);
		put_u64(fp, !synth, n->threads_exited);
		put_u64(fp, !synth, n->nexecs);
		put_u64(fp, x, x ? x->time_ns : 0);
		put_s(fp, x ? x->filename : NULL);
		if (put_argv(fp, x) < 0) {
			free(cpu);
			return -1;
		}
		put_u64(fp, x && x->old_tid, x ? (uint64_t)x->old_tid : 0);
		put_ru(fp, n->ru, CSV_F_UTIME, n->ru ? n->ru->utime_ns : 0);
		put_ru(fp, n->ru, CSV_F_STIME, n->ru ? n->ru->stime_ns : 0);
		put_u64(fp, !synth && cpu[n->id].known, cpu[n->id].own_ns);
		put_u64(fp, !synth && cpu[n->id].known, cpu[n->id].incl_ns);
		put_ru(fp, n->ru, CSV_F_MAXRSS, n->ru ? n->ru->maxrss_kb : 0);
		put_ru(fp, n->ru, CSV_F_MINFLT, n->ru ? n->ru->minflt : 0);
		put_ru(fp, n->ru, CSV_F_MAJFLT, n->ru ? n->ru->majflt : 0);
		put_ru(fp, n->ru, CSV_F_NVCSW, n->ru ? n->ru->nvcsw : 0);
		put_ru(fp, n->ru, CSV_F_NIVCSW, n->ru ? n->ru->nivcsw : 0);
		for (int f = 0; f < NF_COUNT; f++) {
			if (!(n->flags & (1u << f)))
				continue;
			fprintf(fp, "%s%s", sep, tree_flag_names[f]);
			sep = ";";
		}
		putc_unlocked('\n', fp);
	}
	free(cpu);
	if (ferror(fp)) {
		err_set("write error");
		return -1;
	}
	return 0;
}

/*
 * --format events: one row per event of each process incarnation, keyed by
 * the same id as --format csv (join on id).  Only a header row, no comment
 * lines: csv readers, sqlite3 .import, pandas and DuckDB load it as it is.
 * kind: fork (start_ns is the fork), first_seen (fork row lost), exec (one
 * per exec, in order), exit (the exit row), last_seen (no exit row).
 */
static const char events_header[] =
	"id,seq,kind,time_ns,pid,parent_id,comm,filename,argv,exit_code,exit_signal\n";

static int put_event(FILE *fp, const struct node *n, uint32_t seq, const char *kind,
		     uint64_t time_ns, const struct exec_rec *x, bool end)
{
	fprintf(fp, "%" PRIu32 ",%" PRIu32 ",%s,%" PRIu64 ",%" PRId32 ",", n->id, seq, kind,
		time_ns, n->pid);
	put_u64(fp, n->parent, n->parent ? n->parent->id : 0);
	put_s(fp, n->comm);
	put_s(fp, x ? x->filename : NULL);
	if (put_argv(fp, x) < 0)
		return -1;
	put_u64(fp, end && n->have & NH_CODE, n->code);
	if (end && n->have & NH_SIGNAL)
		fprintf(fp, "%u", (unsigned)n->signal);
	putc_unlocked('\n', fp);
	return 0;
}

int tree_write_events(const struct tree *t, FILE *fp)
{
	struct tree_walk w;
	struct node *n;

	fputs(events_header, fp);
	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w)) {
		uint32_t seq = 0;

		if (n->flags & NF_SYNTHETIC)
			continue;
		if (put_event(fp, n, seq++, n->have & NH_START ? "fork" : "first_seen", n->start_ns,
			      NULL, false) < 0)
			return -1;
		for (const struct exec_rec *x = n->execs; x; x = x->next)
			if (put_event(fp, n, seq++, "exec", x->time_ns, x, false) < 0)
				return -1;
		if (put_event(fp, n, seq++, n->have & NH_END ? "exit" : "last_seen", n->end_ns,
			      NULL, n->have & NH_END) < 0)
			return -1;
	}
	if (ferror(fp)) {
		err_set("write error");
		return -1;
	}
	return 0;
}
