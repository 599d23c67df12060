// SPDX-License-Identifier: MIT
/*
 * The JSON document (docs/reconstruct.md):
 *
 *   {"format":"proctree","version":1,"meta":{...},"summary":{...},
 *    "lost":[...],"roots":[NODE...]}
 *
 * Memory stays bounded by the tree: the small objects (meta, summary) are
 * built with jansson, but nodes are written one at a time while walking,
 * with their brackets written here, so no whole-tree json_t ever exists.
 *
 * JSON strings must be UTF-8 and names are arbitrary bytes: each byte that
 * does not belong to a valid UTF-8 sequence is written as U+FFFD (the
 * replacement character), one per invalid byte.  The CSV output keeps the
 * exact bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "signame.h"
#include "tree-private.h"

static void put_str(FILE *fp, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	putc_unlocked('"', fp);
	while (i < len) {
		unsigned c = s[i];
		size_t n;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		fwrite(s + i - run, 1, run, fp);
		run = 0;
		if (c >= 0x80) {
			n = utf8_seq(s + i, len - i);
			if (n) {
				fwrite(s + i, 1, n, fp);
				i += n;
			} else {
				fputs("\\ufffd", fp);
				i++;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		default: fprintf(fp, "\\u%04x", c);
		}
	}
	fwrite(s + i - run, 1, run, fp);
	putc_unlocked('"', fp);
}

static void put_istr(FILE *fp, const struct istr *s)
{
	if (s)
		put_str(fp, s->s, s->len);
	else
		fputs("null", fp);
}

/* a jansson string from bytes, invalid UTF-8 bytes replaced by U+FFFD */
static json_t *json_bytes(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	char *buf, *w;
	json_t *j;

	if (!str)
		return json_null();
	buf = malloc(3 * len + 1);
	if (!buf)
		return NULL;
	w = buf;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);

		if (n) {
			memcpy(w, s + i, n);
			w += n;
			i += n;
		} else {
			memcpy(w, "\xef\xbf\xbd", 3);
			w += 3;
			i++;
		}
	}
	j = json_stringn(buf, w - buf);
	free(buf);
	return j;
}

static json_t *json_cstr(const char *s)
{
	return json_bytes(s, s ? strlen(s) : 0);
}

static json_t *json_u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static int set(json_t *o, const char *key, json_t *v)
{
	return v ? json_object_set_new(o, key, v) : -1;
}

static json_t *meta_json(const struct tree *t)
{
	const struct csv_meta *m = &t->meta;
	json_t *o = json_object(), *cmd, *extra;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= set(o, "engine", json_cstr(m->engine));
	bad |= set(o, "clock", json_cstr(m->clock));
	bad |= set(o, "host", json_cstr(m->host));
	bad |= set(o, "kernel", json_cstr(m->kernel));
	bad |= set(o, "root_pid", m->root_pid ? json_integer(m->root_pid) : json_null());
	bad |= set(o, "pid_ns", json_cstr(m->pid_ns));
	bad |= set(o, "start_wall", json_cstr(m->start_wall));
	bad |= set(o, "start_mono_ns", m->start_mono_ns ? json_u64(m->start_mono_ns) : json_null());
	cmd = m->command ? json_array() : json_null();
	for (int i = 0; m->command && cmd && i < m->ncommand; i++)
		bad |= json_array_append_new(cmd, json_cstr(m->command[i]));
	bad |= set(o, "command", cmd);
	extra = json_object();
	for (int i = 0; extra && i < m->nkeys; i++) {
		static const char *const known[] = { "engine", "clock", "host", "kernel",
						     "root_pid", "pid_ns", "start_wall",
						     "start_mono_ns" };
		bool is_known = false;
		json_t *k;

		for (size_t j = 0; j < sizeof(known) / sizeof(known[0]); j++)
			is_known |= !strcmp(m->keys[i], known[j]);
		if (is_known)
			continue;
		k = json_cstr(m->keys[i]);

		/* keys must be valid UTF-8 too: use the sanitized text */
		if (!k || set(extra, json_string_value(k), json_cstr(m->values[i])) < 0)
			bad = -1;
		json_decref(k);
	}
	bad |= set(o, "extra", extra);
	bad |= set(o, "first_ns", t->have_first ? json_u64(t->first_ns) : json_null());
	bad |= set(o, "last_ns", t->have_first ? json_u64(t->last_ns) : json_null());
	if (t->trailer.present) {
		json_t *tr = json_object();

		bad |= set(o, "trailer", tr);
		if (tr) {
			bad |= set(tr, "events", json_u64(t->trailer.events));
			bad |= set(tr, "lost_events", json_u64(t->trailer.lost_events));
			bad |= set(tr, "interrupted", json_boolean(t->trailer.interrupted));
			bad |= set(tr, "end_mono_ns", json_u64(t->trailer.end_mono_ns));
		}
	} else {
		bad |= set(o, "trailer", json_null());
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *summary_json(const struct tree *t)
{
	const struct tree_summary *s = &t->sum;
	struct cmd_stat *cs = NULL;
	size_t ncs = 0;
	json_t *o = json_object(), *cmds;
	int bad = 0;

	if (!o)
		return NULL;
#define U(name) bad |= set(o, #name, json_u64(s->name))
	U(rows); U(processes); U(threads); U(execs); U(max_depth); U(max_alive);
	U(exited); U(exit_nonzero); U(signaled); U(exit_lost); U(fork_lost); U(orphans);
	U(alive_at_end); U(exit_unseen); U(reparented); U(argv_unknown); U(fork_late);
	U(lost_rows); U(lost_events); U(lost_rows_uncounted); U(late_rows);
#undef U
	bad |= set(o, "truncated", json_boolean(s->truncated));
	bad |= set(o, "complete", json_boolean(s->complete));
	bad |= set(o, "interrupted", json_boolean(s->interrupted));
	if (cmd_table(t, &cs, &ncs) < 0) {
		json_decref(o);
		return NULL;
	}
	cmds = json_array();
	bad |= set(o, "commands", cmds);
	for (size_t i = 0; cmds && i < ncs; i++) {
		json_t *c = json_object();

		bad |= json_array_append_new(cmds, c);
		if (!c)
			continue;
		bad |= set(c, "command", json_bytes(cs[i].name, cs[i].len));
		bad |= set(c, "count", json_u64(cs[i].count));
		bad |= set(c, "total_ns", json_u64(cs[i].total_ns));
		bad |= set(c, "max_ns", json_u64(cs[i].max_ns));
		bad |= set(c, "cpu_ns", cs[i].cpu_known ? json_u64(cs[i].cpu_ns) : json_null());
		bad |= set(c, "failures", json_u64(cs[i].failures));
	}
	free(cs);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int dump_member(FILE *fp, const char *key, json_t *v)
{
	int ret;

	if (!v) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	fprintf(fp, ",\"%s\":", key);
	ret = json_dumpf(v, fp, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	return ret;
}

static void put_opt_u64(FILE *fp, const char *key, bool known, uint64_t v)
{
	if (known)
		fprintf(fp, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(fp, ",\"%s\":null", key);
}

static void put_exec(FILE *fp, const struct exec_rec *x)
{
	fputs("{\"filename\":", fp);
	put_istr(fp, x->filename);
	fputs(",\"argv\":", fp);
	if (x->argv) {
		const char *a = x->argv->s;

		putc_unlocked('[', fp);
		for (int i = 0; i < x->argc; i++) {
			size_t len = strlen(a);

			if (i)
				putc_unlocked(',', fp);
			put_str(fp, a, len);
			a += len + 1;
		}
		putc_unlocked(']', fp);
	} else {
		fputs("null", fp);
	}
	fprintf(fp, ",\"time_ns\":%" PRIu64, x->time_ns);
	if (x->old_tid)
		fprintf(fp, ",\"old_tid\":%" PRId32, x->old_tid);
	putc_unlocked('}', fp);
}

/* a node up to its "children":[ (the walk closes it) */
static void put_node_open(FILE *fp, const struct node *n)
{
	const char *sep = "";

	fprintf(fp, "{\"id\":%" PRIu32, n->id);
	if (n->pid >= 0)
		fprintf(fp, ",\"pid\":%" PRId32, n->pid);
	else
		fputs(",\"pid\":null", fp);
	put_opt_u64(fp, "ppid", n->have & NH_PPID, (uint64_t)n->ppid);
	fputs(",\"comm\":", fp);
	put_istr(fp, n->comm);
	fputs(",\"execs\":[", fp);
	for (const struct exec_rec *x = n->execs; x; x = x->next) {
		if (x != n->execs)
			putc_unlocked(',', fp);
		put_exec(fp, x);
	}
	putc_unlocked(']', fp);
	if (n->flags & NF_SYNTHETIC) {
		fputs(",\"start_ns\":null,\"end_ns\":null,\"exit\":null,\"threads\":0", fp);
	} else {
		put_opt_u64(fp, "start_ns", n->have & NH_START, n->start_ns);
		fprintf(fp, ",\"first_seen_ns\":%" PRIu64, n->start_ns);
		put_opt_u64(fp, "end_ns", n->have & NH_END, n->end_ns);
		if (!(n->have & NH_END))
			fprintf(fp, ",\"last_seen_ns\":%" PRIu64, n->end_ns);
		if (n->have & NH_SIGNAL) {
			const char *name = signame(n->signal);

			fprintf(fp, ",\"exit\":{\"signal\":%u,\"name\":", n->signal);
			if (name)
				fprintf(fp, "\"%s\"}", name);
			else
				fputs("null}", fp);
		} else if (n->have & NH_CODE) {
			fprintf(fp, ",\"exit\":{\"code\":%u}", n->code);
		} else {
			fputs(",\"exit\":null", fp);
		}
		fprintf(fp, ",\"threads\":%" PRIu32 ",\"threads_exited\":%" PRIu32, n->threads,
			n->threads_exited);
		if (n->ru) {
			fputs(",\"rusage\":{", fp);
			fprintf(fp, "\"utime_ns\":");
			if (n->ru->present & CSV_BIT(CSV_F_UTIME))
				fprintf(fp, "%" PRIu64, n->ru->utime_ns);
			else
				fputs("null", fp);
			fprintf(fp, ",\"stime_ns\":");
			if (n->ru->present & CSV_BIT(CSV_F_STIME))
				fprintf(fp, "%" PRIu64, n->ru->stime_ns);
			else
				fputs("null", fp);
			fprintf(fp, ",\"maxrss_kb\":");
			if (n->ru->present & CSV_BIT(CSV_F_MAXRSS))
				fprintf(fp, "%" PRIu64, n->ru->maxrss_kb);
			else
				fputs("null", fp);
			putc_unlocked('}', fp);
		}
	}
	fputs(",\"flags\":[", fp);
	for (int f = 0; f < NF_COUNT; f++) {
		if (!(n->flags & (1u << f)))
			continue;
		fprintf(fp, "%s\"%s\"", sep, tree_flag_names[f]);
		sep = ",";
	}
	fputs("],\"children\":[", fp);
}

static void put_lost(FILE *fp, const struct tree *t)
{
	fputs(",\"lost\":[", fp);
	for (size_t i = 0; i < t->nlost; i++) {
		const struct lost_rec *l = &t->lost[i];

		fprintf(fp, "%s{\"time_ns\":%" PRIu64, i ? "," : "", l->time_ns);
		put_opt_u64(fp, "end_ns", l->have_end, l->end_ns);
		put_opt_u64(fp, "cpu", l->have_cpu, (uint64_t)l->cpu);
		put_opt_u64(fp, "count", l->have_count, l->count);
		putc_unlocked('}', fp);
	}
	putc_unlocked(']', fp);
}

static int write_doc(const struct tree *t, FILE *fp, bool with_roots)
{
	struct tree_walk w;
	struct node *n;

	fputs("{\"format\":\"proctree\",\"version\":1", fp);
	if (dump_member(fp, "meta", meta_json(t)) < 0 ||
	    dump_member(fp, "summary", summary_json(t)) < 0)
		goto error;
	put_lost(fp, t);
	if (with_roots) {
		fputs(",\"roots\":[", fp);
		for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w)) {
			for (uint64_t i = 0; i < w.closes; i++)
				fputs("]}", fp);
			if (w.closes)
				putc_unlocked(',', fp);
			put_node_open(fp, n);
		}
		for (uint64_t i = 0; i < w.closes; i++)
			fputs("]}", fp);
		putc_unlocked(']', fp);
	}
	fputs("}\n", fp);
	if (ferror(fp)) {
		err_set("write error: %s", strerror(errno));
		return -1;
	}
	return 0;
error:
	if (!ferror(fp))
		err_set("out of memory");
	return -1;
}

int tree_write_json(const struct tree *t, FILE *fp)
{
	return write_doc(t, fp, true);
}

int tree_write_json_summary(const struct tree *t, FILE *fp)
{
	return write_doc(t, fp, false);
}
