/* SPDX-License-Identifier: MIT */
/*
 * What a workload knows about its own process tree, written down for the
 * scenario tests (docs/scenarios.md is the reference for the format).
 *
 * Header-only on purpose: every workload is one self-contained program
 * that links with nothing of proctree, so a bug in the project cannot make
 * a workload agree with it.
 *
 * When PROCTREE_EXPECT names a file, every process of the workload appends
 * lines to it, each with a single write() on an O_APPEND descriptor, so
 * lines from concurrent processes never interleave.  Without it the
 * workloads run the same way and write nothing.
 *
 * Processes are named by labels, not pids: a label is the creator's label
 * plus ".N", the root is "r".  Pids are only data here (they wrap).
 */
#ifndef PROCTREE_WORKLOAD_EXPECT_H
#define PROCTREE_WORKLOAD_EXPECT_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define XP_LABEL_MAX 1024
#define XP_LINE_MAX 4096

static int xp_fd = -2; /* -2: not opened yet, -1: no PROCTREE_EXPECT */
static char xp_label[XP_LABEL_MAX] = "r";

static inline void xp_die(const char *what)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "workload %s: %s: %s\n", xp_label, what,
			 strerror(errno));

	if (write(2, buf, n) < 0)
		_exit(99);
	_exit(99);
}

static inline void xp_open(void)
{
	const char *path = getenv("PROCTREE_EXPECT");

	if (xp_fd != -2)
		return;
	if (!path || !*path) {
		xp_fd = -1;
		return;
	}
	xp_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (xp_fd < 0)
		xp_die("cannot open PROCTREE_EXPECT");
}

/* One line, one write(): O_APPEND makes it land whole at the end. */
static inline void __attribute__((format(printf, 1, 2))) xp_line(const char *fmt, ...)
{
	char buf[XP_LINE_MAX];
	va_list ap;
	int n;

	xp_open();
	if (xp_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(buf) - 1) {
		errno = EOVERFLOW;
		xp_die("expectation line too long");
	}
	buf[n++] = '\n';
	if (write(xp_fd, buf, n) != n)
		xp_die("cannot write PROCTREE_EXPECT");
}

/*
 * Byte strings (comm, filenames) are percent-encoded: every byte outside
 * '!'..'~', and '%' itself, becomes %HH.  The result has no spaces.
 */
static inline const char *xp_enc(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < outlen; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c > '~' || c == '%') {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = c;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * This process's pids as "OUTER:...:INNER", from the NSpid line of
 * /proc/self/status: the first one is the pid in the namespace of the /proc
 * mount, which is the pid a tracer running there sees.
 */
static inline const char *xp_pids(char *out, size_t outlen)
{
	char buf[2048];
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	char *p, *o = out;

	if (fd < 0)
		goto fallback;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		goto fallback;
	buf[n] = '\0';
	p = strstr(buf, "\nNSpid:");
	if (!p)
		goto fallback;
	p += 7;
	while (*p && *p != '\n') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		if (o != out && o < out + outlen - 1)
			*o++ = ':';
		while (*p >= '0' && *p <= '9' && o < out + outlen - 1)
			*o++ = *p++;
	}
	*o = '\0';
	if (o != out)
		return out;
fallback:
	snprintf(out, outlen, "%d", (int)getpid());
	return out;
}

/* proc LABEL PIDS CREATOR: written by the new process itself. */
static inline void xp_proc(const char *creator)
{
	char pids[128];

	xp_line("proc %s %s %s", xp_label, xp_pids(pids, sizeof(pids)), creator);
}

/* exec LABEL FILENAME =ARG...: one exec, with the argument vector it got. */
static inline void xp_exec_line(const char *filename, char *const argv[])
{
	char line[XP_LINE_MAX], enc[XP_LINE_MAX];
	size_t o;

	o = snprintf(line, sizeof(line), "exec %s %s", xp_label,
		     xp_enc(filename, enc, sizeof(enc)));
	/* "=" before each argument, so an empty one is still a field */
	for (int i = 0; argv[i] && o < sizeof(line); i++)
		o += snprintf(line + o, sizeof(line) - o, " =%s",
			      xp_enc(argv[i], enc, sizeof(enc)));
	if (o >= sizeof(line)) {
		errno = EOVERFLOW;
		xp_die("exec line too long");
	}
	xp_line("%s", line);
}

/*
 * The exec line of this program, written by itself: the filename from
 * AT_EXECFN (what was given to execve), argv as main() got it (before
 * getopt() permutes it).
 */
static inline void xp_exec(char *const argv[])
{
	const char *fn = (const char *)getauxval(AT_EXECFN);

	if (fn)
		xp_exec_line(fn, argv);
}

/* comm LABEL COMM: this process's comm now; written when it will not change again. */
static inline void xp_comm(void)
{
	char comm[32] = "", enc[128];

	if (prctl(PR_GET_NAME, comm) < 0)
		xp_die("PR_GET_NAME");
	xp_line("comm %s %s", xp_label, xp_enc(comm, enc, sizeof(enc)));
}

/* Set this process's label to PARENT.IDX (in the child, right after fork). */
static inline void xp_child_label(const char *parent, int idx)
{
	char tmp[XP_LABEL_MAX];

	/* a label too long to add ".IDX" to is a bug in the workload */
	if (snprintf(tmp, sizeof(tmp), "%s.%d", parent, idx) >= (int)sizeof(tmp))
		xp_die("label too long");
	memcpy(xp_label, tmp, sizeof(xp_label));
}

/*
 * xp_fork - fork child number @idx of this process
 *
 * In the child: the label becomes LABEL.idx and the proc line is written
 * before fork() returns there.  A fork that fails with EAGAIN (pid space or
 * a tracer still holding zombies) created nothing and is retried.
 */
static inline pid_t xp_fork(int idx)
{
	char parent[XP_LABEL_MAX];
	int tries = 0;
	pid_t pid;

	memcpy(parent, xp_label, sizeof(parent));
	while ((pid = fork()) < 0) {
		if (errno != EAGAIN || ++tries > 5000)
			xp_die("fork");
		usleep(2000);
	}
	if (pid == 0) {
		xp_child_label(parent, idx);
		xp_proc(parent);
	}
	return pid;
}

/* Write what a wait status says about the process @label. */
static inline void xp_status(const char *label, int status)
{
	if (WIFEXITED(status))
		xp_line("exit %s code %d", label, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		xp_line("exit %s signal %d", label, WTERMSIG(status));
}

/* waitpid() for @pid (label @label), then the exit line; returns the status. */
static inline int xp_wait(pid_t pid, const char *label)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			xp_die("waitpid");
	xp_status(label, status);
	return status;
}

/* Label of this process's child number @idx (for xp_wait). */
static inline const char *xp_child(int idx, char *out, size_t outlen)
{
	/* a label that does not fit would make the expectation wrong: fail loudly */
	if (snprintf(out, outlen, "%s.%d", xp_label, idx) >= (int)outlen)
		xp_die("label too long");
	return out;
}

/* Called first by every workload's main(): the root, or a program we exec'd. */
static inline void xp_start(unsigned watchdog_s)
{
	/*
	 * If a tracer swallows a signal or a stop, the workload would hang;
	 * the watchdog turns that into a visible SIGALRM death instead.
	 */
	alarm(watchdog_s);
	xp_open();
}

/*
 * xp_root - start the workload's root "r": it was exec'd by the recorder,
 * which is not part of the tree, so its creator is "-".
 */
static inline void xp_root(unsigned watchdog_s, char *const argv[])
{
	xp_start(watchdog_s);
	xp_proc("-");
	xp_exec(argv);
}

/* A one-shot gate between two processes: one side waits, the other opens. */
struct xp_gate {
	int fd[2];
};

static inline void xp_gate_init(struct xp_gate *g)
{
	if (pipe2(g->fd, O_CLOEXEC) < 0)
		xp_die("pipe");
}

static inline void xp_gate_open(struct xp_gate *g)
{
	if (write(g->fd[1], "x", 1) != 1)
		xp_die("gate write");
}

static inline void xp_gate_wait(struct xp_gate *g)
{
	char c;
	ssize_t n;

	while ((n = read(g->fd[0], &c, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		xp_die("gate read");
}

/* The directory this program lives in (the other workloads are there too). */
static inline const char *xp_bindir(char *out, size_t outlen)
{
	ssize_t n = readlink("/proc/self/exe", out, outlen - 1);
	char *slash;

	if (n < 0)
		xp_die("readlink /proc/self/exe");
	out[n] = '\0';
	slash = strrchr(out, '/');
	if (slash)
		*slash = '\0';
	return out;
}

/* Sleep @ms milliseconds, resuming after signals. */
static inline void xp_msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Never dump core for the children we crash on purpose. */
static inline void xp_no_core(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
}

#endif
