// SPDX-License-Identifier: MIT
/* proctree-reconstruct: placeholder that validates a CSV until the tree builder lands. */
#include <stdio.h>

#include "csv.h"
#include "err.h"

int main(int argc, char **argv)
{
	struct csv_reader *r;
	struct csv_event ev;
	unsigned long n = 0;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: proctree-reconstruct FILE.csv\n");
		return 2;
	}
	r = csv_reader_open(argv[1]);
	if (!r) {
		fprintf(stderr, "proctree-reconstruct: %s\n", err_msg());
		return 2;
	}
	while ((ret = csv_reader_next(r, &ev)) > 0)
		n++;
	if (ret < 0)
		fprintf(stderr, "proctree-reconstruct: %s\n", err_msg());
	printf("%lu events\n", n);
	csv_reader_free(r);
	return ret < 0 ? 2 : 0;
}
