// SPDX-License-Identifier: MIT
/* A running process and its descendants, from /proc (procfs_tree.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "num.h"
#include "procfs.h"
#include "procfs_tree.h"

struct procfs_tree {
	struct procfs_proc *procs;
	size_t n, cap;
};

static int cmp_tid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int procfs_list_tids(pid_t pid, pid_t **tidsp, size_t *np)
{
	char path[64];
	pid_t *tids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d) {
		if (errno == ENOENT)
			errno = ESRCH;
		return -1;
	}
	while ((de = readdir(d))) {
		int64_t tid;

		if (num_parse_i64(de->d_name, strlen(de->d_name), 1, INT32_MAX, &tid) < 0)
			continue; /* "." and ".." */
		if (n == cap) {
			pid_t *nt = realloc(tids, (cap = cap ? 2 * cap : 8) * sizeof(*nt));

			if (!nt) {
				closedir(d);
				free(tids);
				errno = ENOMEM;
				return -1;
			}
			tids = nt;
		}
		tids[n++] = (pid_t)tid;
	}
	closedir(d);
	if (!n) {
		free(tids);
		errno = ESRCH; /* a zombie has no threads left */
		return -1;
	}
	/* the leader first (its tid is the pid), the others in tid order */
	qsort(tids, n, sizeof(*tids), cmp_tid);
	for (size_t i = 0; i < n; i++) {
		if (tids[i] == pid) {
			memmove(tids + 1, tids, i * sizeof(*tids));
			tids[0] = pid;
			break;
		}
	}
	*tidsp = tids;
	*np = n;
	return 0;
}

static bool tree_has(const struct procfs_tree *t, pid_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->procs[i].pid == pid)
			return true;
	return false;
}

/* Add @pid when it still runs; 1 added, 0 gone (or a zombie), -1 ENOMEM. */
static int tree_add(struct procfs_tree *t, pid_t pid)
{
	struct procfs_proc *p;
	struct procfs_stat st;

	if (procfs_read_stat(pid, &st) < 0 || st.state == 'Z' || st.state == 'X')
		return 0;
	if (t->n == t->cap) {
		struct procfs_proc *np =
			realloc(t->procs, (t->cap ? 2 * t->cap : 16) * sizeof(*np));

		if (!np)
			goto nomem;
		t->procs = np;
		t->cap = t->cap ? 2 * t->cap : 16;
	}
	p = &t->procs[t->n];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = st.ppid;
	p->starttime_ticks = st.starttime_ticks;
	snprintf(p->comm, sizeof(p->comm), "%s", st.comm);
	if (procfs_list_tids(pid, &p->tids, &p->ntids) < 0) {
		if (errno == ENOMEM)
			goto nomem;
		return 0; /* exited meanwhile */
	}
	t->n++;
	return 1;
nomem:
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

/* Append the children every thread of t->procs[@i] forked. */
static int add_children(struct procfs_tree *t, size_t i)
{
	pid_t pid = t->procs[i].pid;

	for (size_t k = 0; k < t->procs[i].ntids; k++) {
		char path[96], *text, *p, *end;

		snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
			 (int)t->procs[i].tids[k]);
		text = procfs_read_file(path, NULL);
		if (!text)
			continue; /* the thread exited */
		for (p = text; *p; p = end) {
			int64_t child;

			while (*p == ' ' || *p == '\n')
				p++;
			end = p + strcspn(p, " \n");
			if (end == p)
				break;
			if (num_parse_i64(p, end - p, 1, INT32_MAX, &child) < 0 ||
			    tree_has(t, (pid_t)child))
				continue;
			if (tree_add(t, (pid_t)child) < 0) {
				free(text);
				return -1;
			}
		}
		free(text);
	}
	return 0;
}

struct procfs_tree *procfs_tree_walk(pid_t root)
{
	struct procfs_tree *t = calloc(1, sizeof(*t));
	int ret;

	if (!t) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	ret = tree_add(t, root);
	if (ret <= 0) {
		if (ret == 0) {
			err_set("process %d does not exist (or has exited)", (int)root);
			errno = ESRCH;
		}
		goto error;
	}
	/* breadth first: t->n grows as children are found, parents stay first */
	for (size_t i = 0; i < t->n; i++)
		if (add_children(t, i) < 0)
			goto error;
	return t;
error : {
	int e = errno;

	procfs_tree_free(t);
	errno = e;
}
	return NULL;
}

size_t procfs_tree_count(const struct procfs_tree *t)
{
	return t->n;
}

const struct procfs_proc *procfs_tree_proc(const struct procfs_tree *t, size_t i)
{
	return i < t->n ? &t->procs[i] : NULL;
}

void procfs_tree_free(struct procfs_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->procs[i].tids);
	free(t->procs);
	free(t);
}
