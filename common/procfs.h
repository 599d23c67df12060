/* SPDX-License-Identifier: MIT */
/*
 * /proc helpers.  Everything read from /proc about another process is racy
 * (it can exit or exec in between): callers treat failure as "unknown",
 * never as a value.
 */
#ifndef PROCTREE_PROCFS_H
#define PROCTREE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * struct procfs_stat - the parts of /proc/PID/stat we use
 *
 * comm is parsed from the first '(' to the *last* ')', so names with
 * spaces and parentheses ("dconf worker", "a) b") come out whole.
 */
struct procfs_stat {
	pid_t pid;
	char comm[64];
	char state;
	pid_t ppid;
	uint64_t starttime_ticks;
};

/**
 * procfs_read_stat - parse /proc/@pid/stat
 *
 * Returns 0, or -1 with errno (ENOENT/ESRCH when the process is gone) and err_msg().
 */
int procfs_read_stat(pid_t pid, struct procfs_stat *st);

/**
 * procfs_parse_stat - parse the text of a stat file (exposed for tests)
 */
int procfs_parse_stat(const char *text, size_t len, struct procfs_stat *st);

/**
 * procfs_read_cmdline - read /proc/@pid/cmdline as an argv vector
 * @argv: set to a malloc'd NULL-terminated vector; free with procfs_free_argv()
 * @argc: number of arguments
 *
 * Returns 0, or -1 (process gone, or a zombie whose cmdline is empty).
 */
int procfs_read_cmdline(pid_t pid, char ***argv, int *argc);

void procfs_free_argv(char **argv);

/**
 * procfs_read_comm - read /proc/@pid/comm without the trailing newline
 * @buf: at least 17 bytes
 */
int procfs_read_comm(pid_t pid, char *buf, size_t size);

/**
 * procfs_exec_comm - the comm the kernel gives a task that exec'd @filename:
 * its basename cut to 15 bytes
 *
 * Returns false (comm unknown) for a /dev/fd/ path: execveat() of a file
 * descriptor names the task after the file itself (6.18) or after the
 * descriptor's number (older kernels), which the path does not tell.
 */
bool procfs_exec_comm(const char *filename, char *buf, size_t size);

/**
 * procfs_status_id - a pid-valued line of /proc/@pid/status ("Tgid",
 * "PPid", "TracerPid": 0 when untraced)
 *
 * Returns 0, or -1 with err_msg() (gone, or no such valid line).
 */
int procfs_status_id(pid_t pid, const char *key, pid_t *out);

/** procfs_pid_alive - @pid exists (and is not a zombie when @not_zombie) */
bool procfs_pid_alive(pid_t pid, bool not_zombie);

/**
 * procfs_pid_ns - the pid namespace id of this process ("pid:[4026531836]")
 */
int procfs_pid_ns(char *buf, size_t size);

/**
 * procfs_read_file - read a whole small file into a malloc'd NUL-terminated buffer
 * @len: set to the length (without the NUL), may be NULL
 */
char *procfs_read_file(const char *path, size_t *len);

#endif
