// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "num.h"
#include "procfs.h"

char *procfs_read_file(const char *path, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int fd;

	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		err_set("%s: %s", path, strerror(e));
		free(buf);
		errno = e;
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *b = realloc(buf, cap * 2);

			if (!b) {
				errno = ENOMEM;
				goto error;
			}
			buf = b;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set("%s: %s", path, strerror(errno));
			goto error;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
error : {
	int e = errno;

	close(fd);
	free(buf);
	errno = e;
}
	return NULL;
}

int procfs_parse_stat(const char *text, size_t len, struct procfs_stat *st)
{
	const char *open = memchr(text, '(', len);
	const char *close = NULL, *p, *end = text + len;
	uint64_t v;
	int field;

	for (p = text + len; p > text; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!open || !close || close < open || close + 4 > end) {
		err_set("malformed stat line");
		errno = EINVAL;
		return -1;
	}
	memset(st, 0, sizeof(*st));
	if (num_parse_u64(text, (size_t)(open - 1 - text), INT_MAX, &v) < 0)
		return -1;
	st->pid = (pid_t)v;
	size_t clen = close - open - 1;

	if (clen >= sizeof(st->comm))
		clen = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, clen);
	st->comm[clen] = '\0';
	p = close + 2;
	st->state = *p;
	/* fields after the state: 4 ppid ... 22 starttime (1-based as in proc(5)) */
	for (field = 3; p < end && field < 22; field++) {
		const char *sp = memchr(p, ' ', end - p);
		const char *next;

		if (!sp) {
			err_set("short stat line");
			errno = EINVAL;
			return -1;
		}
		next = sp + 1;
		const char *fe = memchr(next, ' ', end - next);

		if (!fe)
			fe = end;
		if (field + 1 == 4 || field + 1 == 22) {
			size_t flen = fe - next;

			while (flen && (next[flen - 1] == '\n'))
				flen--;
			if (num_parse_u64(next, flen, UINT64_MAX, &v) < 0)
				return -1;
			if (field + 1 == 4)
				st->ppid = (pid_t)v;
			else
				st->starttime_ticks = v;
		}
		p = next;
	}
	return 0;
}

int procfs_read_stat(pid_t pid, struct procfs_stat *st)
{
	char path[64];
	size_t len;
	char *text;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = procfs_read_file(path, &len);
	if (!text)
		return -1;
	ret = procfs_parse_stat(text, len, st);
	if (ret < 0)
		err_prefix("%s: ", path);
	free(text);
	return ret;
}

int procfs_read_cmdline(pid_t pid, char ***argvp, int *argcp)
{
	char path[64];
	size_t len, i;
	int argc = 0, n = 0;
	char **argv;
	char *text;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	text = procfs_read_file(path, &len);
	if (!text)
		return -1;
	if (len == 0) {
		/* zombie or kernel thread: the arguments are gone */
		free(text);
		err_set("%s: empty", path);
		errno = ESRCH;
		return -1;
	}
	if (text[len - 1] != '\0')
		len++; /* last argument rewritten without NUL (setproctitle): keep it */
	for (i = 0; i < len; i++)
		if (text[i] == '\0')
			argc++;
	/* one block: the vector, then the strings */
	argv = malloc((argc + 1) * sizeof(char *) + len);
	if (!argv) {
		free(text);
		errno = ENOMEM;
		return -1;
	}
	char *strs = (char *)(argv + argc + 1);

	memcpy(strs, text, len);
	free(text);
	for (i = 0; i < len && n < argc; n++) {
		argv[n] = strs + i;
		i += strlen(strs + i) + 1;
	}
	argv[argc] = NULL;
	*argvp = argv;
	*argcp = argc;
	return 0;
}

void procfs_free_argv(char **argv)
{
	free(argv);
}

int procfs_read_comm(pid_t pid, char *buf, size_t size)
{
	char path[64], text[64];
	ssize_t len;
	int fd;

	/* one read: a comm is at most 15 bytes and a newline (the tracers call this per event) */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = read(fd, text, sizeof(text) - 1)) < 0 && errno == EINTR)
		;
	if (len < 0) {
		int e = errno;

		err_set("%s: %s", path, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	text[len] = '\0';
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	snprintf(buf, size, "%s", text);
	return 0;
}

bool procfs_exec_comm(const char *filename, char *buf, size_t size)
{
	const char *base;
	size_t len;

	if (!filename || !size || !strncmp(filename, "/dev/fd/", 8))
		return false;
	base = strrchr(filename, '/');
	base = base ? base + 1 : filename;
	len = strnlen(base, 15);
	if (len >= size)
		len = size - 1;
	memcpy(buf, base, len);
	buf[len] = '\0';
	return true;
}

int procfs_status_id(pid_t pid, const char *key, pid_t *out)
{
	char path[64], *text, *p, *end;
	size_t klen = strlen(key);
	uint64_t v;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	text = procfs_read_file(path, NULL);
	if (!text)
		return -1;
	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) || p[klen] != ':')
			continue;
		p += klen + 1;
		p += strspn(p, " \t");
		end = p + strcspn(p, "\n");
		if (num_parse_u64(p, (size_t)(end - p), INT32_MAX, &v) == 0) {
			*out = (pid_t)v;
			ret = 0;
		}
		break;
	}
	if (ret < 0) {
		err_set("%s: no valid %s line", path, key);
		errno = EINVAL;
	}
	free(text);
	return ret;
}

bool procfs_pid_alive(pid_t pid, bool not_zombie)
{
	struct procfs_stat st;

	if (!not_zombie)
		return kill(pid, 0) == 0 || errno == EPERM;
	if (procfs_read_stat(pid, &st) < 0)
		return false;
	return st.state != 'Z' && st.state != 'X';
}

int procfs_pid_ns(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/ns/pid", buf, size - 1);

	if (n < 0) {
		err_set("/proc/self/ns/pid: %s", strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	return 0;
}
