/* SPDX-License-Identifier: MIT */
/* Internals of the tree builder shared by the builder and the outputs. */
#ifndef PROCTREE_TREE_PRIVATE_H
#define PROCTREE_TREE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "tree.h"

/* node flags: the documented vocabulary, in output order (see flag_names) */
enum {
	NF_FORK_LOST = 1 << 0, /* no fork row: first seen through exec/exit/alive/a thread */
	NF_ORPHAN = 1 << 1,    /* fork_lost and no live parent evidence: under "unknown parent" */
	NF_FORK_LATE = 1 << 2, /* the fork row came after the child's first row (beyond reorder) */
	NF_EXIT_LOST = 1 << 3, /* a fork reused the pid while this incarnation was live */
	NF_EXIT_UNSEEN = 1 << 4,	 /* neither exit nor alive row before the file ended */
	NF_EXIT_INFERRED = 1 << 5,	 /* exit row without `group`: taken as the process end */
	NF_EXIT_STATUS_UNKNOWN = 1 << 6, /* exit row with neither code nor signal */
	NF_ALIVE_AT_END = 1 << 7,	 /* still running when recording stopped */
	NF_REPARENTED = 1 << 8,		 /* an exit/alive row's ppid is not the creator's pid */
	NF_ARGV_UNKNOWN = 1 << 9,	 /* an exec row without argv */
	NF_ARGV_CUT = 1 << 10,		 /* an exec row whose argv the engine cut at its cap */
	NF_SYNTHETIC = 1 << 11,		 /* the "unknown parent" node, not a process */
	NF_PRE_EXISTING = 1 << 12, /* running when the recording joined it (-p): start unknown */
	NF_COUNT = 13
};

extern const char *const tree_flag_names[NF_COUNT];

/* node->have */
enum {
	NH_END = 1 << 0, /* end_ns known (exit row) */
	NH_CODE = 1 << 1,
	NH_SIGNAL = 1 << 2,
	NH_PPID = 1 << 3,  /* ppid reported by some row */
	NH_LIVE = 1 << 4,  /* in the live pid table */
	NH_START = 1 << 5, /* start_ns is the fork time (not only first seen) */
	NH_KIDS = 1 << 6,  /* some node was put under it (tree_anc.c) */
};

/* an interned byte string: length then bytes then NUL */
struct istr {
	uint32_t len;
	char s[];
};

struct exec_rec {
	struct exec_rec *next;
	uint64_t time_ns;
	const struct istr *filename; /* NULL when unknown */
	const struct istr *argv;     /* the arguments, each NUL-terminated; NULL unknown */
	int32_t argc;
	int32_t old_tid; /* 0 when the leader exec'd */
	bool argv_cut;	 /* argv holds only the engine's first bytes (argv known) */
};

struct node_ru {
	uint64_t utime_ns, stime_ns, maxrss_kb;
	uint64_t minflt, majflt, nvcsw, nivcsw;
	uint32_t present; /* CSV_BIT(CSV_F_UTIME) ... CSV_BIT(CSV_F_NIVCSW) */
};

struct node {
	struct node *parent, *first_child, *next_sibling;
	struct exec_rec *execs, *last_exec;
	const struct istr *comm; /* NULL when unknown */
	struct node_ru *ru;	 /* NULL when the exit row carried no rusage */
	uint64_t start_ns;	 /* fork time, or first row's time when fork_lost */
	uint64_t end_ns;	 /* exit time (NH_END), or last seen time */
	uint32_t id;
	int32_t pid;  /* -1 for the synthetic node */
	int32_t ppid; /* last reported ppid (NH_PPID) */
	uint32_t threads, threads_exited, nexecs;
	uint16_t flags;
	uint8_t have;
	uint8_t signal;
	uint8_t code;
};

/* sums saturate at INT64_MAX: JSON readers (jansson) stop at signed 64 bits */
static inline uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > (uint64_t)INT64_MAX - b || b > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : a + b;
}

/* ---- arena ---- */

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	char *p, *end;
	size_t total;
};

void *arena_alloc(struct arena *a, size_t size);
/* zeroed, huge-page backed when large; release with free() */
void *big_zalloc(size_t size);
void arena_free_all(struct arena *a);

/* ---- intern table ---- */

struct intern_slot {
	const struct istr *s;
	uint32_t hash;
};

struct intern {
	struct intern_slot *slots;
	size_t mask, n;
};

const struct istr *intern_get(struct intern *in, struct arena *a, const char *s, size_t len);
void intern_free(struct intern *in);

/* ---- live pid table: pid -> the live incarnation ---- */

struct live_slot {
	int32_t pid; /* -1 empty */
	struct node *node;
};

struct live {
	struct live_slot *slots;
	size_t mask, n;
};

struct node *live_get(const struct live *l, int32_t pid);
int live_put(struct live *l, struct node *n);
void live_del(struct live *l, int32_t pid);
void live_free(struct live *l);

/* ---- reorder window (tree_order.c) ---- */

#define ROW_INLINE 120

/* a held row; its string pointers are rebuilt from @off when it is applied */
struct prow {
	uint64_t time;
	uint64_t rk; /* causal rank << 56 | file order */
	struct csv_event ev;
	char *ext;	/* the strings when longer than ROW_INLINE */
	int32_t off[4]; /* comm, child_comm, filename, argv strings; -1 none */
	char s[ROW_INLINE];
};

/* a heap entry: the key next to the pointer, so sifting touches no row */
struct pslot {
	uint64_t time;
	uint64_t rk;
	struct prow *p;
};

struct order {
	struct prow *ring; /* rows that arrived in order: FIFO, inline */
	size_t rcap, rhead, rlen;
	struct pslot *heap; /* rows that arrived out of order: min-heap */
	size_t hn, hcap;
	struct prow **spare; /* free heap rows */
	size_t nspare, spare_cap, nheaprows;
	const char **argv; /* argv of the row being applied */
	int argv_cap;
	uint64_t window_ns, max_time, seq, last_out;
	bool released_any;
	uint64_t late; /* rows older than something already applied */
};

typedef int (*order_apply_fn)(struct tree *t, const struct csv_event *ev);

int order_push(struct order *o, const struct csv_event *ev, struct tree *t, order_apply_fn fn);
int order_drain(struct order *o, struct tree *t, order_apply_fn fn);
void order_free(struct order *o);

/* ---- ancestor queries during the build (tree_anc.c) ---- */

struct anc_slot {
	uint32_t ch[2], p; /* link-cut tree: splay children, parent or path-parent */
};

struct anc {
	struct anc_slot *v; /* by node id, 0 the unknown parent; NULL until needed */
	size_t n, cap;
};

struct tree;

/**
 * anc_is_ancestor - is @a @b or one of @b's ancestors?
 *
 * Returns 1 or 0; -1 with err_msg() when out of memory.  O(1) when nothing
 * was put under @a, else O(log n) amortized.
 */
int anc_is_ancestor(struct tree *t, const struct node *a, const struct node *b);

/**
 * anc_move - make @parent the parent of @n (an adoption)
 *
 * @n must not be an ancestor of @parent (anc_is_ancestor() said 0).
 * Returns 0, or -1 with err_msg() when out of memory.
 */
int anc_move(struct tree *t, struct node *n, struct node *parent);

/** anc_free - free what the ancestor queries built */
void anc_free(struct anc *a);

/* ---- the tree ---- */

/*
 * Nodes live in chunks that never move (nodes point at each other).  The
 * first 65536 grow geometrically, so a small file allocates little (the
 * fuzz target builds three trees per input): chunk 0 holds nodes 0..63,
 * chunk k (1..10) the 2^(k+5) nodes from index 2^(k+5); from index 65536 on,
 * chunks of NODE_CHUNK, huge-page backed.
 */
#define NODE_CHUNK_SHIFT 16
#define NODE_CHUNK (1u << NODE_CHUNK_SHIFT)
#define NODE_FIRST_SHIFT 6
#define NODE_FIRST (1u << NODE_FIRST_SHIFT)
#define NODE_SMALL_CHUNKS (NODE_CHUNK_SHIFT - NODE_FIRST_SHIFT + 1)

struct lost_rec {
	uint64_t time_ns, end_ns, count;
	int32_t cpu;
	uint8_t have_count, have_end, have_cpu;
};

struct tree {
	struct arena arena; /* nodes' strings, execs, rusage */
	struct intern strings;
	struct live live;
	struct order order;
	struct anc anc;	      /* fork_late adoption's cycle check */
	struct node **chunks; /* nodes in creation order (see NODE_CHUNK) */
	size_t nchunks, chunks_cap;
	uint32_t nnodes;      /* real nodes; ids 1..nnodes */
	struct node *root;    /* the workload's first process */
	struct node *unknown; /* synthetic "unknown parent", id 0, when needed */
	int32_t root_pid;     /* from the metadata, 0 unknown */
	bool root_seen;
	bool finished;
	bool have_first;
	uint64_t first_ns, last_ns;
	uint64_t alive_now;
	struct tree_summary sum;
	struct lost_rec *lost;
	size_t nlost, lost_cap;
	char *truncation;
	char *argv_buf; /* an exec's argv being interned (argv_blob) */
	size_t argv_cap;
	/* metadata copies for the outputs */
	struct csv_meta meta;
	char **meta_strs;
	size_t nmeta_strs;
	struct csv_trailer trailer;
};

/* the chunk of node index @idx (id - 1) and its place there */
static inline struct node *node_slot(struct node *const *chunks, uint32_t idx)
{
	unsigned lg;

	if (idx >= NODE_CHUNK)
		return &chunks[NODE_SMALL_CHUNKS - 1 + (idx >> NODE_CHUNK_SHIFT)]
			      [idx & (NODE_CHUNK - 1)];
	if (idx < NODE_FIRST)
		return &chunks[0][idx];
	lg = 31 - __builtin_clz(idx);
	return &chunks[lg - NODE_FIRST_SHIFT + 1][idx - (1u << lg)];
}

static inline struct node *tree_node(const struct tree *t, uint32_t id)
{
	return node_slot(t->chunks, id - 1);
}

/*
 * Depth-first walk with no stack (deep chains of a million processes must
 * not overflow anything): children are visited in creation order.  @depth
 * follows the returned node.  Starts with tree_walk_first().
 */
struct tree_walk {
	const struct tree *t;
	struct node *cur;
	int root_index; /* 0: root, 1: unknown */
	uint64_t depth;
	uint64_t closes; /* levels closed before the returned node (JSON brackets) */
};

struct node *tree_walk_first(struct tree_walk *w, const struct tree *t);
struct node *tree_walk_next(struct tree_walk *w);

/*
 * tree_check_range - refuse a u64 from the CSV that JSON readers could not
 * read back (over INT64_MAX); @what names it in the error.  0 or -1.
 */
int tree_check_range(const char *what, uint64_t v);

/*
 * Post-order iteration without a stack: every child before its parent.
 * node_post_first(root) is the first leaf; NULL after @root.  (tree_walk.c)
 */
struct node *node_post_first(struct node *root);
struct node *node_post_next(struct node *n, const struct node *root);

/* What a node is called (node_name.c): the one definition for every part. */

/* the exec a node's command line comes from: its last one, NULL when none */
const struct exec_rec *node_last_exec(const struct node *n);

/* the basename of an exec's filename, else NULL */
void exec_basename(const struct exec_rec *x, const char **s, size_t *len);

/* a node's command: its last exec's basename, else its comm, else "?" */
void node_command(const struct node *n, const char **s, size_t *len);

/* the command in effect at time @ns in @n: that exec's basename, else comm */
void node_command_at(const struct node *n, uint64_t ns, const char **s, size_t *len);

/* Times as text (fmt_time.c). */

/* the units durations are written in, largest first: s, ms, µs, ns */
#define FMT_NUNITS 4
struct fmt_unit {
	uint64_t unit; /* ns */
	const char *name;
};
extern const struct fmt_unit fmt_units[FMT_NUNITS];

/* seconds with 6 decimals into buf */
void fmt_secs(char *buf, size_t size, uint64_t ns);

/* a short duration with 3 significant digits: "850µs", "12.3ms", "4.56s", "2m05s" */
void fmt_dur(char *buf, size_t size, uint64_t ns);

/*
 * utf8_seq - length (1..4) of the valid UTF-8 sequence at @s (@n bytes
 * available), 0 when the byte at @s does not start one
 */
size_t utf8_seq(const unsigned char *s, size_t n);

/*
 * utf8_json_string - a jansson string of @len bytes at @str, each byte that
 * starts no valid UTF-8 sequence replaced by U+FFFD; json null for a NULL
 * @str; NULL when out of memory
 */
json_t *utf8_json_string(const char *str, size_t len);

/* per-command totals (summary.c) */
struct cmd_stat {
	const char *name;
	size_t len;
	uint64_t count, timed, total_ns, max_ns, cpu_ns, cpu_known, failures;
	uint64_t cpu_own_ns, cpu_incl_ns; /* cpu_time.c: own sums, inclusive does not */
};

int cmd_table(const struct tree *t, struct cmd_stat **out, size_t *n);

/* fill the per-flag counters of s from the nodes (tree_finish) */
void tree_count(struct tree *t);

#endif
