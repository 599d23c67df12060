/* SPDX-License-Identifier: MIT */
/* Helpers shared by the engines (not used by the recorder). */
#ifndef PROCTREE_ENGINE_PRIVATE_H
#define PROCTREE_ENGINE_PRIVATE_H

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

#endif
