// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "err.h"
#include "procfs.h"
#include "tracecmd_state.h"

/* Plain settings: restored by writing back what was read (normalized). */
static const char *const plain_files[] = {
	"trace_clock",	       "buffer_size_kb",	 "current_tracer",
	"set_event_pid",       "options/function-trace", "options/event-fork",
	"options/record-tgid", "options/overwrite",
};
#define NPLAIN (sizeof(plain_files) / sizeof(plain_files[0]))

struct tc_saved {
	char *path;  /* relative to the tracing dir */
	char *value; /* what to write back; NULL: the file did not exist */
};

struct tcstate {
	char *dir;
	char *tracing_on;
	char *set_event; /* one "system:event" per line */
	struct tc_saved plain[NPLAIN];
	struct tc_saved *filters; /* event filters that were not "none" */
	int nfilters;
	char changed[256];
};

static char *read_rel(const char *dir, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return procfs_read_file(path, NULL);
}

static int write_rel(const char *dir, const char *rel, const char *val, bool append)
{
	char path[4096];
	int fd, ret = 0;
	size_t len = strlen(val);

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -1;
	if (len && write(fd, val, len) != (ssize_t)len)
		ret = -1;
	close(fd);
	return ret;
}

/* "[local] global mono" -> "local"; "7 (expanded: 1408)" -> "1408"; trims. */
static char *normalize(const char *rel, char *v)
{
	char *p, *e;

	if (!v)
		return NULL;
	if (!strcmp(rel, "trace_clock") && (p = strchr(v, '[')) && (e = strchr(p, ']'))) {
		memmove(v, p + 1, (size_t)(e - p - 1));
		v[e - p - 1] = '\0';
	} else if (!strcmp(rel, "buffer_size_kb") && (p = strstr(v, "expanded: "))) {
		memmove(v, p + 10, strlen(p + 10) + 1);
	}
	for (e = v + strlen(v); e > v && (e[-1] == '\n' || e[-1] == ' ' || e[-1] == ')'); e--)
		;
	*e = '\0';
	return v;
}

static int save_filters(struct tcstate *s)
{
	char path[4096];
	DIR *sys, *evd;
	struct dirent *a, *b;
	int cap = 0;

	snprintf(path, sizeof(path), "%s/events", s->dir);
	sys = opendir(path);
	if (!sys)
		return -1;
	while ((a = readdir(sys))) {
		if (a->d_name[0] == '.' || a->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", s->dir, a->d_name);
		evd = opendir(path);
		if (!evd)
			continue;
		while ((b = readdir(evd))) {
			char rel[600], *v;

			if (b->d_name[0] == '.' || b->d_type != DT_DIR)
				continue;
			snprintf(rel, sizeof(rel), "events/%s/%s/filter", a->d_name, b->d_name);
			v = read_rel(s->dir, rel);
			if (!v || !strncmp(v, "none", 4)) {
				free(v);
				continue;
			}
			if (s->nfilters == cap) {
				struct tc_saved *n =
					realloc(s->filters, (cap ? cap * 2 : 16) * sizeof(*n));

				if (!n) {
					free(v);
					closedir(evd);
					closedir(sys);
					return -1;
				}
				s->filters = n;
				cap = cap ? cap * 2 : 16;
			}
			s->filters[s->nfilters].path = strdup(rel);
			s->filters[s->nfilters++].value = normalize(rel, v);
		}
		closedir(evd);
	}
	closedir(sys);
	return 0;
}

struct tcstate *tcstate_save(void)
{
	const char *dir = tracefs_tracing_dir();
	struct tcstate *s;
	size_t i;

	if (!dir) {
		err_set("cannot find tracefs (mount -t tracefs nodev /sys/kernel/tracing)");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->dir = strdup(dir)))
		goto error;
	s->tracing_on = normalize("tracing_on", read_rel(dir, "tracing_on"));
	s->set_event = read_rel(dir, "set_event");
	if (!s->tracing_on || !s->set_event)
		goto error;
	for (i = 0; i < NPLAIN; i++) {
		s->plain[i].path = strdup(plain_files[i]);
		s->plain[i].value = normalize(plain_files[i], read_rel(dir, plain_files[i]));
	}
	if (save_filters(s) < 0)
		goto error;
	return s;
error:
	err_set("cannot save the tracing settings in %s: %s", dir, strerror(errno));
	tcstate_free(s);
	return NULL;
}

int tcstate_restore(struct tcstate *s)
{
	const char *failed = NULL;
	char *line, *save = NULL, *copy;
	size_t i;
	int k;

	if (!s)
		return 0;
	write_rel(s->dir, "tracing_on", "0", false);
	/* set_event: truncating disables every event; then enable the saved ones */
	if (write_rel(s->dir, "set_event", "", false) < 0)
		failed = "set_event";
	copy = strdup(s->set_event);
	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (write_rel(s->dir, "set_event", line, true) < 0)
			failed = "set_event";
	free(copy);
	for (i = 0; i < NPLAIN; i++) {
		const char *v = s->plain[i].value;

		if (!v)
			continue;
		/* set_event_pid: an empty write clears it */
		if (write_rel(s->dir, s->plain[i].path, v, false) < 0)
			failed = s->plain[i].path;
	}
	/* trace-cmd writes "0" to every system's filter, clearing them all */
	for (k = 0; k < s->nfilters; k++)
		if (write_rel(s->dir, s->filters[k].path, s->filters[k].value, false) < 0)
			failed = s->filters[k].path;
	if (write_rel(s->dir, "tracing_on", s->tracing_on, false) < 0)
		failed = "tracing_on";
	if (failed) {
		err_set("cannot restore %s/%s: %s", s->dir, failed, strerror(errno));
		return -1;
	}
	return 0;
}

const char *tcstate_changed(struct tcstate *s)
{
	char *v;
	size_t i;

	v = normalize("tracing_on", read_rel(s->dir, "tracing_on"));
	if (!v || strcmp(v, s->tracing_on)) {
		free(v);
		return "tracing_on";
	}
	free(v);
	v = read_rel(s->dir, "set_event");
	if (!v || strcmp(v, s->set_event)) {
		free(v);
		return "set_event";
	}
	free(v);
	for (i = 0; i < NPLAIN; i++) {
		v = normalize(plain_files[i], read_rel(s->dir, plain_files[i]));
		if ((v == NULL) != (s->plain[i].value == NULL) ||
		    (v && strcmp(v, s->plain[i].value))) {
			snprintf(s->changed, sizeof(s->changed), "%s", plain_files[i]);
			free(v);
			return s->changed;
		}
		free(v);
	}
	return NULL;
}

void tcstate_free(struct tcstate *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < NPLAIN; i++) {
		free(s->plain[i].path);
		free(s->plain[i].value);
	}
	for (int k = 0; k < s->nfilters; k++) {
		free(s->filters[k].path);
		free(s->filters[k].value);
	}
	free(s->filters);
	free(s->tracing_on);
	free(s->set_event);
	free(s->dir);
	free(s);
}
