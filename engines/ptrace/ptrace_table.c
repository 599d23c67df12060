// SPDX-License-Identifier: MIT
/*
 * The ptrace engine's task table: tid -> struct pt_task.
 *
 * Linear probing over pointers with backward-shift deletion (no
 * tombstones), so a fork storm that reuses pids over and over (pid-wrap)
 * keeps lookups short.  Tasks are separately allocated and never move.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ptrace-private.h"

static size_t slot_of(pid_t tid, size_t cap)
{
	/* Knuth multiplicative hash: consecutive pids spread out */
	return ((uint32_t)tid * 2654435761u) & (cap - 1);
}

int pt_table_init(struct pt_table *t)
{
	t->cap = 256;
	t->used = 0;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void pt_table_fini(struct pt_table *t)
{
	for (size_t i = 0; t->slots && i < t->cap; i++)
		free(t->slots[i]);
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}

struct pt_task *pt_table_get(struct pt_table *t, pid_t tid)
{
	size_t i = slot_of(tid, t->cap);

	while (t->slots[i]) {
		if (t->slots[i]->tid == tid)
			return t->slots[i];
		i = (i + 1) & (t->cap - 1);
	}
	return NULL;
}

static void put(struct pt_task **slots, size_t cap, struct pt_task *task)
{
	size_t i = slot_of(task->tid, cap);

	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = task;
}

static int grow(struct pt_table *t)
{
	size_t cap = t->cap * 2;
	struct pt_task **slots = calloc(cap, sizeof(*slots));

	if (!slots) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i])
			put(slots, cap, t->slots[i]);
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

struct pt_task *pt_table_add(struct pt_table *t, pid_t tid)
{
	struct pt_task *task;

	if ((t->used + 1) * 2 > t->cap && grow(t) < 0)
		return NULL;
	task = calloc(1, sizeof(*task));
	if (!task) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	task->tid = tid;
	put(t->slots, t->cap, task);
	t->used++;
	return task;
}

void pt_table_del(struct pt_table *t, struct pt_task *task)
{
	size_t mask = t->cap - 1, i = slot_of(task->tid, t->cap), j;

	while (t->slots[i] != task) {
		if (!t->slots[i])
			return; /* not in the table */
		i = (i + 1) & mask;
	}
	free(task);
	t->slots[i] = NULL;
	t->used--;
	/* shift back the entries of the cluster that probed past slot i */
	for (j = (i + 1) & mask; t->slots[j]; j = (j + 1) & mask) {
		size_t home = slot_of(t->slots[j]->tid, t->cap);

		/* move j to i when home is not cyclically in (i, j] */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			t->slots[i] = t->slots[j];
			t->slots[j] = NULL;
			i = j;
		}
	}
}

struct pt_task *pt_table_next(struct pt_table *t, size_t *pos)
{
	/*
	 * Deleting during iteration may shift a later entry back into an
	 * already visited slot; callers that delete restart or tolerate a
	 * missed entry (they loop until nothing matches).
	 */
	while (*pos < t->cap) {
		struct pt_task *task = t->slots[(*pos)++];

		if (task)
			return task;
	}
	return NULL;
}
