/* SPDX-License-Identifier: MIT */
/* pid -> pointer: the one pid-keyed table the engines share (pidmap.c). */
#ifndef PROCTREE_PIDMAP_H
#define PROCTREE_PIDMAP_H

#include <stddef.h>
#include <sys/types.h>

struct pidmap;

/** pidmap_new - an empty map from pid (> 0) to a pointer */
struct pidmap *pidmap_new(void);
/** pidmap_get - the value for @pid, NULL when absent */
void *pidmap_get(const struct pidmap *m, pid_t pid);
/** pidmap_put - set @pid to @val (replacing); 0 or -1 (ENOMEM) */
int pidmap_put(struct pidmap *m, pid_t pid, void *val);
/** pidmap_del - remove @pid; returns its old value or NULL */
void *pidmap_del(struct pidmap *m, pid_t pid);
/** pidmap_count - number of entries */
size_t pidmap_count(const struct pidmap *m);
/**
 * pidmap_each - call @fn for every entry (the map must not change
 * during the walk); stops early and returns @fn's value when non-zero
 */
int pidmap_each(const struct pidmap *m, int (*fn)(pid_t pid, void *val, void *ctx), void *ctx);
/**
 * pidmap_next - iterate: *@pos starts at 0; the next entry's value (its pid
 * in *@pid), NULL at the end.  Deleting the returned entry is allowed, but
 * the shift that fills its slot can move a later entry into a visited slot
 * (missed) or, across the table's wrap-around, a visited one into a slot
 * ahead (returned twice): a caller that deletes restarts from 0 after
 * each delete, or tolerates both.
 */
void *pidmap_next(const struct pidmap *m, size_t *pos, pid_t *pid);
/** pidmap_free - free the map (not the values) */
void pidmap_free(struct pidmap *m);

#endif
