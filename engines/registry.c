// SPDX-License-Identifier: MIT
/* The list of engines: the only place that names them all. */
#include <string.h>

#include "engine.h"

extern const struct engine_ops engine_bpf_ops;
extern const struct engine_ops engine_ftrace_ops;
extern const struct engine_ops engine_ptrace_ops;
extern const struct engine_ops engine_tracecmd_ops;

static const struct engine_ops *const engines[] = {
	&engine_bpf_ops, &engine_ftrace_ops, &engine_ptrace_ops, &engine_tracecmd_ops, NULL,
};

const struct engine_ops *engine_find(const char *name)
{
	for (int i = 0; engines[i]; i++)
		if (!strcmp(engines[i]->name, name))
			return engines[i];
	return NULL;
}

const struct engine_ops *const *engine_all(void)
{
	return engines;
}

const char *engine_names(void)
{
	static char buf[256];
	size_t n = 0;

	if (!buf[0]) {
		for (int i = 0; engines[i] && n < sizeof(buf); i++)
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "",
				      engines[i]->name);
	}
	return buf;
}
