// SPDX-License-Identifier: MIT
/*
 * Safe creation of output files.
 *
 * Why in place, with checks, rather than a new temporary file renamed over
 * the destination at the end: the CSV must be readable under the name the
 * user gave while recording goes on (engines write their rows out every
 * second so that a recorder killed with SIGKILL leaves them there, and
 * `tail -f` works), trace-cmd opens the .dat by name from another process,
 * and a FIFO or /dev/null must work as a destination.  A rename at the end
 * would leave a SIGKILLed recording's rows under a temporary name nobody
 * looks for.
 *
 * What makes it safe:
 * - a missing file is created with O_CREAT|O_EXCL, which never follows a
 *   symlink (a planted one makes it fail with EEXIST, and we look again);
 * - an existing file is opened with O_NOFOLLOW (a symlink fails with
 *   ELOOP) and O_NONBLOCK (a planted FIFO cannot block us), and is judged
 *   by fstat() of the descriptor we got, so it cannot be swapped between
 *   the check and the use;
 * - a regular file must be ours (not another user's: in a sticky /tmp an
 *   attacker's file is theirs to read back) and have a single link (a hard
 *   link planted to a file of ours would make us truncate that file);
 * - a FIFO or character device must be ours or root's (only root can make
 *   a root-owned one), anything else is refused;
 * - it is truncated only after these checks (O_TRUNC at open would cut a
 *   file we then refuse).
 * Only the last path component is checked: directories on the way are the
 * user's choice, and in a sticky directory nobody else can replace the file
 * we created once it exists.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "outfile.h"

bool outfile_is_stdout(const char *path)
{
	return path && !strcmp(path, "-");
}

static int refuse(int fd, const char *path, int err, const char *why)
{
	close(fd);
	err_set("%s: %s: refusing to write to it", path, why);
	errno = err;
	return -1;
}

/* Judge an existing file by its descriptor; -1 (fd closed) when refused. */
static int check_existing(int fd, const char *path)
{
	uid_t me = geteuid();
	struct stat st;
	char why[128];

	if (fstat(fd, &st) < 0) {
		int err = errno;

		close(fd);
		err_set("cannot create %s: %s", path, strerror(err));
		errno = err;
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		if (st.st_uid != me) {
			snprintf(why, sizeof(why), "owned by uid %u, not by us (uid %u)",
				 (unsigned)st.st_uid, (unsigned)me);
			return refuse(fd, path, EPERM, why);
		}
		if (st.st_nlink > 1) {
			snprintf(why, sizeof(why),
				 "it has %lu hard links (another name may be "
				 "a file of ours)",
				 (unsigned long)st.st_nlink);
			return refuse(fd, path, EPERM, why);
		}
		if (ftruncate(fd, 0) < 0) {
			int err = errno;

			close(fd);
			err_set("cannot truncate %s: %s", path, strerror(err));
			errno = err;
			return -1;
		}
		return 0;
	}
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		if (st.st_uid != me && st.st_uid != 0) {
			snprintf(why, sizeof(why), "a %s owned by uid %u, not by us (uid %u)",
				 S_ISFIFO(st.st_mode) ? "FIFO" : "device", (unsigned)st.st_uid,
				 (unsigned)me);
			return refuse(fd, path, EPERM, why);
		}
		return 0;
	}
	return refuse(fd, path, EINVAL, "not a regular file, FIFO or character device");
}

static int open_failed(const char *path, int err)
{
	if (err == ELOOP)
		err_set("%s: is a symbolic link: refusing to write through it", path);
	else if (err == ENXIO)
		err_set("%s: a FIFO with no reader", path);
	else
		err_set("cannot create %s: %s", path, strerror(err));
	errno = err;
	return -1;
}

int outfile_open(const char *path, bool allow_stdout)
{
	const int common = O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;

	if (allow_stdout && outfile_is_stdout(path)) {
		int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);

		if (fd < 0) {
			err_set("cannot write to standard output: %s", strerror(errno));
			return -1;
		}
		return fd;
	}
	/* a file that disappears between our two opens is looked at again */
	for (int attempt = 0; attempt < 8; attempt++) {
		int fd = open(path, common | O_CREAT | O_EXCL, 0644);

		if (fd < 0 && errno == EEXIST) {
			fd = open(path, common);
			if (fd < 0 && errno == ENOENT)
				continue;
			if (fd >= 0 && check_existing(fd, path) < 0)
				return -1;
		}
		if (fd < 0)
			return open_failed(path, errno);
		/* O_NONBLOCK was for opening a FIFO: writes block as usual */
		if (fcntl(fd, F_SETFL, 0) < 0) {
			int err = errno;

			close(fd);
			return open_failed(path, err);
		}
		return fd;
	}
	err_set("cannot create %s: it keeps disappearing", path);
	errno = EAGAIN;
	return -1;
}

int outfile_rewind(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		err_set("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		err_set("cannot truncate %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
