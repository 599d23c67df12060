// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>

#include "err.h"
#include "obuf.h"

struct obuf *ob_new(FILE *fp)
{
	struct obuf *o = malloc(sizeof(*o));

	if (!o) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	o->fp = fp;
	o->len = 0;
	o->failed = false;
	return o;
}

bool ob_flush(struct obuf *o)
{
	if (o->len && !o->failed && fwrite(o->buf, 1, o->len, o->fp) != o->len)
		o->failed = true;
	o->len = 0;
	return !o->failed;
}

void ob_write_slow(struct obuf *o, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		size_t room = OBUF_SIZE - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == OBUF_SIZE)
			ob_flush(o);
	}
}

void ob_fill(struct obuf *o, char c, size_t n)
{
	while (n) {
		size_t room = OBUF_SIZE - o->len, k = n < room ? n : room;

		memset(o->buf + o->len, c, k);
		o->len += k;
		n -= k;
		if (o->len == OBUF_SIZE)
			ob_flush(o);
	}
}

struct obuf *ob_scratch(FILE *fp)
{
	static struct obuf *o;

	if (!o && !(o = ob_new(fp)))
		return NULL;
	o->fp = fp;
	o->len = 0;
	o->failed = false;
	return o;
}
