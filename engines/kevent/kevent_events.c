// SPDX-License-Identifier: MIT
/*
 * The one list of events the tracepoint engines use, and their decoding
 * from raw records through a libtraceevent handle: the ftrace engine's
 * (formats parsed from tracefs) or a .dat's (one per buffer instance).
 * Every field is found by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "err.h"
#include "kevent.h"

/* fields per event, in the order kevent_decode() reads them */
#define MAX_FIELDS 5

struct event_desc {
	const char *system, *name;
	bool required;
	const char *fields[MAX_FIELDS]; /* a leading '?' marks an optional field */
};

/* clang-format off */
static const struct event_desc descs[KEVENT_KIND_COUNT] = {
	[KEVENT_NEWTASK] = { "task", "task_newtask", false, { "pid", "comm", "clone_flags" } },
	[KEVENT_FORK] = { "sched", "sched_process_fork", true,
			  { "parent_comm", "parent_pid", "child_comm", "child_pid" } },
	[KEVENT_EXEC] = { "sched", "sched_process_exec", true, { "filename", "pid", "old_pid" } },
	[KEVENT_EXIT] = { "sched", "sched_process_exit", true, { "comm", "pid", "?group_dead" } },
	[KEVENT_EXIT_GROUP] = { "syscalls", "sys_enter_exit_group", false, { "error_code" } },
	[KEVENT_EXIT_THREAD] = { "syscalls", "sys_enter_exit", false, { "error_code" } },
	[KEVENT_SIG_GENERATE] = { "signal", "signal_generate", false, { "sig", "pid", "result" } },
	[KEVENT_SIG_DELIVER] = { "signal", "signal_deliver", false, { "sig", "sa_handler" } },
};
/* clang-format on */

const char *kevent_system(enum kevent_kind k)
{
	return descs[k].system;
}

const char *kevent_name(enum kevent_kind k)
{
	return descs[k].name;
}

bool kevent_required(enum kevent_kind k)
{
	return descs[k].required;
}

struct kevent_decoder {
	struct tep_handle *tep;
	struct tep_format_field *common_pid, *common_type;
	struct {
		int id; /* -1: not decoded */
		struct tep_format_field *f[MAX_FIELDS];
	} ev[KEVENT_KIND_COUNT];
};

/* Event @k's id and fields in @d->tep: 0, or -1 with err_msg() when absent. */
static int find_event(struct kevent_decoder *d, enum kevent_kind k)
{
	const struct event_desc *desc = &descs[k];
	struct tep_event *event = tep_find_event_by_name(d->tep, desc->system, desc->name);

	if (!event) {
		err_set("no event %s:%s (kernel built without it?)", desc->system, desc->name);
		return -1;
	}
	for (int i = 0; i < MAX_FIELDS && desc->fields[i]; i++) {
		const char *name = desc->fields[i];
		bool optional = name[0] == '?';

		d->ev[k].f[i] = tep_find_field(event, optional ? name + 1 : name);
		if (!d->ev[k].f[i] && !optional) {
			err_set("event %s:%s has no field '%s' on this kernel", desc->system,
				desc->name, name);
			return -1;
		}
	}
	if (!d->common_pid) {
		d->common_pid = tep_find_common_field(event, "common_pid");
		d->common_type = tep_find_common_field(event, "common_type");
	}
	d->ev[k].id = event->id;
	return 0;
}

struct kevent_decoder *kevent_decoder_new(struct tep_handle *tep, bool need_all)
{
	struct kevent_decoder *d = calloc(1, sizeof(*d));

	if (!d) {
		err_set("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	d->tep = tep;
	for (int k = 0; k < KEVENT_KIND_COUNT; k++) {
		d->ev[k].id = -1;
		if (find_event(d, k) < 0) {
			memset(d->ev[k].f, 0, sizeof(d->ev[k].f));
			if (need_all)
				goto error;
		}
	}
	if (need_all && (!d->common_pid || !d->common_type)) {
		err_set("event formats lack common_pid/common_type");
		goto error;
	}
	return d;
error:
	errno = EINVAL;
	kevent_decoder_free(d);
	return NULL;
}

bool kevent_decoder_has(const struct kevent_decoder *d, enum kevent_kind k)
{
	return d->ev[k].id >= 0;
}

/* A field lies inside the record (a short or corrupt record decodes as "not ours"). */
static bool field_fits(const struct tep_format_field *f, int size)
{
	return f->offset >= 0 && f->size > 0 && f->offset + f->size <= size;
}

static bool read_num(const struct tep_format_field *f, const void *data, int size, long long *out)
{
	unsigned long long v;

	if (!f || !field_fits(f, size) ||
	    tep_read_number_field((struct tep_format_field *)f, data, &v) < 0)
		return false;
	/* sign-extend signed fields narrower than 64 bits */
	if ((f->flags & TEP_FIELD_IS_SIGNED) && f->size < 8) {
		int shift = 64 - 8 * f->size;

		*out = (long long)(v << shift) >> shift;
	} else {
		*out = (long long)v;
	}
	return true;
}

static bool read_pid(const struct tep_format_field *f, const void *data, int size, pid_t *out)
{
	long long v;

	if (!read_num(f, data, size, &v) || v < 0 || v > INT32_MAX)
		return false;
	*out = (pid_t)v;
	return true;
}

/*
 * A string field: a fixed char array, or a __data_loc / __rel_loc whose
 * 32-bit value holds the length (high half) and the offset (low half).
 * Copied into @buf (@cap bytes), or strndup'd into *@dup when @dup is set.
 * Returns false when the field is absent or points outside the record.
 */
static bool read_str(const struct tep_format_field *f, const void *data, int size, char *buf,
		     size_t cap, char **dup)
{
	const char *s;
	size_t len;

	if (!f || !field_fits(f, size))
		return false;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		unsigned long long v;
		size_t off;

		if (tep_read_number_field((struct tep_format_field *)f, data, &v) < 0)
			return false;
		off = v & 0xffff;
		len = (v >> 16) & 0xffff;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += f->offset + f->size;
		if (off + len > (size_t)size)
			return false;
		s = (const char *)data + off;
	} else {
		s = (const char *)data + f->offset;
		len = f->size;
	}
	len = strnlen(s, len);
	if (dup) {
		*dup = strndup(s, len);
		return *dup != NULL;
	}
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

#define COMM(ev, which) (ev)->which, sizeof((ev)->which), NULL

/* The fields of event @ev->kind; false when one is missing or outside the record. */
static bool read_fields(struct tep_format_field *const *f, const void *data, int size,
			struct kevent *ev)
{
	long long flags;

	switch (ev->kind) {
	case KEVENT_NEWTASK:
		if (!read_num(f[2], data, size, &flags))
			return false;
		ev->flags = (uint64_t)flags;
		return read_pid(f[0], data, size, &ev->pid) &&
		       read_str(f[1], data, size, COMM(ev, comm));
	case KEVENT_FORK:
		return read_str(f[0], data, size, COMM(ev, comm)) &&
		       read_pid(f[1], data, size, &ev->pid) &&
		       read_str(f[2], data, size, COMM(ev, comm2)) &&
		       read_pid(f[3], data, size, &ev->pid2) && ev->pid2 > 0;
	case KEVENT_EXEC:
		if (!read_pid(f[1], data, size, &ev->pid) || ev->pid <= 0)
			return false;
		if (!read_pid(f[2], data, size, &ev->pid2))
			ev->pid2 = ev->pid;
		/* an unreadable filename is unknown, the row says so */
		if (!read_str(f[0], data, size, NULL, 0, &ev->filename) && errno == ENOMEM)
			return false;
		return true;
	case KEVENT_EXIT:
		if (!read_num(f[2], data, size, &ev->num2))
			ev->num2 = -1;
		return read_str(f[0], data, size, COMM(ev, comm)) &&
		       read_pid(f[1], data, size, &ev->pid) && ev->pid > 0;
	case KEVENT_EXIT_GROUP:
	case KEVENT_EXIT_THREAD: return read_num(f[0], data, size, &ev->num);
	case KEVENT_SIG_GENERATE:
		return read_num(f[0], data, size, &ev->num) &&
		       read_pid(f[1], data, size, &ev->pid) &&
		       read_num(f[2], data, size, &ev->num2);
	case KEVENT_SIG_DELIVER:
		return read_num(f[0], data, size, &ev->num) &&
		       read_num(f[1], data, size, &ev->num2);
	default: return false;
	}
}

int kevent_decode(const struct kevent_decoder *d, const void *data, int size, struct kevent *ev)
{
	long long type;
	int k;

	if (!d->common_type || !read_num(d->common_type, data, size, &type))
		return 0;
	for (k = 0; k < KEVENT_KIND_COUNT; k++)
		if (d->ev[k].id >= 0 && d->ev[k].id == type)
			break;
	if (k == KEVENT_KIND_COUNT)
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->kind = k;
	if (!read_pid(d->common_pid, data, size, &ev->tid))
		return 0;
	errno = 0;
	if (!read_fields(d->ev[k].f, data, size, ev)) {
		int nomem = errno == ENOMEM;

		free(ev->filename);
		ev->filename = NULL;
		return nomem ? -1 : 0;
	}
	return 1;
}

void kevent_decoder_free(struct kevent_decoder *d)
{
	free(d);
}

void kevent_free(struct kevent *ev)
{
	if (!ev)
		return;
	free(ev->filename);
	free(ev);
}
