// SPDX-License-Identifier: MIT
/*
 * The agent's JSON facts, parsed for the judge. Strict: a document that is
 * not the agent's, of another format version, or missing any fact the
 * judge reads is refused as a whole (a truncated or foreign document is an
 * error, never a set of absent facts). A fact the agent reported as
 * {"error": ...} keeps its errno name and is judged unknown.
 */
#include "agent.h"
#include "profile.h"

#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

/* The value at a dotted path ("probes.fork"), or NULL when a key is missing. */
static const json_t *at(const json_t *doc, const char *path)
{
	char key[64];
	const char *p = path;

	while (doc && *p) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		doc = json_is_object(doc) ? json_object_get(doc, key) : NULL;
		p += n + (p[n] == '.');
	}
	return doc;
}

/* The agent could not read it: copy its errno name, true. */
static bool err_of(const json_t *v, char *buf, size_t len)
{
	const char *e = json_string_value(json_object_get(v, "error"));

	if (!json_is_object(v) || !e)
		return false;
	snprintf(buf, len, "%s", e);
	return true;
}

static void str_of(const json_t *v, char *buf, size_t len)
{
	buf[0] = '\0';
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
}

static unsigned long long hex_of(const json_t *v)
{
	const char *s = json_string_value(v);

	return s ? strtoull(s, NULL, 16) : 0;
}

static void parse_caps(const json_t *c, struct facts *f)
{
	if (err_of(c, f->caps_err, sizeof(f->caps_err)))
		return;
	f->cap_eff = hex_of(json_object_get(c, "effective"));
	f->cap_prm = hex_of(json_object_get(c, "permitted"));
	f->cap_inh = hex_of(json_object_get(c, "inheritable"));
	f->cap_bnd = hex_of(json_object_get(c, "bounding"));
	f->cap_amb = hex_of(json_object_get(c, "ambient"));
}

/* A cgroup file: value, "" for null (not visible), or its error. */
static void parse_cg(const json_t *v, char *val, size_t vlen, char *err,
		     size_t elen)
{
	if (!err_of(v, err, elen))
		str_of(v, val, vlen);
}

static long long events_of(const json_t *v, char *err, size_t len)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (!json_is_null(v) && !err_of(v, err, len))
		snprintf(err, len, "malformed");
	return -1;
}

static void parse_fork(const json_t *v, struct facts *f)
{
	if (json_is_null(v) || err_of(v, f->fork_err, sizeof(f->fork_err)))
		return;
	f->fork_tried = json_integer_value(json_object_get(v, "tried"));
	f->fork_forked = json_integer_value(json_object_get(v, "forked"));
	str_of(json_object_get(v, "stopped_by"), f->fork_stop,
	       sizeof(f->fork_stop));
	f->ev_before = events_of(json_object_get(v, "events_before"), f->ev_err,
				 sizeof(f->ev_err));
	f->ev_after = events_of(json_object_get(v, "events_after"), f->ev_err,
				sizeof(f->ev_err));
}

static void parse_memory(const json_t *v, struct facts *f)
{
	if (json_is_null(v) || err_of(v, f->mem_err, sizeof(f->mem_err)))
		return;
	str_of(json_object_get(v, "outcome"), f->mem_outcome,
	       sizeof(f->mem_outcome));
	str_of(json_object_get(v, "signal"), f->mem_detail,
	       sizeof(f->mem_detail));
	if (!f->mem_detail[0])
		str_of(json_object_get(v, "errno"), f->mem_detail,
		       sizeof(f->mem_detail));
	f->mem_size = json_integer_value(json_object_get(v, "size"));
	f->mem_peak_kib = json_integer_value(json_object_get(v, "peak_kib"));
}

static void parse_root(const json_t *doc, struct facts *f)
{
	const json_t *id = at(doc, "root.id"),
		     *pr = at(doc, "root.propagation");
	const json_t *esc = at(doc, "probes.escape"),
		     *ro = at(doc, "root.read_only");
	const json_t *w = at(doc, "probes.write_root");

	f->read_only = json_is_boolean(ro) ? json_is_true(ro) : -1;
	if (json_is_string(w))
		str_of(w, f->write_root, sizeof(f->write_root));
	f->root_known = json_is_integer(json_object_get(id, "ino"));
	f->root_dev = json_integer_value(json_object_get(id, "dev"));
	f->root_ino = json_integer_value(json_object_get(id, "ino"));
	f->mnt_shared = f->mnt_slave = -1;
	if (json_is_integer(json_object_get(pr, "shared"))) {
		f->mnt_shared =
			json_integer_value(json_object_get(pr, "shared"));
		f->mnt_slave = json_integer_value(json_object_get(pr, "slave"));
		str_of(json_object_get(pr, "first"), f->mnt_first,
		       sizeof(f->mnt_first));
	}
	f->esc = -1;
	if (json_is_string(json_object_get(esc, "refused"))) {
		f->esc = 0;
	} else if (json_is_integer(json_object_get(esc, "ino"))) {
		f->esc = 1;
		f->esc_dev = json_integer_value(json_object_get(esc, "dev"));
		f->esc_ino = json_integer_value(json_object_get(esc, "ino"));
	} else if (!err_of(esc, f->esc_err, sizeof(f->esc_err))) {
		snprintf(f->esc_err, sizeof(f->esc_err), "malformed");
	}
}

static void parse_rest(const json_t *doc, struct facts *f)
{
	const json_t *nnp = at(doc, "no_new_privs"), *h = at(doc, "hostname");
	const json_t *np = json_array_get(at(doc, "rlimits.nproc"), 0);

	for (int t = 0; t < NS__COUNT; t++) {
		const json_t *v =
			json_object_get(at(doc, "ns"), ns_table[t].name);
		f->ns[t] = json_is_integer(v) ? json_integer_value(v) : 0;
	}
	f->pid = json_integer_value(at(doc, "pid"));
	if (!err_of(h, f->hostname_err, sizeof(f->hostname_err)))
		str_of(h, f->hostname, sizeof(f->hostname));
	parse_caps(at(doc, "caps"), f);
	f->nnp = json_is_integer(nnp) ? (int)json_integer_value(nnp) : -1;
	parse_cg(at(doc, "cgroup.pids_max"), f->pids_max, sizeof(f->pids_max),
		 f->pids_err, sizeof(f->pids_err));
	parse_cg(at(doc, "cgroup.memory_max"), f->memory_max,
		 sizeof(f->memory_max), f->memory_err, sizeof(f->memory_err));
	f->nproc = json_is_integer(np)	? json_integer_value(np)
		   : json_is_string(np) ? -1
					: -2;
	parse_fork(at(doc, "probes.fork"), f);
	parse_memory(at(doc, "probes.memory"), f);
	parse_root(doc, f);
	for (size_t i = 0; i < profile_masked_n; i++)
		str_of(json_object_get(at(doc, "masked"), profile_masked[i]),
		       f->masked[i], sizeof(f->masked[i]));
}

/* Every fact the judge reads must be there, if only as null or an error. */
static const char *const required[] = {
	"pid",
	"ns",
	"hostname",
	"caps",
	"no_new_privs",
	"rlimits.nproc",
	"cgroup.pids_max",
	"cgroup.memory_max",
	"root.read_only",
	"root.id",
	"root.propagation",
	"masked",
	"probes.fork",
	"probes.memory",
	"probes.write_root",
	"probes.escape",
};

int facts_parse(const json_t *doc, struct facts *f)
{
	const char *fmt = json_string_value(at(doc, "format"));
	const json_t *v = at(doc, "format_version");

	memset(f, 0, sizeof(*f));
	if (!json_is_object(doc) || !fmt || strcmp(fmt, "boxcheck-facts")) {
		snprintf(f->bad, sizeof(f->bad),
			 "not a boxcheck-facts document");
		return -EINVAL;
	}
	if (json_integer_value(v) != AGENT_FORMAT_VERSION) {
		snprintf(f->bad, sizeof(f->bad),
			 "facts format version %" JSON_INTEGER_FORMAT
			 ", this boxcheck reads %d",
			 json_integer_value(v), AGENT_FORMAT_VERSION);
		return -EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!at(doc, required[i])) {
			snprintf(f->bad, sizeof(f->bad),
				 "incomplete facts document: no '%s'",
				 required[i]);
			return -EINVAL;
		}
	for (size_t i = 0; i < profile_masked_n; i++)
		if (!json_object_get(at(doc, "masked"), profile_masked[i])) {
			snprintf(f->bad, sizeof(f->bad),
				 "incomplete facts document: no 'masked.%s'",
				 profile_masked[i]);
			return -EINVAL;
		}
	parse_rest(doc, f);
	return 0;
}

int facts_parse_text(const char *text, struct facts *f)
{
	json_error_t e;
	json_t *doc = json_loads(text, 0, &e);
	int r;

	if (!doc) {
		memset(f, 0, sizeof(*f));
		snprintf(f->bad, sizeof(f->bad),
			 "not a JSON document (%.80s, at byte %d)", e.text,
			 e.position);
		return -EINVAL;
	}
	r = facts_parse(doc, f);
	json_decref(doc);
	return r;
}

void facts_self(struct facts *f)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id id;
		if (ns_id_of(0, t, &id) == 0)
			f->ns[t] = id.ino;
	}
	f->nnp = f->read_only = f->esc = -1;
	f->mnt_shared = f->mnt_slave = -1;
	if (stat("/", &st) == 0) {
		f->root_known = true;
		f->root_dev = st.st_dev;
		f->root_ino = st.st_ino;
	}
}
