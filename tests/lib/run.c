// SPDX-License-Identifier: MIT
/* Running a program and capturing its output, for tests (run.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run.h"

struct sink {
	int fd;
	char *buf;
	size_t len;
};

static void sink_read(struct sink *s)
{
	char chunk[4096];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	s->buf = realloc(s->buf, s->len + n + 1);
	cr_assert_not_null(s->buf);
	memcpy(s->buf + s->len, chunk, n);
	s->len += n;
}

static char *sink_text(struct sink *s, size_t *len)
{
	if (!s->buf)
		s->buf = malloc(1);
	cr_assert_not_null(s->buf);
	s->buf[s->len] = '\0';
	*len = s->len;
	return s->buf;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void child(char *const argv[], const struct run_opts *o, int in, int out, int err)
{
	if (o->timeout_s > 0)
		setpgid(0, 0);
	if (in < 0)
		in = open("/dev/null", O_RDONLY);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (o->dir && chdir(o->dir) < 0) {
		fprintf(stderr, "cannot enter %s: %s\n", o->dir, strerror(errno));
		_exit(127);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Feed the input, drain both outputs until they close, or until time is up. */
static bool pump(pid_t pid, const struct run_opts *o, int in, struct sink *out, struct sink *err)
{
	const char *input = o->input;
	size_t left = input ? strlen(input) : 0;
	long long deadline = o->timeout_s > 0 ? now_ms() + o->timeout_s * 1000LL : 0;

	while (out->fd >= 0 || err->fd >= 0) {
		struct pollfd p[3] = { { out->fd, POLLIN, 0 },
				       { err->fd, POLLIN, 0 },
				       { left ? in : -1, POLLOUT, 0 } };
		int wait = -1;

		if (deadline) {
			long long ms = deadline - now_ms();

			if (ms <= 0) {
				kill(-pid, SIGKILL);
				if (in >= 0)
					close(in);
				return true;
			}
			wait = ms > 1000 ? 1000 : (int)ms;
		}
		if (poll(p, 3, wait) < 0) {
			cr_assert_eq(errno, EINTR, "poll: %s", strerror(errno));
			continue;
		}
		if (p[0].revents)
			sink_read(out);
		if (p[1].revents)
			sink_read(err);
		if (p[2].revents & (POLLERR | POLLHUP)) {
			left = 0;
		} else if (p[2].revents) {
			ssize_t n = write(in, input, left);

			if (n > 0) {
				input += n;
				left -= n;
			} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
				left = 0;
			}
		}
		if (!left && in >= 0) {
			close(in);
			in = -1;
		}
	}
	if (in >= 0)
		close(in);
	return false;
}

struct run run_argv(char *const argv[], const struct run_opts *opts)
{
	static const struct run_opts none;
	const struct run_opts *o = opts ? opts : &none;
	int po[2], pe[2], pi[2] = { -1, -1 }, st;
	struct sink out = { 0 }, err = { 0 };
	struct run r = { 0 };
	void (*old_pipe)(int);
	pid_t pid;

	cr_assert(pipe2(po, O_CLOEXEC) == 0 && pipe2(pe, O_CLOEXEC) == 0, "pipe: %s",
		  strerror(errno));
	if (o->input)
		cr_assert_eq(pipe2(pi, O_CLOEXEC), 0, "pipe: %s", strerror(errno));
	pid = fork();
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0)
		child(argv, o, pi[0], po[1], pe[1]);
	if (o->timeout_s > 0)
		setpgid(pid, pid); /* both sides, so the group exists before we may kill it */
	close(po[1]);
	close(pe[1]);
	if (pi[0] >= 0)
		close(pi[0]);
	out.fd = po[0];
	err.fd = pe[0];
	old_pipe = signal(SIGPIPE, SIG_IGN); /* a program that does not read all its input */
	/* our end non-blocking: a child that writes a lot before it reads must not deadlock us */
	if (pi[1] >= 0)
		fcntl(pi[1], F_SETFL, O_NONBLOCK);
	r.timed_out = pump(pid, o, pi[1], &out, &err);
	signal(SIGPIPE, old_pipe);
	if (out.fd >= 0)
		close(out.fd);
	if (err.fd >= 0)
		close(err.fd);
	while (waitpid(pid, &st, 0) < 0)
		cr_assert_eq(errno, EINTR, "waitpid: %s", strerror(errno));
	r.signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + r.signal;
	r.out = sink_text(&out, &r.out_len);
	r.err = sink_text(&err, &r.err_len);
	return r;
}

struct run run_sh(const char *cmd, const struct run_opts *opts)
{
	return RUN(opts, "/bin/sh", "-c", (char *)cmd);
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
