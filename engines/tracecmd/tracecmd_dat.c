// SPDX-License-Identifier: MIT
/*
 * The .dat file itself: checked before libtracecmd reads it, opened with
 * its buffer instances, one kevent decoder per event-format handle, and
 * the ring-buffer statistics trace-cmd saved at the end of the recording.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"
#include "err.h"
#include "num.h"
#include "tracecmd_convert-private.h"

/*
 * Exported by libtracecmd 1.3 but declared only in its private header:
 * the trace clock the file was recorded with and the per-CPU ring buffer
 * statistics trace-cmd saved at the end of the recording.
 */
const char *tracecmd_get_trace_clock(struct tracecmd_input *handle);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);
int tracecmd_cpus(struct tracecmd_input *handle);

/* The decoder of @h's event formats, shared by handles with one tep; NULL on ENOMEM. */
static struct tc_events *events_for(struct tc_conv *c, struct tracecmd_input *h)
{
	struct tep_handle *tep = tracecmd_get_tep(h);
	struct tc_events *x;

	for (int i = 0; i < c->nevs; i++)
		if (c->evs[i].tep == tep)
			return &c->evs[i];
	if (c->nevs == TC_MAX_HANDLES || !tep)
		return NULL;
	x = &c->evs[c->nevs];
	x->tep = tep;
	x->kd = kevent_decoder_new(tep, false);
	if (!x->kd)
		return NULL;
	c->nevs++;
	return x;
}

void tc_close_handles(struct tc_conv *c)
{
	/* instance handles hold a reference on the top handle's tep: close them first */
	for (int i = c->nhandles - 1; i >= 0; i--)
		tracecmd_close(c->handles[i]);
	c->nhandles = 0;
	for (int i = 0; i < c->nevs; i++)
		kevent_decoder_free(c->evs[i].kd);
	c->nevs = 0;
}

static bool clock_is_mono(const char *clock)
{
	const char *b;

	if (!clock)
		return false;
	/* either "mono" or the whole trace_clock file: "... [mono] ..." */
	b = strchr(clock, '[');
	if (b)
		return !strncmp(b, "[mono]", 6);
	return !strncmp(clock, "mono", 4) &&
	       (clock[4] == '\0' || clock[4] == '\n' || clock[4] == ' ');
}

/*
 * The fixed start of a .dat: "\x17\x08\x44tracing", the version as a
 * string, endianness, long size, page size.  Checked before tracecmd_open(),
 * which leaks on some early failures and says nothing useful about them.
 */
static int check_header(const char *dat)
{
	unsigned char h[64];
	ssize_t n;
	size_t v;
	FILE *fp = fopen(dat, "rb");

	if (!fp) {
		err_set("%s: %s", dat, strerror(errno));
		return -1;
	}
	n = (ssize_t)fread(h, 1, sizeof(h), fp);
	fclose(fp);
	if (n < 10 || memcmp(h, "\x17\x08\x44tracing", 10)) {
		err_set("%s: not a trace-cmd .dat file (no trace-cmd signature)", dat);
		errno = EINVAL;
		return -1;
	}
	for (v = 10; v < (size_t)n && h[v] >= '0' && h[v] <= '9'; v++)
		;
	/* version digits, NUL, endian, long size, 4 bytes of page size */
	if (v == 10 || v + 7 > (size_t)n || h[v] != '\0') {
		err_set("%s: truncated trace-cmd .dat file (incomplete header)", dat);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int tc_open_handles(struct tc_conv *c)
{
	struct tracecmd_input *top;
	struct stat sb;
	int n, i;

	if (stat(c->dat, &sb) < 0) {
		err_set("%s: %s", c->dat, strerror(errno));
		return -1;
	}
	if (check_header(c->dat) < 0)
		return -1;
	errno = 0;
	top = tracecmd_open(c->dat, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!top) {
		err_set("%s: not a readable trace-cmd .dat file (truncated or corrupt?)", c->dat);
		errno = errno ? errno : EINVAL;
		return -1;
	}
	c->handles[c->nhandles++] = top;
	n = tracecmd_buffer_instances(top);
	for (i = 0; i < n && c->nhandles < TC_MAX_HANDLES; i++) {
		struct tracecmd_input *b = tracecmd_buffer_instance_handle(top, i);

		if (!b) {
			err_set("%s: cannot read buffer '%s' (truncated or corrupt?)", c->dat,
				tracecmd_buffer_instance_name(top, i));
			goto error;
		}
		c->handles[c->nhandles++] = b;
	}
	c->cpu_stride = 1;
	for (i = 0; i < c->nhandles; i++) {
		const char *clock = tracecmd_get_trace_clock(c->handles[i]);
		struct tc_events *x;
		int ncpu = tracecmd_cpus(c->handles[i]);

		if (!clock && i)
			clock = tracecmd_get_trace_clock(top);
		if (ncpu > 0 && !clock_is_mono(clock) && !c->o->assume_mono) {
			err_set("%s: recorded with trace clock '%.32s', not mono: time stamps cannot "
				"be made CLOCK_MONOTONIC (record with trace-cmd record -C mono)",
				c->dat, clock ? clock : "local");
			errno = EINVAL;
			goto error;
		}
		if (ncpu > c->cpu_stride)
			c->cpu_stride = ncpu > TC_MAX_CPUS ? TC_MAX_CPUS : ncpu;
		x = events_for(c, c->handles[i]);
		tracecmd_set_private(c->handles[i], x);
	}
	for (i = 0; i < c->nevs; i++)
		if (kevent_decoder_has(c->evs[i].kd, KEVENT_FORK) &&
		    kevent_decoder_has(c->evs[i].kd, KEVENT_EXIT))
			break;
	if (i == c->nevs) {
		err_set("%s: no sched:sched_process_fork/sched_process_exit events in this trace "
			"(record them with trace-cmd record -e sched:sched_process_fork -e "
			"sched:sched_process_exec -e sched:sched_process_exit -e task:task_newtask)",
			c->dat);
		errno = EINVAL;
		goto error;
	}
	return 0;
error:
	tc_close_handles(c);
	return -1;
}

/* ---- ring buffer statistics: loss trace-cmd saw but no page reported ---- */

/*
 * The stats text is "CPU: N\nentries: ...\noverrun: N\n...dropped events: N\n"
 * per CPU, preceded by "Buffer: NAME" lines for instances.
 */
int tc_stats_lost(struct tc_conv *c)
{
	const char *s = tracecmd_get_cpustats(c->handles[0]), *line, *nl;
	int hidx = 0, cpu = -1;
	uint64_t sum = 0;

	for (line = s; line && *line; line = nl ? nl + 1 : NULL) {
		const char *v;
		uint64_t n;

		nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len > 8 && !strncmp(line, "Buffer: ", 8)) {
			size_t nlen = len - 8;

			hidx = -1;
			for (int i = 1; i < c->nhandles; i++) {
				const char *name =
					tracecmd_buffer_instance_name(c->handles[0], i - 1);

				if (name && strlen(name) == nlen && !memcmp(name, line + 8, nlen))
					hidx = i;
			}
			cpu = -1;
			continue;
		}
		if (len > 5 && !strncmp(line, "CPU: ", 5)) {
			int v2;
			char tmp[16];

			snprintf(tmp, sizeof(tmp), "%.*s", (int)(len - 5), line + 5);
			cpu = num_parse_int(tmp, 0, TC_MAX_CPUS - 1, &v2) < 0 ? -1 : v2;
			continue;
		}
		if (len > 9 && !strncmp(line, "overrun: ", 9))
			v = line + 9;
		else if (len > 16 && !strncmp(line, "dropped events: ", 16))
			v = line + 16;
		else
			continue;
		if (hidx < 0 || cpu < 0 || cpu >= c->cpu_stride ||
		    num_parse_u64(v, len - (size_t)(v - line), UINT64_MAX, &n) < 0 || !n)
			continue;
		/* loss the pages did not already report */
		uint64_t *seen = &c->cpu_missed[hidx * c->cpu_stride + cpu];

		if (n > *seen) {
			struct csv_event ev;

			kevent_lost_row(&ev, cpu, c->first_ts, c->last_ts, (long long)(n - *seen));
			sum += n - *seen;
			*seen = n;
			if (tc_emit(c, &ev) < 0)
				return -1;
		}
	}
	c->st.lost += sum;
	return 0;
}
