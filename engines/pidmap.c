// SPDX-License-Identifier: MIT
/*
 * pid -> pointer, the one pid map of the engines (ptrace's task table,
 * the kernel-event model's processes and threads, ftrace's bookkeeping):
 * open addressing with linear probing.  Deletion shifts the
 * following entries back instead of leaving tombstones, so a long fork
 * storm (insert, delete, insert...) never degrades the table.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "pidmap.h"

struct slot {
	pid_t key; /* 0: empty (pid 0 is never a workload task) */
	void *val;
};

struct pidmap {
	struct slot *slots;
	size_t mask; /* capacity - 1, capacity a power of two */
	size_t n;
};

static size_t hash(pid_t pid, size_t mask)
{
	return ((uint32_t)pid * 2654435761u) & mask;
}

struct pidmap *pidmap_new(void)
{
	struct pidmap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->mask = 255;
	m->slots = calloc(m->mask + 1, sizeof(*m->slots));
	if (!m->slots) {
		free(m);
		return NULL;
	}
	return m;
}

static struct slot *find(const struct pidmap *m, pid_t pid)
{
	for (size_t i = hash(pid, m->mask);; i = (i + 1) & m->mask) {
		if (m->slots[i].key == pid || !m->slots[i].key)
			return &m->slots[i];
	}
}

void *pidmap_get(const struct pidmap *m, pid_t pid)
{
	struct slot *s = find(m, pid);

	return s->key ? s->val : NULL;
}

static int grow(struct pidmap *m)
{
	struct pidmap bigger = { .mask = m->mask * 2 + 1 };

	bigger.slots = calloc(bigger.mask + 1, sizeof(*bigger.slots));
	if (!bigger.slots) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i <= m->mask; i++)
		if (m->slots[i].key)
			*find(&bigger, m->slots[i].key) = m->slots[i];
	free(m->slots);
	m->slots = bigger.slots;
	m->mask = bigger.mask;
	return 0;
}

int pidmap_put(struct pidmap *m, pid_t pid, void *val)
{
	struct slot *s;

	if ((m->n + 1) * 4 > (m->mask + 1) * 3 && grow(m) < 0)
		return -1;
	s = find(m, pid);
	if (!s->key) {
		s->key = pid;
		m->n++;
	}
	s->val = val;
	return 0;
}

void *pidmap_del(struct pidmap *m, pid_t pid)
{
	struct slot *s = find(m, pid);
	size_t i, j;
	void *val;

	if (!s->key)
		return NULL;
	val = s->val;
	i = (size_t)(s - m->slots);
	/* backward-shift: move up every entry whose probe chain crosses the hole */
	for (j = (i + 1) & m->mask; m->slots[j].key; j = (j + 1) & m->mask) {
		size_t home = hash(m->slots[j].key, m->mask);

		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = 0;
	m->slots[i].val = NULL;
	m->n--;
	return val;
}

size_t pidmap_count(const struct pidmap *m)
{
	return m->n;
}

int pidmap_each(const struct pidmap *m, int (*fn)(pid_t pid, void *val, void *ctx), void *ctx)
{
	for (size_t i = 0; i <= m->mask; i++) {
		int ret;

		if (!m->slots[i].key)
			continue;
		ret = fn(m->slots[i].key, m->slots[i].val, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

void *pidmap_next(const struct pidmap *m, size_t *pos, pid_t *pid)
{
	while (*pos <= m->mask) {
		const struct slot *s = &m->slots[(*pos)++];

		if (s->key) {
			if (pid)
				*pid = s->key;
			return s->val;
		}
	}
	return NULL;
}

void pidmap_free(struct pidmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}
