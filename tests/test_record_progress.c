// SPDX-License-Identifier: MIT
/*
 * The live status line never mixes with the workload's output (issue 15,
 * item 5).  proctree-record runs on a pseudo-terminal (forkpty) with a
 * workload that prints continuously, each line in two writes with a
 * process started between them, so that redraws land in the middle of
 * lines.  What the terminal received is replayed through a small VT100
 * emulator (the sequences recorder/status.c uses, and the plain text the
 * workload writes; anything else fails the test), keeping the lines that
 * scroll off the top as a terminal's scrollback does; then every workload
 * line must be a row of its own, intact, exactly once, and nothing of the
 * status line may be left anywhere.
 *
 * The ptrace engine: no privilege needed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"
#include "tmpdir.h"

#define ROWS 24
#define COLS 100
#define NLINES 150

/* each line in two writes, a process (sleep) started between them */
#define WORKLOAD                                                                            \
	"i=0; while [ $i -lt " NLINES_S " ]; do printf 'line %04d begin-' $i; sleep 0.01; " \
	"printf 'end\\n'; i=$((i+1)); done"
#define NLINES_S "150"

/* ---- a VT100 subset ---- */

struct vt {
	char screen[ROWS][COLS + 1];
	int x, y;
	bool wrap;    /* the last column was written: the next character wraps */
	int top, bot; /* scroll region, 0-based, inclusive */
	int sx, sy;
	bool swrap;
	char **back; /* rows scrolled off the top of a region starting at row 0 */
	int nback, cap;
	int draws;     /* restores (ESC 8) after which the last row showed the status */
	char bad[256]; /* the first sequence it does not know, or a misplaced status */
};

static void vt_init(struct vt *v)
{
	memset(v, 0, sizeof(*v));
	for (int r = 0; r < ROWS; r++)
		memset(v->screen[r], ' ', COLS);
	v->bot = ROWS - 1;
}

static void vt_free(struct vt *v)
{
	for (int i = 0; i < v->nback; i++)
		free(v->back[i]);
	free(v->back);
}

static void vt_scroll_up(struct vt *v)
{
	if (v->top == 0) {
		if (v->nback == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 256;
			v->back = realloc(v->back, v->cap * sizeof(*v->back));
			cr_assert_not_null(v->back);
		}
		v->back[v->nback++] = strdup(v->screen[0]);
	}
	for (int r = v->top; r < v->bot; r++)
		memcpy(v->screen[r], v->screen[r + 1], COLS);
	memset(v->screen[v->bot], ' ', COLS);
}

static void vt_scroll_down(struct vt *v)
{
	for (int r = v->bot; r > v->top; r--)
		memcpy(v->screen[r], v->screen[r - 1], COLS);
	memset(v->screen[v->top], ' ', COLS);
}

/* LF and IND: down a row, scrolling the region at its bottom margin */
static void vt_index(struct vt *v)
{
	v->wrap = false;
	if (v->y == v->bot)
		vt_scroll_up(v);
	else if (v->y < ROWS - 1)
		v->y++;
}

static void vt_put(struct vt *v, char c)
{
	if (v->wrap) {
		v->x = 0;
		vt_index(v);
	}
	v->screen[v->y][v->x] = c;
	if (v->x == COLS - 1)
		v->wrap = true;
	else
		v->x++;
}

static bool is_status(const char *row)
{
	return strstr(row, "proctree-record: ") && strstr(row, " alive  ");
}

static void vt_restored(struct vt *v)
{
	if (is_status(v->screen[ROWS - 1]))
		v->draws++;
	for (int r = 0; r < ROWS - 1; r++)
		if (is_status(v->screen[r]) && !v->bad[0])
			snprintf(v->bad, sizeof(v->bad), "a status line on row %d: %.*s", r + 1,
				 COLS, v->screen[r]);
}

static void vt_csi(struct vt *v, const char *params, char final)
{
	int p[4] = { 0, 0, 0, 0 }, np = 0;

	for (const char *s = params; *s && np < 4;) {
		p[np++] = (int)strtol(s, NULL, 10); /* "" is 0, as a terminal reads it */
		s += strspn(s, "0123456789");
		if (*s == ';')
			s++;
		else if (*s)
			break;
	}
	switch (final) {
	case 'A': { /* CUU: up, not past the top margin from inside the region */
		int up = p[0] ? p[0] : 1, limit = v->y >= v->top ? v->top : 0;

		v->y = v->y - up < limit ? limit : v->y - up;
		v->wrap = false;
		return;
	}
	case 'H': /* CUP */
		v->y = (p[0] ? p[0] : 1) - 1;
		v->x = (np > 1 && p[1] ? p[1] : 1) - 1;
		v->y = v->y < 0 ? 0 : v->y >= ROWS ? ROWS - 1 : v->y;
		v->x = v->x < 0 ? 0 : v->x >= COLS ? COLS - 1 : v->x;
		v->wrap = false;
		return;
	case 'K': /* EL */
		if (p[0] == 0)
			memset(v->screen[v->y] + v->x, ' ', COLS - v->x);
		else if (p[0] == 1)
			memset(v->screen[v->y], ' ', v->x + 1);
		else
			memset(v->screen[v->y], ' ', COLS);
		return;
	case 'r': /* DECSTBM, then the cursor goes home */
		v->top = (np > 0 && p[0] ? p[0] : 1) - 1;
		v->bot = (np > 1 && p[1] ? p[1] : ROWS) - 1;
		if (v->top >= v->bot || v->bot >= ROWS) {
			v->top = 0;
			v->bot = ROWS - 1;
		}
		v->x = v->y = 0;
		v->wrap = false;
		return;
	case 'm': /* SGR: no colours here */ return;
	}
	if (!v->bad[0])
		snprintf(v->bad, sizeof(v->bad), "unknown sequence ESC [ %s %c", params, final);
}

static void vt_feed(struct vt *v, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\r') {
			v->x = 0;
			v->wrap = false;
		} else if (c == '\n') {
			vt_index(v);
		} else if (c == 033 && i + 1 < len) {
			char k = buf[++i];

			if (k == '7') {
				v->sx = v->x;
				v->sy = v->y;
				v->swrap = v->wrap;
			} else if (k == '8') {
				v->x = v->sx;
				v->y = v->sy;
				v->wrap = v->swrap;
				vt_restored(v);
			} else if (k == 'D') {
				vt_index(v);
			} else if (k == 'M') {
				if (v->y == v->top)
					vt_scroll_down(v);
				else if (v->y > 0)
					v->y--;
			} else if (k == '[') {
				char params[32];
				size_t n = 0;

				while (++i < len &&
				       (buf[i] == ';' || (buf[i] >= '0' && buf[i] <= '9')))
					if (n < sizeof(params) - 1)
						params[n++] = buf[i];
				params[n] = '\0';
				if (i < len)
					vt_csi(v, params, buf[i]);
			} else if (!v->bad[0]) {
				snprintf(v->bad, sizeof(v->bad), "unknown sequence ESC %c", k);
			}
		} else if (c >= ' ' && c < 127) {
			vt_put(v, (char)c);
		} else if (!v->bad[0]) {
			snprintf(v->bad, sizeof(v->bad), "unexpected byte %#x", c);
		}
	}
}

/* Every row ever shown (scrollback, then the screen), trailing blanks cut. */
static char **vt_rows(struct vt *v, int *n)
{
	char **rows = calloc(v->nback + ROWS + 1, sizeof(char *));

	*n = 0;
	for (int i = 0; i < v->nback + ROWS; i++) {
		char *r = strdup(i < v->nback ? v->back[i] : v->screen[i - v->nback]);
		size_t len = strlen(r);

		while (len && r[len - 1] == ' ')
			r[--len] = '\0';
		rows[(*n)++] = r;
	}
	return rows;
}

/* ---- running the recorder on a pseudo-terminal ---- */

struct pty_run {
	char *raw; /* every byte the terminal received */
	size_t len;
	int status;
};

/*
 * Run proctree-record with @opts on a new pseudo-terminal of ROWS x COLS,
 * which is its controlling terminal and its standard input, output and
 * error; with @redirect, standard output and error go to that file instead.
 */
static struct pty_run pty_record(char *const *opts, const char *csv, const char *redirect)
{
	struct winsize ws = { .ws_row = ROWS, .ws_col = COLS };
	struct pty_run r = { 0 };
	size_t cap = 0;
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, &ws);

	cr_assert_geq(pid, 0, "forkpty: %s", strerror(errno));
	if (pid == 0) {
		char *argv[32];
		int n = 0;

		argv[n++] = PROG_RECORD;
		argv[n++] = "-e";
		argv[n++] = "ptrace";
		argv[n++] = "-o";
		argv[n++] = (char *)csv;
		for (int i = 0; opts[i]; i++)
			argv[n++] = opts[i];
		argv[n++] = "--";
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = WORKLOAD;
		argv[n] = NULL;
		if (redirect) {
			int fd = open(redirect, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0)
				_exit(254);
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(255);
	}
	for (;;) {
		char buf[4096];
		ssize_t n = read(master, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* EIO: every process holding the terminal has gone */
			break;
		if (r.len + n + 1 > cap) {
			cap = (r.len + n + 1) * 2;
			r.raw = realloc(r.raw, cap);
			cr_assert_not_null(r.raw);
		}
		memcpy(r.raw + r.len, buf, n);
		r.len += n;
	}
	close(master);
	cr_assert_eq(waitpid(pid, &r.status, 0), pid);
	if (!r.raw)
		r.raw = calloc(1, 1);
	r.raw[r.len] = '\0';
	return r;
}

static char dir[64];

static void setup(void)
{
	tmpdir_make(dir, sizeof(dir), "progress");
}

static void teardown(void)
{
	tmpdir_cleanup();
}

/*
 * Every workload line is a row of its own, whole, exactly once; no row
 * holds a part of one.  Returns the number of faults, the first in @why.
 */
static int check_lines(char **rows, int n, char *why, size_t size)
{
	int seen[NLINES] = { 0 }, faults = 0;

	why[0] = '\0';
	for (int i = 0; i < n; i++) {
		int k;
		char want[64];

		if (!strstr(rows[i], "line ") && !strstr(rows[i], "begin-") &&
		    !strstr(rows[i], "end"))
			continue;
		if (sscanf(rows[i], "line %d", &k) == 1 && k >= 0 && k < NLINES) {
			snprintf(want, sizeof(want), "line %04d begin-end", k);
			if (!strcmp(rows[i], want)) {
				seen[k]++;
				continue;
			}
		}
		/* the end line, wrapped over rows, names the CSV */
		if (strstr(rows[i], "proctree-record: the command") || strstr(rows[i], "wrote "))
			continue;
		if (!faults++)
			snprintf(why, size, "row %d is not a whole workload line: '%s'", i,
				 rows[i]);
	}
	for (int k = 0; k < NLINES; k++) {
		if (seen[k] == 1)
			continue;
		if (!faults++)
			snprintf(why, size, "'line %04d begin-end' seen %d times", k, seen[k]);
	}
	return faults;
}

static void expect_every_line(char **rows, int n, const char *where)
{
	char why[256];

	cr_expect_eq(check_lines(rows, n, why, sizeof(why)), 0, "%s: %s", where, why);
}

static void expect_no_status_left(char **rows, int n, const char *where)
{
	for (int i = 0; i < n; i++)
		cr_expect(!is_status(rows[i]), "%s: a status line is left on row %d: '%s'", where,
			  i, rows[i]);
}

static void free_rows(char **rows, int n)
{
	for (int i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

TestSuite(record_progress, .init = setup, .fini = teardown, .timeout = 120);

/* --progress on the terminal the workload writes to: the reserved last row. */
Test(record_progress, forced_on_the_workloads_terminal_keeps_every_line)
{
	char csv[128];
	char *opts[] = { "--progress", NULL };
	struct pty_run r;
	struct vt v;
	char **rows;
	int n;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	r = pty_record(opts, csv, NULL);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x: %s", r.status,
		  r.raw);
	vt_init(&v);
	vt_feed(&v, r.raw, r.len);
	cr_expect_str_empty(v.bad, "%s", v.bad);
	/* a run of a few seconds: drawn several times, always on the last row */
	cr_expect_geq(v.draws, 3, "the status line was drawn %d times", v.draws);
	cr_expect_eq(v.top, 0, "the scroll region is given back");
	cr_expect_eq(v.bot, ROWS - 1, "the scroll region is given back");
	rows = vt_rows(&v, &n);
	expect_every_line(rows, n, "--progress");
	expect_no_status_left(rows, n, "--progress");
	/* the end line follows the last workload line */
	{
		int last = -1, summary = -1;

		for (int i = 0; i < n; i++) {
			if (!strcmp(rows[i], "line 0149 begin-end"))
				last = i;
			if (!strncmp(rows[i], "proctree-record: the command exited", 35))
				summary = i;
		}
		cr_expect(last >= 0 && summary == last + 1, "end line on row %d, last line on %d",
			  summary, last);
	}
	free_rows(rows, n);
	vt_free(&v);
	free(r.raw);
}

/* By default nothing is drawn where the workload writes: not one escape sequence. */
Test(record_progress, default_draws_nothing_on_the_workloads_terminal)
{
	char csv[128];
	char *opts[] = { NULL };
	struct pty_run r;
	struct vt v;
	char **rows;
	int n;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	r = pty_record(opts, csv, NULL);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x", r.status);
	cr_expect_null(strchr(r.raw, '\033'), "an escape sequence was written");
	cr_expect_null(strstr(r.raw, " alive  "), "a status line was written");
	vt_init(&v);
	vt_feed(&v, r.raw, r.len);
	cr_expect_str_empty(v.bad, "%s", v.bad);
	rows = vt_rows(&v, &n);
	expect_every_line(rows, n, "default");
	free_rows(rows, n);
	vt_free(&v);
	free(r.raw);
}

/*
 * The workload's output (and the recorder's stderr) redirected to a file:
 * the line is drawn on the controlling terminal, which nothing else writes
 * to, and cleared at the end; the file holds every line and the end line.
 */
Test(record_progress, default_draws_on_the_terminal_when_the_output_goes_elsewhere)
{
	char csv[128], out[128];
	char *opts[] = { NULL };
	struct pty_run r;
	struct vt v;
	char **rows, *text, *save, *line;
	int n = 0, seen = 0;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(out, sizeof(out), "%s/out.txt", dir);
	r = pty_record(opts, csv, out);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x", r.status);
	vt_init(&v);
	vt_feed(&v, r.raw, r.len);
	cr_expect_str_empty(v.bad, "%s", v.bad);
	cr_expect_geq(v.draws, 3, "the status line was drawn %d times on /dev/tty", v.draws);
	rows = vt_rows(&v, &n);
	expect_no_status_left(rows, n, "/dev/tty");
	for (int i = 0; i < n; i++)
		cr_expect_str_empty(rows[i], "the terminal ends blank, row %d: '%s'", i, rows[i]);
	free_rows(rows, n);
	{
		FILE *fp = fopen(out, "r");
		size_t len;

		cr_assert_not_null(fp);
		text = calloc(1, 1 << 20);
		len = fread(text, 1, (1 << 20) - 1, fp);
		text[len] = '\0';
		fclose(fp);
	}
	cr_expect_null(strchr(text, '\033'), "nothing of the status line in the output file");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char want[64];

		if (!strncmp(line, "proctree-record: the command exited", 35))
			continue;
		snprintf(want, sizeof(want), "line %04d begin-end", seen);
		cr_expect_str_eq(line, want);
		seen++;
	}
	cr_expect_eq(seen, NLINES);
	free(text);
	vt_free(&v);
	free(r.raw);
}

/* --no-progress: nothing on the terminal, even where the line would be shown. */
Test(record_progress, no_progress_draws_nothing)
{
	char csv[128], out[128];
	char *opts[] = { "--no-progress", NULL };
	char *quiet[] = { "-q", NULL };
	struct pty_run r;

	snprintf(csv, sizeof(csv), "%s/run.csv", dir);
	snprintf(out, sizeof(out), "%s/out.txt", dir);
	r = pty_record(opts, csv, out);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x", r.status);
	cr_expect_eq(r.len, 0, "--no-progress wrote to the terminal: '%s'", r.raw);
	free(r.raw);
	r = pty_record(quiet, csv, out);
	cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0, "status %#x", r.status);
	cr_expect_eq(r.len, 0, "-q wrote to the terminal: '%s'", r.raw);
	free(r.raw);
}

/*
 * The check itself: the drawing before issue 15 ("\r\033[K" and the text,
 * on the workload's terminal) fails it, as it fails a human reading the
 * terminal ("... 0 lostline2").
 */
Test(record_progress, the_check_catches_the_old_status_line)
{
	struct vt v;
	char **rows, why[256], buf[128];
	int n, bad = 0;

	vt_init(&v);
	for (int k = 0; k < NLINES; k++) {
		int len = snprintf(buf, sizeof(buf), "line %04d begin-", k);

		vt_feed(&v, buf, (size_t)len);
		if (k % 10 == 3) {
			len = snprintf(buf, sizeof(buf),
				       "\r\033[Kproctree-record: %.1fs  %d processes  "
				       "2 alive  0 lost",
				       k / 10.0, k);
			vt_feed(&v, buf, (size_t)len);
		}
		vt_feed(&v, "end\r\n", 5);
	}
	vt_feed(&v, "\r\033[K", 4);
	cr_expect_str_empty(v.bad, "%s", v.bad);
	rows = vt_rows(&v, &n);
	cr_expect_gt(check_lines(rows, n, why, sizeof(why)), 0, "the old drawing passes the check");
	for (int i = 0; i < n; i++)
		bad += is_status(rows[i]);
	cr_expect_gt(bad, 0, "the old drawing leaves status text in the workload's lines");
	free_rows(rows, n);
	vt_free(&v);
}
