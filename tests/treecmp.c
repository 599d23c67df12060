// SPDX-License-Identifier: MIT
/* Expected process tree vs the reconstructor's JSON (layout: issue 2, docs/scenarios.md). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "treecmp.h"

#define MAX_REPORTED 40

/* Flags a clean recording may carry; anything else is an anomaly. */
/*
 * Flags a clean recording may carry; anything else is an anomaly.
 * fork_late: a child's first row came before its fork row beyond the
 * reconstructor's reorder window; it recovered, nothing is lost.
 */
static const char *const tolerated_flags[] = { "reparented", "argv_unknown", "fork_late", NULL };

struct cmp {
	const struct xps_set *x;
	json_t *doc;
	FILE *out;
	char *buf;
	size_t len;
	int ndiff;
};

static void __attribute__((format(printf, 2, 3))) diff(struct cmp *c, const char *fmt, ...)
{
	va_list ap;

	if (c->ndiff++ >= MAX_REPORTED) {
		if (c->ndiff == MAX_REPORTED + 1)
			fputs("... (more differences not shown)\n", c->out);
		return;
	}
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
}

/* Printable form of a byte string for messages. */
static const char *show(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t o = 0;

	if (!s)
		return "(null)";
	buf[o++] = '"';
	for (size_t i = 0; i < len && o + 6 < buflen; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < ' ' || ch >= 0x7f || ch == '"' || ch == '\\')
			o += snprintf(buf + o, buflen - o, "\\x%02x", ch);
		else
			buf[o++] = ch;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static long long node_pid(json_t *node)
{
	json_t *p = json_object_get(node, "pid");

	return json_is_integer(p) ? json_integer_value(p) : -1;
}

static long long node_int(json_t *node, const char *key, long long dflt)
{
	json_t *v = json_object_get(node, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static bool has_flag(json_t *node, const char *flag)
{
	json_t *flags = json_object_get(node, "flags"), *f;
	size_t i;

	json_array_foreach(flags, i, f) if (json_is_string(f) &&
					    !strcmp(json_string_value(f), flag)) return true;
	return false;
}

static bool bytes_eq(json_t *s, const char *want)
{
	return json_is_string(s) && json_string_length(s) == strlen(want) &&
	       !memcmp(json_string_value(s), want, strlen(want));
}

static void check_exit(struct cmp *c, const struct xps_proc *pr, json_t *node, int root_code)
{
	json_t *ex = json_object_get(node, "exit");
	json_t *code = json_object_get(ex, "code"), *sig = json_object_get(ex, "signal");
	enum xps_exit kind = pr->exit_kind;
	int value = pr->exit_value;
	bool alive = has_flag(node, "alive_at_end");

	if (pr == c->x->root) {
		if (root_code < 0)
			return;
		kind = root_code > 128 ? XPS_EXIT_SIGNAL : XPS_EXIT_CODE;
		value = root_code > 128 ? root_code - 128 : root_code;
	}
	if (kind == XPS_EXIT_NONE) { /* alive and never exited while recorded */
		if (!alive || !json_is_null(ex))
			diff(c,
			     "%s (pid %ld): still running at the end, want exit null and "
			     "flag alive_at_end, got exit %s%s",
			     pr->label, pr->pids[0], json_is_null(ex) ? "null" : "set",
			     alive ? "" : " and no alive_at_end");
		return;
	}
	if (alive)
		diff(c, "%s (pid %ld): flagged alive_at_end but it exited", pr->label, pr->pids[0]);
	if ((kind == XPS_EXIT_CODE &&
	     (!json_is_integer(code) || json_integer_value(code) != value || sig)) ||
	    (kind == XPS_EXIT_SIGNAL &&
	     (!json_is_integer(sig) || json_integer_value(sig) != value || code))) {
		char *got = json_is_null(ex) || !ex ? strdup("null") : json_dumps(ex, JSON_COMPACT);

		diff(c, "%s (pid %ld): want exit %s %d, got %s", pr->label, pr->pids[0],
		     kind == XPS_EXIT_CODE ? "code" : "signal", value, got ? got : "?");
		free(got);
	}
}

/* Filename byte-exact; argv byte-exact when the engine knew it, else flagged. */
static void check_exec(struct cmp *c, const struct xps_proc *pr, int e, json_t *x, json_t *node)
{
	const struct xps_exec *want = &pr->execs[e];
	json_t *fn = json_object_get(x, "filename"), *argv = json_object_get(x, "argv");
	char b1[512], b2[512];

	if (!bytes_eq(fn, want->filename))
		diff(c, "%s (pid %ld): exec %d filename: want %s, got %s", pr->label, pr->pids[0],
		     e, show(want->filename, strlen(want->filename), b1, sizeof(b1)),
		     json_is_string(fn)
			     ? show(json_string_value(fn), json_string_length(fn), b2, sizeof(b2))
			     : "no string");
	if (!want->argv)
		return;
	if (json_is_null(argv) || !argv) {
		if (!has_flag(node, "argv_unknown"))
			diff(c, "%s (pid %ld): exec %d: argv null but no argv_unknown flag",
			     pr->label, pr->pids[0], e);
		return;
	}
	if (json_array_size(argv) != (size_t)want->argc) {
		diff(c, "%s (pid %ld): exec %d: want %d argument(s), got %zu", pr->label,
		     pr->pids[0], e, want->argc, json_array_size(argv));
		return;
	}
	for (int a = 0; a < want->argc; a++) {
		json_t *arg = json_array_get(argv, a);

		if (!bytes_eq(arg, want->argv[a]))
			diff(c, "%s (pid %ld): exec %d argv[%d]: want %s, got %s", pr->label,
			     pr->pids[0], e, a,
			     show(want->argv[a], strlen(want->argv[a]), b1, sizeof(b1)),
			     json_is_string(arg) ? show(json_string_value(arg),
							json_string_length(arg), b2, sizeof(b2))
						 : "no string");
	}
}

/*
 * Times must be physically possible: a process starts after its creator
 * and before the creator ends, ends after it starts, execs while alive.
 */
static void check_times(struct cmp *c, const struct xps_proc *pr, json_t *node, json_t *parent)
{
	long long start = node_int(node, "start_ns", -1), end = node_int(node, "end_ns", -1);
	json_t *execs = json_object_get(node, "execs"), *x;
	size_t i;

	if (start >= 0 && end >= 0 && end < start)
		diff(c, "%s (pid %ld): ends (%lld) before it starts (%lld)", pr->label, pr->pids[0],
		     end, start);
	if (parent && start >= 0) {
		long long pstart = node_int(parent, "start_ns", -1);
		long long pend = node_int(parent, "end_ns", -1);

		if (pstart >= 0 && start < pstart)
			diff(c, "%s (pid %ld): starts (%lld) before its creator (%lld)", pr->label,
			     pr->pids[0], start, pstart);
		if (pend >= 0 && start > pend)
			diff(c, "%s (pid %ld): starts (%lld) after its creator ended (%lld)",
			     pr->label, pr->pids[0], start, pend);
	}
	json_array_foreach(execs, i, x)
	{
		long long t = node_int(x, "time_ns", -1);

		if (t >= 0 && ((start >= 0 && t < start) || (end >= 0 && t > end)))
			diff(c, "%s (pid %ld): exec %zu at %lld, outside its life %lld..%lld",
			     pr->label, pr->pids[0], i, t, start, end);
	}
}

static void check_node(struct cmp *c, const struct xps_proc *pr, json_t *node, json_t *parent,
		       int root_code)
{
	json_t *execs = json_object_get(node, "execs"), *threads, *flags, *f;
	char b1[256], b2[256];
	size_t i;

	if (node_pid(node) != pr->pids[0])
		diff(c, "%s: want pid %ld, got %lld", pr->label, pr->pids[0], node_pid(node));
	if (!json_is_array(execs) || json_array_size(execs) != (size_t)pr->nexecs) {
		diff(c, "%s (pid %ld): want %d exec(s), got %zu", pr->label, pr->pids[0],
		     pr->nexecs, json_array_size(execs));
	} else {
		for (int e = 0; e < pr->nexecs; e++)
			check_exec(c, pr, e, json_array_get(execs, e), node);
	}
	if (pr->comm && !bytes_eq(json_object_get(node, "comm"), pr->comm)) {
		json_t *comm = json_object_get(node, "comm");

		diff(c, "%s (pid %ld): comm: want %s, got %s", pr->label, pr->pids[0],
		     show(pr->comm, strlen(pr->comm), b1, sizeof(b1)),
		     json_is_string(comm) ? show(json_string_value(comm), json_string_length(comm),
						 b2, sizeof(b2))
					  : "no string");
	}
	threads = json_object_get(node, "threads");
	if (json_is_array(threads) ? json_array_size(threads) != (size_t)pr->threads
				   : node_int(node, "threads", -1) != pr->threads)
		diff(c, "%s (pid %ld): want %d thread(s), got %lld", pr->label, pr->pids[0],
		     pr->threads,
		     json_is_array(threads) ? (long long)json_array_size(threads)
					    : node_int(node, "threads", -1));
	check_exit(c, pr, node, root_code);
	check_times(c, pr, node, parent);
	flags = json_object_get(node, "flags");
	json_array_foreach(flags, i, f)
	{
		const char *name = json_string_value(f);
		bool ok = name && !strcmp(name, "alive_at_end"); /* judged by check_exit */

		for (int t = 0; !ok && name && tolerated_flags[t]; t++)
			ok = !strcmp(name, tolerated_flags[t]);
		if (!ok)
			diff(c, "%s (pid %ld): anomaly flag '%s'", pr->label, pr->pids[0],
			     name ? name : "(not a string)");
	}
}

/* Where else a pid shows up in the tree, for the message about a missing process. */
static void find_pid(json_t *node, json_t *parent, long pid, FILE *out, int *found)
{
	json_t *kids = json_object_get(node, "children"), *k;
	size_t i;

	if (node_pid(node) == pid && *found < 3) {
		fprintf(out, "%s pid %ld under pid %lld", *found ? "," : "; found", pid,
			parent ? node_pid(parent) : -1);
		(*found)++;
	}
	json_array_foreach(kids, i, k) find_pid(k, node, pid, out, found);
}

static int by_start(const void *a, const void *b)
{
	json_t *na = *(json_t *const *)a, *nb = *(json_t *const *)b;
	long long sa = node_int(na, "start_ns", 0), sb = node_int(nb, "start_ns", 0);

	return sa < sb ? -1 : sa > sb;
}

/*
 * Match @pr's expected children with @node's children.  Pids repeat after a
 * wrap, even among siblings, so a child is matched by (pid, order): the
 * k-th expected child with pid P is the k-th JSON child with pid P in start
 * time order (a pid is only reused after the earlier process was reaped).
 */
static void walk(struct cmp *c, const struct xps_proc *pr, json_t *node, json_t *parent,
		 int root_code)
{
	json_t *kids = json_object_get(node, "children");
	size_t n = json_array_size(kids);
	json_t **sorted = calloc(n + 1, sizeof(*sorted));
	bool *used = calloc(n + 1, sizeof(*used));

	check_node(c, pr, node, parent, root_code);
	if (!sorted || !used) {
		diff(c, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		sorted[i] = json_array_get(kids, i);
	qsort(sorted, n, sizeof(*sorted), by_start);
	for (int k = 0; k < pr->nchildren; k++) {
		const struct xps_proc *ch = pr->children[k];
		size_t i;

		for (i = 0; i < n; i++)
			if (!used[i] && node_pid(sorted[i]) == ch->pids[0])
				break;
		if (i == n) {
			char *where = NULL;
			size_t wlen = 0;
			FILE *w = open_memstream(&where, &wlen);
			int found = 0;

			json_t *roots = json_object_get(c->doc, "roots"), *r;
			size_t ri;

			json_array_foreach(roots, ri, r) find_pid(r, NULL, ch->pids[0], w, &found);
			fclose(w);
			diff(c, "missing %s (pid %ld) under %s (pid %ld)%s", ch->label, ch->pids[0],
			     pr->label, pr->pids[0], where ? where : "");
			free(where);
			continue;
		}
		used[i] = true;
		walk(c, ch, sorted[i], node, root_code);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *comm = json_object_get(sorted[i], "comm");
		char b[128];

		if (!used[i])
			diff(c, "unexpected process pid %lld comm %s under %s (pid %ld)",
			     node_pid(sorted[i]),
			     json_is_string(comm) ? show(json_string_value(comm),
							 json_string_length(comm), b, sizeof(b))
						  : "?",
			     pr->label, pr->pids[0]);
	}
out:
	free(sorted);
	free(used);
}

/* Any count of lost, orphaned or inferred things must be zero. */
static void check_summary(struct cmp *c)
{
	json_t *sum = json_object_get(c->doc, "summary"), *v;
	const char *key;

	if (!json_is_object(sum)) {
		diff(c, "no summary object");
		return;
	}
	json_object_foreach(sum, key, v)
	{
		bool tolerated = false;

		/* the counts of tolerated flags (argv_unknown, ...) may be anything */
		for (int t = 0; tolerated_flags[t]; t++)
			tolerated |= !strcmp(key, tolerated_flags[t]);
		if (tolerated)
			continue;
		if (!strstr(key, "lost") && !strstr(key, "orphan") && !strstr(key, "inferred") &&
		    !strstr(key, "unknown") && !strstr(key, "unseen"))
			continue;
		if (json_is_integer(v) && json_integer_value(v) != 0)
			diff(c, "summary: %s is %lld, want 0", key, json_integer_value(v));
	}
	if (json_is_true(json_object_get(sum, "truncated")))
		diff(c, "summary: the CSV was truncated");
	if (json_is_false(json_object_get(sum, "complete")))
		diff(c, "summary: the CSV is not complete (no #end trailer)");
	if (json_is_true(json_object_get(sum, "interrupted")))
		diff(c, "summary: the recording was interrupted");
	if (json_array_size(json_object_get(c->doc, "lost")))
		diff(c, "%zu lost-event window(s) in \"lost\"",
		     json_array_size(json_object_get(c->doc, "lost")));
	v = json_object_get(sum, "processes");
	if (json_is_integer(v) && json_integer_value(v) != c->x->nprocs)
		diff(c, "summary: processes is %lld, want %d", json_integer_value(v), c->x->nprocs);
}

int treecmp(const struct xps_set *x, json_t *doc, int root_code, char **report)
{
	struct cmp c = { .x = x, .doc = doc };
	json_t *roots = json_object_get(doc, "roots");

	c.out = open_memstream(&c.buf, &c.len);
	if (!c.out) {
		*report = strdup("out of memory");
		return 1;
	}
	if (!json_is_string(json_object_get(doc, "format")) ||
	    strcmp(json_string_value(json_object_get(doc, "format")), "proctree") ||
	    node_int(doc, "version", -1) != 1)
		diff(&c, "not a proctree version 1 document");
	if (json_array_size(roots) != 1)
		diff(&c, "want 1 root (the workload), got %zu", json_array_size(roots));
	if (json_array_size(roots) >= 1)
		walk(&c, x->root, json_array_get(roots, 0), NULL, root_code);
	for (size_t i = 1; i < json_array_size(roots); i++)
		diff(&c, "extra root pid %lld (%zu children)", node_pid(json_array_get(roots, i)),
		     json_array_size(json_object_get(json_array_get(roots, i), "children")));
	check_summary(&c);
	fclose(c.out);
	*report = c.buf;
	return c.ndiff;
}
