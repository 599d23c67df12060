// SPDX-License-Identifier: MIT
#include <string.h>

#include "clock.h"
#include "engine-private.h"
#include "procfs.h"

void engine_meta_init(struct engine_meta *em, const char *engine, pid_t root,
		      char *const *command)
{
	memset(em, 0, sizeof(*em));
	uname(&em->uts);
	if (procfs_pid_ns(em->pid_ns, sizeof(em->pid_ns)) < 0)
		em->pid_ns[0] = '\0';
	clock_wall_iso(em->start_wall, sizeof(em->start_wall));
	em->meta.start_mono_ns = clock_mono_ns();
	em->meta.engine = engine;
	em->meta.host = em->uts.nodename;
	em->meta.kernel = em->uts.release;
	em->meta.root_pid = root;
	em->meta.pid_ns = em->pid_ns[0] ? em->pid_ns : NULL;
	em->meta.start_wall = em->start_wall;
	em->meta.command = command;
}
