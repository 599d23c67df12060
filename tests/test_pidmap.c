// SPDX-License-Identifier: MIT
/*
 * The engines' pid map (engines/pidmap.c) against a plain array: a long
 * run of puts and deletes of pids that collide and wrap, as a fork storm
 * makes them, must leave exactly the entries the array has, and iteration
 * must visit each once.
 */
#include <stdint.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "pidmap.h"

#define NPIDS 5000

static void check_same(const struct pidmap *m, void *const *want)
{
	size_t n = 0, pos = 0, visited = 0;
	pid_t pid;
	void *v;

	for (int p = 1; p < NPIDS; p++) {
		cr_assert_eq(pidmap_get(m, p), want[p], "pid %d", p);
		n += want[p] != NULL;
	}
	cr_assert_eq(pidmap_count(m), n);
	while ((v = pidmap_next(m, &pos, &pid))) {
		cr_assert(pid > 0 && pid < NPIDS && want[pid] == v, "pid %d visited", pid);
		visited++;
	}
	cr_assert_eq(visited, n, "iteration visits every entry once");
}

Test(pidmap, matches_an_array_through_a_storm_of_puts_and_deletes)
{
	static void *want[NPIDS];
	struct pidmap *m = pidmap_new();
	unsigned seed = 12345;

	cr_assert_not_null(m);
	for (int round = 0; round < 200000; round++) {
		/* pids 1..NPIDS-1; many hash to neighbouring slots */
		pid_t p = (pid_t)(1 + rand_r(&seed) % (NPIDS - 1));

		if (rand_r(&seed) % 3) {
			void *v = (void *)(uintptr_t)(round + 1);

			cr_assert_eq(pidmap_put(m, p, v), 0);
			want[p] = v;
		} else {
			cr_assert_eq(pidmap_del(m, p), want[p], "del of pid %d returns its value",
				     p);
			want[p] = NULL;
		}
		if (round % 20000 == 0)
			check_same(m, want);
	}
	check_same(m, want);
	pidmap_free(m);
}

Test(pidmap, deleting_the_entry_just_visited_keeps_the_others)
{
	struct pidmap *m = pidmap_new();
	size_t pos = 0, left;
	pid_t pid;

	cr_assert_not_null(m);
	for (pid_t p = 1; p <= 1000; p++)
		cr_assert_eq(pidmap_put(m, p * 7, (void *)(uintptr_t)p), 0);
	/* delete every other entry while iterating, as ptrace's cleanup does */
	for (int i = 0; pidmap_next(m, &pos, &pid); i++)
		if (i % 2)
			pidmap_del(m, pid);
	left = pidmap_count(m);
	cr_assert(left >= 500 && left < 1000, "%zu left", left);
	for (pid_t p = 1; p <= 1000; p++) {
		void *v = pidmap_get(m, p * 7);

		cr_assert(!v || v == (void *)(uintptr_t)p, "pid %d keeps its value", p * 7);
	}
	pidmap_free(m);
}
