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
 * cmp_node_command - the command of node @id (tree_node_command(): the
 * name every output uses), *@s NULL when there is no such node
 */
void cmp_node_command(const struct cmp_file *f, uint32_t id, const char **s, size_t *len)
{
	if (tree_node_command(f->t, id, s, len) < 0) {
		*s = NULL;
		*len = 0;
	}
}
