// SPDX-License-Identifier: MIT
/*
 * Sysctls that belong to a namespace: net.* to the network namespace,
 * kernel.hostname and kernel.domainname to the UTS namespace. A child sets
 * one in a new namespace, or (control) in the worker's own, which the runner
 * fenced off from the host's (checked before anything is written); the
 * worker then reads the sysctl, or probes what it governs, from outside.
 */
#include "nsmore.h"
#include "../primitives/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* ---- the value read back outside ------------------------------------- */

struct sysctl_kind {
	const char *name, *value;
	enum ns_type t;
};

enum { K_FORWARD, K_SOMAXCONN, K_ICMP_IGNORE, K_HOSTNAME, K_DOMAINNAME };
static const struct sysctl_kind kinds[] = {
	[K_FORWARD] = { "net/ipv4/ip_forward", "1", NS_NET },
	[K_SOMAXCONN] = { "net/core/somaxconn", "1234", NS_NET },
	[K_ICMP_IGNORE] = { "net/ipv4/icmp_echo_ignore_all", "1", NS_NET },
	[K_HOSTNAME] = { "kernel/hostname", "boxcheck-sysctl", NS_UTS },
	[K_DOMAINNAME] = { "kernel/domainname", "boxcheck-sysctl", NS_UTS },
};

struct value_seen {
	int kind;
	char before[80], inside[80], after[80]; /* outside, child, outside */
};

static int observe_value(struct ctx *c, struct value_seen *o, int kind)
{
	const struct sysctl_kind *k = &kinds[kind];

	o->kind = kind;
	TRY_OBS(ns_fenced(c, k->t));
	TRY(c, sysctl_get(k->name, o->before, sizeof(o->before)),
	    "read the sysctl");
	TRY_OBS(sysctl_in_child(c, k->t, k->name, k->value, o->inside,
				sizeof(o->inside)));
	TRY(c, sysctl_get(k->name, o->after, sizeof(o->after)),
	    "read the sysctl again");
	return 0;
}

static enum obs judge_value(struct judge *j, const struct value_seen *o)
{
	const struct sysctl_kind *k = &kinds[o->kind];

	judge_kv(j, "sysctl", "%s", k->name);
	judge_kv(j, "inside", "%s", o->inside);
	judge_kv(j, "outside before", "%s", o->before);
	judge_kv(j, "outside after", "%s", o->after);
	if (sysctl_same(o->before, k->value))
		return judge_unknown(j, "outside already read %s", k->value);
	if (!sysctl_same(o->inside, k->value))
		return judge_unknown(j, "the child's write did not take (%s)",
				     o->inside);
	return judge_holds(j, strcmp(o->after, o->before) == 0,
			   "child set %s; outside reads %s (was %s)", k->value,
			   o->after, o->before);
}

#define VALUE_CHECK(name_, kind_)                                              \
	static int observe_##name_(struct ctx *c, struct value_seen *o)        \
	{                                                                      \
		return observe_value(c, o, kind_);                             \
	}                                                                      \
	CHECK(name_, struct value_seen, observe_##name_, judge_value)
VALUE_CHECK(ip_forward, K_FORWARD);
VALUE_CHECK(somaxconn, K_SOMAXCONN);
VALUE_CHECK(icmp_ignore, K_ICMP_IGNORE);
VALUE_CHECK(hostname_sysctl, K_HOSTNAME);
VALUE_CHECK(domainname_sysctl, K_DOMAINNAME);

/* ---- probes of what the sysctl governs ---------------------------------- */

/* A new UDP socket's IP_TTL: the namespace's ip_default_ttl. */
static int probe_ttl(long *v)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t l = sizeof(int);
	int ttl;

	if (fd < 0 || getsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, &l) < 0)
		return neg_errno();
	*v = mutant_on(M_NET_PROBE) ? 64 : ttl;
	return 0;
}

/* The port a TCP bind to port 0 gets: from ip_local_port_range. */
static int probe_port(long *v)
{
	uint16_t port = 0;
	int fd = net_tcp_bind(htonl(INADDR_ANY), &port, false);

	if (fd < 0)
		return fd;
	close(fd);
	*v = mutant_on(M_NET_PROBE) ? 40000 : port;
	return 0;
}

/* An ICMP datagram socket as gid 0: ping_group_range says who may. */
static int probe_ping(long *v)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);

	*v = probe_errno(M_NET_PROBE, fd, EACCES);
	if (fd >= 0)
		close(fd);
	return *v == 0 || *v == EACCES ? 0 : -(int)*v;
}

/* Datagrams a unix socket queues before EAGAIN: max_dgram_qlen + 1. */
static int probe_qlen(long *v)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	_cleanup_close_ int rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	_cleanup_close_ int tx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t l = offsetof(struct sockaddr_un, sun_path) + 1 +
		      snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1,
			       "boxcheck-qlen-%d", getpid());

	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&a, l) < 0 ||
	    connect(tx, (struct sockaddr *)&a, l) < 0)
		return neg_errno();
	*v = 0;
	while (*v < 64 && send(tx, "x", 1, MSG_DONTWAIT) == 1)
		(*v)++;
	if (*v < 64 && errno != EAGAIN)
		return neg_errno();
	if (mutant_on(M_NET_PROBE))
		*v = 11;
	return 0;
}

struct net_probe {
	const char *sysctl, *value, *what;
	int (*probe)(long *v);
	bool (*holds)(long before, long after);
	const char *claim; /* what holds means */
	bool is_errno;	   /* the probe reads an errno */
};

static bool ttl_kept(long b, long a)
{
	return a == b && a != 77;
}

static bool port_outside(long b, long a)
{
	(void)b;
	return a < 2000 || a > 2001;
}

static bool ping_refused(long b, long a)
{
	return b == EACCES && a == EACCES;
}

static bool qlen_unlimited(long b, long a)
{
	(void)b;
	return a > 3;
}

enum { P_TTL, P_PORT, P_PING, P_QLEN };
static const struct net_probe probes[] = {
	[P_TTL] = { "net/ipv4/ip_default_ttl", "77", "IP_TTL of a new socket",
		    probe_ttl, ttl_kept, "the default TTL, not 77" },
	[P_PORT] = { "net/ipv4/ip_local_port_range", "2000 2001",
		     "port of a bind to port 0", probe_port, port_outside,
		     "outside 2000-2001" },
	[P_PING] = { "net/ipv4/ping_group_range", "0 0",
		     "errno of an ICMP socket as gid 0", probe_ping,
		     ping_refused, "EACCES, as before", true },
	[P_QLEN] = { "net/unix/max_dgram_qlen", "2",
		     "datagrams queued before EAGAIN", probe_qlen,
		     qlen_unlimited, "more than 3" },
};

struct probe_seen {
	int kind;
	char inside[80]; /* the child's value read back */
	long before, after;
};

static int observe_probe(struct ctx *c, struct probe_seen *o, int kind)
{
	const struct net_probe *p = &probes[kind];

	o->kind = kind;
	TRY_OBS(ns_fenced(c, NS_NET));
	TRY(c, p->probe(&o->before), "probe outside");
	TRY_OBS(sysctl_in_child(c, NS_NET, p->sysctl, p->value, o->inside,
				sizeof(o->inside)));
	TRY(c, p->probe(&o->after), "probe outside again");
	return 0;
}

static enum obs judge_probe(struct judge *j, const struct probe_seen *o)
{
	const struct net_probe *p = &probes[o->kind];
	bool ok = p->holds(o->before, o->after);

	judge_kv(j, "child set", "%s = %s", p->sysctl, p->value);
	char b[24], a[24];

	snprintf(b, sizeof(b), "%ld", o->before);
	snprintf(a, sizeof(a), "%ld", o->after);
	judge_kv(j, "before", "%s", p->is_errno ? errname(o->before) : b);
	judge_kv(j, "after", "%s", p->is_errno ? errname(o->after) : a);
	if (!sysctl_same(o->inside, p->value))
		return judge_unknown(j, "the child's write did not take (%s)",
				     o->inside);
	if (o->kind == P_PING && o->before != EACCES)
		return judge_unknown(j, "ICMP sockets were allowed before");
	return judge_holds(j, ok, "%s: %s (expected %s)", p->what,
			   p->is_errno ? errname(o->after) : a, p->claim);
}

#define PROBE_CHECK(name_, kind_)                                              \
	static int observe_##name_(struct ctx *c, struct probe_seen *o)        \
	{                                                                      \
		return observe_probe(c, o, kind_);                             \
	}                                                                      \
	CHECK(name_, struct probe_seen, observe_##name_, judge_probe)
PROBE_CHECK(default_ttl, P_TTL);
PROBE_CHECK(port_range, P_PORT);
PROBE_CHECK(ping_range, P_PING);
PROBE_CHECK(unix_qlen, P_QLEN);

/* ---- HOST_NAME_MAX ------------------------------------------------------ */

struct long_name {
	int err64, err65; /* sethostname of 64 and 65 bytes */
	char inside[80];
};

static int set_long_name(void *arg, void *out, size_t len)
{
	struct long_name *o = out;
	char name[66];

	(void)arg;
	(void)len;
	memset(name, 'b', sizeof(name));
	o->err65 = sethostname(name, 65) < 0 ? errno : 0;
	o->err64 = sethostname(name, 64) < 0 ? errno : 0;
	if (sysctl_get("kernel/hostname", o->inside, sizeof(o->inside)) < 0)
		return child_fail("read the hostname", neg_errno());
	return 0;
}

struct long_seen {
	struct long_name child;
	char before[80], after[80];
};

static int observe_long(struct ctx *c, struct long_seen *o)
{
	TRY_OBS(ns_fenced(c, NS_UTS));
	TRY(c, sysctl_get("kernel/hostname", o->before, sizeof(o->before)),
	    "read the hostname");
	TRY_OBS(run_in_child(c, "set the hostname in the child",
			     c->isolate ? CLONE_NEWUTS : 0, set_long_name, NULL,
			     &o->child, sizeof(o->child)));
	TRY(c, sysctl_get("kernel/hostname", o->after, sizeof(o->after)),
	    "read the hostname again");
	return 0;
}

static enum obs judge_long(struct judge *j, const struct long_seen *o)
{
	size_t n = strlen(o->child.inside);

	judge_kv(j, "sethostname 65 bytes", "%s", errname(o->child.err65));
	judge_kv(j, "name inside", "%zu bytes", n);
	judge_kv(j, "outside after", "%s", o->after);
	if (o->child.err64)
		return judge_unknown(j, "sethostname of 64 bytes: %s",
				     errname(o->child.err64));
	return judge_holds(j,
			   n == 64 && o->child.err65 == EINVAL &&
				   strcmp(o->after, o->before) == 0,
			   "inside %zu bytes, 65 bytes %s; outside reads %.20s",
			   n, errname(o->child.err65), o->after);
}
CHECK(hostname_max, struct long_seen, observe_long, judge_long);

#define NET_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_NET)                             \
	}
#define SYSCTL(id_, sysctl_, title_, check_)                                   \
	{                                                                      \
		.id = "sysctl/" id_, .title = title_,                          \
		.property = sysctl_ " written in a new network namespace "     \
				    "leaves the outer namespace's unchanged",  \
		.expect = "outside unchanged", .req = NET_REQ,                 \
		.tags = { "sysctl", "net" }, .check = &check_                  \
	}
#define PROBED(id_, sysctl_, title_, expect_, check_)                          \
	{                                                                      \
		.id = "sysctl/" id_, .title = title_,                          \
		.property = sysctl_ " written in a new network namespace "     \
				    "does not govern sockets made outside",    \
		.expect = expect_, .req = NET_REQ,                             \
		.tags = { "sysctl", "net" }, .check = &check_                  \
	}

static const struct scenario ns_sysctl[] = {
	SYSCTL("net-ip-forward", "net.ipv4.ip_forward",
	       "ip_forward is per network namespace", ip_forward),
	SYSCTL("net-somaxconn", "net.core.somaxconn",
	       "somaxconn is per network namespace", somaxconn),
	SYSCTL("net-icmp-echo-ignore-all", "net.ipv4.icmp_echo_ignore_all",
	       "icmp_echo_ignore_all is per network namespace", icmp_ignore),
	PROBED("net-default-ttl", "net.ipv4.ip_default_ttl",
	       "a new socket's TTL follows its own namespace",
	       "IP_TTL outside is not 77", default_ttl),
	PROBED("net-local-port-range", "net.ipv4.ip_local_port_range",
	       "ephemeral ports follow their own namespace's range",
	       "a port outside 2000-2001", port_range),
	PROBED("net-ping-group-range", "net.ipv4.ping_group_range",
	       "ICMP socket permission follows its own namespace",
	       "EACCES outside", ping_range),
	PROBED("net-unix-max-dgram-qlen", "net.unix.max_dgram_qlen",
	       "a unix socket's queue length follows its own namespace",
	       "more than 3 datagrams queue outside", unix_qlen),
	{ .id = "sysctl/kernel-hostname",
	  .title = "kernel.hostname is per UTS namespace",
	  .property = "writing /proc/sys/kernel/hostname in a new UTS "
		      "namespace leaves the outer hostname unchanged",
	  .expect = "outside unchanged",
	  .req = { .root = true, .ns = NS_BIT(NS_UTS) },
	  .tags = { "sysctl", "uts" },
	  .check = &hostname_sysctl },
	{ .id = "sysctl/kernel-domainname",
	  .title = "kernel.domainname is per UTS namespace",
	  .property = "writing /proc/sys/kernel/domainname in a new UTS "
		      "namespace leaves the outer domainname unchanged",
	  .expect = "outside unchanged",
	  .req = { .root = true, .ns = NS_BIT(NS_UTS) },
	  .tags = { "sysctl", "uts" },
	  .check = &domainname_sysctl },
	{ .id = "utsns/hostname-max-length",
	  .title = "a HOST_NAME_MAX hostname stays inside",
	  .property = "in a new UTS namespace a 64-byte hostname is taken "
		      "whole, 65 bytes fail with EINVAL, and outside the "
		      "hostname is unchanged",
	  .expect = "inside 64 bytes, 65 bytes EINVAL; outside unchanged",
	  .req = { .root = true, .ns = NS_BIT(NS_UTS) },
	  .tags = { "uts" },
	  .check = &hostname_max },
};

BOXCHECK_AREA(ns_sysctl, ns_sysctl);
