// SPDX-License-Identifier: MIT
/*
 * The JSON report of --compare (docs/compare.md has the layout).  Each
 * difference is a small jansson object dumped as soon as it is built, so
 * a report of 40,000 dropped processes never exists as one json_t.
 * Names are bytes: invalid UTF-8 bytes become U+FFFD, as in --format json.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "compare-private.h"
#include "err.h"
#include "signame.h"
#include "tree-private.h"

static json_t *ju64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

/* set, taking ownership; remembers a failed allocation in *ok */
static void jset(json_t *o, const char *key, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		*ok = false;
}

static json_t *jcommand(const struct cmp_file *f, uint32_t id)
{
	const char *s;
	size_t len;

	cmp_node_command(f, id, &s, &len);
	return utf8_json_string(s, len);
}

static json_t *jexecs(const struct cmp_file *f, uint32_t id, bool *ok)
{
	json_t *a = json_array();
	const char *s;
	size_t len;

	if (!a) {
		*ok = false;
		return NULL;
	}
	for (uint32_t i = 0; cmp_exec_name(f, id, i, &s, &len); i++)
		if (json_array_append_new(a, utf8_json_string(s, len)) < 0)
			*ok = false;
	return a;
}

static json_t *jstatus(const struct tree_node_info *x, bool *ok)
{
	json_t *o = json_object();
	const char *state = "exited";

	if (!o) {
		*ok = false;
		return NULL;
	}
	if (x->flags & TQ_EXIT_LOST)
		state = "exit_lost";
	else if (!x->exit_seen)
		state = x->flags & TQ_ALIVE_AT_END ? "alive_at_end" : "exit_unseen";
	else if (x->flags & TQ_EXIT_INFERRED)
		state = "exit_inferred";
	else if (!x->have_code && !x->have_signal)
		state = "exit_status_unknown";
	jset(o, "state", json_string(state), ok);
	if (x->exit_seen && x->have_signal) {
		const char *name = signame(x->signal);

		jset(o, "signal", json_integer(x->signal), ok);
		jset(o, "name", name ? json_string(name) : json_null(), ok);
	} else if (x->exit_seen && x->have_code) {
		jset(o, "code", json_integer(x->code), ok);
	}
	if (x->exit_seen || (x->flags & TQ_EXIT_LOST))
		jset(o, "time_ns", ju64(x->end_ns), ok);
	return o;
}

static json_t *jcreator(const struct cmp_file *f, uint32_t id)
{
	uint32_t p = f->nodes[id].info.parent;

	if (p == TREE_NO_NODE || p == 0)
		return json_null();
	return json_integer(f->nodes[p].info.pid);
}

static json_t *jdiff(const struct cmp *c, int f, const struct cmp_diff *d)
{
	const struct cmp_file *fl = &c->files[f], *fo = &c->files[d->other];
	uint32_t y = *cmp_member(c, d->cluster, d->other);
	bool here = d->node != TREE_NO_NODE, ok = true;
	const struct cmp_file *fs = here ? fl : fo;
	uint32_t id = here ? d->node : y;
	json_t *o = json_object(), *other;

	if (!o)
		return NULL;
	jset(o, "class", json_string(cmp_class_name(d->cls)), &ok);
	jset(o, "pid", json_integer(fs->nodes[id].info.pid), &ok);
	jset(o, "command", jcommand(fs, id), &ok);
	jset(o, "start_ns", ju64(fs->nodes[id].info.start_ns), &ok);
	jset(o, "node", here ? ju64(d->node) : json_null(), &ok);
	other = json_object();
	if (other) {
		jset(other, "file", json_integer(d->other), &ok);
		jset(other, "node", ju64(y), &ok);
	}
	jset(o, "other", other, &ok);
	switch (d->cls) {
	case CMP_NODE_MISSING: {
		json_t *seen = json_array();

		jset(o, "subtree_top", json_boolean(d->top), &ok);
		jset(o, "creator_pid", jcreator(fo, y), &ok);
		for (int g = 0; seen && g < c->nfiles; g++)
			if (*cmp_member(c, d->cluster, g) != CMP_NONE &&
			    json_array_append_new(seen, json_integer(g)) < 0)
				ok = false;
		jset(o, "seen_by", seen, &ok);
		break;
	}
	case CMP_FORK_MISSING:
		jset(o, "orphan", json_boolean(fl->nodes[d->node].info.flags & TQ_ORPHAN), &ok);
		jset(o, "placed_under_pid", jcreator(fl, d->node), &ok);
		jset(o, "creator_pid", jcreator(fo, y), &ok);
		break;
	case CMP_EXEC_MISSING:
		jset(o, "execs", jexecs(fl, d->node, &ok), &ok);
		jset(o, "other_execs", jexecs(fo, y, &ok), &ok);
		break;
	case CMP_EXIT_MISSING:
	case CMP_STATUS_DIFFERS:
		jset(o, "exit", jstatus(&fl->nodes[d->node].info, &ok), &ok);
		jset(o, "other_exit", jstatus(&fo->nodes[y].info, &ok), &ok);
		break;
	case CMP_PARENT_DIFFERS:
		jset(o, "creator_pid", jcreator(fl, d->node), &ok);
		jset(o, "other_creator_pid", jcreator(fo, y), &ok);
		break;
	default: break;
	}
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int dump(json_t *j, FILE *fp)
{
	int ret;

	if (!j) {
		err_set("out of memory");
		return -1;
	}
	ret = json_dumpf(j, fp, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return ret;
}

static int put_file(const struct cmp *c, int f, FILE *fp)
{
	const struct cmp_file *fl = &c->files[f];
	const struct csv_meta *m = tree_meta(fl->t);
	const struct csv_trailer *tr = tree_trailer(fl->t);

	fprintf(fp, "{\"index\":%d,\"path\":", f);
	if (dump(utf8_json_string(fl->path, strlen(fl->path)), fp) < 0)
		return -1;
	fputs(",\"engine\":", fp);
	if (dump(fl->engine ? utf8_json_string(fl->engine, strlen(fl->engine)) : json_null(), fp) <
	    0)
		return -1;
	fprintf(fp,
		",\"root_pid\":%d,\"processes\":%" PRIu32 ",\"lost_events\":%" PRIu64
		",\"complete\":%s,\"counts\":{",
		m->root_pid, fl->n, fl->lost_events, tr->present ? "true" : "false");
	for (int k = 0; k < CMP_CLASS_COUNT; k++)
		fprintf(fp, "%s\"%s\":%" PRIu64, k ? "," : "", cmp_class_name(k), fl->count[k]);
	fputs("},\"differences\":[", fp);
	for (size_t i = 0; i < c->ndiffs[f]; i++) {
		if (i)
			putc_unlocked(',', fp);
		if (dump(jdiff(c, f, &c->diffs[f][i]), fp) < 0)
			return -1;
	}
	fputs("]}", fp);
	return 0;
}

int cmp_write_json(const struct cmp *c, FILE *fp)
{
	uint32_t everywhere = 0;

	for (uint32_t ci = 0; ci < c->ncl; ci++) {
		int g;

		for (g = 0; g < c->nfiles && *cmp_member(c, ci, g) != CMP_NONE; g++)
			;
		everywhere += g == c->nfiles;
	}
	fprintf(fp,
		"{\"format\":\"proctree-compare\",\"version\":1,\"match\":\"%s\",\"match_reason\":",
		c->used == CMP_MATCH_PID ? "pid" : "structure");
	if (dump(c->why ? utf8_json_string(c->why, strlen(c->why)) : json_null(), fp) < 0)
		return -1;
	fprintf(fp,
		",\"tolerance_ns\":%" PRIu64 ",\"agree\":%s,\"processes\":%" PRIu32
		",\"in_every_file\":%" PRIu32 ",\"fork_offset_ns\":",
		c->opts.tolerance_ns, c->differs ? "false" : "true", c->ncl, everywhere);
	if (c->used == CMP_MATCH_PID && c->off_n)
		fprintf(fp, "{\"pairs\":%" PRIu64 ",\"mean\":%" PRIu64 ",\"max\":%" PRIu64 "}",
			c->off_n, c->off_sum / c->off_n, c->off_max);
	else
		fputs("null", fp);
	fputs(",\"files\":[", fp);
	for (int f = 0; f < c->nfiles; f++) {
		if (f)
			putc_unlocked(',', fp);
		if (put_file(c, f, fp) < 0)
			return -1;
	}
	fputs("]}\n", fp);
	return ferror(fp) ? -1 : 0;
}
