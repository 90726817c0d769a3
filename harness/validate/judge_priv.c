// SPDX-License-Identifier: MIT
/*
 * Predicates: privileges. The five capability sets, no_new_privs, the
 * seccomp filter and what it refuses, the LSM label.
 */
#include "props.h"

#include <string.h>

/* The five sets, or false with the outcome said. */
struct capsets {
	unsigned long long bnd, eff, prm, inh, amb;
};

static bool caps_of(struct jctx *c, struct outcome *o, struct capsets *s)
{
	const json_t *v = F(c, "caps");

	if (!jhex(jpath(v, "bounding"), &s->bnd) ||
	    !jhex(jpath(v, "effective"), &s->eff) ||
	    !jhex(jpath(v, "permitted"), &s->prm) ||
	    !jhex(jpath(v, "inheritable"), &s->inh) ||
	    !jhex(jpath(v, "ambient"), &s->amb)) {
		unknown(o, "the capability sets", v);
		return false;
	}
	kv(o, "bounding", "0x%016llx", s->bnd);
	kv(o, "effective", "0x%016llx", s->eff);
	kv(o, "permitted", "0x%016llx", s->prm);
	kv(o, "inheritable", "0x%016llx", s->inh);
	kv(o, "ambient", "0x%016llx", s->amb);
	return true;
}

/* "extra X; missing Y" of a set against the asked one. */
static void diff(unsigned long long have, unsigned long long want, char *buf,
		 size_t len)
{
	char more[200], less[200];

	caps_names(have & ~want, more, sizeof(more));
	caps_names(want & ~have, less, sizeof(less));
	snprintf(buf, len, "extra %.100s; missing %.100s", more, less);
}

enum obs judge_caps_bounding(struct jctx *c, struct outcome *o)
{
	struct capsets s;
	char d[256];

	if (!caps_of(c, o, &s))
		return OBS_ERROR;
	if (s.bnd == c->pr->caps)
		return holds(o, "bounding 0x%llx, the asked set", s.bnd);
	diff(s.bnd, c->pr->caps, d, sizeof(d));
	return absent(o, "bounding: %s", d);
}

enum obs judge_caps_effective(struct jctx *c, struct outcome *o)
{
	struct capsets s;
	char d[256];

	if (!caps_of(c, o, &s))
		return OBS_ERROR;
	if (s.eff == c->pr->caps && s.prm == c->pr->caps)
		return holds(o, "effective and permitted 0x%llx, the asked set",
			     s.eff);
	diff(s.eff != c->pr->caps ? s.eff : s.prm, c->pr->caps, d, sizeof(d));
	return absent(o, "%s: %s",
		      s.eff != c->pr->caps ? "effective" : "permitted", d);
}

static enum obs extra_set(struct jctx *c, struct outcome *o, bool inh)
{
	struct capsets s;
	unsigned long long have, want;
	char names[300];

	if (!caps_of(c, o, &s))
		return OBS_ERROR;
	have = inh ? s.inh : s.amb;
	want = inh ? c->pr->caps_inheritable : c->pr->caps_ambient;
	caps_names(have, names, sizeof(names));
	if (have != want)
		return absent(o, "%s: %.400s", inh ? "inheritable" : "ambient",
			      names);
	return holds(o, "%s: %s", inh ? "inheritable" : "ambient", names);
}

enum obs judge_caps_inheritable(struct jctx *c, struct outcome *o)
{
	return extra_set(c, o, true);
}

enum obs judge_caps_ambient(struct jctx *c, struct outcome *o)
{
	return extra_set(c, o, false);
}

enum obs judge_nnp(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "no_new_privs");
	long long n;

	if (!jint(v, &n))
		return unknown(o, "no_new_privs", v);
	return n == 1 ? holds(o, "no_new_privs 1")
		      : absent(o, "no_new_privs %lld", n);
}

enum obs judge_seccomp(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "seccomp");
	long long m, n = -1;

	if (!jint(jpath(v, "mode"), &m))
		return unknown(o, "the seccomp mode", v);
	jint(jpath(v, "filters"), &n);
	kv(o, "filters", "%lld", n);
	if (m != 2)
		return absent(o, "Seccomp: %lld (%s)", m,
			      m == 0 ? "no filter" : "strict");
	return holds(o, "Seccomp: 2, %lld filter(s)", n);
}

/*
 * Every call of the rule returned the filter's errno: the filter refused
 * it (EPERM could be a capability check; another errno, the kernel's
 * argument check past both; "ok" would have run it).
 */
enum obs judge_syscall(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "probes.syscalls.%s", c->p->arg), *r;
	const char *want = strerrorname_np(c->pr->sc_errno) ?: "?", *call;
	char seen[300] = "";
	size_t at = 0;
	bool refused = true;

	if (!json_is_object(v) || fact_error(v) || !json_object_size(v))
		return unknown(o, "the system call probe", v);
	json_object_foreach((json_t *)v, call, r) {
		if (!jtext(r))
			return unknown(o, call, r);
		refused &= !strcmp(jtext(r), want);
		kv(o, call, "%s", jtext(r));
		if (at < sizeof(seen))
			at += snprintf(seen + at, sizeof(seen) - at, "%s%s: %s",
				       at ? ", " : "", call, jtext(r));
	}
	if (!refused)
		return absent(o, "%s (the filter's errno is %s)", seen, want);
	return holds(o, "%s", seen);
}

enum obs judge_lsm(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "lsm");
	const char *cur = jtext(jpath(v, "current"));
	size_t n;

	if (!cur)
		return unknown(o, "the LSM label", v);
	if (!c->pr->lsm_label)
		return unknown(o, "the label asked for", NULL);
	n = strlen(c->pr->lsm_label);
	/* AppArmor adds " (enforce)" */
	if (strncmp(cur, c->pr->lsm_label, n) || (cur[n] && cur[n] != ' '))
		return absent(o, "label '%.200s'", cur);
	return holds(o, "label '%.200s'", cur);
}
