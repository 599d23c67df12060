// SPDX-License-Identifier: MIT
/*
 * The ftrace engine and tids taken again moments after a workload task
 * ended with them (FTRACE_REUSE_RISK_NS): such a task may lose its place
 * in set_event_pid, and is watched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ftrace_track-private.h"

static void ended_prune(struct ftrace_track *t, uint64_t now)
{
	while (t->ended_head < t->ended_len &&
	       t->ended[t->ended_head].ts + FTRACE_REUSE_RISK_NS < now) {
		const struct ended *e = &t->ended[t->ended_head++];

		if ((uintptr_t)pidmap_get(t->ended_at, e->tid) == e->ts)
			pidmap_del(t->ended_at, e->tid);
	}
	if (t->ended_head > 1024 && t->ended_head * 2 > t->ended_len) {
		memmove(t->ended, t->ended + t->ended_head,
			(t->ended_len - t->ended_head) * sizeof(*t->ended));
		t->ended_len -= t->ended_head;
		t->ended_head = 0;
	}
}

/* A workload task with @tid ended at @ts. */
int ended_add(struct ftrace_track *t, pid_t tid, uint64_t ts)
{
	ts = ts ? ts : 1; /* 0 means "none" in the map */
	ended_prune(t, ts);
	if (t->ended_len == t->ended_cap) {
		size_t cap = t->ended_cap ? 2 * t->ended_cap : 256;
		struct ended *e = realloc(t->ended, cap * sizeof(*e));

		if (!e)
			goto nomem;
		t->ended = e;
		t->ended_cap = cap;
	}
	t->ended[t->ended_len++] = (struct ended){ tid, ts };
	if (pidmap_put(t->ended_at, tid, (void *)(uintptr_t)ts) < 0)
		goto nomem;
	/* the task is gone: its own free takes the tid out of the filter, rightly */
	for (size_t i = 0; i < t->nrisks; i++)
		if (t->risks[i].tid == tid)
			t->risks[i--] = t->risks[--t->nrisks];
	return 0;
nomem:
	err_set("out of memory tracking ended tasks");
	errno = ENOMEM;
	return -1;
}

/* A workload task was created with @tid at @ts: watch it when the tid is freshly freed. */
int risk_check(struct ftrace_track *t, pid_t tid, uint64_t ts)
{
	uint64_t ended;

	ended_prune(t, ts);
	ended = (uintptr_t)pidmap_get(t->ended_at, tid);
	if (!ended || ended + FTRACE_REUSE_RISK_NS < ts)
		return 0;
	if (t->nrisks == t->risks_cap) {
		size_t cap = t->risks_cap ? 2 * t->risks_cap : 16;
		struct ftrace_risk *r = realloc(t->risks, cap * sizeof(*r));

		if (!r) {
			err_set("out of memory");
			errno = ENOMEM;
			return -1;
		}
		t->risks = r;
		t->risks_cap = cap;
	}
	/* event-fork put the tid in the filter at the creation */
	t->risks[t->nrisks++] = (struct ftrace_risk){ tid, ts, ts + FTRACE_REUSE_RISK_NS };
	return 0;
}

bool ftrace_track_at_risk(const struct ftrace_track *t)
{
	return t->nrisks > 0;
}

static bool sorted_has(const pid_t *v, size_t n, pid_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] == x)
			return true;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int ftrace_track_watch(struct ftrace_track *t, uint64_t now, const pid_t *filter, size_t n,
		       int (*readd)(void *ctx, pid_t tid), void *ctx)
{
	for (size_t i = 0; i < t->nrisks; i++) {
		struct ftrace_risk *r = &t->risks[i];

		if (!sorted_has(filter, n, r->tid)) {
			/*
			 * The old task's free came after this one's creation: from
			 * some moment after present_ns until now this task's events,
			 * and the tasks it created meanwhile, were not recorded.
			 */
			if (readd(ctx, r->tid) < 0 ||
			    ftrace_track_lost(t, -1, r->present_ns, now, -1) < 0)
				return -1;
			COUNT_ADD(t, reuse_gaps, 1);
		}
		r->present_ns = now;
		if (now > r->until_ns)
			t->risks[i--] = t->risks[--t->nrisks];
	}
	return 0;
}
