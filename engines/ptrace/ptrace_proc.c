// SPDX-License-Identifier: MIT
/*
 * The one /proc read of the ptrace engine outside exec: the ids of a child
 * whose initial stop came before its parent's fork event.  Read while the
 * child is held stopped, it is only a fallback for when that event never
 * comes (the parent was SIGKILLed inside fork); the fork event, when it
 * comes, always wins.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "num.h"
#include "procfs.h"
#include "ptrace-private.h"

static int field(const char *text, const char *key, pid_t *out)
{
	const char *p = strstr(text, key), *end;
	uint64_t v;

	if (!p) {
		err_set("no %s", key);
		errno = EINVAL;
		return -1;
	}
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	if (num_parse_u64(p, (size_t)(end - p), INT_MAX, &v) < 0)
		return -1;
	*out = (pid_t)v;
	return 0;
}

int pt_proc_status_ids(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char path[64];
	char *text;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	text = procfs_read_file(path, NULL);
	if (!text)
		return -1;
	ret = field(text, "\nTgid:", tgid) < 0 || field(text, "\nPPid:", ppid) < 0 ? -1 : 0;
	if (ret < 0)
		err_prefix("%s: ", path);
	free(text);
	return ret;
}
