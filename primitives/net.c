// SPDX-License-Identifier: MIT
#include "net.h"
#include "mutant.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* ---- interfaces -------------------------------------------------------- */

static int if_ioctl(unsigned long req, struct ifreq *ifr)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0 || ioctl(s, req, ifr) < 0)
		return neg_errno();
	return 0;
}

int net_if_flags(const char *name, short *flags)
{
	struct ifreq ifr = { 0 };
	int r;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	r = if_ioctl(SIOCGIFFLAGS, &ifr);
	if (r == 0)
		*flags = ifr.ifr_flags;
	return r;
}

int net_if_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int r;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	r = if_ioctl(SIOCGIFFLAGS, &ifr);
	if (r < 0)
		return r;
	ifr.ifr_flags |= IFF_UP;
	return if_ioctl(SIOCSIFFLAGS, &ifr);
}

int net_ifaces(struct net_ifaces *l)
{
	struct if_nameindex *ifs = if_nameindex();
	short fl;
	int r = 0;

	*l = (struct net_ifaces){ 0 };
	if (!ifs)
		return neg_errno();
	for (struct if_nameindex *i = ifs; i->if_index && r == 0; i++) {
		size_t at = strlen(l->names);
		int n = snprintf(l->names + at, sizeof(l->names) - at, "%s%s",
				 at ? "," : "", i->if_name);
		if (n < 0 || (size_t)n >= sizeof(l->names) - at)
			r = -ENOSPC;
		l->n++;
		if (r == 0 && strcmp(i->if_name, "lo") == 0 &&
		    (r = net_if_flags("lo", &fl)) == 0)
			l->lo_up = fl & IFF_UP;
	}
	if_freenameindex(ifs);
	if (r == 0 && mutant_on(M_IFLIST_LO)) {
		*l = (struct net_ifaces){ .n = 1 };
		snprintf(l->names, sizeof(l->names), "lo");
	}
	return r;
}

int net_addr4_add(const char *name, const char *addr, unsigned prefix)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sa = (struct sockaddr_in *)&ifr.ifr_addr;
	int r;

	if (prefix > 32)
		return -EINVAL;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
		return -EINVAL;
	r = if_ioctl(SIOCSIFADDR, &ifr);
	if (r < 0)
		return r;
	sa = (struct sockaddr_in *)&ifr.ifr_netmask;
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(prefix ? ~0u << (32 - prefix) : 0);
	return if_ioctl(SIOCSIFNETMASK, &ifr);
}

/* ---- rtnetlink: a veth pair ---------------------------------------------- */

struct nlbuf {
	struct nlmsghdr h;
	char data[512];
	bool full;
};

static struct rtattr *nla_put(struct nlbuf *m, int type, const void *p,
			      size_t len)
{
	size_t at = NLMSG_ALIGN(m->h.nlmsg_len);
	struct rtattr *a = (struct rtattr *)((char *)m + at);

	if (at + RTA_SPACE(len) > sizeof(struct nlmsghdr) + sizeof(m->data)) {
		m->full = true;
		return NULL;
	}
	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), p, len);
	m->h.nlmsg_len = at + RTA_SPACE(len);
	return a;
}

static void nla_end(struct nlbuf *m, struct rtattr *nest)
{
	if (nest)
		nest->rta_len = (char *)m + m->h.nlmsg_len - (char *)nest;
}

static void nl_put_raw(struct nlbuf *m, const void *p, size_t len)
{
	size_t at = NLMSG_ALIGN(m->h.nlmsg_len);

	if (at + NLMSG_ALIGN(len) > sizeof(struct nlmsghdr) + sizeof(m->data)) {
		m->full = true;
		return;
	}
	memcpy((char *)m + at, p, len);
	m->h.nlmsg_len = at + NLMSG_ALIGN(len);
}

/* Send one request and read the kernel's ack: 0 or its -errno. */
static int nl_talk(struct nlbuf *m)
{
	_cleanup_close_ int s =
		socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	char ack[1024];
	ssize_t n;

	if (m->full)
		return -ENOSPC;
	if (s < 0)
		return neg_errno();
	if (sendto(s, &m->h, m->h.nlmsg_len, 0, (struct sockaddr *)&k,
		   sizeof(k)) < 0)
		return neg_errno();
	n = recv(s, ack, sizeof(ack), 0);
	if (n < 0)
		return neg_errno();
	for (struct nlmsghdr *h = (struct nlmsghdr *)ack; NLMSG_OK(h, n);
	     h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);
			return e->error;
		}
	}
	return -EPROTO;
}

int net_veth_add(const char *name, const char *peer, pid_t peer_pid)
{
	struct nlbuf m = { .h = { .nlmsg_len = NLMSG_LENGTH(0),
				  .nlmsg_type = RTM_NEWLINK,
				  .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
						 NLM_F_CREATE | NLM_F_EXCL,
				  .nlmsg_seq = 1 } };
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *info, *data, *p;
	uint32_t pid = peer_pid;

	nl_put_raw(&m, &ifi, sizeof(ifi));
	nla_put(&m, IFLA_IFNAME, name, strlen(name) + 1);
	info = nla_put(&m, IFLA_LINKINFO, NULL, 0);
	nla_put(&m, IFLA_INFO_KIND, "veth", 5);
	data = nla_put(&m, IFLA_INFO_DATA, NULL, 0);
	p = nla_put(&m, VETH_INFO_PEER, NULL, 0);
	nl_put_raw(&m, &ifi, sizeof(ifi));
	nla_put(&m, IFLA_IFNAME, peer, strlen(peer) + 1);
	if (peer_pid > 0)
		nla_put(&m, IFLA_NET_NS_PID, &pid, sizeof(pid));
	nla_end(&m, p);
	nla_end(&m, data);
	nla_end(&m, info);
	return nl_talk(&m);
}

/* ---- TCP ------------------------------------------------------------- */

int net_tcp_bind(uint32_t addr, uint16_t *port, bool do_listen)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(*port),
				  .sin_addr.s_addr = addr };
	socklen_t sl = sizeof(sa);

	if (s < 0)
		return neg_errno();
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EADDRINUSE && mutant_on(M_BIND_INUSE))
			return TAKE_FD(s);
		return neg_errno();
	}
	if (do_listen && listen(s, 4) < 0)
		return neg_errno();
	if (getsockname(s, (struct sockaddr *)&sa, &sl) < 0)
		return neg_errno();
	*port = ntohs(sa.sin_port);
	return TAKE_FD(s);
}

int net_tcp_probe(const char *addr, uint16_t port)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	ssize_t n;
	char b;
	int r = 0;

	if (s < 0)
		return neg_errno();
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return -EINVAL;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		r = neg_errno();
	else if ((n = read(s, &b, 1)) != 1)
		r = n < 0 ? neg_errno() : -EPIPE; /* closed without a byte */
	if (r < 0 && mutant_on(M_TCP_CONNECTS))
		r = 0;
	return r;
}
