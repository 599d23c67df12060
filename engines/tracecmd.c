// SPDX-License-Identifier: MIT
/* Placeholder until the tracecmd engine lands: it refuses to run. */
#include <errno.h>
#include <stddef.h>

#include "engine.h"
#include "err.h"

static struct engine *tracecmd_new(const struct engine_opts *opts)
{
	(void)opts;
	err_set("the tracecmd engine is not implemented yet");
	errno = ENOSYS;
	return NULL;
}

const struct engine_ops engine_tracecmd_ops = {
	.name = "tracecmd",
	.help = "not implemented yet",
	.new = tracecmd_new,
};
