// SPDX-License-Identifier: MIT
/*
 * More of network_namespaces(7): the abstract UNIX socket names, the
 * routing tables, /proc/net and /sys/class/net belong to a network
 * namespace. The worker's network namespace is the runner's stand-in for
 * the host's (ns_fenced() checks); a child acts in a new one, or in the
 * control in the worker's. Mutation point M_NET_VIEW in every view.
 */
#include "nsw.h"
#include "../primitives/net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <net/route.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>

#define NETNS(c) ((c)->isolate ? CLONE_NEWNET : 0)

/* ---- abstract UNIX socket names ------------------------------------------ */

static int bind_abstract(const char *name, int *fd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return neg_errno();
	memcpy(a.sun_path + 1, name, n);
	if (bind(s, (struct sockaddr *)&a,
		 offsetof(struct sockaddr_un, sun_path) + 1 + n) < 0) {
		int e = neg_errno();
		close(s);
		return e;
	}
	*fd = s;
	return 0;
}

static int bind_again(void *arg, void *out, size_t len)
{
	int fd = -1, r = bind_abstract(arg, &fd);

	(void)len;
	if (fd >= 0)
		close(fd);
	errno = -r;
	*(int *)out = probe_errno(M_NET_VIEW, r, 0);
	return 0;
}

struct abs_seen {
	int err; /* the child's bind of the name the worker holds */
};

static int observe_abstract(struct ctx *c, struct abs_seen *o)
{
	_cleanup_close_ int fd = -1;
	char name[64];

	TRY_OBS(ns_fenced(c, NS_NET));
	snprintf(name, sizeof(name), "boxcheck-abstract-%d", getpid());
	TRY(c, bind_abstract(name, &fd), "bind the abstract name here");
	return run_in_child(c, "bind it in a child", NETNS(c), bind_again, name,
			    o, sizeof(*o));
}

static enum obs judge_abstract(struct judge *j, const struct abs_seen *o)
{
	return judge_ok(j, o->err, EADDRINUSE, "the child's bind",
			"bind of an abstract name held outside");
}
CHECK(abstract_per_ns, struct abs_seen, observe_abstract, judge_abstract);

/* ---- routes ------------------------------------------------------------- */

#define ROUTE_NET "10.213.0.0"
#define ROUTE_HEX "0000D50A" /* as /proc/net/route prints it (x86, arm64) */

/* Is 10.213.0.0 in /proc/PID/net/route (0: ours)? M_NET_VIEW: no. */
static int route_listed(pid_t pid, bool *listed)
{
	char path[64], text[8192];
	int r;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/net/route", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/net/route");
	if ((r = read_text(path, text, sizeof(text))) < 0)
		return r;
	*listed = strstr(text, "\t" ROUTE_HEX "\t") && !mutant_on(M_NET_VIEW);
	return 0;
}

static int add_route(void *arg, void *out, size_t len)
{
	struct rtentry rt = { .rt_flags = RTF_UP, .rt_dev = "lo" };
	struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst;
	struct sockaddr_in *mask = (struct sockaddr_in *)&rt.rt_genmask;
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	(void)arg;
	(void)len;
	dst->sin_family = mask->sin_family = AF_INET;
	inet_pton(AF_INET, ROUTE_NET, &dst->sin_addr);
	inet_pton(AF_INET, "255.255.0.0", &mask->sin_addr);
	NSW_TRY("socket", s < 0 ? neg_errno() : 0);
	NSW_TRY("set lo up", net_if_up("lo"));
	NSW_TRY("SIOCADDRT " ROUTE_NET "/16 dev lo",
		sysr(ioctl(s, SIOCADDRT, &rt)));
	NSW_TRY("read our routes", route_listed(0, out));
	return 0;
}

struct route_seen {
	bool child; /* the route in the child's own table */
	bool here;  /* and in the worker's */
};

static int observe_route(struct ctx *c, struct route_seen *o)
{
	TRY_OBS(ns_fenced(c, NS_NET));
	TRY_OBS(run_in_child(c, "add a route in a child", NETNS(c), add_route,
			     NULL, &o->child, sizeof(o->child)));
	TRY(c, route_listed(0, &o->here), "read the worker's routes");
	return 0;
}

static enum obs judge_route(struct judge *j, const struct route_seen *o)
{
	judge_kv(j, "in the child's table", "%s", o->child ? "yes" : "no");
	judge_kv(j, "in the worker's table", "%s", o->here ? "yes" : "no");
	if (!o->child)
		return judge_unknown(j, "the child does not see its own route");
	return judge_holds(j, !o->here,
			   "the child's route %s in the worker's "
			   "table",
			   o->here ? "shows" : "does not show");
}
CHECK(route_per_ns, struct route_seen, observe_route, judge_route);

/* ---- /proc/net ----------------------------------------------------------- */

/* Is UDP port `port` bound in /proc/<pid>/net/udp (0: self)? */
static int udp_listed(pid_t pid, uint16_t port, bool *listed)
{
	char path[64], text[16384], pat[16];
	int r;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/net/udp", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/net/udp");
	if ((r = read_text(path, text, sizeof(text))) < 0)
		return r;
	snprintf(pat, sizeof(pat), ":%04X ", port);
	*listed = strstr(text, pat) != NULL;
	return 0;
}

struct procnet_arg {
	pid_t worker;
	uint16_t port;
};

struct procnet_seen {
	bool own;    /* the port in the child's /proc/net/udp */
	bool worker; /* in /proc/<worker>/net/udp, read by the child */
};

static int read_procnet(void *arg, void *out, size_t len)
{
	const struct procnet_arg *a = arg;
	struct procnet_seen *o = out;

	(void)len;
	NSW_TRY("read /proc/net/udp", udp_listed(0, a->port, &o->own));
	NSW_TRY("read /proc/<worker>/net/udp",
		udp_listed(a->worker, a->port, &o->worker));
	if (mutant_on(M_NET_VIEW))
		o->own = false;
	return 0;
}

static int observe_procnet(struct ctx *c, struct procnet_seen *o)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct procnet_arg pa = { getpid(), 0 };

	TRY_OBS(ns_fenced(c, NS_NET));
	TRY(c, s < 0 ? neg_errno() : 0, "socket");
	TRY(c, sysr(bind(s, (struct sockaddr *)&a, sizeof(a))), "bind UDP");
	TRY(c, sysr(getsockname(s, (struct sockaddr *)&a, &alen)),
	    "getsockname");
	pa.port = ntohs(a.sin_port);
	ctx_kv(c, "worker's UDP port", "%u", pa.port);
	return run_in_child(c, "read /proc/net in a child", NETNS(c),
			    read_procnet, &pa, o, sizeof(*o));
}

static enum obs judge_procnet(struct judge *j, const struct procnet_seen *o)
{
	judge_kv(j, "in the child's /proc/net/udp", "%s",
		 o->own ? "yes" : "no");
	judge_kv(j, "in /proc/<worker>/net/udp", "%s",
		 o->worker ? "yes" : "no");
	if (!o->worker)
		return judge_unknown(j, "/proc/<worker>/net/udp lacks the "
					"worker's socket");
	return judge_holds(j, !o->own,
			   "the worker's socket %s the child's "
			   "/proc/net",
			   o->own ? "shows in" : "is not in");
}
CHECK(procnet_per_ns, struct procnet_seen, observe_procnet, judge_procnet);

/* ---- /sys/class/net ------------------------------------------------------ */

#define SYS_VETH "bxsys0"

struct sysnet_seen {
	bool veth; /* the veth made in the child's namespace is listed */
	int n;	   /* entries of class/net */
};

static int list_sysnet(struct sysnet_seen *o)
{
	_cleanup_closedir_ DIR *d = opendir("s/class/net");
	struct dirent *e;

	if (!d)
		return neg_errno();
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			o->n++;
			o->veth |= strcmp(e->d_name, SYS_VETH) == 0;
		}
	if (mutant_on(M_NET_VIEW))
		o->veth = false;
	return 0;
}

/*
 * In a private mount namespace: a new network namespace with a veth pair;
 * sysfs mounted on s after it (isolated) or before it, from the worker's.
 */
static int sysnet_child(void *arg, void *out, size_t len)
{
	bool after = *(const bool *)arg;

	(void)len;
	NSW_TRY("unshare(CLONE_NEWNS)",
		unshare(CLONE_NEWNS) < 0 ? neg_errno() : 0);
	if (!after)
		NSW_TRY("mount sysfs on s",
			sysr(mount("sysfs", "s", "sysfs", 0, NULL)));
	NSW_TRY("unshare(CLONE_NEWNET)",
		unshare(CLONE_NEWNET) < 0 ? neg_errno() : 0);
	NSW_TRY("add a veth pair", net_veth_add(SYS_VETH, "bxsys1", 0));
	if (after)
		NSW_TRY("mount sysfs on s",
			sysr(mount("sysfs", "s", "sysfs", 0, NULL)));
	NSW_TRY("list s/class/net", list_sysnet(out));
	return 0;
}

static int observe_sysnet(struct ctx *c, struct sysnet_seen *o)
{
	bool after = c->isolate;

	TRY(c, sysr(mkdir("s", 0755)), "mkdir s");
	return run_in_child(c, "mount sysfs in a child", 0, sysnet_child,
			    &after, o, sizeof(*o));
}

static enum obs judge_sysnet(struct judge *j, const struct sysnet_seen *o)
{
	judge_kv(j, "entries of class/net", "%d", o->n);
	judge_kv(j, SYS_VETH, "%s", o->veth ? "listed" : "not listed");
	return judge_holds(j, o->veth, "the sysfs lists %s: %s", SYS_VETH,
			   o->veth ? "yes" : "no");
}
CHECK(sysnet_per_mount, struct sysnet_seen, observe_sysnet, judge_sysnet);

#define NET_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_NET)                             \
	}

static const struct scenario netns_more[] = {
	{ .id = "netns/abstract-unix-per-ns",
	  .title = "abstract UNIX socket names are per network namespace",
	  .property = "an abstract socket name bound outside can be bound "
		      "again in a new network namespace (EADDRINUSE in the "
		      "same one)",
	  .expect = "ok",
	  .req = NET_REQ,
	  .tags = { "net", "unix" },
	  .check = &abstract_per_ns },
	{ .id = "netns/routes-per-ns",
	  .title = "routing tables are per network namespace",
	  .property = "a route added in a new network namespace is not in "
		      "the table of the namespace outside",
	  .expect = "the child's route does not show in the worker's table",
	  .req = NET_REQ,
	  .tags = { "net", "route" },
	  .check = &route_per_ns },
	{ .id = "netns/proc-net-per-ns",
	  .title = "/proc/net shows the reader's network namespace",
	  .property = "a UDP socket bound outside shows in "
		      "/proc/<pid>/net/udp of its owner, not in the "
		      "/proc/net/udp of a process in a new network namespace",
	  .expect = "the worker's socket is not in the child's /proc/net",
	  .req = NET_REQ,
	  .tags = { "net", "proc" },
	  .check = &procnet_per_ns },
	{ .id = "netns/sysfs-class-net-per-mount",
	  .title = "/sys/class/net shows the mounting namespace's devices",
	  .property = "a sysfs mounted in a new network namespace lists the "
		      "veth made there; one mounted before the namespace was "
		      "made does not",
	  .expect = "the sysfs lists bxsys0: yes",
	  .req = { .root = true,
		   .ns = NS_BIT(NS_NET) | NS_BIT(NS_MNT),
		   .fs = { "sysfs" } },
	  .tags = { "net", "sysfs" },
	  .check = &sysnet_per_mount },
};

BOXCHECK_AREA(netns_more, netns_more);
