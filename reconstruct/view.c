// SPDX-License-Identifier: MIT
/*
 * What the views show (--max-depth, --filter) and the small helpers they
 * share.  A node is shown when it is at most --max-depth deep and, with
 * --filter COMM, when it runs COMM (any exec basename or its comm), is a
 * descendant of such a node, or is an ancestor of one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "signame.h"
#include "view-private.h"

enum { SHOW = 1, ANCESTOR = 2 };

struct node *node_post_first(struct node *root)
{
	while (root->first_child)
		root = root->first_child;
	return root;
}

struct node *node_post_next(struct node *n, const struct node *root)
{
	if (n == root)
		return NULL;
	if (n->next_sibling)
		return node_post_first(n->next_sibling);
	return n->parent;
}

void exec_basename(const struct exec_rec *x, const char **s, size_t *len)
{
	const char *slash;

	*s = NULL;
	*len = 0;
	if (!x || !x->filename || !x->filename->len)
		return;
	slash = memrchr(x->filename->s, '/', x->filename->len);
	*s = slash ? slash + 1 : x->filename->s;
	*len = x->filename->len - (size_t)(*s - x->filename->s);
	if (!*len)
		*s = NULL;
}

static bool matches(const struct node *n, const char *want, size_t wlen)
{
	const char *s;
	size_t len;

	if (n->comm && n->comm->len == wlen && !memcmp(n->comm->s, want, wlen))
		return true;
	for (const struct exec_rec *x = n->execs; x; x = x->next) {
		exec_basename(x, &s, &len);
		if (s && len == wlen && !memcmp(s, want, wlen))
			return true;
	}
	return false;
}

int view_init(struct view *v, const struct tree *t, const struct tree_view_opts *o)
{
	struct node *roots[2] = { t->root, t->unknown };
	size_t n = (size_t)t->nnodes + 1;
	struct tree_walk w;
	struct node *x;

	memset(v, 0, sizeof(*v));
	v->t = t;
	v->max_depth = o ? o->max_depth : -1;
	v->filter = o ? o->filter : NULL;
	v->show = calloc(n, 1);
	v->size = calloc(n, sizeof(*v->size));
	if (!v->show || !v->size)
		goto oom;
	if (v->filter) {
		size_t wlen = strlen(v->filter);

		for (uint32_t id = 1; id <= t->nnodes; id++) {
			x = tree_node(t, id);
			if (!matches(x, v->filter, wlen))
				continue;
			/* stop at the first ancestor already marked: each node is marked once */
			for (; x && !(v->show[node_ix(x)] & ANCESTOR); x = x->parent)
				v->show[node_ix(x)] |= ANCESTOR;
		}
	}
	{
		bool in_match = false;
		uint64_t match_depth = 0;

		for (x = tree_walk_first(&w, t); x; x = tree_walk_next(&w)) {
			uint8_t *s = &v->show[node_ix(x)];
			bool on;

			if (in_match && w.depth <= match_depth)
				in_match = false;
			if (v->filter && !in_match && x->pid >= 0 && *s & ANCESTOR &&
			    matches(x, v->filter, strlen(v->filter))) {
				in_match = true;
				match_depth = w.depth;
			}
			on = !v->filter || in_match || *s & ANCESTOR;
			if (v->max_depth >= 0 && w.depth > (uint64_t)v->max_depth)
				on = false;
			*s = on ? SHOW : 0;
			v->nshown += on;
			if (!on && x->pid >= 0)
				v->nhidden++;
		}
	}
	/* hidden descendants of each node, children before parents */
	for (int r = 0; r < 2; r++) {
		if (!roots[r])
			continue;
		for (x = node_post_first(roots[r]); x; x = node_post_next(x, roots[r])) {
			if (x->parent)
				v->size[node_ix(x->parent)] += v->size[node_ix(x)] + !v->show[node_ix(x)];
		}
	}
	return 0;
oom:
	view_fini(v);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

void view_fini(struct view *v)
{
	free(v->show);
	free(v->size);
	v->show = NULL;
	v->size = NULL;
}

uint32_t view_hidden_below(const struct view *v, const struct node *n)
{
	return v->size[node_ix(n)];
}

uint64_t node_draw_end(const struct tree *t, const struct node *n)
{
	uint64_t end = n->end_ns;

	if (!(n->have & NH_END) && n->flags & NF_ALIVE_AT_END && t->last_ns > end)
		end = t->last_ns;
	return end < n->start_ns ? n->start_ns : end;
}

void node_status(const struct node *n, char *buf, size_t size)
{
	if (n->have & NH_SIGNAL) {
		const char *name = signame(n->signal);

		if (name)
			snprintf(buf, size, "%s", name);
		else
			snprintf(buf, size, "signal %u", n->signal);
	} else if (n->have & NH_CODE) {
		snprintf(buf, size, "code %u", n->code);
	} else if (n->flags & NF_ALIVE_AT_END) {
		snprintf(buf, size, "running");
	} else {
		snprintf(buf, size, "exit ?");
	}
}

void node_command_at(const struct node *n, uint64_t ns, const char **s, size_t *len)
{
	const struct exec_rec *in_effect = NULL;

	for (const struct exec_rec *x = n->execs; x && x->time_ns <= ns; x = x->next)
		in_effect = x;
	exec_basename(in_effect, s, len);
	if (*s)
		return;
	if (in_effect || !n->execs) {
		if (n->comm && n->comm->len) {
			*s = n->comm->s;
			*len = n->comm->len;
			return;
		}
	}
	*s = "?";
	*len = 1;
}

static void put_bytes(FILE *fp, const char *str, size_t len, bool dot)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);
		unsigned c = s[i];

		if (n > 1) {
			fwrite(s + i, 1, n, fp);
			i += n;
			continue;
		}
		i++;
		if (n == 0 || c < 0x20 || c == 0x7f) {
			fputs("\xef\xbf\xbd", fp);
		} else if (dot) {
			if (c == '"' || c == '\\')
				putc_unlocked('\\', fp);
			putc_unlocked(c, fp);
		} else {
			switch (c) {
			case '&': fputs("&amp;", fp); break;
			case '<': fputs("&lt;", fp); break;
			case '>': fputs("&gt;", fp); break;
			case '"': fputs("&quot;", fp); break;
			default: putc_unlocked(c, fp);
			}
		}
	}
}

void xml_put(FILE *fp, const char *s, size_t len)
{
	put_bytes(fp, s, len, false);
}

void dot_put(FILE *fp, const char *s, size_t len)
{
	put_bytes(fp, s, len, true);
}

uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

unsigned name_hue(const char *s, size_t len)
{
	uint64_t h = name_hash(s, len);

	/* fold the high bits in: FNV's low bits vary little for short names */
	return (unsigned)((h ^ (h >> 29)) % 360u);
}

void fmt_dur(char *buf, size_t size, uint64_t ns)
{
	static const struct { uint64_t unit; const char *name; } units[] = {
		{ 1000000000ull, "s" }, { 1000000ull, "ms" }, { 1000ull, "\xc2\xb5s" }, { 1, "ns" },
	};

	if (ns >= 60000000000ull) {
		uint64_t s = (ns + 500000000ull) / 1000000000ull;

		if (s >= 3600)
			snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
		else
			snprintf(buf, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
		return;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double v = (double)ns / (double)units[i].unit;

		if (ns < units[i].unit && units[i].unit > 1)
			continue;
		if (units[i].unit == 1 || v >= 100)
			snprintf(buf, size, "%.0f%s", v, units[i].name);
		else if (v >= 10)
			snprintf(buf, size, "%.1f%s", v, units[i].name);
		else
			snprintf(buf, size, "%.2f%s", v, units[i].name);
		return;
	}
}

void put_cmdline(FILE *fp, const struct node *n, void (*put)(FILE *, const char *, size_t))
{
	const struct exec_rec *x = n->last_exec;

	if (x && x->argv && x->argc > 0) {
		const char *a = x->argv->s;

		for (int i = 0; i < x->argc; i++) {
			size_t len = strlen(a);

			if (i)
				putc_unlocked(' ', fp);
			put(fp, a, len);
			a += len + 1;
		}
	} else if (x && x->filename) {
		put(fp, x->filename->s, x->filename->len);
	} else {
		putc_unlocked('[', fp);
		if (n->comm)
			put(fp, n->comm->s, n->comm->len);
		else
			putc_unlocked('?', fp);
		putc_unlocked(']', fp);
	}
}
