// SPDX-License-Identifier: MIT
/* Placeholder until the ftrace engine lands: it refuses to run. */
#include <errno.h>
#include <stddef.h>

#include "engine.h"
#include "err.h"

static struct engine *ftrace_new(const struct engine_opts *opts)
{
	(void)opts;
	err_set("the ftrace engine is not implemented yet");
	errno = ENOSYS;
	return NULL;
}

const struct engine_ops engine_ftrace_ops = {
	.name = "ftrace",
	.help = "not implemented yet",
	.new = ftrace_new,
};
