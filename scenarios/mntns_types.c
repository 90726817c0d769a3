// SPDX-License-Identifier: MIT
/*
 * Propagation types as mountinfo reports them (mount_namespaces(7):
 * SHARED SUBTREES and its tags, "Propagation type transitions", "Bind
 * (MS_BIND) semantics", "Move (MS_MOVE) semantics", NOTES). One table:
 * each row makes mounts, does the isolating act (the control its own act,
 * or none), then an operation common to both runs, and reads the type of
 * one mount from its optional fields (shared:X, master:X, unbindable).
 * Every mount is a tmpfs or a bind made in the worker's private mount
 * namespace; "mountinfo-tags" ties the tags to behaviour.
 */
#include "mntns_util.h"

#include <sys/mount.h>

static int shared(const char *p)
{
	return set_propagation(p, MS_SHARED);
}

static int slave(const char *p)
{
	return set_propagation(p, MS_SLAVE);
}

/* m shared; n its peer (a bind of m). */
static int m_and_peer(void)
{
	int r = tmpfs_at("m");

	r = r ?: shared("m") ?: mkdir_here("n");
	return r ?: mnt_bind("m", "n", false);
}

/* The same, n then made a slave of m's group. */
static int n_slave(void)
{
	return m_and_peer() ?: slave("n");
}

static int n_slave_shared(void)
{
	return n_slave() ?: shared("n");
}

static int m_alone(void)
{
	return tmpfs_at("m") ?: shared("m");
}

static int m_private(void)
{
	return tmpfs_at("m");
}

static int m_peer(void)
{
	return mkdir_here("n") ?: mnt_bind("m", "n", false);
}

static int m_slave(void)
{
	return slave("m");
}

static int umount_n(void)
{
	return umount2("n", 0) < 0 ? neg_errno() : 0;
}

static int n_shared(void)
{
	return shared("n");
}

static int n_private(void)
{
	return set_propagation("n", MS_PRIVATE);
}

static int n_unbindable(void)
{
	return set_propagation("n", MS_UNBINDABLE);
}

static int m_shared(void)
{
	return shared("m");
}

static int m_unbindable(void)
{
	return set_propagation("m", MS_UNBINDABLE);
}

static int mount_m_n(void)
{
	return tmpfs_at("m/n");
}

static int m_shared_peer(void)
{
	return m_shared() ?: m_peer();
}

static int m_shared_u(void)
{
	return shared("a") ?: set_propagation("u", MS_UNBINDABLE);
}

enum {
	T_DEFAULT,
	T_UMOUNT_LEAVES,
	T_ONLY_MEMBER,
	T_SLAVE_PRIVATE,
	T_SLAVE_UNBINDABLE,
	T_MAKE_SHARED_SLAVE,
	T_PRIVATE_ANY,
	T_UNBINDABLE_ANY,
};

static const struct tcase tcases[] = {
	[T_DEFAULT] = { "mount m/n", m_private, m_shared, NULL, mount_m_n,
			false, "m/n", "m", PT_SHARED, REL_NEW_GROUP, 0 },
	[T_UMOUNT_LEAVES] = { "umount m's peer n, make m a slave", m_and_peer,
			      umount_n, NULL, m_slave, false, "m", NULL,
			      PT_PRIVATE, REL_NONE, 0 },
	[T_ONLY_MEMBER] = { "make m, alone in its group, a slave", m_alone,
			    NULL, m_peer, m_slave, false, "m", NULL, PT_PRIVATE,
			    REL_NONE, 0 },
	[T_SLAVE_PRIVATE] = { "make the private m a slave", m_private, NULL,
			      m_shared_peer, m_slave, false, "m", NULL,
			      PT_PRIVATE, REL_NONE, 0 },
	[T_SLAVE_UNBINDABLE] = { "make the unbindable m a slave", m_private,
				 m_unbindable, m_shared_peer, m_slave, false,
				 "m", NULL, PT_UNBINDABLE, REL_NONE, 0 },
	[T_MAKE_SHARED_SLAVE] = { "make the slave n shared", n_slave, n_shared,
				  NULL, NULL, false, "n", "m", PT_SLAVE_SHARED,
				  REL_MASTER, 0 },
	[T_PRIVATE_ANY] = { "make the slave+shared n private", n_slave_shared,
			    n_private, NULL, NULL, false, "n", NULL, PT_PRIVATE,
			    REL_NONE, 0 },
	[T_UNBINDABLE_ANY] = { "make the slave n unbindable", n_slave,
			       n_unbindable, NULL, NULL, false, "n", NULL,
			       PT_UNBINDABLE, REL_NONE, 0 },
};

TCASE_CHECK(t_default, tcases, T_DEFAULT);
TCASE_CHECK(t_umount_leaves, tcases, T_UMOUNT_LEAVES);
TCASE_CHECK(t_only_member, tcases, T_ONLY_MEMBER);
TCASE_CHECK(t_slave_private, tcases, T_SLAVE_PRIVATE);
TCASE_CHECK(t_slave_unbindable, tcases, T_SLAVE_UNBINDABLE);
TCASE_CHECK(t_make_shared_slave, tcases, T_MAKE_SHARED_SLAVE);
TCASE_CHECK(t_private_any, tcases, T_PRIVATE_ANY);
TCASE_CHECK(t_unbindable_any, tcases, T_UNBINDABLE_ANY);

/* ---- a peer whose namespace went away left the group ------------------ */

static int nothing(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)out;
	(void)len;
	return 0;
}

/*
 * m shared; a child's new mount namespace holds its peer. Isolated the
 * child has left and its namespace is gone; the control keeps a holder in
 * its namespace. Then m is made a slave: a group of one makes it private.
 */
static int observe_ns_gone(struct ctx *c, struct tseen *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;

	TRY(c, m_alone(), "mount m shared");
	if (c->isolate)
		TRY_OBS(run_in_child(c, "a child in a new mount namespace",
				     CLONE_NEWNS, nothing, NULL, NULL, 0));
	else
		TRY(c, holder_start(&h, CLONE_NEWNS),
		    "start a holder in a new mount namespace");
	TRY(c, m_slave(), "make m a slave");
	TRY(c, mnt_prop("m", &o->p), "read m's fields");
	return 0;
}

static enum obs judge_ns_gone(struct judge *j, const struct tseen *o)
{
	char p[64];

	prop_str(&o->p, p, sizeof(p));
	judge_kv(j, "m", "%s", p);
	return judge_holds(j, prop_type(&o->p) == PT_PRIVATE,
			   "m made a slave after its peer's namespace: reads "
			   "%s",
			   p);
}
CHECK(ns_gone_leaves, struct tseen, observe_ns_gone, judge_ns_gone);

/* ---- the tags, tied to behaviour --------------------------------------- */

struct tags {
	struct prop a, b, s, u, p;
	bool bx, sx; /* a/x shows at b/x and s/x */
};

static int observe_tags(struct ctx *c, struct tags *o)
{
	TRY(c, tmpfs_at("a") ?: tmpfs_at("u") ?: tmpfs_at("p"),
	    "mount tmpfs on a, u and p");
	if (c->isolate)
		TRY(c, m_shared_u(), "make a shared and u unbindable");
	TRY(c, mkdir_here("b") ?: mkdir_here("s"), "mkdir b s");
	TRY(c, mnt_bind("a", "b", false) ?: mnt_bind("a", "s", false),
	    "bind a on b and s");
	TRY(c, slave("s"), "make s a slave");
	TRY(c, tmpfs_at("a/x"), "mount tmpfs on a/x");
	TRY(c, mnt_is_mounted("b/x", &o->bx), "stat b/x");
	TRY(c, mnt_is_mounted("s/x", &o->sx), "stat s/x");
	TRY(c,
	    mnt_prop("a", &o->a) ?: mnt_prop("b", &o->b) ?: mnt_prop("s", &o->s)
		    ?: mnt_prop("u", &o->u) ?: mnt_prop("p", &o->p),
	    "read the fields");
	return 0;
}

static enum obs judge_tags(struct judge *j, const struct tags *o)
{
	const struct prop *all[] = { &o->a, &o->b, &o->s, &o->u, &o->p };
	static const char *const name[] = { "a", "b", "s", "u", "p" };
	bool peers = o->a.shared && o->b.shared == o->a.shared && o->bx;
	bool slv = o->s.master == o->a.shared && !o->s.shared && o->sx;
	bool rest = o->u.unbindable && prop_type(&o->p) == PT_PRIVATE;
	char t[64];

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		prop_str(all[i], t, sizeof(t));
		judge_kv(j, name[i], "%s", t);
	}
	return judge_holds(j, peers && slv && rest,
			   "the peers a, b share one shared:X and a's mount "
			   "shows at b: %s; the slave s reads master:X and "
			   "receives it: %s; u unbindable, p no tag: %s",
			   peers ? "yes" : "no", slv ? "yes" : "no",
			   rest ? "yes" : "no");
}
CHECK(mountinfo_tags, struct tags, observe_tags, judge_tags);

#define TYPES(id_, title_, property_, expect_, check_)                         \
	{                                                                      \
		.id = "mntns/" id_, .title = title_, .property = property_,    \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .ns = NS_BIT(NS_MNT),                                 \
			 .fs = { "tmpfs" } },                                  \
		.tags = { "mnt", "propagation" }, .check = &check_             \
	}

static const struct scenario mntns_types[] = {
	TYPES("mountinfo-tags", "mountinfo's optional fields name the types",
	      "mountinfo shows shared:X on peers that share mounts, master:X "
	      "on "
	      "a slave that receives them, unbindable, and no tag on a private "
	      "mount",
	      "the peers a, b share one shared:X and a's mount shows at b: "
	      "yes; "
	      "the slave s reads master:X and receives it: yes; u unbindable, "
	      "p no tag: yes",
	      mountinfo_tags),
	TYPES("new-mount-default-shared",
	      "a new mount under a shared parent is shared",
	      "a mount made under a shared mount is shared, in a peer group of "
	      "its own; under a private one it is private",
	      "mount m/n: m/n reads shared", t_default),
	TYPES("umount-leaves-peer-group", "an unmounted peer leaves the group",
	      "once its only peer is unmounted, a shared mount made a slave "
	      "has no master left and reads private",
	      "umount m's peer n, make m a slave: m reads private",
	      t_umount_leaves),
	TYPES("ns-gone-leaves-peer-group",
	      "a peer in a namespace that went away leaves the group",
	      "once the mount namespace holding its only peer is gone, a "
	      "shared mount made a slave reads private",
	      "m made a slave after its peer's namespace: reads private",
	      ns_gone_leaves),
	TYPES("make-slave-only-member-private",
	      "a slave of a group of one is private",
	      "making the only member of a peer group a slave makes it private",
	      "make m, alone in its group, a slave: m reads private",
	      t_only_member),
	TYPES("make-slave-private-unchanged",
	      "make-slave leaves a private mount private",
	      "making a private mount a slave changes nothing: it stays "
	      "private",
	      "make the private m a slave: m reads private", t_slave_private),
	TYPES("make-slave-unbindable-unchanged",
	      "make-slave leaves an unbindable mount unbindable",
	      "making an unbindable mount a slave changes nothing: it stays "
	      "unbindable",
	      "make the unbindable m a slave: m reads unbindable",
	      t_slave_unbindable),
	TYPES("make-shared-slave-both",
	      "make-shared of a slave gives slave and shared",
	      "making a slave shared keeps its master: it reads slave+shared",
	      "make the slave n shared: n reads slave+shared",
	      t_make_shared_slave),
	TYPES("make-private-from-slave-shared",
	      "make-private applies to a slave+shared mount",
	      "making a slave+shared mount private drops both its master and "
	      "its peers",
	      "make the slave+shared n private: n reads private",
	      t_private_any),
	TYPES("make-unbindable-from-slave",
	      "make-unbindable applies to a slave",
	      "making a slave mount unbindable makes it unbindable",
	      "make the slave n unbindable: n reads unbindable",
	      t_unbindable_any),
};

BOXCHECK_AREA(mntns_types, mntns_types);
