// SPDX-License-Identifier: MIT
/*
 * The bpf engine's records as CSV rows: fork, exec (argv split, cut
 * marked) and exit (status, CPU times scaled as getrusage() does, faults).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpf_event.h"
#include "clock.h"
#include "csv.h"
#include "engine-private.h"
#include "err.h"
#include "procfs.h"
#include "proctree.skel.h"
#include "bpf-private.h"

int ptb_write_row(struct engine *e, const struct csv_event *row)
{
	if (csv_writer_event(e->lv.w, row) < 0)
		return -1;
	COUNT_ADD(e, events, 1);
	return 0;
}

static void row_init(struct csv_event *row, enum csv_kind kind, const struct ptb_event *ev)
{
	memset(row, 0, sizeof(*row));
	row->kind = kind;
	CSV_SET(row, time_ns, CSV_F_TIME, ev->ts);
	CSV_SET(row, cpu, CSV_F_CPU, (int)ev->cpu);
	CSV_SET(row, pid, CSV_F_PID, ev->pid);
}

/* A comm from the kernel: at most 15 bytes and NUL (forced, the record is not trusted). */
static const char *comm_of(const char *c, char *buf)
{
	memcpy(buf, c, PTB_COMM_LEN);
	buf[PTB_COMM_LEN] = '\0';
	return buf;
}

static int on_fork(struct engine *e, const struct ptb_event *ev)
{
	struct csv_event row;
	char comm[PTB_COMM_LEN + 1], child_comm[PTB_COMM_LEN + 1];
	bool thread = ev->flags & PTB_F_THREAD;

	row_init(&row, CSV_FORK, ev);
	CSV_SET(&row, tid, CSV_F_TID, ev->tid);
	CSV_SET(&row, child_pid, CSV_F_CHILD_PID, ev->child_pid);
	CSV_SET(&row, child_tid, CSV_F_CHILD_TID, ev->child_tid);
	CSV_SET(&row, thread, CSV_F_THREAD, thread);
	row.comm = comm_of(ev->comm, comm);
	row.child_comm = comm_of(ev->child_comm, child_comm);
	if (!thread)
		COUNT_ADD(e, procs, 1);
	return ptb_write_row(e, &row);
}

/*
 * argv as NUL-separated strings; the last one may lack its NUL when cut.
 * One allocation, the vector then a copy of the strings, the layout of
 * procfs_read_cmdline(): procfs_free_argv() frees only the block.
 */
static char **split_argv(const char *p, size_t len, int *argc)
{
	size_t n = 0, i, start;
	char **argv, *s;
	int k = 0;

	for (i = 0; i < len; i++)
		n += p[i] == '\0';
	if (len && p[len - 1] != '\0')
		n++;
	argv = malloc((n + 1) * sizeof(*argv) + len + 1);
	if (!argv)
		return NULL;
	s = (char *)(argv + n + 1);
	memcpy(s, p, len);
	s[len] = '\0';
	for (i = start = 0; i < len; i++) {
		if (s[i] != '\0')
			continue;
		argv[k++] = s + start;
		start = i + 1;
	}
	if (start < len)
		argv[k++] = s + start; /* cut before its NUL */
	argv[k] = NULL;
	*argc = k;
	return argv;
}

static int on_exec(struct engine *e, const struct ptb_event *ev, size_t size)
{
	const char *data = (const char *)(ev + 1);
	struct csv_event row;
	char comm[PTB_COMM_LEN + 1];
	char *filename = NULL, **argv = NULL;
	int argc = 0, ret;

	if (sizeof(*ev) + (size_t)ev->name_len + ev->argv_len > size) {
		err_set("bpf: an exec record is shorter than its lengths say");
		errno = EPROTO;
		return -1;
	}
	row_init(&row, CSV_EXEC, ev);
	CSV_SET(&row, ppid, CSV_F_PPID, ev->ppid);
	if (ev->old_tid != ev->pid)
		CSV_SET(&row, old_tid, CSV_F_OLD_TID, ev->old_tid);
	row.comm = comm_of(ev->comm, comm);
	if (!(ev->flags & PTB_F_NAME_FAULT) && ev->name_len) {
		filename = strndup(data, ev->name_len);
		if (!filename)
			goto nomem;
		row.filename = filename;
	}
	if (ev->flags & (PTB_F_ARGV_FAULT | PTB_F_NO_MM)) {
		COUNT_ADD(e, argv_unknown, 1);
	} else {
		argv = split_argv(data + ev->name_len, ev->argv_len, &argc);
		if (!argv)
			goto nomem;
		row.argv = (const char *const *)argv;
		row.argc = argc;
		if (ev->flags & PTB_F_ARGV_CUT) {
			CSV_SET(&row, argv_cut, CSV_F_ARGV_CUT, true);
			COUNT_ADD(e, argv_cut, 1);
		}
	}
	COUNT_ADD(e, execs, 1);
	ret = ptb_write_row(e, &row);
	free(filename);
	procfs_free_argv(argv);
	return ret;
nomem:
	free(filename);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

/*
 * The kernel counts CPU time in ticks split between user and system, and
 * exactly in sum_exec_runtime; getrusage() scales the split to the exact
 * sum (cputime_adjust()).  So do we, so the columns mean what wait4's do.
 */
static void cputime_adjust(uint64_t ut, uint64_t st, uint64_t rt, uint64_t *u, uint64_t *s)
{
	if (ut + st == 0 || rt == 0) {
		*u = rt ? rt : ut;
		*s = rt ? 0 : st;
		return;
	}
	*s = (uint64_t)((unsigned __int128)rt * st / (ut + st));
	*u = rt - *s;
}

static int on_exit_rec(struct engine *e, const struct ptb_event *ev)
{
	struct csv_event row;
	char comm[PTB_COMM_LEN + 1];
	bool group = ev->flags & PTB_F_GROUP;
	int st = ev->status;

	row_init(&row, CSV_EXIT, ev);
	CSV_SET(&row, tid, CSV_F_TID, ev->tid);
	CSV_SET(&row, ppid, CSV_F_PPID, ev->ppid);
	CSV_SET(&row, group, CSV_F_GROUP, group);
	if ((st & 0x7f) == 0)
		CSV_SET(&row, code, CSV_F_CODE, (st >> 8) & 0xff);
	else if ((st & 0x7f) != 0x7f)
		CSV_SET(&row, signal, CSV_F_SIGNAL, st & 0x7f);
	row.comm = comm_of(ev->comm, comm);
	if (group) {
		uint64_t u, s;

		cputime_adjust(ev->utime_ns, ev->stime_ns, ev->runtime_ns, &u, &s);
		CSV_SET(&row, utime_ns, CSV_F_UTIME, u);
		CSV_SET(&row, stime_ns, CSV_F_STIME, s);
		CSV_SET(&row, maxrss_kb, CSV_F_MAXRSS, ev->maxrss_pages * (uint64_t)e->page_kb);
		CSV_SET(&row, minflt, CSV_F_MINFLT, ev->minflt);
		CSV_SET(&row, majflt, CSV_F_MAJFLT, ev->majflt);
		CSV_SET(&row, nvcsw, CSV_F_NVCSW, ev->nvcsw);
		CSV_SET(&row, nivcsw, CSV_F_NIVCSW, ev->nivcsw);
		COUNT_ADD(e, exits, 1);
		if (ev->pid == e->lv.root) {
			e->root_exit_seen = true;
			e->root_wstatus = st & 0xffff; /* the kernel's exit_code is one */
		}
	}
	return ptb_write_row(e, &row);
}

int ptb_on_record(void *ctx, void *data, size_t size)
{
	struct engine *e = ctx;
	const struct ptb_event *ev = data;

	if (size < sizeof(*ev)) {
		err_set("bpf: a record of %zu bytes is shorter than an event", size);
		errno = EPROTO;
		return -1;
	}
	switch (ev->kind) {
	case PTB_FORK: return on_fork(e, ev);
	case PTB_EXEC: return on_exec(e, ev, size);
	case PTB_EXIT: return on_exit_rec(e, ev);
	}
	err_set("bpf: a record of unknown kind %u", ev->kind);
	errno = EPROTO;
	return -1;
}
