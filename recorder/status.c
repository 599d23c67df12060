// SPDX-License-Identifier: MIT
/*
 * The live status line and the closing summary.
 *
 * The status line must never end up inside COMMAND's output: a line drawn
 * with "\r\033[K" on the terminal COMMAND writes to sticks to whatever
 * COMMAND wrote last ("... 0 lostline2"), on screen and in the scrollback,
 * and its redraws erase a prompt COMMAND left without a newline.  strace
 * and perf draw nothing while the traced command runs, and their users
 * expect the command's terminal to stay its own.  So:
 *
 * - By default the line is shown only where COMMAND's output cannot go: on
 *   the recorder's terminal when neither COMMAND's standard output nor its
 *   standard error is that terminal.  That terminal is standard error when
 *   it is one (then COMMAND's standard error is the same: nothing is shown),
 *   else the controlling terminal (/dev/tty): `proctree-record -- make
 *   >build.log 2>&1` shows the line on the terminal while make writes to the
 *   log.  Nothing else writes there but what COMMAND writes to /dev/tty
 *   itself (a sudo or ssh prompt), which the drawing below keeps intact.
 * - --progress shows it on that terminal even when COMMAND writes to it;
 *   --no-progress (and -q, unless --progress) never.
 *
 * Wherever it is shown it is drawn the way apt draws its progress bar: the
 * terminal's last row is reserved for it by a scroll region (DECSTBM) over
 * the rows above, so everything written to the terminal scrolls above it
 * and into the scrollback without ever touching that row.  Each redraw
 * saves the cursor (DECSC, which also saves the character attributes),
 * moves to the last row, rewrites it and restores the cursor (DECRC): one
 * write(2), which the tty layer never interleaves with another process's
 * write, so COMMAND's next byte goes exactly where it would have gone, even
 * in the middle of a line.  At the end the row is cleared, the scroll
 * region reset and the cursor put back.  The text is kept shorter than the
 * row, so it never wraps.
 *
 * Limits, all confined to --progress on a terminal COMMAND writes to: a
 * full-screen COMMAND (an editor, top) sets its own scroll region and draws
 * on the last row; one that saves and restores the cursor itself (ESC 7 /
 * ESC 8) has its saved position replaced by a redraw's; after a resize the
 * terminal resets the region, so until the next tick (100 ms) output may
 * scroll the old status row up (a stale row of its own, never part of a
 * line).  Draws happen only while the recorder is in the terminal's
 * foreground process group (a background job writing to its terminal would
 * be stopped by SIGTTOU, or clutter the user's next command).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "procfs.h"
#include "recorder.h"

#define TICK_MS 100  /* size and foreground checks */
#define DRAW_TICKS 5 /* a redraw every 500 ms */

struct rec_status {
	const struct engine_ops *const *ops;
	struct engine *const *eng;
	int n;
	uint64_t start;
	int fd;		/* the terminal drawn on */
	bool own_fd;	/* /dev/tty, opened here */
	int rows, cols; /* the size the scroll region was set for; 0: not set */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
};

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The controlling terminal's device, from /proc/self/stat's tty_nr; 0 if none. */
static dev_t ctty_dev(void)
{
	char *text = procfs_read_file("/proc/self/stat", NULL), *p;
	int tty_nr = 0;

	/* "pid (comm) state ppid pgrp session tty_nr ...": comm may hold ')' */
	p = text ? strrchr(text, ')') : NULL;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %d", &tty_nr) != 1)
		tty_nr = 0;
	free(text);
	if (tty_nr == 0)
		return 0;
	return makedev((unsigned)(tty_nr >> 8) & 0xfff,
		       ((unsigned)tty_nr & 0xff) | (((unsigned)tty_nr >> 12) & 0xfff00));
}

/* The terminal @fd is (/dev/tty resolved to the controlling terminal), 0 if none. */
static dev_t tty_dev(int fd)
{
	struct stat sb;

	if (fd < 0 || !isatty(fd) || fstat(fd, &sb) < 0 || !S_ISCHR(sb.st_mode))
		return 0;
	if (sb.st_rdev == makedev(5, 0))
		return ctty_dev();
	return sb.st_rdev;
}

/* The whole of @s[0..len) to the terminal; a failed write just skips a frame. */
static void put(struct rec_status *s, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(s->fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* Not drawn from the background: SIGTTOU, or output over the user's next command. */
static bool foreground(int fd)
{
	pid_t fg = tcgetpgrp(fd);

	return fg < 0 || fg == getpgrp(); /* < 0: not our controlling terminal */
}

/* Reserve the last of @rows rows: scroll region 1..rows-1, cursor kept. */
static void setup(struct rec_status *s, int rows, int cols)
{
	char buf[64];
	int len;

	/*
	 * IND moves the cursor down a row, scrolling everything up when it is
	 * on the last row, so that row is free; DECSTBM homes the cursor, so it
	 * is saved around it; then back up to the row the text is on (IND,
	 * unlike a newline, keeps the column).
	 */
	len = snprintf(buf, sizeof(buf), "\033D\0337\033[1;%dr\0338\033[A", rows - 1);
	put(s, buf, (size_t)len);
	s->rows = rows;
	s->cols = cols;
}

/* Clear the reserved row and give the whole screen back. */
static void teardown(struct rec_status *s)
{
	char buf[64];
	int len;

	if (!s->rows)
		return;
	len = snprintf(buf, sizeof(buf), "\0337\033[%d;1H\033[0m\033[2K\033[r\0338", s->rows);
	put(s, buf, (size_t)len);
	s->rows = 0;
}

static void draw(struct rec_status *s, bool redraw)
{
	struct engine_stats st = { 0 };
	struct winsize ws = { 0 };
	uint64_t lost = 0;
	double t = (clock_mono_ns() - s->start) / 1e9;
	char text[256], buf[512];
	int len, width;

	if (!foreground(s->fd))
		return;
	if (ioctl(s->fd, TIOCGWINSZ, &ws) < 0 || ws.ws_row < 3 || ws.ws_col < 20) {
		teardown(s); /* too small (or gone) to spare a row */
		return;
	}
	if (ws.ws_row != s->rows || ws.ws_col != s->cols) {
		/* first draw, or a resize, which resets the terminal's region */
		setup(s, ws.ws_row, ws.ws_col);
		redraw = true;
	}
	if (!redraw)
		return;
	for (int i = 0; i < s->n; i++) {
		struct engine_stats e = { 0 };

		s->ops[i]->stats(s->eng[i], &e);
		if (i == 0)
			st = e;
		lost += e.lost;
	}
	snprintf(text, sizeof(text), "proctree-record: %.1fs  %llu %s  %llu alive  %llu lost", t,
		 (unsigned long long)st.procs, plural(st.procs, "process", "processes"),
		 (unsigned long long)st.alive, (unsigned long long)lost);
	/* shorter than the row: a character in the last column would wrap */
	width = s->cols - 1 < (int)sizeof(text) - 1 ? s->cols - 1 : (int)sizeof(text) - 1;
	len = snprintf(buf, sizeof(buf), "\0337\033[%d;1H\033[0m\033[2K%.*s\0338", s->rows, width,
		       text);
	put(s, buf, (size_t)len);
}

static void *status_main(void *arg)
{
	struct rec_status *s = arg;
	struct timespec until;

	pthread_mutex_lock(&s->lock);
	for (unsigned tick = 0; !s->stop; tick++) {
		draw(s, tick % DRAW_TICKS == 0);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += TICK_MS * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &until);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

struct rec_status *rec_status_start(const struct engine_ops *const *ops, struct engine *const *eng,
				    int n, enum rec_progress mode, bool csv_on_stdout)
{
	struct rec_status *s;
	sigset_t all, old;
	int fd = -1;
	bool own = false;
	dev_t term;

	if (mode == REC_PROGRESS_OFF || n == 0)
		return NULL;
	if (isatty(STDERR_FILENO)) {
		fd = STDERR_FILENO;
	} else {
		fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
		own = fd >= 0;
	}
	term = tty_dev(fd);
	/* COMMAND's standard error is ours; its standard output ours too, or with -o - our stderr */
	if (!term ||
	    (mode == REC_PROGRESS_AUTO && (tty_dev(STDERR_FILENO) == term ||
					   (!csv_on_stdout && tty_dev(STDOUT_FILENO) == term))))
		goto none;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto none;
	s->ops = ops;
	s->eng = eng;
	s->n = n;
	s->start = clock_mono_ns();
	s->fd = fd;
	s->own_fd = own;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* signals go to the main thread */
	if (pthread_create(&s->thread, NULL, status_main, s)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->cond);
		free(s);
		goto none;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return s;
none:
	if (own)
		close(fd);
	return NULL;
}

void rec_status_stop(struct rec_status *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	/*
	 * Even from the background: a region left set would confine the
	 * user's shell.  SIGTTOU blocked, as the thread has it: with TOSTOP
	 * set, the write would otherwise stop the recorder until brought back.
	 */
	if (s->rows) {
		sigset_t ttou, old;

		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		pthread_sigmask(SIG_BLOCK, &ttou, &old);
		teardown(s);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (s->own_fd)
		close(s->fd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

/* "3.4 MiB" */
static void human_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu %s", (unsigned long long)bytes,
			 plural(bytes, "byte", "bytes"));
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f %s", v, unit[u]);
}

/* " (2 without argv; --processtree-engine bpf or ptrace records argv)" */
static void argv_note(const struct engine_ops *ops, uint64_t unknown, char *buf, size_t size)
{
	const struct engine_ops *const *all = engine_all();
	size_t used;
	int k = 0, m = 0;

	buf[0] = '\0';
	if (!unknown)
		return;
	used = (size_t)snprintf(buf, size, " (%llu without argv", (unsigned long long)unknown);
	if (!(ops->caps & ENGINE_ARGV)) {
		for (int i = 0; all[i]; i++)
			m += (all[i]->caps & ENGINE_ARGV) != 0;
		for (int i = 0; all[i] && used < size; i++) {
			if (!(all[i]->caps & ENGINE_ARGV))
				continue;
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 k == 0	      ? "; --processtree-engine "
						 : k == m - 1 ? " or "
							      : ", ",
						 all[i]->name);
			k++;
		}
		if (k && used < size)
			used += (size_t)snprintf(buf + used, size - used, " records argv");
	}
	if (used < size)
		snprintf(buf + used, size - used, ")");
}

/* " and run.dat (3.4 MiB)", or " (run.dat: 3.4 MiB)" after a failure */
static void dat_note(const struct engine_ops *ops, const char *dat, bool ok, char *buf, size_t size)
{
	struct stat sb;
	char hs[32];

	buf[0] = '\0';
	if (!(ops->caps & ENGINE_DAT) || !dat || stat(dat, &sb) < 0 || !S_ISREG(sb.st_mode))
		return;
	human_size((uint64_t)sb.st_size, hs, sizeof(hs));
	snprintf(buf, size, ok ? " and %s (%s)" : " (%s: %s)", dat, hs);
}

void rec_summary(const struct engine_ops *const *ops, struct engine *const *eng, char *const *paths,
		 char *const *dats, const bool *ok, int n, int status, double seconds,
		 const char *fallback, int failed_exit)
{
	const char *where;
	char how[64], argv[160], dat[PATH_MAX + 64];

	if (status == REC_STATUS_UNKNOWN)
		snprintf(how, sizeof(how), "ended, how is not known (not our child)");
	else if (status < 0)
		snprintf(how, sizeof(how), "was still running when recording stopped");
	else if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "was killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	fprintf(stderr, "proctree-record: the command %s after %.2f s.", how, seconds);
	for (int i = 0; i < n; i++) {
		struct engine_stats st = { 0 };

		if (!eng[i])
			continue;
		ops[i]->stats(eng[i], &st);
		where = strcmp(paths[i], "-") ? paths[i] : "standard output";
		dat_note(ops[i], dats ? dats[i] : NULL, ok[i], dat, sizeof(dat));
		if (ok[i]) {
			argv_note(ops[i], st.argv_unknown, argv, sizeof(argv));
			fprintf(stderr,
				" %s: %llu %s, %llu %s%s, %llu lost %s%s, %llu still "
				"alive; wrote %s%s.",
				ops[i]->name, (unsigned long long)st.procs,
				plural(st.procs, "process", "processes"),
				(unsigned long long)st.execs, plural(st.execs, "exec", "execs"),
				argv, (unsigned long long)st.lost,
				plural(st.lost, "event", "events"),
				st.lost ? " (the tree may be incomplete)" : "",
				(unsigned long long)st.alive, where, dat);
		} else {
			fprintf(stderr, " %s: recording failed; %s may be incomplete%s.",
				ops[i]->name, where, dat);
		}
	}
	if (fallback && n == 1 && eng[0])
		fprintf(stderr, " Engine %s chosen by auto: %s.", ops[0]->name, fallback);
	if (failed_exit >= 0)
		fprintf(stderr, " Exit status %d: the recording failed.", failed_exit);
	fputc('\n', stderr);
}
