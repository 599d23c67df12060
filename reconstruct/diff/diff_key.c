// SPDX-License-Identifier: MIT
/*
 * What a process is, for --diff: keys from its command, normalised so that
 * what differs from run to run by itself (temporary file names, pids and
 * addresses inside arguments) does not make two runs of one workload look
 * different.  The rules are conservative (docs/diff.md, "Normalisation"):
 * a number or a name is rewritten only where it cannot be the workload's
 * choice, because every rewrite also hides a real difference.
 *
 *   /proc/1234/...                 -> /proc/PID/...
 *   tmp.AbCdEf0123 (mktemp)        -> tmp.XXXXXXXXXX
 *   ccAb12Cd.s (gcc's temporaries) -> ccXXXXXX.s
 *   0x7ffd1234abcd (8+ hex digits) -> 0xADDR
 *   under /tmp/, /var/tmp/, /dev/shm/: a run of 6+ letters and digits with
 *   a digit or both cases -> XXXXXX, a run of 2+ digits -> N
 *
 * --diff-raw turns all of it off.  The keys are 64-bit hashes: two siblings
 * with different commands share one with odds of about 2^-64.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff-private.h"
#include "err.h"

/**
 * diff_hash - a 64-bit hash of @len bytes, continuing from @h (DIFF_HASH_INIT
 * to start): eight bytes a step, each a multiply and a shift (FNV-1a's one
 * byte a step is a chain of dependent multiplies: 8 times as many)
 */
uint64_t diff_hash(const void *p, size_t len, uint64_t h)
{
	const unsigned char *s = p;
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
		s += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w ^ ((uint64_t)len << 56)) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* a name starts here: not inside a word such as "acc1234567.c" */
static inline bool at_start(const char *s, size_t i)
{
	unsigned char p;

	if (i == 0)
		return true;
	p = s[i - 1];
	return !is_alnum(p) && p != '.' && p != '_' && p != '-';
}

static size_t alnum_end(const char *s, size_t len, size_t i)
{
	while (i < len && is_alnum(s[i]))
		i++;
	return i;
}

/* where the part under a temporary directory begins, or SIZE_MAX */
static size_t temp_from(const char *s, size_t len)
{
	static const char *const dirs[] = { "/tmp/", "/var/tmp/", "/dev/shm/" };
	const char *p = s, *end = s + len;

	/* one pass over the slashes: most arguments have none or few */
	while ((p = memchr(p, '/', (size_t)(end - p)))) {
		for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++) {
			size_t n = strlen(dirs[k]);

			if ((size_t)(end - p) >= n && !memcmp(p, dirs[k], n))
				return (size_t)(p - s) + n;
		}
		p++;
	}
	return SIZE_MAX;
}

/* the random part of mktemp(3)-style names: a digit, or both cases */
static bool looks_random(const char *s, size_t n)
{
	bool digit = false, upper = false, lower = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		digit |= is_digit(c);
		upper |= c >= 'A' && c <= 'Z';
		lower |= c >= 'a' && c <= 'z';
	}
	return digit || (upper && lower);
}

/**
 * diff_norm - normalise one argument (or filename, or comm)
 * @out: room for 2 * @len + 8 bytes
 * @raw: copy as is
 *
 * Returns the length written to @out (not NUL-terminated).
 */
size_t diff_norm(const char *s, size_t len, char *out, bool raw)
{
	size_t i = 0, o = 0, tmp;

	if (raw) {
		memcpy(out, s, len);
		return len;
	}
	tmp = temp_from(s, len);
	while (i < len) {
		size_t e;

		if (len - i > 6 && !memcmp(s + i, "/proc/", 6) && is_digit(s[i + 6])) {
			for (e = i + 6; e < len && is_digit(s[e]); e++)
				;
			if (e == len || s[e] == '/') {
				memcpy(out + o, "/proc/PID", 9);
				o += 9;
				i = e;
				continue;
			}
		}
		if (at_start(s, i) && len - i >= 14 && !memcmp(s + i, "tmp.", 4) &&
		    alnum_end(s, len, i + 4) == i + 14) {
			memcpy(out + o, "tmp.XXXXXXXXXX", 14);
			o += 14;
			i += 14;
			continue;
		}
		if (at_start(s, i) && len - i >= 9 && s[i] == 'c' && s[i + 1] == 'c' &&
		    alnum_end(s, len, i + 2) == i + 8 && s[i + 8] == '.' &&
		    looks_random(s + i + 2, 6)) {
			memcpy(out + o, "ccXXXXXX", 8);
			o += 8;
			i += 8;
			continue;
		}
		if ((i == 0 || !is_alnum(s[i - 1])) && len - i >= 10 && s[i] == '0' &&
		    (s[i + 1] == 'x' || s[i + 1] == 'X')) {
			for (e = i + 2; e < len && is_hex(s[e]); e++)
				;
			if (e - i - 2 >= 8 && (e == len || !is_alnum(s[e]))) {
				memcpy(out + o, "0xADDR", 6);
				o += 6;
				i = e;
				continue;
			}
		}
		if (i >= tmp && is_alnum(s[i]) && (i == 0 || !is_alnum(s[i - 1]))) {
			bool digits = true;

			e = alnum_end(s, len, i);
			for (size_t k = i; k < e && digits; k++)
				digits = is_digit(s[k]);
			if (digits && e - i >= 2) {
				out[o++] = 'N';
				i = e;
				continue;
			}
			if (e - i >= 6 && looks_random(s + i, e - i)) {
				memcpy(out + o, "XXXXXX", 6);
				o += 6;
			} else {
				memcpy(out + o, s + i, e - i);
				o += e - i;
			}
			i = e;
			continue;
		}
		out[o++] = s[i++];
	}
	return o;
}

struct scratch {
	char *p;
	size_t cap;
};

static char *room(struct scratch *b, size_t len)
{
	size_t need = 2 * len + 8;

	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < need)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return NULL;
		b->p = p;
		b->cap = cap;
	}
	return b->p;
}

/* hash @s normalised, then a separator */
static int hash_norm(struct scratch *b, const char *s, size_t len, bool raw, uint64_t *h)
{
	char *out = room(b, len);
	size_t n;

	if (!out)
		return -1;
	n = diff_norm(s, len, out, raw);
	out[n] = '\0';
	*h = diff_hash(out, n + 1, *h);
	return 0;
}

static int node_keys(struct scratch *b, const struct node *x, bool raw, uint64_t key[DIFF_TIERS])
{
	const struct exec_rec *e = x->last_exec;
	uint64_t h0 = DIFF_HASH_INIT, h1, h2 = DIFF_HASH_INIT;
	const char *name;
	size_t nlen;

	if (x->flags & NF_SYNTHETIC) {
		key[0] = key[1] = key[2] = diff_hash("?", 1, DIFF_HASH_INIT);
		return 0;
	}
	/* a process that never exec'd is not its parent's program run again */
	h2 = diff_hash(e ? "E" : "F", 1, h2);
	node_command(x, &name, &nlen);
	if (hash_norm(b, name, nlen, raw, &h2) < 0)
		return -1;
	h1 = h2;
	if (e && e->filename) {
		h0 = diff_hash("E", 1, h0);
		if (hash_norm(b, e->filename->s, e->filename->len, raw, &h0) < 0)
			return -1;
	} else {
		h0 = diff_hash(e ? "e" : "C", 1, h0);
		if (!e && x->comm && hash_norm(b, x->comm->s, x->comm->len, raw, &h0) < 0)
			return -1;
	}
	if (e && e->argv) {
		const char *a = e->argv->s;

		h0 = diff_hash(&e->argc, sizeof(e->argc), h0);
		for (int i = 0; i < e->argc; i++) {
			size_t alen = strlen(a);

			if (hash_norm(b, a, alen, raw, &h0) < 0)
				return -1;
			/* the positional arguments: what a changed flag leaves alone */
			if (i > 0 && a[0] != '-' && hash_norm(b, a, alen, raw, &h1) < 0)
				return -1;
			a += alen + 1;
		}
	} else {
		h0 = diff_hash("?", 1, h0);
	}
	key[DIFF_TIER_EXACT] = h0;
	key[DIFF_TIER_POSITIONAL] = h1;
	key[DIFF_TIER_NAME] = h2;
	return 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/**
 * diff_arg_hashes - the hashes of @x's normalised arguments, sorted (for
 * counting the arguments two command lines share)
 * @out: set to a malloc'd array of *@n hashes (NULL when there are none)
 *
 * Returns 0, or -1 with err_msg() when out of memory.
 */
int diff_arg_hashes(const struct diff *d, const struct node *x, uint64_t **out, size_t *n)
{
	const struct exec_rec *e = x->last_exec;
	struct scratch b = { 0 };
	const char *a;

	*out = NULL;
	*n = 0;
	if (!e || !e->argv || e->argc <= 0)
		return 0;
	*out = malloc((size_t)e->argc * sizeof(**out));
	if (!*out)
		goto oom;
	a = e->argv->s;
	for (int i = 0; i < e->argc; i++) {
		size_t alen = strlen(a);
		uint64_t h = DIFF_HASH_INIT;

		if (hash_norm(&b, a, alen, d->opts.raw, &h) < 0)
			goto oom;
		(*out)[(*n)++] = h;
		a += alen + 1;
	}
	qsort(*out, *n, sizeof(**out), cmp_u64);
	free(b.p);
	return 0;
oom:
	free(b.p);
	free(*out);
	*out = NULL;
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}

/**
 * diff_keys - the keys of every process of run @r
 *
 * Returns 0, or -1 with err_msg() when out of memory.
 */
int diff_keys(struct diff *d, int r)
{
	struct diff_run *run = &d->run[r];
	struct scratch b = { 0 };

	for (uint32_t ix = 0; ix <= run->n; ix++) {
		const struct node *x = run->byix[ix];

		if (!x)
			continue;
		if (node_keys(&b, x, d->opts.raw, run->dn[ix].key) < 0)
			goto oom;
	}
	free(b.p);
	return 0;
oom:
	free(b.p);
	err_set("out of memory");
	errno = ENOMEM;
	return -1;
}
