// SPDX-License-Identifier: MIT
/*
 * Signal number -> name, Linux x86/arm generic numbering, named as strace
 * names them (docs/csv-format.md, "Signal names").
 */
#include <stddef.h>

#include "signame.h"

#define RT(n) "SIGRT_" #n

static const char *const names[65] = {
	[1] = "SIGHUP",	  [2] = "SIGINT",     [3] = "SIGQUIT",	[4] = "SIGILL",
	[5] = "SIGTRAP",  [6] = "SIGABRT",    [7] = "SIGBUS",	[8] = "SIGFPE",
	[9] = "SIGKILL",  [10] = "SIGUSR1",   [11] = "SIGSEGV", [12] = "SIGUSR2",
	[13] = "SIGPIPE", [14] = "SIGALRM",   [15] = "SIGTERM", [16] = "SIGSTKFLT",
	[17] = "SIGCHLD", [18] = "SIGCONT",   [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN", [22] = "SIGTTOU",   [23] = "SIGURG",	[24] = "SIGXCPU",
	[25] = "SIGXFSZ", [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH",
	[29] = "SIGIO",	  [30] = "SIGPWR",    [31] = "SIGSYS",	[32] = "SIGRTMIN",
	[33] = RT(1),	  [34] = RT(2),	      [35] = RT(3),	[36] = RT(4),
	[37] = RT(5),	  [38] = RT(6),	      [39] = RT(7),	[40] = RT(8),
	[41] = RT(9),	  [42] = RT(10),      [43] = RT(11),	[44] = RT(12),
	[45] = RT(13),	  [46] = RT(14),      [47] = RT(15),	[48] = RT(16),
	[49] = RT(17),	  [50] = RT(18),      [51] = RT(19),	[52] = RT(20),
	[53] = RT(21),	  [54] = RT(22),      [55] = RT(23),	[56] = RT(24),
	[57] = RT(25),	  [58] = RT(26),      [59] = RT(27),	[60] = RT(28),
	[61] = RT(29),	  [62] = RT(30),      [63] = RT(31),	[64] = RT(32),
};

const char *signame(int sig)
{
	if (sig <= 0 || sig >= (int)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[sig];
}
