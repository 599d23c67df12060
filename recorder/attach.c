// SPDX-License-Identifier: MIT
/*
 * proctree-record -p PID: the checks before joining a running process, its
 * argv for the CSV, and waiting for its end without being its parent.
 * docs/attach.md.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "procfs.h"
#include "recorder.h"

/* How often the wait looks at rec_stop_now when no signal interrupts poll(). */
#define JOIN_POLL_MS 200

/* Whether @pid is this recorder or one of its ancestors (pid 1 always is). */
static bool is_ancestor(pid_t pid)
{
	pid_t p = getpid();

	for (int depth = 0; p > 0 && depth < 4096; depth++) {
		struct procfs_stat st;

		if (p == pid)
			return true;
		if (procfs_read_stat(p, &st) < 0)
			break;
		p = st.ppid;
	}
	return false;
}

int rec_join_check(int pid, pid_t *tgid)
{
	struct procfs_stat st;

	if (procfs_read_stat(pid, &st) < 0) {
		err_set("-p %d: no such process", pid);
		return -1;
	}
	if (st.state == 'Z' || st.state == 'X') {
		err_set("-p %d: the process has already exited (a zombie)", pid);
		return -1;
	}
	/* a thread's id: follow its process, as the user surely meant */
	if (procfs_status_id(pid, "Tgid", tgid) < 0 || *tgid <= 0)
		*tgid = pid;
	if (is_ancestor(*tgid)) {
		err_set("-p %d: %s (recording it would record the recorder itself)", pid,
			*tgid == getpid() ? "that is proctree-record itself"
					  : "proctree-record runs under it");
		return -1;
	}
	if (*tgid == 2 || st.ppid == 2) {
		err_set("-p %d: a kernel thread, not a process that runs programs", pid);
		return -1;
	}
	return 0;
}

char **rec_join_command(pid_t pid)
{
	char **argv = NULL, comm[64];
	int argc;

	if (procfs_read_cmdline(pid, &argv, &argc) == 0 && argc > 0)
		return argv;
	procfs_free_argv(argv);
	/* no cmdline (it exec'd nothing we can read): its comm, as ps shows it */
	if (procfs_read_comm(pid, comm, sizeof(comm)) < 0)
		snprintf(comm, sizeof(comm), "%d", (int)pid);
	/* one block, the vector then the string: procfs_free_argv() frees it */
	argv = malloc(2 * sizeof(*argv) + strlen(comm) + 1);
	if (!argv)
		return NULL;
	argv[0] = (char *)(argv + 2);
	memcpy(argv[0], comm, strlen(comm) + 1);
	argv[1] = NULL;
	return argv;
}

int rec_join_wait(pid_t pid)
{
	/* not its parent: no wait4(); a pidfd becomes readable when it exits */
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0) {
		if (errno == ESRCH)
			return 0; /* already gone */
		/* no pidfd (an old kernel): look for it in /proc */
		while (!rec_stop_now && procfs_pid_alive(pid, true))
			usleep(JOIN_POLL_MS * 1000);
		return 0;
	}
	while (!rec_stop_now) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n = poll(&pfd, 1, JOIN_POLL_MS);

		if (n < 0 && errno != EINTR) {
			err_set("poll: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (n > 0)
			break;
	}
	close(fd);
	return 0;
}
