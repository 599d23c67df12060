/* SPDX-License-Identifier: MIT */
/*
 * Functions this project does not call, in the spirit of git's banned.h.
 * The build force-includes this header (-include) into every C file, so a
 * call to one of these is a compile error naming the function.
 *
 * Why each is out:
 *  - strcpy, strcat, sprintf, vsprintf: no bound on the destination; use
 *    snprintf (and check for truncation where it matters).
 *  - strncpy, strncat: do not always terminate, or pad needlessly; snprintf.
 *  - atoi, atol, atoll, strtok: silent on junk and overflow, or hidden state;
 *    numbers go through num_parse_* (common/num.h), the one strict parser.
 *  - gets, tmpnam, mktemp: unsafe by design; mkstemp / mkdtemp.
 *
 * The system headers that declare them come first, so their own declarations
 * are not touched; only calls in our code after this point are.
 */
#ifndef PROCTREE_BANNED_H
#define PROCTREE_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_a_banned_function_see_common_banned_h

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#undef tmpnam
#define tmpnam(x) BANNED(tmpnam)
#undef mktemp
#define mktemp(x) BANNED(mktemp)

#endif
