/* SPDX-License-Identifier: MIT */
/*
 * A snapshot of a running process and its descendants, read from /proc:
 * what proctree-record -p finds when it joins a process it did not start.
 *
 * Like everything read from /proc it is racy: a process can exit or fork
 * while the walk goes on.  Callers seed their own filter first (ptrace
 * attaches, ftrace/bpf add pids) and walk again until a walk finds nothing
 * new: a process created after its parent was followed is then followed by
 * the kernel, and one created before is found by the next walk.
 */
#ifndef PROCTREE_PROCFS_TREE_H
#define PROCTREE_PROCFS_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * struct procfs_proc - one process of the snapshot
 * @pid: its process id (tgid)
 * @ppid: its parent as /proc/PID/stat gives it
 * @comm: its comm (up to 15 bytes)
 * @starttime_ticks: /proc/PID/stat starttime (CLOCK_BOOTTIME clock ticks),
 *                   to tell the process from a later one with its pid
 * @tids: its threads, the leader first
 * @ntids: how many
 */
struct procfs_proc {
	pid_t pid, ppid;
	char comm[64];
	uint64_t starttime_ticks;
	pid_t *tids;
	size_t ntids;
};

struct procfs_tree;

/**
 * procfs_tree_walk - snapshot @root and every descendant, parents first
 *
 * Descendants are found through /proc/PID/task/TID/children of each thread
 * (the children a thread forked).  A process that exits during the walk is
 * left out.  Returns NULL with err_msg() and errno (ESRCH: @root does not
 * exist or is a zombie; ENOMEM).
 */
struct procfs_tree *procfs_tree_walk(pid_t root);

/** procfs_tree_count - number of processes (the root is index 0) */
size_t procfs_tree_count(const struct procfs_tree *t);

/** procfs_tree_proc - the process at @i, parents before their children */
const struct procfs_proc *procfs_tree_proc(const struct procfs_tree *t, size_t i);

/** procfs_tree_free - free the snapshot (NULL is fine) */
void procfs_tree_free(struct procfs_tree *t);

/**
 * procfs_list_tids - the thread ids in /proc/@pid/task, the leader first
 * @tids: set to a malloc'd array (free() it)
 *
 * Returns 0, or -1 with errno (ESRCH when the process is gone).
 */
int procfs_list_tids(pid_t pid, pid_t **tids, size_t *n);

#endif
