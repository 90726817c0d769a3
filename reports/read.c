// SPDX-License-Identifier: MIT
/*
 * read.c - load boxcheck's JSON result files and check them against the
 * schema (reports/SCHEMA.md), described here as data: one table of members
 * per object. Unknown members are ignored; a missing or mistyped required
 * member is an error naming the file and the member's path.
 */
#include "results.h"
#include "../primitives/base.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const result_kind_names[RK__COUNT] = {
	[RK_RUN] = "run",
	[RK_BENCH] = "bench",
};

enum jt { J_ANY, J_STR, J_NUM, J_INT, J_BOOL, J_OBJ, J_ARR, J_MAP };

static const char *const jt_names[] = {
	[J_ANY] = "a value",	[J_STR] = "a string",	[J_NUM] = "a number",
	[J_INT] = "an integer", [J_BOOL] = "a boolean", [J_OBJ] = "an object",
	[J_ARR] = "an array",	[J_MAP] = "an object",
};

/*
 * One member. J_OBJ: sub lists its members. J_ARR: elem is the type of each
 * element (sub its members when objects). J_MAP: any keys, each value of
 * type elem (with sub).
 */
struct jspec {
	const char *name;
	enum jt type, elem;
	bool required, nullable;
	const struct jspec *sub;
	const char *const *oneof;
};

#define REQ(n, t)                                                              \
	{                                                                      \
		.name = n, .type = t, .required = true                         \
	}
#define OPT(n, t)                                                              \
	{                                                                      \
		.name = n, .type = t                                           \
	}

static const char *const verdicts[] = { "pass", "fail", "skip", "error", NULL };
static const char *const outcomes[] = { "holds", "absent",  "skip",
					"error", "not run", NULL };
static const char *const units[] = { "s", "ms", "us", "ns", NULL };
static const char *const statuses[] = { "ok", "skipped", "failed", NULL };

static const struct jspec outcome_spec[] = {
	{ .name = "outcome",
	  .type = J_STR,
	  .required = true,
	  .oneof = outcomes },
	OPT("observed", J_STR),
	OPT("duration_s", J_NUM),
	{ .name = "evidence", .type = J_MAP, .elem = J_ANY },
	{ 0 },
};

static const struct jspec record_spec[] = {
	REQ("id", J_STR),
	OPT("title", J_STR),
	OPT("property", J_STR),
	OPT("expected", J_STR),
	REQ("target", J_STR),
	{ .name = "verdict",
	  .type = J_STR,
	  .required = true,
	  .oneof = verdicts },
	REQ("reason", J_STR),
	OPT("duration_s", J_NUM),
	{ .name = "isolated",
	  .type = J_OBJ,
	  .required = true,
	  .sub = outcome_spec },
	{ .name = "control",
	  .type = J_OBJ,
	  .required = true,
	  .sub = outcome_spec },
	{ 0 },
};

static const char *const ab_arms[] = { "new", "base", NULL };

/* meta.ab: a bench --against run's arm (bench/ab.c). */
static const struct jspec ab_spec[] = {
	OPT("interleaved", J_BOOL),
	{ .name = "arm", .type = J_STR, .required = true, .oneof = ab_arms },
	REQ("binary", J_STR),
	OPT("version", J_STR),
	OPT("git_rev", J_STR),
	OPT("other_binary", J_STR),
	OPT("order", J_STR),
	OPT("renew_rounds", J_INT),
	OPT("counters", J_BOOL),
	{ 0 },
};

static const struct jspec meta_spec[] = {
	OPT("tool", J_STR),
	OPT("version", J_STR),
	OPT("git_rev", J_STR),
	OPT("command", J_STR),
	OPT("started", J_STR),
	OPT("duration_s", J_NUM),
	{ .name = "host", .type = J_OBJ, .nullable = true },
	{ .name = "options", .type = J_OBJ, .nullable = true },
	{ .name = "tools", .type = J_MAP, .elem = J_ANY, .nullable = true },
	{ .name = "ab", .type = J_OBJ, .nullable = true, .sub = ab_spec },
	{ 0 },
};

/* Bench (the bench branch's SCHEMA.md): every time in a SERIES. */
static const struct jspec ci_spec[] = {
	REQ("lo", J_NUM),
	REQ("hi", J_NUM),
	OPT("level", J_NUM),
	{ 0 },
};

static const struct jspec stats_spec[] = {
	REQ("n", J_INT),
	REQ("p50", J_NUM),
	OPT("min", J_NUM),
	OPT("p90", J_NUM),
	OPT("p99", J_NUM),
	OPT("max", J_NUM),
	OPT("mean", J_NUM),
	OPT("stddev", J_NUM),
	{ .name = "median_ci",
	  .type = J_OBJ,
	  .nullable = true,
	  .sub = ci_spec },
	{ 0 },
};

static const struct jspec series_spec[] = {
	{ .name = "unit", .type = J_STR, .oneof = units },
	{ .name = "stats", .type = J_OBJ, .required = true, .sub = stats_spec },
	{ .name = "samples", .type = J_ARR, .elem = J_NUM },
	{ 0 },
};

static const struct jspec counter_spec[] = {
	OPT("per_start", J_NUM),
	OPT("unit", J_STR),
	OPT("starts", J_INT),
	OPT("unavailable", J_STR),
	{ 0 },
};

static const struct jspec variant_spec[] = {
	REQ("name", J_STR),
	REQ("group", J_STR),
	{ .name = "status",
	  .type = J_STR,
	  .required = true,
	  .oneof = statuses },
	OPT("description", J_STR),
	OPT("reason", J_STR),
	OPT("command", J_STR),
	{ .name = "start",
	  .type = J_OBJ,
	  .nullable = true,
	  .sub = series_spec },
	{ .name = "teardown",
	  .type = J_OBJ,
	  .nullable = true,
	  .sub = series_spec },
	{ .name = "counters",
	  .type = J_MAP,
	  .elem = J_OBJ,
	  .nullable = true,
	  .sub = counter_spec },
	{ 0 },
};

static const struct jspec memory_spec[] = {
	OPT("cgroup_bytes", J_NUM),
	OPT("mem_available_bytes", J_NUM),
	{ 0 },
};

static const struct jspec level_spec[] = {
	REQ("k", J_INT),
	OPT("rounds", J_INT),
	{ .name = "latency",
	  .type = J_OBJ,
	  .nullable = true,
	  .sub = series_spec },
	OPT("starts_per_s", J_NUM),
	{ .name = "memory_per_idle",
	  .type = J_OBJ,
	  .nullable = true,
	  .sub = memory_spec },
	OPT("error", J_STR),
	{ 0 },
};

static const struct jspec concurrency_spec[] = {
	REQ("variant", J_STR),
	OPT("latency", J_STR),
	{ .name = "levels",
	  .type = J_ARR,
	  .elem = J_OBJ,
	  .required = true,
	  .sub = level_spec },
	{ 0 },
};

/* The body of each kind, after format, format_version and kind. */
static const struct jspec run_spec[] = {
	{ .name = "meta", .type = J_OBJ, .required = true, .sub = meta_spec },
	OPT("summary", J_OBJ),
	{ .name = "records",
	  .type = J_ARR,
	  .elem = J_OBJ,
	  .required = true,
	  .sub = record_spec },
	{ 0 },
};

static const struct jspec bench_spec[] = {
	{ .name = "meta", .type = J_OBJ, .required = true, .sub = meta_spec },
	{ .name = "variants",
	  .type = J_ARR,
	  .elem = J_OBJ,
	  .required = true,
	  .sub = variant_spec },
	{ .name = "concurrency",
	  .type = J_OBJ,
	  .nullable = true,
	  .sub = concurrency_spec },
	{ 0 },
};

static const struct jspec *const kind_specs[RK__COUNT] = {
	[RK_RUN] = run_spec,
	[RK_BENCH] = bench_spec,
};

struct ctx {
	const char *file;
	char *err;
	size_t len;
};

static int fail(struct ctx *c, const char *fmt, ...) _printf_(2, 3);
static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int at = snprintf(c->err, c->len, "%s: ", c->file);

	va_start(ap, fmt);
	if (at >= 0 && (size_t)at < c->len)
		vsnprintf(c->err + at, c->len - at, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool has_type(const json_t *v, enum jt t)
{
	switch (t) {
	case J_ANY:
		return true;
	case J_STR:
		return json_is_string(v);
	case J_NUM:
		return json_is_number(v);
	case J_INT:
		return json_is_integer(v);
	case J_BOOL:
		return json_is_boolean(v);
	case J_ARR:
		return json_is_array(v);
	case J_OBJ:
	case J_MAP:
		return json_is_object(v);
	}
	return false;
}

static bool one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Up to n names, or to a NULL entry, whichever comes first. */
static void join_list(char *buf, size_t len, const char *const *list, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && list[i] && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s", i ? ", " : "",
			       list[i]);
}

static int check_members(struct ctx *c, const char *path, const json_t *obj,
			 const struct jspec *spec);

/* A value v at path, of type t (members sub, strings from oneof). */
static int check_value(struct ctx *c, const char *path, const json_t *v,
		       enum jt t, const struct jspec *s)
{
	char sub[512], list[128];
	const char *key;
	json_t *e;
	size_t i;

	if (!has_type(v, t))
		return fail(c, "member '%s' must be %s", path, jt_names[t]);
	if (t == J_STR && s && s->oneof &&
	    !one_of(json_string_value(v), s->oneof)) {
		join_list(list, sizeof(list), s->oneof, SIZE_MAX);
		return fail(c, "member '%s' is '%s', not one of %s", path,
			    json_string_value(v), list);
	}
	if (t == J_NUM && !isfinite(json_number_value(v)))
		return fail(c, "member '%s' is not a finite number", path);
	if (t == J_OBJ && s && s->sub)
		return check_members(c, path, v, s->sub);
	if (t == J_ARR && s) {
		json_array_foreach(v, i, e) {
			int r;
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			r = check_value(c, sub, e, s->elem,
					&(struct jspec){ .sub = s->sub });
			if (r < 0)
				return r;
		}
	}
	if (t == J_MAP && s) {
		json_object_foreach((json_t *)v, key, e) {
			int r;
			snprintf(sub, sizeof(sub), "%s.%s", path, key);
			r = check_value(c, sub, e, s->elem,
					&(struct jspec){ .sub = s->sub });
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int check_members(struct ctx *c, const char *path, const json_t *obj,
			 const struct jspec *spec)
{
	char sub[512];

	for (const struct jspec *s = spec; s->name; s++) {
		json_t *v = json_object_get(obj, s->name);
		int r;

		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "",
			 s->name);
		if (!v && s->required)
			return fail(c, "missing member '%s'", sub);
		if (!v || (json_is_null(v) && s->nullable))
			continue;
		r = check_value(c, sub, v, s->type, s);
		if (r < 0)
			return r;
	}
	return 0;
}

/* format, format_version and kind: what makes a file ours at all. */
static int check_header(struct ctx *c, const json_t *doc,
			enum result_kind *kind)
{
	json_t *fmt = json_object_get(doc, "format");
	json_t *ver = json_object_get(doc, "format_version");
	json_t *k = json_object_get(doc, "kind");
	char list[128];

	if (!json_is_object(doc))
		return fail(c, "not a boxcheck result file (not a JSON "
			       "object)");
	if (!json_is_string(fmt) ||
	    strcmp(json_string_value(fmt), RESULTS_FORMAT) != 0)
		return fail(c, "not a boxcheck result file (member 'format' "
			       "is not \"" RESULTS_FORMAT "\")");
	if (!json_is_integer(ver))
		return fail(c, "missing member 'format_version' (an integer)");
	if (json_integer_value(ver) != RESULTS_FORMAT_VERSION)
		return fail(c,
			    "format_version %lld is not supported (this "
			    "boxcheck reads %d)",
			    (long long)json_integer_value(ver),
			    RESULTS_FORMAT_VERSION);
	if (!json_is_string(k))
		return fail(c, "missing member 'kind' (a string)");
	for (int i = 0; i < RK__COUNT; i++) {
		if (strcmp(json_string_value(k), result_kind_names[i]) == 0) {
			*kind = i;
			return 0;
		}
	}
	/* result_kind_names has no NULL end: ASan found the overread */
	join_list(list, sizeof(list), result_kind_names, RK__COUNT);
	return fail(c, "unknown kind '%s' (this boxcheck reads %s)",
		    json_string_value(k), list);
}

int result_load(const char *path, struct result_file *out, char *err,
		size_t errlen)
{
	struct ctx c = { .file = path, .err = err, .len = errlen };
	json_error_t je;
	json_t *doc;
	FILE *f;
	int r;

	memset(out, 0, sizeof(*out));
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		fail(&c, "cannot read: %s", strerror(errno));
		return r;
	}
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!doc)
		return fail(&c, "invalid JSON at line %d column %d: %s",
			    je.line, je.column, je.text);
	r = check_header(&c, doc, &out->kind);
	if (r == 0)
		r = check_members(&c, "", doc, kind_specs[out->kind]);
	if (r < 0) {
		json_decref(doc);
		return r;
	}
	out->path = strdup(path);
	if (!out->path) {
		json_decref(doc);
		return fail(&c, "out of memory"), -ENOMEM;
	}
	out->doc = doc;
	out->meta = json_object_get(doc, "meta");
	out->host = json_object_get(out->meta, "host");
	if (!json_is_object(out->host))
		out->host = NULL;
	return 0;
}

void result_free(struct result_file *f)
{
	free(f->path);
	json_decref(f->doc);
	memset(f, 0, sizeof(*f));
}

int results_load(char *const *paths, size_t n, struct result_set *set,
		 char *err, size_t errlen)
{
	memset(set, 0, sizeof(*set));
	set->f = calloc(n ? n : 1, sizeof(*set->f));
	if (!set->f) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		int r = result_load(paths[i], &set->f[i], err, errlen);
		if (r < 0) {
			results_free(set);
			return r;
		}
		set->n++;
	}
	return 0;
}

void results_free(struct result_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		result_free(&set->f[i]);
	free(set->f);
	memset(set, 0, sizeof(*set));
}

json_t *jget(const json_t *o, const char *key)
{
	return o ? json_object_get(o, key) : NULL;
}

const char *jstr(const json_t *o, const char *key, const char *dflt)
{
	json_t *v = jget(o, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

double jnum(const json_t *o, const char *key, double dflt)
{
	json_t *v = jget(o, key);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

const char *host_fact(const struct result_file *f, const char *key, char *buf,
		      size_t len)
{
	json_t *v = jget(f->host, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
	else
		snprintf(buf, len, "%s", "");
	return buf;
}

double unit_scale(const char *unit)
{
	static const struct {
		const char *name;
		double scale;
	} table[] = {
		{ "s", 1 }, { "ms", 1e-3 }, { "us", 1e-6 }, { "ns", 1e-9 }
	};

	for (size_t i = 0; unit && i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(unit, table[i].name) == 0)
			return table[i].scale;
	return 1;
}
