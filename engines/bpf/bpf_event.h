/* SPDX-License-Identifier: MIT */
/*
 * The records the bpf engine's kernel programs (proctree.bpf.c) put in the
 * ring buffer for the reader (bpf.c): one layout shared by both sides.
 * Compiled by clang -target bpf against vmlinux.h and by the host compiler
 * against <linux/types.h>, so only __u32-style types.
 */
#ifndef PROCTREE_BPF_EVENT_H
#define PROCTREE_BPF_EVENT_H

#define PTB_COMM_LEN 16
/* bprm->filename is at most PATH_MAX bytes with its NUL */
#define PTB_PATH_MAX 4096
/*
 * argv is read up to this many bytes (the NUL-separated strings from the
 * new image's mm->arg_start); a longer one is cut there and marked.  128 KiB
 * is the kernel's limit for one argument (MAX_ARG_STRLEN) and holds any
 * compiler or linker line of a real build; a whole argv may be up to 1/4 of
 * the stack limit (2 MiB by default).
 */
#define PTB_ARGV_CAP (128 * 1024)

enum ptb_kind {
	PTB_FORK = 1,
	PTB_EXEC = 2,
	PTB_EXIT = 3,
};

/* ptb_event.flags */
#define PTB_F_THREAD (1u << 0)	   /* fork: the child is a thread (CLONE_THREAD) */
#define PTB_F_GROUP (1u << 1)	   /* exit: the last thread: the process ended */
#define PTB_F_ARGV_CUT (1u << 2)   /* exec: argv longer than PTB_ARGV_CAP */
#define PTB_F_ARGV_FAULT (1u << 3) /* exec: argv could not be read: unknown */
#define PTB_F_NAME_FAULT (1u << 4) /* exec: filename could not be read: unknown */
#define PTB_F_NO_MM (1u << 5)	   /* exec: no mm (cannot happen after exec): unknown */

/*
 * One event.  Exec records are followed by @name_len bytes of filename
 * (with its NUL) and @argv_len bytes of argv (NUL-separated, as in
 * /proc/PID/cmdline); fork and exit records have nothing after them.
 */
struct ptb_event {
	__u64 ts;    /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 kind;  /* enum ptb_kind */
	__u32 flags; /* PTB_F_* */
	__u32 cpu;
	__s32 pid; /* tgid: fork: the creator's */
	__s32 tid; /* fork: the creating thread; exec: the pid after exec; exit: the exiting thread */
	__s32 ppid;	 /* real_parent's tgid (exec, exit) */
	__s32 child_pid; /* fork */
	__s32 child_tid; /* fork */
	__s32 old_tid;	 /* exec: the tid that called execve */
	__s32 status;	 /* exit: wait status (the process's at group exit, else the thread's) */
	/* exit with PTB_F_GROUP: the process's own threads, not its children */
	__u64 utime_ns, stime_ns, runtime_ns; /* runtime: sum_exec_runtime, to scale the ticks */
	__u64 maxrss_pages;
	__u64 minflt, majflt, nvcsw, nivcsw;
	__u32 name_len;		       /* exec: filename bytes that follow, NUL included */
	__u32 argv_len;		       /* exec: argv bytes after the filename */
	char comm[PTB_COMM_LEN];       /* fork: the creator's; else the task's */
	char child_comm[PTB_COMM_LEN]; /* fork */
};

/* Per-CPU count of events the programs could not hand to the reader. */
struct ptb_loss {
	__u64 count;	 /* ring buffer full (or a record larger than it) */
	__u64 last_ns;	 /* when the last one was lost */
	__u64 untracked; /* processes that could not be added to the tracked map */
};

#endif
