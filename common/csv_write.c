// SPDX-License-Identifier: MIT
/*
 * Streaming CSV writer.  Engines call csv_writer_event() from their hot
 * path (a fork storm is tens of thousands of rows a second), so rows are
 * formatted straight into one buffer without stdio and written with
 * write(2) when it fills.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv-private.h"
#include "err.h"
#include "outfile.h"

#define WBUF_SIZE (256 * 1024)

struct csv_writer {
	int fd;
	bool own_fd;
	bool failed;
	int werrno; /* why it failed: said again by every later call, in any thread */
	uint64_t rows;
	size_t len;
	char buf[WBUF_SIZE];
	char *scratch; /* argv is encoded here first, then quoted into buf */
	size_t scratch_size;
};

const char *const csv_col_names[CSV_NCOLS] = {
	"kind",	     "time_ns",	 "cpu",	     "pid",	  "tid",   "ppid",	 "child_pid",
	"child_tid", "thread",	 "old_tid",  "group",	  "code",  "signal",	 "count",
	"end_ns",    "utime_ns", "stime_ns", "maxrss_kb", "comm",  "child_comm", "filename",
	"argv",	     "argv_cut", "minflt",   "majflt",	  "nvcsw", "nivcsw",	 "existing",
};

const signed char csv_col_field[CSV_NCOLS] = {
	-1,
	CSV_F_TIME,
	CSV_F_CPU,
	CSV_F_PID,
	CSV_F_TID,
	CSV_F_PPID,
	CSV_F_CHILD_PID,
	CSV_F_CHILD_TID,
	CSV_F_THREAD,
	CSV_F_OLD_TID,
	CSV_F_GROUP,
	CSV_F_CODE,
	CSV_F_SIGNAL,
	CSV_F_COUNT,
	CSV_F_END,
	CSV_F_UTIME,
	CSV_F_STIME,
	CSV_F_MAXRSS,
	-1,
	-1,
	-1,
	-1,
	CSV_F_ARGV_CUT,
	CSV_F_MINFLT,
	CSV_F_MAJFLT,
	CSV_F_NVCSW,
	CSV_F_NIVCSW,
	CSV_F_EXISTING,
};

static const char *const kind_names[CSV_KIND_COUNT] = {
	"fork", "exec", "exit", "lost", "alive",
};

const char *csv_kind_name(enum csv_kind k)
{
	return (unsigned)k < CSV_KIND_COUNT ? kind_names[k] : "?";
}

/* "cannot write /path/run.csv: No space left on device" (the path from /proc) */
static void werror(struct csv_writer *w, int err)
{
	char link[64], name[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", w->fd);
	n = readlink(link, name, sizeof(name) - 1);
	if (n > 0 && name[0] == '/') {
		name[n] = '\0';
		err_set("cannot write %s: %s", name, strerror(err));
	} else {
		err_set("cannot write the CSV: %s", strerror(err));
	}
	errno = err;
}

static int wflush(struct csv_writer *w)
{
	size_t off = 0;

	while (off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			w->failed = true;
			w->werrno = errno;
			werror(w, errno);
			return -1;
		}
		off += n;
	}
	w->len = 0;
	return 0;
}

/* Make room for @n more bytes; a field longer than the buffer is streamed. */
static int wreserve(struct csv_writer *w, size_t n)
{
	if (w->len + n <= WBUF_SIZE)
		return 0;
	return wflush(w);
}

static int wput(struct csv_writer *w, const char *s, size_t n)
{
	while (n) {
		size_t room;

		if (w->len == WBUF_SIZE && wflush(w) < 0)
			return -1;
		room = WBUF_SIZE - w->len;
		if (room > n)
			room = n;
		memcpy(w->buf + w->len, s, room);
		w->len += room;
		s += room;
		n -= room;
	}
	return 0;
}

static int wputc(struct csv_writer *w, char c)
{
	if (w->len == WBUF_SIZE && wflush(w) < 0)
		return -1;
	w->buf[w->len++] = c;
	return 0;
}

/* One field; NULL is unknown (nothing), "" is written as "". */
static int wfield(struct csv_writer *w, const char *s, size_t len)
{
	const char *p, *end = s + len;

	if (!s)
		return 0;
	if (!csv_needs_quote(s, len))
		return wput(w, s, len);
	if (wputc(w, '"') < 0)
		return -1;
	while (s < end) {
		p = memchr(s, '"', end - s);
		if (!p)
			p = end;
		if (wput(w, s, p - s) < 0)
			return -1;
		if (p < end && wput(w, "\"\"", 2) < 0)
			return -1;
		s = p < end ? p + 1 : end;
	}
	return wputc(w, '"');
}

static int wstr(struct csv_writer *w, const char *s)
{
	return wfield(w, s, s ? strlen(s) : 0);
}

static int wu64(struct csv_writer *w, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	return wput(w, tmp + i, sizeof(tmp) - i);
}

static int wnum(struct csv_writer *w, int64_t v)
{
	if (v < 0) {
		if (wputc(w, '-') < 0)
			return -1;
		return wu64(w, 0 - (uint64_t)v);
	}
	return wu64(w, (uint64_t)v);
}

/* argv as one nested record in w->scratch; returns its length or -1. */
static long encode_argv(struct csv_writer *w, const char *const *argv, int argc)
{
	size_t need = 0, len = 0;
	int i;

	for (i = 0; i < argc; i++)
		need += 2 * strlen(argv[i]) + 3;
	if (need + 1 > w->scratch_size) {
		char *n = realloc(w->scratch, need + 1);

		if (!n) {
			err_set("out of memory encoding argv");
			return -1;
		}
		w->scratch = n;
		w->scratch_size = need + 1;
	}
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t alen = strlen(a);

		if (i)
			w->scratch[len++] = ',';
		if (argc == 1 && alen == 0) {
			/* a lone empty argument must not read back as "no arguments" */
			w->scratch[len++] = '"';
			w->scratch[len++] = '"';
		} else if (!csv_needs_quote(a, alen) || alen == 0) {
			memcpy(w->scratch + len, a, alen);
			len += alen;
		} else {
			w->scratch[len++] = '"';
			for (; *a; a++) {
				if (*a == '"')
					w->scratch[len++] = '"';
				w->scratch[len++] = *a;
			}
			w->scratch[len++] = '"';
		}
	}
	return (long)len;
}

static int write_meta_line(struct csv_writer *w, const char *key, const char *const *vals, int n)
{
	int i;

	if (wputc(w, '#') < 0 || wput(w, key, strlen(key)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (wputc(w, ',') < 0 || wstr(w, vals[i]) < 0)
			return -1;
	return wputc(w, '\n');
}

static int write_meta_str(struct csv_writer *w, const char *key, const char *val)
{
	if (!val)
		return 0;
	return write_meta_line(w, key, &val, 1);
}

static int write_meta_u64(struct csv_writer *w, const char *key, uint64_t v)
{
	char tmp[24];
	const char *p = tmp;

	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	return write_meta_line(w, key, &p, 1);
}

static int write_meta(struct csv_writer *w, const struct csv_meta *m)
{
	int i;

	if (wput(w, "#" CSV_FORMAT_NAME ",1\n", strlen("#" CSV_FORMAT_NAME ",1\n")) < 0)
		return -1;
	if (write_meta_str(w, "engine", m->engine) < 0 ||
	    write_meta_str(w, "clock", "CLOCK_MONOTONIC") < 0 ||
	    write_meta_str(w, "host", m->host) < 0 || write_meta_str(w, "kernel", m->kernel) < 0)
		return -1;
	if (m->root_pid > 0 && write_meta_u64(w, "root_pid", (uint64_t)m->root_pid) < 0)
		return -1;
	if (write_meta_str(w, "pid_ns", m->pid_ns) < 0 ||
	    write_meta_str(w, "start_wall", m->start_wall) < 0)
		return -1;
	if (m->start_mono_ns && write_meta_u64(w, "start_mono_ns", m->start_mono_ns) < 0)
		return -1;
	if (m->command) {
		int n = m->ncommand;

		if (n <= 0)
			for (n = 0; m->command[n]; n++)
				;
		if (write_meta_line(w, "command", (const char *const *)m->command, n) < 0)
			return -1;
	}
	for (i = 0; i < m->nkeys; i++)
		if (write_meta_str(w, m->keys[i], m->values[i] ? m->values[i] : "") < 0)
			return -1;
	for (i = 0; i < CSV_NCOLS; i++) {
		if (i && wputc(w, ',') < 0)
			return -1;
		if (wput(w, csv_col_names[i], strlen(csv_col_names[i])) < 0)
			return -1;
	}
	return wputc(w, '\n');
}

struct csv_writer *csv_writer_new(int fd, bool own_fd, const struct csv_meta *meta)
{
	struct csv_writer *w = calloc(1, sizeof(*w));
	static const struct csv_meta empty;

	if (!w) {
		err_set("out of memory");
		goto error;
	}
	w->fd = fd;
	w->own_fd = own_fd;
	if (write_meta(w, meta ? meta : &empty) < 0 || wflush(w) < 0)
		goto error;
	return w;
error:
	if (own_fd)
		close(fd);
	free(w);
	return NULL;
}

struct csv_writer *csv_writer_open(const char *path, const struct csv_meta *meta)
{
	int fd = outfile_open(path, true);

	if (fd < 0)
		return NULL;
	struct csv_writer *w = csv_writer_new(fd, true, meta);

	if (!w)
		err_prefix("%s: ", path);
	return w;
}

int csv_writer_event(struct csv_writer *w, const struct csv_event *ev)
{
	int col;

	if (w->failed) {
		/* the error was set where it happened, maybe in another thread */
		werror(w, w->werrno);
		return -1;
	}
	/* numbers and short words: reserve once, format without checks */
	if (wreserve(w, 16 + CSV_NCOLS * 22) < 0)
		return -1;
	for (col = 0; col < CSV_NCOLS; col++) {
		int f = csv_col_field[col];

		if (col)
			w->buf[w->len++] = ',';
		if (col == CSV_C_KIND) {
			const char *k = csv_kind_name(ev->kind);

			memcpy(w->buf + w->len, k, strlen(k));
			w->len += strlen(k);
			continue;
		}
		if (f < 0)
			break; /* string columns follow */
		if (!(ev->present & CSV_BIT(f)))
			continue;
		switch (col) {
		case CSV_C_TIME: wu64(w, ev->time_ns); break;
		case CSV_C_CPU: wnum(w, ev->cpu); break;
		case CSV_C_PID: wnum(w, ev->pid); break;
		case CSV_C_TID: wnum(w, ev->tid); break;
		case CSV_C_PPID: wnum(w, ev->ppid); break;
		case CSV_C_CHILD_PID: wnum(w, ev->child_pid); break;
		case CSV_C_CHILD_TID: wnum(w, ev->child_tid); break;
		case CSV_C_THREAD: wnum(w, ev->thread); break;
		case CSV_C_OLD_TID: wnum(w, ev->old_tid); break;
		case CSV_C_GROUP: wnum(w, ev->group); break;
		case CSV_C_CODE: wnum(w, ev->code); break;
		case CSV_C_SIGNAL: wnum(w, ev->signal); break;
		case CSV_C_COUNT: wu64(w, ev->count); break;
		case CSV_C_END: wu64(w, ev->end_ns); break;
		case CSV_C_UTIME: wu64(w, ev->utime_ns); break;
		case CSV_C_STIME: wu64(w, ev->stime_ns); break;
		case CSV_C_MAXRSS: wu64(w, ev->maxrss_kb); break;
		}
	}
	if (wstr(w, ev->comm) < 0 || wputc(w, ',') < 0 || wstr(w, ev->child_comm) < 0 ||
	    wputc(w, ',') < 0 || wstr(w, ev->filename) < 0 || wputc(w, ',') < 0)
		return -1;
	if (ev->argv) {
		long n = encode_argv(w, ev->argv, ev->argc);

		if (n < 0 || wfield(w, w->scratch ? w->scratch : "", (size_t)n) < 0)
			return -1;
	}
	/* the optional numeric columns, after the strings */
	if (wreserve(w, 8 + (CSV_NCOLS - CSV_C_ARGV_CUT) * 22) < 0)
		return -1;
	for (col = CSV_C_ARGV_CUT; col < CSV_NCOLS; col++) {
		int f = csv_col_field[col];

		w->buf[w->len++] = ',';
		if (!(ev->present & CSV_BIT(f)))
			continue;
		switch (col) {
		case CSV_C_ARGV_CUT: wnum(w, ev->argv_cut); break;
		case CSV_C_MINFLT: wu64(w, ev->minflt); break;
		case CSV_C_MAJFLT: wu64(w, ev->majflt); break;
		case CSV_C_NVCSW: wu64(w, ev->nvcsw); break;
		case CSV_C_NIVCSW: wu64(w, ev->nivcsw); break;
		case CSV_C_EXISTING: wnum(w, ev->existing); break;
		}
	}
	if (wputc(w, '\n') < 0)
		return -1;
	w->rows++;
	return 0;
}

uint64_t csv_writer_count(const struct csv_writer *w)
{
	return w->rows;
}

int csv_writer_flush(struct csv_writer *w, bool sync)
{
	if (w->failed) {
		werror(w, w->werrno);
		return -1;
	}
	if (wflush(w) < 0)
		return -1;
	if (sync && fdatasync(w->fd) < 0 && errno != EINVAL && errno != EROFS) {
		err_set("cannot sync CSV: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int csv_writer_finish(struct csv_writer *w, const struct csv_trailer *t)
{
	static const struct csv_trailer empty;
	int i;

	if (!t)
		t = &empty;
	if (write_meta_u64(w, "events", t->events ? t->events : w->rows) < 0 ||
	    write_meta_u64(w, "lost_events", t->lost_events) < 0 ||
	    write_meta_u64(w, "interrupted", t->interrupted) < 0)
		return -1;
	if (t->end_mono_ns && write_meta_u64(w, "end_mono_ns", t->end_mono_ns) < 0)
		return -1;
	for (i = 0; i < t->nkeys; i++)
		if (write_meta_str(w, t->keys[i], t->values[i] ? t->values[i] : "") < 0)
			return -1;
	if (write_meta_line(w, "end", NULL, 0) < 0)
		return -1;
	return csv_writer_flush(w, false);
}

void csv_writer_free(struct csv_writer *w)
{
	if (!w)
		return;
	if (!w->failed)
		wflush(w);
	if (w->own_fd)
		close(w->fd);
	free(w->scratch);
	free(w);
}

int csv_put_field(FILE *fp, const char *s, size_t len)
{
	size_t i;

	if (!s)
		return 0;
	if (!csv_needs_quote(s, len))
		return fwrite(s, 1, len, fp) == len ? 0 : -1;
	if (fputc('"', fp) == EOF)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '"' && fputc('"', fp) == EOF)
			return -1;
		if (fputc(s[i], fp) == EOF)
			return -1;
	}
	return fputc('"', fp) == EOF ? -1 : 0;
}
