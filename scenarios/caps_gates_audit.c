// SPDX-License-Identifier: MIT
/*
 * The audit capabilities (capabilities(7), the list): root without
 * CAP_AUDIT_CONTROL, CAP_AUDIT_READ or CAP_AUDIT_WRITE in its effective set
 * gets EPERM from the audit netlink requests they govern. Nothing reaches
 * the audit state or log, in either run: an empty rule deletion fails on
 * its length once past the capability check (EINVAL), an empty user
 * message is dropped (EINVAL since Linux 5.7 and the stable kernels of
 * April 2020, or ok when audit is off) and a multicast subscription only
 * reads. caps_gate.h runs the rows.
 */
#include "caps_gate.h"

#include <string.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <sys/socket.h>

/* ---- audit: a netlink request and its acknowledgement ----------------- */

static int audit_sock(void)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd >= 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send an empty message of type; its errno from the ack, or -errno. */
static int audit_ack(int type)
{
	_cleanup_close_ int fd = audit_sock();
	struct nlmsghdr req = { .nlmsg_len = NLMSG_LENGTH(0),
				.nlmsg_type = type,
				.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
				.nlmsg_seq = 1 };
	char buf[8192] __attribute__((aligned(4)));
	ssize_t n;

	if (fd < 0 || send(fd, &req, req.nlmsg_len, 0) < 0)
		return neg_errno();
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				return -e->error;
			}
	return n < 0 ? neg_errno() : -EPROTO;
}

/*
 * Audit in this kernel, reachable from here: an empty AUDIT_DEL_RULE with
 * every capability fails on its length (EINVAL); audit refuses callers
 * outside the initial PID namespace with EPERM, whatever they hold.
 */
static int audit_probe(struct ctx *c)
{
	_cleanup_close_ int fd = audit_sock();
	int r;

	if (fd < 0 && errno == EPROTONOSUPPORT)
		return ctx_skip(c, "kernel without audit (NETLINK_AUDIT: "
				   "EPROTONOSUPPORT)");
	if (fd < 0)
		return ctx_error(c, neg_errno(), "open an audit socket");
	r = audit_ack(AUDIT_DEL_RULE);
	if (r == EPERM || r == ECONNREFUSED)
		return ctx_skip(c,
				"audit refuses this PID or user namespace "
				"(AUDIT_DEL_RULE with every capability: %s)",
				strerrorname_np(r));
	return r == EINVAL ? 0 : ctx_error(c, r < 0 ? r : -r, "audit probe");
}

/* The socket is opened after the drop: netlink checks its opener too. */
static int do_audit_control(struct gate_call *g)
{
	(void)g;
	return audit_ack(AUDIT_DEL_RULE);
}

/* An empty AUDIT_USER: nothing to log (0 with audit off, else EINVAL). */
static int do_audit_write(struct gate_call *g)
{
	(void)g;
	return audit_ack(AUDIT_USER);
}

/* Subscribing to the read-only log multicast group. */
static int do_audit_read(struct gate_call *g)
{
	_cleanup_close_ int fd = audit_sock();
	struct sockaddr_nl a = { .nl_family = AF_NETLINK,
				 .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };

	(void)g;
	if (fd < 0)
		return neg_errno();
	return gate_err(bind(fd, (struct sockaddr *)&a, sizeof(a)));
}

enum {
	A_CONTROL,
	A_READ,
	A_WRITE,
};

static const struct gate rows[] = {
	[A_CONTROL] = { .cap = CAP_AUDIT_CONTROL,
			.what = "an empty AUDIT_DEL_RULE",
			.want = EPERM,
			.past = { EINVAL },
			.probe = audit_probe,
			.call = do_audit_control },
	[A_READ] = { .cap = CAP_AUDIT_READ,
		     .what = "bind to the audit log multicast group",
		     .want = EPERM,
		     .probe = audit_probe,
		     .call = do_audit_read },
	[A_WRITE] = { .cap = CAP_AUDIT_WRITE,
		      .what = "an empty AUDIT_USER message",
		      .want = EPERM,
		      .past = { EINVAL },
		      .probe = audit_probe,
		      .call = do_audit_write },
};

GATE_CHECK(g_audit_control, rows, A_CONTROL);
GATE_CHECK(g_audit_read, rows, A_READ);
GATE_CHECK(g_audit_write, rows, A_WRITE);

static const struct scenario caps_gates_audit[] = {
	GATE("audit-control-needs-cap",
	     "changing audit rules needs CAP_AUDIT_CONTROL",
	     "root without CAP_AUDIT_CONTROL gets EPERM from AUDIT_DEL_RULE; "
	     "with it the empty request fails on its length (EINVAL)",
	     "EPERM", CAP_BIT(CAP_AUDIT_CONTROL), g_audit_control),
	GATE("audit-read-needs-cap",
	     "reading the audit log by multicast needs CAP_AUDIT_READ",
	     "root without CAP_AUDIT_READ gets EPERM binding an audit socket "
	     "to the log multicast group",
	     "EPERM", CAP_BIT(CAP_AUDIT_READ), g_audit_read),
	GATE("audit-write-needs-cap",
	     "writing audit records needs CAP_AUDIT_WRITE",
	     "root without CAP_AUDIT_WRITE gets EPERM sending AUDIT_USER; "
	     "with it the empty message is dropped (EINVAL, or ok with "
	     "audit off) and nothing is logged",
	     "EPERM", CAP_BIT(CAP_AUDIT_WRITE), g_audit_write),
};

BOXCHECK_AREA(caps_gates_audit, caps_gates_audit);
