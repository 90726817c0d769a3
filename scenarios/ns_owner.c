// SPDX-License-Identifier: MIT
/*
 * Who owns a namespace decides who may act on it: root of a new user
 * namespace holds every capability there, and none over the namespaces
 * owned by its parent (the worker's network and mount namespaces, which the
 * runner fenced off from the host's) or by a sibling; it has them over the
 * ones it makes itself. And no user namespace can be made from a chroot.
 */
#include "nsmore.h"
#include "../primitives/net.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/mount.h>

/* The errno of r (0 or -errno), M_PERM_REFUSED reading `want`. */
static int perm_err(int r, int want)
{
	if (r < 0)
		errno = -r;
	return probe_errno(M_PERM_REFUSED, r, want);
}

/* ---- outer namespace vs one of our own ----------------------------------- */

static int write_forward(void)
{
	return write_text("/proc/sys/net/ipv4/ip_forward", "0");
}

static int lo_up(void)
{
	return net_if_up("lo");
}

static int mount_tmpfs(void)
{
	return tmpfs_at("mnt");
}

struct owner_kind {
	int (*act)(void);  /* 0 or -errno */
	unsigned long own; /* the namespace the prober then makes */
	int want, cap;
	enum ns_type fence; /* the worker's namespace acted on */
	const char *what;
};

enum { O_SYSCTL, O_NETADMIN, O_MOUNT };
static const struct owner_kind kinds[] = {
	[O_SYSCTL] = { write_forward, CLONE_NEWNET, EACCES, CAP_NET_ADMIN,
		       NS_NET, "write net.ipv4.ip_forward" },
	[O_NETADMIN] = { lo_up, CLONE_NEWNET, EPERM, CAP_NET_ADMIN, NS_NET,
			 "set lo up" },
	[O_MOUNT] = { mount_tmpfs, CLONE_NEWNS, EPERM, CAP_SYS_ADMIN, NS_MNT,
		      "mount a tmpfs" },
};

struct owner_seen {
	uint64_t caps; /* the prober's CapEff */
	int outer;     /* errno acting on the worker's namespace */
	int own;       /* errno acting on a namespace of its own */
};

static int act_both(void *arg, void *out, size_t len)
{
	const struct owner_kind *k = arg;
	struct owner_seen *o = out;
	int r;

	(void)len;
	if ((r = nsmore_become_root()) < 0)
		return child_fail("become root", r);
	if ((r = cap_eff_self(&o->caps)) < 0)
		return child_fail("read CapEff", r);
	o->outer = perm_err(k->act(), k->want);
	if (unshare(k->own) < 0)
		return child_fail("unshare a namespace of its own",
				  neg_errno());
	o->own = -k->act();
	return 0;
}

static int observe_owner(struct ctx *c, struct owner_seen *o, int kind)
{
	const struct owner_kind *k = &kinds[kind];
	/* Root maps to root: the run dir (0700) stays open to the prober. */
	struct nsrun r = nsmore_run(0, c->isolate, kind != O_MOUNT);

	TRY_OBS(ns_fenced(c, k->fence));
	if (kind == O_MOUNT)
		TRY(c, mkdir("mnt", 0755) < 0 ? neg_errno() : 0, "mkdir mnt");
	return nsrun(c, "act from the child", &r, act_both, (void *)k, o,
		     sizeof(*o));
}

static enum obs judge_owner(struct judge *j, const struct owner_seen *o,
			    int kind)
{
	const struct owner_kind *k = &kinds[kind];

	judge_kv(j, "prober's CapEff", "%016llx", (unsigned long long)o->caps);
	judge_kv(j, "in a namespace of its own", "%s", errname(o->own));
	if (!HAS_CAP(o->caps, k->cap))
		return judge_unknown(j, "the prober holds no capability %d",
				     k->cap);
	if (o->own)
		return judge_unknown(j,
				     "%s fails even in its own namespace: %s",
				     k->what, errname(o->own));
	return judge_errno(j, o->outer, k->want, "in the worker's namespace",
			   k->what);
}

#define OWNER_CHECK(name_, kind_)                                              \
	static int observe_##name_(struct ctx *c, struct owner_seen *o)        \
	{                                                                      \
		return observe_owner(c, o, kind_);                             \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct owner_seen *o)              \
	{                                                                      \
		return judge_owner(j, o, kind_);                               \
	}                                                                      \
	CHECK(name_, struct owner_seen, observe_##name_, judge_##name_)
OWNER_CHECK(sysctl_owner, O_SYSCTL);
OWNER_CHECK(netadmin_owner, O_NETADMIN);
OWNER_CHECK(mount_owner, O_MOUNT);

/* ---- setns into a namespace a sibling owns ------------------------------- */

struct join_seen {
	uint64_t caps;
	int err; /* errno of setns(uts fd), 0 if it worked */
};

static int join_uts(void *arg, void *out, size_t len)
{
	struct join_seen *o = out;
	int r;

	(void)len;
	if ((r = nsmore_become_root()) < 0)
		return child_fail("become root", r);
	if ((r = cap_eff_self(&o->caps)) < 0)
		return child_fail("read CapEff", r);
	o->err = probe_errno(M_PERM_REFUSED,
			     setns(*(const int *)arg, CLONE_NEWUTS), EPERM);
	return 0;
}

/* The target: a UTS namespace owned by its own user namespace. */
static int observe_join(struct ctx *c, struct join_seen *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int fd = -1;
	struct nsrun r = nsmore_run(0, c->isolate, true);

	TRY(c, holder_start(&h, CLONE_NEWUSER | CLONE_NEWUTS),
	    "start the target");
	fd = TRY(c, ns_open(h.pid, NS_UTS), "open its UTS namespace");
	return nsrun(c, "setns from the child", &r, join_uts, &fd, o,
		     sizeof(*o));
}

static enum obs judge_join(struct judge *j, const struct join_seen *o)
{
	judge_kv(j, "prober's CapEff", "%016llx", (unsigned long long)o->caps);
	if (!HAS_CAP(o->caps, CAP_SYS_ADMIN))
		return judge_unknown(j, "the prober holds no CAP_SYS_ADMIN");
	return judge_errno(j, o->err, EPERM, "setns",
			   "setns into the UTS "
			   "namespace a sibling "
			   "owns");
}
CHECK(setns_owner, struct join_seen, observe_join, judge_join);

/* ---- CLONE_NEWUSER from a chroot ----------------------------------------- */

static int newuser_unshare(void)
{
	return unshare(CLONE_NEWUSER) < 0 ? neg_errno() : 0;
}

static int newuser_clone(void)
{
	pid_t pid = ns_fork(CLONE_NEWUSER);

	if (pid == 0)
		_exit(0);
	return pid < 0 ? pid : wait_status(pid, NULL);
}

struct chroot_arg {
	bool chroot;	      /* the isolating step */
	int (*newuser)(void); /* 0 or -errno */
};

static int chrooted_newuser(void *arg, void *out, size_t len)
{
	const struct chroot_arg *a = arg;

	(void)len;
	if (a->chroot && (chroot("jail") < 0 || chdir("/") < 0))
		return child_fail("chroot jail", neg_errno());
	*(int *)out = perm_err(a->newuser(), EPERM);
	return 0;
}

struct newuser_seen {
	int err; /* errno of making a user namespace, 0 if it worked */
};

static int observe_newuser(struct ctx *c, struct newuser_seen *o,
			   int (*newuser)(void))
{
	struct chroot_arg a = { c->isolate, newuser };

	TRY(c, mkdir("jail", 0755) < 0 ? neg_errno() : 0, "mkdir jail");
	return run_in_child(c, "make a user namespace in the child", 0,
			    chrooted_newuser, &a, &o->err, sizeof(o->err));
}

static int observe_newuser_unshare(struct ctx *c, struct newuser_seen *o)
{
	return observe_newuser(c, o, newuser_unshare);
}

static int observe_newuser_clone(struct ctx *c, struct newuser_seen *o)
{
	return observe_newuser(c, o, newuser_clone);
}

static enum obs judge_newuser(struct judge *j, const struct newuser_seen *o)
{
	return judge_errno(j, o->err, EPERM, "CLONE_NEWUSER",
			   "a new user namespace");
}
CHECK(newuser_unshare_chroot, struct newuser_seen, observe_newuser_unshare,
      judge_newuser);
CHECK(newuser_clone_chroot, struct newuser_seen, observe_newuser_clone,
      judge_newuser);

#define OWNER_REQ(ns_)                                                         \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER) | (ns_),                   \
		.features = FEAT_BIT(FEAT_USERNS)                              \
	}

static const struct scenario ns_owner[] = {
	{ .id = "userns/net-sysctl-needs-owner",
	  .title = "net sysctls of a netns owned outside are read-only",
	  .property = "root of a new user namespace gets EACCES writing "
		      "net.ipv4.ip_forward of the network namespace it "
		      "shares, and writes it in one it makes",
	  .expect = "EACCES outside, ok in its own",
	  .req = OWNER_REQ(NS_BIT(NS_NET)),
	  .tags = { "userns", "net", "sysctl" },
	  .check = &sysctl_owner },
	{ .id = "userns/net-admin-needs-owner",
	  .title = "CAP_NET_ADMIN inside does not configure a netns owned "
		   "outside",
	  .property = "root of a new user namespace gets EPERM setting lo "
		      "up in the network namespace it shares, and sets it up "
		      "in one it makes",
	  .expect = "EPERM outside, ok in its own",
	  .req = OWNER_REQ(NS_BIT(NS_NET)),
	  .tags = { "userns", "net" },
	  .check = &netadmin_owner },
	{ .id = "userns/mount-needs-owner",
	  .title = "CAP_SYS_ADMIN inside does not mount in a mount namespace "
		   "owned outside",
	  .property = "root of a new user namespace gets EPERM mounting a "
		      "tmpfs in the mount namespace it shares, and mounts "
		      "one in a mount namespace it makes",
	  .expect = "EPERM outside, ok in its own",
	  .req = OWNER_REQ(NS_BIT(NS_MNT)),
	  .tags = { "userns", "mnt" },
	  .check = &mount_owner },
	{ .id = "userns/setns-needs-caps-in-owner",
	  .title = "setns needs capabilities in the owning user namespace",
	  .property = "root of a new user namespace gets EPERM from setns() "
		      "into a UTS namespace owned by a sibling user namespace",
	  .expect = "EPERM",
	  .req = OWNER_REQ(NS_BIT(NS_UTS)),
	  .tags = { "userns", "setns" },
	  .check = &setns_owner },
	{ .id = "chroot/newuser-unshare-eperm",
	  .title = "unshare(CLONE_NEWUSER) is refused in a chroot",
	  .property = "a chrooted process gets EPERM from "
		      "unshare(CLONE_NEWUSER)",
	  .expect = "EPERM",
	  .req = OWNER_REQ(0),
	  .tags = { "chroot", "userns" },
	  .check = &newuser_unshare_chroot },
	{ .id = "chroot/newuser-clone-eperm",
	  .title = "clone(CLONE_NEWUSER) is refused in a chroot",
	  .property = "a chrooted process gets EPERM from "
		      "clone(CLONE_NEWUSER)",
	  .expect = "EPERM",
	  .req = OWNER_REQ(0),
	  .tags = { "chroot", "userns" },
	  .check = &newuser_clone_chroot },
};

BOXCHECK_AREA(ns_owner, ns_owner);
