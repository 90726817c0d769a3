// SPDX-License-Identifier: MIT
/*
 * A namespace is gone after its last reference. Seen through a veth pair:
 * when the network namespace holding one end is destroyed, the kernel
 * removes that end and its peer with it. Destruction runs from a
 * workqueue (the bench's net-cleanup row: ~50 ms here), so the check polls,
 * bounded, for our end to vanish; both runs wait the same bound.
 */
#include "nsrun.h"

#include <net/if.h>
#include <time.h>

#define GONE_HERE "bxgone0"
#define GONE_PEER "bxgone1"
#define GONE_WAIT_MS 1000

/* Milliseconds until name vanished from our network namespace, or -1. */
static int wait_gone(const char *name, int limit_ms)
{
	struct timespec tick = { 0, 5000000L }; /* 5 ms */

	for (int ms = 0; ms <= limit_ms; ms += 5) {
		if (if_nametoindex(name) == 0)
			return ms;
		nanosleep(&tick, NULL);
	}
	return -1;
}

static int veth_into(pid_t pid)
{
	char netns[16];
	const char *add[] = { "ip",	 "link",  "add",  GONE_HERE,
			      "type",	 "veth",  "peer", "name",
			      GONE_PEER, "netns", netns,  NULL };

	snprintf(netns, sizeof(netns), "%d", pid);
	return run_cmd(add) == 0 ? 0 : -EIO;
}

static enum obs net_gone_after_last_ref(struct ctx *c)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int ref = -1;
	int ms;

	/* 1. Our own network namespace, standing in for the host's. */
	TRY(c, unshare(CLONE_NEWNET) < 0 ? neg_errno() : 0,
	    "make our network namespace");
	/* 2. The namespace under test, held by a process. */
	TRY(c, holder_start(&h, CLONE_NEWNET), "start the holder");
	/* 3. A veth pair: our end here, the peer in the namespace under test. */
	TRY(c, veth_into(h.pid), "ip link add veth ... netns");
	if (if_nametoindex(GONE_HERE) == 0)
		return ctx_error(c, -ENODEV, "find our veth end");
	/* 4. The control keeps one more reference: an fd to the namespace. */
	if (!c->isolate)
		ref = TRY(c, ns_open(h.pid, NS_NET), "open the namespace");
	/* 5. The holder goes; with no reference left the namespace goes. */
	TRY(c, holder_stop(&h, NULL), "stop the holder");
	ms = wait_gone(GONE_HERE, GONE_WAIT_MS);
	ctx_kv(c, "references left", "%s", ref >= 0 ? "an open fd" : "none");
	ctx_kv(c, "our veth end", "%s", ms >= 0 ? "removed" : "still present");
	if (ms >= 0)
		return ctx_holds(c, true,
				 "namespace gone: our veth end removed %d ms "
				 "after its last process left",
				 ms);
	return ctx_holds(c, false,
			 "namespace alive: our veth end still present %d ms "
			 "after its last process left (%s)",
			 GONE_WAIT_MS, ref >= 0 ? "an fd holds it" : "no fd");
}

static const struct scenario ns_gone[] = {
	{ .id = "ns/gone-after-last-reference",
	  .title = "a namespace is destroyed after its last reference",
	  .property = "when the last process of a network namespace exits and "
		      "nothing else refers to it, the kernel destroys it: its "
		      "veth end and the peer go",
	  .expect = "namespace gone",
	  .req = { .root = true, .ns = NS_BIT(NS_NET), .cmds = { "ip" } },
	  .tags = { "ns", "net", "lifetime" },
	  .run = net_gone_after_last_ref },
};

BOXCHECK_AREA(ns_gone, ns_gone);
