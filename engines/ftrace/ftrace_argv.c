// SPDX-License-Identifier: MIT
/*
 * The ftrace engine's exec rows and their argv.  An exec row waits for its
 * argv, read from /proc only for a process the events show still alive
 * once a whole batch has been fed (ftrace_track_release()): reading every
 * exec at once cost the workload about 5% of its time (the read takes the
 * new image's mmap lock while its loader maps libraries), and most short
 * processes are gone by then anyway.  After the read the row waits for
 * proof that the argv is this exec's: until every event older than the
 * read has been seen, a later exec of the same pid (maybe of the same
 * program, so the comm would not tell) or a new task taking the pid may be
 * what /proc showed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "ftrace_track-private.h"
#include "procfs.h"

void held_free(struct held_exec *h)
{
	procfs_free_argv(h->argv);
	free(h->filename);
	free(h);
}

/*
 * @pid's image ended at @ts (a new exec, its exit, or a new task took the
 * pid): an argv not read yet never will be, and one read at or after @ts
 * may be the next image's; either way it is unknown.
 */
void held_invalidate(struct ftrace_track *t, pid_t pid, uint64_t ts)
{
	struct held_exec *h = pidmap_get(t->held_by_pid, pid);

	if (!h)
		return;
	if (h->pending) {
		h->pending = false;
		h->read_ns = 0;
		COUNT_ADD(t, argv_unknown, 1);
		return;
	}
	if (!h->argv || ts > h->read_ns)
		return;
	procfs_free_argv(h->argv);
	h->argv = NULL;
	h->row.argv = NULL;
	h->row.argc = 0;
	COUNT_ADD(t, argv_unknown, 1);
	COUNT_ADD(t, argv_stale, 1);
}

/*
 * The next image (a new exec, or a new task taking the pid) becomes visible
 * in /proc a little before its event is emitted: exec sets up the new argv
 * before sched_process_exec fires, fork makes the child findable before
 * task_newtask.  A read that close before such an event is not trusted.
 */
#define NEXT_IMAGE_MARGIN_NS (2 * 1000 * 1000ULL)

void held_next_image(struct ftrace_track *t, pid_t pid, uint64_t ts)
{
	held_invalidate(t, pid, ts > NEXT_IMAGE_MARGIN_NS ? ts - NEXT_IMAGE_MARGIN_NS : 0);
}

/* Keep exec @row until its argv is read and proved (ftrace_track_release()). */
int held_add(struct ftrace_track *t, const struct csv_event *row)
{
	struct held_exec *h = calloc(1, sizeof(*h));

	if (!h || (row->filename && !(h->filename = strdup(row->filename))))
		goto error;
	if (pidmap_put(t->held_by_pid, row->pid, h) < 0)
		goto error;
	h->row = *row;
	h->row.filename = h->filename;
	if (row->comm) {
		snprintf(h->comm, sizeof(h->comm), "%s", row->comm);
		h->row.comm = h->comm;
	}
	h->pending = true;
	h->read_ns = UINT64_MAX;
	*t->held_tail = h;
	t->held_tail = &h->next;
	return 0;
error:
	if (h)
		free(h->filename);
	free(h);
	errno = ENOMEM;
	err_set("out of memory");
	return -1;
}

bool ftrace_track_holding(const struct ftrace_track *t)
{
	return t->held != NULL;
}

/*
 * argv from /proc.  It may be a later image's (the process exec'd again, or
 * died and a new task took the pid, after the events fed so far): the row
 * stays held and held_invalidate() drops such an argv once the events up
 * to the read are in.
 */
static void held_read_argv(struct ftrace_track *t)
{
	for (struct held_exec *h = t->held; h; h = h->next) {
		int argc = 0;

		if (!h->pending)
			continue;
		h->pending = false;
		if (procfs_read_cmdline(h->row.pid, &h->argv, &argc) < 0) {
			h->argv = NULL;
			h->read_ns = 0;
			COUNT_ADD(t, argv_unknown, 1);
			continue;
		}
		h->read_ns = clock_mono_ns();
		h->row.argv = (const char *const *)h->argv;
		h->row.argc = argc;
	}
}

int ftrace_track_release(struct ftrace_track *t, uint64_t before_ns)
{
	if (t->existing_pending && before_ns > t->existing_until && existing_flush(t) < 0)
		return -1;
	/* proved once every event up to the read plus the margin has been fed */
	uint64_t proved = before_ns > NEXT_IMAGE_MARGIN_NS ? before_ns - NEXT_IMAGE_MARGIN_NS : 0;

	held_read_argv(t);
	while (t->held && t->held->read_ns < proved) {
		struct held_exec *h = t->held;
		int ret;

		t->held = h->next;
		if (!t->held)
			t->held_tail = &t->held;
		if (pidmap_get(t->held_by_pid, h->row.pid) == h)
			pidmap_del(t->held_by_pid, h->row.pid);
		ret = ftrace_track_write(t, &h->row);
		held_free(h);
		if (ret < 0)
			return -1;
	}
	return 0;
}
