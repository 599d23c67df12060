// SPDX-License-Identifier: MIT
/*
 * What a node is called: the one definition every output, --compare and
 * --diff use (the basename of the program it runs, else its comm).
 */
#include <string.h>

#include "tree-private.h"

void exec_basename(const struct exec_rec *x, const char **s, size_t *len)
{
	const char *slash;

	*s = NULL;
	*len = 0;
	if (!x || !x->filename || !x->filename->len)
		return;
	slash = memrchr(x->filename->s, '/', x->filename->len);
	*s = slash ? slash + 1 : x->filename->s;
	*len = x->filename->len - (size_t)(*s - x->filename->s);
	if (!*len)
		*s = NULL;
}

void node_command(const struct node *n, const char **s, size_t *len)
{
	exec_basename(n->last_exec, s, len);
	if (*s)
		return;
	if (n->comm) {
		*s = n->comm->s;
		*len = n->comm->len;
	} else {
		*s = "?";
		*len = 1;
	}
}

void node_command_at(const struct node *n, uint64_t ns, const char **s, size_t *len)
{
	const struct exec_rec *in_effect = NULL;

	for (const struct exec_rec *x = n->execs; x && x->time_ns <= ns; x = x->next)
		in_effect = x;
	exec_basename(in_effect, s, len);
	if (*s)
		return;
	if (in_effect || !n->execs) {
		if (n->comm && n->comm->len) {
			*s = n->comm->s;
			*len = n->comm->len;
			return;
		}
	}
	*s = "?";
	*len = 1;
}

const struct exec_rec *node_last_exec(const struct node *n)
{
	return n->last_exec;
}
