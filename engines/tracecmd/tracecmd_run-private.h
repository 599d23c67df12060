/* SPDX-License-Identifier: MIT */
/*
 * Inside the trace-cmd runner (engines/tracecmd_run*.c only):
 *
 *   tracecmd_run.c        start trace-cmd, know when it records, stop it
 *   tracecmd_run_files.c  its per-CPU files: kept for a restore, removed
 *   tracecmd_run_stale.c  what killed recorders left: instances, files
 */
#ifndef PROCTREE_TRACECMD_RUN_PRIVATE_H
#define PROCTREE_TRACECMD_RUN_PRIVATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "kevent.h"
#include "tracecmd_run.h"

struct tcstate;

#define TC_INSTANCE_PREFIX "proctree-tc-"
#define TC_TMPDIR_PREFIX "/tmp/proctree-tc-" /* + PID-XXXXXX */
#define TC_KEEP_INFIX ".proctree-keep-"	     /* <dat> + this + PID.cpuN */
#define TC_DEFAULT_BUFFER_KB 4096
#define TC_START_TIMEOUT_NS (15ull * 1000000000ull)
#define TC_STOP_TIMEOUT_NS (60ull * 1000000000ull)

/* The events are the kernel-event model's (kevent_events.c); the required ones must exist. */
#define TC_NEVENTS KEVENT_KIND_COUNT
#define TC_SYS(i) kevent_system((enum kevent_kind)(i))
#define TC_NAME(i) kevent_name((enum kevent_kind)(i))

enum tc_mode { TC_MODE_INSTANCE, TC_MODE_TOPLEVEL, TC_NMODES };

struct tcrun {
	struct tcrun_opts o;
	char *prog;
	char *dat;
	enum tc_mode mode;
	char instance[64];
	char mode_desc[96];
	char tmpdir[64];
	pid_t pid; /* trace-cmd, also its process group */
	int status;
	bool reaped;
	int errfd; /* memfd with trace-cmd's stderr */
	char errline[256];
	struct tcstate *saved; /* top-level mode */
	bool have[TC_NEVENTS];
	bool cleaned;
	bool dat_made; /* we created (or emptied) the .dat */
};

/* tracecmd_run.c: sleep @ns nanoseconds (less than a second) */
void tcrun_sleep_ns(long ns);

/* tracecmd_run_files.c */
/* the .dat's per-CPU part trace-cmd writes for @cpu */
void tcrun_cpu_file(const struct tcrun *r, int cpu, char *buf, size_t size);
/* hard links to the per-CPU files, for tcrun_restore() should trace-cmd fail */
void tcrun_keep_cpu_files(struct tcrun *r);
/* create the per-CPU files ourselves (never through a symlink); 0 or -1 */
int tcrun_precreate_cpu_files(struct tcrun *r);
/* remove trace-cmd's temporary files and our kept links */
void tcrun_remove_temp_files(struct tcrun *r);
void tcrun_remove_cpu_files(struct tcrun *r);

#endif
