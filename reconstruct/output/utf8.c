// SPDX-License-Identifier: MIT
/* UTF-8 validation for the outputs: names are bytes, JSON needs text. */
#include <stdlib.h>
#include <string.h>

#include "tree-private.h"

size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

json_t *utf8_json_string(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	char *buf, *w;
	json_t *j;

	if (!str)
		return json_null();
	buf = malloc(3 * len + 1);
	if (!buf)
		return NULL;
	w = buf;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);

		if (n) {
			memcpy(w, s + i, n);
			w += n;
			i += n;
		} else {
			memcpy(w, "\xef\xbf\xbd", 3);
			w += 3;
			i++;
		}
	}
	j = json_stringn(buf, w - buf);
	free(buf);
	return j;
}
