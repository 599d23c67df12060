// SPDX-License-Identifier: MIT
/*
 * The model's facts as CSV rows (docs/csv-format.md), and the `lost` row
 * both tracepoint engines write for a window the ring buffer lost.
 */
#include <string.h>

#include "csv.h"
#include "kevent.h"

void kevent_fact_row(const struct kevent_fact *f, struct csv_event *row)
{
	static const enum csv_kind kinds[] = {
		[KEVENT_F_FORK] = CSV_FORK,
		[KEVENT_F_EXEC] = CSV_EXEC,
		[KEVENT_F_EXIT] = CSV_EXIT,
	};

	memset(row, 0, sizeof(*row));
	row->kind = kinds[f->kind];
	CSV_SET(row, time_ns, CSV_F_TIME, f->ts);
	if (f->cpu >= 0)
		CSV_SET(row, cpu, CSV_F_CPU, f->cpu);
	CSV_SET(row, pid, CSV_F_PID, f->pid);
	row->comm = f->comm;
	if (f->ppid > 0 && f->kind != KEVENT_F_FORK)
		CSV_SET(row, ppid, CSV_F_PPID, f->ppid);
	switch (f->kind) {
	case KEVENT_F_FORK:
		CSV_SET(row, tid, CSV_F_TID, f->tid);
		CSV_SET(row, child_pid, CSV_F_CHILD_PID, f->child_pid);
		CSV_SET(row, child_tid, CSV_F_CHILD_TID, f->child_tid);
		if (f->thread >= 0)
			CSV_SET(row, thread, CSV_F_THREAD, f->thread == 1);
		row->child_comm = f->child_comm;
		break;
	case KEVENT_F_EXEC:
		if (f->old_tid)
			CSV_SET(row, old_tid, CSV_F_OLD_TID, f->old_tid);
		row->filename = f->filename;
		break;
	case KEVENT_F_EXIT:
		CSV_SET(row, tid, CSV_F_TID, f->tid);
		CSV_SET(row, group, CSV_F_GROUP, f->group);
		if (f->signal)
			CSV_SET(row, signal, CSV_F_SIGNAL, f->signal);
		else if (f->has_code)
			CSV_SET(row, code, CSV_F_CODE, f->code);
		break;
	default: break;
	}
}

void kevent_lost_row(struct csv_event *row, int cpu, uint64_t start, uint64_t end, long long count)
{
	memset(row, 0, sizeof(*row));
	row->kind = CSV_LOST;
	CSV_SET(row, time_ns, CSV_F_TIME, start);
	CSV_SET(row, end_ns, CSV_F_END, end < start ? start : end);
	if (cpu >= 0)
		CSV_SET(row, cpu, CSV_F_CPU, cpu);
	if (count >= 0)
		CSV_SET(row, count, CSV_F_COUNT, (uint64_t)count);
}
