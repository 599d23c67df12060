// SPDX-License-Identifier: MIT
/*
 * Memory for the tree: a bump arena (no per-row malloc), an intern table
 * (a build runs "sh", "cc1" and the same paths a million times: each string
 * is stored once) and the live table pid -> live incarnation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "err.h"
#include "tree-private.h"

#define ARENA_CHUNK ((4u << 20) - 64) /* with its header: two huge pages */
#define HUGE_PAGE (2u << 20)

/*
 * Zeroed memory for the big, long-lived blocks (node chunks, arena chunks):
 * 2 MiB aligned and advised as huge pages, so a million nodes take a few
 * dozen page faults instead of tens of thousands (faults are expensive in a
 * VM).  Plain calloc() when the size is small or the advice is refused.
 */
void *big_zalloc(size_t size)
{
	size_t rounded = (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	void *p;

	if (size < HUGE_PAGE)
		return calloc(1, size);
	p = aligned_alloc(HUGE_PAGE, rounded);
	if (!p)
		return NULL;
	madvise(p, rounded, MADV_HUGEPAGE);
	memset(p, 0, rounded);
	return p;
}

struct arena_chunk {
	struct arena_chunk *next;
	max_align_t data[];
};

/* chunks grow from this size to ARENA_CHUNK: small inputs stay small */
#define ARENA_FIRST (16u << 10)

void *arena_alloc(struct arena *a, size_t size)
{
	size_t align = _Alignof(max_align_t);
	char *p;

	size = (size + align - 1) & ~(align - 1);
	if ((size_t)(a->end - a->p) < size) {
		size_t next = a->total < ARENA_FIRST   ? ARENA_FIRST
			      : a->total < ARENA_CHUNK ? a->total
						       : ARENA_CHUNK;
		bool one_off = size > next / 4;
		size_t csize = one_off ? size : next;
		/* whole chunks of ARENA_CHUNK as huge pages, smaller ones plain */
		struct arena_chunk *c = csize == ARENA_CHUNK ? big_zalloc(sizeof(*c) + csize)
							     : malloc(sizeof(*c) + csize);

		if (!c) {
			err_set("out of memory (%zu MiB in use)", a->total >> 20);
			errno = ENOMEM;
			return NULL;
		}
		a->total += csize;
		c->next = a->head;
		a->head = c;
		/* a big one-off allocation does not retire the current chunk */
		if (one_off)
			return c->data;
		a->p = (char *)c->data;
		a->end = a->p + csize;
	}
	p = a->p;
	a->p += size;
	return p;
}

void arena_free_all(struct arena *a)
{
	struct arena_chunk *c = a->head;

	while (c) {
		struct arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	memset(a, 0, sizeof(*a));
}

/* 8 bytes at a time, multiply-xorshift mixing: strings are short, argv a bit longer */
static uint32_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (i < len) {
		uint64_t w = 0;

		memcpy(&w, s + i, len - i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	}
	h ^= h >> 29;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 32;
	return (uint32_t)h;
}

static int intern_grow(struct intern *in)
{
	size_t cap = in->slots ? 2 * (in->mask + 1) : 1024;
	struct intern_slot *s = calloc(cap, sizeof(*s));

	if (!s) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; in->slots && i <= in->mask; i++) {
		size_t j;

		if (!in->slots[i].s)
			continue;
		for (j = in->slots[i].hash & (cap - 1); s[j].s; j = (j + 1) & (cap - 1))
			;
		s[j] = in->slots[i];
	}
	free(in->slots);
	in->slots = s;
	in->mask = cap - 1;
	return 0;
}

const struct istr *intern_get(struct intern *in, struct arena *a, const char *s, size_t len)
{
	uint32_t h = hash_bytes(s, len);
	struct istr *is;
	size_t i;

	if (len > UINT32_MAX) {
		err_set("string of %zu bytes is too long", len);
		errno = EINVAL;
		return NULL;
	}
	if (!in->slots || 2 * (in->n + 1) > in->mask + 1) {
		if (intern_grow(in) < 0)
			return NULL;
	}
	for (i = h & in->mask; in->slots[i].s; i = (i + 1) & in->mask) {
		const struct istr *o = in->slots[i].s;

		if (in->slots[i].hash == h && o->len == len && !memcmp(o->s, s, len))
			return o;
	}
	is = arena_alloc(a, sizeof(*is) + len + 1);
	if (!is)
		return NULL;
	is->len = len;
	memcpy(is->s, s, len);
	is->s[len] = '\0';
	in->slots[i].s = is;
	in->slots[i].hash = h;
	in->n++;
	return is;
}

void intern_free(struct intern *in)
{
	free(in->slots);
	memset(in, 0, sizeof(*in));
}

static size_t pid_hash(int32_t pid, size_t mask)
{
	return ((uint32_t)pid * 2654435761u) & mask;
}

static int live_grow(struct live *l)
{
	size_t cap = l->slots ? 2 * (l->mask + 1) : 256;
	struct live_slot *s = malloc(cap * sizeof(*s));

	if (!s) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < cap; i++)
		s[i].pid = -1;
	for (size_t i = 0; l->slots && i <= l->mask; i++) {
		size_t j;

		if (l->slots[i].pid < 0)
			continue;
		for (j = pid_hash(l->slots[i].pid, cap - 1); s[j].pid >= 0; j = (j + 1) & (cap - 1))
			;
		s[j] = l->slots[i];
	}
	free(l->slots);
	l->slots = s;
	l->mask = cap - 1;
	return 0;
}

struct node *live_get(const struct live *l, int32_t pid)
{
	if (!l->slots)
		return NULL;
	for (size_t i = pid_hash(pid, l->mask); l->slots[i].pid >= 0; i = (i + 1) & l->mask)
		if (l->slots[i].pid == pid)
			return l->slots[i].node;
	return NULL;
}

/* the caller made sure @n->pid is not in the table */
int live_put(struct live *l, struct node *n)
{
	size_t i;

	if (!l->slots || 2 * (l->n + 1) > l->mask + 1) {
		if (live_grow(l) < 0)
			return -1;
	}
	for (i = pid_hash(n->pid, l->mask); l->slots[i].pid >= 0; i = (i + 1) & l->mask)
		;
	l->slots[i].pid = n->pid;
	l->slots[i].node = n;
	l->n++;
	n->have |= NH_LIVE;
	return 0;
}

/* linear probing with backward-shift deletion: no tombstones to pile up */
void live_del(struct live *l, int32_t pid)
{
	size_t i, j;

	if (!l->slots)
		return;
	for (i = pid_hash(pid, l->mask); l->slots[i].pid != pid; i = (i + 1) & l->mask)
		if (l->slots[i].pid < 0)
			return;
	l->slots[i].node->have &= ~NH_LIVE;
	l->n--;
	for (j = i;;) {
		size_t k;

		l->slots[i].pid = -1;
		for (;;) {
			j = (j + 1) & l->mask;
			if (l->slots[j].pid < 0)
				return;
			k = pid_hash(l->slots[j].pid, l->mask);
			/* stop at an entry whose home is not cyclically in (i, j] */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		l->slots[i] = l->slots[j];
		i = j;
	}
}

void live_free(struct live *l)
{
	free(l->slots);
	memset(l, 0, sizeof(*l));
}
