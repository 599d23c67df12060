// SPDX-License-Identifier: MIT
/*
 * --format svg against fixtures: well-formed XML by a small parser here
 * (and by xmllint when installed), and the row cap said in the picture.
 * The golden files of every format: test_formats.c.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv.h"
#include "err.h"
#include "progs.h"
#include "run.h"
#include "skip.h"
#include "slurp.h"
#include "tree.h"
#include "formats_util.h"

static void check_svg_file(const char *fixture, const struct tree_view_opts *o)
{
	struct tree *t = build(fixture);
	size_t len;
	char *svg = render(t, K_SVG, o, &len);

	check_xml(svg, len);
	cr_assert_not_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	/* xmllint is a second opinion when installed (libxml2-utils, scripts/setup) */
	cr_assert(!test_under_ci() || !access("/usr/bin/xmllint", X_OK),
		  "xmllint not installed under CI: scripts/setup installs libxml2-utils");
	if (!access("/usr/bin/xmllint", X_OK)) {
		char path[] = "/tmp/proctree-test-svg-XXXXXX", cmd[256];
		int fd = mkstemp(path);

		cr_assert_geq(fd, 0);
		cr_assert_eq(write(fd, svg, len), (ssize_t)len);
		close(fd);
		snprintf(cmd, sizeof(cmd), "/usr/bin/xmllint --noout '%s'", path);
		cr_expect_eq(system(cmd), 0, "xmllint rejects the SVG of %s", fixture);
		unlink(path);
	}
	free(svg);
	tree_free(t);
}

Test(formats, svg_is_well_formed_xml)
{
	struct tree_view_opts rows = { .max_depth = -1, .max_rows = 3 };

	check_svg_file(FMT_DIR "/build.csv", NULL);
	check_svg_file(FMT_DIR "/build.csv", &rows);
	/* names with quotes, commas, newlines and bytes that are not UTF-8 */
	check_svg_file(FIXTURES_DIR "/hostile_names.csv", NULL);
	check_svg_file(FIXTURES_DIR "/fork_lost.csv", NULL);
	check_svg_file(FIXTURES_DIR "/pid_reuse.csv", NULL);
}

Test(formats, svg_caps_rows_and_says_so)
{
	struct tree_view_opts rows = { .max_depth = -1, .max_rows = 12 };
	struct tree *t = build(FMT_DIR "/build.csv");
	char *svg = render(t, K_SVG, &rows, NULL), *p = svg;
	int n = 0;

	while ((p = strstr(p, "<g class=\"r")))
		n++, p++;
	/*
	 * depths 0..2 are 1 + 1 + 8 rows, all 14 of depth 3 would not fit: 2 of them are
	 * drawn, the failed ones first (cc of lex.c, t-hang), the rest summed up in "+N" rows
	 */
	cr_assert_eq(n, 12, "%d rows", n);
	cr_assert_not_null(strstr(svg, "12 of 31 processes drawn"));
	cr_assert_not_null(strstr(svg, ">t-hang<tspan class=\"m\"> 1310</tspan>"), "%s", svg);
	cr_assert_not_null(strstr(svg, ">cc<tspan class=\"m\"> 1113 +2</tspan>"), "%s", svg);
	cr_assert_not_null(strstr(svg, ">sh<tspan class=\"m\"> 1100 +3</tspan>"), "%s", svg);
	free(svg);
	tree_free(t);
}
