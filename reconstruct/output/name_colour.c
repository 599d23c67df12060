// SPDX-License-Identifier: MIT
/* A command name's stable hash and colour, so one program looks the same in every picture. */
#include "view-private.h"

uint64_t name_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

unsigned name_hue(const char *s, size_t len)
{
	uint64_t h = name_hash(s, len);

	/* fold the high bits in: FNV's low bits vary little for short names */
	return (unsigned)((h ^ (h >> 29)) % 360u);
}
