// SPDX-License-Identifier: MIT
/*
 * A namespace is gone after its last reference. Seen through a veth pair:
 * when the network namespace holding one end is destroyed, the kernel
 * removes that end and its peer with it. Destruction runs from a
 * workqueue (the bench's net-cleanup row: ~50 ms here), so the check polls,
 * bounded, for our end to vanish; both runs wait the same bound.
 */
#include "nsrun.h"
#include "../primitives/mutant.h"

#include <net/if.h>
#include <time.h>

#define GONE_HERE "bxgone0"
#define GONE_PEER "bxgone1"
#define GONE_WAIT_MS 1000

/*
 * Milliseconds until name vanished from our network namespace, or -1 when
 * it stayed for limit_ms (mutation point M_NS_LIFETIME: gone at once).
 */
static int wait_gone(const char *name, int limit_ms, int *ms)
{
	struct timespec tick = { 0, 5000000L }; /* 5 ms */

	if (mutant_on(M_NS_LIFETIME)) {
		*ms = 0;
		return 0;
	}
	for (*ms = 0; *ms <= limit_ms; *ms += 5) {
		if (if_nametoindex(name) == 0)
			return errno == ENODEV ? 0 : neg_errno();
		nanosleep(&tick, NULL);
	}
	*ms = -1;
	return 0;
}

static int veth_into(pid_t pid)
{
	char netns[16];
	const char *add[] = { "ip",	 "link",  "add",  GONE_HERE,
			      "type",	 "veth",  "peer", "name",
			      GONE_PEER, "netns", netns,  NULL };
	int r;

	snprintf(netns, sizeof(netns), "%d", pid);
	r = run_cmd(add);
	return r == 0 ? 0 : r < 0 ? r : -EIO;
}

struct gone {
	int ms; /* ms until our veth end vanished, -1: it stayed */
};

static int observe_gone(struct ctx *c, struct gone *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int ref = -1;

	/* 1. Our own network namespace, standing in for the host's. */
	TRY(c, unshare(CLONE_NEWNET) < 0 ? neg_errno() : 0,
	    "make our network namespace");
	/* 2. The namespace under test, held by a process. */
	TRY(c, holder_start(&h, CLONE_NEWNET), "start the holder");
	/* 3. A veth pair: our end here, the peer in the namespace under test. */
	TRY(c, veth_into(h.pid), "ip link add veth ... netns");
	if (if_nametoindex(GONE_HERE) == 0)
		return ctx_error(c, neg_errno(), "find our veth end");
	/* 4. The control keeps one more reference: an fd to the namespace. */
	if (!c->isolate)
		ref = TRY(c, ns_open(h.pid, NS_NET), "open the namespace");
	ctx_kv(c, "references left", "%s", ref >= 0 ? "an open fd" : "none");
	/* 5. The holder goes; with no reference left the namespace goes. */
	TRY(c, holder_stop(&h, NULL), "stop the holder");
	TRY(c, wait_gone(GONE_HERE, GONE_WAIT_MS, &o->ms), "look for our end");
	return 0;
}

static enum obs judge_gone(struct judge *j, const struct gone *o)
{
	judge_kv(j, "our veth end", "%s",
		 o->ms >= 0 ? "removed" : "still present");
	if (o->ms >= 0)
		return judge_holds(j, true,
				   "namespace gone: our veth end removed %d ms "
				   "after its last process left",
				   o->ms);
	return judge_holds(j, false,
			   "namespace alive: our veth end still present %d ms "
			   "after its last process left",
			   GONE_WAIT_MS);
}
CHECK(gone_after_last_ref, struct gone, observe_gone, judge_gone);

static const struct scenario ns_gone[] = {
	{ .id = "ns/gone-after-last-reference",
	  .title = "a namespace is destroyed after its last reference",
	  .property = "when the last process of a network namespace exits and "
		      "nothing else refers to it, the kernel destroys it: its "
		      "veth end and the peer go",
	  .expect = "namespace gone",
	  .req = { .root = true, .ns = NS_BIT(NS_NET), .cmds = { "ip" } },
	  .tags = { "ns", "net", "lifetime" },
	  .check = &gone_after_last_ref },
};

BOXCHECK_AREA(ns_gone, ns_gone);
