// SPDX-License-Identifier: MIT
/*
 * A whole file into a finished tree, with the notes a reader of two or more
 * recordings (--compare, --diff) passes on as warnings: a truncated last row,
 * a file without its #end trailer.  Neither is bad input: the tree holds
 * every complete row.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "tree.h"

void tree_note(char **notes, const char *fmt, ...)
{
	size_t old = *notes ? strlen(*notes) : 0;
	char *msg, *w;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	w = realloc(*notes, old + len + 2);
	if (w) {
		memcpy(w + old, msg, len);
		w[old + len] = '\n';
		w[old + len + 1] = '\0';
		*notes = w;
	}
	free(msg);
}

struct tree *tree_load(const char *path, const char *buf, size_t len, const struct tree_opts *opts,
		       char **notes)
{
	struct csv_reader *r = buf ? csv_reader_new_mem(path, buf, len) : csv_reader_open(path);
	struct tree *t = NULL;
	int ret;

	if (!r)
		return NULL;
	t = tree_new(opts);
	if (!t)
		goto error;
	ret = tree_read(t, r);
	if (ret < 0)
		goto error;
	if (ret > 0)
		tree_note(notes, "%s; skipped it, the tree uses every complete row",
			  tree_truncation(t));
	/* ending inside a row (disk full) is also being cut short */
	if (!csv_reader_trailer(r)->present)
		tree_note(notes,
			  "%s: no #end trailer: the recording was cut short; using every row "
			  "present",
			  path);
	csv_reader_free(r);
	return t;
error:
	tree_free(t);
	csv_reader_free(r);
	return NULL;
}
