/* SPDX-License-Identifier: MIT */
/* proctree-record's parts: options, the held workload, signals, status. */
#ifndef PROCTREE_RECORDER_H
#define PROCTREE_RECORDER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "engine.h"

#define REC_MAX_ENGINES 8

/*
 * The exit status when the command ran but a recording failed or is
 * incomplete (a CSV that could not be written, an engine that failed while
 * recording), whatever the command's own status; as timeout(1) and env(1)
 * use 125 for "failed itself".  docs/recorder.md, "Exit status".
 */
#define REC_EXIT_RECORDING_FAILED 125

/* --progress, --no-progress, or neither (status.c says what auto does) */
enum rec_progress { REC_PROGRESS_AUTO, REC_PROGRESS_ON, REC_PROGRESS_OFF };

struct rec_opts {
	const char *out;
	bool out_given; /* -o was given (--convert's default is beside the .dat) */
	const struct engine_ops *engines[REC_MAX_ENGINES];
	int nengines;
	bool auto_engine; /* engines[0] is chosen at set-up: bpf, ftrace, ptrace */
	uint64_t buffer_kb;
	int read_interval_ms; /* 0: the engine's default */
	bool wait_all;
	bool quiet;
	enum rec_progress progress;
	const char *user;
	char **command;
	const char *convert; /* --convert FILE.dat: convert it instead of recording */
	int root;	     /* --root PID (--convert): PID's tree only; 0 every process */
	int pid;	     /* -p PID: join this running process; 0 run COMMAND */
	bool help, version;  /* --help, --version: print it and exit 0 */
};

/* ---- options.c ---- */

/** rec_usage - the --help text */
void rec_usage(FILE *fp);

/**
 * rec_parse_args - parse the command line into @o
 *
 * Returns 0 (with ->help or ->version set, parsing stopped there), or -1
 * with err_msg() (a usage error: exit 2).
 */
int rec_parse_args(int argc, char **argv, struct rec_opts *o);

/* ---- spawn.c ---- */

/* The user the workload runs as (-u), resolved before anything starts. */
struct rec_user {
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	char *name, *home;
};

/**
 * rec_user_lookup - resolve @name (a user name or a numeric uid)
 *
 * Returns 0, or -1 with err_msg() (unknown user, not root).
 */
int rec_user_lookup(const char *name, struct rec_user *u);
void rec_user_free(struct rec_user *u);

/**
 * rec_command_check - find @cmd the way execvp() would
 *
 * Returns 0 when it can be executed, else the exit status a shell would
 * give (127 not found, 126 not executable) with err_msg() set.
 */
int rec_command_check(const char *cmd);

struct rec_child {
	pid_t pid;
	int barrier; /* write end: one byte releases the child */
	int errpipe; /* read end: EOF on exec, or a failure report */
};

/**
 * rec_spawn_held - fork the workload, held before exec until released
 * @user: run as this user, or NULL
 * @stdout_to_stderr: the command's standard output is the recorder's
 *                    standard error (the CSV goes to standard output)
 *
 * Returns 0, or -1 with err_msg().
 */
int rec_spawn_held(char **command, const struct rec_user *user, bool stdout_to_stderr,
		   struct rec_child *c);

/** rec_release - let the workload exec; 0 or -1 with err_msg() */
int rec_release(struct rec_child *c);

/**
 * rec_child_report - once the workload has exec'd or exited: 0 when it
 * exec'd, or the status it exited with (126/127) with err_msg() saying why
 * it could not run
 */
int rec_child_report(struct rec_child *c, const char *cmd);

/** rec_abandon - kill a held workload that will never be released */
void rec_abandon(struct rec_child *c);

/* ---- attach.c (-p PID) ---- */

/**
 * rec_join_check - whether -p @pid can be followed
 * @tgid: set to its process id (@pid may be one of its threads)
 *
 * Refuses a pid that does not exist, a zombie, the recorder itself or one
 * of its ancestors (pid 1 among them), and kernel threads.  Returns 0, or
 * -1 with err_msg() naming the pid.
 */
int rec_join_check(int pid, pid_t *tgid);

/**
 * rec_join_command - @pid's argv for the CSV's #command: /proc/PID/cmdline,
 * else its comm; free with procfs_free_argv().  NULL when out of memory.
 */
char **rec_join_command(pid_t pid);

/**
 * rec_join_wait - wait until @pid, which is not our child, has exited, or
 * until rec_stop_now (a signal); 0, or -1 with err_msg()
 */
int rec_join_wait(pid_t pid);

/* ---- signals.c ---- */

/* Set by the second SIGINT/SIGTERM/SIGHUP: stop recording now. */
extern volatile sig_atomic_t rec_stop_now;

/**
 * rec_signals_install - handle SIGINT/SIGTERM/SIGHUP (those not inherited
 * as ignored: they stay ignored), ignore SIGPIPE; remember the inherited
 * dispositions and mask for the workload
 *
 * Returns 0, or -1 with err_msg().
 */
int rec_signals_install(void);

/**
 * rec_signals_stop_on_first - -p: the first signal stops recording (the
 * joined process is not ours to signal), as with strace -p
 */
void rec_signals_stop_on_first(void);

/** rec_signals_forward_to - where the first signal is forwarded */
void rec_signals_forward_to(pid_t root);

/** rec_signals_received - number of stop signals received, and the last one */
int rec_signals_received(int *last_sig);

/**
 * rec_signals_child_reset - in the forked workload: the dispositions and
 * the signal mask the recorder inherited
 */
void rec_signals_child_reset(void);

/* ---- status.c ---- */

struct rec_status;

/**
 * rec_status_start - the live status line, on the terminal's reserved last
 * row (status.c says where and when); NULL when not shown
 * @mode: --progress (on), --no-progress or -q (off), or auto
 * @csv_on_stdout: -o -: COMMAND's standard output is the recorder's stderr
 */
struct rec_status *rec_status_start(const struct engine_ops *const *ops, struct engine *const *eng,
				    int n, enum rec_progress mode, bool csv_on_stdout);
/* rec_summary()'s status when -p's process exited with a status only the CSV has */
#define REC_STATUS_UNKNOWN (-2)

/** rec_status_stop - stop it, clear its row and give the terminal back */
void rec_status_stop(struct rec_status *s);

/**
 * rec_summary - the closing paragraph on stderr
 * @dats: the .dat of each engine that keeps one (ENGINE_DAT), its size given
 * @status: the command's wait status, -1 if unknown
 * @fallback: with --processtree-engine auto, why the engines before the
 *            chosen one were passed over (NULL when the first was taken)
 * @failed_exit: the exit status that says the recording failed, or -1
 */
void rec_summary(const struct engine_ops *const *ops, struct engine *const *eng, char *const *paths,
		 char *const *dats, const bool *ok, int n, int status, double seconds,
		 const char *fallback, int failed_exit);

#endif
