// SPDX-License-Identifier: MIT
/*
 * --format dot: the tree as a Graphviz digraph, left to right.  One box per
 * shown process ("n" + node id; the synthetic unknown parent is "u"), an
 * edge from creator to child.  Boxes are filled by command (the same hue as
 * the SVG timeline), failures have a red border and their status, processes
 * whose fork was lost are dashed, the full command line is the tooltip.
 *
 * --reparent-edges adds a dashed grey edge from a reparented process to
 * the process its last reported ppid named: the incarnation of that pid
 * alive when the process ended, or a plain "pid N" node when that pid is
 * not in the recording (init, a subreaper outside the workload).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "view-private.h"

/* pid -> incarnations, for the reparent edges */
struct pid_index {
	uint32_t *head; /* open addressing: node ids, 0 empty */
	uint32_t *next; /* per node id: the next incarnation of the same pid */
	size_t mask;
};

static size_t pid_slot(const struct pid_index *ix, const struct tree *t, int32_t pid)
{
	size_t i = ((uint32_t)pid * 2654435761u) & ix->mask;

	while (ix->head[i] && tree_node(t, ix->head[i])->pid != pid)
		i = (i + 1) & ix->mask;
	return i;
}

static int pid_index_init(struct pid_index *ix, const struct tree *t)
{
	size_t cap = 64;

	while (cap < 2 * (size_t)t->nnodes)
		cap *= 2;
	ix->mask = cap - 1;
	ix->head = calloc(cap, sizeof(*ix->head));
	ix->next = calloc((size_t)t->nnodes + 1, sizeof(*ix->next));
	if (!ix->head || !ix->next) {
		free(ix->head);
		free(ix->next);
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	for (uint32_t id = 1; id <= t->nnodes; id++) {
		size_t i = pid_slot(ix, t, tree_node(t, id)->pid);

		ix->next[id] = ix->head[i];
		ix->head[i] = id;
	}
	return 0;
}

/* the incarnation of @pid alive at @ns (the latest started), NULL when none */
static const struct node *pid_at(const struct pid_index *ix, const struct tree *t, int32_t pid,
				 uint64_t ns)
{
	const struct node *best = NULL;

	for (uint32_t id = ix->head[pid_slot(ix, t, pid)]; id; id = ix->next[id]) {
		const struct node *n = tree_node(t, id);

		if (n->start_ns <= ns && node_draw_end(t, n) >= ns &&
		    (!best || n->start_ns > best->start_ns))
			best = n;
	}
	return best;
}

static void put_id(FILE *fp, const struct node *n)
{
	if (n->flags & NF_SYNTHETIC)
		fputs("u", fp);
	else
		fprintf(fp, "n%" PRIu32, n->id);
}

static void put_node(FILE *fp, const struct view *v, const struct node *n)
{
	char dur[32], st[32];
	uint32_t cut = 0;
	const char *s;
	size_t len;
	bool cut_all = true;

	if (n->flags & NF_SYNTHETIC) {
		fputs("  u [label=\"unknown parent\\n(fork lost)\", shape=ellipse, "
		      "style=dashed];\n",
		      fp);
		return;
	}
	for (const struct node *k = n->first_child; k; k = k->next_sibling)
		cut_all &= !view_shown(v, k);
	if (n->first_child && cut_all)
		cut = view_hidden_below(v, n);
	node_command(n, &s, &len);
	fputs("  ", fp);
	put_id(fp, n);
	fputs(" [label=\"", fp);
	dot_put(fp, s, len);
	fmt_dur(dur, sizeof(dur), node_draw_end(v->t, n) - n->start_ns);
	node_status(n, st, sizeof(st));
	fprintf(fp, "\\n%" PRId32 "  %s%s  %s", n->pid, n->have & NH_END ? "" : "\u2265", dur, st);
	if (cut)
		fprintf(fp, "\\n+%" PRIu32 " below", cut);
	fputs("\", tooltip=\"", fp);
	put_cmdline(fp, n, dot_put);
	fprintf(fp, "\", fillcolor=\"%.3f 0.25 1.0\"", name_hue(s, len) / 360.0);
	if (node_failed(n))
		fputs(", color=\"#cc0000\", penwidth=2, fontcolor=\"#990000\"", fp);
	if (n->flags & NF_FORK_LOST)
		fputs(", style=\"rounded,filled,dashed\"", fp);
	fputs("];\n", fp);
}

static void put_reparent(FILE *fp, const struct view *v, const struct pid_index *ix,
			 const struct node *n)
{
	const struct node *to;

	if (!(n->flags & NF_REPARENTED) || !(n->have & NH_PPID))
		return;
	to = pid_at(ix, v->t, n->ppid, node_draw_end(v->t, n));
	if (to && to == n->parent)
		return;
	if (to && !view_shown(v, to))
		return;
	if (!to)
		fprintf(fp,
			"  p%" PRId32 " [label=\"pid %" PRId32 "\\n(not recorded)\", "
			"shape=plaintext, style=solid];\n",
			n->ppid, n->ppid);
	fputs("  ", fp);
	put_id(fp, n);
	fputs(" -> ", fp);
	if (to)
		put_id(fp, to);
	else
		fprintf(fp, "p%" PRId32, n->ppid);
	fputs(" [style=dashed, color=\"#888888\", constraint=false, label=\"ppid\", "
	      "fontsize=8];\n",
	      fp);
}

int tree_write_dot(const struct tree *t, const struct tree_view_opts *o, FILE *fp)
{
	struct pid_index ix = { 0 };
	struct tree_walk w;
	struct view v;
	struct node *n;
	int ret = -1;

	if (view_init(&v, t, o) < 0)
		return -1;
	if (o && o->reparent_edges && pid_index_init(&ix, t) < 0)
		goto out;
	fputs("digraph proctree {\n"
	      "  graph [rankdir=LR, fontname=\"monospace\", ranksep=0.3, nodesep=0.1];\n"
	      "  node [shape=box, style=\"rounded,filled\", fontname=\"monospace\", fontsize=9, "
	      "margin=\"0.06,0.02\", height=0.3];\n"
	      "  edge [color=\"#555555\", arrowsize=0.5, fontname=\"monospace\"];\n",
	      fp);
	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w)) {
		if (!view_shown(&v, n))
			continue;
		put_node(fp, &v, n);
		if (n->parent) {
			fputs("  ", fp);
			put_id(fp, n->parent);
			fputs(" -> ", fp);
			put_id(fp, n);
			fputs(";\n", fp);
		}
		if (ix.head)
			put_reparent(fp, &v, &ix, n);
	}
	if (v.nhidden)
		fprintf(fp,
			"  hidden [shape=plaintext, style=solid, label=\"%" PRIu64
			" process%s not shown "
			"(--max-depth/--filter)\"];\n",
			v.nhidden, v.nhidden == 1 ? "" : "es");
	if (t->sum.lost_rows)
		fprintf(fp,
			"  lost [shape=plaintext, style=solid, fontcolor=\"#cc0000\", label=\"kernel lost "
			"%" PRIu64 " events in %" PRIu64 " window%s\"];\n",
			t->sum.lost_events, t->sum.lost_rows, t->sum.lost_rows == 1 ? "" : "s");
	fputs("}\n", fp);
	ret = 0;
	if (ferror(fp)) {
		err_set("write error");
		ret = -1;
	}
out:
	free(ix.head);
	free(ix.next);
	view_fini(&v);
	return ret;
}
