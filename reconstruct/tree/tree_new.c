// SPDX-License-Identifier: MIT
/*
 * The tree object: its memory (one arena, interned strings) and the
 * recording's metadata, copied in so the CSV reader can be freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"

struct tree *tree_new(const struct tree_opts *opts)
{
	struct tree *t = calloc(1, sizeof(*t));

	if (!t) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	t->order.window_ns = opts && opts->window_ns ? opts->window_ns : TREE_WINDOW_NS_DEFAULT;
	return t;
}

void tree_free(struct tree *t)
{
	if (!t)
		return;
	order_free(&t->order);
	anc_free(&t->anc);
	live_free(&t->live);
	intern_free(&t->strings);
	arena_free_all(&t->arena);
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->lost);
	free(t->argv_buf);
	free(t->truncation);
	for (size_t i = 0; i < t->nmeta_strs; i++)
		free(t->meta_strs[i]);
	free(t->meta_strs);
	free((void *)t->meta.command);
	free((void *)t->meta.keys);
	free((void *)t->meta.values);
	free((void *)t->trailer.keys);
	free((void *)t->trailer.values);
	free(t);
}

static char *keep_str(struct tree *t, const char *s)
{
	char **v;
	char *c;

	if (!s)
		return NULL;
	v = realloc(t->meta_strs, (t->nmeta_strs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	t->meta_strs = v;
	c = strdup(s);
	if (c)
		t->meta_strs[t->nmeta_strs++] = c;
	return c;
}

/* copy a NULL-terminated or counted string vector; *out gets n + 1 slots */
static int keep_vec(struct tree *t, const char *const *in, int n, const char ***out)
{
	const char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return -1;
	for (int i = 0; i < n; i++) {
		v[i] = keep_str(t, in[i]);
		if (!v[i]) {
			free(v);
			return -1;
		}
	}
	*out = v;
	return 0;
}

int tree_set_meta(struct tree *t, const struct csv_meta *m)
{
	struct csv_meta *c = &t->meta;
	const char **v;

	if (tree_check_range("start_mono_ns", m->start_mono_ns) < 0)
		return -1;
	c->version = m->version;
	c->root_pid = m->root_pid;
	c->start_mono_ns = m->start_mono_ns;
	t->root_pid = m->root_pid;
	if ((m->engine && !(c->engine = keep_str(t, m->engine))) ||
	    (m->clock && !(c->clock = keep_str(t, m->clock))) ||
	    (m->host && !(c->host = keep_str(t, m->host))) ||
	    (m->kernel && !(c->kernel = keep_str(t, m->kernel))) ||
	    (m->pid_ns && !(c->pid_ns = keep_str(t, m->pid_ns))) ||
	    (m->start_wall && !(c->start_wall = keep_str(t, m->start_wall))))
		goto error;
	if (m->command) {
		if (keep_vec(t, (const char *const *)m->command, m->ncommand, &v) < 0)
			goto error;
		c->command = (char *const *)v;
		c->ncommand = m->ncommand;
	}
	if (m->nkeys) {
		if (keep_vec(t, m->keys, m->nkeys, &v) < 0)
			goto error;
		c->keys = v;
		if (keep_vec(t, m->values, m->nkeys, &v) < 0)
			goto error;
		c->values = v;
		c->nkeys = m->nkeys;
	}
	return 0;
error:
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}
