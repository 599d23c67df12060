// SPDX-License-Identifier: MIT
/*
 * docs/data-tools.md: the Python csv and Python sqlite3 recipes, taken from
 * the doc as they are, run on tests/fixtures/data_tools.csv; an argv with
 * commas, quotes, a leading '#', a newline followed by '#', bytes that are
 * not UTF-8 (0xff 0xfe) and some that are (é) comes out byte for byte, and
 * --format events joins --format csv on id.  The sqlite3
 * shell recipe runs too when sqlite3 is installed.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

#define PROG_DIR BUILD_DIR "/reconstruct"
#define DOC FIXTURES_DIR "/../../docs/data-tools.md"
#define REC FIXTURES_DIR "/data_tools.csv"

static const char *const hostile[] = { "printf", "a,b", "say \"hi\"", "x\n#not a comment",
				       "#lead",	 " sp", "\xff\xfe",   "caf\xc3\xa9" };

/*
 * jansson reads only UTF-8, and the recipes print the bytes as they were:
 * 0xfe and 0xff never occur in UTF-8, so turning them into '?' in both the
 * line and the expected argument loses nothing the test looks at.
 */
static void unbyte(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s == 0xfe || (unsigned char)*s == 0xff)
			*s = '?';
}

/* the python block after "<!-- recipe: NAME" in the doc, into a temp file */
static void extract(const char *name, char *path)
{
	FILE *in = fopen(DOC, "r"), *out;
	char line[4096], marker[128];
	int state = 0, fd = mkstemp(path);

	cr_assert_not_null(in, "%s", DOC);
	cr_assert_geq(fd, 0);
	out = fdopen(fd, "w");
	snprintf(marker, sizeof(marker), "<!-- recipe: %s ", name);
	while (fgets(line, sizeof(line), in)) {
		if (state == 0 && !strncmp(line, marker, strlen(marker)))
			state = 1;
		else if (state == 1 && !strncmp(line, "```python", 9))
			state = 2;
		else if (state == 2 && !strncmp(line, "```", 3)) {
			state = 3;
			break;
		} else if (state == 2)
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
	cr_assert_eq(state, 3, "recipe %s not found in %s", name, DOC);
}

/* the shell command line @cmd, with the proctree-reconstruct just built first in PATH */
static struct run sh(const char *cmd)
{
	char full[4096];

	snprintf(full, sizeof(full), "PATH='%s':\"$PATH\"; %s", PROG_DIR, cmd);
	return run_sh(full, NULL);
}

static bool have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* each output line: [id, pid, parent_id, argv] for one exec */
static void check_recipe_output(const char *out)
{
	const char *line = out;
	int seen = 0;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		json_error_t e;
		char *copy = strndup(line, len);
		json_t *j, *argv;

		cr_assert_not_null(copy);
		unbyte(copy);
		j = json_loadb(copy, len, 0, &e);
		cr_assert_not_null(j, "not JSON: %.*s (%s)", (int)len, line, e.text);
		argv = json_array_get(j, 3);
		if (!strcmp(json_string_value(json_array_get(j, 1)), "101")) {
			cr_assert_str_eq(json_string_value(json_array_get(j, 0)), "2");
			cr_assert_str_eq(json_string_value(json_array_get(j, 2)), "1");
			/* the raw bytes, as one JSON string of their own */
			cr_assert_not_null(memmem(line, len, "\"\xff\xfe\"", 4), "%.*s", (int)len,
					   line);
			cr_assert_eq(json_array_size(argv), sizeof(hostile) / sizeof(hostile[0]));
			for (size_t i = 0; i < json_array_size(argv); i++) {
				char want[64];

				snprintf(want, sizeof(want), "%s", hostile[i]);
				unbyte(want);
				cr_assert_str_eq(json_string_value(json_array_get(argv, i)), want,
						 "argument %zu", i);
			}
			seen |= 2;
		} else {
			cr_assert_str_eq(json_string_value(json_array_get(j, 1)), "100");
			cr_assert_eq(json_array_size(argv), 3);
			seen |= 1;
		}
		json_decref(j);
		free(copy);
		line = nl ? nl + 1 : line + len;
	}
	cr_assert_eq(seen, 3, "output: %s", out);
}

static void run_recipe(const char *name)
{
	char path[] = "/tmp/proctree-recipe-XXXXXX", cmd[512];
	struct run r;

	if (!have("python3"))
		cr_skip_test("python3 is not installed");
	extract(name, path);
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", path, REC);
	r = sh(cmd);
	unlink(path);
	cr_assert_eq(r.status, 0, "%s failed: %s%s", name, r.out, r.err);
	check_recipe_output(r.out);
	run_free(&r);
}

Test(data_tools, python_csv_recipe)
{
	run_recipe("python-csv");
}

Test(data_tools, python_sqlite_recipe)
{
	run_recipe("python-sqlite");
}

/* the events table has no comment lines, and every id is a process row */
Test(data_tools, events_join_csv_by_id)
{
	struct run r;

	if (!have("sqlite3"))
		cr_skip_test("the sqlite3 shell is not installed");
	r = sh("d=$(mktemp -d) && cd \"$d\" && "
	       "proctree-reconstruct --format csv '" REC "' > procs.csv && "
	       "proctree-reconstruct --format events '" REC "' > events.csv && "
	       "sqlite3 run.db '.import --csv procs.csv procs' '.import --csv events.csv events' "
	       "\"SELECT count(*), sum(p.id IS NULL) FROM events e LEFT JOIN procs p ON p.id = e.id;\" "
	       "\"SELECT group_concat(e.kind, ' ') FROM events e JOIN procs p ON p.id = e.id "
	       "WHERE p.pid = '101' ORDER BY CAST(e.seq AS INTEGER);\" "
	       "\"SELECT argv FROM procs WHERE id = '2';\"; s=$?; rm -rf \"$d\"; exit $s");
	cr_assert_eq(r.status, 0, "sqlite3 failed: %s%s", r.out, r.err);
	cr_assert_str_eq(
		r.out, "8|0\n"
		       "fork exec exit\n"
		       "printf,\"a,b\",\"say \"\"hi\"\"\",\"x\n#not a comment\",\"#lead\",\" sp\","
		       "\xff\xfe,caf\xc3\xa9\n");
	run_free(&r);
}

/* the events table starts with its header and has no '#' record */
Test(data_tools, events_header_only)
{
	struct run r = sh("proctree-reconstruct --format events '" REC "'");

	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(!strncmp(r.out,
			   "id,seq,kind,time_ns,pid,parent_id,comm,filename,argv,"
			   "exit_code,exit_signal\n",
			   73),
		  "%s", r.out);
	cr_assert_not_null(strstr(r.out, "\n3,1,exit,1950000000,102,1,sh,,,,15\n"), "%s", r.out);
	run_free(&r);
}
