// SPDX-License-Identifier: MIT
/*
 * Order-preserving alignment of two sequences (the incarnations of one pid
 * in time order; the children of one process in creation order): pair
 * elements so that the total cost of the pairs plus @skip per unpaired
 * element is smallest, never crossing pairs.  Exact dynamic programming
 * when the table is small; for long sequences (a fan-out of 10,000
 * children) a greedy walk that looks a bounded distance ahead, which finds
 * the same pairs when the sequences mostly agree.
 */
#include <errno.h>
#include <stdlib.h>

#include "compare-private.h"
#include "err.h"

#define DP_MAX_CELLS (4u << 20)
#define LOOKAHEAD 64

static int align_dp(uint32_t m, uint32_t n, int64_t skip, cmp_cost_fn cost, void *ctx,
		    uint32_t *pair_of_i)
{
	size_t w = (size_t)n + 1;
	int64_t *d = malloc((size_t)(m + 1) * w * sizeof(*d));
	uint8_t *how = malloc((size_t)(m + 1) * w);
	uint32_t i, j;

	if (!d || !how) {
		free(d);
		free(how);
		err_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	/* how: 0 pair, 1 skip i, 2 skip j */
	for (i = 0; i <= m; i++) {
		for (j = 0; j <= n; j++) {
			int64_t best = INT64_MAX, v;
			uint8_t h = 0;

			if (i == 0 && j == 0) {
				d[0] = 0;
				how[0] = 0;
				continue;
			}
			if (i > 0 && j > 0) {
				v = cost(ctx, i - 1, j - 1);
				if (v >= 0 && d[(i - 1) * w + j - 1] + v < best) {
					best = d[(i - 1) * w + j - 1] + v;
					h = 0;
				}
			}
			if (i > 0 && d[(i - 1) * w + j] + skip < best) {
				best = d[(i - 1) * w + j] + skip;
				h = 1;
			}
			if (j > 0 && d[i * w + j - 1] + skip < best) {
				best = d[i * w + j - 1] + skip;
				h = 2;
			}
			d[i * w + j] = best;
			how[i * w + j] = h;
		}
	}
	for (i = 0; i < m; i++)
		pair_of_i[i] = CMP_NONE;
	i = m;
	j = n;
	while (i > 0 || j > 0) {
		uint8_t h = how[i * w + j];

		if (h == 0) {
			pair_of_i[i - 1] = j - 1;
			i--;
			j--;
		} else if (h == 1) {
			i--;
		} else {
			j--;
		}
	}
	free(d);
	free(how);
	return 0;
}

/* greedy: pair the heads when they may pair, else skip toward the nearest pair ahead */
static void align_greedy(uint32_t m, uint32_t n, cmp_cost_fn cost, void *ctx, uint32_t *pair_of_i)
{
	uint32_t i = 0, j = 0;

	for (uint32_t k = 0; k < m; k++)
		pair_of_i[k] = CMP_NONE;
	while (i < m && j < n) {
		uint32_t best_di = LOOKAHEAD + 1, best_dj = LOOKAHEAD + 1;

		if (cost(ctx, i, j) >= 0) {
			pair_of_i[i++] = j++;
			continue;
		}
		/* the nearest (by steps skipped) pair (i + di, j + dj) */
		for (uint32_t s = 1; s <= 2 * LOOKAHEAD && best_di > LOOKAHEAD; s++) {
			for (uint32_t di = 0; di <= s; di++) {
				uint32_t dj = s - di;

				if (di > LOOKAHEAD || dj > LOOKAHEAD || i + di >= m || j + dj >= n)
					continue;
				if (cost(ctx, i + di, j + dj) >= 0) {
					best_di = di;
					best_dj = dj;
					break;
				}
			}
		}
		if (best_di > LOOKAHEAD) {
			i++;
			j++;
			continue;
		}
		i += best_di;
		j += best_dj;
	}
}

/**
 * cmp_align - pair the elements of two sequences in order
 * @m, @n: lengths
 * @skip: the cost of leaving one element unpaired
 * @cost: cost of pairing element i of the first with j of the second, < 0 never
 * @pair_of_i: out, m entries: the paired j, or CMP_NONE
 *
 * Returns 0, or -1 with err_msg() on allocation failure.
 */
int cmp_align(uint32_t m, uint32_t n, int64_t skip, cmp_cost_fn cost, void *ctx,
	      uint32_t *pair_of_i)
{
	if ((uint64_t)(m + 1) * (n + 1) <= DP_MAX_CELLS)
		return align_dp(m, n, skip, cost, ctx, pair_of_i);
	align_greedy(m, n, cost, ctx, pair_of_i);
	return 0;
}
