// SPDX-License-Identifier: MIT
/* Predicates: the process (ids, cwd, environment, arguments, limits, fds). */
#include "props.h"

#include <string.h>

enum obs judge_user(struct jctx *c, struct outcome *o)
{
	const json_t *ids = F(c, "ids"), *g = jpath(ids, "groups");
	long long uid, gid, v;
	char seen[160] = "", want[96];
	size_t at = 0, i, n = json_array_size(g);
	bool same;

	if (!jint(jpath(ids, "uid"), &uid) || !jint(jpath(ids, "gid"), &gid))
		return unknown(o, "uid and gid", ids);
	if (!json_is_array(g))
		return unknown(o, "the supplementary groups", g);
	same = n == c->pr->n_groups;
	for (i = 0; i < n; i++) {
		bool asked = false;
		jint(json_array_get(g, i), &v);
		for (size_t k = 0; k < c->pr->n_groups; k++)
			asked |= c->pr->groups[k] == v;
		same &= asked;
		if (at < sizeof(seen))
			at += snprintf(seen + at, sizeof(seen) - at, "%s%lld",
				       i ? "," : "", v);
	}
	prof_groups_text(c->pr, want, sizeof(want));
	kv(o, "groups", "%s", n ? seen : "none");
	if (uid != c->pr->uid || gid != c->pr->gid || !same)
		return absent(o, "uid %lld, gid %lld, groups %s (asked %s)",
			      uid, gid, n ? seen : "none", want);
	return holds(o, "uid %lld, gid %lld, groups %s", uid, gid,
		     n ? seen : "none");
}

enum obs judge_cwd(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "cwd");
	const char *p = jtext(jpath(v, "path"));

	if (fact_error(v))
		return absent(o, "getcwd() fails: %s (outside the root?)",
			      fact_error(v));
	if (!p)
		return unknown(o, "the working directory", v);
	if (strcmp(p, c->pr->cwd))
		return absent(o, "getcwd() is '%.300s'", p);
	return holds(o, "getcwd() is '%s'", p);
}

/* Every variable asked for, with its value. */
enum obs judge_env(struct jctx *c, struct outcome *o)
{
	const json_t *vals = F(c, "env.values");
	char missing[300] = "";
	size_t at = 0;

	if (!json_is_object(vals))
		return unknown(o, "the environment", vals);
	for (const char *const *e = c->pr->env; *e; e++) {
		char name[128];
		const char *eq = strchr(*e, '=');
		const char *v;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - *e), *e);
		v = jtext(json_object_get(vals, name));
		if ((!v || strcmp(v, eq + 1)) && at < sizeof(missing))
			at += snprintf(missing + at, sizeof(missing) - at,
				       "%s%s=%s", at ? " " : "", name,
				       v ? v : "(unset)");
	}
	if (at)
		return absent(o, "not as asked: %s", missing);
	return holds(o, "every variable asked for is set as asked");
}

enum obs judge_env_clean(struct jctx *c, struct outcome *o)
{
	const json_t *names = F(c, "env.names"), *v;
	size_t i;

	if (!json_is_array(names))
		return unknown(o, "the environment", names);
	json_array_foreach(names, i, v)
		if (jtext(v) && !strcmp(jtext(v), c->pr->env_canary))
			return absent(o,
				      "%s, set in the launcher's "
				      "environment, is inside",
				      c->pr->env_canary);
	return holds(o, "%zu variables, none of the launcher's",
		     json_array_size(names));
}

enum obs judge_args(struct jctx *c, struct outcome *o)
{
	const json_t *a = F(c, "argv");
	size_t n = prof_count(c->pr->args), i;
	char seen[300] = "";
	size_t at = 0;
	bool same;

	if (!json_is_array(a))
		return unknown(o, "the arguments", a);
	same = json_array_size(a) == n;
	for (i = 0; i < json_array_size(a); i++) {
		const char *s = jtext(json_array_get(a, i));
		same &= i < n && s && !strcmp(s, c->pr->args[i]);
		if (at < sizeof(seen))
			at += snprintf(seen + at, sizeof(seen) - at, "%s%s",
				       i ? " " : "", s ? s : "?");
	}
	if (!same)
		return absent(o, "argv '%s'", seen);
	return holds(o, "argv '%s'", seen);
}

enum obs judge_umask(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "umask");
	long long m;

	if (!jint(v, &m))
		return unknown(o, "the umask", v);
	if ((unsigned)m != c->pr->umask)
		return absent(o, "umask %04llo", m);
	return holds(o, "umask %04llo", m);
}

/* A limit value: a number, or "unlimited" (-1). */
static bool rlim_of(const json_t *v, long long *out)
{
	if (jtext(v) && !strcmp(jtext(v), "unlimited")) {
		*out = -1;
		return true;
	}
	return jint(v, out);
}

enum obs judge_rlimit(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "rlimits.%s", c->p->arg);
	const struct prof_rlimit *rl = NULL;
	long long s, h;

	for (size_t i = 0; i < ARRAY_SIZE(c->pr->rlimits); i++)
		if (c->pr->rlimits[i].name &&
		    !strcmp(c->pr->rlimits[i].name, c->p->arg))
			rl = &c->pr->rlimits[i];
	if (!rl)
		return unknown(o, "the limit asked for", NULL);
	if (!rlim_of(json_array_get(v, 0), &s) ||
	    !rlim_of(json_array_get(v, 1), &h))
		return unknown(o, "the limit", v);
	if (s != (long long)rl->soft || h != (long long)rl->hard)
		return absent(o, "%s %lld:%lld", c->p->arg, s, h);
	return holds(o, "%s %lld:%lld", c->p->arg, s, h);
}

enum obs judge_oom(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "oom_score_adj");
	long long a;

	if (!jint(v, &a))
		return unknown(o, "oom_score_adj", v);
	if (a != c->pr->oom_score_adj)
		return absent(o, "oom_score_adj %lld", a);
	return holds(o, "oom_score_adj %lld", a);
}

enum obs judge_fds(struct jctx *c, struct outcome *o)
{
	const json_t *fds = F(c, "fds"), *v;
	const char *fd;
	char seen[400] = "";
	size_t at = 0;

	if (!json_is_object(fds) || fact_error(fds))
		return unknown(o, "the open fds", fds);
	json_object_foreach((json_t *)fds, fd, v)
		if (at < sizeof(seen))
			at += snprintf(seen + at, sizeof(seen) - at,
				       "%s%s -> %.120s", at ? ", " : "", fd,
				       jtext(v) ? jtext(v) : "?");
	if (at)
		return absent(o, "inherited: %s", seen);
	return holds(o, "only 0, 1 and 2 open");
}
