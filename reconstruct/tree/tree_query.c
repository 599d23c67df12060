// SPDX-License-Identifier: MIT
/*
 * Read-only queries on a finished tree (tree_query.h): the one place that
 * maps the builder's private node layout to public copies.
 */
#include <errno.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"
#include "tree_query.h"

/* private NF_* bit -> public TQ_* bit, in the private enum's order */
static const struct {
	unsigned nf, tq;
} flag_map[] = {
	{ NF_FORK_LOST, TQ_FORK_LOST },
	{ NF_ORPHAN, TQ_ORPHAN },
	{ NF_FORK_LATE, TQ_FORK_LATE },
	{ NF_EXIT_LOST, TQ_EXIT_LOST },
	{ NF_EXIT_UNSEEN, TQ_EXIT_UNSEEN },
	{ NF_EXIT_INFERRED, TQ_EXIT_INFERRED },
	{ NF_EXIT_STATUS_UNKNOWN, TQ_EXIT_STATUS_UNKNOWN },
	{ NF_ALIVE_AT_END, TQ_ALIVE_AT_END },
	{ NF_REPARENTED, TQ_REPARENTED },
	{ NF_ARGV_UNKNOWN, TQ_ARGV_UNKNOWN },
	{ NF_ARGV_CUT, TQ_ARGV_CUT },
	{ NF_SYNTHETIC, TQ_SYNTHETIC },
};

uint32_t tree_node_count(const struct tree *t)
{
	return t->nnodes;
}

uint32_t tree_root_id(const struct tree *t)
{
	return t->root ? t->root->id : TREE_NO_NODE;
}

bool tree_has_unknown(const struct tree *t)
{
	return t->unknown != NULL;
}

static const struct node *node_at(const struct tree *t, uint32_t id)
{
	if (id == 0)
		return t->unknown;
	if (id > t->nnodes)
		return NULL;
	return tree_node(t, id);
}

int tree_node_get(const struct tree *t, uint32_t id, struct tree_node_info *out)
{
	const struct node *n = node_at(t, id);

	if (!n) {
		err_set("no node %u", id);
		errno = EINVAL;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->parent = n->parent ? n->parent->id : TREE_NO_NODE;
	out->pid = n->pid;
	out->ppid = n->ppid;
	out->have_ppid = n->have & NH_PPID;
	out->start_ns = n->start_ns;
	out->end_ns = n->end_ns;
	out->fork_seen = (n->have & NH_START) && !(n->flags & NF_FORK_LOST);
	out->exit_seen = n->have & NH_END;
	out->have_code = n->have & NH_CODE;
	out->have_signal = n->have & NH_SIGNAL;
	out->code = n->code;
	out->signal = n->signal;
	for (size_t i = 0; i < sizeof(flag_map) / sizeof(flag_map[0]); i++)
		if (n->flags & flag_map[i].nf)
			out->flags |= flag_map[i].tq;
	out->nexecs = n->nexecs;
	out->threads = n->threads;
	if (n->comm) {
		out->comm = n->comm->s;
		out->comm_len = n->comm->len;
	}
	return 0;
}

int tree_node_command(const struct tree *t, uint32_t id, const char **s, size_t *len)
{
	const struct node *n = node_at(t, id);

	if (!n) {
		err_set("no node %u", id);
		return -1;
	}
	node_command(n, s, len);
	return 0;
}

int tree_node_exec(const struct tree *t, uint32_t id, uint32_t i, struct tree_exec_info *out)
{
	const struct node *n = node_at(t, id);
	const struct exec_rec *x = n ? n->execs : NULL;

	while (x && i--)
		x = x->next;
	if (!x) {
		errno = ENOENT;
		return -1;
	}
	memset(out, 0, sizeof(*out));
	out->time_ns = x->time_ns;
	if (x->filename) {
		out->filename = x->filename->s;
		out->filename_len = x->filename->len;
	}
	out->argc = x->argv ? x->argc : -1;
	out->argv = x->argv ? x->argv->s : NULL;
	out->argv_cut = x->argv_cut;
	return 0;
}

const char *tree_flag_name(unsigned bit)
{
	for (size_t i = 0; i < sizeof(flag_map) / sizeof(flag_map[0]); i++)
		if (flag_map[i].tq == bit)
			for (int f = 0; f < NF_COUNT; f++)
				if (flag_map[i].nf == 1u << f)
					return tree_flag_names[f];
	return NULL;
}

const struct csv_meta *tree_meta(const struct tree *t)
{
	return &t->meta;
}

const struct csv_trailer *tree_trailer(const struct tree *t)
{
	return &t->trailer;
}

bool tree_time_range(const struct tree *t, uint64_t *first_ns, uint64_t *last_ns)
{
	*first_ns = t->first_ns;
	*last_ns = t->last_ns;
	return t->have_first;
}

int tree_lost_window(const struct tree *t, size_t i, uint64_t *start_ns, uint64_t *end_ns,
		     uint64_t *count, bool *have_count)
{
	const struct lost_rec *l;

	if (i >= t->nlost)
		return -1;
	l = &t->lost[i];
	*start_ns = l->time_ns;
	*end_ns = l->have_end ? l->end_ns : l->time_ns;
	*count = l->count;
	*have_count = l->have_count;
	return 0;
}
