// SPDX-License-Identifier: MIT
/* Times as text, the same in every output, --compare and --diff. */
#include <inttypes.h>
#include <stdio.h>

#include "tree-private.h"

const struct fmt_unit fmt_units[FMT_NUNITS] = {
	{ 1000000000ull, "s" },
	{ 1000000ull, "ms" },
	{ 1000ull, "\xc2\xb5s" },
	{ 1, "ns" },
};

void fmt_secs(char *buf, size_t size, uint64_t ns)
{
	snprintf(buf, size, "%" PRIu64 ".%06" PRIu64 "s", ns / 1000000000u,
		 (ns % 1000000000u) / 1000u);
}

void fmt_dur(char *buf, size_t size, uint64_t ns)
{
	if (ns >= 60000000000ull) {
		uint64_t s = (ns + 500000000ull) / 1000000000ull;

		if (s >= 3600)
			snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
		else
			snprintf(buf, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
		return;
	}
	for (size_t i = 0; i < FMT_NUNITS; i++) {
		double v = (double)ns / (double)fmt_units[i].unit;

		if (ns < fmt_units[i].unit && fmt_units[i].unit > 1)
			continue;
		if (fmt_units[i].unit == 1 || v >= 100)
			snprintf(buf, size, "%.0f%s", v, fmt_units[i].name);
		else if (v >= 10)
			snprintf(buf, size, "%.1f%s", v, fmt_units[i].name);
		else
			snprintf(buf, size, "%.2f%s", v, fmt_units[i].name);
		return;
	}
}
