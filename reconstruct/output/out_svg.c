// SPDX-License-Identifier: MIT
/*
 * --format svg: a self-contained timeline picture (no script, no external
 * file): one row per process in tree order, its name indented under its
 * parent on the left, its lifetime as a bar on a common time axis on the
 * right.  A bar is split at each exec and each part is coloured by the
 * executable's name (the part before the first exec, still the parent's
 * image, is paler); a thin grey line drops from the parent's row to the
 * child's bar at the fork.  Failures (exit code != 0, fatal signal) have a
 * red border, a red name and their status after the bar; processes alive at
 * the end get an arrow; lost or inferred ends are dashed.  Hovering a row
 * shows the full command line, times, status and flags.
 *
 * Large trees stay readable: at most --max-rows rows (default 300) are
 * drawn.  When the shown tree is bigger, the deepest levels are left out
 * first (a cut row says "+N" processes below it), then rows past the limit;
 * the footer says how many processes were not drawn and why.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "out_svg-private.h"

static double absd(double v)
{
	return v < 0 ? -v : v;
}

/* HSL to #rrggbb (hex colours work in every SVG renderer, hsl() not) */
static void hsl_hex(unsigned hue, double s, double l, char out[8])
{
	double c = (1 - absd(2 * l - 1)) * s, h = (hue % 360) / 60.0;
	int sector = (int)h;
	double x = c * (1 - absd(h - 2 * (sector / 2) - 1)), m = l - c / 2, r = 0, g = 0, b = 0;

	switch (sector) {
	case 0:
		r = c;
		g = x;
		break;
	case 1:
		r = x;
		g = c;
		break;
	case 2:
		g = c;
		b = x;
		break;
	case 3:
		g = x;
		b = c;
		break;
	case 4:
		r = x;
		b = c;
		break;
	default:
		r = c;
		b = x;
		break;
	}
	snprintf(out, 8, "#%02x%02x%02x", (unsigned)((r + m) * 255 + 0.5),
		 (unsigned)((g + m) * 255 + 0.5), (unsigned)((b + m) * 255 + 0.5));
}

/*
 * The most frequent commands (the legend) get distinct colours from a fixed
 * palette, without red (red means failure); the others a muted hue from a
 * hash of the name.  The part of a bar before the first exec is paler.
 */
static const unsigned palette[LEGEND_MAX] = {
	0x4e79a7, 0xf28e2b, 0x59a14f, 0xb07aa1, 0xedc948, 0x76b7b2,
	0xff9da7, 0x9c755f, 0x86bcb6, 0xa0cbe8, 0xd4a6c8, 0x8cd17d,
};

static void name_colour(const struct svg *g, const char *s, size_t len, bool pale, char out[8])
{
	unsigned rgb = 0, r, gr, b;
	bool found = false;

	for (size_t i = 0; i < g->nlegend && !found; i++) {
		if (g->legend[i].len == len && !memcmp(g->legend[i].s, s, len)) {
			rgb = palette[i];
			found = true;
		}
	}
	if (!found) {
		hsl_hex(name_hue(s, len), 0.30, pale ? 0.86 : 0.72, out);
		return;
	}
	r = rgb >> 16;
	gr = (rgb >> 8) & 0xff;
	b = rgb & 0xff;
	if (pale) {
		r = (r + 2 * 255) / 3;
		gr = (gr + 2 * 255) / 3;
		b = (b + 2 * 255) / 3;
	}
	snprintf(out, 8, "#%02x%02x%02x", r & 0xffu, gr & 0xffu, b & 0xffu);
}

/* @s cut to about @max characters (UTF-8 aware), with an ellipsis when cut */
static void put_fit(FILE *fp, const char *s, size_t len, size_t max)
{
	size_t i = 0, chars = 0, cut = 0;

	while (i < len && chars < max) {
		size_t n = utf8_seq((const unsigned char *)s + i, len - i);

		i += n ? n : 1;
		if (++chars + 1 == max)
			cut = i; /* where the text stops if an ellipsis must follow */
	}
	if (i < len && max > 1) {
		xml_put(fp, s, cut);
		fputs("\u2026", fp);
		return;
	}
	xml_put(fp, s, i);
}

/* choose the rows: shown nodes in tree order, shallow levels first when too many */
/* the order rows of a partly drawn level are chosen in: rank down, then sibling index up */
static int act_level(int32_t v, int32_t max)
{
	int l;

	if (v <= 0)
		return 0;
	l = 1 + (int)((int64_t)3 * (v - 1) / max);
	return l > 3 ? 3 : l;
}

/* the activity strip of a cut row: darker where more processes below ran */
static void put_activity(struct svg *g, const struct row *r, double y)
{
	int32_t max = 0;
	int c = 0;

	for (int i = 0; i < COLS; i++)
		if (r->act[i] > max)
			max = r->act[i];
	if (!max)
		return;
	while (c < COLS) {
		int level = act_level(r->act[c], max), e = c;

		while (e < COLS && act_level(r->act[e], max) == level)
			e++;
		if (level)
			fprintf(g->fp,
				"<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"5\" "
				"fill=\"#34495e\" fill-opacity=\"%.2f\"/>",
				X0 + c, y + 9.5, e - c, 0.15 + 0.25 * (level - 1));
		c = e;
	}
	for (int i = 0; i < COLS; i++)
		if (r->act_fail[i])
			fprintf(g->fp,
				"<rect x=\"%d\" y=\"%.1f\" width=\"1.5\" height=\"6\" "
				"fill=\"#d00000\"/>",
				X0 + i, y + 9);
}

/* a tick step of 1, 2 or 5 times a power of ten giving about 8 ticks */
static uint64_t tick_step(uint64_t span)
{
	uint64_t step = 1;

	for (;;) {
		static const unsigned mult[] = { 1, 2, 5 };

		for (int i = 0; i < 3; i++)
			if (span / (step * mult[i]) <= 9)
				return step * mult[i];
		step *= 10;
	}
}

/* a tick label in the unit of the whole span ("1.5s", not "1500ms"), as few decimals as the step needs */
static void fmt_tick(char *buf, size_t size, uint64_t ns, uint64_t step, uint64_t span)
{
	const struct fmt_unit *units = fmt_units;
	size_t i = 0;
	int dec = 0;

	while (units[i].unit > 1 && span < units[i].unit)
		i++;
	for (uint64_t u = units[i].unit; u > 1 && step % u; u /= 10)
		dec++;
	if (!ns)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%.*f%s", dec, (double)ns / (double)units[i].unit,
			 units[i].name);
}

static void put_header(struct svg *g, int height)
{
	const struct tree *t = g->t;
	const struct csv_meta *m = &t->meta;
	char wall[32];
	uint64_t failed = 0;

	for (uint32_t id = 1; id <= t->nnodes; id++)
		failed += node_failed(tree_node(t, id));
	fprintf(g->fp,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans Mono,Menlo,Consolas,monospace\" "
		"font-size=\"11\">\n",
		WIDTH, height, WIDTH, height);
	/* row backgrounds are translucent: the fork lines drawn before them show through */
	fputs("<style>.bg{fill:#000000;fill-opacity:0}.z .bg{fill-opacity:0.035}"
	      ".r:hover .bg{fill:#2060ff;fill-opacity:0.13}"
	      ".f{fill:#b00000;font-weight:bold}.m{fill:#777777}.c{stroke:#9a9a9a;stroke-width:0.8}"
	      ".g{stroke:#e2e2e2;stroke-width:1}.x{fill:none;stroke:#d00000;stroke-width:1.6}"
	      ".u{fill:none;stroke:#555555;stroke-width:1;stroke-dasharray:3 2}</style>\n",
	      g->fp);
	fprintf(g->fp, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", WIDTH, height);
	fprintf(g->fp, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">", LABEL_X);
	fputs("proctree: ", g->fp);
	if (m->command && m->ncommand) {
		size_t used = 10;

		for (int i = 0; i < m->ncommand && used < 180; i++) {
			size_t len = strlen(m->command[i]);

			if (i)
				putc_unlocked(' ', g->fp);
			put_fit(g->fp, m->command[i], len, 180 - used);
			used += len + 1;
		}
	} else if (t->root) {
		put_cmdline(g->fp, t->root, xml_put);
	}
	fputs("</text>\n", g->fp);
	fmt_dur(wall, sizeof(wall), g->t1 - g->t0);
	fprintf(g->fp,
		"<text x=\"%d\" y=\"38\" class=\"m\">%" PRIu32 " processes, %s, "
		"%" PRIu64 " failed",
		LABEL_X, t->nnodes, wall, failed);
	if (t->sum.fork_lost + t->sum.exit_lost + t->sum.exit_unseen)
		fprintf(g->fp,
			", inferred: %" PRIu64 " fork lost, %" PRIu64 " exit lost, %" PRIu64
			" exit unseen",
			t->sum.fork_lost, t->sum.exit_lost, t->sum.exit_unseen);
	if (t->sum.lost_rows)
		fprintf(g->fp, ", kernel lost %" PRIu64 " events", t->sum.lost_events);
	if (m->engine) {
		fputs(", engine ", g->fp);
		xml_put(g->fp, m->engine, strlen(m->engine));
	}
	if (m->host) {
		fputs(", host ", g->fp);
		xml_put(g->fp, m->host, strlen(m->host));
	}
	fputs("</text>\n", g->fp);
}

static int lg_by_name(const void *a, const void *b)
{
	const struct lg *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int lg_by_count(const void *a, const void *b)
{
	const struct lg *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return lg_by_name(a, b);
}

/* the most frequent commands among the drawn rows: they get the palette */
static int pick_legend(struct svg *g)
{
	struct lg *l = malloc((g->nrows ? g->nrows : 1) * sizeof(*l));
	size_t n = 0, k = 0;

	if (!l) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < g->nrows; i++) {
		if (g->rows[i].n->flags & NF_SYNTHETIC)
			continue;
		node_command(g->rows[i].n, &l[n].s, &l[n].len);
		l[n++].count = 1;
	}
	qsort(l, n, sizeof(*l), lg_by_name);
	for (size_t i = 0; i < n; i++) {
		if (k && l[k - 1].len == l[i].len && !memcmp(l[k - 1].s, l[i].s, l[i].len))
			l[k - 1].count++;
		else
			l[k++] = l[i];
	}
	qsort(l, k, sizeof(*l), lg_by_count);
	g->legend = l;
	g->nlegend = k < LEGEND_MAX ? k : LEGEND_MAX;
	return 0;
}

static void put_legend(struct svg *g, int y)
{
	double x = LABEL_X;

	for (size_t i = 0; i < g->nlegend; i++) {
		const struct lg *l = &g->legend[i];
		size_t chars = l->len > 18 ? 18 : l->len;
		double w = 14 + CHAR_W * (double)(chars + 5);
		char col[8];

		if (x + w > WIDTH - 8)
			break;
		name_colour(g, l->s, l->len, false, col);
		fprintf(g->fp,
			"<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\">",
			x, y - 9, col, x + 13, y);
		put_fit(g->fp, l->s, l->len, 18);
		fprintf(g->fp, " <tspan class=\"m\">%" PRIu64 "</tspan></text>\n", l->count);
		x += w;
	}
}

static void put_axis(struct svg *g, int y, int bottom)
{
	uint64_t span = g->t1 - g->t0, step = tick_step(span);
	char buf[32];

	for (uint64_t v = 0; v <= span; v += step) {
		double x = xat(g, g->t0 + v);

		fprintf(g->fp, "<line class=\"g\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x,
			y + 4, x, bottom);
		fmt_tick(buf, sizeof(buf), v, step, span);
		fprintf(g->fp,
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"m\">%s"
			"</text>\n",
			x, y, buf);
	}
}

static void put_title(struct svg *g, const struct row *r)
{
	const struct node *n = r->n;
	char a[32], b[32], st[32];

	fputs("<title>", g->fp);
	if (n->flags & NF_SYNTHETIC) {
		fputs("unknown parent: processes whose fork was lost and whose parent is unknown"
		      "</title>",
		      g->fp);
		return;
	}
	fprintf(g->fp, "pid %" PRId32 ": ", n->pid);
	put_cmdline(g->fp, n, xml_put);
	fmt_secs(a, sizeof(a), n->start_ns - g->t->first_ns);
	fmt_dur(b, sizeof(b), node_draw_end(g->t, n) - n->start_ns);
	node_status(n, st, sizeof(st));
	fprintf(g->fp, "\nstart +%s, %s%s, %s", a, n->have & NH_END ? "" : "at least ", b, st);
	if (n->nexecs > 1)
		fprintf(g->fp, ", %" PRIu32 " execs", n->nexecs);
	if (n->threads)
		fprintf(g->fp, ", %" PRIu32 " threads", n->threads);
	if (n->flags) {
		const char *sep = "\nflags: ";

		for (int f = 0; f < NF_COUNT; f++) {
			if (!(n->flags & (1u << f)))
				continue;
			fprintf(g->fp, "%s%s", sep, tree_flag_names[f]);
			sep = ", ";
		}
	}
	if (r->cut) {
		int32_t max = 0;

		for (int i = 0; r->act && i < COLS; i++)
			if (r->act[i] > max)
				max = r->act[i];
		fprintf(g->fp,
			"\n%" PRIu32 " processes below, not drawn: up to %" PRId32 " at once "
			"(the strip), %" PRIu32 " failed (red ticks)",
			r->cut, max, r->cut_failed);
	}
	fputs("</title>", g->fp);
}

static void put_bar(struct svg *g, const struct node *n, double y, bool cut)
{
	uint64_t end = node_draw_end(g->t, n);
	const struct exec_rec *x = n->execs;
	double xs = xat(g, n->start_ns), xe = xat(g, end),
	       by = cut ? y + 1.5 : y + (ROW_H - BAR_H) / 2.0;
	int bh = cut ? 7 : BAR_H;
	uint64_t from = n->start_ns;
	char col[8];
	const char *s;
	size_t len;

	if (xe - xs < 2)
		xe = xs + 2;
	/* before the first exec: the inherited image, pale */
	if (!x || x->time_ns > from) {
		uint64_t to = x && x->time_ns < end ? x->time_ns : end;
		double w = xat(g, to) - xs;

		/* without an exec the process is named (and coloured) by its comm, like its row */
		if (x && n->parent && !(n->parent->flags & NF_SYNTHETIC))
			node_command_at(n->parent, from, &s, &len);
		else
			node_command(n, &s, &len);
		name_colour(g, s, len, x != NULL, col);
		if (!x)
			w = xe - xs;
		fprintf(g->fp,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
			xs, by, w > 0.5 ? w : 0.5, bh, col);
	}
	for (; x; x = x->next) {
		uint64_t a = x->time_ns < from ? from : x->time_ns;
		uint64_t b = x->next ? x->next->time_ns : end;
		double xa = xat(g, a), xb = x->next ? xat(g, b) : xe;

		exec_basename(x, &s, &len);
		if (!s)
			node_command_at(n, x->time_ns, &s, &len);
		name_colour(g, s, len, false, col);
		fprintf(g->fp,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
			xa, by, xb - xa > 1 ? xb - xa : 1, bh, col);
	}
	if (node_failed(n))
		fprintf(g->fp,
			"<rect class=\"x\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>",
			xs, by, xe - xs, bh);
	else if (n->flags & (NF_FORK_LOST | NF_EXIT_LOST | NF_EXIT_UNSEEN))
		fprintf(g->fp,
			"<rect class=\"u\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>",
			xs, by, xe - xs, bh);
	if (n->flags & NF_ALIVE_AT_END && !(n->have & NH_END))
		fprintf(g->fp, "<path d=\"M%.1f %.1fl6 %dl-6 %dz\" fill=\"#555555\"/>", xe + 1,
			by - 1, bh / 2 + 1, bh / 2 + 1);
	if (node_failed(n)) {
		char st[32];

		node_status(n, st, sizeof(st));
		fprintf(g->fp, "<text class=\"f\" x=\"%.1f\" y=\"%.1f\">\u2717 %s</text>", xe + 3,
			y + 12, st);
	}
}

static void put_row(struct svg *g, size_t i)
{
	const struct row *r = &g->rows[i];
	const struct node *n = r->n;
	double y = g->y0 + (double)i * ROW_H;
	unsigned indent = r->depth < MAX_INDENT ? r->depth : MAX_INDENT;
	double lx = LABEL_X + indent * INDENT;
	size_t room = (size_t)((LABEL_X + LABEL_W - lx) / CHAR_W);
	char pid[32], more[32] = "";
	const char *s;
	size_t len, need;

	fprintf(g->fp, "<g class=\"r%s\">", i % 2 ? " z" : "");
	put_title(g, r);
	fprintf(g->fp, "<rect class=\"bg\" x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%d\"/>", y,
		WIDTH, ROW_H);
	fprintf(g->fp, "<text x=\"%.1f\" y=\"%.1f\"%s>", lx, y + 12,
		node_failed(n) ? " class=\"f\"" : "");
	if (r->depth > MAX_INDENT)
		fprintf(g->fp, "<tspan class=\"m\">%" PRIu32 "\u203a</tspan>", r->depth);
	if (n->flags & NF_SYNTHETIC) {
		fputs("(unknown parent)", g->fp);
	} else {
		node_command(n, &s, &len);
		snprintf(pid, sizeof(pid), " %" PRId32, n->pid);
		if (r->cut)
			snprintf(more, sizeof(more), " +%" PRIu32, r->cut);
		need = strlen(pid) + strlen(more);
		if (r->cut_failed)
			need += 13;
		put_fit(g->fp, s, len, room > need + 4 ? room - need : 4);
		fprintf(g->fp, "<tspan class=\"m\">%s%s</tspan>", pid, more);
		if (r->cut_failed)
			fprintf(g->fp, "<tspan class=\"f\"> \u2717%" PRIu32 "</tspan>",
				r->cut_failed);
	}
	fputs("</text>", g->fp);
	if (!(n->flags & NF_SYNTHETIC))
		put_bar(g, n, y, r->act != NULL);
	if (r->act)
		put_activity(g, r, y);
	fputs("</g>\n", g->fp);
}

/*
 * The fork lines: from the parent's row down to the child's bar.  Not for
 * parents with more than FAN_MAX drawn children: a comb of hundreds of lines
 * hides the bars, and the indentation already says whose children they are.
 */
#define FAN_MAX 30

static void put_connectors(struct svg *g)
{
	uint32_t *fan = calloc(g->nrows + 1, sizeof(*fan));

	for (size_t i = 0; fan && i < g->nrows; i++) {
		const struct node *p = g->rows[i].n->parent;

		if (p)
			fan[g->rowof[node_ix(p)]]++;
	}
	for (size_t i = 0; i < g->nrows; i++) {
		const struct node *n = g->rows[i].n, *p = n->parent;
		uint32_t pr;
		double x;

		if (!p || p->flags & NF_SYNTHETIC || !(pr = g->rowof[node_ix(p)]))
			continue;
		if (!fan || fan[pr] > FAN_MAX)
			continue;
		x = xat(g, n->start_ns);
		fprintf(g->fp,
			"<line class=\"c\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x,
			g->y0 + (pr - 1) * (double)ROW_H + (ROW_H + BAR_H) / 2.0, x,
			g->y0 + (double)i * ROW_H + (ROW_H - BAR_H) / 2.0);
	}
	free(fan);
}

static void put_footer(struct svg *g, int y)
{
	uint64_t drawn = 0, total = g->t->nnodes;

	for (size_t i = 0; i < g->nrows; i++)
		drawn += !(g->rows[i].n->flags & NF_SYNTHETIC);
	fprintf(g->fp, "<text x=\"%d\" y=\"%d\" class=\"m\">", LABEL_X, y);
	if (drawn == total) {
		fprintf(g->fp, "all %" PRIu64 " processes drawn", total);
	} else {
		fprintf(g->fp, "%" PRIu64 " of %" PRIu64 " processes drawn", drawn, total);
		if (g->v.nhidden)
			fprintf(g->fp, "; %" PRIu64 " hidden by --max-depth/--filter",
				g->v.nhidden);
		if (g->cut_depth != UINT64_MAX)
			fprintf(g->fp,
				"; %" PRIu64 " not drawn to fit %u rows: the \"+N\" rows "
				"stand for them (--max-rows N, --filter COMM)",
				total - drawn - g->v.nhidden, g->cap);
	}
	fprintf(g->fp,
		"</text>\n<text x=\"%d\" y=\"%d\" class=\"m\">red border and \u2717: failed; "
		"dashed: fork or exit lost/unseen; \u25b6: running at the end; pale: before the "
		"first exec; grey strip: processes below a row that were not drawn</text>\n",
		LABEL_X, y + 15);
}

int tree_write_svg(const struct tree *t, const struct tree_view_opts *o, FILE *fp)
{
	struct svg g = { .t = t, .fp = fp };
	int height, legend_y = 58, axis_y = 82, ret = -1;

	g.cap = o && o->max_rows ? o->max_rows : SVG_ROWS_DEFAULT;
	if (view_init(&g.v, t, o) < 0)
		return -1;
	if (svg_pick_rows(&g) < 0)
		goto out;
	g.t0 = t->first_ns;
	g.t1 = t->last_ns;
	for (size_t i = 0; i < g.nrows; i++) {
		uint64_t e = node_draw_end(t, g.rows[i].n);

		if (!(g.rows[i].n->flags & NF_SYNTHETIC) && e > g.t1)
			g.t1 = e;
	}
	if (g.t1 <= g.t0)
		g.t1 = g.t0 + 1;
	g.scale = (double)(X1 - X0) / (double)(g.t1 - g.t0);
	if (svg_activity(&g) < 0)
		goto out;
	g.y0 = axis_y + 8;
	height = g.y0 + (int)g.nrows * ROW_H + 42;
	if (pick_legend(&g) < 0)
		goto out;
	put_header(&g, height);
	put_legend(&g, legend_y);
	put_axis(&g, axis_y, g.y0 + (int)g.nrows * ROW_H);
	put_connectors(&g);
	for (size_t i = 0; i < g.nrows; i++)
		put_row(&g, i);
	put_footer(&g, g.y0 + (int)g.nrows * ROW_H + 18);
	fputs("</svg>\n", fp);
	ret = 0;
	if (ferror(fp)) {
		err_set("write error");
		ret = -1;
	}
out:
	free(g.legend);
	for (size_t i = 0; i < g.nrows; i++) {
		free(g.rows[i].act);
		free(g.rows[i].act_fail);
	}
	free(g.rows);
	free(g.rowof);
	view_fini(&g.v);
	return ret;
}
