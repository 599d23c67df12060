// SPDX-License-Identifier: MIT
/* The CSV contract: round trips of hostile bytes, and strict rejection of bad input. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "num.h"

static char *write_to_mem(const struct csv_meta *m, const struct csv_event *evs, int n,
			  const struct csv_trailer *t, size_t *len)
{
	char path[] = "/tmp/proctree-test-XXXXXX";
	int fd = mkstemp(path);
	struct csv_writer *w;
	FILE *fp;
	char *buf;

	cr_assert(fd >= 0);
	w = csv_writer_new(fd, true, m);
	cr_assert_not_null(w, "%s", err_msg());
	for (int i = 0; i < n; i++)
		cr_assert_eq(csv_writer_event(w, &evs[i]), 0);
	if (t)
		cr_assert_eq(csv_writer_finish(w, t), 0);
	csv_writer_free(w);
	fp = fopen(path, "r");
	cr_assert_not_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = ftell(fp);
	rewind(fp);
	buf = malloc(*len + 1);
	cr_assert_eq(fread(buf, 1, *len, fp), *len);
	buf[*len] = '\0';
	fclose(fp);
	unlink(path);
	return buf;
}

/* exec rows with hostile comm and filename, an empty argument, an empty argv, extremes */
static int hostile_rows(struct csv_event *evs)
{
	static const char *hostile[] = {
		"a,\"b\n",  "",	      " lead", "trail ", "#hash", "\xff\xfe not utf-8",
		"cr\r\nlf", "\"\"\"", ",",     NULL,
	};
	/* static: the rows point at them after the return */
	static const char *argv1[] = { "sh", "-c", "echo \"a,b\"", "", "x y", NULL };
	static const char *argv_empty_arg[] = { "", NULL };
	int n = 0;

	for (int i = 0; hostile[i]; i++, n++) {
		evs[n].kind = CSV_EXEC;
		CSV_SET(&evs[n], time_ns, CSV_F_TIME, 1000 + i);
		CSV_SET(&evs[n], pid, CSV_F_PID, 100 + i);
		evs[n].comm = hostile[i];
		evs[n].filename = hostile[i];
		evs[n].argv = argv1;
		evs[n].argc = 5;
	}
	evs[n].kind = CSV_EXEC; /* argv with one empty argument */
	CSV_SET(&evs[n], time_ns, CSV_F_TIME, 5);
	CSV_SET(&evs[n], pid, CSV_F_PID, 5);
	evs[n].argv = argv_empty_arg;
	evs[n].argc = 1;
	n++;
	evs[n].kind = CSV_EXEC; /* known empty argv */
	CSV_SET(&evs[n], time_ns, CSV_F_TIME, 6);
	CSV_SET(&evs[n], pid, CSV_F_PID, 6);
	evs[n].argv = argv_empty_arg + 1;
	evs[n].argc = 0;
	n++;
	evs[n].kind = CSV_FORK;
	CSV_SET(&evs[n], time_ns, CSV_F_TIME, UINT64_MAX);
	CSV_SET(&evs[n], pid, CSV_F_PID, 1);
	CSV_SET(&evs[n], child_pid, CSV_F_CHILD_PID, 2147483647);
	CSV_SET(&evs[n], thread, CSV_F_THREAD, true);
	n++;
	evs[n].kind = CSV_EXIT;
	CSV_SET(&evs[n], time_ns, CSV_F_TIME, 7);
	CSV_SET(&evs[n], pid, CSV_F_PID, 7);
	CSV_SET(&evs[n], signal, CSV_F_SIGNAL, 9);
	CSV_SET(&evs[n], code, CSV_F_CODE, 0);
	n++;
	return n;
}

/* row @i read back equals what was written */
static void expect_same_row(const struct csv_event *ev, const struct csv_event *want, int i)
{
	cr_assert_eq(ev->kind, want->kind);
	cr_assert_eq(ev->present, want->present, "row %d", i);
	cr_assert_eq(ev->time_ns, want->time_ns);
	cr_assert_eq(ev->pid, want->pid);
	if (want->comm)
		cr_assert_str_eq(ev->comm, want->comm, "row %d", i);
	else
		cr_assert_null(ev->comm);
	cr_assert_null(ev->child_comm);
	if (want->argv) {
		cr_assert_not_null(ev->argv, "row %d", i);
		cr_assert_eq(ev->argc, want->argc, "row %d", i);
		for (int a = 0; a < ev->argc; a++)
			cr_assert_str_eq(ev->argv[a], want->argv[a]);
		cr_assert_null(ev->argv[ev->argc]);
	} else {
		cr_assert_null(ev->argv);
	}
}

Test(csv, round_trip_hostile_bytes)
{
	char *cmd[] = { "prog", "--name=a,\"b", NULL };
	struct csv_meta m = { .engine = "test", .host = "h,ost", .root_pid = 42, .command = cmd };
	struct csv_event evs[16];
	struct csv_trailer t = { .lost_events = 7, .interrupted = true, .end_mono_ns = 99 };
	int n = 0;

	memset(evs, 0, sizeof(evs));
	n = hostile_rows(evs);

	size_t len;
	char *buf = write_to_mem(&m, evs, n, &t, &len);
	struct csv_reader *r = csv_reader_new_mem("mem", buf, len);
	struct csv_event ev;

	cr_assert_not_null(r, "%s", err_msg());
	cr_assert_str_eq(csv_reader_meta(r)->engine, "test");
	cr_assert_str_eq(csv_reader_meta(r)->host, "h,ost");
	cr_assert_eq(csv_reader_meta(r)->root_pid, 42);
	cr_assert_eq(csv_reader_meta(r)->ncommand, 2);
	cr_assert_str_eq(csv_reader_meta(r)->command[1], "--name=a,\"b");
	for (int i = 0; i < n; i++) {
		cr_assert_eq(csv_reader_next(r, &ev), 1, "row %d: %s", i, err_msg());
		expect_same_row(&ev, &evs[i], i);
	}
	cr_assert_eq(csv_reader_next(r, &ev), 0);
	cr_assert(csv_reader_trailer(r)->present);
	cr_assert_eq(csv_reader_trailer(r)->lost_events, 7);
	cr_assert(csv_reader_trailer(r)->interrupted);
	cr_assert_eq(csv_reader_trailer(r)->events, (uint64_t)n);
	csv_reader_free(r);
	free(buf);
}

#define OPT_BITS                                                                   \
	(CSV_BIT(CSV_F_ARGV_CUT) | CSV_BIT(CSV_F_MINFLT) | CSV_BIT(CSV_F_MAJFLT) | \
	 CSV_BIT(CSV_F_NVCSW) | CSV_BIT(CSV_F_NIVCSW) | CSV_BIT(CSV_F_EXISTING))

/* the optional columns: each value and each present/absent bit survives a round trip */
Test(csv, round_trip_optional_columns)
{
	const char *argv1[] = { "x", NULL };
	struct csv_event evs[6], ev;
	size_t len;
	char *buf;
	struct csv_reader *r;
	int n = 0;

	memset(evs, 0, sizeof(evs));
	for (int i = 0; i < 3; i++, n++) { /* exec: argv_cut 1, 0, unknown */
		evs[n].kind = CSV_EXEC;
		CSV_SET(&evs[n], time_ns, CSV_F_TIME, 10 + i);
		CSV_SET(&evs[n], pid, CSV_F_PID, 10 + i);
		evs[n].argv = argv1;
		evs[n].argc = 1;
		if (i < 2)
			CSV_SET(&evs[n], argv_cut, CSV_F_ARGV_CUT, i == 0);
	}
	evs[n].kind = CSV_EXIT; /* all four counters, at their extremes */
	CSV_SET(&evs[n], time_ns, CSV_F_TIME, 20);
	CSV_SET(&evs[n], pid, CSV_F_PID, 10);
	CSV_SET(&evs[n], group, CSV_F_GROUP, true);
	CSV_SET(&evs[n], minflt, CSV_F_MINFLT, UINT64_MAX);
	CSV_SET(&evs[n], majflt, CSV_F_MAJFLT, 0);
	CSV_SET(&evs[n], nvcsw, CSV_F_NVCSW, 12345);
	CSV_SET(&evs[n], nivcsw, CSV_F_NIVCSW, 1);
	n++;
	evs[n].kind = CSV_EXIT; /* only some: the others stay unknown, not 0 */
	CSV_SET(&evs[n], time_ns, CSV_F_TIME, 21);
	CSV_SET(&evs[n], pid, CSV_F_PID, 11);
	CSV_SET(&evs[n], majflt, CSV_F_MAJFLT, 7);
	CSV_SET(&evs[n], nivcsw, CSV_F_NIVCSW, 9);
	n++;
	evs[n].kind = CSV_EXIT; /* none */
	CSV_SET(&evs[n], time_ns, CSV_F_TIME, 22);
	CSV_SET(&evs[n], pid, CSV_F_PID, 12);
	CSV_SET(&evs[n], code, CSV_F_CODE, 0);
	n++;

	buf = write_to_mem(NULL, evs, n, NULL, &len);
	cr_assert_not_null(strstr(buf, ",filename,argv,argv_cut,minflt,majflt,nvcsw,nivcsw,"
				       "existing\n"),
			   "header:\n%s", buf);
	r = csv_reader_new_mem("mem", buf, len);
	cr_assert_not_null(r, "%s", err_msg());
	for (int i = 0; i < n; i++) {
		cr_assert_eq(csv_reader_next(r, &ev), 1, "row %d: %s", i, err_msg());
		cr_assert_eq(ev.present, evs[i].present, "row %d: present %#x, want %#x", i,
			     ev.present, evs[i].present);
		cr_assert_eq(ev.argv_cut, evs[i].argv_cut, "row %d", i);
		cr_assert_eq(ev.minflt, evs[i].minflt, "row %d", i);
		cr_assert_eq(ev.majflt, evs[i].majflt, "row %d", i);
		cr_assert_eq(ev.nvcsw, evs[i].nvcsw, "row %d", i);
		cr_assert_eq(ev.nivcsw, evs[i].nivcsw, "row %d", i);
	}
	cr_assert_eq(csv_reader_next(r, &ev), 0);
	csv_reader_free(r);
	free(buf);
}

/* the header of a file written before the optional columns, kind .. argv */
#define HDR_REQ                                                                        \
	"#proctree-csv,1\n#engine,test\n"                                              \
	"kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,group,code," \
	"signal,count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,child_comm,filename,argv"
#define HDR HDR_REQ "\n"

/* Reads @text and expects the first failure to mention @what at line @line. */
static void expect_error(const char *text, const char *what)
{
	struct csv_reader *r = csv_reader_new_mem("bad.csv", text, strlen(text));
	struct csv_event ev;
	int ret = 0;

	if (r) {
		while ((ret = csv_reader_next(r, &ev)) > 0)
			;
		csv_reader_free(r);
	}
	cr_assert(!r || ret < 0, "no error for: %s", text);
	cr_assert(strstr(err_msg(), what), "message '%s' lacks '%s'", err_msg(), what);
	cr_assert(strstr(err_msg(), "bad.csv:"), "message '%s' does not name the file", err_msg());
}

Test(csv, rejects_bad_input)
{
	expect_error("", "is this a proctree CSV");
	expect_error("kind,time\n", "not a proctree CSV");
	expect_error("#proctree-csv,2\n", "unsupported format version '2'");
	expect_error("#proctree-csv,1\nkind,time_ns\n", "lacks the 'cpu' column");
	expect_error(HDR "fork,1,,1,,,2,,,,,,,,,,,,,,\n", ":4: expected 22 fields, found 21");
	expect_error(HDR "spawn,1,,1,,,,,,,,,,,,,,,,,,\n", ":4: unknown kind 'spawn'");
	expect_error(HDR "exec,1,,99999999999,,,,,,,,,,,,,,,,,,\n", ":4: column pid: out of range");
	expect_error(HDR "exec,1,,-3,,,,,,,,,,,,,,,,,,\n", ":4: column pid: out of range");
	expect_error(HDR "exec,1x,,3,,,,,,,,,,,,,,,,,,\n", "column time_ns: invalid");
	expect_error(HDR "exec,,,3,,,,,,,,,,,,,,,,,,\n", "without time_ns");
	expect_error(HDR "fork,1,,3,,,,,,,,,,,,,,,,,,\n", "without child_pid");
	expect_error(HDR "exit,1,,3,,,,,,,,300,,,,,,,,,,\n", "column code: out of range");
	expect_error(HDR "exec,1,,3,,,,,,,,,,,,,,,a\"b,,,\n", "quote inside an unquoted field");
	expect_error(HDR "exec,1,,3,,,,,,,,,,,,,,,\"a\"b,,,\n", "junk after a quoted field");
	expect_error(HDR "#end\nexec,1,,3,,,,,,,,,,,,,,,,,,\n", "event row after the trailer");
}

/* -p: a fork row marking a process that predates the recording; 0, 1, unknown survive */
Test(csv, round_trip_existing)
{
	struct csv_event evs[3], ev;
	struct csv_reader *r;
	size_t len;
	char *buf;

	memset(evs, 0, sizeof(evs));
	for (int i = 0; i < 3; i++) {
		evs[i].kind = CSV_FORK;
		CSV_SET(&evs[i], time_ns, CSV_F_TIME, 100);
		CSV_SET(&evs[i], pid, CSV_F_PID, 1000);
		CSV_SET(&evs[i], child_pid, CSV_F_CHILD_PID, 1001 + i);
		CSV_SET(&evs[i], child_tid, CSV_F_CHILD_TID, 1001 + i);
		CSV_SET(&evs[i], thread, CSV_F_THREAD, false);
		if (i < 2)
			CSV_SET(&evs[i], existing, CSV_F_EXISTING, i == 0);
	}
	buf = write_to_mem(NULL, evs, 3, NULL, &len);
	cr_assert_not_null(strstr(buf, ",1001,1001,0,,,,,,,,,,,,,,,,,,,1\n"), "%s", buf);
	r = csv_reader_new_mem("mem", buf, len);
	cr_assert_not_null(r, "%s", err_msg());
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(csv_reader_next(r, &ev), 1, "row %d: %s", i, err_msg());
		cr_assert_eq(ev.present, evs[i].present, "row %d", i);
		cr_assert_eq(ev.existing, evs[i].existing, "row %d", i);
	}
	csv_reader_free(r);
	free(buf);
	/* existing is 0 or 1 */
	expect_error("#proctree-csv,1\nkind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,"
		     "old_tid,group,code,signal,count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,"
		     "child_comm,filename,argv,existing\nfork,1,,2,,,3,3,0,,,,,,,,,,,,,,2\n",
		     "column existing: out of range");
}

/* a file written before the optional columns existed reads, with them unknown */
Test(csv, header_without_optional_columns)
{
	static const char text[] = HDR "exec,1,,3,,,,,,,,,,,,,,,sh,,/bin/sh,\"sh,-c,true\"\n"
				       "exit,2,,3,3,,,,,,1,0,,,,5,6,7,sh,,,\n"
				       "#end\n";
	struct csv_reader *r = csv_reader_new_mem("old.csv", text, sizeof(text) - 1);
	struct csv_event ev;

	cr_assert_not_null(r, "%s", err_msg());
	cr_assert_eq(csv_reader_next(r, &ev), 1, "%s", err_msg());
	cr_assert_eq(ev.kind, CSV_EXEC);
	cr_assert_eq(ev.argc, 3);
	cr_assert_eq(ev.present & OPT_BITS, 0);
	cr_assert_not(ev.argv_cut);
	cr_assert_eq(csv_reader_next(r, &ev), 1, "%s", err_msg());
	cr_assert_eq(ev.kind, CSV_EXIT);
	cr_assert_eq(ev.maxrss_kb, 7);
	cr_assert_eq(ev.present & OPT_BITS, 0);
	cr_assert_eq(ev.minflt + ev.majflt + ev.nvcsw + ev.nivcsw, 0);
	cr_assert_eq(csv_reader_next(r, &ev), 0);
	cr_assert(csv_reader_trailer(r)->present);
	csv_reader_free(r);
}

/* optional columns are found by name: some of them, anywhere, in any order */
Test(csv, some_optional_columns_any_order)
{
	static const char text[] =
		"#proctree-csv,1\n"
		"nivcsw,kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,group,"
		"code,signal,count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,child_comm,filename,"
		"argv,argv_cut,minflt\n"
		"4,exit,2,,3,3,,,,,,1,0,,,,,,,,,,,,11\n"
		",exec,1,,3,,,,,,,,,,,,,,,,,,x,1,\n";
	struct csv_reader *r = csv_reader_new_mem("some.csv", text, sizeof(text) - 1);
	struct csv_event ev;

	cr_assert_not_null(r, "%s", err_msg());
	cr_assert_eq(csv_reader_next(r, &ev), 1, "%s", err_msg());
	cr_assert_eq(ev.present & OPT_BITS, CSV_BIT(CSV_F_NIVCSW) | CSV_BIT(CSV_F_MINFLT));
	cr_assert_eq(ev.nivcsw, 4);
	cr_assert_eq(ev.minflt, 11);
	cr_assert_eq(csv_reader_next(r, &ev), 1, "%s", err_msg());
	cr_assert_eq(ev.present & OPT_BITS, CSV_BIT(CSV_F_ARGV_CUT));
	cr_assert(ev.argv_cut);
	cr_assert_eq(ev.argc, 1);
	csv_reader_free(r);
}

#define HDR_OPT HDR_REQ ",argv_cut,minflt,majflt,nvcsw,nivcsw\n"

Test(csv, rejects_bad_optional_values)
{
	expect_error(HDR_OPT "exec,1,,3,,,,,,,,,,,,,,,,,,,2,,,,\n",
		     "column argv_cut: out of range");
	expect_error(HDR_OPT "exec,1,,3,,,,,,,,,,,,,,,,,,,-1,,,,\n", "column argv_cut");
	expect_error(HDR_OPT "exit,1,,3,,,,,,,,,,,,,,,,,,,,x,,,\n", "column minflt: invalid");
	expect_error(HDR_OPT "exit,1,,3,,,,,,,,,,,,,,,,,,,,,18446744073709551616,,\n",
		     "column majflt");
	expect_error(HDR_OPT "exit,1,,3,,,,,,,,,,,,,,,,,,,,,,+1,\n", "column nvcsw");
	/* a row with the old number of fields under the new header is short */
	expect_error(HDR_OPT "exec,1,,3,,,,,,,,,,,,,,,,,,\n", "expected 27 fields, found 22");
	expect_error("#proctree-csv,1\n"
		     "kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,"
		     "thread,old_tid,group,code,signal,count,end_ns,utime_ns,stime_ns,maxrss_kb,"
		     "comm,child_comm,filename,argv,minflt,minflt\n",
		     "column 'minflt' appears twice");
}

Test(csv, nul_byte_is_junk)
{
	static const char text[] = HDR "exec,1,,3,,,,,,,,,,,,,,,a\0b,,,\n";
	struct csv_reader *r = csv_reader_new_mem("bad.csv", text, sizeof(text) - 1);
	struct csv_event ev;

	cr_assert_not_null(r);
	cr_assert_eq(csv_reader_next(r, &ev), -1);
	cr_assert(strstr(err_msg(), "bad.csv:4: NUL byte"), "%s", err_msg());
	csv_reader_free(r);
}

Test(csv, truncated_last_row_keeps_the_rest)
{
	const char *text = HDR "exec,1,,3,,,,,,,,,,,,,,,a,,,\nexit,2,,3,,,,,,,,0,,,,,,,\"unfinish";
	struct csv_reader *r = csv_reader_new_mem("cut.csv", text, strlen(text));
	struct csv_event ev;

	cr_assert_not_null(r);
	cr_assert_eq(csv_reader_next(r, &ev), 1);
	cr_assert_eq(ev.pid, 3);
	cr_assert_eq(csv_reader_next(r, &ev), -1);
	cr_assert(csv_reader_truncated(r));
	cr_assert(strstr(err_msg(), "cut.csv:5: truncated last record"), "%s", err_msg());
	cr_assert_eq(csv_reader_next(r, &ev), 0);
	cr_assert_not(csv_reader_trailer(r)->present);
	csv_reader_free(r);
}

Test(num, strict_parser)
{
	uint64_t u;
	int64_t s;
	int i;

	cr_assert_eq(num_parse_u64("123", 3, 1000, &u), 0);
	cr_assert_eq(u, 123);
	cr_assert_eq(num_parse_u64("18446744073709551615", 20, UINT64_MAX, &u), 0);
	cr_assert_eq(u, UINT64_MAX);
	cr_assert_eq(num_parse_u64("18446744073709551616", 20, UINT64_MAX, &u), -1);
	cr_assert_eq(num_parse_u64("", 0, 10, &u), -1);
	cr_assert_eq(num_parse_u64("+1", 2, 10, &u), -1);
	cr_assert_eq(num_parse_u64(" 1", 2, 10, &u), -1);
	cr_assert_eq(num_parse_u64("1 ", 2, 10, &u), -1);
	cr_assert_eq(num_parse_u64("11", 2, 10, &u), -1);
	cr_assert_eq(num_parse_i64("-9223372036854775808", 20, INT64_MIN, INT64_MAX, &s), 0);
	cr_assert_eq(s, INT64_MIN);
	cr_assert_eq(num_parse_i64("-", 1, -5, 5, &s), -1);
	cr_assert_eq(num_parse_int("-5", -5, 5, &i), 0);
	cr_assert_eq(i, -5);
	cr_assert_eq(num_parse_int("0x10", 0, 100, &i), -1);
	cr_assert_eq(num_parse_size("8M", UINT64_MAX, &u), 0);
	cr_assert_eq(u, 8u << 20);
	cr_assert_eq(num_parse_size("M", UINT64_MAX, &u), -1);
}

/* issue 14: no padded numbers, through the slow and the inlined fast path alike; "0" stays */
Test(num, leading_zeros)
{
	uint64_t u = 7;
	int64_t s;
	int i;

	cr_assert_eq(num_parse_u64("0", 1, 10, &u), 0);
	cr_assert_eq(u, 0);
	cr_assert_eq(num_parse_u64_fast("0", 1, 10, &u), 0);
	cr_assert_eq(num_parse_i64("0", 1, -5, 5, &s), 0);
	cr_assert_eq(num_parse_i64("-0", 2, -5, 5, &s), 0);
	cr_assert_eq(num_parse_int("10", 0, 100, &i), 0);
	cr_assert_eq(i, 10);
	cr_assert_eq(num_parse_u64("007", 3, 1000, &u), -1);
	cr_assert_not_null(strstr(err_msg(), "leading zeros in number '007'"), "%s", err_msg());
	cr_assert_eq(num_parse_u64_fast("007", 3, 1000, &u), -1);
	cr_assert_eq(num_parse_u64_fast("00", 2, 1000, &u), -1);
	cr_assert_eq(num_parse_u64("000000000000000000001", 21, UINT64_MAX, &u), -1);
	cr_assert_eq(num_parse_i64("-05", 3, -5, 5, &s), -1);
	cr_assert_not_null(strstr(err_msg(), "leading zeros in number '-05'"), "%s", err_msg());
	cr_assert_eq(num_parse_int("010", 0, 100, &i), -1);
	cr_assert_eq(num_parse_size("08M", UINT64_MAX, &u), -1);
}

/* a loss window that ends before it starts is junk: rejected with its line */
Test(csv, lost_window_backwards)
{
	static const char text[] =
		"#proctree-csv,1\n"
		"kind,time_ns,cpu,pid,tid,ppid,child_pid,child_tid,thread,old_tid,group,code,signal,"
		"count,end_ns,utime_ns,stime_ns,maxrss_kb,comm,child_comm,filename,argv\n"
		"lost,100,0,,,,,,,,,,,3,100,,,,,,,\n"
		"lost,100,0,,,,,,,,,,,3,99,,,,,,,\n";
	struct csv_reader *r = csv_reader_new_mem("lost.csv", text, sizeof(text) - 1);
	struct csv_event ev;

	cr_assert_not_null(r, "%s", err_msg());
	cr_assert_eq(csv_reader_next(r, &ev), 1, "an empty window is fine: %s", err_msg());
	cr_assert_eq(csv_reader_next(r, &ev), -1);
	cr_assert_not_null(strstr(err_msg(), "lost.csv:4: lost row ends before it starts"), "%s",
			   err_msg());
	csv_reader_free(r);
}

/* CR-only line ends: one clear line naming the file, with or without a final CR */
Test(csv, cr_only_line_ends)
{
	static const char *const texts[] = {
		"#proctree-csv,1\r#engine,x\rkind,time_ns\r",
		"#proctree-csv,1\r#engine,x\rkind,time_ns",
		"#proctree-csv,1\r#command,\"a\nb\"\rkind,time_ns\r",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct csv_reader *r = csv_reader_new_mem("mac.csv", texts[i], strlen(texts[i]));

		cr_assert_null(r, "case %zu", i);
		cr_assert_not_null(strstr(err_msg(), "mac.csv:1: line ends are CR (\\r) alone"),
				   "case %zu: %s", i, err_msg());
	}
	/* CRLF stays fine */
	static const char crlf[] =
		"#proctree-csv,1\r\nkind,time_ns,cpu,pid,tid,ppid,child_pid,"
		"child_tid,thread,old_tid,group,code,signal,count,end_ns,utime_ns,stime_ns,"
		"maxrss_kb,comm,child_comm,filename,argv\r\n";
	struct csv_reader *r = csv_reader_new_mem("dos.csv", crlf, sizeof(crlf) - 1);

	cr_assert_not_null(r, "%s", err_msg());
	csv_reader_free(r);
}

static void *flush_in_thread(void *arg)
{
	return (void *)(intptr_t)csv_writer_flush(arg, false);
}

/*
 * A writer that failed in one thread (the ftrace engine's reader) says why in
 * every later call, from any thread: errors are thread-local, and a bare -1
 * once reached the user as "unknown error" on a full disk.
 */
Test(csv, failure_is_said_again_in_another_thread)
{
	struct csv_meta m = {
		.version = 1, .engine = "test", .clock = "CLOCK_MONOTONIC", .root_pid = 1
	};
	struct csv_event ev = { .kind = CSV_EXIT };
	struct csv_writer *w;
	pthread_t th;
	void *ret;
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(p), 0);
	w = csv_writer_new(p[1], true, &m); /* the header fits in the pipe */
	cr_assert_not_null(w, "%s", err_msg());
	close(p[0]); /* the reader goes away: the next write fails */
	CSV_SET(&ev, time_ns, CSV_F_TIME, 1);
	CSV_SET(&ev, pid, CSV_F_PID, 1);
	cr_assert_eq(csv_writer_event(w, &ev), 0, "buffered: %s", err_msg());
	cr_assert_eq(pthread_create(&th, NULL, flush_in_thread, w), 0);
	cr_assert_eq(pthread_join(th, &ret), 0);
	cr_assert_eq((intptr_t)ret, -1, "a flush to a closed pipe must fail");
	err_clear();
	cr_expect_eq(csv_writer_event(w, &ev), -1);
	cr_expect(strstr(err_msg(), strerror(EPIPE)), "event: %s", err_msg());
	err_clear();
	cr_expect_eq(csv_writer_finish(w, NULL), -1);
	cr_expect(strstr(err_msg(), strerror(EPIPE)), "finish: %s", err_msg());
	csv_writer_free(w);
}
