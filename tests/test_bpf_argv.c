// SPDX-License-Identifier: MIT
/*
 * The bpf engine's argv, through proctree-record: a thousand short
 * processes each with its own argument, hostile and oversized argv byte for
 * byte, an argv over the cap kept as its exact prefix and marked cut.
 */
#include <criterion/options.h>

#include "bpf_suite.h"
#include "num.h"
#include "serial_main.h"

/* ---- argv of a thousand short-lived processes ---- */

Test(bpf_engine, argv_of_1000_short_processes, .timeout = 180)
{
	enum { N = 1000 };
	char csv[128];
	char *cmd[] = { "/bin/sh", "-c",
			"i=0; while [ $i -lt 1000 ]; do /bin/echo $i; i=$((i+1)); done >/dev/null",
			NULL };
	static int seen[N];
	struct rows c;
	int echoes = 0, no_argv = 0;

	record_ok("echo.csv", NULL, cmd, 0, csv, sizeof(csv));
	rows_load(csv, &c);
	check_clean(&c, 0);
	for (int i = 0; i < c.n; i++) {
		const struct csv_event *r = &c.rows[i];
		char want[16];
		int k;

		if (r->kind != CSV_EXEC)
			continue;
		if (!r->argv) {
			no_argv++;
			continue;
		}
		if (!r->filename || strcmp(r->filename, "/bin/echo"))
			continue;
		echoes++;
		cr_assert_eq(r->argc, 2, "pid %d: argc %d", r->pid, r->argc);
		cr_assert_str_eq(r->argv[0], "/bin/echo");
		cr_assert_eq(num_parse_int(r->argv[1], 0, N - 1, &k), 0,
			     "pid %d: argv[1] '%s' is no number of the loop", r->pid, r->argv[1]);
		snprintf(want, sizeof(want), "%d", k);
		cr_assert(k >= 0 && k < N && !strcmp(r->argv[1], want),
			  "pid %d: argv[1] '%s' is no number of the loop", r->pid, r->argv[1]);
		seen[k]++;
		cr_expect(!CSV_HAS(r, CSV_F_ARGV_CUT) || !r->argv_cut, "pid %d: argv_cut", r->pid);
	}
	cr_expect_eq(no_argv, 0, "%d exec rows without argv", no_argv);
	cr_expect_eq(echoes, N, "exec rows of /bin/echo: %d, want %d", echoes, N);
	for (int k = 0; k < N; k++)
		cr_expect_eq(seen[k], 1, "argv [/bin/echo, %d] seen %d times", k, seen[k]);
	cr_expect_eq(rows_count(&c, CSV_EXEC), N + 1, "the shell's exec and the echoes'");
	cr_expect_eq(rows_key(&c, "argv_unknown"), 0, "#argv_unknown");
	cr_expect_eq(rows_key(&c, "argv_cut"), 0, "#argv_cut");
	rows_free(&c);
}

/* ---- hostile and oversized argv ---- */

/* The engine's argv cap (PTB_ARGV_CAP), which each CSV states in its #argv_cap line. */
#define ARGV_CAP (128 * 1024)

/* The value of the metadata line #@key of @csv (NULL when absent), in @buf. */
static const char *meta_value(const char *csv, const char *key, char *buf, size_t size)
{
	struct csv_reader *r = csv_reader_open(csv);
	const struct csv_meta *m;
	const char *found = NULL;

	cr_assert_not_null(r, "%s", err_msg());
	m = csv_reader_meta(r);
	for (int i = 0; i < m->nkeys; i++)
		if (!strcmp(m->keys[i], key) && m->values[i]) {
			snprintf(buf, size, "%s", m->values[i]);
			found = buf;
		}
	csv_reader_free(r);
	return found;
}

/* @len bytes of every value but NUL (commas, quotes, CR, LF, '#', 0xff...), from @seed. */
static char *big_arg(size_t len, unsigned seed)
{
	char *s = malloc(len + 1);

	cr_assert_not_null(s);
	for (size_t i = 0; i < len; i++)
		s[i] = (char)(1 + (i * 131 + seed) % 255);
	s[len] = '\0';
	return s;
}

/*
 * Record `/bin/true ARGS...` (the recorder execs it as the root, so its
 * argv is exactly @args) and return the CSV loaded, with *@exec the root's
 * exec of /bin/true.
 */
static void record_args(const char *name, char **args, struct rows *c,
			const struct csv_event **exec, char *csv, size_t size)
{
	const struct csv_event *execs[4];
	int n;

	record_ok(name, NULL, args, 0, csv, size);
	rows_load(csv, c);
	check_clean(c, 0);
	n = execs_of(c, c->root_pid, execs, 4);
	cr_assert_eq(n, 1, "the root exec'd once, %d exec rows", n);
	cr_assert_str_eq(execs[0]->filename, "/bin/true");
	cr_assert_not_null(execs[0]->argv, "the argv is known");
	*exec = execs[0];
}

/* @r's argv is @want (@n strings) byte for byte. */
static void expect_argv(const struct csv_event *r, char *const *want, int n)
{
	cr_assert_eq(r->argc, n, "argc %d, want %d", r->argc, n);
	for (int i = 0; i < n; i++)
		cr_assert(strlen(r->argv[i]) == strlen(want[i]) && !strcmp(r->argv[i], want[i]),
			  "argv[%d] differs: %zu bytes, want %zu", i, strlen(r->argv[i]),
			  strlen(want[i]));
}

Test(bpf_engine, hostile_argv_and_2000_arguments_round_trip, .timeout = 60)
{
	static const char *const hostile[] = {
		"a,b",
		",",
		"\"quoted\"",
		"\"",
		"line\nbreak",
		"\n",
		"cr\rhere",
		"\r\n",
		"#hash",
		"#",
		" leading space",
		"trailing space ",
		"two  spaces",
		" ",
		"\xff\xfe",
		"not utf-8: \xc3\x28 \xa0\xa1",
		"",
		"",
		"all,\"of\nit\r# \xff",
		"\t",
		"\"\",\"\"",
		"",
	};
	enum { NH = sizeof(hostile) / sizeof(hostile[0]), NUM = 2000 };
	char **args = calloc(1 + NH + NUM + 1, sizeof(char *));
	const struct csv_event *exec;
	struct rows c;
	char csv[128];
	int n = 0;

	cr_assert_not_null(args);
	args[n++] = strdup("/bin/true");
	for (int i = 0; i < NH; i++)
		args[n++] = strdup(hostile[i]);
	for (int i = 0; i < NUM; i++) {
		char num[32];

		snprintf(num, sizeof(num), "arg-%d", i);
		args[n++] = strdup(num);
	}
	record_args("hostile.csv", args, &c, &exec, csv, sizeof(csv));
	expect_argv(exec, args, n);
	cr_expect(!CSV_HAS(exec, CSV_F_ARGV_CUT) || !exec->argv_cut, "not cut");
	cr_expect_eq(rows_key(&c, "argv_cut"), 0);
	cr_expect_eq(rows_key(&c, "argv_unknown"), 0);
	rows_free(&c);
	for (int i = 0; i < n; i++)
		free(args[i]);
	free(args);
}

Test(bpf_engine, argv_of_100k_is_whole, .timeout = 60)
{
	char *args[] = { "/bin/true", big_arg(100 * 1024, 7), "after", NULL };
	const struct csv_event *exec;
	struct rows c;
	char csv[128];

	record_args("big.csv", args, &c, &exec, csv, sizeof(csv));
	expect_argv(exec, args, 3);
	cr_expect(!CSV_HAS(exec, CSV_F_ARGV_CUT) || !exec->argv_cut,
		  "%zu bytes of argv fit under the %d cap: not cut",
		  strlen(args[0]) + strlen(args[1]) + strlen(args[2]) + 3, ARGV_CAP);
	cr_expect_eq(rows_key(&c, "argv_cut"), 0);
	rows_free(&c);
	free(args[1]);
}

/*
 * Two 100 KiB arguments: the argv is the first ARGV_CAP bytes of the
 * NUL-separated strings, so the second argument is cut short and its NUL
 * is missing; the row says so.
 */
Test(bpf_engine, argv_over_the_cap_is_its_exact_prefix, .timeout = 60)
{
	char *args[] = { "/bin/true", big_arg(100 * 1024, 1), big_arg(100 * 1024, 2), "lost",
			 NULL };
	size_t len0 = strlen(args[0]) + 1, len1 = strlen(args[1]) + 1, cut;
	const struct csv_event *exec;
	struct rows c;
	char csv[128], cap[32];
	json_t *doc, *root;

	record_args("cut.csv", args, &c, &exec, csv, sizeof(csv));
	cr_assert(meta_value(csv, "argv_cap", cap, sizeof(cap)) && !strcmp(cap, "131072"),
		  "the CSV states the cap this test assumes (#argv_cap)");
	cr_assert_lt(len0 + len1, (size_t)ARGV_CAP, "the cut falls in the second big argument");
	cut = ARGV_CAP - len0 - len1;
	cr_assert_eq(exec->argc, 3, "argc %d: /bin/true, the first whole, the second cut",
		     exec->argc);
	cr_expect_str_eq(exec->argv[0], args[0]);
	cr_expect(!strcmp(exec->argv[1], args[1]), "the first big argument is whole");
	cr_expect_eq(strlen(exec->argv[2]), cut, "the second is cut to %zu bytes, got %zu", cut,
		     strlen(exec->argv[2]));
	cr_expect(!strncmp(exec->argv[2], args[2], cut),
		  "the cut argument is a prefix of the real one");
	cr_expect(CSV_HAS(exec, CSV_F_ARGV_CUT) && exec->argv_cut, "argv_cut=1");
	cr_expect_eq(rows_key(&c, "argv_cut"), 1, "#argv_cut");
	cr_expect_eq(rows_key(&c, "argv_unknown"), 0);
	/* the reconstructor keeps the mark: a cut argv is not taken for the whole one */
	doc = bpf_json(csv);
	root = json_array_get(json_object_get(doc, "roots"), 0);
	cr_expect_eq(bpf_json_int(root, "pid", -1), c.root_pid);
	cr_expect(bpf_json_flag(root, "argv_cut"), "the root node is flagged argv_cut");
	json_decref(doc);
	rows_free(&c);
	free(args[1]);
	free(args[2]);
}

/* ---- exit codes and fatal signals ---- */

SERIAL_MAIN()
