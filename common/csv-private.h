/* SPDX-License-Identifier: MIT */
/* Internals shared by csv_write.c and csv_read.c. */
#ifndef PROCTREE_CSV_PRIVATE_H
#define PROCTREE_CSV_PRIVATE_H

#include "csv.h"

/* Column order the writer uses; the reader maps by name. */
enum csv_col {
	CSV_C_KIND,
	CSV_C_TIME,
	CSV_C_CPU,
	CSV_C_PID,
	CSV_C_TID,
	CSV_C_PPID,
	CSV_C_CHILD_PID,
	CSV_C_CHILD_TID,
	CSV_C_THREAD,
	CSV_C_OLD_TID,
	CSV_C_GROUP,
	CSV_C_CODE,
	CSV_C_SIGNAL,
	CSV_C_COUNT,
	CSV_C_END,
	CSV_C_UTIME,
	CSV_C_STIME,
	CSV_C_MAXRSS,
	CSV_C_COMM,
	CSV_C_CHILD_COMM,
	CSV_C_FILENAME,
	CSV_C_ARGV,
	/* optional: a reader accepts a header without them */
	CSV_C_ARGV_CUT,
	CSV_C_MINFLT,
	CSV_C_MAJFLT,
	CSV_C_NVCSW,
	CSV_C_NIVCSW,
	CSV_C_EXISTING,
	CSV_NCOLS
};

/* Columns every version-1 header has: kind .. argv */
#define CSV_NREQUIRED (CSV_C_ARGV + 1)

extern const char *const csv_col_names[CSV_NCOLS];

/* Numeric column -> csv_field bit (-1 for kind and string columns). */
extern const signed char csv_col_field[CSV_NCOLS];

/* True when a field must be quoted. */
static inline int csv_needs_quote(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '#' || s[0] == ' ' || s[len - 1] == ' ')
		return 1;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ',' || c == '"' || c == '\n' || c == '\r')
			return 1;
	}
	return 0;
}

#endif
