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
#include "obuf.h"
#include "signame.h"
#include "tree-private.h"

static inline bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void put_str(struct obuf *o, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	ob_putc(o, '"');
	while (i < len) {
		size_t run = i, n;
		unsigned c;

		while (run < len && plain(s[run]))
			run++;
		ob_write(o, s + i, run - i);
		i = run;
		if (i == len)
			break;
		c = s[i];
		if (c >= 0x80) {
			n = utf8_seq(s + i, len - i);
			if (n) {
				ob_write(o, s + i, n);
				i += n;
			} else {
				ob_write(o, "\\ufffd", 6);
				i++;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"': ob_write(o, "\\\"", 2); break;
		case '\\': ob_write(o, "\\\\", 2); break;
		case '\n': ob_write(o, "\\n", 2); break;
		case '\t': ob_write(o, "\\t", 2); break;
		case '\r': ob_write(o, "\\r", 2); break;
		default: {
			static const char hex[] = "0123456789abcdef";
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			ob_write(o, e, 6);
		}
		}
	}
	ob_putc(o, '"');
}

static void put_istr(struct obuf *o, const struct istr *s)
{
	if (s)
		put_str(o, s->s, s->len);
	else
		ob_write(o, "null", 4);
}

static json_t *json_cstr(const char *s)
{
	return utf8_json_string(s, s ? strlen(s) : 0);
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
		static const char *const known[] = { "engine",	   "clock",	   "host",
						     "kernel",	   "root_pid",	   "pid_ns",
						     "start_wall", "start_mono_ns" };
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
	U(rows);
	U(processes);
	U(threads);
	U(execs);
	U(max_depth);
	U(max_alive);
	U(exited);
	U(exit_nonzero);
	U(signaled);
	U(exit_lost);
	U(fork_lost);
	U(orphans);
	U(alive_at_end);
	U(exit_unseen);
	U(reparented);
	U(argv_unknown);
	U(argv_cut);
	U(fork_late);
	U(lost_rows);
	U(lost_events);
	U(lost_rows_uncounted);
	U(late_rows);
#undef U
	bad |= set(o, "truncated", json_boolean(s->truncated));
	bad |= set(o, "complete", json_boolean(s->complete));
	bad |= set(o, "interrupted", json_boolean(s->interrupted));
	if (cmd_table(t, &cs, &ncs) < 0) {
		json_decref(o);
		return NULL;
	}
	/* what the recorded utime/stime (cpu_ns) are: docs/reconstruct.md, CPU time */
	bad |= set(o, "cpu_times", json_string(tree_cpu_inclusive(t) ? "inclusive" : "own"));
	cmds = json_array();
	bad |= set(o, "commands", cmds);
	for (size_t i = 0; cmds && i < ncs; i++) {
		json_t *c = json_object();

		bad |= json_array_append_new(cmds, c);
		if (!c)
			continue;
		bad |= set(c, "command", utf8_json_string(cs[i].name, cs[i].len));
		bad |= set(c, "count", json_u64(cs[i].count));
		bad |= set(c, "total_ns", cs[i].timed ? json_u64(cs[i].total_ns) : json_null());
		bad |= set(c, "max_ns", cs[i].timed ? json_u64(cs[i].max_ns) : json_null());
		bad |= set(c, "cpu_ns", cs[i].cpu_known ? json_u64(cs[i].cpu_ns) : json_null());
		bad |= set(c, "cpu_own_ns",
			   cs[i].cpu_known ? json_u64(cs[i].cpu_own_ns) : json_null());
		bad |= set(c, "cpu_incl_ns",
			   cs[i].cpu_known ? json_u64(cs[i].cpu_incl_ns) : json_null());
		bad |= set(c, "failures", json_u64(cs[i].failures));
	}
	free(cs);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int dump_member(struct obuf *o, const char *key, json_t *v)
{
	char *text;

	if (!v) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(v);
	if (!text) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	ob_write(o, ",\"", 2);
	ob_puts(o, key);
	ob_write(o, "\":", 2);
	ob_puts(o, text);
	free(text);
	return 0;
}

static void put_key(struct obuf *o, const char *key)
{
	ob_write(o, ",\"", 2);
	ob_puts(o, key);
	ob_write(o, "\":", 2);
}

static void put_opt_u64(struct obuf *o, const char *key, bool known, uint64_t v)
{
	put_key(o, key);
	if (known)
		ob_u64(o, v);
	else
		ob_write(o, "null", 4);
}

static void put_exec(struct obuf *o, const struct exec_rec *x)
{
	ob_puts(o, "{\"filename\":");
	put_istr(o, x->filename);
	ob_puts(o, ",\"argv\":");
	if (x->argv) {
		const char *a = x->argv->s;

		ob_putc(o, '[');
		for (int i = 0; i < x->argc; i++) {
			size_t len = strlen(a);

			if (i)
				ob_putc(o, ',');
			put_str(o, a, len);
			a += len + 1;
		}
		ob_putc(o, ']');
	} else {
		ob_write(o, "null", 4);
	}
	/* only when cut: an exec without the key has its whole argv (or none known) */
	if (x->argv_cut)
		ob_puts(o, ",\"argv_cut\":true");
	put_opt_u64(o, "time_ns", true, x->time_ns);
	if (x->old_tid) {
		put_key(o, "old_tid");
		ob_i64(o, x->old_tid);
	}
	ob_putc(o, '}');
}

static void put_ru(struct obuf *o, const char *key, const struct node_ru *ru, int f, uint64_t v)
{
	/* the first member has no comma before it */
	if (f == CSV_F_UTIME) {
		ob_putc(o, '"');
		ob_puts(o, key);
		ob_write(o, "\":", 2);
	} else {
		put_key(o, key);
	}
	if (ru->present & CSV_BIT(f))
		ob_u64(o, v);
	else
		ob_write(o, "null", 4);
}

/*
 * The counters of the optional CSV columns: a member only when known, so
 * documents of files without those columns are unchanged.
 */
static void put_ru_opt(struct obuf *o, const char *key, const struct node_ru *ru, int f, uint64_t v)
{
	if (!(ru->present & CSV_BIT(f)))
		return;
	put_key(o, key);
	ob_u64(o, v);
}

/* "exit": {"code":N}, {"signal":N,"name":"SIG..."}, or null when unknown */
static void put_exit(struct obuf *o, const struct node *n)
{
	put_key(o, "exit");
	if (n->have & NH_SIGNAL) {
		const char *name = signame(n->signal);

		ob_puts(o, "{\"signal\":");
		ob_u64(o, n->signal);
		ob_puts(o, ",\"name\":");
		if (name) {
			ob_putc(o, '"');
			ob_puts(o, name);
			ob_write(o, "\"}", 2);
		} else {
			ob_write(o, "null}", 5);
		}
	} else if (n->have & NH_CODE) {
		ob_puts(o, "{\"code\":");
		ob_u64(o, n->code);
		ob_putc(o, '}');
	} else {
		ob_write(o, "null", 4);
	}
}

static void put_rusage(struct obuf *o, const struct node_ru *ru)
{
	ob_puts(o, ",\"rusage\":{");
	put_ru(o, "utime_ns", ru, CSV_F_UTIME, ru->utime_ns);
	put_ru(o, "stime_ns", ru, CSV_F_STIME, ru->stime_ns);
	put_ru(o, "maxrss_kb", ru, CSV_F_MAXRSS, ru->maxrss_kb);
	put_ru_opt(o, "minflt", ru, CSV_F_MINFLT, ru->minflt);
	put_ru_opt(o, "majflt", ru, CSV_F_MAJFLT, ru->majflt);
	put_ru_opt(o, "nvcsw", ru, CSV_F_NVCSW, ru->nvcsw);
	put_ru_opt(o, "nivcsw", ru, CSV_F_NIVCSW, ru->nivcsw);
	ob_putc(o, '}');
}

/* a node up to its "children":[ (the walk closes it) */
static void put_node_open(struct obuf *o, const struct node *n, const struct cpu_times *cpu)
{
	const char *sep = "";

	ob_puts(o, "{\"id\":");
	ob_u64(o, n->id);
	put_key(o, "pid");
	if (n->pid >= 0)
		ob_i64(o, n->pid);
	else
		ob_write(o, "null", 4);
	put_key(o, "ppid");
	if (n->have & NH_PPID)
		ob_i64(o, n->ppid);
	else
		ob_write(o, "null", 4);
	put_key(o, "comm");
	put_istr(o, n->comm);
	ob_puts(o, ",\"execs\":[");
	for (const struct exec_rec *x = n->execs; x; x = x->next) {
		if (x != n->execs)
			ob_putc(o, ',');
		put_exec(o, x);
	}
	ob_putc(o, ']');
	if (n->flags & NF_SYNTHETIC) {
		ob_puts(o, ",\"start_ns\":null,\"end_ns\":null,\"exit\":null,\"threads\":0");
	} else {
		put_opt_u64(o, "start_ns", n->have & NH_START, n->start_ns);
		put_opt_u64(o, "first_seen_ns", true, n->start_ns);
		put_opt_u64(o, "end_ns", n->have & NH_END, n->end_ns);
		if (!(n->have & NH_END))
			put_opt_u64(o, "last_seen_ns", true, n->end_ns);
		put_exit(o, n);
		put_opt_u64(o, "threads", true, n->threads);
		put_opt_u64(o, "threads_exited", true, n->threads_exited);
		if (n->ru)
			put_rusage(o, n->ru);
		/* utime + stime: own (children removed) and inclusive; null unknown */
		put_key(o, "cpu_own_ns");
		if (cpu[n->id].known)
			ob_u64(o, cpu[n->id].own_ns);
		else
			ob_write(o, "null", 4);
		put_key(o, "cpu_incl_ns");
		if (cpu[n->id].known)
			ob_u64(o, cpu[n->id].incl_ns);
		else
			ob_write(o, "null", 4);
	}
	ob_puts(o, ",\"flags\":[");
	for (int f = 0; f < NF_COUNT; f++) {
		if (!(n->flags & (1u << f)))
			continue;
		ob_puts(o, sep);
		ob_putc(o, '"');
		ob_puts(o, tree_flag_names[f]);
		ob_putc(o, '"');
		sep = ",";
	}
	ob_puts(o, "],\"children\":[");
}

static void put_lost(struct obuf *o, const struct tree *t)
{
	ob_puts(o, ",\"lost\":[");
	for (size_t i = 0; i < t->nlost; i++) {
		const struct lost_rec *l = &t->lost[i];

		if (i)
			ob_putc(o, ',');
		ob_puts(o, "{\"time_ns\":");
		ob_u64(o, l->time_ns);
		put_opt_u64(o, "end_ns", l->have_end, l->end_ns);
		put_opt_u64(o, "cpu", l->have_cpu, (uint64_t)l->cpu);
		put_opt_u64(o, "count", l->have_count, l->count);
		ob_putc(o, '}');
	}
	ob_putc(o, ']');
}

static int write_doc(const struct tree *t, FILE *fp, bool with_roots)
{
	struct obuf *o = ob_new(fp);
	struct tree_walk w;
	struct node *n;
	bool ok;

	if (!o)
		return -1;
	ob_puts(o, "{\"format\":\"proctree\",\"version\":1");
	if (dump_member(o, "meta", meta_json(t)) < 0 ||
	    dump_member(o, "summary", summary_json(t)) < 0) {
		free(o);
		return -1;
	}
	put_lost(o, t);
	if (with_roots) {
		struct cpu_times *cpu;

		if (tree_cpu_times(t, &cpu) < 0) {
			free(o);
			return -1;
		}
		ob_puts(o, ",\"roots\":[");
		for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w)) {
			for (uint64_t i = 0; i < w.closes; i++)
				ob_write(o, "]}", 2);
			if (w.closes)
				ob_putc(o, ',');
			put_node_open(o, n, cpu);
		}
		for (uint64_t i = 0; i < w.closes; i++)
			ob_write(o, "]}", 2);
		ob_putc(o, ']');
		free(cpu);
	}
	ob_write(o, "}\n", 2);
	ok = ob_flush(o);
	free(o);
	if (!ok || ferror(fp)) {
		err_set("write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int tree_write_json(const struct tree *t, FILE *fp)
{
	return write_doc(t, fp, true);
}

int tree_write_json_summary(const struct tree *t, FILE *fp)
{
	return write_doc(t, fp, false);
}

/* the string escaping above, for the other JSON writers (out_chrome.c) */
void tree_json_str(FILE *fp, const char *s, size_t len)
{
	struct obuf *o = ob_scratch(fp);

	if (!o)
		return;
	put_str(o, s, len);
	ob_flush(o);
}
