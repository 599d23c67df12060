/* SPDX-License-Identifier: MIT */
/* Helpers shared by the engines (not used by the recorder). */
#ifndef PROCTREE_ENGINE_PRIVATE_H
#define PROCTREE_ENGINE_PRIVATE_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/utsname.h>

#include "csv.h"
#include "engine.h"
#include "outfile.h" /* every engine creates its outputs with it */

#define ENGINE_META_MAX 8

/* Storage behind a struct csv_meta filled by engine_meta_init(). */
struct engine_meta {
	struct csv_meta meta;
	struct utsname uts;
	char pid_ns[64];
	char start_wall[48];
	/* the engine's own "#key,value" lines (engine_meta_add()), and room for #attached */
	const char *keys[ENGINE_META_MAX + 1], *values[ENGINE_META_MAX + 1];
	char text[ENGINE_META_MAX][PATH_MAX];
	int nkeys;
};

/**
 * engine_meta_init - fill the CSV metadata every engine writes
 * @em: storage (the meta points into it)
 * @engine: engine name
 * @root: the workload's pid as this engine sees it
 * @command: the workload's argv
 *
 * Stamps start_wall and start_mono_ns now.
 */
void engine_meta_init(struct engine_meta *em, const char *engine, pid_t root, char *const *command);

/**
 * engine_meta_add - one more of the engine's own "#@key,value" lines, the
 * value printf'd from @fmt (numbers, names, a path: at most ENGINE_META_MAX
 * lines of PATH_MAX - 1 bytes)
 */
void engine_meta_add(struct engine_meta *em, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * engine_meta_keys - point @em->meta at the engine's own lines (and, with
 * @joined, "#attached,1") for a writer the engine creates itself
 */
void engine_meta_keys(struct engine_meta *em, bool joined);

/**
 * engine_csv_open - the CSV writer on *@csv_fd with @em's metadata, the
 * engine's own lines from engine_meta_add() and, with @joined, "#attached,1"
 *
 * The writer owns the file from then on (closed when it fails): *@csv_fd
 * becomes -1.  Returns NULL with err_msg().
 */
struct csv_writer *engine_csv_open(struct engine_meta *em, int *csv_fd, bool joined);

#define ENGINE_TRAILER_MAX 16

/**
 * engine_csv_finish - write the trailer @tr (events, lost_events,
 * interrupted, end_mono_ns filled by the engine) with the engine's counts,
 * "#@keys[i],@nums[i]" (at most ENGINE_TRAILER_MAX), and #end
 */
int engine_csv_finish(struct csv_writer *w, struct csv_trailer *tr, const char *const *keys,
		      const uint64_t *nums, int n);

/**
 * engine_thread_start - pthread_create() with every signal blocked in the
 * new thread; 0, or -1 with err_msg()
 */
int engine_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

struct procfs_proc;

/**
 * engine_write_existing - the `fork` row (existing=1) of a process that was
 * running when the recording joined it
 * @p: the process as /proc showed it
 * @time_ns: the recording's start (#start_mono_ns): its own start is unknown
 *
 * Returns 0, or -1 with err_msg() on a write error.
 */
int engine_write_existing(struct csv_writer *w, const struct procfs_proc *p, uint64_t time_ns);

/* ---- engine_reader.c: a reader thread (bpf, ftrace) ---- */

/**
 * struct engine_reader - a thread reading a kernel buffer during the recording
 * @stop_fd: an eventfd the thread's poll() watches: written to stop it
 * @failed: the thread stopped on an error, @err says which
 */
struct engine_reader {
	pthread_t thread;
	bool running;
	int stop_fd;
	int stopping;
	int failed;
	char err[512];
};

/** engine_reader_init - make @r's stop_fd; 0, or -1 with err_msg() */
int engine_reader_init(struct engine_reader *r);

/**
 * engine_reader_start - run @fn(@arg) in a thread with every signal blocked
 * (the recorder's SIGINT forwarding and SIGCHLD are not for it); 0 or -1
 */
int engine_reader_start(struct engine_reader *r, void *(*fn)(void *), void *arg);

/** engine_reader_stopping - whether the thread was asked to stop */
bool engine_reader_stopping(struct engine_reader *r);

/** engine_reader_fail - the thread stops on an error: keep @msg for finish() */
void engine_reader_fail(struct engine_reader *r, const char *msg);

/**
 * engine_reader_end - stop the thread; -1 with why it failed in @msg when
 * it did, else 0
 */
int engine_reader_end(struct engine_reader *r, char *msg, size_t size);

/** engine_reader_stop - ask the thread to stop and wait for it (when running) */
void engine_reader_stop(struct engine_reader *r);

/** engine_reader_close - stop the thread and close the eventfd */
void engine_reader_close(struct engine_reader *r);

/**
 * struct engine_live - what an engine reading a kernel buffer while the
 * workload runs (bpf, ftrace) keeps beside its own state
 * @csv_fd: the CSV, created by new(), -1 once the writer @w owns it
 * @root: the workload's root, -1 before attach()/join()
 * @interval_ms: the reader's batching interval (--read-interval)
 */
struct engine_live {
	struct engine_meta em;
	int csv_fd;
	struct csv_writer *w;
	struct engine_reader rd;
	pid_t root;
	char *const *command;
	bool joined;
	int interval_ms;
	bool finished;
};

/**
 * engine_live_init - @lv from the recorder's options, its reader's stop_fd
 * made; @default_ms without --read-interval.  0, or -1 with err_msg().
 */
int engine_live_init(struct engine_live *lv, const struct engine_opts *opts, int default_ms);

/**
 * engine_live_new - calloc an engine of @size bytes whose struct
 * engine_live sits @offset bytes in, initialised by engine_live_init();
 * NULL with errno
 */
void *engine_live_new(size_t size, size_t offset, const struct engine_opts *opts, int default_ms);

/**
 * engine_live_meta - start @lv's CSV metadata (engine @name, @root; -1 when
 * the workload never started), stamped now; add the engine's own lines to
 * the result with engine_meta_add(), then call engine_live_open()
 */
struct engine_meta *engine_live_meta(struct engine_live *lv, const char *name, pid_t root);

/** engine_live_open - @lv's CSV writer with that metadata; 0, or -1 with err_msg() */
int engine_live_open(struct engine_live *lv);

/** engine_live_close - the reader stopped, the writer freed, the files closed */
void engine_live_close(struct engine_live *lv);

#endif
