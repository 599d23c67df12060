// SPDX-License-Identifier: MIT
/*
 * reporter: the program the other workloads exec (directly, through /bin/sh,
 * vfork, posix_spawn, from a non-leader thread, under a hostile path).  It
 * states what it knows about itself after the exec, then exits.
 *
 *   reporter -l LABEL [-c CREATOR] [-x CODE] [-s] [-C] [-r N] [-m MODE]
 *
 *   -l LABEL    the label of this process
 *   -c CREATOR  also write the proc line (nobody wrote it before the exec:
 *               the process was created by /bin/sh, vfork or posix_spawn)
 *   -x CODE     exit with CODE (default 0)
 *   -s          write its own exit line (nobody in the workload waits for it)
 *   -C          write the comm line (the comm the exec gave it)
 *   -r N        exec itself again N more times (several execs, one process)
 *   -m MODE     produce: write 1000 lines to stdout; filter: copy stdin to
 *               stdout; consume: read stdin to the end (pipeline stages)
 */
#include "arg.h"
#include <getopt.h>

#include "expect.h"

static void pump(const char *mode)
{
	char buf[4096];
	ssize_t n;

	if (!strcmp(mode, "produce")) {
		for (int i = 0; i < 1000; i++) {
			int len = snprintf(buf, sizeof(buf), "line %d\n", i);

			if (write(1, buf, len) != len)
				xp_die("write stdout");
		}
		return;
	}
	while ((n = read(0, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && !strcmp(mode, "filter") && write(1, buf, n) != n)
			xp_die("write stdout");
}

int main(int argc, char **argv)
{
	const char *creator = NULL, *mode = NULL;
	bool self_exit = false, comm = false;
	int code = 0, reexec = 0, c;
	char **orig = calloc(argc + 1, sizeof(*orig));

	if (!orig)
		xp_die("calloc");
	memcpy(orig, argv, argc * sizeof(*argv));
	while ((c = getopt(argc, argv, "l:c:x:sCr:m:")) != -1) {
		switch (c) {
		case 'l': snprintf(xp_label, sizeof(xp_label), "%s", optarg); break;
		case 'c': creator = optarg; break;
		case 'x': code = wl_arg_int(optarg); break;
		case 's': self_exit = true; break;
		case 'C': comm = true; break;
		case 'r': reexec = wl_arg_int(optarg); break;
		case 'm': mode = optarg; break;
		default: return 98;
		}
	}
	xp_start(60);
	if (creator)
		xp_proc(creator);
	xp_exec(orig);
	if (reexec > 0) {
		char n[16], x[16], self[4096];
		char *args[] = { argv[0], "-l", xp_label, "-x", x, "-r", n, NULL };
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (len < 0)
			xp_die("readlink /proc/self/exe");
		self[len] = '\0';
		snprintf(n, sizeof(n), "%d", reexec - 1);
		snprintf(x, sizeof(x), "%d", code);
		execv(self, args);
		xp_die("execv self");
	}
	if (mode)
		pump(mode);
	if (comm)
		xp_comm();
	if (self_exit)
		xp_line("exit %s code %d", xp_label, code);
	return code;
}
