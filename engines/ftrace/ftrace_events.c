// SPDX-License-Identifier: MIT
/*
 * The ftrace engine's decoder: the formats of the model's events (only
 * those: loading every syscall event would cost a lot at start) parsed
 * from tracefs into a libtraceevent handle, which kevent decodes from.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "err.h"
#include "ftrace-private.h"

struct ftrace_decoder {
	struct tep_handle *tep;
	struct kevent_decoder *kd;
};

static int load_format(struct tep_handle *tep, enum kevent_kind k)
{
	const char *sys = kevent_system(k), *name = kevent_name(k);
	char *fmt;
	int size;

	fmt = tracefs_event_file_read(NULL, sys, name, "format", &size);
	if (!fmt) {
		err_set("tracefs has no event %s:%s (kernel built without it?)", sys, name);
		errno = ENOENT;
		return -1;
	}
	if (tep_parse_event(tep, fmt, size, sys) != 0) {
		free(fmt);
		err_set("cannot parse the format of %s:%s", sys, name);
		errno = EINVAL;
		return -1;
	}
	free(fmt);
	return 0;
}

struct ftrace_decoder *ftrace_decoder_new(void)
{
	struct ftrace_decoder *d = calloc(1, sizeof(*d));

	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->tep = tep_alloc();
	if (!d->tep) {
		errno = ENOMEM;
		goto error;
	}
	tep_set_long_size(d->tep, sizeof(long));
	tep_set_page_size(d->tep, getpagesize());
	tep_set_file_bigendian(d->tep,
			       tep_is_local_bigendian(d->tep) ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	for (int k = 0; k < KEVENT_KIND_COUNT; k++)
		if (load_format(d->tep, k) < 0)
			goto error;
	d->kd = kevent_decoder_new(d->tep, true);
	if (!d->kd)
		goto error;
	return d;
error:
	ftrace_decoder_free(d);
	return NULL;
}

int ftrace_decoder_enable(struct ftrace_decoder *d, struct tracefs_instance *inst)
{
	(void)d;
	for (int k = 0; k < KEVENT_KIND_COUNT; k++) {
		const char *sys = kevent_system(k), *name = kevent_name(k);

		/* direct write: tracefs_event_enable() matches regexes over every event */
		if (tracefs_event_file_write(inst, sys, name, "enable", "1") < 0) {
			err_set("cannot enable %s:%s: %s", sys, name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int ftrace_decoder_long_size(struct ftrace_decoder *d)
{
	return tep_get_long_size(d->tep);
}

int ftrace_decoder_decode(struct ftrace_decoder *d, void *data, int size, struct kevent *ev)
{
	return kevent_decode(d->kd, data, size, ev);
}

void ftrace_decoder_free(struct ftrace_decoder *d)
{
	if (!d)
		return;
	kevent_decoder_free(d->kd);
	tep_free(d->tep);
	free(d);
}
