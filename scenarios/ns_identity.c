// SPDX-License-Identifier: MIT
/* Namespace identity: /proc/PID/ns inodes. */
#include "scenario.h"

#include <string.h>

/* Types clone() can create (time needs clone3 or unshare). */
#define CLONEABLE (NS_ALL & ~NS_BIT(NS_TIME))

/* The child waits on `hold` so the parent can read its /proc/PID/ns. */
static enum obs inodes_differ(struct ctx *c)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	unsigned want = c->isolate ? (ns_available() & CLONEABLE) : 0;
	unsigned differ = 0, same = 0;
	char list[128] = "";
	_cleanup_reap_ pid_t pid = -1;

	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, ns_fork(ns_flags(want)),
		  "clone with every namespace flag");
	if (pid == 0) {
		char b;
		close(hold.wr);
		_exit(read(hold.rd, &b, 1) < 0);
	}
	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id mine, theirs;
		if (!(CLONEABLE & ns_available() & NS_BIT(t)))
			continue;
		TRY(c, ns_id_of(0, t, &mine), "stat /proc/self/ns");
		TRY(c, ns_id_of(pid, t, &theirs), "stat /proc/PID/ns");
		if (ns_id_equal(&mine, &theirs)) {
			same |= NS_BIT(t);
			continue;
		}
		differ |= NS_BIT(t);
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", list[0] ? "," : "", ns_table[t].name);
	}
	ctx_kv(c, "requested", "0x%x", want);
	ctx_kv(c, "differ", "%s", list[0] ? list : "none");
	/* Requested types must differ, and only they: unrequested stay equal. */
	return ctx_holds(c, want && differ == want && !(same & want),
			 "differing inodes: %s", list[0] ? list : "none");
}

static const struct scenario ns_identity[] = {
	{
		.id = "ns/inodes-differ",
		.title = "new namespaces have new /proc/PID/ns inodes",
		.property =
			"each namespace type created anew has a /proc/PID/ns "
			"inode different from the parent's, and only those",
		.expect = "every requested type differs",
		.req = { .root = true },
		.tags = { "ns", "core" },
		.run = inodes_differ,
	},
};

BOXCHECK_AREA(ns_identity, ns_identity);
