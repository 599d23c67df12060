/* SPDX-License-Identifier: MIT */
/*
 * A plain output buffer for the tree writers: a million nodes make hundreds
 * of megabytes of text or JSON, and stdio's per-call locking and printf
 * parsing dominated the time.  Bytes are appended to a large buffer that is
 * handed to fwrite() when full.
 */
#ifndef PROCTREE_OBUF_H
#define PROCTREE_OBUF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OBUF_SIZE (1u << 16)

struct obuf {
	FILE *fp;
	size_t len;
	bool failed;
	char buf[OBUF_SIZE];
};

/** ob_flush - write out the buffered bytes; false after any write error */
bool ob_flush(struct obuf *o);

/* a long string goes through the buffer in pieces */
void ob_write_slow(struct obuf *o, const void *p, size_t n);

static inline void ob_write(struct obuf *o, const void *p, size_t n)
{
	if (n <= OBUF_SIZE - o->len) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		return;
	}
	ob_write_slow(o, p, n);
}

static inline void ob_putc(struct obuf *o, char c)
{
	if (o->len == OBUF_SIZE)
		ob_flush(o);
	o->buf[o->len++] = c;
}

static inline void ob_puts(struct obuf *o, const char *s)
{
	ob_write(o, s, strlen(s));
}

/** ob_new - an empty buffer aimed at @fp (free() it); NULL with err_msg() */
struct obuf *ob_new(FILE *fp);

/**
 * ob_scratch - a reusable buffer aimed at @fp, for writers that print one
 * string at a time through the escaping of the buffered writers; flush it
 * after use.  NULL when out of memory.
 */
struct obuf *ob_scratch(FILE *fp);

/** ob_fill - @n copies of @c (indentation) */
void ob_fill(struct obuf *o, char c, size_t n);

/** ob_u64 - a number in decimal */
static inline void ob_u64(struct obuf *o, uint64_t v)
{
	char tmp[20];
	int i = sizeof(tmp);

	do {
		tmp[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	ob_write(o, tmp + i, sizeof(tmp) - i);
}

static inline void ob_i64(struct obuf *o, int64_t v)
{
	if (v < 0) {
		ob_putc(o, '-');
		ob_u64(o, 0 - (uint64_t)v);
	} else {
		ob_u64(o, v);
	}
}

/** ob_secs - nanoseconds as seconds with 6 decimals and an "s" ("1.234567s") */
static inline void ob_secs(struct obuf *o, uint64_t ns)
{
	uint64_t us = (ns % 1000000000u) / 1000u;
	char frac[8];

	ob_u64(o, ns / 1000000000u);
	frac[0] = '.';
	for (int i = 6; i >= 1; i--) {
		frac[i] = '0' + us % 10;
		us /= 10;
	}
	frac[7] = 's';
	ob_write(o, frac, 8);
}

#endif
