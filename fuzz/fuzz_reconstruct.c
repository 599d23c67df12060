// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: arbitrary bytes through the strict reader, the tree
 * builder and every output.  A small reorder window makes late rows and
 * fork_late adoption reachable with the tiny timestamps fuzzers produce.
 * Outputs go to /dev/null; the JSON document must always parse.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "csv.h"
#include "tree.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tree_opts opts = { .window_ns = 1 + (size & 0xff) };
	struct csv_reader *r;
	struct tree *t;
	char *json = NULL;
	size_t len = 0;
	FILE *ms;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	r = csv_reader_new_mem("fuzz", (const char *)data, size);
	if (!r)
		return 0;
	t = tree_new(&opts);
	if (t && tree_read(t, r) >= 0) {
		tree_write_text(t, devnull);
		tree_write_csv(t, devnull);
		tree_write_summary(t, devnull);
		ms = open_memstream(&json, &len);
		if (ms) {
			json_error_t err;
			json_t *doc;

			tree_write_json(t, ms);
			fclose(ms);
			doc = json_loadb(json, len, 0, &err);
			if (!doc) {
				fprintf(stderr, "invalid JSON output: %s at %d:%d\n", err.text, err.line,
					err.column);
				abort();
			}
			json_decref(doc);
			free(json);
		}
	}
	tree_free(t);
	csv_reader_free(r);
	return 0;
}
