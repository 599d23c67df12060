// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "engine-private.h"
#include "procfs.h"

void engine_meta_init(struct engine_meta *em, const char *engine, pid_t root, char *const *command)
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

void engine_meta_add(struct engine_meta *em, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (em->nkeys == ENGINE_META_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(em->text[em->nkeys], sizeof(em->text[0]), fmt, ap);
	va_end(ap);
	em->keys[em->nkeys] = key;
	em->values[em->nkeys] = em->text[em->nkeys];
	em->nkeys++;
}

void engine_meta_keys(struct engine_meta *em, bool joined)
{
	int n = em->nkeys;

	if (joined) {
		em->keys[n] = "attached";
		em->values[n++] = "1";
	}
	em->meta.keys = em->keys;
	em->meta.values = em->values;
	em->meta.nkeys = n;
}

struct csv_writer *engine_csv_open(struct engine_meta *em, int *csv_fd, bool joined)
{
	struct csv_writer *w;

	engine_meta_keys(em, joined);
	w = csv_writer_new(*csv_fd, true, &em->meta);
	*csv_fd = -1; /* the writer owns it, or closed it when it failed */
	return w;
}

int engine_csv_finish(struct csv_writer *w, struct csv_trailer *tr, const char *const *keys,
		      const uint64_t *nums, int n)
{
	char text[ENGINE_TRAILER_MAX][24];
	const char *values[ENGINE_TRAILER_MAX];

	if (n > ENGINE_TRAILER_MAX)
		n = ENGINE_TRAILER_MAX;
	for (int i = 0; i < n; i++) {
		snprintf(text[i], sizeof(text[i]), "%llu", (unsigned long long)nums[i]);
		values[i] = text[i];
	}
	tr->keys = keys;
	tr->values = values;
	tr->nkeys = n;
	return csv_writer_finish(w, tr);
}
