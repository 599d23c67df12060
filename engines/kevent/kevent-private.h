/* SPDX-License-Identifier: MIT */
/*
 * Inside the kernel-event model (engines/kevent/ only): the state kept per
 * task and per process, and the exit-status rules kevent_model.c applies.
 */
#ifndef PROCTREE_KEVENT_PRIVATE_H
#define PROCTREE_KEVENT_PRIVATE_H

#include "kevent.h"

/* A task (thread) by tid. */
struct kevent_task {
	pid_t tid, tgid;
	uint64_t since; /* creation time; 0 for tasks never seen created */
	int thread;	/* 1 thread, 0 process, -1 unknown (task_newtask lost) */
	bool has_code;	/* called exit(code) */
	int code;
};

/* A process by tgid: what decides its exit status. */
struct kevent_process {
	pid_t tgid, ppid; /* ppid 0: unknown */
	uint64_t since;	  /* creation time, 0 when unknown */
	int threads;
	bool has_code; /* exit_group(code) */
	int code;
	int signal;  /* the fatal signal, 0 if none known */
	int pending; /* the signal a delivered SIGKILL stands for, 0: none */
	char comm[KEVENT_COMM_SIZE];
};

/* ---- kevent_exit.c ---- */

/** kevent_exit_call - exit_group(code) or exit(code) by task @tk of @p (may be NULL) */
void kevent_exit_call(struct kevent_process *p, struct kevent_task *tk, const struct kevent *ev);

/** kevent_exit_generated - signal_generate for process @p */
void kevent_exit_generated(struct kevent_process *p, const struct kevent *ev);

/** kevent_exit_delivered - signal_deliver in process @p */
void kevent_exit_delivered(struct kevent_process *p, const struct kevent *ev);

/** kevent_exit_reset - exec: a new program, none of the old one's fate */
void kevent_exit_reset(struct kevent_process *p);

/**
 * kevent_exit_status - the exit row's code or signal: task @tk's exit ends
 * @p (may be NULL) when @f->group
 */
void kevent_exit_status(const struct kevent_process *p, const struct kevent_task *tk,
			struct kevent_fact *f);

#endif
