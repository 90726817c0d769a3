// SPDX-License-Identifier: MIT
/*
 * The standard profile and the comparison of an agent's facts against it.
 * Pure functions: the evidence comes in as parsed facts, a verdict-ready
 * outcome goes out. No expectation looks at any runtime's messages.
 */
#include "profile.h"

#include <inttypes.h>
#include <stdarg.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/capability.h>

const int profile_default_caps[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	CAP_KILL,    CAP_AUDIT_WRITE,
};
const size_t profile_default_caps_n = ARRAY_SIZE(profile_default_caps);

#define BIT(c) (1ull << (c))
const struct profile profile_standard = {
	.hostname = "boxcheck",
	.ns = NS_ALL,
	.pids_max = 64,
	.memory_max = 64ull << 20,
	.caps = BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) |
		BIT(CAP_FOWNER) | BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) |
		BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) |
		BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |
		BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE),
	.no_new_privs = true,
	.read_only_root = true,
	.uid_base = 100000,
	.id_count = 65536,
};

static struct prop_info props[P__COUNT];

static void props_fill(void)
{
	const struct profile *p = &profile_standard;

	for (int t = 0; t < NS__COUNT; t++) {
		struct prop_info *i = &props[P_NS(t)];
		snprintf(i->id, sizeof(i->id), "ns-%s", ns_table[t].name);
		snprintf(i->property, sizeof(i->property),
			 "The process runs in its own %s namespace.",
			 ns_table[t].name);
		snprintf(i->expected, sizeof(i->expected),
			 "%s namespace inode differs from the host's",
			 ns_table[t].name);
	}
	props[P_HOSTNAME] = (struct prop_info){
		"hostname", "The hostname inside is the one asked for.", ""
	};
	snprintf(props[P_HOSTNAME].expected, sizeof(props->expected),
		 "hostname '%s'", p->hostname);
	props[P_RO_ROOT] =
		(struct prop_info){ "ro-root",
				    "The root filesystem is read-only.",
				    "/ mounted ro and a write to / refused" };
	props[P_PIDS] =
		(struct prop_info){ "pids-limit",
				    "A pids limit stops forks inside.", "" };
	snprintf(props[P_PIDS].expected, sizeof(props->expected),
		 "fork fails before %u processes", p->pids_max);
	props[P_MEMORY] = (struct prop_info){
		"memory-limit", "The memory limit is set and visible inside.",
		""
	};
	snprintf(props[P_MEMORY].expected, sizeof(props->expected),
		 "memory limit %llu bytes", p->memory_max);
	props[P_CAPS] = (struct prop_info){
		"caps-default",
		"The capability sets are the default container set.",
		"bounding == default set, effective within it"
	};
	props[P_NNP] =
		(struct prop_info){ "no-new-privs", "no_new_privs is set.",
				    "no_new_privs 1" };
}

const struct prop_info *prop_info(enum prop p)
{
	if (!props[0].id[0])
		props_fill();
	return &props[p];
}

int prop_by_id(const char *id)
{
	for (int p = 0; p < P__COUNT; p++)
		if (strcmp(prop_info(p)->id, id) == 0)
			return p;
	return -EINVAL;
}

/* ---- facts ------------------------------------------------------------ */

static void str_at(const json_t *o, const char *key, char *buf, size_t len)
{
	const json_t *v = json_object_get(o, key);

	buf[0] = '\0';
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
}

static unsigned long long hex_at(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? strtoull(s, NULL, 16) : 0;
}

static int int_at(const json_t *o, const char *key, int dflt)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_boolean(v))
		return json_is_true(v);
	return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

int facts_parse(const json_t *doc, struct facts *f)
{
	const json_t *ns = json_object_get(doc, "ns");
	const json_t *caps = json_object_get(doc, "caps");
	const json_t *cg = json_object_get(doc, "cgroup");
	const json_t *root = json_object_get(doc, "root");
	const json_t *pr = json_object_get(doc, "probes");
	const json_t *fork = json_object_get(pr, "fork");
	const char *fmt = json_string_value(json_object_get(doc, "format"));

	memset(f, 0, sizeof(*f));
	if (!json_is_object(doc) || !fmt || strcmp(fmt, "boxcheck-facts"))
		return -EINVAL;
	for (int t = 0; t < NS__COUNT; t++) {
		const json_t *v = json_object_get(ns, ns_table[t].name);
		f->ns[t] = json_is_integer(v) ? json_integer_value(v) : 0;
	}
	f->pid = int_at(doc, "pid", -1);
	str_at(doc, "hostname", f->hostname, sizeof(f->hostname));
	f->cap_eff = hex_at(caps, "effective");
	f->cap_bnd = hex_at(caps, "bounding");
	f->nnp = int_at(doc, "no_new_privs", -1);
	f->read_only = int_at(root, "read_only", -1);
	str_at(pr, "write_root", f->write_root, sizeof(f->write_root));
	str_at(cg, "pids_max", f->pids_max, sizeof(f->pids_max));
	str_at(cg, "memory_max", f->memory_max, sizeof(f->memory_max));
	f->fork_tried = int_at(fork, "tried", 0);
	f->fork_forked = int_at(fork, "forked", 0);
	str_at(fork, "stopped_by", f->fork_stop, sizeof(f->fork_stop));
	return 0;
}

int facts_parse_text(const char *text, struct facts *f)
{
	json_t *doc = json_loads(text, 0, NULL);
	int r = doc ? facts_parse(doc, f) : -EINVAL;

	json_decref(doc);
	return r;
}

void facts_self_ns(struct facts *f)
{
	memset(f, 0, sizeof(*f));
	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id id;
		if (ns_id_of(0, t, &id) == 0)
			f->ns[t] = id.ino;
	}
	f->nnp = f->read_only = -1;
}

void caps_names(unsigned long long m, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64 && at < len; c++) {
		char *name;
		if (!(m & BIT(c)))
			continue;
		name = cap_to_name(c);
		at += snprintf(buf + at, len - at, "%s%s", at ? "," : "",
			       name ? name : "?");
		cap_free(name);
	}
	if (!at)
		snprintf(buf, len, "none");
}

/* ---- judging ---------------------------------------------------------- */

static void kv(struct outcome *o, const char *key, const char *fmt, ...)
	_printf_(3, 4);
static void kv(struct outcome *o, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (o->n_kv >= OUTCOME_MAX_KV)
		return;
	snprintf(o->kv[o->n_kv].key, sizeof(o->kv[0].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(o->kv[o->n_kv].val, sizeof(o->kv[0].val), fmt, ap);
	va_end(ap);
	o->n_kv++;
}

#define SAY(o, ...) snprintf((o)->observed, sizeof((o)->observed), __VA_ARGS__)

#define JUDGE(name)                                                            \
	static enum obs name(                                                  \
		enum prop p _unused_, const struct profile *pr _unused_,       \
		const struct facts *f, const struct facts *host _unused_,      \
		struct outcome *o)

JUDGE(judge_ns)
{
	enum ns_type t = p - P_NS_FIRST;
	const char *name = ns_table[t].name;

	kv(o, "host", "%s:[%llu]", name, host->ns[t]);
	kv(o, "inside", "%s:[%llu]", name, f->ns[t]);
	if (!f->ns[t]) {
		SAY(o, "no /proc/self/ns/%s inside", name);
		return OBS_ERROR;
	}
	if (f->ns[t] == host->ns[t]) {
		SAY(o, "%s:[%llu], the host's own", name, f->ns[t]);
		return OBS_ABSENT;
	}
	SAY(o, "%s:[%llu], host %s:[%llu]", name, f->ns[t], name, host->ns[t]);
	return OBS_HOLDS;
}

JUDGE(judge_hostname)
{
	SAY(o, "hostname '%s'", f->hostname);
	return strcmp(f->hostname, pr->hostname) ? OBS_ABSENT : OBS_HOLDS;
}

JUDGE(judge_ro)
{
	bool ro = f->read_only == 1,
	     refused = f->write_root[0] && strcmp(f->write_root, "written");

	kv(o, "read_only", "%d", f->read_only);
	kv(o, "write_root", "%s", f->write_root[0] ? f->write_root : "?");
	SAY(o, "/ mounted %s, write to / %s", ro ? "ro" : "rw",
	    !f->write_root[0] ? "not tried"
	    : refused	      ? f->write_root
			      : "succeeded");
	return ro && refused ? OBS_HOLDS : OBS_ABSENT;
}

/* The fork probe is the evidence; the visible pids.max is context. */
JUDGE(judge_pids)
{
	bool stopped = f->fork_stop[0] && f->fork_forked < (int)pr->pids_max;

	kv(o, "pids_max", "%s", f->pids_max[0] ? f->pids_max : "not visible");
	kv(o, "forked", "%d of %d", f->fork_forked, f->fork_tried);
	if (!f->fork_tried) {
		SAY(o, "fork probe did not run");
		return OBS_ERROR;
	}
	SAY(o, "forked %d of %d (%s), pids.max %s", f->fork_forked,
	    f->fork_tried, f->fork_stop[0] ? f->fork_stop : "never refused",
	    f->pids_max[0] ? f->pids_max : "not visible");
	return stopped ? OBS_HOLDS : OBS_ABSENT;
}

JUDGE(judge_memory)
{
	unsigned long long v = strtoull(f->memory_max, NULL, 10);

	kv(o, "memory_max", "%s", f->memory_max[0] ? f->memory_max : "none");
	SAY(o, "memory limit %s",
	    f->memory_max[0] ? f->memory_max : "not visible inside");
	return f->memory_max[0] && v == pr->memory_max ? OBS_HOLDS : OBS_ABSENT;
}

JUDGE(judge_caps)
{
	char extra[200], missing[200];
	unsigned long long more = (f->cap_bnd | f->cap_eff) & ~pr->caps;
	unsigned long long less = pr->caps & ~f->cap_bnd;

	caps_names(more, extra, sizeof(extra));
	caps_names(less, missing, sizeof(missing));
	kv(o, "bounding", "0x%016llx", f->cap_bnd);
	kv(o, "effective", "0x%016llx", f->cap_eff);
	kv(o, "extra", "%s", extra);
	kv(o, "missing", "%s", missing);
	if (!more && !less) {
		SAY(o, "bounding 0x%llx, the default set", f->cap_bnd);
		return OBS_HOLDS;
	}
	SAY(o, "bounding 0x%llx: extra %.200s; missing %.200s", f->cap_bnd,
	    extra, missing);
	return OBS_ABSENT;
}

JUDGE(judge_nnp)
{
	SAY(o, "no_new_privs %d", f->nnp);
	return f->nnp == 1 ? OBS_HOLDS : OBS_ABSENT;
}

typedef enum obs judge_fn(enum prop, const struct profile *,
			  const struct facts *, const struct facts *,
			  struct outcome *);
static judge_fn *const judges[P__COUNT] = {
	[P_NS_FIRST... P_NS_LAST] = judge_ns,
	[P_HOSTNAME] = judge_hostname,
	[P_RO_ROOT] = judge_ro,
	[P_PIDS] = judge_pids,
	[P_MEMORY] = judge_memory,
	[P_CAPS] = judge_caps,
	[P_NNP] = judge_nnp,
};

void profile_judge(enum prop p, const struct profile *pr, const struct facts *f,
		   const struct facts *host, struct outcome *o)
{
	o->n_kv = 0;
	o->obs = judges[p](p, pr, f, host, o);
}

void profile_record_init(struct record *r, enum prop p, const char *target)
{
	const struct prop_info *i = prop_info(p);

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "validate/%s", i->id);
	snprintf(r->title, sizeof(r->title), "%s", i->property);
	snprintf(r->property, sizeof(r->property), "%s", i->property);
	snprintf(r->expected, sizeof(r->expected), "%s", i->expected);
	snprintf(r->target, sizeof(r->target), "%s", target);
}
