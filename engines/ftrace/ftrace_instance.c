// SPDX-License-Identifier: MIT
/*
 * The private tracefs instance.  Everything this engine changes lives in
 * its own instance, so the machine's tracing state (top-level tracing_on,
 * other instances, other users' events) is never touched; removing the
 * instance undoes everything.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "err.h"
#include "ftrace-private.h"
#include "num.h"

/*
 * "proctree-<pid>" or "proctree-<pid>-<engine>" -> pid; 0 for names that
 * are not a recorder's (e.g. "proctree-test-..." used by tests).
 */
static pid_t instance_owner(const char *name)
{
	size_t plen = strlen(FTRACE_INSTANCE_PREFIX), n = 0;
	const char *p;
	uint64_t pid;

	if (strncmp(name, FTRACE_INSTANCE_PREFIX, plen))
		return 0;
	p = name + plen;
	while (isdigit((unsigned char)p[n]))
		n++;
	if (!n || (p[n] && p[n] != '-'))
		return 0;
	if (num_parse_u64(p, n, INT32_MAX, &pid) < 0 || !pid)
		return 0;
	return (pid_t)pid;
}

/*
 * Tracing and every event off, then rmdir.  The kernel's rmdir removes the
 * pid filter's probes before it disables the events; with the events still
 * on, each of those removals waited for an RCU grace period of its own
 * (/proc/PID/stack: synchronize_rcu under tracepoint_probe_unregister).
 * Measured here: rmdir alone 127 ms on average, events off then rmdir 84 ms.
 */
static int teardown(struct tracefs_instance *inst)
{
	tracefs_trace_off(inst);
	tracefs_instance_file_write(inst, "events/enable", "0");
	return tracefs_instance_destroy(inst);
}

static int destroy_by_name(const char *name)
{
	struct tracefs_instance *inst = tracefs_instance_alloc(NULL, name);
	int ret;

	if (!inst)
		return -1;
	ret = teardown(inst);
	tracefs_instance_free(inst);
	return ret;
}

static int remove_if_stale(const char *name, void *ctx)
{
	int *removed = ctx;
	pid_t owner = instance_owner(name);

	if (!owner || owner == getpid())
		return 0;
	if (kill(owner, 0) == 0 || errno != ESRCH)
		return 0; /* its recorder is alive (or not ours to judge) */
	if (destroy_by_name(name) == 0)
		(*removed)++;
	return 0;
}

int ftrace_instance_remove_stale(void)
{
	int removed = 0;

	/* a walk, not tracefs_instances(regex): 1.6.4 leaks the compiled regex */
	tracefs_instances_walk(remove_if_stale, &removed);
	return removed;
}

static int write_file(struct tracefs_instance *inst, const char *file, const char *val)
{
	if (tracefs_instance_file_write(inst, file, val) < 0) {
		err_set("cannot write '%s' to %s of tracefs instance %s: %s", val, file,
			tracefs_instance_get_name(inst), strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* The per-CPU size in KiB of a buffer_size_kb file ("1410"), 0 when unreadable. */
static uint64_t buffer_size_kb(struct tracefs_instance *inst)
{
	char *text = tracefs_instance_file_read(inst, "buffer_size_kb", NULL);
	uint64_t kb = 0;

	if (text && num_parse_u64(text, strcspn(text, " \n"), UINT64_MAX, &kb) < 0)
		kb = 0;
	free(text);
	return kb;
}

struct tracefs_instance *ftrace_instance_create(uint64_t buffer_kb, uint64_t min_kb,
						uint64_t *actual_kb)
{
	struct tracefs_instance *inst = NULL;
	char name[64], num[32];

	if (!tracefs_tracing_dir()) {
		err_set("tracefs is not mounted and cannot be mounted (need root; or use "
			"--processtree-engine ptrace)");
		errno = ENODEV;
		return NULL;
	}
	snprintf(name, sizeof(name), FTRACE_INSTANCE_PREFIX "%d", (int)getpid());
	/* Our own pid on a stale instance: its recorder died and the pid came back. */
	if (tracefs_instance_exists(name))
		destroy_by_name(name);
	errno = 0;
	inst = tracefs_instance_create(name);
	if (!inst) {
		int e = errno ? errno : EACCES;

		if (e == EACCES || e == EPERM || e == EROFS)
			err_set("no permission to create a tracefs instance in %s (need root or "
				"CAP_SYS_ADMIN; or use --processtree-engine ptrace)",
				tracefs_tracing_dir());
		else
			err_set("cannot create tracefs instance %s: %s", name, strerror(e));
		errno = e;
		return NULL;
	}
	if (tracefs_trace_off(inst) < 0) {
		err_set("cannot turn tracing off in instance %s: %s", name, strerror(errno));
		goto error;
	}
	if (write_file(inst, "trace_clock", "mono") < 0)
		goto error;
	*actual_kb = buffer_size_kb(inst);
	if (!buffer_kb && *actual_kb < min_kb)
		buffer_kb = min_kb;
	if (buffer_kb && buffer_kb != *actual_kb) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)buffer_kb);
		if (write_file(inst, "buffer_size_kb", num) < 0)
			goto error;
		/* the kernel rounds up to whole pages (1024 reads back as 1027) */
		*actual_kb = buffer_size_kb(inst);
		if (!*actual_kb)
			*actual_kb = buffer_kb;
	}
	/*
	 * Wake the reader on any data (the reader batches by itself); the
	 * default 50% would let a short run sit unread until the end.
	 */
	if (tracefs_file_exists(inst, "buffer_percent"))
		write_file(inst, "buffer_percent", "0");
	return inst;
error:
	ftrace_instance_destroy(inst);
	return NULL;
}

int ftrace_instance_follow(struct tracefs_instance *inst, pid_t root)
{
	char num[32];

	snprintf(num, sizeof(num), "%d", (int)root);
	if (write_file(inst, "set_event_pid", num) < 0)
		return -1;
	if (tracefs_option_enable(inst, TRACEFS_OPTION_EVENT_FORK) < 0) {
		err_set("cannot enable the event-fork option: %s", strerror(errno));
		return -1;
	}
	if (tracefs_trace_on(inst) < 0) {
		err_set("cannot turn tracing on in the instance: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* "overrun: 12\n" -> 12; absent lines read as 0 */
static uint64_t stats_value(const char *text, const char *key)
{
	const char *p = text;
	size_t klen = strlen(key);
	uint64_t v = 0;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			const char *s = p + klen + 1, *e;

			while (*s == ' ')
				s++;
			e = s;
			while (isdigit((unsigned char)*e))
				e++;
			if (num_parse_u64(s, (size_t)(e - s), UINT64_MAX, &v) < 0)
				v = 0;
			return v;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

int ftrace_instance_cpu_stats(struct tracefs_instance *inst, int cpu, struct ftrace_cpu_stats *st)
{
	char path[64], *text;
	int size;

	snprintf(path, sizeof(path), "per_cpu/cpu%d/stats", cpu);
	text = tracefs_instance_file_read(inst, path, &size);
	if (!text) {
		err_set("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	st->overrun = stats_value(text, "overrun");
	st->commit_overrun = stats_value(text, "commit overrun");
	st->dropped = stats_value(text, "dropped events");
	free(text);
	return 0;
}

int ftrace_instance_destroy(struct tracefs_instance *inst)
{
	int ret;

	if (!inst)
		return 0;
	ret = teardown(inst);
	if (ret < 0)
		err_set("cannot remove tracefs instance %s: %s", tracefs_instance_get_name(inst),
			strerror(errno));
	tracefs_instance_free(inst);
	return ret;
}
