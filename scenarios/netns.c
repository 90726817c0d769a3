// SPDX-License-Identifier: MIT
/*
 * Network namespaces. Traffic goes over loopback and over a veth pair
 * between two namespaces made here; the worker first makes its own net ns
 * where it needs one, so the host's stays untouched.
 */
#include "nsrun.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define VETH_A "bxv0"
#define VETH_B "bxv1"
#define ADDR_A "10.213.0.1"
#define ADDR_B "10.213.0.2"

struct ifaces {
	int n, up_lo;
	char names[256];
};

static int if_flags(const char *name, short *flags)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	if (s < 0)
		return neg_errno();
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return neg_errno();
	*flags = ifr.ifr_flags;
	return 0;
}

static int lo_up(void)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { .ifr_name = "lo" };

	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return neg_errno();
	ifr.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr) < 0 ? neg_errno() : 0;
}

static int list_ifaces(void *arg, void *out, size_t len)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	struct ifaces *o = out;
	short fl;

	(void)arg;
	(void)len;
	if (!ifs)
		return 1;
	for (i = ifs; i->if_index; i++) {
		size_t at = strlen(o->names);
		o->n++;
		snprintf(o->names + at, sizeof(o->names) - at, "%s%s",
			 at ? "," : "", i->if_name);
		if (strcmp(i->if_name, "lo") == 0 && if_flags("lo", &fl) == 0)
			o->up_lo = !!(fl & IFF_UP);
	}
	if_freenameindex(ifs);
	return 0;
}

static enum obs only_lo_down(struct ctx *c)
{
	struct ifaces o;

	TRY(c,
	    legacy_run_in_child(c->isolate ? CLONE_NEWNET : 0, list_ifaces, NULL, &o,
			 sizeof(o), NULL),
	    "run the child");
	ctx_kv(c, "interfaces", "%s", o.names);
	ctx_kv(c, "lo", "%s", o.up_lo ? "up" : "down");
	return ctx_holds(c, o.n == 1 && strcmp(o.names, "lo") == 0 && !o.up_lo,
			 "interfaces: %s; lo %s", o.names,
			 o.up_lo ? "up" : "down");
}

/* Does the child's list hold any non-lo name from the host's list? */
static int shared_names(const char *host, const char *child)
{
	char buf[256], *tok, *save = NULL, pad[260];
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

static enum obs host_ifaces_invisible(struct ctx *c)
{
	struct ifaces host = { 0 }, o;
	int shared;

	list_ifaces(NULL, &host, sizeof(host));
	if (host.n < 2)
		return ctx_skip(c, "the host has no interface but lo");
	TRY(c,
	    legacy_run_in_child(c->isolate ? CLONE_NEWNET : 0, list_ifaces, NULL, &o,
			 sizeof(o), NULL),
	    "run the child");
	shared = shared_names(host.names, o.names);
	ctx_kv(c, "host", "%s", host.names);
	ctx_kv(c, "child", "%s", o.names);
	return ctx_holds(c, shared == 0, "%d of the host's interfaces visible",
			 shared);
}

/* ---- sockets ---------------------------------------------------------- */

static int tcp_bind(uint32_t addr, uint16_t *port, bool do_listen)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(*port),
				  .sin_addr.s_addr = addr };
	socklen_t sl = sizeof(sa);

	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return neg_errno();
	if (do_listen && listen(s, 4) < 0)
		return neg_errno();
	if (getsockname(s, (struct sockaddr *)&sa, &sl) < 0)
		return neg_errno();
	*port = ntohs(sa.sin_port);
	return TAKE_FD(s);
}

static int bind_same(void *arg, void *out, size_t len)
{
	uint16_t port = *(uint16_t *)arg;
	int fd;

	(void)len;
	if (lo_up() < 0)
		return 1;
	fd = tcp_bind(htonl(INADDR_LOOPBACK), &port, false);
	*(int *)out = fd < 0 ? -fd : 0;
	return 0;
}

static enum obs same_port_two_ns(struct ctx *c)
{
	_cleanup_close_ int fd = -1;
	uint16_t port = 0;
	int err;

	TRY(c, unshare(CLONE_NEWNET) < 0 ? neg_errno() : 0,
	    "make the stand-in outer net namespace");
	TRY(c, lo_up(), "bring lo up");
	fd = TRY(c, tcp_bind(htonl(INADDR_LOOPBACK), &port, true),
		 "bind 127.0.0.1:0");
	TRY(c,
	    legacy_run_in_child(c->isolate ? CLONE_NEWNET : 0, bind_same, &port, &err,
			 sizeof(err), NULL),
	    "run the child");
	ctx_kv(c, "port", "%u", port);
	ctx_kv(c, "child's bind", "%s", err ? strerrorname_np(err) : "ok");
	return ctx_holds(c, err == 0, "second bind of 127.0.0.1:%u: %s", port,
			 err ? strerrorname_np(err) : "ok");
}

/* B: address its veth end (when there is one) and serve one connection. */
static _Noreturn void veth_server(bool iso, struct chan *up, struct chan *down)
{
	const char *addr[] = { "ip",  "addr", "add", ADDR_B "/30",
			       "dev", VETH_B, NULL };
	const char *link[] = { "ip", "link", "set", VETH_B, "up", NULL };
	uint16_t port = 0;
	int x, fd, a;

	if (chan_recv_int(down, &x) < 0)
		_exit(1);
	if (iso && (run_cmd(addr) != 0 || run_cmd(link) != 0)) {
		chan_send_int(up, -EIO);
		_exit(1);
	}
	fd = tcp_bind(htonl(INADDR_ANY), &port, true);
	chan_send_int(up, fd < 0 ? fd : port);
	a = fd < 0 ? -1 : accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	_exit(a < 0 || write(a, "k", 1) != 1);
}

static int veth_setup(pid_t b)
{
	char netns[16];
	const char *add[] = { "ip",   "link", "add",  VETH_A,  "type", "veth",
			      "peer", "name", VETH_B, "netns", netns,  NULL };
	const char *addr[] = { "ip",  "addr", "add", ADDR_A "/30",
			       "dev", VETH_A, NULL };
	const char *link[] = { "ip", "link", "set", VETH_A, "up", NULL };
	const char *const *steps[] = { add, addr, link };

	snprintf(netns, sizeof(netns), "%d", b);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		if (run_cmd(steps[i]) != 0)
			return -EIO;
	return 0;
}

static enum obs veth_tcp(struct ctx *c)
{
	_cleanup_chan_ struct chan up = CHAN_INIT, down = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_close_ int s = -1;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int port, err = 0;
	char k = 0;

	/* 1. Namespace A (this process) and B (the child). */
	TRY(c, unshare(CLONE_NEWNET) < 0 ? neg_errno() : 0, "make namespace A");
	TRY(c, chan_open(&up), "pipe");
	TRY(c, chan_open(&down), "pipe");
	pid = TRY(c, ns_fork(CLONE_NEWNET), "make namespace B");
	if (pid == 0)
		veth_server(c->isolate, &up, &down);
	/* 2. The veth pair, one end in each, addressed only there. */
	if (c->isolate)
		TRY(c, veth_setup(pid), "ip link add veth, address it");
	TRY(c, chan_send_int(&down, 0), "wake B");
	TRY(c, chan_recv_int(&up, &port), "wait for B's listener");
	TRY(c, port, "B: address its end and listen");
	/* 3. A TCP connection from A to B. */
	s = TRY(c, socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
	sa.sin_port = htons(port);
	inet_pton(AF_INET, ADDR_B, &sa.sin_addr);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err = errno;
	else if (read(s, &k, 1) != 1)
		err = errno ? errno : EPIPE;
	ctx_kv(c, "connect " ADDR_B, "%s", err ? strerrorname_np(err) : "ok");
	return ctx_holds(c, !err && k == 'k',
			 "TCP from namespace A to " ADDR_B ":%d in B: %s", port,
			 err ? strerrorname_np(err) : "connected");
}

#define NET_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_NET)                             \
	}

static const struct scenario netns[] = {
	{ .id = "netns/only-lo-down",
	  .title = "a new network namespace has only lo, down",
	  .property = "a child in a new network namespace sees one "
		      "interface, lo, and it is down",
	  .expect = "interfaces: lo; lo down",
	  .req = NET_REQ,
	  .tags = { "net", "core" },
	  .run = only_lo_down },
	{ .id = "netns/host-interfaces-invisible",
	  .title = "the host's interfaces are invisible inside",
	  .property = "none of the host's interfaces but lo appear in a new "
		      "network namespace",
	  .expect = "0 of the host's interfaces visible",
	  .req = NET_REQ,
	  .tags = { "net" },
	  .run = host_ifaces_invisible },
	{ .id = "netns/same-port-two-namespaces",
	  .title = "the same TCP port binds in two namespaces",
	  .property = "127.0.0.1:P bound in one network namespace can be "
		      "bound again in another",
	  .expect = "second bind ok",
	  .req = NET_REQ,
	  .tags = { "net" },
	  .run = same_port_two_ns },
	{ .id = "netns/veth-carries-tcp",
	  .title = "a veth pair connects two namespaces",
	  .property = "with a veth pair between two namespaces made here, a "
		      "TCP connection from one reaches a listener in the other",
	  .expect = "connected",
	  .req = { .root = true, .ns = NS_BIT(NS_NET), .cmds = { "ip" } },
	  .tags = { "net" },
	  .run = veth_tcp },
};

BOXCHECK_AREA(netns, netns);
