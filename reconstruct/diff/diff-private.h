/* SPDX-License-Identifier: MIT */
/* Internals of --diff shared by the keys, the alignment, the statistics and the reports. */
#ifndef PROCTREE_DIFF_PRIVATE_H
#define PROCTREE_DIFF_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "diff.h"
#include "tree-private.h"

#define DIFF_NONE UINT32_MAX /* no partner */

/*
 * How a pair was matched, from the strongest: the same normalised command
 * line; the same program and the same arguments that are not options; the
 * same program name.  DIFF_TIER_ROOT: the two roots (or the two synthetic
 * unknown parents), which pair whatever they ran.
 */
enum diff_tier {
	DIFF_TIER_EXACT,
	DIFF_TIER_POSITIONAL,
	DIFF_TIER_NAME,
	DIFF_TIER_ROOT,
	DIFF_TIERS = 3 /* the tiers siblings are matched by */
};

/* one process of one run; index: node id, 0 the synthetic unknown parent */
struct diff_node {
	uint64_t key[DIFF_TIERS]; /* hashes of the normalised command per tier */
	uint32_t match;		  /* the partner's index in the other run, DIFF_NONE */
	uint32_t subtree;	  /* only-in-one-run: processes in its unmatched subtree */
	uint8_t tier;		  /* enum diff_tier of the match */
	bool moved;		  /* matched, parents not matched to each other */
};

struct diff_run {
	char *path;
	struct tree *t;
	struct node **byix; /* node of each index (0: the unknown parent or NULL) */
	uint32_t n;	    /* real nodes 1..n */
	struct diff_node *dn;
	struct cpu_times *cpu; /* tree_cpu_times(), by node id */
	struct tree_summary sum;
	uint64_t wall_ns; /* the root's lifetime, else first to last row */
	uint64_t cpu_ns;  /* the processes' own CPU time, summed */
	bool cpu_known;
};

/* one row of the per-command table */
struct diff_cmd {
	const char *name; /* the command name (exec basename, else comm) */
	size_t len;
	uint64_t hash;
	uint64_t count[2], wall[2], cpu[2], failures[2];
	uint64_t timed[2], cpu_known[2];
	bool shown; /* above the threshold */
};

/* one matched pair, for the per-process ranking: 16 bytes, a million of them get sorted */
struct diff_pair {
	uint32_t a, b;	 /* indices in run A and run B */
	uint64_t change; /* the larger of |wall change| and |cpu change| */
};

/* the times of a matched pair (diff_pair_times()) */
struct diff_times {
	uint64_t wall[2], cpu[2];
	bool wall_known, cpu_known;
};

struct diff {
	struct diff_opts opts;
	struct diff_run run[2];
	int nruns;
	bool stdin_used, ran;
	char *warnings;
	struct diff_counts counts;
	struct diff_cmd *cmds; /* sorted by size of change */
	size_t ncmds, ncmds_shown;
	struct diff_pair *pairs; /* matched pairs above the threshold, by |dwall| */
	size_t npairs;
};

static inline struct diff_node *diff_dn(struct diff *d, int r, uint32_t ix)
{
	return &d->run[r].dn[ix];
}

/* index of a node in the per-node arrays (view-private.h's node_ix) */
static inline uint32_t diff_ix(const struct node *n)
{
	return (n->flags & NF_SYNTHETIC) ? 0 : n->id;
}

/* diff_key.c */
int diff_keys(struct diff *d, int r);
size_t diff_norm(const char *s, size_t len, char *out, bool raw);
uint64_t diff_hash(const void *p, size_t len, uint64_t h);
int diff_arg_hashes(const struct diff *d, const struct node *x, uint64_t **out, size_t *n);
#define DIFF_HASH_INIT 0xcbf29ce484222325ull

/* diff_match.c */
int diff_align(struct diff *d);

/* diff_stats.c */
int diff_stats(struct diff *d);
bool diff_above(const struct diff *d, uint64_t a, uint64_t b);
void diff_pair_times(const struct diff *d, uint32_t a, uint32_t b, struct diff_times *t);

/* diff_util.c: what the reports say of one process */
enum diff_status_kind { DS_CODE, DS_SIGNAL, DS_RUNNING, DS_UNKNOWN };
struct diff_status {
	enum diff_status_kind kind;
	int value;
};
void diff_status_of(const struct node *n, struct diff_status *s);
bool diff_status_eq(const struct diff_status *a, const struct diff_status *b);
bool diff_wall(const struct node *n, uint64_t *ns);
/* the differences a matched pair of A's index @ix may have */
enum diff_kind { DK_STATUS, DK_COMMAND, DK_MOVED };
bool diff_pair_is(const struct diff *d, uint32_t ix, enum diff_kind k);
/* @x of run @r is in that run only, and its parent is not: it heads an only-in subtree */
bool diff_only_top(const struct diff_run *run, const struct node *x);
char *diff_command_line(const struct diff *d, const struct node *n, size_t *len);
char *diff_path(const struct node *n, size_t *len);
char *diff_norm_argv(const struct diff *d, const struct node *n, int *argc);

#endif
