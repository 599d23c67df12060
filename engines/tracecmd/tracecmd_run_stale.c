// SPDX-License-Identifier: MIT
/*
 * What recorders killed with SIGKILL left behind: their trace-cmd
 * instances, scratch directories and kept per-CPU files, known as stale by
 * the dead recorder's pid in their names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tracefs.h>

#include "clock.h"
#include "err.h"
#include "num.h"
#include "tracecmd_run-private.h"

static int stale_cb(const char *name, void *ctx)
{
	int *removed = ctx, pid;
	struct tracefs_instance *inst;

	if (strncmp(name, TC_INSTANCE_PREFIX, strlen(TC_INSTANCE_PREFIX)) ||
	    num_parse_int(name + strlen(TC_INSTANCE_PREFIX), 1, INT32_MAX, &pid) < 0)
		return 0;
	if (pid != getpid() && (kill(pid, 0) == 0 || errno != ESRCH))
		return 0;
	inst = tracefs_instance_alloc(NULL, name);
	if (inst && tracefs_instance_destroy(inst) == 0)
		(*removed)++;
	tracefs_instance_free(inst);
	return 0;
}

int tcrun_remove_stale(void)
{
	int removed = 0;

	tracefs_instances_walk(stale_cb, &removed);
	return removed;
}

/* "PID" then @end (e.g. "-XXXXXX" or ".cpuN"): the owning recorder's pid, or 0. */
static pid_t leading_pid(const char *s, const char **end)
{
	size_t n = strspn(s, "0123456789");
	int64_t pid;

	if (!n || num_parse_i64(s, n, 1, INT32_MAX, &pid) < 0)
		return 0;
	*end = s + n;
	return (pid_t)pid;
}

/* A recorder that is gone (never ourselves). */
static bool pid_dead(pid_t pid)
{
	return pid > 0 && pid != getpid() && kill(pid, 0) < 0 && errno == ESRCH;
}

/*
 * Empty and remove a scratch directory of a dead recorder, through
 * descriptors: nothing is followed, and a directory that is not ours (or
 * not a directory) is left alone.
 */
static bool remove_scratch_dir(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || !(d = fdopendir(fd))) {
		close(fd);
		return false;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return unlinkat(parent, name, AT_REMOVEDIR) == 0;
}

/*
 * In @dir: "*.proctree-keep-PID.cpuN" (our links) and "*.proctree-tc-PID.cpuN"
 * (trace-cmd's per-CPU files) of dead recorders, when they are our regular
 * files.
 */
static int remove_cpu_leftovers(const char *dir)
{
	static const char *const infix[] = { TC_KEEP_INFIX, "." TC_INSTANCE_PREFIX };
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), removed = 0;
	struct dirent *de;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		for (size_t i = 0; i < sizeof(infix) / sizeof(infix[0]); i++) {
			const char *p = strstr(de->d_name, infix[i]), *end;
			struct stat st;
			int cpu;
			pid_t pid;

			if (!p || !(pid = leading_pid(p + strlen(infix[i]), &end)) ||
			    strncmp(end, ".cpu", 4) ||
			    num_parse_int(end + 4, 0, INT32_MAX, &cpu) < 0)
				continue;
			if (!pid_dead(pid) ||
			    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
				continue;
			if (unlinkat(dirfd(d), de->d_name, 0) == 0)
				removed++;
			break;
		}
	}
	closedir(d);
	return removed;
}

int tcrun_remove_leftovers(const char *dat)
{
	const char *base = strrchr(TC_TMPDIR_PREFIX, '/') + 1;
	char dir[4096];
	const char *slash = dat ? strrchr(dat, '/') : NULL;
	int removed = 0, fd;
	struct dirent *de;
	DIR *d;

	/* scratch directories in /tmp: "proctree-tc-PID-XXXXXX" */
	fd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d && fd >= 0)
		close(fd);
	while (d && (de = readdir(d))) {
		const char *end;
		pid_t pid;

		if (strncmp(de->d_name, base, strlen(base)))
			continue;
		/*
		 * "proctree-tc-XXXXXX" without a pid: the name before the pid was
		 * added (2026-12-04); no recorder makes it now, so it is a killed
		 * old recorder's and nobody else removes it.
		 */
		if (strlen(de->d_name + strlen(base)) == 6 &&
		    !strchr(de->d_name + strlen(base), '-')) {
			removed += remove_scratch_dir(dirfd(d), de->d_name);
			continue;
		}
		if (!(pid = leading_pid(de->d_name + strlen(base), &end)) || *end != '-' ||
		    !pid_dead(pid))
			continue;
		removed += remove_scratch_dir(dirfd(d), de->d_name);
	}
	if (d)
		closedir(d);
	/* beside the .dat */
	if (dat) {
		if (slash)
			snprintf(dir, sizeof(dir), "%.*s",
				 (int)(slash - dat) ? (int)(slash - dat) : 1, dat);
		else
			snprintf(dir, sizeof(dir), ".");
		removed += remove_cpu_leftovers(dir);
	}
	return removed;
}

/* Instance files: NULL instance = top level. */
