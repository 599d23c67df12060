/* SPDX-License-Identifier: MIT */
/* Helpers shared by the engines (not used by the recorder). */
#ifndef PROCTREE_ENGINE_PRIVATE_H
#define PROCTREE_ENGINE_PRIVATE_H

#include <pthread.h>
#include <sys/utsname.h>

#include "csv.h"
#include "engine.h"
#include "outfile.h" /* every engine creates its outputs with it */

/* Storage behind a struct csv_meta filled by engine_meta_init(). */
struct engine_meta {
	struct csv_meta meta;
	struct utsname uts;
	char pid_ns[64];
	char start_wall[48];
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
void engine_meta_init(struct engine_meta *em, const char *engine, pid_t root,
		      char *const *command);

/**
 * engine_meta_join - with -p, add "#attached,1" to the metadata keys
 * @keys: the engine's key array, with room for one more after @n
 * @values: likewise
 *
 * Returns the new number of keys.
 */
int engine_meta_join(const struct engine_opts *opts, const char **keys, const char **values,
		     int n);

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

#endif
