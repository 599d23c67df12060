// SPDX-License-Identifier: MIT
/* Small node helpers shared by matching, classification and the reports. */
#include <string.h>

#include "compare-private.h"

/**
 * cmp_exec_name - the filename of the @i-th exec of node @id
 * @s, @len: out; *@s is NULL when the filename is unknown
 *
 * Returns false when the node has no @i-th exec.
 */
bool cmp_exec_name(const struct cmp_file *f, uint32_t id, uint32_t i, const char **s, size_t *len)
{
	struct tree_exec_info x;

	if (i >= f->nodes[id].info.nexecs || tree_node_exec(f->t, id, i, &x) < 0)
		return false;
	*s = x.filename;
	*len = x.filename_len;
	return true;
}

/**
 * cmp_node_command - a short name for node @id: its last exec's filename,
 * else "[comm]" style is left to the caller: *@s is the comm and *@len its
 * length, or *@s NULL when even the comm is unknown
 */
void cmp_node_command(const struct cmp_file *f, uint32_t id, const char **s, size_t *len)
{
	const struct tree_node_info *x = &f->nodes[id].info;

	*s = NULL;
	*len = 0;
	if (x->nexecs && cmp_exec_name(f, id, x->nexecs - 1, s, len) && *s)
		return;
	*s = x->comm;
	*len = x->comm_len;
}
