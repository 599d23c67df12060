/* SPDX-License-Identifier: MIT */
/*
 * The kernel-event rule table (docs/kevent.md, "The rules"): each row a
 * short sequence of tracepoint events about one process (pid 200, forked
 * by the root, pid 100, before the row's events; a row with a thread has
 * tid 201 in it) and the facts the model must draw from them.  The same
 * rows run twice: against the model directly (test_kevent_rules.c), and,
 * for the rows a real process can play (@workload, a child of
 * tests/workloads/kevent_rules.c named after it), end to end under the
 * ftrace and tracecmd engines (test_kevent_e2e.c), so the two engines
 * cannot drift apart again.
 */
#ifndef PROCTREE_TEST_KEVENT_RULES_H
#define PROCTREE_TEST_KEVENT_RULES_H

#include <signal.h>

#include "kevent.h"

#define R_ROOT 100
#define R_PID 200
#define R_THR 201
#define R_MAX_EVENTS 12
#define SIG_HANDLER 0x401000 /* sa_handler of a handled signal */

/* clang-format off */
/* the events; the harness numbers their times 1, 2, 3... */
#define NEWTASK(creator, child, fl) \
	{ .kind = KEVENT_NEWTASK, .tid = (creator), .pid = (child), .flags = (fl) }
#define FORK(parent, child) \
	{ .kind = KEVENT_FORK, .tid = (parent), .pid = (parent), .pid2 = (child) }
#define EXEC(leader, old) { .kind = KEVENT_EXEC, .tid = (old), .pid = (leader), .pid2 = (old), \
			    .filename = "/bin/prog" }
#define EXIT(who, group_dead) \
	{ .kind = KEVENT_EXIT, .tid = (who), .pid = (who), .num2 = (group_dead) }
#define EXIT_GROUP(who, code) { .kind = KEVENT_EXIT_GROUP, .tid = (who), .num = (code) }
#define EXIT_THREAD(who, code) { .kind = KEVENT_EXIT_THREAD, .tid = (who), .num = (code) }
#define GENERATE(from, to, sig, result) \
	{ .kind = KEVENT_SIG_GENERATE, .tid = (from), .pid = (to), .num = (sig), .num2 = (result) }
#define DELIVER(who, sig, handler) \
	{ .kind = KEVENT_SIG_DELIVER, .tid = (who), .num = (sig), .num2 = (handler) }

/* signal_generate results (the kernel's TRACE_SIGNAL_*) */
#define QUEUED 0
#define IGNORED 1

/* the process (R_PID) created before the row's events: a process, or one with a thread */
#define CHILD NEWTASK(R_ROOT, R_PID, 0), FORK(R_ROOT, R_PID)
#define WITH_THREAD NEWTASK(R_PID, R_THR, 0x00010000 /* CLONE_THREAD */), FORK(R_PID, R_THR)

/*
 * struct rule - one row
 * @code: the process's exit code, -1 when none (a signal, or unknown)
 * @signal: its fatal signal, 0 when none or unknown
 * @core: the signal's default action dumps core
 * @ppid: its parent on the exit row (0: not checked)
 * @old_tid: its last exec came from this non-leader thread (0: none)
 * @thread_code: R_THR's own exit row (not the process's end) carries this
 *               code (-1: none, -2: not checked)
 */
struct rule {
	const char *name;
	const char *workload;  /* the child of workloads/kevent_rules.c, or NULL */
	const char *why;
	struct kevent ev[R_MAX_EVENTS];
	int code, signal;
	bool core;
	pid_t ppid, old_tid;
	int thread_code;
};

static const struct rule rules[] = {
	{ "exit_group's code", "r-code3", "do_group_exit(code)",
	  { CHILD, EXIT_GROUP(R_PID, 3), EXIT(R_PID, 1) }, 3, 0, false, R_ROOT, 0, -2 },
	{ "a code is its low 8 bits", "r-code511", "(code & 0xff) << 8",
	  { CHILD, EXIT_GROUP(R_PID, 511), EXIT(R_PID, 1) }, 255, 0, false, R_ROOT, 0, -2 },
	{ "SIGKILL sent in the workload", "r-kill", "complete_signal(): SIGKILL is fatal",
	  { CHILD, GENERATE(R_PID, R_PID, SIGKILL, QUEUED), DELIVER(R_PID, SIGKILL, 0),
	    EXIT(R_PID, 1) }, -1, SIGKILL, false, 0, 0, -2 },
	{ "SIGTERM is delivered as SIGKILL: the queued one names it", "r-term",
	  "complete_signal() turns a fatal non-core signal into SIGKILL for every thread",
	  { CHILD, GENERATE(R_PID, R_PID, SIGTERM, QUEUED), DELIVER(R_PID, SIGKILL, 0),
	    EXIT(R_PID, 1) }, -1, SIGTERM, false, 0, 0, -2 },
	{ "SIGTERM from the parent", "r-parent-term", "the sender's event names it",
	  { CHILD, GENERATE(R_ROOT, R_PID, SIGTERM, QUEUED), DELIVER(R_PID, SIGKILL, 0),
	    EXIT(R_PID, 1) }, -1, SIGTERM, false, 0, 0, -2 },
	{ "a fault dumps core, delivered as itself", "r-segv", "sig_kernel_coredump()",
	  { CHILD, DELIVER(R_PID, SIGSEGV, 0), EXIT(R_PID, 1) }, -1, SIGSEGV, true, 0, 0, -2 },
	{ "abort() dumps core", "r-abort", "sig_kernel_coredump()",
	  { CHILD, GENERATE(R_PID, R_PID, SIGABRT, QUEUED), DELIVER(R_PID, SIGABRT, 0),
	    EXIT(R_PID, 1) }, -1, SIGABRT, true, 0, 0, -2 },
	{ "real-time signal 34 (SIGRT_2) terminates", "r-rt2", "rt signals: default terminate",
	  { CHILD, GENERATE(R_PID, R_PID, 34, QUEUED), DELIVER(R_PID, SIGKILL, 0),
	    EXIT(R_PID, 1) }, -1, 34, false, 0, 0, -2 },
	{ "signal 64 (SIGRT_32, _NSIG - 1) is a signal", "r-rt32", "valid signals are 1..64",
	  { CHILD, GENERATE(R_PID, R_PID, 64, QUEUED), DELIVER(R_PID, SIGKILL, 0),
	    EXIT(R_PID, 1) }, -1, 64, false, 0, 0, -2 },
	{ "exit_group from a thread after the leader left", "r-thr-group5",
	  "the group's code, not the leader's 0",
	  { CHILD, WITH_THREAD, EXIT_THREAD(R_PID, 0), EXIT(R_PID, 0), EXIT_GROUP(R_THR, 5),
	    EXIT(R_THR, 1) }, 5, 0, false, 0, 0, -2 },
	{ "the last thread's exit(code) is the process's", "r-thr-last6",
	  "synchronize_group_exit() (Linux 5.19+): the last thread's code, not the leader's",
	  { CHILD, WITH_THREAD, EXIT_THREAD(R_PID, 0), EXIT(R_PID, 0), EXIT_THREAD(R_THR, 6),
	    EXIT(R_THR, 1) }, 6, 0, false, 0, 0, -2 },
	{ "exec from a thread: it takes the leader's tid, the old fate is gone", "r-exec-thr",
	  "de_thread(): the leader dies by SIGKILL, the exec'ing thread becomes it",
	  { CHILD, WITH_THREAD, DELIVER(R_PID, SIGKILL, 0), EXIT(R_PID, 0), EXEC(R_PID, R_THR),
	    EXIT_GROUP(R_PID, 7), EXIT(R_PID, 1) }, 7, 0, false, R_ROOT, R_THR, -2 },
	{ "an ignored SIGTERM is nothing", "r-ign-term", "prepare_signal(): ignored, result 1",
	  { CHILD, GENERATE(R_PID, R_PID, SIGTERM, IGNORED), EXIT_GROUP(R_PID, 4),
	    EXIT(R_PID, 1) }, 4, 0, false, 0, 0, -2 },
	{ "a handled SIGTERM is nothing", "r-hdl-term", "delivered to its handler",
	  { CHILD, GENERATE(R_PID, R_PID, SIGTERM, QUEUED), DELIVER(R_PID, SIGTERM, SIG_HANDLER),
	    EXIT_GROUP(R_PID, 8), EXIT(R_PID, 1) }, 8, 0, false, 0, 0, -2 },
	{ "SIGKILL with nothing queued: unknown, not guessed", NULL,
	  "the sender is outside the trace (ftrace) or lost",
	  { CHILD, DELIVER(R_PID, SIGKILL, 0), EXIT(R_PID, 1) }, -1, 0, false, 0, 0, -2 },
	{ "a handled signal does not name a later SIGKILL", NULL, "delivered, it is no longer queued",
	  { CHILD, GENERATE(R_PID, R_PID, SIGUSR1, QUEUED), DELIVER(R_PID, SIGUSR1, SIG_HANDLER),
	    DELIVER(R_PID, SIGKILL, 0), EXIT(R_PID, 1) }, -1, 0, false, 0, 0, -2 },
	{ "a queued core-dumping signal does not name a SIGKILL", NULL,
	  "a core-dumping signal is delivered as itself",
	  { CHILD, GENERATE(R_PID, R_PID, SIGSEGV, QUEUED), DELIVER(R_PID, SIGKILL, 0),
	    EXIT(R_PID, 1) }, -1, 0, false, 0, 0, -2 },
	{ "the last signal queued names the SIGKILL", NULL,
	  "after the group exit began nothing more is queued",
	  { CHILD, GENERATE(R_PID, R_PID, SIGUSR1, QUEUED), GENERATE(R_ROOT, R_PID, SIGINT, QUEUED),
	    DELIVER(R_PID, SIGKILL, 0), EXIT(R_PID, 1) }, -1, SIGINT, false, 0, 0, -2 },
	{ "signal 65 is not a signal", NULL, "_NSIG is 65",
	  { CHILD, GENERATE(R_PID, R_PID, 65, QUEUED), DELIVER(R_PID, SIGKILL, 0),
	    EXIT(R_PID, 1) }, -1, 0, false, 0, 0, -2 },
	{ "the first exit_group wins", NULL, "SIGNAL_GROUP_EXIT is set once",
	  { CHILD, WITH_THREAD, EXIT_GROUP(R_PID, 1), EXIT_GROUP(R_THR, 2), EXIT(R_THR, 0),
	    EXIT(R_PID, 1) }, 1, 0, false, 0, 0, -1 },
	{ "a signal after exit_group changes nothing", NULL, "the group exit came first",
	  { CHILD, WITH_THREAD, EXIT_GROUP(R_PID, 3), DELIVER(R_THR, SIGKILL, 0), EXIT(R_THR, 0),
	    EXIT(R_PID, 1) }, 3, 0, false, 0, 0, -1 },
	{ "a thread's own exit(code) is on its own row", NULL, "the thread's exit_code",
	  { CHILD, WITH_THREAD, EXIT_THREAD(R_THR, 9), EXIT(R_THR, 0), EXIT_GROUP(R_PID, 2),
	    EXIT(R_PID, 1) }, 2, 0, false, 0, 0, 9 },
	{ "without group_dead the last thread ends the process", NULL, "older kernels",
	  { CHILD, WITH_THREAD, EXIT_THREAD(R_THR, 0), EXIT(R_THR, -1), EXIT_GROUP(R_PID, 6),
	    EXIT(R_PID, -1) }, 6, 0, false, R_ROOT, 0, -2 },
	{ "CLONE_PARENT: the creator's parent is the parent", NULL, "copy_process()",
	  { NEWTASK(R_ROOT, 150, 0), FORK(R_ROOT, 150), NEWTASK(150, R_PID, 0x00008000),
	    FORK(150, R_PID), EXIT_GROUP(R_PID, 0), EXIT(R_PID, 1) }, 0, 0, false, R_ROOT, 0, -2 },
};
/* clang-format on */

#define NRULES (sizeof(rules) / sizeof(rules[0]))

#endif
