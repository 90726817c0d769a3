// SPDX-License-Identifier: MIT
/*
 * Predicates: namespaces. Each compares what the agent saw inside with
 * what the control (the host's agent) saw: a namespace of its own has
 * another inode.
 */
#include "props.h"

#include <string.h>

enum obs judge_ns(struct jctx *c, struct outcome *o)
{
	const char *t = c->p->arg;
	const json_t *in = F(c, "ns.%s", t), *host = H(c, "ns.%s", t);
	long long i, h;

	if (!jint(in, &i))
		return unknown(o, "the namespace inode inside", in);
	if (!jint(host, &h))
		return unknown(o, "the host's namespace inode", host);
	kv(o, "host", "%s:[%lld]", t, h);
	kv(o, "inside", "%s:[%lld]", t, i);
	if (i == h)
		return absent(o, "%s:[%lld], the host's own", t, i);
	return holds(o, "%s:[%lld], host %s:[%lld]", t, i, t, h);
}

enum obs judge_hostname(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "hostname");

	if (!jtext(v))
		return unknown(o, "the hostname", v);
	if (strcmp(jtext(v), c->pr->hostname))
		return absent(o, "hostname '%s'", jtext(v));
	return holds(o, "hostname '%s'", jtext(v));
}

/* uid_map or gid_map: exactly one extent, 0 base count. */
enum obs judge_idmap(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "%s_map", c->p->arg);
	unsigned long long in, out, n;
	char rest[64] = "";
	int k;

	if (!jtext(v))
		return unknown(o, "the id map", v);
	kv(o, "map", "%s", jtext(v));
	k = sscanf(jtext(v), "%llu %llu %llu %63s", &in, &out, &n, rest);
	if (k == 3 && in == 0 && out == c->pr->uid_base && n == c->pr->id_count)
		return holds(o, "%s_map '%s'", c->p->arg, jtext(v));
	return absent(o, "%s_map '%.200s'", c->p->arg, jtext(v));
}

/* The lifecycle container's own facts, or NULL with the outcome said. */
static const json_t *life_agent(struct jctx *c, struct outcome *o)
{
	const json_t *l = F(c, "launcher.lifecycle");
	const json_t *a = jpath(l, "agent");

	if (!json_is_object(l) || fact_error(l)) {
		unknown(o, "the lifecycle run", l);
		return NULL;
	}
	if (!json_is_object(a) || fact_error(a)) {
		unknown(o, "the lifecycle container's facts", a);
		return NULL;
	}
	return a;
}

/*
 * The lifecycle container, not asked for an ipc namespace, is in the
 * runtime's; the main container, asked for one, is not.
 */
enum obs judge_itype(struct jctx *c, struct outcome *o)
{
	const json_t *a = life_agent(c, o), *main = F(c, "ns.ipc");
	const json_t *host = H(c, "ns.ipc");
	long long l, m, h;

	if (!a)
		return OBS_ERROR;
	if (!jint(jpath(a, "ns.ipc"), &l))
		return unknown(o, "the lifecycle container's ipc namespace",
			       jpath(a, "ns.ipc"));
	if (!jint(main, &m) || !jint(host, &h))
		return unknown(o, "the ipc namespace",
			       jint(main, &m) ? host : main);
	kv(o, "not_asked", "ipc:[%lld]", l);
	kv(o, "asked", "ipc:[%lld]", m);
	kv(o, "runtime", "ipc:[%lld]", h);
	if (l != h)
		return absent(o,
			      "not asked for, ipc:[%lld] is a new one, not "
			      "the runtime's ipc:[%lld]",
			      l, h);
	if (m == h)
		return absent(o, "asked for, ipc:[%lld] is the runtime's", m);
	return holds(o,
		     "not asked: the runtime's ipc:[%lld]; asked: its own "
		     "ipc:[%lld]",
		     l, m);
}

enum obs judge_ns_path(struct jctx *c, struct outcome *o)
{
	const json_t *a = life_agent(c, o);
	const json_t *given = F(c, "launcher.lifecycle.given_net");
	long long n, g;

	if (!a)
		return OBS_ERROR;
	if (!jint(jpath(a, "ns.net"), &n))
		return unknown(o, "the lifecycle container's net namespace",
			       jpath(a, "ns.net"));
	if (!jint(given, &g))
		return unknown(o, "the namespace given by path", given);
	kv(o, "given", "net:[%lld]", g);
	kv(o, "inside", "net:[%lld]", n);
	if (n != g)
		return absent(o, "net:[%lld], not the one given, net:[%lld]", n,
			      g);
	return holds(o, "net:[%lld], the one given by path", n);
}
