// SPDX-License-Identifier: MIT
/*
 * --format chrome: the Chrome Trace Event format (JSON object form), which
 * the Perfetto UI and chrome://tracing open.  docs/formats.md has the
 * mapping; in short:
 *
 *  - every process incarnation is one track: "tid" is its position in the
 *    depth-first walk (so sorting by tid puts children right under their
 *    parent), named "COMMAND PID" by a thread_name event, with a
 *    thread_sort_index event for viewers that honour it;
 *  - tracks are grouped ("pid") by subtree: the chain of only children from
 *    the root down to the first process with several children is one group,
 *    each subtree below that process is another, processes under the
 *    synthetic unknown parent are one more;
 *  - one complete ("X") slice per exec, from the exec to the next exec or the
 *    exit, named by the executable's basename, args filename and argv; the
 *    time between fork and the first exec is a slice named by the image the
 *    child inherited; the last slice carries the exit status;
 *  - instant ("i") events mark what the builder inferred or lost (flags) on
 *    the process's track, and the kernel's lost-event windows globally.
 *
 * Written in one streaming pass over the tree: memory is O(1) beyond it.
 * Times are microseconds from the first row (3 decimals: nanoseconds).
 */
#include <inttypes.h>
#include <string.h>

#include "err.h"
#include "view-private.h"

struct chrome {
	const struct tree *t;
	FILE *fp;
	uint64_t base;
	bool first;
};

/* microseconds with up to 3 decimals, trailing zeros dropped */
static void put_us(FILE *fp, uint64_t ns)
{
	uint64_t frac = ns % 1000u;

	fprintf(fp, "%" PRIu64, ns / 1000u);
	if (!frac)
		return;
	if (frac % 100u == 0)
		fprintf(fp, ".%" PRIu64, frac / 100u);
	else if (frac % 10u == 0)
		fprintf(fp, ".%02" PRIu64, frac / 10u);
	else
		fprintf(fp, ".%03" PRIu64, frac);
}

static void begin(struct chrome *c)
{
	fputs(c->first ? "\n" : ",\n", c->fp);
	c->first = false;
}

static void put_name(FILE *fp, const char *s, size_t len)
{
	tree_json_str(fp, s, len);
}

static void put_meta(struct chrome *c, const char *what, uint32_t pid, uint32_t tid,
		     const struct node *n)
{
	char buf[256];
	const char *s;
	size_t len;

	begin(c);
	fprintf(c->fp,
		"{\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"name\":\"%s\","
		"\"args\":{\"name\":",
		pid, tid, what);
	if (n->flags & NF_SYNTHETIC) {
		fputs("\"unknown parent (fork lost)\"}}", c->fp);
		return;
	}
	node_command(n, &s, &len);
	/* "COMMAND PID"; a command name longer than the buffer is cut */
	if (len > sizeof(buf) - 16)
		len = sizeof(buf) - 16;
	memcpy(buf, s, len);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %" PRId32, n->pid);
	put_name(c->fp, buf, len);
	fputs("}}", c->fp);
}

static void put_sort(struct chrome *c, const char *what, uint32_t pid, uint32_t tid, uint64_t index)
{
	begin(c);
	fprintf(c->fp,
		"{\"ph\":\"M\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"name\":\"%s\","
		"\"args\":{\"sort_index\":%" PRIu64 "}}",
		pid, tid, what, index);
}

static void put_argv(FILE *fp, const struct exec_rec *x)
{
	const char *a = x->argv->s;

	putc_unlocked('[', fp);
	for (int i = 0; i < x->argc; i++) {
		size_t len = strlen(a);

		if (i)
			putc_unlocked(',', fp);
		put_name(fp, a, len);
		a += len + 1;
	}
	putc_unlocked(']', fp);
}

static void put_exit(struct chrome *c, const struct node *n)
{
	char st[32];

	node_status(n, st, sizeof(st));
	fprintf(c->fp, "\"exit\":\"%s\"", st);
}

/* one slice [from, to) running @x (NULL: the image inherited at fork) */
static void put_slice(struct chrome *c, uint32_t pid, uint32_t tid, const struct node *n,
		      const struct exec_rec *x, uint64_t from, uint64_t to, bool last)
{
	const char *s;
	size_t len;

	begin(c);
	fputs("{\"ph\":\"X\",\"name\":", c->fp);
	if (x) {
		exec_basename(x, &s, &len);
		if (!s)
			node_command_at(n, x->time_ns, &s, &len);
	} else if (n->execs && n->parent && !(n->parent->flags & NF_SYNTHETIC)) {
		/* before its first exec a child still runs the parent's image */
		node_command_at(n->parent, from, &s, &len);
	} else {
		/* never exec'd: its comm, as its track is named */
		node_command(n, &s, &len);
	}
	put_name(c->fp, s, len);
	fprintf(c->fp, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"ts\":", pid, tid);
	put_us(c->fp, from - c->base);
	fputs(",\"dur\":", c->fp);
	put_us(c->fp, to - from);
	if (last && node_failed(n))
		fputs(",\"cname\":\"terrible\"", c->fp);
	if (!x && !last) {
		fputs("}", c->fp);
		return;
	}
	fputs(",\"args\":{", c->fp);
	if (x) {
		fputs("\"filename\":", c->fp);
		if (x->filename)
			put_name(c->fp, x->filename->s, x->filename->len);
		else
			fputs("null", c->fp);
		fputs(",\"argv\":", c->fp);
		if (x->argv)
			put_argv(c->fp, x);
		else
			fputs("null", c->fp);
		if (x->argv_cut)
			fputs(",\"argv_cut\":true", c->fp);
		if (last)
			putc_unlocked(',', c->fp);
	}
	if (last) {
		put_exit(c, n);
		if (n->ru && n->ru->present & (CSV_BIT(CSV_F_UTIME) | CSV_BIT(CSV_F_STIME))) {
			fputs(",\"cpu_us\":", c->fp);
			put_us(c->fp, n->ru->utime_ns + n->ru->stime_ns);
		}
		if (n->threads)
			fprintf(c->fp, ",\"threads\":%" PRIu32, n->threads);
	}
	fputs("}}", c->fp);
}

static void put_instant(struct chrome *c, uint32_t pid, uint32_t tid, const char *name, uint64_t at)
{
	begin(c);
	fprintf(c->fp,
		"{\"ph\":\"i\",\"s\":\"t\",\"name\":\"%s\",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32
		",\"ts\":",
		name, pid, tid);
	put_us(c->fp, at - c->base);
	putc_unlocked('}', c->fp);
}

static void put_process(struct chrome *c, const struct node *n, uint32_t pid, uint32_t tid)
{
	uint64_t end = node_draw_end(c->t, n), from = n->start_ns;
	const struct exec_rec *x = n->execs;

	put_meta(c, "thread_name", pid, tid, n);
	put_sort(c, "thread_sort_index", pid, tid, tid);
	if (n->flags & NF_SYNTHETIC)
		return;
	/* fork to the first exec: still the parent's image */
	if (!x || x->time_ns > from)
		put_slice(c, pid, tid, n, NULL, from, x && x->time_ns < end ? x->time_ns : end, !x);
	for (; x; x = x->next) {
		uint64_t a = x->time_ns < from ? from : x->time_ns;
		uint64_t b = x->next ? x->next->time_ns : end;

		if (b < a)
			b = a;
		if (a > end)
			a = end;
		put_slice(c, pid, tid, n, x, a, b, !x->next);
	}
	for (int f = 0; f < NF_COUNT; f++) {
		uint16_t bit = (uint16_t)(1u << f);

		/* what argv holds is no moment in the process's life: no instant */
		if (!(n->flags & bit) || bit & (NF_ARGV_UNKNOWN | NF_ARGV_CUT))
			continue;
		/* what happened at the start of the process, else at its end */
		put_instant(c, pid, tid, tree_flag_names[f],
			    bit & (NF_FORK_LOST | NF_ORPHAN | NF_FORK_LATE) ? n->start_ns : end);
	}
}

/* the first process with more than one child, from the root down */
static const struct node *branch_point(const struct node *root, uint64_t *depth)
{
	const struct node *n = root;

	*depth = 0;
	while (n->first_child && !n->first_child->next_sibling) {
		n = n->first_child;
		++*depth;
	}
	return n;
}

static void put_lost(struct chrome *c)
{
	for (size_t i = 0; i < c->t->nlost; i++) {
		const struct lost_rec *l = &c->t->lost[i];
		uint64_t at = l->time_ns < c->base ? c->base : l->time_ns;

		begin(c);
		fputs("{\"ph\":\"i\",\"s\":\"g\",\"name\":\"lost events\",\"pid\":0,\"tid\":0,\"ts\":",
		      c->fp);
		put_us(c->fp, at - c->base);
		fputs(",\"args\":{", c->fp);
		if (l->have_count)
			fprintf(c->fp, "\"count\":%" PRIu64, l->count);
		else
			fputs("\"count\":null", c->fp);
		if (l->have_cpu)
			fprintf(c->fp, ",\"cpu\":%" PRId32, l->cpu);
		if (l->have_end && l->end_ns >= l->time_ns) {
			fputs(",\"window_us\":", c->fp);
			put_us(c->fp, l->end_ns - l->time_ns);
		}
		fputs("}}", c->fp);
	}
}

int tree_write_chrome(const struct tree *t, const struct tree_view_opts *o, FILE *fp)
{
	struct chrome c = { .t = t, .fp = fp, .base = t->first_ns, .first = true };
	const struct node *bp = NULL;
	uint64_t bp_depth = 0, index = 0;
	uint32_t group = 0, root_group = 0;
	struct tree_walk w;
	struct view v;
	struct node *n;

	if (view_init(&v, t, o) < 0)
		return -1;
	fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"format\":\"proctree-chrome\","
	      "\"version\":1,\"engine\":",
	      fp);
	if (t->meta.engine)
		put_name(fp, t->meta.engine, strlen(t->meta.engine));
	else
		fputs("null", fp);
	fprintf(fp,
		",\"processes\":%" PRIu32 ",\"not_shown\":%" PRIu64 ",\"lost_events\":%" PRIu64
		"},\"traceEvents\":[",
		t->nnodes, v.nhidden, t->sum.lost_events);
	if (t->root)
		bp = branch_point(t->root, &bp_depth);
	for (n = tree_walk_first(&w, t); n; n = tree_walk_next(&w)) {
		bool in_root = w.root_index == 0 && t->root;

		/* hidden by --filter/--max-depth: so are its descendants, no group starts below */
		if (!view_shown(&v, n))
			continue;
		index++;
		if (!w.depth && in_root) {
			group = root_group = (uint32_t)index;
		} else if (!w.depth) {
			group = (uint32_t)index;
		} else if (in_root && bp && w.depth <= bp_depth) {
			group = root_group;
		} else if (in_root && bp && w.depth == bp_depth + 1) {
			group = (uint32_t)index;
		}
		if (group == index) {
			put_meta(&c, "process_name", group, group, n);
			put_sort(&c, "process_sort_index", group, group, index);
		}
		put_process(&c, n, group, (uint32_t)index);
		if (ferror(fp))
			break;
	}
	put_lost(&c);
	fputs("\n]}\n", fp);
	view_fini(&v);
	if (ferror(fp)) {
		err_set("write error");
		return -1;
	}
	return 0;
}
