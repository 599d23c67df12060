// SPDX-License-Identifier: MIT
/*
 * Running trace-cmd as it behaves on real machines.
 *
 * - `trace-cmd record COMMAND` needs set_ftrace_pid; where the function
 *   tracer is locked it crashes, so we never give it a command: it records
 *   system-wide (--no-filter: its own filtering of its threads crashes at
 *   teardown too) and the converter picks the workload out.
 * - It writes 1 to /proc/sys/kernel/ftrace_enabled at start unless -d is
 *   given; that fails (EPERM) where ftrace is locked: always pass -d.
 * - In a private instance (-B proctree-tc-PID) the top-level instance is
 *   never touched.  At teardown it fails on set_ftrace_filter and exits 1
 *   without removing the instance (and after a crash its per-CPU reader
 *   processes keep the instance busy): we kill its process group and remove
 *   the instance ourselves.  The .dat is complete before that teardown, so
 *   success is judged by the .dat.
 * - It writes "(null).cpuN" scratch files into its working directory: it
 *   runs in a private temporary directory.
 * - "Really recording" is read from tracefs, not from its output (stdout is
 *   block-buffered into a pipe): the instance exists, every requested event
 *   is enabled and tracing_on is 1.  trace-cmd turns tracing_on off before
 *   enabling events and on again as its last step before the readers run,
 *   and the ring buffer keeps events until the readers catch up.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "clock.h"
#include "err.h"
#include "outfile.h"
#include "num.h"
#include "procfs.h"
#include "tracecmd_run-private.h"
#include "tracecmd_state.h"

void tcrun_sleep_ns(long ns)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = ns };

	nanosleep(&ts, NULL);
}

char *tcrun_find_program(void)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[4096];

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; p; p = *e ? e + 1 : NULL) {
		e = strchrnul(p, ':');
		if (e == p) {
			if (!*e)
				break;
			continue;
		}
		snprintf(buf, sizeof(buf), "%.*s/trace-cmd", (int)(e - p), p);
		if (access(buf, X_OK) == 0)
			return strdup(buf);
		if (!*e)
			break;
	}
	return NULL;
}

static bool file_is(const char *instance, const char *rel, const char *want)
{
	struct tracefs_instance *inst = instance ? tracefs_instance_alloc(NULL, instance) : NULL;
	char *v;
	bool ok;

	if (instance && !inst)
		return false;
	v = tracefs_instance_file_read(inst, rel, NULL);
	ok = v && !strncmp(v, want, strlen(want));
	free(v);
	tracefs_instance_free(inst);
	return ok;
}

static bool recording(struct tcrun *r)
{
	const char *inst = r->mode == TC_MODE_INSTANCE ? r->instance : NULL;
	char rel[256];

	if (inst && !tracefs_instance_exists(inst))
		return false;
	for (size_t i = 0; i < TC_NEVENTS; i++) {
		if (!r->have[i])
			continue;
		snprintf(rel, sizeof(rel), "events/%s/%s/enable", TC_SYS(i), TC_NAME(i));
		if (!file_is(inst, rel, "1"))
			return false;
	}
	return file_is(inst, "tracing_on", "1");
}

static void read_errline(struct tcrun *r)
{
	char buf[sizeof(r->errline)];
	ssize_t n;
	char *nl;

	if (r->errfd < 0)
		return;
	n = pread(r->errfd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* trace-cmd writes "trace-cmd: Operation not permitted\n  opening to '...'" */
	for (char *p = buf; *p; p++)
		if (*p == '\n' && p[1] == ' ')
			*p = ' ';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	snprintf(r->errline, sizeof(r->errline), "%s", buf);
}

static int build_argv(struct tcrun *r, char **argv, char *bufkb, size_t bsize)
{
	int n = 0;

	argv[n++] = r->prog;
	argv[n++] = "record";
	argv[n++] = "-q";
	argv[n++] = "-d";
	argv[n++] = "--no-filter";
	if (r->mode == TC_MODE_INSTANCE) {
		argv[n++] = "-B";
		argv[n++] = r->instance;
	}
	argv[n++] = "-C";
	argv[n++] = (char *)(r->o.clock ? r->o.clock : "mono");
	snprintf(bufkb, bsize, "%llu",
		 (unsigned long long)(r->o.buffer_kb ? r->o.buffer_kb : TC_DEFAULT_BUFFER_KB));
	argv[n++] = "-b";
	argv[n++] = bufkb;
	for (size_t i = 0; i < TC_NEVENTS; i++) {
		static char spec[TC_NEVENTS][96];

		if (!r->have[i])
			continue;
		snprintf(spec[i], sizeof(spec[i]), "%s:%s", TC_SYS(i), TC_NAME(i));
		argv[n++] = "-e";
		argv[n++] = spec[i];
	}
	argv[n++] = "-o";
	argv[n++] = r->dat;
	argv[n] = NULL;
	return n;
}

static int spawn(struct tcrun *r)
{
	char *argv[64], bufkb[32];
	pid_t parent = getpid();
	int devnull;

	build_argv(r, argv, bufkb, sizeof(bufkb));
	if (ftruncate(r->errfd, 0) < 0)
		return -1;
	r->reaped = false;
	r->status = -1;
	r->pid = fork();
	if (r->pid < 0)
		return -1;
	if (r->pid == 0) {
		sigset_t all;

		/* its own process group: the terminal's ^C is for the workload, and
		 * we can kill its per-CPU readers as one group */
		setpgid(0, 0);
		/* a recorder killed with SIGKILL still gets its .dat written */
		prctl(PR_SET_PDEATHSIG, SIGINT);
		if (getppid() != parent)
			_exit(1);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		dup2(r->errfd, 2);
		if (chdir(r->tmpdir) < 0)
			_exit(126);
		execv(r->prog, argv);
		_exit(127);
	}
	setpgid(r->pid, r->pid);
	return 0;
}

/* Reap trace-cmd if it has exited; true when it is gone. */
static bool reap(struct tcrun *r, bool block)
{
	int st;
	pid_t p;

	if (r->reaped || r->pid <= 0)
		return true;
	do
		p = waitpid(r->pid, &st, block ? 0 : WNOHANG);
	while (p < 0 && errno == EINTR);
	if (p == r->pid || (p < 0 && errno == ECHILD)) {
		r->reaped = true;
		r->status = p == r->pid ? st : -1;
		return true;
	}
	return false;
}

/* "<dat>.<instance>.cpuN" (instance) or "<dat>.cpuN" (top level) */
static int cleanup(struct tcrun *r)
{
	int ret = 0;

	if (r->cleaned)
		return 0;
	r->cleaned = true;
	if (r->pid > 0) {
		if (!reap(r, false)) {
			kill(r->pid, SIGKILL);
			reap(r, true);
		}
		/* per-CPU readers left by a crash keep the instance busy */
		kill(-r->pid, SIGKILL);
	}
	if (r->mode == TC_MODE_INSTANCE && r->instance[0]) {
		uint64_t until = clock_mono_ns() + 3000000000ull;

		while (tracefs_instance_exists(r->instance)) {
			struct tracefs_instance *inst = tracefs_instance_alloc(NULL, r->instance);

			if (inst && tracefs_instance_destroy(inst) == 0) {
				tracefs_instance_free(inst);
				break;
			}
			tracefs_instance_free(inst);
			if (clock_mono_ns() > until) {
				err_set("cannot remove the tracefs instance %s: %s", r->instance,
					strerror(errno));
				ret = -1;
				break;
			}
			tcrun_sleep_ns(5000000);
		}
	}
	if (r->saved && tcstate_restore(r->saved) < 0)
		ret = -1;
	tcrun_remove_temp_files(r);
	return ret;
}

/* Start in one mode; 0 once recording, -1 (cleaned up) when it did not work. */
static int try_mode(struct tcrun *r, enum tc_mode mode)
{
	uint64_t until;

	r->mode = mode;
	r->cleaned = false;
	r->pid = -1;
	if (mode == TC_MODE_INSTANCE) {
		struct tracefs_instance *old;

		snprintf(r->instance, sizeof(r->instance), TC_INSTANCE_PREFIX "%d", (int)getpid());
		snprintf(r->mode_desc, sizeof(r->mode_desc), "instance %s", r->instance);
		/* ours from an earlier run in this process (or a dead one's) */
		old = tracefs_instance_alloc(NULL, r->instance);
		if (old && tracefs_instance_exists(r->instance))
			tracefs_instance_destroy(old);
		tracefs_instance_free(old);
	} else {
		r->instance[0] = '\0';
		snprintf(r->mode_desc, sizeof(r->mode_desc), "top-level");
	}
	/* before any tracing state is touched */
	if (tcrun_precreate_cpu_files(r) < 0) {
		char msg[600];

		snprintf(msg, sizeof(msg), "%s", err_msg());
		tcrun_remove_cpu_files(r);
		r->cleaned = true;
		err_set("%s", msg);
		return -1;
	}
	if (mode == TC_MODE_TOPLEVEL) {
		r->saved = tcstate_save();
		if (!r->saved) {
			tcrun_remove_cpu_files(r);
			r->cleaned = true;
			return -1;
		}
		/* make "tracing_on is 1" mean trace-cmd switched it on */
		tracefs_instance_file_write(NULL, "tracing_on", "0");
	}
	/* the pid in its name tells the next recorder whether it is stale */
	snprintf(r->tmpdir, sizeof(r->tmpdir), TC_TMPDIR_PREFIX "%d-XXXXXX", (int)getpid());
	if (mkdtemp(r->tmpdir) == NULL) {
		err_set("cannot create a temporary directory: %s", strerror(errno));
		r->tmpdir[0] = '\0';
		goto error;
	}
	if (spawn(r) < 0) {
		err_set("cannot start %s: %s", r->prog, strerror(errno));
		goto error;
	}
	until = clock_mono_ns() + TC_START_TIMEOUT_NS;
	for (;;) {
		if (recording(r))
			return 0;
		if (reap(r, false)) {
			read_errline(r);
			err_set("trace-cmd record (%s) exited at start%s%s", r->mode_desc,
				r->errline[0] ? ": " : "", r->errline);
			goto error;
		}
		if (clock_mono_ns() > until || (r->o.stop_now && *r->o.stop_now)) {
			err_set("trace-cmd record (%s) did not start recording within %llu s",
				r->mode_desc, TC_START_TIMEOUT_NS / 1000000000ull);
			goto error;
		}
		tcrun_sleep_ns(2000000);
	}
error:
	cleanup(r);
	tcrun_remove_cpu_files(r);
	tcstate_free(r->saved);
	r->saved = NULL;
	return -1;
}

/* tracefs usable, and the required events there (the others noted in r->have). */
static int check_tracefs(struct tcrun *r)
{
	if (!tracefs_tracing_dir()) {
		err_set("cannot find tracefs (mount -t tracefs nodev /sys/kernel/tracing)");
		return -1;
	}
	if (access(tracefs_tracing_dir(), W_OK) < 0) {
		err_set("no permission to use tracefs at %s: the tracecmd engine needs root "
			"(or try --processtree-engine ptrace)",
			tracefs_tracing_dir());
		errno = EPERM;
		return -1;
	}
	for (int i = 0; i < (int)TC_NEVENTS; i++) {
		char *p = tracefs_get_tracing_file("events");
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s/%s", p ? p : "", TC_SYS(i), TC_NAME(i));
		tracefs_put_tracing_file(p);
		r->have[i] = access(path, F_OK) == 0;
		if (!r->have[i] && kevent_required((enum kevent_kind)i)) {
			err_set("this kernel has no %s:%s trace event", TC_SYS(i), TC_NAME(i));
			return -1;
		}
	}
	return 0;
}

struct tcrun *tcrun_start(const struct tcrun_opts *o)
{
	struct tcrun *r = calloc(1, sizeof(*r));
	char msgs[2][300] = { "", "" };
	int m;

	if (!r) {
		err_set("out of memory");
		return NULL;
	}
	r->o = *o;
	r->errfd = -1;
	r->pid = -1;
	r->cleaned = true;
	r->prog = tcrun_find_program();
	if (!r->prog) {
		err_set("trace-cmd not found on PATH (install it: apt-get install trace-cmd)");
		errno = ENOENT;
		goto error;
	}
	if (check_tracefs(r) < 0)
		goto error;
	/* trace-cmd runs in a scratch directory: give it an absolute path */
	if (o->dat_path[0] == '/') {
		r->dat = strdup(o->dat_path);
	} else {
		char cwd[4096];

		if (!getcwd(cwd, sizeof(cwd)) || asprintf(&r->dat, "%s/%s", cwd, o->dat_path) < 0)
			r->dat = NULL;
	}
	r->errfd = memfd_create("trace-cmd-stderr", MFD_CLOEXEC);
	if (!r->dat || r->errfd < 0) {
		err_set("cannot set up trace-cmd: %s", strerror(errno));
		goto error;
	}
	/* memfd is close-on-exec; the child dup2()s it to stderr */
	tcrun_remove_stale();
	tcrun_remove_leftovers(r->dat);
	/*
	 * trace-cmd opens the .dat by name with O_CREAT|O_TRUNC, following a
	 * symlink: create it first, safely (it then opens our own file, which
	 * nobody else can replace in a sticky directory).  A .dat that cannot
	 * be created fails here, before the workload runs.
	 */
	{
		int fd = outfile_open(r->dat, false);

		if (fd < 0)
			goto error;
		close(fd);
		r->dat_made = true;
	}
	for (m = 0; m < TC_NMODES; m++) {
		if (o->force_mode &&
		    strcmp(o->force_mode, m == TC_MODE_INSTANCE ? "instance" : "toplevel"))
			continue;
		if (try_mode(r, (enum tc_mode)m) == 0) {
			tcrun_keep_cpu_files(r);
			return r;
		}
		snprintf(msgs[m], sizeof(msgs[m]), "%s", err_msg());
	}
	err_set("trace-cmd cannot record here: %s%s%s", msgs[0],
		msgs[0][0] && msgs[1][0] ? "; " : "", msgs[1]);
	r->cleaned = true;
error:
	if (r->dat_made) {
		struct stat st;

		/* the empty .dat made above: trace-cmd never started */
		if (lstat(r->dat, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
		    st.st_uid == geteuid())
			unlink(r->dat);
	}
	tcrun_free(r);
	return NULL;
}

int tcrun_stop(struct tcrun *r, int *status)
{
	uint64_t until;
	int ret;

	if (r->pid > 0 && !r->reaped) {
		kill(r->pid, SIGINT);
		until = clock_mono_ns() + TC_STOP_TIMEOUT_NS;
		while (!reap(r, false)) {
			if (clock_mono_ns() > until) {
				kill(r->pid, SIGKILL);
				reap(r, true);
				break;
			}
			tcrun_sleep_ns(2000000);
		}
	}
	read_errline(r);
	ret = cleanup(r);
	if (status)
		*status = r->status;
	return ret;
}

void tcrun_remove_data(struct tcrun *r)
{
	if (r->dat && r->pid > 0)
		tcrun_remove_cpu_files(r);
}

const char *tcrun_stderr(struct tcrun *r)
{
	read_errline(r);
	return r->errline;
}

const char *tcrun_mode(const struct tcrun *r)
{
	return r->mode_desc;
}

pid_t tcrun_pid(const struct tcrun *r)
{
	return r->pid;
}

void tcrun_free(struct tcrun *r)
{
	if (!r)
		return;
	if (!r->cleaned)
		tcrun_stop(r, NULL);
	if (r->dat && r->pid > 0)
		tcrun_remove_cpu_files(r);
	tcstate_free(r->saved);
	if (r->errfd >= 0)
		close(r->errfd);
	free(r->prog);
	free(r->dat);
	free(r);
}
