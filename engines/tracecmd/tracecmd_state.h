/* SPDX-License-Identifier: MIT */
/*
 * Saving and restoring the top-level tracing settings trace-cmd changes
 * when it has to record in the top-level instance (the fallback when it
 * cannot use a private one): tracing_on, trace_clock, buffer size, tracer,
 * enabled events, event pid filter, the options it touches, and every
 * event filter (trace-cmd clears them all).
 */
#ifndef PROCTREE_TRACECMD_STATE_H
#define PROCTREE_TRACECMD_STATE_H

struct tcstate;

/** tcstate_save - snapshot the top-level settings; NULL with err_msg() */
struct tcstate *tcstate_save(void);

/** tcstate_restore - write the snapshot back; -1 with err_msg() on a failure */
int tcstate_restore(struct tcstate *s);

/** tcstate_changed - describe the first setting that differs now, or NULL */
const char *tcstate_changed(struct tcstate *s);

void tcstate_free(struct tcstate *s);

#endif
