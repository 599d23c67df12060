/* SPDX-License-Identifier: MIT */
/*
 * Output files the recorder creates (the CSV, trace-cmd's .dat and the
 * files trace-cmd writes beside it), opened so that a planted symlink or a
 * file another user owns is never written through, even as root in a
 * sticky, world-writable directory such as /tmp.
 */
#ifndef PROCTREE_OUTFILE_H
#define PROCTREE_OUTFILE_H

#include <stdbool.h>

/**
 * outfile_is_stdout - does @path name standard output ("-")?
 */
bool outfile_is_stdout(const char *path);

/**
 * outfile_open - open @path for writing from its start, safely
 * @path: the file; "-" is standard output (a close-on-exec duplicate of
 *        fd 1) when @allow_stdout, else a file named "-"
 * @allow_stdout: whether "-" means standard output
 *
 * A missing file is created (mode 0644, O_EXCL: never through a symlink).
 * An existing one is opened with O_NOFOLLOW and checked on the descriptor
 * itself (no window between the check and the use): a symlink, a file
 * owned by another user, a regular file with other hard links, or anything
 * but a regular file, a FIFO or a character device (the last two owned by
 * us or by root) is refused.  A regular file is then truncated.
 *
 * Returns an O_CLOEXEC descriptor, or -1 with errno and a one-line
 * err_msg() that names @path.
 */
int outfile_open(const char *path, bool allow_stdout);

/**
 * outfile_rewind - start @fd (from outfile_open()) over: truncate a
 * regular file to zero and seek to its start
 *
 * Returns 0, or -1 with err_msg() naming @path when @fd cannot be
 * rewound (a pipe that was already written to).
 */
int outfile_rewind(int fd, const char *path);

#endif
