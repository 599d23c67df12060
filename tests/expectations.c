// SPDX-License-Identifier: MIT
/* The PROCTREE_EXPECT file: parse, resolve labels, check it is self-consistent. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expectations.h"

#define XPS_MAX_TOKENS 256

/* A pending reference to a label, resolved once every proc line is known. */
struct xps_ref {
	char *kind; /* exec, exit, thread, comm, alive */
	char *label;
	char **args; /* the fields after the label */
	int nargs;
	int line;
};

struct xps_parse {
	struct xps_set *set;
	struct xps_ref *refs;
	int nrefs, refs_cap, procs_cap;
	char *err;
	size_t errlen;
};

static void __attribute__((format(printf, 3, 4)))
fail(struct xps_parse *p, int line, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (line > 0)
		n = snprintf(p->err, p->errlen, "%s:%d: ", p->set->path, line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->set->path);
	if (n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
}

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

static int hash_build(struct xps_set *set)
{
	set->hash_size = 16;
	while (set->hash_size < (size_t)set->nprocs * 2)
		set->hash_size *= 2;
	set->hash = malloc(set->hash_size * sizeof(*set->hash));
	if (!set->hash)
		return -1;
	for (size_t i = 0; i < set->hash_size; i++)
		set->hash[i] = -1;
	for (int i = 0; i < set->nprocs; i++) {
		size_t h = hash_str(set->procs[i].label) & (set->hash_size - 1);

		while (set->hash[h] >= 0) {
			if (!strcmp(set->procs[set->hash[h]].label, set->procs[i].label))
				return i; /* duplicate: index of the second one, > 0 */
			h = (h + 1) & (set->hash_size - 1);
		}
		set->hash[h] = i;
	}
	return 0;
}

struct xps_proc *xps_find(const struct xps_set *set, const char *label)
{
	size_t h;

	if (!set->hash)
		return NULL;
	for (h = hash_str(label) & (set->hash_size - 1); set->hash[h] >= 0;
	     h = (h + 1) & (set->hash_size - 1))
		if (!strcmp(set->procs[set->hash[h]].label, label))
			return &set->procs[set->hash[h]];
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* %HH-decode; NULL when malformed (bad escape, or an escaped NUL). */
static char *decode(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0) {
			free(out);
			return NULL;
		}
		*o++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*o = '\0';
	return out;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;

	if (!*s || *s == '+' || *s == '-' || *s == ' ')
		return -1;
	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || *end || *out < min || *out > max ? -1 : 0;
}

static int parse_pids(const char *s, struct xps_proc *pr)
{
	char *copy = strdup(s), *save = NULL, *tok;
	int ret = 0;

	pr->npids = 0;
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (pr->npids == XPS_MAX_PIDS ||
		    parse_long(tok, 1, 1L << 30, &pr->pids[pr->npids++]) < 0)
			ret = -1;
	}
	free(copy);
	return pr->npids ? ret : -1;
}

static int add_proc(struct xps_parse *p, char **tok, int ntok, int line)
{
	struct xps_set *set = p->set;
	struct xps_proc *pr;

	if (ntok != 4) {
		fail(p, line, "proc wants: proc LABEL PIDS CREATOR");
		return -1;
	}
	if (set->nprocs == p->procs_cap) {
		int cap = p->procs_cap ? p->procs_cap * 2 : 64;
		struct xps_proc *np = realloc(set->procs, cap * sizeof(*np));

		if (!np)
			return -1;
		set->procs = np;
		p->procs_cap = cap;
	}
	pr = &set->procs[set->nprocs];
	memset(pr, 0, sizeof(*pr));
	pr->line = line;
	if (parse_pids(tok[2], pr) < 0) {
		fail(p, line, "bad pids '%s'", tok[2]);
		return -1;
	}
	pr->label = strdup(tok[1]);
	pr->creator = strcmp(tok[3], "-") ? strdup(tok[3]) : NULL;
	set->nprocs++;
	return 0;
}

static int add_ref(struct xps_parse *p, char **tok, int ntok, int line)
{
	/* ntok -1: at least 3 (exec FILENAME then any number of =ARG) */
	static const struct {
		const char *kind;
		int ntok;
	} kinds[] = {
		{ "exec", -1 }, { "exit", 4 }, { "thread", 2 }, { "comm", 3 }, { "alive", 2 },
	};
	struct xps_ref *r;
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(tok[0], kinds[k].kind))
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0])) {
		fail(p, line, "unknown line kind '%s'", tok[0]);
		return -1;
	}
	if (kinds[k].ntok < 0 ? ntok < 3 : ntok != kinds[k].ntok) {
		fail(p, line, "'%s' wants %s%d fields, has %d", tok[0],
		     kinds[k].ntok < 0 ? "at least " : "", kinds[k].ntok < 0 ? 3 : kinds[k].ntok,
		     ntok);
		return -1;
	}
	if (p->nrefs == p->refs_cap) {
		int cap = p->refs_cap ? p->refs_cap * 2 : 64;
		struct xps_ref *nr = realloc(p->refs, cap * sizeof(*nr));

		if (!nr)
			return -1;
		p->refs = nr;
		p->refs_cap = cap;
	}
	r = &p->refs[p->nrefs++];
	r->kind = strdup(tok[0]);
	r->label = strdup(tok[1]);
	r->nargs = ntok - 2;
	r->args = calloc(r->nargs + 1, sizeof(*r->args));
	if (!r->args)
		return -1;
	for (int i = 0; i < r->nargs; i++)
		r->args[i] = strdup(tok[i + 2]);
	r->line = line;
	return 0;
}

static int apply_ref(struct xps_parse *p, struct xps_ref *r)
{
	struct xps_proc *pr = xps_find(p->set, r->label);
	long v;

	if (!pr) {
		fail(p, r->line, "%s line for '%s', which has no proc line", r->kind, r->label);
		return -1;
	}
	if (!strcmp(r->kind, "exec")) {
		struct xps_exec *ne = realloc(pr->execs, (pr->nexecs + 1) * sizeof(*ne)), *x;

		if (!ne)
			return -1;
		pr->execs = ne;
		x = &ne[pr->nexecs++];
		memset(x, 0, sizeof(*x));
		x->filename = decode(r->args[0]);
		if (!x->filename) {
			fail(p, r->line, "bad %%-encoding in '%s'", r->args[0]);
			return -1;
		}
		if (r->nargs > 1) {
			x->argc = r->nargs - 1;
			x->argv = calloc(x->argc + 1, sizeof(*x->argv));
			if (!x->argv)
				return -1;
			for (int i = 0; i < x->argc; i++) {
				const char *a = r->args[i + 1];

				if (a[0] != '=' || !(x->argv[i] = decode(a + 1))) {
					fail(p, r->line, "bad argument '%s' (want =%%-encoded)", a);
					return -1;
				}
			}
		}
	} else if (!strcmp(r->kind, "exit")) {
		bool code = !strcmp(r->args[0], "code");

		if (pr->exit_kind != XPS_EXIT_NONE) {
			fail(p, r->line, "second exit line for '%s'", r->label);
			return -1;
		}
		if ((!code && strcmp(r->args[0], "signal")) ||
		    parse_long(r->args[1], code ? 0 : 1, code ? 255 : 64, &v) < 0) {
			fail(p, r->line, "exit wants 'code 0..255' or 'signal 1..64'");
			return -1;
		}
		pr->exit_kind = code ? XPS_EXIT_CODE : XPS_EXIT_SIGNAL;
		pr->exit_value = (int)v;
	} else if (!strcmp(r->kind, "thread")) {
		pr->threads++;
	} else if (!strcmp(r->kind, "comm")) {
		if (pr->comm) {
			fail(p, r->line, "second comm line for '%s'", r->label);
			return -1;
		}
		pr->comm = decode(r->args[0]);
		if (!pr->comm) {
			fail(p, r->line, "bad %%-encoding in '%s'", r->args[0]);
			return -1;
		}
	} else { /* alive */
		pr->alive = true;
	}
	return 0;
}

static int link_tree(struct xps_parse *p)
{
	struct xps_set *set = p->set;

	for (int i = 0; i < set->nprocs; i++) {
		struct xps_proc *pr = &set->procs[i], *c;

		if (!pr->creator) {
			if (set->root) {
				fail(p, pr->line, "second root '%s' (first: '%s')", pr->label,
				     set->root->label);
				return -1;
			}
			set->root = pr;
			continue;
		}
		c = xps_find(set, pr->creator);
		if (!c) {
			fail(p, pr->line, "creator '%s' of '%s' has no proc line", pr->creator,
			     pr->label);
			return -1;
		}
		pr->parent = c;
		c->children = realloc(c->children, (c->nchildren + 1) * sizeof(*c->children));
		if (!c->children)
			return -1;
		c->children[c->nchildren++] = pr;
	}
	if (!set->root) {
		fail(p, 0, "no root (no proc line with creator '-')");
		return -1;
	}
	for (int i = 0; i < set->nprocs; i++) {
		struct xps_proc *pr = &set->procs[i];

		if (pr != set->root && pr->exit_kind == XPS_EXIT_NONE && !pr->alive) {
			fail(p, pr->line, "'%s' has neither an exit nor an alive line", pr->label);
			return -1;
		}
	}
	return 0;
}

static int split(char *s, char **tok, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (n < max)
			tok[n++] = t;
		else
			return max + 1;
	return n;
}

struct xps_set *xps_load(const char *path, char *err, size_t errlen)
{
	struct xps_parse p = { .err = err, .errlen = errlen };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, dup;
	FILE *fp;

	p.set = calloc(1, sizeof(*p.set));
	if (!p.set) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p.set->path = strdup(path);
	fp = fopen(path, "r");
	if (!fp) {
		fail(&p, 0, "%s", strerror(errno));
		goto error;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char *tok[XPS_MAX_TOKENS + 1];
		int ntok;

		lineno++;
		if (len == 0 || line[len - 1] != '\n') {
			fail(&p, lineno, "truncated line");
			goto error;
		}
		line[len - 1] = '\0';
		ntok = split(line, tok, XPS_MAX_TOKENS);
		if (ntok < 2 || ntok > XPS_MAX_TOKENS) {
			fail(&p, lineno, "want KIND LABEL ..., got %d fields", ntok);
			goto error;
		}
		if (!strcmp(tok[0], "proc") ? add_proc(&p, tok, ntok, lineno) < 0
					    : add_ref(&p, tok, ntok, lineno) < 0)
			goto error;
	}
	dup = hash_build(p.set);
	if (dup) {
		if (dup > 0)
			fail(&p, p.set->procs[dup].line, "second proc line for '%s'",
			     p.set->procs[dup].label);
		goto error;
	}
	for (int i = 0; i < p.nrefs; i++)
		if (apply_ref(&p, &p.refs[i]) < 0)
			goto error;
	if (link_tree(&p) < 0)
		goto error;
	goto out;
error:
	xps_free(p.set);
	p.set = NULL;
out:
	if (fp)
		fclose(fp);
	free(line);
	for (int i = 0; i < p.nrefs; i++) {
		free(p.refs[i].kind);
		free(p.refs[i].label);
		for (int a = 0; a < p.refs[i].nargs; a++)
			free(p.refs[i].args[a]);
		free(p.refs[i].args);
	}
	free(p.refs);
	return p.set;
}

static int depth_of(const struct xps_proc *pr)
{
	int d = 0;

	for (; pr->parent; pr = pr->parent)
		d++;
	return d;
}

int xps_depth(const struct xps_set *set)
{
	int max = 0;

	for (int i = 0; i < set->nprocs; i++) {
		int d = depth_of(&set->procs[i]);

		if (d > max)
			max = d;
	}
	return max;
}

void xps_free(struct xps_set *set)
{
	if (!set)
		return;
	for (int i = 0; i < set->nprocs; i++) {
		struct xps_proc *pr = &set->procs[i];

		free(pr->label);
		free(pr->creator);
		for (int e = 0; e < pr->nexecs; e++) {
			free(pr->execs[e].filename);
			for (int a = 0; a < pr->execs[e].argc; a++)
				free(pr->execs[e].argv[a]);
			free(pr->execs[e].argv);
		}
		free(pr->execs);
		free(pr->comm);
		free(pr->children);
	}
	free(set->procs);
	free(set->hash);
	free(set->path);
	free(set);
}
