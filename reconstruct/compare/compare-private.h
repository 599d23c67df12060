/* SPDX-License-Identifier: MIT */
/* Internals of --compare shared by matching, classification and the reports. */
#ifndef PROCTREE_COMPARE_PRIVATE_H
#define PROCTREE_COMPARE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "compare.h"
#include "tree.h"
#include "tree_query.h"

#define CMP_NONE UINT32_MAX	     /* no cluster / no member */
#define CMP_UNKNOWN (UINT32_MAX - 1) /* parent: the file's synthetic unknown parent */

/* one node of one file, copied out of its tree */
struct cmp_node {
	struct tree_node_info info;
	uint32_t cluster;				/* the process identity it was matched to */
	uint32_t first_child, next_sibling, last_child; /* node ids, TREE_NO_NODE none */
};

struct cmp_file {
	char *path;
	const char *engine; /* from the metadata, may be NULL */
	struct tree *t;
	uint32_t n; /* real nodes: ids 1..n; nodes[0] is the unknown parent */
	struct cmp_node *nodes;
	bool has_unknown;
	uint64_t first_ns, last_ns;
	uint64_t end_ns;      /* when recording stopped (trailer), else the last row */
	uint64_t lost_events; /* the trailer's (or the rows') count */
	uint64_t count[CMP_CLASS_COUNT];
};

/*
 * A cluster is one process incarnation as the files together see it:
 * member[f] is its node in file f (CMP_NONE when the file misses it).
 */
struct cmp_cluster {
	int32_t pid;
	bool start_known; /* start is a fork time */
	uint64_t start;	  /* fork time when known, else the earliest sighting */
	uint64_t lo, hi;  /* union of the members' [start, end] */
	uint32_t parent;  /* structure matching: the creator's cluster */
	uint32_t *kids;	  /* structure matching: child clusters in sibling order */
	uint32_t nkids, kids_cap;
	uint64_t sig; /* structure matching: exec filenames / comm hash */
};

/* one difference, found by classification */
struct cmp_diff {
	enum cmp_class cls;
	uint32_t cluster;
	uint32_t node; /* this file's node, TREE_NO_NODE for node_missing */
	int other;     /* the file whose record shows what is missing, -1 none */
	bool top;      /* node_missing: its parent is not missing too */
};

struct cmp {
	struct cmp_opts opts;
	enum cmp_match used;
	struct cmp_file *files;
	int nfiles, files_cap;
	struct cmp_cluster *cl;
	uint32_t ncl, cl_cap;
	uint32_t *member;	 /* ncl * nfiles_cap: member[c * nfiles + f] */
	struct cmp_diff **diffs; /* per file */
	size_t *ndiffs, *diffs_cap;
	bool ran, differs;
	bool stdin_used;
	char *warnings;
	char *why;			  /* why this matching was chosen */
	uint64_t off_n, off_max, off_sum; /* |start offset| of matched forks vs the first file */
};

static inline uint32_t *cmp_member(const struct cmp *c, uint32_t cl, int f)
{
	return &c->member[(size_t)cl * c->nfiles + f];
}

/* compare_match.c */
int cmp_match_pid(struct cmp *c);
int cmp_match_structure(struct cmp *c);
int cmp_cluster_new(struct cmp *c, int f, uint32_t id);

/* compare_align.c: order-preserving alignment of two sequences */
typedef int64_t (*cmp_cost_fn)(void *ctx, uint32_t i, uint32_t j); /* < 0: cannot pair */
int cmp_align(uint32_t m, uint32_t n, int64_t skip, cmp_cost_fn cost, void *ctx,
	      uint32_t *pair_of_i);

/* compare_class.c */
int cmp_classify(struct cmp *c);
uint32_t cmp_ref_file(const struct cmp *c, uint32_t cl);
uint32_t cmp_parent_cluster(const struct cmp *c, int f, uint32_t id);

/* compare_util.c */
void cmp_node_command(const struct cmp_file *f, uint32_t id, const char **s, size_t *len);
bool cmp_exec_name(const struct cmp_file *f, uint32_t id, uint32_t i, const char **s, size_t *len);

#endif
