// SPDX-License-Identifier: MIT
/*
 * The fast paths added to the reader for the reconstructor benchmark: the
 * digit loop without per-digit overflow checks (<= 19 digits) and the byte
 * loop that splits unquoted fields.  Same answers as the careful paths.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "num.h"

static int u64(const char *s, uint64_t max, uint64_t *v)
{
	return num_parse_u64(s, strlen(s), max, v);
}

Test(num_fast, boundaries)
{
	uint64_t v;
	int64_t i;

	cr_assert_eq(u64("9999999999999999999", UINT64_MAX, &v), 0); /* 19 digits */
	cr_assert_eq(v, 9999999999999999999ull);
	cr_assert_eq(u64("9999999999999999999", INT64_MAX, &v), -1);
	cr_assert_eq(errno, ERANGE);
	cr_assert_eq(u64("18446744073709551615", UINT64_MAX, &v), 0); /* 20 digits, the max */
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(u64("18446744073709551616", UINT64_MAX, &v), -1);
	cr_assert_eq(errno, ERANGE);
	cr_assert_eq(u64("99999999999999999999", UINT64_MAX, &v), -1);
	/* long but small: padded, so refused (issue 14: no leading zeros) */
	cr_assert_eq(u64("0000000000000000000000000001", UINT64_MAX, &v), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(u64("12a", UINT64_MAX, &v), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(u64("", UINT64_MAX, &v), -1);
	cr_assert_eq(u64("+1", UINT64_MAX, &v), -1);
	cr_assert_eq(u64(" 1", UINT64_MAX, &v), -1);
	cr_assert_eq(u64("256", 255, &v), -1);
	cr_assert_eq(errno, ERANGE);
	cr_assert_eq(num_parse_i64("-9223372036854775808", 20, INT64_MIN, INT64_MAX, &i), 0);
	cr_assert_eq(i, INT64_MIN);
	cr_assert_eq(num_parse_i64("9223372036854775808", 19, INT64_MIN, INT64_MAX, &i), -1);
	cr_assert_eq(num_parse_i64("2147483648", 10, 0, 2147483647, &i), -1);
}

static const char header[] =
	"#proctree-csv,1\n"
	"kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,group,code,signal,"
	"count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,child_comm,filename,argv\n";

static int read_row(const char *row, struct csv_event *ev, struct csv_reader **rp)
{
	static char buf[4096];
	int n = snprintf(buf, sizeof(buf), "%s%s", header, row);

	*rp = csv_reader_new_mem("t.csv", buf, n);
	cr_assert_not_null(*rp, "%s", err_msg());
	return csv_reader_next(*rp, ev);
}

Test(split_fast, unquoted_fields)
{
	struct csv_reader *r;
	struct csv_event ev;

	cr_assert_eq(read_row("exec,5,,7,,,,,,,,,,,,,,,a b,,/x,\"a,b c\"\n", &ev, &r), 1, "%s",
		     err_msg());
	cr_assert_eq(ev.pid, 7);
	cr_assert_str_eq(ev.comm, "a b");
	cr_assert_str_eq(ev.filename, "/x");
	cr_assert_eq(ev.argc, 2);
	cr_assert_str_eq(ev.argv[1], "b c");
	cr_assert_null(ev.child_comm);
	csv_reader_free(r);
	/* a quote inside an unquoted field, in the last field and in the middle */
	cr_assert_eq(read_row("exec,5,,7,,,,,,,,,,,,,,,ab\"c,,/x,\n", &ev, &r), -1);
	cr_assert_not_null(strstr(err_msg(), "t.csv:3: quote inside an unquoted field"), "%s",
			   err_msg());
	csv_reader_free(r);
	cr_assert_eq(read_row("exec,5,,7,,,,,,,,,,,,,,,a,,/x,x\"\n", &ev, &r), -1);
	csv_reader_free(r);
	/* one field too many through a trailing comma */
	cr_assert_eq(read_row("exec,5,,7,,,,,,,,,,,,,,,a,,/x,,\n", &ev, &r), -1);
	cr_assert_not_null(strstr(err_msg(), "expected 22 fields, found 23"), "%s", err_msg());
	csv_reader_free(r);
}
