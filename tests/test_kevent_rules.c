// SPDX-License-Identifier: MIT
/*
 * The kernel-event rule table (kevent_rules.h) against the model itself:
 * each row's events fed one by one, the facts compared with the row.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "csv.h"
#include "kevent.h"
#include "kevent_rules.h"

/* What the model said about R_PID and R_THR. */
struct seen {
	bool ended, thread_ended;
	struct kevent_fact end;	       /* the exit fact that ended R_PID */
	struct kevent_fact thread_end; /* R_THR's exit when it did not end the process */
	int fork_thread[2];	       /* fork facts' thread for R_PID, R_THR (-2: none) */
};

static void run(const struct rule *r, struct seen *s)
{
	struct kevent_model *m = kevent_model_new();

	cr_assert_not_null(m);
	memset(s, 0, sizeof(*s));
	s->fork_thread[0] = s->fork_thread[1] = -2;
	cr_assert_eq(kevent_model_add_process(m, R_ROOT, 1, NULL, 0, 0, NULL), 0);
	for (int i = 0; i < R_MAX_EVENTS && r->ev[i].tid; i++) {
		struct kevent ev = r->ev[i];
		struct kevent_fact f;

		ev.ts = (uint64_t)(i + 1);
		cr_assert_eq(kevent_model_feed(m, &ev, &f), KEVENT_DONE, "%s: event %d not taken",
			     r->name, i);
		if (f.kind == KEVENT_F_FORK && (f.child_tid == R_PID || f.child_tid == R_THR))
			s->fork_thread[f.child_tid == R_THR] = f.thread;
		if (f.kind == KEVENT_F_EXIT && f.pid == R_PID && f.group) {
			s->ended = true;
			s->end = f;
		} else if (f.kind == KEVENT_F_EXIT && f.tid == R_THR) {
			s->thread_ended = true;
			s->thread_end = f;
		}
	}
	kevent_model_free(m);
}

Test(kevent_rules, every_row)
{
	for (size_t i = 0; i < NRULES; i++) {
		const struct rule *r = &rules[i];
		struct seen s;

		run(r, &s);
		cr_assert(s.ended, "%s: the process never ended", r->name);
		cr_expect_eq(s.end.has_code ? s.end.code : -1, r->code, "%s (%s): code %d, want %d",
			     r->name, r->why, s.end.has_code ? s.end.code : -1, r->code);
		cr_expect_eq(s.end.signal, r->signal, "%s (%s): signal %d, want %d", r->name,
			     r->why, s.end.signal, r->signal);
		cr_expect_eq(s.end.core, r->core, "%s: core %d", r->name, s.end.core);
		if (r->ppid)
			cr_expect_eq(s.end.ppid, r->ppid, "%s: ppid %d, want %d", r->name,
				     s.end.ppid, r->ppid);
		if (s.fork_thread[0] != -2)
			cr_expect_eq(s.fork_thread[0], 0, "%s: %d is a process", r->name, R_PID);
		if (s.fork_thread[1] != -2)
			cr_expect_eq(s.fork_thread[1], 1, "%s: %d is a thread", r->name, R_THR);
		if (r->thread_code != -2) {
			cr_assert(s.thread_ended, "%s: the thread never ended", r->name);
			cr_expect_eq(s.thread_end.has_code ? s.thread_end.code : -1, r->thread_code,
				     "%s: the thread's code", r->name);
			cr_expect(!s.thread_end.group, "%s: the thread's exit is not the group's",
				  r->name);
		}
	}
}

/* The exec row says which thread called execve. */
Test(kevent_rules, exec_from_a_thread_says_so)
{
	struct kevent_model *m = kevent_model_new();
	const struct rule *r = NULL;
	struct kevent_fact f;
	struct csv_event row;

	for (size_t i = 0; i < NRULES; i++)
		if (rules[i].old_tid)
			r = &rules[i];
	cr_assert_not_null(r);
	cr_assert_eq(kevent_model_add_process(m, R_ROOT, 1, NULL, 0, 0, NULL), 0);
	for (int i = 0; i < R_MAX_EVENTS && r->ev[i].tid; i++) {
		struct kevent ev = r->ev[i];

		ev.ts = (uint64_t)(i + 1);
		cr_assert_eq(kevent_model_feed(m, &ev, &f), KEVENT_DONE);
		if (f.kind != KEVENT_F_EXEC)
			continue;
		kevent_fact_row(&f, &row);
		cr_expect(CSV_HAS(&row, CSV_F_OLD_TID) && row.old_tid == r->old_tid);
		cr_expect_eq(row.pid, R_PID);
		cr_expect_str_eq(row.comm, "prog", "the comm is the program's name");
	}
	kevent_model_free(m);
}

/* A task the model does not know is reported, not guessed; an older event is foreign. */
Test(kevent_rules, unknown_and_foreign_tasks)
{
	struct kevent_model *m = kevent_model_new();
	struct kevent ev = EXIT_GROUP(300, 1);
	struct kevent_fact f;

	cr_assert_eq(kevent_model_add_process(m, R_ROOT, 1, NULL, 0, 50, NULL), 0);
	ev.ts = 60;
	cr_expect_eq(kevent_model_feed(m, &ev, &f), KEVENT_UNKNOWN);
	ev.tid = R_ROOT;
	ev.ts = 40;
	cr_expect_eq(kevent_model_feed(m, &ev, &f), KEVENT_FOREIGN);
	cr_expect_eq(kevent_model_nprocs(m), 1);
	kevent_model_forget(m, R_ROOT);
	cr_expect_eq(kevent_model_nprocs(m), 0);
	cr_expect(!kevent_model_knows(m, R_ROOT));
	kevent_model_free(m);
}

/* Signal numbers: 1..64, which end a process, which dump core. */
Test(kevent_rules, signal_numbers)
{
	cr_expect(!kevent_sig_valid(0) && kevent_sig_valid(1) && kevent_sig_valid(64) &&
		  !kevent_sig_valid(65));
	for (int s = 32; s <= 64; s++)
		cr_expect(kevent_sig_fatal(s) && !kevent_sig_core(s), "rt signal %d terminates", s);
	cr_expect(!kevent_sig_fatal(SIGCHLD) && !kevent_sig_fatal(SIGSTOP) &&
		  !kevent_sig_fatal(SIGCONT) && !kevent_sig_fatal(SIGWINCH));
	cr_expect(kevent_sig_core(SIGQUIT) && kevent_sig_core(SIGSYS) && !kevent_sig_core(SIGKILL));
}

/* A loss window: never ending before it starts; an unknown count is left empty. */
Test(kevent_rules, lost_rows)
{
	struct csv_event row;

	kevent_lost_row(&row, 1, 500, 400, -1);
	cr_expect_eq(row.kind, CSV_LOST);
	cr_expect(row.time_ns == 500 && row.end_ns == 500 && CSV_HAS(&row, CSV_F_CPU) &&
		  row.cpu == 1 && !CSV_HAS(&row, CSV_F_COUNT));
	kevent_lost_row(&row, -1, 100, 900, 7);
	cr_expect(row.end_ns == 900 && !CSV_HAS(&row, CSV_F_CPU) && row.count == 7);
}
