// SPDX-License-Identifier: MIT
/*
 * Execs whose argv, file name and comm the ptrace engine reads from places
 * it cannot take for granted.  Usage: ptrace_exec_forms DIR (a scratch
 * directory).  Each child execs /bin/true, one after the other:
 *
 *   1. a 40 KiB environment variable: the file name (AT_EXECFN, the last
 *      string of the stack) lies far above the stack pointer;
 *   2. 3,000 environment variables: 24 KiB of pointers before the strings;
 *   3. 2,000 arguments "a0".."a1999" (about 12 KiB of strings);
 *   4. fexecve() of /bin/true: file name /dev/fd/N, comm "true" (the kernel
 *      names the task after the file, not the path);
 *   5. DIR/a_long_program_name_0123 -> /bin/true: comm cut to 15 bytes.
 *
 * The tracer must see, in that order, execs of /bin/true with argv
 * "true form1", "true form2", "true a0 ... a1999", "true form4" (comm
 * "true", file name /dev/fd/...), "DIR/a_long_program_name_0123 form5"
 * (comm "a_long_program_").  Exit 0 when every child exited 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(char *const argv[], char *const envp[], int fd)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (fd >= 0)
			fexecve(fd, argv, envp);
		else
			execve(argv[0], argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	enum { BIG = 40 * 1024, NENV = 3000, NARGS = 2000 };
	static char big[BIG + 8], link[4096];
	static char *env[NENV + 1], *args[NARGS + 2];
	char *form1[] = { "/bin/true", "form1", NULL };
	char *form2[] = { "/bin/true", "form2", NULL };
	char *form4[] = { "true", "form4", NULL };
	char *form5[] = { link, "form5", NULL };
	char *env1[] = { big, NULL };
	char *noenv[] = { NULL };
	int fd, bad = 0;

	if (argc != 2)
		return 2;
	memcpy(big, "BIG=", 4);
	memset(big + 4, 'x', BIG);
	bad |= run(form1, env1, -1);

	for (int i = 0; i < NENV; i++) {
		char v[32];

		snprintf(v, sizeof(v), "V%d=%d", i, i);
		env[i] = strdup(v);
	}
	bad |= run(form2, env, -1);

	args[0] = "/bin/true";
	for (int i = 0; i < NARGS; i++) {
		char a[16];

		snprintf(a, sizeof(a), "a%d", i);
		args[i + 1] = strdup(a);
	}
	bad |= run(args, noenv, -1);

	fd = open("/bin/true", O_RDONLY);
	bad |= fd < 0 || run(form4, noenv, fd);

	snprintf(link, sizeof(link), "%s/a_long_program_name_0123", argv[1]);
	bad |= symlink("/bin/true", link) < 0 || run(form5, noenv, -1);
	return bad ? 1 : 0;
}
