/* SPDX-License-Identifier: MIT */
/* Inside --format svg: out_svg.c (drawing) and out_svg_rows.c (which rows, activity). */
#ifndef PROCTREE_OUT_SVG_PRIVATE_H
#define PROCTREE_OUT_SVG_PRIVATE_H

#include "view-private.h"

#define SVG_ROWS_DEFAULT 300
#define WIDTH 1400
#define LABEL_X 8
#define LABEL_W 430	/* the name column */
#define X0 450		/* the time axis */
#define X1 (WIDTH - 90) /* room after a bar for its status */
#define ROW_H 16
#define BAR_H 10
#define CHAR_W 6.6 /* 11px monospace */
#define INDENT 10
#define MAX_INDENT 24
#define LEGEND_MAX 12

struct lg {
	const char *s;
	size_t len;
	uint64_t count;
};

struct row {
	const struct node *n;
	uint32_t depth;
	uint32_t cut; /* shown processes below it not drawn (it is their nearest drawn ancestor) */
	uint32_t cut_failed; /* of which failed */
	int32_t *act;	     /* cut rows: processes below alive per pixel column */
	uint8_t *act_fail;   /* cut rows: a process below failed in this column */
};

struct svg {
	const struct tree *t;
	FILE *fp;
	struct view v;
	struct row *rows;
	size_t nrows;
	uint32_t *rowof; /* per node index: row + 1, 0 not drawn */
	uint64_t t0, t1;
	double scale;	    /* px per ns */
	uint64_t cut_depth; /* the level drawn only in part, deeper ones not; UINT64_MAX none */
	unsigned cap;
	int y0;		   /* first row */
	struct lg *legend; /* the most frequent commands drawn, most first */
	size_t nlegend;
};

#define COLS (X1 - X0 + 1)

/* the x coordinate of time @ns on the axis */
static inline double xat(const struct svg *g, uint64_t ns)
{
	if (ns < g->t0)
		ns = g->t0;
	return X0 + (double)(ns - g->t0) * g->scale;
}

/* choose g->rows (at most g->cap) and g->cut_depth; 0, or -1 out of memory */
int svg_pick_rows(struct svg *g);

/* the activity columns of cut rows; 0, or -1 out of memory */
int svg_activity(struct svg *g);

#endif
