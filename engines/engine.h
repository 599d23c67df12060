/* SPDX-License-Identifier: MIT */
/*
 * The engine interface: the recorder knows engines only through this.
 *
 * Life of a recording (the recorder drives it; every engine sees the same
 * calls in the same order):
 *
 *   e = ops->new(&opts)          before the workload exists: open tracefs,
 *                                create the instance, start trace-cmd, ...
 *   fork the workload, held at a barrier (it has not exec'd yet)
 *   ops->attach(e, root)         follow root and everything it creates
 *   release the barrier          the workload execs COMMAND
 *   ops->reap(e, ...)            only for the one engine with ENGINE_REAPS
 *                                (ptrace): it is the tracer, so it must be
 *                                the one calling waitpid(); it returns when
 *                                the root has exited (with --wait-all, when
 *                                every descendant has)
 *   ops->finish(e, &fin)         the workload is done: drain what is
 *                                buffered, write `alive` rows, the trailer,
 *                                close the CSV, undo tracing state
 *   ops->free(e)                 always, also on every error path; must undo
 *                                tracing state if finish() was not reached
 *
 * ops->stats() may be called at any time for the live status line, from
 * the recorder's status thread: concurrently with reap() and with the
 * engine's own threads, so it reads its counters atomically.
 */
#ifndef PROCTREE_ENGINE_H
#define PROCTREE_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct engine;

/* engine capabilities */
#define ENGINE_REAPS (1u << 0) /* is the tracer: owns waitpid() for the workload */
#define ENGINE_PRIV (1u << 1)  /* needs tracefs write access (root or CAP_SYS_ADMIN) */
#define ENGINE_ARGV (1u << 2)  /* reads every argv at the exec itself (the end line's hint) */
#define ENGINE_DAT (1u << 3)   /* keeps a .dat at opts->dat_path (the end line names it) */

struct engine_opts {
	const char *csv_path; /* where this engine's CSV goes */
	const char *dat_path; /* tracecmd: where the .dat goes (beside the CSV) */
	uint64_t buffer_kb;   /* per-CPU ring buffer, 0 = engine default */
	int read_interval_ms; /* ftrace: batching delay while busy, 0 = default */
	bool wait_all;	      /* --wait-all: record until every descendant exited */
	bool quiet;	      /* -q */
	bool joined;	      /* -p: join() is called, not attach(); #attached,1 */
	char *const *command; /* the workload argv, for the CSV metadata */
	/* set by the recorder's signal handler on the second SIGINT/SIGTERM: stop now */
	volatile sig_atomic_t *stop_now;
};

struct engine_stats {
	uint64_t events;       /* rows written */
	uint64_t procs;	       /* processes seen (forks of non-threads + root) */
	uint64_t alive;	       /* processes currently alive as far as the engine knows */
	uint64_t lost;	       /* events lost (kernel or engine) */
	uint64_t execs;	       /* exec rows written */
	uint64_t argv_unknown; /* exec rows written without argv (the end line says so) */
};

/* What the recorder tells finish(). */
struct engine_finish {
	pid_t root;
	int root_status;  /* wait status of the root, -1 if unknown */
	bool interrupted; /* stopped by a signal or an error */
};

struct engine_ops {
	const char *name;
	const char *help; /* one line for --help and the unknown-engine error */
	unsigned caps;
	/* the largest --buffer-size it can take, KiB (0: no limit); over it is a usage error */
	uint64_t buffer_kb_max;

	/* NULL with err_msg() on failure (e.g. "no permission to use tracefs: ...") */
	struct engine *(*new)(const struct engine_opts *opts);
	/* root is forked and waiting at the barrier; -1 with err_msg() on failure */
	int (*attach)(struct engine *e, pid_t root);
	/*
	 * -p PID, instead of attach(): follow @root, a running process the
	 * recorder did not create, and every descendant it has or creates.
	 * The processes found running are written as `fork` rows with
	 * existing=1 (docs/attach.md says how each engine avoids missing one
	 * or writing one twice).  Engines that cannot leave it NULL; -1 with
	 * err_msg().  A reaping engine's reap() then returns when root exits
	 * and leaves every process running, untraced.
	 */
	int (*join)(struct engine *e, pid_t root);
	/*
	 * ENGINE_REAPS only: drive the workload until root exits (and, with
	 * wait_all, until every descendant has).  Sets *root_status to root's
	 * wait status.  Returns 0, or -1 with err_msg().  Must return early
	 * (0) when *opts->stop_now becomes set; the recorder interrupts it with
	 * signals (EINTR) to make that timely.
	 */
	int (*reap)(struct engine *e, pid_t root, int *root_status);
	/*
	 * The pid of a child process the engine itself runs (trace-cmd), which
	 * the recorder's --wait-all must neither wait for nor reap; 0 for none.
	 * May be NULL.
	 */
	pid_t (*helper_pid)(struct engine *e);
	/*
	 * After finish(), with -p: the wait status of the joined root as the
	 * engine saw it end, or -1 (still running, or what ended it is not
	 * known).  The recorder, not its parent, has no other source for the
	 * end line.  May be NULL.
	 */
	int (*root_status)(struct engine *e);
	/* drain, alive rows, trailer, undo tracing state; 0 or -1 with err_msg() */
	int (*finish)(struct engine *e, const struct engine_finish *fin);
	void (*stats)(struct engine *e, struct engine_stats *st);
	void (*free)(struct engine *e);
};

/**
 * engine_find - look an engine up by name
 *
 * Returns NULL for an unknown name.
 */
const struct engine_ops *engine_find(const char *name);

/**
 * engine_all - every engine, NULL-terminated, in the order --help lists them
 */
const struct engine_ops *const *engine_all(void);

/**
 * engine_names - "ftrace, ptrace, tracecmd" for messages
 */
const char *engine_names(void);

#endif
