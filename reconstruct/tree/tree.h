/* SPDX-License-Identifier: MIT */
/*
 * The process-tree builder: proctree CSV events in, a tree of process
 * incarnations out.  docs/reconstruct.md describes the rules (identity,
 * lost forks and exits, threads, ordering) and the output formats.
 *
 * Usage:
 *
 *   t = tree_new(&opts);
 *   tree_read(t, reader);            (or tree_set_meta + tree_add... + tree_finish)
 *   tree_write_text(t, stdout);      (or _json, _csv, _summary)
 *   tree_free(t);
 *
 * Memory is bounded by the tree (one node per process incarnation, interned
 * strings) plus the reorder window, never by the input size or the output.
 */
#ifndef PROCTREE_TREE_H
#define PROCTREE_TREE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "csv.h"

struct tree;

/* default reorder window: rows up to this far out of time order are sorted */
#define TREE_WINDOW_NS_DEFAULT 2000000000ull

/* at most this many rows are held for reordering, whatever the window */
#define TREE_WINDOW_MAX_ROWS 131072

struct tree_opts {
	uint64_t window_ns; /* reorder window; 0 means TREE_WINDOW_NS_DEFAULT */
};

/**
 * struct tree_summary - the totals --summary prints
 *
 * Counts of real processes exclude the synthetic unknown-parent node.
 */
struct tree_summary {
	uint64_t rows;	       /* event rows used */
	uint64_t processes;    /* process incarnations (nodes) */
	uint64_t threads;      /* threads created (fork rows with thread=1) */
	uint64_t execs;	       /* exec rows */
	uint64_t max_depth;    /* deepest node; a root has depth 0 */
	uint64_t max_alive;    /* most processes alive at one time */
	uint64_t exited;       /* processes with an exit row */
	uint64_t exit_nonzero; /* exited with a code other than 0 */
	uint64_t signaled;     /* killed by a signal */
	uint64_t exit_lost;    /* flag counts, see docs/reconstruct.md */
	uint64_t fork_lost;
	uint64_t orphans; /* fork_lost nodes with no live parent evidence */
	uint64_t alive_at_end;
	uint64_t exit_unseen;
	uint64_t reparented;
	uint64_t argv_unknown;
	uint64_t argv_cut; /* exec rows whose argv the engine cut (not nodes) */
	uint64_t fork_late;
	uint64_t lost_rows;	      /* `lost` rows */
	uint64_t lost_events;	      /* sum of their counts */
	uint64_t lost_rows_uncounted; /* `lost` rows without a count */
	uint64_t late_rows;	      /* rows that arrived after the reorder window */
	bool truncated;		      /* the last row was cut off and skipped */
	bool complete;		      /* the file had its #end trailer */
	bool interrupted;	      /* the trailer says the recording was interrupted */
};

/**
 * tree_new - an empty tree
 * @opts: options, may be NULL
 *
 * Returns NULL with err_msg() on allocation failure.
 */
struct tree *tree_new(const struct tree_opts *opts);

/** tree_free - free @t and everything it owns (NULL is fine) */
void tree_free(struct tree *t);

/**
 * tree_set_meta - copy what the builder needs from the CSV metadata
 *
 * The root pid tells which fork-less process is the workload's root (not a
 * lost fork).  Call before the first tree_add().
 */
int tree_set_meta(struct tree *t, const struct csv_meta *m);

/**
 * tree_add - feed one event row
 *
 * Rows may arrive out of time order by up to the reorder window; they are
 * buffered and applied in (time, causal rank, file order) order.  Returns 0
 * or -1 with err_msg() (out of memory).
 */
int tree_add(struct tree *t, const struct csv_event *ev);

/**
 * tree_finish - apply the buffered rows and close the tree
 * @trailer: the file's trailer (may be NULL: none)
 * @truncated: the last row was cut off
 *
 * After this only the output and query functions may be called.
 */
int tree_finish(struct tree *t, const struct csv_trailer *trailer, bool truncated);

/**
 * tree_read - tree_set_meta(), tree_add() for every row, tree_finish()
 * @r: an open reader
 *
 * Returns 0 when the whole file was used, 1 when it was used except for a
 * truncated last row (tree_truncation() has the message), -1 with err_msg()
 * ("FILE:LINE: ...") on a bad row or allocation failure.
 */
int tree_read(struct tree *t, struct csv_reader *r);

/**
 * tree_load - a new tree holding a whole file (tree_new() + tree_read())
 * @path: the file ("-" is standard input); with @buf, the name messages give it
 * @buf, @len: the CSV in memory, or @buf NULL to read @path
 * @opts: the builder's options, may be NULL
 * @notes: what is not bad input but worth a warning (a truncated last row,
 *         no #end trailer) is appended here, one line each (tree_note())
 *
 * Returns the finished tree, or NULL with err_msg() ("FILE:LINE: ...") on
 * bad input or allocation failure.
 */
struct tree *tree_load(const char *path, const char *buf, size_t len, const struct tree_opts *opts,
		       char **notes);

/**
 * tree_note - append one printf-formatted line to the malloc'd *@notes
 * (left as it was when out of memory: notes are not worth failing for)
 */
void tree_note(char **notes, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** tree_truncation - the "FILE:LINE: truncated ..." message, or NULL */
const char *tree_truncation(const struct tree *t);

/** tree_summary - fill @s with the totals (after tree_finish()) */
void tree_summary(const struct tree *t, struct tree_summary *s);

/** tree_write_text - the indented text tree (default output) */
int tree_write_text(const struct tree *t, FILE *fp);

/** tree_write_json - the JSON document, written node by node */
int tree_write_json(const struct tree *t, FILE *fp);

/** tree_write_json_summary - the JSON document without "roots" */
int tree_write_json_summary(const struct tree *t, FILE *fp);

/** tree_write_csv - one CSV row per node, with node and parent ids and depth */
int tree_write_csv(const struct tree *t, FILE *fp);
/** tree_write_events - one CSV row per fork/exec/exit of each node, keyed by node id */
int tree_write_events(const struct tree *t, FILE *fp);

/* a node's CPU time (utime + stime): its own, and with its children's */
struct cpu_times {
	uint64_t own_ns, incl_ns;
	bool known; /* the exit row carried utime and stime */
};

/** tree_cpu_inclusive - do the rows' utime/stime include waited-for children?
 * "#cpu_times,inclusive|own", else true for the ptrace engine only. */
bool tree_cpu_inclusive(const struct tree *t);

/** tree_cpu_times - *out = calloc'd array indexed by node id (free() it); 0 or -1 */
int tree_cpu_times(const struct tree *t, struct cpu_times **out);

/** tree_write_summary - the totals and the per-command table as text */
int tree_write_summary(const struct tree *t, FILE *fp);

/* ---- views and exports (docs/formats.md) ---- */

/**
 * struct tree_view_opts - what the views show
 * @max_depth: hide processes deeper than this (a root has depth 0); -1 none
 * @filter: show only the subtrees whose command (exec basename, else comm)
 *          is this, with their ancestors; NULL shows everything
 * @reparent_edges: dot: also draw a dashed edge to the reported ppid
 * @max_rows: svg: the most process rows drawn; 0 means the default (300)
 */
struct tree_view_opts {
	int max_depth;
	const char *filter;
	bool reparent_edges;
	unsigned max_rows;
};

/* the --stats-by keys */
enum tree_stats_key {
	TREE_STATS_COMM, /* exec basename, else comm */
	TREE_STATS_EXE,	 /* full exec filename, else [comm] */
};

/** tree_write_chrome - Chrome Trace Event JSON (Perfetto, chrome://tracing); @o may be NULL */
int tree_write_chrome(const struct tree *t, const struct tree_view_opts *o, FILE *fp);

/** tree_write_dot - a Graphviz digraph of the creator edges */
int tree_write_dot(const struct tree *t, const struct tree_view_opts *o, FILE *fp);

/** tree_write_svg - a self-contained SVG timeline of the process lifetimes */
int tree_write_svg(const struct tree *t, const struct tree_view_opts *o, FILE *fp);

/** tree_write_compact - the text tree with identical sibling subtrees merged */
int tree_write_compact(const struct tree *t, const struct tree_view_opts *o, FILE *fp);

/** tree_write_critical_path - the processes that bounded the root's wall time */
int tree_write_critical_path(const struct tree *t, FILE *fp);

/** tree_write_stats_by - per-command counts, lifetimes, CPU time and failures */
int tree_write_stats_by(const struct tree *t, enum tree_stats_key key, FILE *fp);

#endif
