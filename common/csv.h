/* SPDX-License-Identifier: MIT */
/*
 * The proctree CSV, version 1: the contract between engines and the
 * reconstructor.  docs/csv-format.md is the normative description; this
 * header is its one implementation (a streaming writer and a strict
 * streaming reader).
 *
 * Strings are arbitrary bytes except NUL.  An unknown value is an empty,
 * unquoted field; a known empty string is written as "".  In struct
 * csv_event an unknown string is NULL and an unknown number has its bit
 * clear in ->present.
 */
#ifndef PROCTREE_CSV_H
#define PROCTREE_CSV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CSV_FORMAT_NAME "proctree-csv"
#define CSV_FORMAT_VERSION 1

enum csv_kind {
	CSV_FORK,  /* pid/tid created child_pid/child_tid; thread=1 for CLONE_THREAD */
	CSV_EXEC,  /* pid exec'd filename; old_tid = the non-leader tid that called exec */
	CSV_EXIT,  /* tid of pid ended; group=1 when the whole process ended */
	CSV_LOST,  /* count events lost on cpu between time_ns and end_ns */
	CSV_ALIVE, /* pid still existed when recording stopped */
	CSV_KIND_COUNT
};

/* Numeric fields; a set bit in csv_event.present means "known". */
enum csv_field {
	CSV_F_TIME,	 /* time_ns: CLOCK_MONOTONIC ns */
	CSV_F_CPU,	 /* cpu */
	CSV_F_PID,	 /* pid: process id (tgid) the record is about */
	CSV_F_TID,	 /* tid: thread id that acted */
	CSV_F_PPID,	 /* ppid: parent pid when the engine knows it */
	CSV_F_CHILD_PID, /* fork: child's tgid */
	CSV_F_CHILD_TID, /* fork: child's tid */
	CSV_F_THREAD,	 /* fork: 1 when the child is a thread of pid */
	CSV_F_OLD_TID,	 /* exec: tid that called exec when it was not the leader */
	CSV_F_GROUP,	 /* exit: 1 when the whole process ended */
	CSV_F_CODE,	 /* exit: exit code 0..255 */
	CSV_F_SIGNAL,	 /* exit: fatal signal number */
	CSV_F_COUNT,	 /* lost: number of events lost */
	CSV_F_END,	 /* lost: end of the loss window, ns */
	CSV_F_UTIME,	 /* exit: user CPU time, ns */
	CSV_F_STIME,	 /* exit: system CPU time, ns */
	CSV_F_MAXRSS,	 /* exit: peak RSS, KiB */
	/* optional columns (a file may lack them) */
	CSV_F_ARGV_CUT, /* exec: 1 when argv was cut at the engine's cap */
	CSV_F_MINFLT,	/* exit: minor page faults */
	CSV_F_MAJFLT,	/* exit: major page faults */
	CSV_F_NVCSW,	/* exit: voluntary context switches */
	CSV_F_NIVCSW,	/* exit: involuntary context switches */
	CSV_F_EXISTING, /* fork: 1 when the child existed before recording began (-p) */
	CSV_F_COUNT_NUM
};

#define CSV_BIT(f) (1u << (f))
#define CSV_HAS(ev, f) (((ev)->present & CSV_BIT(f)) != 0)
/* CSV_SET(&ev, pid, CSV_F_PID, 42): set a numeric field and mark it known. */
#define CSV_SET(ev, member, f, val)          \
	do {                                 \
		(ev)->member = (val);        \
		(ev)->present |= CSV_BIT(f); \
	} while (0)

/**
 * struct csv_event - one row
 *
 * For the reader, string and argv pointers stay valid until the next
 * csv_reader_next() call.  argv is NULL when unknown; argc == 0 with a
 * non-NULL argv is a known empty argument list.
 */
struct csv_event {
	enum csv_kind kind;
	uint32_t present;
	uint64_t time_ns;
	int cpu;
	int pid, tid, ppid, child_pid, child_tid, old_tid;
	bool thread, group;
	int code, signal;
	uint64_t count, end_ns;
	uint64_t utime_ns, stime_ns, maxrss_kb;
	bool argv_cut; /* exec: argv holds only the first bytes (the engine's cap) */
	uint64_t minflt, majflt, nvcsw, nivcsw;
	bool existing;		/* fork: the child predates the recording (start unknown) */
	const char *comm;	/* comm of pid/tid (after exec for exec rows) */
	const char *child_comm; /* fork: the child's comm */
	const char *filename;	/* exec: the path passed to execve */
	const char *const *argv;
	int argc;
};

/**
 * struct csv_meta - the leading '#' lines
 *
 * Known keys are parsed into fields; every key/value (known or not) is also
 * kept in @keys/@values in file order so unknown engine-specific metadata
 * survives a read.  For the writer, unset pointers are simply not written.
 */
struct csv_meta {
	int version;
	const char *engine;
	const char *clock; /* always "CLOCK_MONOTONIC" in version 1 */
	const char *host;
	const char *kernel;
	int root_pid;		/* 0 when unknown */
	const char *pid_ns;	/* e.g. "pid:[4026531836]" */
	const char *start_wall; /* ISO 8601 UTC */
	uint64_t start_mono_ns; /* CLOCK_MONOTONIC at start_wall */
	char *const *command;	/* the workload's argv, NULL-terminated */
	int ncommand;
	/* extra "#key,value" lines (writer: written after the known ones) */
	const char *const *keys;
	const char *const *values;
	int nkeys;
};

/**
 * struct csv_trailer - the '#' lines after the last event
 *
 * @present is false when the file had no trailer (recording killed).
 */
struct csv_trailer {
	bool present;
	uint64_t events;      /* rows the engine wrote */
	uint64_t lost_events; /* events the kernel or engine reported lost */
	bool interrupted;     /* recording stopped by a signal or an error */
	uint64_t end_mono_ns;
	const char *const *keys; /* extra engine counts, "#key,value" */
	const char *const *values;
	int nkeys;
};

struct csv_writer;
struct csv_reader;

/* ---- writer ---- */

/**
 * csv_writer_new - start a CSV on @fd and write the metadata and header
 * @fd: open for writing; the writer does not close it unless @own_fd (then it
 *      is closed on failure too)
 * @meta: header metadata (->version is ignored: the writer writes its own)
 *
 * Rows are buffered and written with write(2) when the buffer fills and on
 * csv_writer_flush(); a recorder killed with SIGKILL loses at most one
 * buffer.  Returns NULL with err_msg() on failure.
 */
struct csv_writer *csv_writer_new(int fd, bool own_fd, const struct csv_meta *meta);

/**
 * csv_writer_open - csv_writer_new() on a file created (truncated) at @path
 *
 * The file is opened with outfile_open() ("-" is standard output): never
 * through a symlink, never onto another user's file.
 */
struct csv_writer *csv_writer_open(const char *path, const struct csv_meta *meta);

/**
 * csv_writer_event - append one row
 *
 * Returns 0, or -1 with err_msg() on a write error.
 */
int csv_writer_event(struct csv_writer *w, const struct csv_event *ev);

/** csv_writer_count - rows written so far */
uint64_t csv_writer_count(const struct csv_writer *w);

/** csv_writer_flush - write out buffered rows (and fdatasync when @sync) */
int csv_writer_flush(struct csv_writer *w, bool sync);

/**
 * csv_writer_finish - write the trailer and flush
 * @t: trailer; ->events is filled in by the writer when zero
 *
 * After this only csv_writer_free() may be called.
 */
int csv_writer_finish(struct csv_writer *w, const struct csv_trailer *t);

/** csv_writer_free - flush what is buffered (no trailer) and free */
void csv_writer_free(struct csv_writer *w);

/* ---- reader ---- */

/**
 * csv_reader_open - open @path ("-" is stdin) and read its metadata and header
 *
 * Fails (NULL, err_msg() "FILE:LINE: ...") on a missing or foreign format
 * line, an unsupported version, or a header lacking a required column.
 */
struct csv_reader *csv_reader_open(const char *path);

/**
 * csv_reader_new_mem - the same over a memory buffer (fuzzing, tests);
 * @name is used in error messages.  The buffer must outlive the reader.
 */
struct csv_reader *csv_reader_new_mem(const char *name, const char *buf, size_t len);

/**
 * csv_reader_next - read the next event row
 *
 * Returns 1 with *@ev filled, 0 at the end of the file (the trailer, if any,
 * is then available), or -1 on a bad row with err_msg() naming file and
 * line.  A truncated last row (file ends inside a row) is reported as -1
 * once with csv_reader_truncated() true; the next call returns 0.  After any
 * other error the reader should not be used further.
 */
int csv_reader_next(struct csv_reader *r, struct csv_event *ev);

/** csv_reader_meta - the parsed metadata */
const struct csv_meta *csv_reader_meta(const struct csv_reader *r);

/** csv_reader_trailer - the trailer, valid once csv_reader_next() returned 0 */
const struct csv_trailer *csv_reader_trailer(const struct csv_reader *r);

/** csv_reader_line - line number of the row last returned (1-based) */
unsigned long csv_reader_line(const struct csv_reader *r);

/** csv_reader_name - the file name used in messages */
const char *csv_reader_name(const struct csv_reader *r);

/** csv_reader_truncated - the file ended inside a row */
bool csv_reader_truncated(const struct csv_reader *r);

void csv_reader_free(struct csv_reader *r);

/* ---- helpers shared with other outputs ---- */

/** csv_kind_name - "fork", "exec", ... */
const char *csv_kind_name(enum csv_kind k);

/**
 * csv_put_field - append @s (@len bytes) to @fp as one RFC 4180 field,
 * quoted only when needed; a NULL @s writes an empty (unknown) field and an
 * empty non-NULL @s writes "".  Used by other CSV outputs (reconstruct
 * --format csv) so quoting lives in one place.
 */
int csv_put_field(FILE *fp, const char *s, size_t len);

#endif
