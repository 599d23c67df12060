/* SPDX-License-Identifier: MIT */
/*
 * Shared by the views and exports (compact, dot, svg, chrome, critical
 * path, stats): which nodes are shown (--max-depth, --filter), post-order
 * iteration, escaping for XML and DOT, and colours by command.
 */
#ifndef PROCTREE_VIEW_PRIVATE_H
#define PROCTREE_VIEW_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tree-private.h"

/* the JSON string escaping of out_json.c (invalid UTF-8 bytes become U+FFFD) */
void tree_json_str(FILE *fp, const char *s, size_t len);

/* the text escaping and command rendering of out_text.c */
void tree_text_escaped(FILE *fp, const char *s, size_t len);
void tree_text_command(FILE *fp, const struct node *n);
/* one argument, @s NUL-terminated at @len, single-quoted when it has a space or quote */
void tree_text_arg(FILE *fp, const char *s, size_t len);

/* index of a node in per-node arrays: the synthetic node (id 0) is 0 */
static inline uint32_t node_ix(const struct node *n)
{
	return (n->flags & NF_SYNTHETIC) ? 0 : n->id;
}

/*
 * struct view - the shown subset of a tree
 * @show: per node index, nonzero when shown
 * @size: per node index, the number of nodes in its subtree (itself included)
 * @depth_cut: nodes shown whose children were all cut by --max-depth
 */
struct view {
	const struct tree *t;
	uint8_t *show;
	uint32_t *size;
	uint64_t nshown;  /* shown nodes, the synthetic one included */
	uint64_t nhidden; /* real processes not shown */
	int max_depth;
	const char *filter;
};

/**
 * view_init - decide which nodes are shown
 * @o: options, may be NULL (everything shown)
 *
 * Returns 0 or -1 with err_msg() (out of memory).
 */
int view_init(struct view *v, const struct tree *t, const struct tree_view_opts *o);
void view_fini(struct view *v);

static inline bool view_shown(const struct view *v, const struct node *n)
{
	return v->show[node_ix(n)];
}

/* descendants of a shown node that --max-depth or --filter hide */
uint32_t view_hidden_below(const struct view *v, const struct node *n);

/* the end of a node's lifetime for drawing: exit, else last seen (or the end of the recording when alive) */
uint64_t node_draw_end(const struct tree *t, const struct node *n);

/* failed: a nonzero exit code or a fatal signal */
static inline bool node_failed(const struct node *n)
{
	return (n->have & NH_SIGNAL) || ((n->have & NH_CODE) && n->code);
}

/* "code 1", "SIGKILL", "running", "exit ?" into buf */
void node_status(const struct node *n, char *buf, size_t size);

/* XML text or attribute value: & < > " escaped, control and invalid bytes as U+FFFD */
void xml_put(FILE *fp, const char *s, size_t len);

/* the inside of a DOT quoted string: " and \ escaped, invalid bytes as U+FFFD */
void dot_put(FILE *fp, const char *s, size_t len);

/* the command line (last exec's argv, else its filename, else [comm]) through @put */
void put_cmdline(FILE *fp, const struct node *n, void (*put)(FILE *, const char *, size_t));

/* a stable colour for a command name: hue 0..359 */
unsigned name_hue(const char *s, size_t len);

/* 64-bit FNV-1a */
uint64_t name_hash(const char *s, size_t len);

#endif
