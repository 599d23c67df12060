// SPDX-License-Identifier: MIT
/*
 * Decoding raw ring-buffer records.  Only the formats of the events we use
 * are parsed (loading every syscall event would cost a lot at start), and
 * every field is found by name: layouts differ between kernels (6.18 made
 * the sched comms __data_loc strings; older kernels have char[16]).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event-parse.h>
#include <tracefs.h>

#include "err.h"
#include "ftrace-private.h"

/* fields per event, in the order of struct event_desc.fields */
#define MAX_FIELDS 5

struct event_desc {
	const char *system, *name;
	const char *fields[MAX_FIELDS]; /* required fields; a leading '?' marks optional */
};

static const struct event_desc descs[FTRACE_EV_KIND_COUNT] = {
	[FTRACE_EV_NEWTASK] = { "task", "task_newtask", { "pid", "comm", "clone_flags" } },
	[FTRACE_EV_FORK] = { "sched", "sched_process_fork",
			     { "parent_comm", "parent_pid", "child_comm", "child_pid" } },
	[FTRACE_EV_EXEC] = { "sched", "sched_process_exec", { "filename", "pid", "old_pid" } },
	[FTRACE_EV_EXIT] = { "sched", "sched_process_exit", { "comm", "pid", "?group_dead" } },
	[FTRACE_EV_EXIT_GROUP] = { "syscalls", "sys_enter_exit_group", { "error_code" } },
	[FTRACE_EV_EXIT_THREAD] = { "syscalls", "sys_enter_exit", { "error_code" } },
	[FTRACE_EV_SIG_GENERATE] = { "signal", "signal_generate", { "sig", "pid", "result" } },
	[FTRACE_EV_SIG_DELIVER] = { "signal", "signal_deliver", { "sig", "sa_handler" } },
};

struct ftrace_decoder {
	struct tep_handle *tep;
	struct tep_format_field *common_pid;
	struct {
		int id;
		struct tep_format_field *f[MAX_FIELDS];
	} ev[FTRACE_EV_KIND_COUNT];
	struct tep_format_field *common_type;
};

static int load_event(struct ftrace_decoder *d, enum ftrace_ev_kind k)
{
	const struct event_desc *desc = &descs[k];
	struct tep_event *event;
	char *fmt;
	int size;

	fmt = tracefs_event_file_read(NULL, desc->system, desc->name, "format", &size);
	if (!fmt) {
		err_set("tracefs has no event %s:%s (kernel built without it?)", desc->system,
			desc->name);
		errno = ENOENT;
		return -1;
	}
	if (tep_parse_event(d->tep, fmt, size, desc->system) != 0) {
		free(fmt);
		err_set("cannot parse the format of %s:%s", desc->system, desc->name);
		errno = EINVAL;
		return -1;
	}
	free(fmt);
	event = tep_find_event_by_name(d->tep, desc->system, desc->name);
	if (!event) {
		err_set("cannot find event %s:%s after parsing it", desc->system, desc->name);
		errno = EINVAL;
		return -1;
	}
	d->ev[k].id = event->id;
	for (int i = 0; i < MAX_FIELDS && desc->fields[i]; i++) {
		const char *name = desc->fields[i];
		bool optional = name[0] == '?';

		d->ev[k].f[i] = tep_find_field(event, optional ? name + 1 : name);
		if (!d->ev[k].f[i] && !optional) {
			err_set("event %s:%s has no field '%s' on this kernel", desc->system,
				desc->name, name);
			errno = EINVAL;
			return -1;
		}
	}
	if (!d->common_pid) {
		d->common_pid = tep_find_common_field(event, "common_pid");
		d->common_type = tep_find_common_field(event, "common_type");
	}
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
	tep_set_file_bigendian(d->tep, tep_is_local_bigendian(d->tep) ? TEP_BIG_ENDIAN :
				       TEP_LITTLE_ENDIAN);
	for (int k = 0; k < FTRACE_EV_KIND_COUNT; k++)
		if (load_event(d, k) < 0)
			goto error;
	if (!d->common_pid || !d->common_type) {
		err_set("event formats lack common_pid/common_type");
		errno = EINVAL;
		goto error;
	}
	return d;
error:
	ftrace_decoder_free(d);
	return NULL;
}

int ftrace_decoder_enable(struct ftrace_decoder *d, struct tracefs_instance *inst)
{
	(void)d;
	for (int k = 0; k < FTRACE_EV_KIND_COUNT; k++) {
		/* direct write: tracefs_event_enable() matches regexes over every event */
		if (tracefs_event_file_write(inst, descs[k].system, descs[k].name, "enable",
					     "1") < 0) {
			err_set("cannot enable %s:%s: %s", descs[k].system, descs[k].name,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

int ftrace_decoder_long_size(struct ftrace_decoder *d)
{
	return tep_get_long_size(d->tep);
}

/* A field lies inside the record (a short or corrupt record decodes as "not ours"). */
static bool field_fits(const struct tep_format_field *f, int size)
{
	return f->offset >= 0 && f->size > 0 && f->offset + f->size <= size;
}

static bool read_num(const struct tep_format_field *f, void *data, int size,
		     long long *out)
{
	unsigned long long v;

	if (!f || !field_fits(f, size) || tep_read_number_field((struct tep_format_field *)f,
								data, &v) < 0)
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

/*
 * A string field: a fixed char array, or a __data_loc / __rel_loc whose
 * 32-bit value holds the length (high half) and the offset (low half).
 * Returns false when the field is absent or points outside the record.
 */
static bool read_str(const struct tep_format_field *f, void *data, int size, char *buf,
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

int ftrace_decoder_decode(struct ftrace_decoder *d, void *data, int size, struct ftrace_ev *ev)
{
	long long type, v;
	int k;

	if (!read_num(d->common_type, data, size, &type))
		return 0;
	for (k = 0; k < FTRACE_EV_KIND_COUNT; k++)
		if (d->ev[k].id == type)
			break;
	if (k == FTRACE_EV_KIND_COUNT)
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->kind = k;
	if (!read_num(d->common_pid, data, size, &v))
		return 0;
	ev->tid = (pid_t)v;

	struct tep_format_field **f = d->ev[k].f;
	bool ok = true;

	switch (k) {
	case FTRACE_EV_NEWTASK:
		ok = read_num(f[0], data, size, &v) && read_str(f[1], data, size, ev->comm,
								  sizeof(ev->comm), NULL);
		ev->pid = (pid_t)v;
		ok = ok && read_num(f[2], data, size, (long long *)&ev->flags);
		break;
	case FTRACE_EV_FORK:
		ok = read_str(f[0], data, size, ev->comm, sizeof(ev->comm), NULL) &&
		     read_num(f[1], data, size, &v);
		ev->pid = (pid_t)v;
		ok = ok && read_str(f[2], data, size, ev->comm2, sizeof(ev->comm2), NULL) &&
		     read_num(f[3], data, size, &v);
		ev->pid2 = (pid_t)v;
		break;
	case FTRACE_EV_EXEC:
		ok = read_num(f[1], data, size, &v);
		ev->pid = (pid_t)v;
		ok = ok && read_num(f[2], data, size, &v);
		ev->pid2 = (pid_t)v;
		if (ok && !read_str(f[0], data, size, NULL, 0, &ev->filename)) {
			if (errno == ENOMEM)
				return -1;
			ev->filename = NULL; /* unknown, the row says so */
		}
		break;
	case FTRACE_EV_EXIT:
		ok = read_str(f[0], data, size, ev->comm, sizeof(ev->comm), NULL) &&
		     read_num(f[1], data, size, &v);
		ev->pid = (pid_t)v;
		if (!read_num(f[2], data, size, &ev->num2))
			ev->num2 = -1;
		break;
	case FTRACE_EV_EXIT_GROUP:
	case FTRACE_EV_EXIT_THREAD:
		ok = read_num(f[0], data, size, &ev->num);
		break;
	case FTRACE_EV_SIG_GENERATE:
		ok = read_num(f[0], data, size, &ev->num) && read_num(f[1], data, size, &v) &&
		     read_num(f[2], data, size, &ev->num2);
		ev->pid = (pid_t)v;
		break;
	case FTRACE_EV_SIG_DELIVER:
		ok = read_num(f[0], data, size, &ev->num) && read_num(f[1], data, size, &ev->num2);
		break;
	default:
		ok = false;
	}
	if (!ok) {
		free(ev->filename);
		ev->filename = NULL;
		return 0;
	}
	return 1;
}

void ftrace_decoder_free(struct ftrace_decoder *d)
{
	if (!d)
		return;
	tep_free(d->tep);
	free(d);
}
