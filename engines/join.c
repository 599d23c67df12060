// SPDX-License-Identifier: MIT
/*
 * What every engine writes the same way when it joins a running process
 * (proctree-record -p): the metadata line and the rows of the processes
 * that were already there.
 */
#include "engine-private.h"
#include "procfs_tree.h"

int engine_write_existing(struct csv_writer *w, const struct procfs_proc *p, uint64_t time_ns)
{
	struct csv_event ev = { .kind = CSV_FORK };

	/*
	 * Not a fork anyone saw: the row places the process under the parent
	 * /proc names, at the recording's start, and says its start is unknown
	 * (existing=1).  A reader that predates the column still gets the tree.
	 */
	CSV_SET(&ev, time_ns, CSV_F_TIME, time_ns);
	CSV_SET(&ev, pid, CSV_F_PID, p->ppid);
	CSV_SET(&ev, child_pid, CSV_F_CHILD_PID, p->pid);
	CSV_SET(&ev, child_tid, CSV_F_CHILD_TID, p->pid);
	CSV_SET(&ev, thread, CSV_F_THREAD, false);
	CSV_SET(&ev, existing, CSV_F_EXISTING, true);
	ev.child_comm = p->comm;
	return csv_writer_event(w, &ev);
}
