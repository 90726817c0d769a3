// SPDX-License-Identifier: MIT
/*
 * A profile from JSON (`boxcheck judge --profile FILE`): what a manifest
 * asked a runtime for (its securityContext, limits), over the standard
 * profile. Keys are the struct's fields; the lists (masked paths, the
 * seccomp rules) stay the standard ones. Unknown keys are an error.
 */
#include "profile.h"
#include "../../primitives/base.h"

#include <jansson.h>
#include <string.h>
#include <sys/capability.h>

static bool uint_of(const json_t *v, unsigned long long max,
		    unsigned long long *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (unsigned long long)json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

/* A NULL-ended list of strings, pointing into the loaded document. */
static bool strings_of(const json_t *v, const char **out, size_t max)
{
	size_t i, n = json_array_size(v);
	const json_t *s;

	if (!json_is_array(v) || n + 1 > max)
		return false;
	json_array_foreach(v, i, s) {
		if (!json_is_string(s))
			return false;
		out[i] = json_string_value(s);
	}
	out[n] = NULL;
	return true;
}

static bool caps_of(const json_t *v, unsigned long long *out)
{
	size_t i;
	const json_t *s;

	*out = 0;
	if (!json_is_array(v))
		return false;
	json_array_foreach(v, i, s) {
		cap_value_t c;
		char name[64];
		snprintf(name, sizeof(name), "%s", json_string_value(s) ?: "");
		for (char *p = name; *p; p++)
			*p = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
		if (cap_from_name(name, &c) < 0 || c >= 64)
			return false;
		*out |= 1ull << c;
	}
	return true;
}

static bool rlimits_of(const json_t *v, struct profile *pr)
{
	const char *name;
	const json_t *l;

	if (!json_is_object(v))
		return false;
	json_object_foreach((json_t *)v, name, l) {
		struct prof_rlimit *r = NULL;
		for (size_t i = 0; i < ARRAY_SIZE(pr->rlimits); i++)
			if (pr->rlimits[i].name &&
			    !strcmp(pr->rlimits[i].name, name))
				r = &pr->rlimits[i];
		if (!r || !uint_of(json_array_get(l, 0), ~0ull, &r->soft) ||
		    !uint_of(json_array_get(l, 1), ~0ull, &r->hard))
			return false;
	}
	return true;
}

/* One key; false when its value is not what the field takes. */
static bool take(struct profile *pr, const char *k, const json_t *v)
{
	unsigned long long u;
	size_t n;

#define UINT(f, max)                                                           \
	if (!strcmp(k, #f))                                                    \
	return uint_of(v, max, &u) && (pr->f = u, 1)
	UINT(pids_max, 1u << 30);
	UINT(memory_max, ~0ull);
	UINT(cpu_quota_us, 1u << 30);
	UINT(cpu_period_us, 1u << 30);
	UINT(cpu_shares, 262144);
	UINT(uid, 1u << 31);
	UINT(gid, 1u << 31);
	UINT(umask, 0777);
	UINT(uid_base, 1ull << 32);
	UINT(id_count, 1ull << 32);
#undef UINT
	if (!strcmp(k, "hostname") || !strcmp(k, "cwd") ||
	    !strcmp(k, "lsm_label")) {
		const char **f = !strcmp(k, "hostname") ? &pr->hostname
				 : !strcmp(k, "cwd")	? &pr->cwd
							: &pr->lsm_label;
		return json_is_string(v) && (*f = json_string_value(v));
	}
	if (!strcmp(k, "oom_score_adj"))
		return json_is_integer(v) &&
		       (pr->oom_score_adj = json_integer_value(v), 1);
	if (!strcmp(k, "no_new_privs") || !strcmp(k, "read_only_root"))
		return json_is_boolean(v) &&
		       (*(!strcmp(k, "no_new_privs") ? &pr->no_new_privs
						     : &pr->read_only_root) =
				json_is_true(v),
			1);
	if (!strcmp(k, "groups")) {
		n = json_array_size(v);
		if (!json_is_array(v) || n > ARRAY_SIZE(pr->groups))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!uint_of(json_array_get(v, i), 1u << 31, &u))
				return false;
			else
				pr->groups[i] = u;
		pr->n_groups = n;
		return true;
	}
	if (!strcmp(k, "env"))
		return strings_of(v, pr->env, ARRAY_SIZE(pr->env));
	if (!strcmp(k, "args"))
		return strings_of(v, pr->args, ARRAY_SIZE(pr->args));
	if (!strcmp(k, "caps"))
		return caps_of(v, &pr->caps);
	if (!strcmp(k, "rlimits"))
		return rlimits_of(v, pr);
	return false;
}

int profile_load(const char *path, struct profile *pr, char *why, size_t len)
{
	json_error_t e;
	json_t *doc = json_load_file(path, 0, &e);
	const char *k;
	json_t *v;

	*pr = profile_standard;
	if (!doc) {
		snprintf(why, len, "%s: %s (line %d)", path, e.text, e.line);
		return -EINVAL;
	}
	json_object_foreach(doc, k, v)
		if (!take(pr, k, v)) {
			snprintf(why, len, "%s: bad or unknown key '%s'", path,
				 k);
			json_decref(doc);
			*pr = profile_standard;
			return -EINVAL;
		}
	pr->loaded = doc;
	return 0;
}

void profile_unload(struct profile *pr)
{
	json_decref(pr->loaded);
	pr->loaded = NULL;
}
