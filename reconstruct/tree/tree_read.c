// SPDX-License-Identifier: MIT
/* Feeding a whole CSV to the builder. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tree-private.h"

int tree_read(struct tree *t, struct csv_reader *r)
{
	struct csv_event ev;
	bool truncated = false;
	int ret;

	if (tree_set_meta(t, csv_reader_meta(r)) < 0) {
		err_prefix("%s: ", csv_reader_name(r));
		return -1;
	}
	while ((ret = csv_reader_next(r, &ev)) != 0) {
		if (ret < 0) {
			if (!csv_reader_truncated(r))
				return -1;
			/* the recorder was killed mid-row: keep every complete row */
			truncated = true;
			free(t->truncation);
			t->truncation = strdup(err_msg());
			if (!t->truncation) {
				err_set("out of memory");
				errno = ENOMEM;
				return -1;
			}
			continue;
		}
		if (tree_add(t, &ev) < 0) {
			err_prefix("%s:%lu: ", csv_reader_name(r), csv_reader_line(r));
			return -1;
		}
	}
	if (tree_finish(t, csv_reader_trailer(r), truncated) < 0) {
		err_prefix("%s: ", csv_reader_name(r));
		return -1;
	}
	return truncated ? 1 : 0;
}
