// SPDX-License-Identifier: MIT
/*
 * Network namespaces. The runner fences each worker in a private network
 * namespace; these scenarios make it a stand-in for the host (lo up, a veth
 * pair), the same in both runs, and never touch the host's interfaces.
 */
#include "nsrun.h"
#include "../primitives/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#define HOST_A "bxh0" /* the stand-in host's interfaces */
#define HOST_B "bxh1"
#define VETH_A "bxv0"
#define VETH_B "bxv1"
#define ADDR_A "10.213.0.1"
#define ADDR_B "10.213.0.2"

/*
 * Touch interfaces only in a net ns of our own: the worker's must not be
 * the one of the runner that forked it (the host's, as far as we know).
 */
static int fenced(struct ctx *c)
{
	struct ns_id mine, runner;

	TRY(c, ns_id_of(0, NS_NET, &mine), "stat our net ns");
	TRY(c, ns_id_of(getppid(), NS_NET, &runner),
	    "stat the runner's net ns");
	if (ns_id_equal(&mine, &runner))
		return ctx_error(c, 0,
				 "refusing: the worker shares the runner's "
				 "network namespace (no fence)");
	return 0;
}

static int veth_add(struct ctx *c, const char *a, const char *b, pid_t pid)
{
	int r = net_veth_add(a, b, pid);

	if (r == -EOPNOTSUPP)
		return ctx_skip(c, "kernel has no veth (RTM_NEWLINK: %s)",
				strerrorname_np(-r));
	if (r < 0)
		return ctx_error(c, r, "add the veth pair %s/%s", a, b);
	return 0;
}

/* The worker's own net ns made host-like: lo up and a veth pair. */
static int standin_host(struct ctx *c)
{
	TRY_OBS(fenced(c));
	TRY(c, net_if_up("lo"), "bring the stand-in host's lo up");
	TRY_OBS(veth_add(c, HOST_A, HOST_B, 0));
	TRY(c, net_if_up(HOST_A), "bring " HOST_A " up");
	ctx_kv(c, "stand-in host", "lo up, veth " HOST_A "/" HOST_B);
	return 0;
}

static int list_child(void *arg, void *out, size_t len)
{
	int r = net_ifaces(out);

	(void)arg;
	(void)len;
	return r < 0 ? child_fail("list the interfaces", r) : 0;
}

/* ---- a new namespace has only lo, down --------------------------------- */

struct only_lo {
	struct net_ifaces child; /* what the child sees */
};

static int observe_only_lo(struct ctx *c, struct only_lo *o)
{
	TRY_OBS(standin_host(c));
	TRY_OBS(run_in_child(c, "list the child's interfaces",
			     c->isolate ? CLONE_NEWNET : 0, list_child, NULL,
			     &o->child, sizeof(o->child)));
	return 0;
}

static enum obs judge_only_lo(struct judge *j, const struct only_lo *o)
{
	const char *lo = o->child.lo_up ? "up" : "down";

	judge_kv(j, "interfaces", "%s", o->child.names);
	judge_kv(j, "lo", "%s", lo);
	return judge_holds(j,
			   o->child.n == 1 &&
				   strcmp(o->child.names, "lo") == 0 &&
				   !o->child.lo_up,
			   "interfaces: %s; lo %s", o->child.names, lo);
}
CHECK(only_lo_down, struct only_lo, observe_only_lo, judge_only_lo);

/* ---- the host's interfaces are invisible ----------------------------- */

struct invisible {
	struct net_ifaces host, child;
};

/* How many names but lo of the host's list are in the child's. */
static int shared_names(const char *host, const char *child)
{
	char buf[256], pad[260], *tok, *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", host);
	snprintf(pad, sizeof(pad), ",%s,", child);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char needle[40];
		snprintf(needle, sizeof(needle), ",%s,", tok);
		if (strcmp(tok, "lo") != 0 && strstr(pad, needle))
			n++;
	}
	return n;
}

static int observe_invisible(struct ctx *c, struct invisible *o)
{
	TRY_OBS(standin_host(c));
	TRY(c, net_ifaces(&o->host), "list the stand-in host's interfaces");
	TRY_OBS(run_in_child(c, "list the child's interfaces",
			     c->isolate ? CLONE_NEWNET : 0, list_child, NULL,
			     &o->child, sizeof(o->child)));
	return 0;
}

static enum obs judge_invisible(struct judge *j, const struct invisible *o)
{
	int shared = shared_names(o->host.names, o->child.names);

	judge_kv(j, "host", "%s", o->host.names);
	judge_kv(j, "child", "%s", o->child.names);
	if (o->host.n < 2)
		return judge_unknown(j,
				     "the host lists no interface but lo "
				     "(%s)",
				     o->host.names);
	return judge_holds(j, shared == 0,
			   "%d of the host's %u interfaces but lo visible",
			   shared, o->host.n - 1);
}
CHECK(host_ifaces_invisible, struct invisible, observe_invisible,
      judge_invisible);

/* ---- the same port in two namespaces --------------------------------- */

struct bind2 {
	uint16_t port;
	int err; /* errno of the child's bind, 0 if it bound */
};

static int bind_same(void *arg, void *out, size_t len)
{
	struct bind2 *o = out;
	int fd, r;

	(void)len;
	o->port = *(const uint16_t *)arg;
	if ((r = net_if_up("lo")) < 0)
		return child_fail("bring lo up", r);
	fd = net_tcp_bind(htonl(INADDR_LOOPBACK), &o->port, false);
	o->err = fd < 0 ? -fd : 0;
	closep(&fd);
	return 0;
}

static int observe_bind(struct ctx *c, struct bind2 *o)
{
	_cleanup_close_ int fd = -1;
	uint16_t port = 0;

	TRY_OBS(fenced(c));
	TRY(c, net_if_up("lo"), "bring lo up");
	fd = TRY(c, net_tcp_bind(htonl(INADDR_LOOPBACK), &port, true),
		 "bind 127.0.0.1:0");
	TRY_OBS(run_in_child(c, "bind the port again in the child",
			     c->isolate ? CLONE_NEWNET : 0, bind_same, &port, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_bind(struct judge *j, const struct bind2 *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "port", "%u", o->port);
	judge_kv(j, "child's bind", "%s", e);
	if (o->err && o->err != EADDRINUSE)
		return judge_unknown(j, "the second bind failed with %s", e);
	return judge_holds(j, o->err == 0, "second bind of 127.0.0.1:%u: %s",
			   o->port, e);
}
CHECK(same_port_two_ns, struct bind2, observe_bind, judge_bind);

/* ---- a veth pair carries TCP ------------------------------------------ */

struct listening {
	int err; /* 0, or -errno of step */
	char step[40];
	int port;
};

/* B: address its veth end (when there is one) and serve one connection. */
static _Noreturn void veth_server(bool with_veth, struct chan *up,
				  struct chan *down)
{
	struct listening l = { 0 };
	uint16_t port = 0;
	int x, fd = -1, a;

	closep(&up->rd);
	closep(&down->wr);
	if (chan_recv_int(down, &x) < 0)
		_exit(1);
	snprintf(l.step, sizeof(l.step), "address " VETH_B);
	if (with_veth)
		l.err = net_addr4_add(VETH_B, ADDR_B, 30);
	if (with_veth && !l.err) {
		snprintf(l.step, sizeof(l.step), "bring " VETH_B " up");
		l.err = net_if_up(VETH_B);
	}
	if (!l.err) {
		snprintf(l.step, sizeof(l.step), "listen on 0.0.0.0");
		fd = net_tcp_bind(htonl(INADDR_ANY), &port, true);
		l.err = fd < 0 ? fd : 0;
		l.port = port;
	}
	if (chan_send(up, &l, sizeof(l)) < 0 || l.err)
		_exit(1);
	a = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	_exit(a < 0 || write(a, "k", 1) != 1);
}

/* The veth pair, one end here and one in B, addressed here. */
static int veth_link(struct ctx *c, pid_t b)
{
	TRY_OBS(veth_add(c, VETH_A, VETH_B, b));
	TRY(c, net_addr4_add(VETH_A, ADDR_A, 30), "address " VETH_A);
	TRY(c, net_if_up(VETH_A), "bring " VETH_A " up");
	return 0;
}

struct carried {
	int err; /* errno of the TCP probe, 0 if a byte came back */
	int port;
};

static int observe_veth(struct ctx *c, struct carried *o)
{
	_cleanup_chan_ struct chan up = CHAN_INIT, down = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct listening l;

	/* 1. Namespace A (the worker's own) and B (the child). */
	TRY_OBS(fenced(c));
	TRY(c, chan_open(&up), "pipe");
	TRY(c, chan_open(&down), "pipe");
	pid = TRY(c, ns_fork(CLONE_NEWNET), "make namespace B");
	if (pid == 0)
		veth_server(c->isolate, &up, &down);
	closep(&up.wr);
	up.wr = -1;
	/* 2. The action: a veth pair between them. */
	if (c->isolate)
		TRY_OBS(veth_link(c, pid));
	TRY(c, chan_send_int(&down, 0), "wake B");
	TRY(c, chan_recv(&up, &l, sizeof(l)), "B ended without a report");
	if (l.err)
		return ctx_error(c, l.err, "B: %s", l.step);
	/* 3. A TCP connection from A to B. */
	o->port = l.port;
	o->err = -net_tcp_probe(ADDR_B, l.port);
	return 0;
}

static enum obs judge_veth(struct judge *j, const struct carried *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "connected";
	bool unreachable = o->err == ENETUNREACH || o->err == EHOSTUNREACH ||
			   o->err == ETIMEDOUT;

	judge_kv(j, "connect " ADDR_B, "%s", e);
	if (o->err && !unreachable)
		return judge_unknown(j, "the TCP probe failed with %s", e);
	return judge_holds(j, o->err == 0,
			   "TCP from namespace A to " ADDR_B ":%d in B: %s",
			   o->port, e);
}
CHECK(veth_tcp, struct carried, observe_veth, judge_veth);

#define NET_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_NET)                             \
	}

static const struct scenario netns[] = {
	{ .id = "netns/only-lo-down",
	  .title = "a new network namespace has only lo, down",
	  .property = "a child in a new network namespace sees one "
		      "interface, lo, and it is down, while its parent's "
		      "namespace has lo up and a veth pair",
	  .expect = "interfaces: lo; lo down",
	  .req = NET_REQ,
	  .tags = { "net", "core" },
	  .check = &only_lo_down },
	{ .id = "netns/host-interfaces-invisible",
	  .title = "the host's interfaces are invisible inside",
	  .property = "none of the (stand-in) host's interfaces but lo "
		      "appear in a new network namespace",
	  .expect = "0 of the host's interfaces but lo visible",
	  .req = NET_REQ,
	  .tags = { "net" },
	  .check = &host_ifaces_invisible },
	{ .id = "netns/same-port-two-namespaces",
	  .title = "the same TCP port binds in two namespaces",
	  .property = "127.0.0.1:P bound in one network namespace can be "
		      "bound again in another",
	  .expect = "second bind ok",
	  .req = NET_REQ,
	  .tags = { "net" },
	  .check = &same_port_two_ns },
	{ .id = "netns/veth-carries-tcp",
	  .title = "a veth pair connects two namespaces",
	  .property = "with a veth pair between two namespaces made here, a "
		      "TCP connection from one reaches a listener in the other",
	  .expect = "connected",
	  .req = NET_REQ,
	  .tags = { "net" },
	  .check = &veth_tcp },
};

BOXCHECK_AREA(netns, netns);
