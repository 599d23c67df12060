/* SPDX-License-Identifier: MIT */
/*
 * Read-only queries on a finished tree, for code outside the builder
 * (proctree-reconstruct --compare).  The builder's struct node stays
 * private: callers get copies in public structs, so the builder may change
 * its internals freely as long as tree_query.c keeps mapping them.
 *
 * Node ids are 1..tree_node_count() in creation order (a fork creates its
 * child after the parent, so a parent's id is always lower than its
 * children's).  Id 0 is the synthetic "unknown parent" node, present only
 * when tree_has_unknown() says so.
 */
#ifndef PROCTREE_TREE_QUERY_H
#define PROCTREE_TREE_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "tree.h"

/* no parent: the node is a root (the workload's first process, the unknown parent) */
#define TREE_NO_NODE UINT32_MAX

/* public node flags (the names are those of docs/reconstruct.md) */
enum {
	TQ_FORK_LOST = 1 << 0,
	TQ_ORPHAN = 1 << 1,
	TQ_FORK_LATE = 1 << 2,
	TQ_EXIT_LOST = 1 << 3,
	TQ_EXIT_UNSEEN = 1 << 4,
	TQ_EXIT_INFERRED = 1 << 5,
	TQ_EXIT_STATUS_UNKNOWN = 1 << 6,
	TQ_ALIVE_AT_END = 1 << 7,
	TQ_REPARENTED = 1 << 8,
	TQ_ARGV_UNKNOWN = 1 << 9,
	TQ_SYNTHETIC = 1 << 10,
	TQ_ARGV_CUT = 1 << 11, /* a new bit: the existing values do not move */
};

/**
 * struct tree_node_info - a copy of what the tree knows about one node
 *
 * Strings point into the tree and live as long as it; they are bytes
 * (not NUL-safe: use the lengths), NULL when unknown.
 */
struct tree_node_info {
	uint32_t id;
	uint32_t parent;   /* the creator's id, 0 the unknown parent, TREE_NO_NODE none */
	int32_t pid;	   /* -1 for the synthetic node */
	int32_t ppid;	   /* last reported ppid, when have_ppid */
	uint64_t start_ns; /* fork time (fork_seen), else the first row's time */
	uint64_t end_ns;   /* exit time (exit_seen), else the last time seen */
	bool fork_seen;	   /* start_ns is a creation time (a fork row, or the root) */
	bool exit_seen;	   /* an exit row ended the process */
	bool have_ppid;
	bool have_code, have_signal;
	int code, signal;
	unsigned flags; /* TQ_* */
	uint32_t nexecs, threads;
	const char *comm;
	size_t comm_len;
};

/** struct tree_exec_info - one exec of a node, in time order */
struct tree_exec_info {
	uint64_t time_ns;
	const char *filename; /* NULL when unknown */
	size_t filename_len;
	int argc;	  /* -1 when argv is unknown */
	const char *argv; /* argc NUL-terminated arguments, back to back */
	bool argv_cut;	  /* argv holds only what the engine kept (its cap) */
};

/** tree_node_count - number of real nodes (ids 1..count) */
uint32_t tree_node_count(const struct tree *t);

/** tree_root_id - the workload's first process, TREE_NO_NODE when none was seen */
uint32_t tree_root_id(const struct tree *t);

/** tree_has_unknown - the synthetic unknown-parent node (id 0) exists */
bool tree_has_unknown(const struct tree *t);

/**
 * tree_node_get - fill @out for node @id (0 is the unknown parent)
 *
 * Returns 0, or -1 (EINVAL) for an id that does not exist.
 */
int tree_node_get(const struct tree *t, uint32_t id, struct tree_node_info *out);

/**
 * tree_node_command - the command node @id is known by (node_name.c's
 * node_command(): its last exec's basename, else its comm, else "?"), the
 * same name every output and --diff use
 *
 * Return: 0, or -1 when there is no node @id.
 */
int tree_node_command(const struct tree *t, uint32_t id, const char **s, size_t *len);

/**
 * tree_node_exec - the @i-th exec (from 0) of node @id
 *
 * Walks the node's exec list: cheap for the few execs a process makes.
 * Returns 0, or -1 when there is no such exec.
 */
int tree_node_exec(const struct tree *t, uint32_t id, uint32_t i, struct tree_exec_info *out);

/** tree_flag_name - the documented name of one TQ_* bit, NULL for other values */
const char *tree_flag_name(unsigned bit);

/** tree_meta - the file's metadata as read (strings live as long as @t) */
const struct csv_meta *tree_meta(const struct tree *t);

/** tree_trailer - the file's trailer (->present false when it had none) */
const struct csv_trailer *tree_trailer(const struct tree *t);

/** tree_time_range - first and last event time; false when the file had no rows */
bool tree_time_range(const struct tree *t, uint64_t *first_ns, uint64_t *last_ns);

/**
 * tree_lost_window - the @i-th `lost` row: its window and count
 * @have_count: false when the row had no count
 *
 * Returns 0, or -1 past the last one.
 */
int tree_lost_window(const struct tree *t, size_t i, uint64_t *start_ns, uint64_t *end_ns,
		     uint64_t *count, bool *have_count);

#endif
