// SPDX-License-Identifier: MIT
/*
 * What a tracee exec'd, read at its PTRACE_EVENT_EXEC stop.
 *
 * At that stop the new image has not run a single instruction: its stack
 * is exactly what the kernel built (argc, argv[], NULL, envp[], NULL,
 * auxv), so reading it is not racy.  The path given to execve() is the
 * AT_EXECFN string the kernel copied to the top of the stack (the same
 * bprm->filename the sched_process_exec tracepoint reports, so both engines
 * agree; /proc/PID/exe would give the resolved path instead).  The stack
 * pointer comes from PTRACE_GET_SYSCALL_INFO, which works at any stop and
 * on any architecture; memory is read with process_vm_readv(), a page at a
 * time so the end of the stack mapping never fails a whole read.
 *
 * Cost: two ptrace calls and usually one process_vm_readv: the first read
 * of 16 KiB from the stack pointer holds the pointers, and with a modest
 * environment also the strings, which lie at the top of the stack.  The
 * comm is the file name's basename (the kernel's rule, procfs_exec_comm());
 * only for an execveat() of a file descriptor (/dev/fd/N) is it read from
 * /proc/PID/comm.
 */
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "err.h"
#include "procfs.h"
#include "ptrace-private.h"

#define PAGE 4096UL
#define MAX_STACK_HEAD (1UL << 20) /* pointers + auxv: 128k pointers */
#define MAX_ARGS_BYTES (4UL << 20) /* ARG_MAX is usually 2 MiB */
#define MAX_FILENAME 8192

/* Read up to @len bytes at @addr; stops at the first unreadable page. */
static ssize_t vm_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec remote[64], local;
	size_t done = 0;

	while (done < len) {
		size_t n = 0, bytes = 0;
		ssize_t got;

		while (n < 64 && done + bytes < len) {
			uint64_t a = addr + done + bytes;
			size_t chunk = PAGE - (a & (PAGE - 1));

			if (chunk > len - done - bytes)
				chunk = len - done - bytes;
			remote[n].iov_base = (void *)(uintptr_t)a;
			remote[n].iov_len = chunk;
			bytes += chunk;
			n++;
		}
		local.iov_base = (char *)buf + done;
		local.iov_len = bytes;
		got = process_vm_readv(tid, &local, 1, remote, n, 0);
		if (got < 0)
			return done ? (ssize_t)done : -1;
		done += got;
		if ((size_t)got < bytes)
			break;
	}
	return (ssize_t)done;
}

struct stack_head {
	unsigned char *buf;
	uint64_t sp; /* the address buf starts at */
	size_t len;  /* bytes read */
	unsigned ptrsz;
};

/* Copy [@addr, @addr + @len) from the bytes already read, if they hold it all. */
static bool from_head(const struct stack_head *h, uint64_t addr, void *out, size_t len)
{
	if (addr < h->sp || addr - h->sp > h->len || len > h->len - (addr - h->sp))
		return false;
	memcpy(out, h->buf + (addr - h->sp), len);
	return true;
}

/* Like vm_read(), served from the stack head when it covers the range. */
static ssize_t head_or_vm_read(pid_t tid, const struct stack_head *h, uint64_t addr, void *buf,
			       size_t len)
{
	return from_head(h, addr, buf, len) ? (ssize_t)len : vm_read(tid, addr, buf, len);
}

static int word(const struct stack_head *h, size_t i, uint64_t *out)
{
	size_t off = i * h->ptrsz;

	if (off + h->ptrsz > h->len)
		return -1;
	if (h->ptrsz == 8) {
		uint64_t v;

		memcpy(&v, h->buf + off, 8);
		*out = v;
	} else {
		uint32_t v;

		memcpy(&v, h->buf + off, 4);
		*out = v;
	}
	return 0;
}

/* argv pointers and AT_EXECFN from the initial stack at @sp */
static int read_head(pid_t tid, uint64_t sp, struct stack_head *h, uint64_t **argvp, uint64_t *argc,
		     uint64_t *env0, uint64_t *execfn)
{
	size_t want = 16384, i;
	uint64_t v, type;
	ssize_t got;

	h->sp = sp;
	for (;;) {
		unsigned char *b = realloc(h->buf, want);

		if (!b)
			return -1;
		h->buf = b;
		got = vm_read(tid, sp, h->buf, want);
		if (got < 0)
			return -1;
		h->len = (size_t)got;
		if (word(h, 0, argc) < 0 || *argc > MAX_STACK_HEAD / h->ptrsz)
			return -1;
		/* argv, NULL, envp..., NULL, auxv pairs..., AT_NULL */
		for (i = 1 + *argc + 1; word(h, i, &v) == 0 && v; i++)
			;
		if (word(h, i, &v) == 0) {
			*env0 = 0;
			if (i > *argc + 2 && word(h, *argc + 2, env0) < 0)
				return -1;
			for (i++; word(h, i, &type) == 0; i += 2) {
				if (word(h, i + 1, &v) < 0)
					break;
				if (type == AT_EXECFN)
					*execfn = v;
				if (type == AT_NULL)
					goto parsed;
			}
		}
		if ((size_t)got < want || want >= MAX_STACK_HEAD)
			return -1; /* the stack ended before AT_NULL: not a fresh exec stack */
		want *= 2;
	}
parsed:
	if (word(h, 1 + *argc, &v) < 0 || v != 0)
		return -1;
	*argvp = calloc(*argc + 1, sizeof(uint64_t));
	if (!*argvp)
		return -1;
	for (i = 0; i < *argc; i++)
		word(h, 1 + i, &(*argvp)[i]);
	return 0;
}

/* The argument strings are one contiguous block from argv[0] on. */
static char **read_args(pid_t tid, const struct stack_head *h, const uint64_t *ptrs, uint64_t argc,
			uint64_t limit)
{
	uint64_t start = ptrs[0], end;
	size_t len, i;
	ssize_t got;
	char **argv;
	char *strs;

	end = limit > start ? limit : start + 256 * 1024;
	if (end - start > MAX_ARGS_BYTES)
		end = start + MAX_ARGS_BYTES;
	len = end - start;
	argv = malloc((argc + 1) * sizeof(char *) + len + 1);
	if (!argv)
		return NULL;
	strs = (char *)(argv + argc + 1);
	got = head_or_vm_read(tid, h, start, strs, len);
	if (got <= 0)
		goto error;
	strs[got] = '\0';
	for (i = 0; i < argc; i++) {
		if (ptrs[i] < start || ptrs[i] - start >= (uint64_t)got)
			goto error;
		argv[i] = strs + (ptrs[i] - start);
		if (!memchr(argv[i], '\0', (size_t)got - (ptrs[i] - start)))
			goto error; /* truncated last argument */
	}
	argv[argc] = NULL;
	return argv;
error:
	free(argv);
	return NULL;
}

static char *read_string(pid_t tid, const struct stack_head *h, uint64_t addr)
{
	char *s = malloc(MAX_FILENAME + 1);
	ssize_t got;

	if (!s)
		return NULL;
	/* AT_EXECFN is the last string of the stack: the head often ends with it */
	if (addr >= h->sp && addr - h->sp < h->len &&
	    memchr(h->buf + (addr - h->sp), '\0', h->len - (addr - h->sp))) {
		size_t n = strnlen((const char *)h->buf + (addr - h->sp), MAX_FILENAME);

		if (n < MAX_FILENAME) {
			memcpy(s, h->buf + (addr - h->sp), n + 1);
			return s;
		}
	}
	got = vm_read(tid, addr, s, MAX_FILENAME);
	if (got <= 0 || !memchr(s, '\0', (size_t)got)) {
		free(s);
		return NULL;
	}
	return s;
}

static int from_stack(pid_t tid, struct pt_exec_info *x)
{
	struct __ptrace_syscall_info info;
	struct stack_head h = { 0 };
	uint64_t *ptrs = NULL, argc = 0, env0 = 0, execfn = 0;
	int ret = -1;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info), &info) <= 0)
		return -1;
	if (!(info.arch & __AUDIT_ARCH_LE) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
		return -1;
	h.ptrsz = (info.arch & __AUDIT_ARCH_64BIT) ? 8 : 4;
	if (read_head(tid, info.stack_pointer, &h, &ptrs, &argc, &env0, &execfn) < 0)
		goto out;
	if (execfn)
		x->filename = read_string(tid, &h, execfn);
	if (argc == 0) {
		x->argv = calloc(1, sizeof(char *));
		x->argc = 0;
	} else {
		x->argv = read_args(tid, &h, ptrs, argc, env0 ? env0 : execfn);
		x->argc = (int)argc;
	}
	ret = x->argv ? 0 : -1;
out:
	free(ptrs);
	free(h.buf);
	return ret;
}

int pt_exec_read(pid_t tid, struct pt_exec_info *x)
{
	memset(x, 0, sizeof(*x));
	if (from_stack(tid, x) < 0) {
		/* still exact while the tracee is stopped right after exec */
		free(x->argv);
		x->argv = NULL;
		x->fallback = true;
		if (procfs_read_cmdline(tid, &x->argv, &x->argc) < 0)
			x->argv = NULL;
	}
	x->comm_known = procfs_exec_comm(x->filename, x->comm, sizeof(x->comm)) ||
			procfs_read_comm(tid, x->comm, sizeof(x->comm)) == 0;
	return 0;
}

void pt_exec_free(struct pt_exec_info *x)
{
	free(x->filename);
	free(x->argv);
	memset(x, 0, sizeof(*x));
}
