// SPDX-License-Identifier: MIT
/*
 * The reader thread of the engines that read a kernel buffer while the
 * workload runs (bpf, ftrace): started with every signal blocked (the
 * recorder's SIGINT forwarding and SIGCHLD are not for it), stopped by an
 * eventfd its poll() watches, its failure kept for finish() to report;
 * and the state such an engine keeps beside its own (struct engine_live).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "engine-private.h"
#include "err.h"

int engine_reader_init(struct engine_reader *r)
{
	memset(r, 0, sizeof(*r));
	r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->stop_fd < 0) {
		err_set("eventfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int engine_reader_start(struct engine_reader *r, void *(*fn)(void *), void *arg)
{
	if (engine_thread_start(&r->thread, fn, arg) < 0)
		return -1;
	r->running = true;
	return 0;
}

bool engine_reader_stopping(struct engine_reader *r)
{
	return __atomic_load_n(&r->stopping, __ATOMIC_ACQUIRE);
}

void engine_reader_fail(struct engine_reader *r, const char *msg)
{
	snprintf(r->err, sizeof(r->err), "%s", msg);
	r->failed = 1;
}

void engine_reader_stop(struct engine_reader *r)
{
	uint64_t one = 1;

	if (!r->running)
		return;
	__atomic_store_n(&r->stopping, 1, __ATOMIC_RELEASE);
	if (write(r->stop_fd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow with one write; nothing else to do */
	}
	pthread_join(r->thread, NULL);
	r->running = false;
}

int engine_reader_end(struct engine_reader *r, char *msg, size_t size)
{
	engine_reader_stop(r);
	if (!r->failed)
		return 0;
	snprintf(msg, size, "%s", r->err);
	return -1;
}

void engine_reader_close(struct engine_reader *r)
{
	engine_reader_stop(r);
	if (r->stop_fd >= 0)
		close(r->stop_fd);
	r->stop_fd = -1;
}

int engine_live_init(struct engine_live *lv, const struct engine_opts *opts, int default_ms)
{
	lv->csv_fd = -1;
	lv->root = -1;
	lv->command = opts->command;
	lv->joined = opts->joined;
	lv->interval_ms = opts->read_interval_ms > 0 ? opts->read_interval_ms : default_ms;
	return engine_reader_init(&lv->rd);
}

void *engine_live_new(size_t size, size_t offset, const struct engine_opts *opts, int default_ms)
{
	char *e = calloc(1, size);

	if (!e) {
		errno = ENOMEM;
		return NULL;
	}
	if (engine_live_init((struct engine_live *)(e + offset), opts, default_ms) < 0) {
		free(e);
		return NULL;
	}
	return e;
}

struct engine_meta *engine_live_meta(struct engine_live *lv, const char *name, pid_t root)
{
	engine_meta_init(&lv->em, name, root > 0 ? root : 0, lv->command);
	return &lv->em;
}

int engine_live_open(struct engine_live *lv)
{
	lv->w = engine_csv_open(&lv->em, &lv->csv_fd, lv->joined);
	return lv->w ? 0 : -1;
}

void engine_live_close(struct engine_live *lv)
{
	engine_reader_close(&lv->rd);
	if (lv->w)
		csv_writer_free(lv->w);
	lv->w = NULL;
	if (lv->csv_fd >= 0)
		close(lv->csv_fd);
	lv->csv_fd = -1;
}
