/* SPDX-License-Identifier: MIT */
/*
 * A recorded CSV in memory, for tests: every row as common/csv.h's reader
 * gave it (struct csv_event, its strings owned copies), the metadata and
 * trailer that tests look at, and the lookups they share.  The file is read
 * with the strict reader: a test fails on a CSV that does not parse.
 */
#ifndef PROCTREE_TEST_ROWS_H
#define PROCTREE_TEST_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "csv.h"

struct rows {
	struct csv_event *rows; /* in file order */
	int n;
	int root_pid;			 /* the metadata's root_pid (0 when unknown) */
	char **meta_keys, **meta_values; /* every leading "#key,value" line, in file order */
	int nmeta;
	char pid_ns[64];  /* the metadata's pid_ns ("" when absent) */
	bool has_trailer; /* the file ended with its trailer */
	bool interrupted; /* the trailer says so */
	uint64_t lost_events, trailer_events;
	/* the trailer's "#key,value" lines (argv_cut, ptrace_early_stops, ...) */
	char **keys, **values;
	int nkeys;
};

/**
 * rows_load - read the CSV at @path into @c (rows_free() it)
 *
 * The test fails (cr_assert) when the file cannot be read or does not parse.
 */
void rows_load(const char *path, struct rows *c);

void rows_free(struct rows *c);

/**
 * rows_key - the trailer count @key as a number, -1 when the trailer lacks it
 */
long long rows_key(const struct rows *c, const char *key);

/**
 * rows_meta - the value of the metadata line "#@key,VALUE", NULL when there is none
 */
const char *rows_meta(const struct rows *c, const char *key);

/**
 * rows_count - how many rows are of @kind
 */
int rows_count(const struct rows *c, enum csv_kind kind);

/**
 * rows_count_file - how many rows of @kind have the filename @filename
 */
int rows_count_file(const struct rows *c, enum csv_kind kind, const char *filename);

/**
 * rows_find - the first row of @kind about process @pid, or NULL
 *
 * For a fork row that is the row creating task @pid (child_tid); for an exit
 * row, the group exit of @pid; for any other kind, the row whose pid is @pid.
 */
const struct csv_event *rows_find(const struct rows *c, enum csv_kind kind, int pid);

/**
 * rows_exit_by_comm - the first group exit row whose comm is @comm, or NULL
 */
const struct csv_event *rows_exit_by_comm(const struct rows *c, const char *comm);

/**
 * rows_index - the index of row @r in @c (-1 for NULL), to check order
 */
int rows_index(const struct rows *c, const struct csv_event *r);

#endif
