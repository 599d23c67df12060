// SPDX-License-Identifier: MIT
/*
 * The ptrace engine's task table: tid -> struct pt_task, over the engines'
 * pid map.  Tasks are allocated one by one, so a pointer to one stays
 * valid while the map grows and shifts entries.
 */
#include <errno.h>
#include <stdlib.h>

#include "err.h"
#include "ptrace-private.h"

int pt_table_init(struct pt_table *t)
{
	t->map = pidmap_new();
	if (!t->map) {
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void pt_table_fini(struct pt_table *t)
{
	struct pt_task *task;
	size_t pos = 0;

	if (!t->map)
		return;
	while ((task = pidmap_next(t->map, &pos, NULL)))
		free(task);
	pidmap_free(t->map);
	t->map = NULL;
}

struct pt_task *pt_table_get(struct pt_table *t, pid_t tid)
{
	return pidmap_get(t->map, tid);
}

struct pt_task *pt_table_add(struct pt_table *t, pid_t tid)
{
	struct pt_task *task = calloc(1, sizeof(*task));

	if (!task || pidmap_put(t->map, tid, task) < 0) {
		free(task);
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	task->tid = tid;
	return task;
}

void pt_table_del(struct pt_table *t, struct pt_task *task)
{
	if (pidmap_get(t->map, task->tid) != task)
		return; /* not in the table */
	pidmap_del(t->map, task->tid);
	free(task);
}

struct pt_task *pt_table_next(struct pt_table *t, size_t *pos)
{
	/*
	 * Deleting during iteration may shift an entry so that it is missed
	 * or returned twice (pidmap_next()); callers that delete restart
	 * from 0 (they loop until nothing matches).
	 */
	return pidmap_next(t->map, pos, NULL);
}
