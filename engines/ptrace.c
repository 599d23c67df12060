// SPDX-License-Identifier: MIT
/* Placeholder until the ptrace engine lands: it refuses to run. */
#include <errno.h>
#include <stddef.h>

#include "engine.h"
#include "err.h"

static struct engine *ptrace_new(const struct engine_opts *opts)
{
	(void)opts;
	err_set("the ptrace engine is not implemented yet");
	errno = ENOSYS;
	return NULL;
}

const struct engine_ops engine_ptrace_ops = {
	.name = "ptrace",
	.help = "not implemented yet",
	.new = ptrace_new,
};
