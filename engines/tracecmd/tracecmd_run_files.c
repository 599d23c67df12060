// SPDX-License-Identifier: MIT
/*
 * trace-cmd's per-CPU files: created by us (never through a symlink),
 * hard-linked as soon as its readers fill them so the data survives
 * trace-cmd failing to write the .dat (tcrun_restore()), and removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tracefs.h>

#include "clock.h"
#include "err.h"
#include "num.h"
#include "outfile.h"
#include "tracecmd_run-private.h"

static void cpu_file(const struct tcrun *r, int cpu, char *buf, size_t size)
{
	if (r->mode == TC_MODE_INSTANCE)
		snprintf(buf, size, "%s.%s.cpu%d", r->dat, r->instance, cpu);
	else
		snprintf(buf, size, "%s.cpu%d", r->dat, cpu);
}

/*
 * Our hard link to a per-CPU file: trace-cmd unlinks its own name even when
 * it fails.  The recorder's pid is in the name, so that what a recorder
 * killed with SIGKILL left is known as stale by the next one.
 */
static void keep_file(const struct tcrun *r, int cpu, char *buf, size_t size)
{
	snprintf(buf, size, "%s" TC_KEEP_INFIX "%d.cpu%d", r->dat, (int)getpid(), cpu);
}

/* Is @to a hard link of @from (the same file)? */
static bool same_file(const char *from, const char *to)
{
	struct stat a, b;

	return lstat(from, &a) == 0 && lstat(to, &b) == 0 && S_ISREG(b.st_mode) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Hard-link trace-cmd's per-CPU files as soon as its readers have created
 * them, so the data survives trace-cmd failing to write the .dat.
 */
void tcrun_keep_cpu_files(struct tcrun *r)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t until = clock_mono_ns() + 2000000000ull;
	char from[4096], to[4200];
	int have;

	if (ncpu < 1 || ncpu > 256)
		ncpu = 256;
	do {
		have = 0;
		for (int cpu = 0; cpu < 256; cpu++) {
			cpu_file(r, cpu, from, sizeof(from));
			keep_file(r, cpu, to, sizeof(to));
			/* link() never follows a symlink planted at @to: it fails */
			if (same_file(from, to) || link(from, to) == 0)
				have++;
			else if (errno == EEXIST && unlink(to) == 0 && link(from, to) == 0)
				have++; /* a stale name (ours from an earlier run of this pid) */
		}
		if (have >= ncpu)
			return;
		tcrun_sleep_ns(2000000);
	} while (clock_mono_ns() < until);
}

/*
 * trace-cmd opens its per-CPU files (<dat>.<instance>.cpuN) with
 * O_CREAT|O_TRUNC, following a symlink planted at that predictable name:
 * create them first ourselves, safely, so that it opens our files.  It
 * makes one per configured CPU.
 */
int tcrun_precreate_cpu_files(struct tcrun *r)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	char path[4200];

	if (ncpu < 1 || ncpu > 256)
		ncpu = 256;
	for (int cpu = 0; cpu < ncpu; cpu++) {
		int fd;

		cpu_file(r, cpu, path, sizeof(path));
		fd = outfile_open(path, false);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

/* Remove trace-cmd's scratch directory. */
void tcrun_remove_temp_files(struct tcrun *r)
{
	char path[4096];
	DIR *d;
	struct dirent *e;

	if (r->tmpdir[0]) {
		d = opendir(r->tmpdir);
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", r->tmpdir, e->d_name);
			unlink(path);
		}
		if (d)
			closedir(d);
		rmdir(r->tmpdir);
	}
}

/* Per-CPU files trace-cmd leaves when it fails to write the .dat. */
void tcrun_remove_cpu_files(struct tcrun *r)
{
	char path[4200];

	for (int cpu = 0; cpu < 256; cpu++) {
		cpu_file(r, cpu, path, sizeof(path));
		unlink(path);
		keep_file(r, cpu, path, sizeof(path));
		unlink(path);
	}
}

int tcrun_restore(struct tcrun *r)
{
	char *argv[264];
	int n = 0, nfiles = 0, ret = -1;

	argv[n++] = r->prog;
	argv[n++] = "restore";
	argv[n++] = "-o";
	argv[n++] = r->dat;
	for (int cpu = 0; cpu < 256; cpu++) {
		char path[4200];

		keep_file(r, cpu, path, sizeof(path));
		if (access(path, R_OK) < 0 || !(argv[n] = strdup(path)))
			break;
		n++;
		nfiles++;
	}
	argv[n] = NULL;
	if (!nfiles) {
		err_set("trace-cmd left no per-CPU data to rebuild %s from", r->dat);
		goto out;
	}
	/* restore reads saved_cmdlines too, and may lose the same race: retry */
	for (int attempt = 0; attempt < 5; attempt++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			break;
		if (pid == 0) {
			int devnull = open("/dev/null", O_RDWR);

			if (devnull >= 0) {
				dup2(devnull, 1);
				dup2(devnull, 2);
			}
			execv(r->prog, argv);
			_exit(127);
		}
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			ret = 0;
			goto out;
		}
		tcrun_sleep_ns(20000000);
	}
	err_set("trace-cmd restore could not rebuild %s", r->dat);
out:
	for (int i = 4; i < n; i++)
		free(argv[i]);
	return ret;
}

/* Kill what is left of trace-cmd's process group and undo tracing state. */
