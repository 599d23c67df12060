// SPDX-License-Identifier: MIT
/*
 * The tree builder: applies rows, in order (tree_order.c), to a set of
 * process incarnations.
 *
 * Identity is (pid, incarnation), never the pid alone: the live table maps
 * a pid to its live incarnation only, and a node leaves it when its
 * process ends.  The tree parent is the creator (the node that forked it),
 * fixed at fork time; later ppid values (reparenting) are only recorded.
 * No decision anywhere compares pid values: after a wrap a child's pid is
 * often lower than its parent's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"

const char *const tree_flag_names[NF_COUNT] = {
	"fork_lost",	       "orphan",       "fork_late",
	"exit_lost",	       "exit_unseen",  "exit_inferred",
	"exit_status_unknown", "alive_at_end", "reparented",
	"argv_unknown",	       "argv_cut",     "synthetic",
	"pre_existing",
};

/*
 * Times and counts are u64 in the CSV, but JSON consumers (jansson) read
 * integers as signed 64 bits: refuse what they could not read back.  2^63 ns
 * of CLOCK_MONOTONIC is 292 years of uptime, so only junk is refused.
 */
int tree_check_range(const char *what, uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return 0;
	err_set("%s %" PRIu64 " is beyond 2^63-1", what, v);
	errno = ERANGE;
	return -1;
}

static const struct istr *str_of(struct tree *t, const char *s)
{
	return intern_get(&t->strings, &t->arena, s, strlen(s));
}

static struct node *node_new(struct tree *t, int32_t pid, uint64_t time)
{
	struct node *n;
	uint32_t idx = t->nnodes;

	if (idx == UINT32_MAX - 1) {
		err_set("more than %u processes", idx);
		errno = EOVERFLOW;
		return NULL;
	}
	/* the first node of a chunk (see NODE_CHUNK): 0, powers of two from 64, then every 65536 */
	if (idx < NODE_CHUNK ? idx == 0 || (idx >= NODE_FIRST && !(idx & (idx - 1)))
			     : !(idx & (NODE_CHUNK - 1))) {
		size_t size = idx == 0 ? NODE_FIRST : idx < NODE_CHUNK ? idx : NODE_CHUNK;

		if (t->nchunks == t->chunks_cap) {
			size_t cap = t->chunks_cap ? 2 * t->chunks_cap : 16;
			struct node **c = realloc(t->chunks, cap * sizeof(*c));

			if (!c)
				goto oom;
			t->chunks = c;
			t->chunks_cap = cap;
		}
		/* big_zalloc: huge pages for whole chunks, calloc below that */
		t->chunks[t->nchunks] = big_zalloc(size * sizeof(struct node));
		if (!t->chunks[t->nchunks])
			goto oom;
		t->nchunks++;
	}
	n = node_slot(t->chunks, idx);
	t->nnodes++;
	n->id = t->nnodes;
	n->pid = pid;
	n->start_ns = time;
	n->end_ns = time;
	return n;
oom:
	err_set("out of memory");
	errno = ENOMEM;
	return NULL;
}

static int node_go_live(struct tree *t, struct node *n)
{
	if (live_put(&t->live, n) < 0)
		return -1;
	if (++t->alive_now > t->sum.max_alive)
		t->sum.max_alive = t->alive_now;
	return 0;
}

static void node_end_life(struct tree *t, struct node *n)
{
	live_del(&t->live, n->pid);
	t->alive_now--;
}

static struct node *unknown_parent(struct tree *t)
{
	if (!t->unknown) {
		t->unknown = arena_alloc(&t->arena, sizeof(*t->unknown));
		if (!t->unknown)
			return NULL;
		memset(t->unknown, 0, sizeof(*t->unknown));
		t->unknown->pid = -1;
		t->unknown->id = 0;
		t->unknown->flags = NF_SYNTHETIC;
	}
	return t->unknown;
}

/*
 * A process seen without its fork.  The workload's root is forked by the
 * recorder before tracing starts: its first row is its exec, and that is
 * not a lost fork.  Anyone else goes under the best evidence: the live
 * incarnation of the ppid the row carries, else the unknown parent.
 */
static struct node *node_without_fork(struct tree *t, const struct csv_event *ev, int32_t pid)
{
	struct node *n, *p = NULL;

	n = node_new(t, pid, ev->time_ns);
	if (!n)
		return NULL;
	if (!t->root_seen && (t->root_pid == 0 || t->root_pid == pid)) {
		t->root_seen = true;
		t->root = n;
		n->have |= NH_START;
	} else {
		n->flags |= NF_FORK_LOST;
		if (ev->kind != CSV_FORK && CSV_HAS(ev, CSV_F_PPID))
			p = live_get(&t->live, ev->ppid);
		if (!p) {
			p = unknown_parent(t);
			if (!p)
				return NULL;
			n->flags |= NF_ORPHAN;
		}
		n->parent = p;
		p->have |= NH_KIDS;
	}
	if (node_go_live(t, n) < 0)
		return NULL;
	return n;
}

static struct node *node_of(struct tree *t, const struct csv_event *ev)
{
	struct node *n = live_get(&t->live, ev->pid);

	return n ? n : node_without_fork(t, ev, ev->pid);
}

static void note_ppid(struct node *n, const struct csv_event *ev)
{
	if (!CSV_HAS(ev, CSV_F_PPID))
		return;
	n->ppid = ev->ppid;
	n->have |= NH_PPID;
	/* the creator's pid differs from the reported parent: re-parented */
	if (n->parent && n->parent->pid >= 0 && n->parent->pid != ev->ppid)
		n->flags |= NF_REPARENTED;
}

/*
 * A fork row with existing=1 (proctree-record -p): the process was running
 * when the recording joined it.  Its place in the tree is known (the
 * joined process is the root; the others come after their parent), its
 * start is not: no NH_START, first seen at the row's time, and flagged
 * pre_existing, neither fork_lost nor orphan.
 */
static int apply_existing(struct tree *t, const struct csv_event *ev)
{
	struct node *n, *parent = live_get(&t->live, ev->pid);

	if (live_get(&t->live, ev->child_pid))
		return 0; /* a row of it came first: it is known already */
	n = node_new(t, ev->child_pid, ev->time_ns);
	if (!n)
		return -1;
	n->flags |= NF_PRE_EXISTING;
	n->ppid = ev->pid;
	n->have |= NH_PPID;
	if (!t->root_seen && (t->root_pid == 0 || t->root_pid == ev->child_pid)) {
		t->root_seen = true;
		t->root = n; /* its parent is outside the recording */
	} else if (parent) {
		n->parent = parent;
		parent->have |= NH_KIDS;
	} else {
		if (!(parent = unknown_parent(t)))
			return -1;
		n->flags |= NF_ORPHAN;
		n->parent = parent;
		parent->have |= NH_KIDS;
	}
	if (ev->child_comm && !(n->comm = str_of(t, ev->child_comm)))
		return -1;
	return node_go_live(t, n);
}

/* the recorder's fork of the root: the root's start, not a node of the tree */
static int fork_of_root(struct tree *t, const struct csv_event *ev)
{
	struct node *child;

	if (live_get(&t->live, ev->child_pid))
		return 0;
	child = node_without_fork(t, ev, ev->child_pid);
	if (!child)
		return -1;
	child->start_ns = ev->time_ns;
	if (ev->child_comm && !(child->comm = str_of(t, ev->child_comm)))
		return -1;
	return 0;
}

/*
 * A fork of @old's pid by @parent that is @old's own creation: its first
 * row was timestamped (or written) before its fork, beyond what the window
 * reorders.  A pre_existing node is adopted too: an engine that saw the
 * fork while it joined (docs/attach.md, the race) wrote both rows.
 * 1 adopted, 0 not (a reuse of the pid), -1 error.
 */
static int adopt_late(struct tree *t, const struct csv_event *ev, struct node *old,
		      struct node *parent)
{
	int anc;

	if (!old || old == t->root || !(old->flags & (NF_FORK_LOST | NF_PRE_EXISTING)) ||
	    (old->have & NH_START) || old->start_ns + t->order.window_ns < ev->time_ns)
		return 0;
	/* adopting an ancestor of the forking process would make a cycle */
	anc = anc_is_ancestor(t, old, parent);
	if (anc)
		return anc < 0 ? -1 : 0;
	if (anc_move(t, old, parent) < 0)
		return -1;
	if (old->flags & NF_FORK_LOST)
		old->flags |= NF_FORK_LATE;
	/* an existing row's time is the attach, not a start: the fork's is */
	if (ev->time_ns < old->start_ns || old->flags & NF_PRE_EXISTING)
		old->start_ns = ev->time_ns;
	old->flags &= ~(NF_FORK_LOST | NF_ORPHAN | NF_PRE_EXISTING);
	old->have |= NH_START;
	return 1;
}

static int apply_fork(struct tree *t, const struct csv_event *ev)
{
	struct node *parent, *child, *old;
	int adopt;

	if (!ev->thread && CSV_HAS(ev, CSV_F_EXISTING) && ev->existing)
		return apply_existing(t, ev);

	parent = live_get(&t->live, ev->pid);
	if (ev->thread) {
		if (!parent && !(parent = node_without_fork(t, ev, ev->pid)))
			return -1;
		parent->threads++;
		t->sum.threads++;
		return 0;
	}
	if (!parent) {
		/* the recorder forking the root: the recorder is not part of the tree */
		if (!t->root_seen && t->root_pid && ev->child_pid == t->root_pid)
			return fork_of_root(t, ev);
		parent = node_without_fork(t, ev, ev->pid);
		if (!parent)
			return -1;
	}
	old = live_get(&t->live, ev->child_pid);
	adopt = adopt_late(t, ev, old, parent);
	if (adopt)
		return adopt < 0 ? -1 : 0;
	if (old) {
		/* the pid is being reused: the live incarnation's exit was lost */
		old->flags |= NF_EXIT_LOST;
		old->end_ns = ev->time_ns;
		node_end_life(t, old);
	}
	child = node_new(t, ev->child_pid, ev->time_ns);
	if (!child)
		return -1;
	child->parent = parent;
	parent->have |= NH_KIDS;
	child->have |= NH_START;
	if (ev->child_comm)
		child->comm = str_of(t, ev->child_comm);
	else
		child->comm = parent->comm; /* a fork child starts with its parent's comm */
	if (ev->child_comm && !child->comm)
		return -1;
	return node_go_live(t, child);
}

/*
 * argv as one interned blob of NUL-terminated arguments, assembled in a
 * buffer the tree owns (a thread-local one leaked when a thread that built
 * a tree exited)
 */
static const struct istr *argv_blob(struct tree *t, const char *const *argv, int argc)
{
	size_t len = 0;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (len > t->argv_cap) {
		char *b = realloc(t->argv_buf, len * 2);

		if (!b) {
			err_set("out of memory");
			return NULL;
		}
		t->argv_buf = b;
		t->argv_cap = len * 2;
	}
	len = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		memcpy(t->argv_buf + len, argv[i], n);
		len += n;
	}
	return intern_get(&t->strings, &t->arena, t->argv_buf ? t->argv_buf : "", len);
}

/*
 * An engine that caps argv says so per exec: the exec keeps it (JSON), the
 * node is flagged (text, CSV) and the exec counted (summary).  Only with a
 * known argv: without one there is nothing cut, and argv_unknown says more.
 */
static void note_argv_cut(struct tree *t, struct node *n, struct exec_rec *x,
			  const struct csv_event *ev)
{
	if (!CSV_HAS(ev, CSV_F_ARGV_CUT) || !ev->argv_cut)
		return;
	x->argv_cut = true;
	n->flags |= NF_ARGV_CUT;
	t->sum.argv_cut++;
}

static int apply_exec(struct tree *t, const struct csv_event *ev)
{
	struct node *n = node_of(t, ev);
	struct exec_rec *x;

	if (!n)
		return -1;
	x = arena_alloc(&t->arena, sizeof(*x));
	if (!x)
		return -1;
	memset(x, 0, sizeof(*x));
	x->time_ns = ev->time_ns;
	x->argc = -1;
	if (ev->filename && !(x->filename = str_of(t, ev->filename)))
		return -1;
	if (ev->argv) {
		x->argv = argv_blob(t, ev->argv, ev->argc);
		if (!x->argv)
			return -1;
		x->argc = ev->argc;
		note_argv_cut(t, n, x, ev);
	} else {
		n->flags |= NF_ARGV_UNKNOWN;
	}
	if (CSV_HAS(ev, CSV_F_OLD_TID) && ev->old_tid != ev->pid)
		x->old_tid = ev->old_tid;
	if (n->last_exec)
		n->last_exec->next = x;
	else
		n->execs = x;
	n->last_exec = x;
	n->nexecs++;
	t->sum.execs++;
	if (ev->comm && !(n->comm = str_of(t, ev->comm)))
		return -1;
	note_ppid(n, ev);
	return 0;
}

#define RU_BITS                                                                 \
	(CSV_BIT(CSV_F_UTIME) | CSV_BIT(CSV_F_STIME) | CSV_BIT(CSV_F_MAXRSS) |  \
	 CSV_BIT(CSV_F_MINFLT) | CSV_BIT(CSV_F_MAJFLT) | CSV_BIT(CSV_F_NVCSW) | \
	 CSV_BIT(CSV_F_NIVCSW))

/* the exit row's rusage; allocated only when it has some (most engines write none) */
static int keep_rusage(struct tree *t, struct node *n, const struct csv_event *ev)
{
	struct node_ru *ru = arena_alloc(&t->arena, sizeof(*ru));

	if (!ru)
		return -1;
	ru->utime_ns = ev->utime_ns;
	ru->stime_ns = ev->stime_ns;
	ru->maxrss_kb = ev->maxrss_kb;
	ru->minflt = ev->minflt;
	ru->majflt = ev->majflt;
	ru->nvcsw = ev->nvcsw;
	ru->nivcsw = ev->nivcsw;
	ru->present = ev->present & RU_BITS;
	n->ru = ru;
	return 0;
}

static int apply_exit(struct tree *t, const struct csv_event *ev)
{
	struct node *n = node_of(t, ev);
	bool group;

	if (!n)
		return -1;
	if (CSV_HAS(ev, CSV_F_GROUP)) {
		group = ev->group;
	} else {
		/* no group column value: the leader's (or an unknown tid's) exit ends it */
		group = !CSV_HAS(ev, CSV_F_TID) || ev->tid == ev->pid;
		if (group)
			n->flags |= NF_EXIT_INFERRED;
	}
	if (!group) {
		n->threads_exited++;
		return 0;
	}
	n->end_ns = ev->time_ns;
	n->have |= NH_END;
	if (CSV_HAS(ev, CSV_F_SIGNAL)) {
		n->signal = ev->signal;
		n->have |= NH_SIGNAL;
	} else if (CSV_HAS(ev, CSV_F_CODE)) {
		n->code = ev->code;
		n->have |= NH_CODE;
	} else {
		n->flags |= NF_EXIT_STATUS_UNKNOWN;
	}
	if (ev->present & RU_BITS && keep_rusage(t, n, ev) < 0)
		return -1;
	if (!n->comm && ev->comm && !(n->comm = str_of(t, ev->comm)))
		return -1;
	note_ppid(n, ev);
	node_end_life(t, n);
	return 0;
}

static int apply_alive(struct tree *t, const struct csv_event *ev)
{
	struct node *n = node_of(t, ev);

	if (!n)
		return -1;
	n->flags |= NF_ALIVE_AT_END;
	if (!n->comm && ev->comm && !(n->comm = str_of(t, ev->comm)))
		return -1;
	note_ppid(n, ev);
	return 0;
}

static int apply_lost(struct tree *t, const struct csv_event *ev)
{
	struct lost_rec *l;

	if (t->nlost == t->lost_cap) {
		size_t cap = t->lost_cap ? 2 * t->lost_cap : 16;
		struct lost_rec *v = realloc(t->lost, cap * sizeof(*v));

		if (!v) {
			err_set("out of memory");
			return -1;
		}
		t->lost = v;
		t->lost_cap = cap;
	}
	l = &t->lost[t->nlost++];
	memset(l, 0, sizeof(*l));
	l->time_ns = ev->time_ns;
	if (CSV_HAS(ev, CSV_F_END)) {
		l->end_ns = ev->end_ns;
		l->have_end = 1;
	}
	if (CSV_HAS(ev, CSV_F_CPU)) {
		l->cpu = ev->cpu;
		l->have_cpu = 1;
	}
	t->sum.lost_rows++;
	if (CSV_HAS(ev, CSV_F_COUNT)) {
		l->count = ev->count;
		l->have_count = 1;
		t->sum.lost_events = sat_add(t->sum.lost_events, ev->count);
	} else {
		t->sum.lost_rows_uncounted++;
	}
	return 0;
}

static int apply(struct tree *t, const struct csv_event *ev)
{
	struct node *n;
	int ret;

	t->sum.rows++;
	if (!t->have_first || ev->time_ns < t->first_ns)
		t->first_ns = ev->time_ns;
	if (!t->have_first || ev->time_ns > t->last_ns)
		t->last_ns = ev->time_ns;
	t->have_first = true;
	switch (ev->kind) {
	case CSV_FORK: ret = apply_fork(t, ev); break;
	case CSV_EXEC: ret = apply_exec(t, ev); break;
	case CSV_EXIT: ret = apply_exit(t, ev); break;
	case CSV_ALIVE: ret = apply_alive(t, ev); break;
	case CSV_LOST: return apply_lost(t, ev);
	default: return 0;
	}
	if (ret < 0)
		return ret;
	/* a live node's end_ns is the last time it was seen */
	n = ev->kind != CSV_EXIT ? live_get(&t->live, ev->pid) : NULL;
	if (n && ev->time_ns > n->end_ns)
		n->end_ns = ev->time_ns;
	return 0;
}

int tree_add(struct tree *t, const struct csv_event *ev)
{
	if (t->finished) {
		err_set("tree_add after tree_finish");
		errno = EINVAL;
		return -1;
	}
	if (tree_check_range("time_ns", ev->time_ns) < 0 ||
	    (CSV_HAS(ev, CSV_F_END) && tree_check_range("end_ns", ev->end_ns) < 0) ||
	    (CSV_HAS(ev, CSV_F_COUNT) && tree_check_range("count", ev->count) < 0) ||
	    (CSV_HAS(ev, CSV_F_UTIME) && tree_check_range("utime_ns", ev->utime_ns) < 0) ||
	    (CSV_HAS(ev, CSV_F_STIME) && tree_check_range("stime_ns", ev->stime_ns) < 0) ||
	    (CSV_HAS(ev, CSV_F_MAXRSS) && tree_check_range("maxrss_kb", ev->maxrss_kb) < 0) ||
	    (CSV_HAS(ev, CSV_F_MINFLT) && tree_check_range("minflt", ev->minflt) < 0) ||
	    (CSV_HAS(ev, CSV_F_MAJFLT) && tree_check_range("majflt", ev->majflt) < 0) ||
	    (CSV_HAS(ev, CSV_F_NVCSW) && tree_check_range("nvcsw", ev->nvcsw) < 0) ||
	    (CSV_HAS(ev, CSV_F_NIVCSW) && tree_check_range("nivcsw", ev->nivcsw) < 0))
		return -1;
	return order_push(&t->order, ev, t, apply);
}

/* link every node to its parent's child list, in creation order */
static int link_children(struct tree *t)
{
	/* tail[id]: the last child linked so far; id 0 is the unknown parent */
	struct node **tail = calloc((size_t)t->nnodes + 1, sizeof(*tail));

	if (!tail) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	for (uint32_t id = 1; id <= t->nnodes; id++) {
		struct node *x = tree_node(t, id), *p = x->parent;

		if (!p)
			continue;
		if (tail[p->id])
			tail[p->id]->next_sibling = x;
		else
			p->first_child = x;
		tail[p->id] = x;
	}
	free(tail);
	return 0;
}

int tree_finish(struct tree *t, const struct csv_trailer *tr, bool truncated)
{
	if (t->finished)
		return 0;
	if (order_drain(&t->order, t, apply) < 0)
		return -1;
	t->finished = true;
	t->sum.late_rows = t->order.late;
	t->sum.truncated = truncated;
	if (tr && (tree_check_range("trailer events", tr->events) < 0 ||
		   tree_check_range("trailer lost_events", tr->lost_events) < 0 ||
		   tree_check_range("trailer end_mono_ns", tr->end_mono_ns) < 0))
		return -1;
	if (tr) {
		t->trailer.present = tr->present;
		t->trailer.events = tr->events;
		t->trailer.lost_events = tr->lost_events;
		t->trailer.interrupted = tr->interrupted;
		t->trailer.end_mono_ns = tr->end_mono_ns;
		t->sum.complete = tr->present;
		t->sum.interrupted = tr->interrupted;
	}
	if (link_children(t) < 0)
		return -1;
	/* its orphans were all adopted by late fork rows: no fork was lost */
	if (t->unknown && !t->unknown->first_child)
		t->unknown = NULL;
	tree_count(t);
	return 0;
}
