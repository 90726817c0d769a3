/* SPDX-License-Identifier: MIT */
/*
 * net.h - network interfaces and TCP for the net namespace scenarios: the
 * interface list, link flags, IPv4 addresses, veth pairs (rtnetlink), a TCP
 * bind and a one-byte TCP probe. Everything acts on the caller's network
 * namespace; callers make sure that is not the host's.
 */
#ifndef BOXCHECK_NET_H
#define BOXCHECK_NET_H

#include "base.h"

/* The interfaces of our network namespace, in index order. */
struct net_ifaces {
	unsigned n;
	bool lo_up;	 /* lo is listed and IFF_UP */
	char names[256]; /* "lo,eth0" */
};
int net_ifaces(struct net_ifaces *l);

int net_if_flags(const char *name, short *flags);
int net_if_up(const char *name);
/* Address an interface: "10.0.0.1", prefix 30. */
int net_addr4_add(const char *name, const char *addr, unsigned prefix);
/*
 * A veth pair: name here, peer in the network namespace of peer_pid (0:
 * here too).
 */
int net_veth_add(const char *name, const char *peer, pid_t peer_pid);

/*
 * A TCP socket bound to addr (network order) and *port (0: any, the port
 * bound is written back), listening if asked: the fd or -errno.
 */
int net_tcp_bind(uint32_t addr, uint16_t *port, bool listen);
/* Connect to addr:port and read one byte: 0, or -errno. */
int net_tcp_probe(const char *addr, uint16_t port);

#endif
