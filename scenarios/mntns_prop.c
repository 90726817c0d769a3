// SPDX-License-Identifier: MIT
/*
 * Shared subtrees judged by behaviour (mount_namespaces(7), SHARED
 * SUBTREES, "Unmount semantics", "Move (MS_MOVE) semantics",
 * "Restrictions" [6]): where a mount or an unmount made in one place shows
 * up. Every mount is a tmpfs or a bind made here, in the worker's private
 * mount namespace or in a peer's namespace made below it. Each control
 * keeps the same mounts and operations and changes only the propagation
 * type (or the namespace) that makes the property.
 */
#include "mntns_util.h"

#include <fcntl.h>
#include <sys/mount.h>

static int seen(struct ctx *c, const char *path, bool *m)
{
	TRY(c, mnt_is_mounted(path, m), path);
	return 0;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* ---- an unmount under a shared mount happens at its peers ------------ */

static int umount_sub(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)out;
	(void)len;
	return umount2("m/sub", 0) < 0 ? child_fail("umount m/sub", neg_errno())
				       : 0;
}

struct still {
	bool still; /* m/sub still mounted here */
};

static int observe_umount(struct ctx *c, struct still *o)
{
	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	TRY(c, set_propagation("m", c->isolate ? MS_SHARED : MS_PRIVATE),
	    "set m's propagation");
	TRY(c, tmpfs_at("m/sub"), "mount tmpfs on m/sub");
	TRY_OBS(run_in_child(c, "umount m/sub in a new mount namespace",
			     CLONE_NEWNS, umount_sub, NULL, NULL, 0));
	return seen(c, "m/sub", &o->still);
}

static enum obs judge_umount(struct judge *j, const struct still *o)
{
	judge_kv(j, "m/sub here", "%s", o->still ? "mounted" : "gone");
	return judge_holds(j, !o->still,
			   "after the peer's umount of its m/sub, ours is %s",
			   o->still ? "still mounted" : "gone");
}
CHECK(umount_propagates, struct still, observe_umount, judge_umount);

/* ---- slave and shared at once ------------------------------------------ */

struct both {
	bool b1, c1; /* a/s1 shows at b and c */
	bool b2, a2; /* c/s2 shows at b and at a */
	struct prop pa, pb, pc;
};

static int observe_slave_shared(struct ctx *c, struct both *o)
{
	TRY(c, tmpfs_at("a"), "mount tmpfs on a");
	TRY(c, set_propagation("a", MS_SHARED), "make a shared");
	TRY(c, mkdir_here("b") ?: mkdir_here("c"), "mkdir b c");
	TRY(c, mnt_bind("a", "b", false), "bind a on b");
	TRY(c, set_propagation("b", MS_SLAVE), "make b a slave");
	if (c->isolate)
		TRY(c, set_propagation("b", MS_SHARED), "make b shared too");
	TRY(c, mnt_bind("b", "c", false), "bind b on c");
	TRY(c,
	    mnt_prop("a", &o->pa) ?: mnt_prop("b", &o->pb)
		    ?: mnt_prop("c", &o->pc),
	    "read a's, b's and c's propagation");
	TRY(c, tmpfs_at("a/s1"), "mount tmpfs on a/s1");
	TRY(c, tmpfs_at("c/s2"), "mount tmpfs on c/s2");
	TRY_OBS(seen(c, "b/s1", &o->b1));
	TRY_OBS(seen(c, "c/s1", &o->c1));
	TRY_OBS(seen(c, "b/s2", &o->b2));
	return seen(c, "a/s2", &o->a2);
}

static enum obs judge_slave_shared(struct judge *j, const struct both *o)
{
	char a[64], b[64], t[64];
	/* b a slave of a's group and shared; c a peer of b (mountinfo). */
	bool tags = prop_type(&o->pb) == PT_SLAVE_SHARED && o->pa.shared &&
		    o->pb.master == o->pa.shared &&
		    o->pc.shared == o->pb.shared;

	prop_str(&o->pa, a, sizeof(a));
	prop_str(&o->pb, b, sizeof(b));
	prop_str(&o->pc, t, sizeof(t));
	judge_kv(j, "a", "%s", a);
	judge_kv(j, "b", "%s", b);
	judge_kv(j, "c", "%s", t);
	return judge_holds(j, tags && o->b1 && o->c1 && o->b2 && !o->a2,
			   "a's mount reaches b: %s, c: %s; c's mount "
			   "reaches its peer b: %s, the master a: %s; "
			   "mountinfo: b a slave of a, shared with c: %s",
			   yes_no(o->b1), yes_no(o->c1), yes_no(o->b2),
			   yes_no(o->a2), yes_no(tags));
}
CHECK(slave_and_shared, struct both, observe_slave_shared, judge_slave_shared);

/* ---- a type governs the mounts directly under it ----------------------- */

static int peer_sees_grandchild(void)
{
	bool m;
	int r = mnt_is_mounted("p/c1/g", &m);

	return r < 0 ? r : m;
}

static int peer_sees_c2(void)
{
	bool m;
	int r = mnt_is_mounted("p/c2", &m);

	return r < 0 ? r : m;
}

static const peer_step level_steps[] = { peer_sees_grandchild, peer_sees_c2 };

struct level {
	int g;	/* our p/c1/g shows in the peer */
	int c2; /* the peer's p/c2 after our umount of p/c2 */
};

static int observe_level(struct ctx *c, struct level *o)
{
	_cleanup_peer_ struct peer p = PEER_INIT;
	unsigned long parent = c->isolate ? MS_SHARED : MS_PRIVATE;
	unsigned long child = c->isolate ? MS_PRIVATE : MS_SHARED;

	TRY(c, tmpfs_at("p"), "mount tmpfs on p");
	TRY(c, set_propagation("p", parent), "set p's propagation");
	TRY(c, tmpfs_at("p/c1") ?: tmpfs_at("p/c2"), "mount p/c1 p/c2");
	TRY(c, set_propagation("p/c1", child) ?: set_propagation("p/c2", child),
	    "set p/c1's and p/c2's propagation");
	TRY(c, peer_start(&p, CLONE_NEWNS, false, level_steps, 2),
	    "start the peer in a new mount namespace");
	TRY(c, tmpfs_at("p/c1/g"), "mount tmpfs on p/c1/g");
	TRY_OBS(peer_call(c, &p, 0, &o->g, "look for p/c1/g"));
	TRY(c, umount2("p/c2", 0) < 0 ? neg_errno() : 0, "umount p/c2");
	TRY_OBS(peer_call(c, &p, 1, &o->c2, "look for p/c2"));
	return peer_stop(c, &p);
}

static enum obs judge_level(struct judge *j, const struct level *o)
{
	judge_kv(j, "p/c1/g in the peer", "%s", o->g ? "mounted" : "absent");
	judge_kv(j, "p/c2 in the peer", "%s", o->c2 ? "mounted" : "gone");
	return judge_holds(j, !o->g && !o->c2,
			   "a mount two levels under p reaches the peer: %s; "
			   "our umount of p/c2 took the peer's: %s",
			   yes_no(o->g), yes_no(!o->c2));
}
CHECK(type_per_level, struct level, observe_level, judge_level);

/* ---- a bind mount of a shared mount is its peer ------------------------ */

struct bound {
	bool nx, my; /* m/x shows at n/x; n/y shows at m/y */
	struct prop pm, pn;
};

static int observe_bind_peer(struct ctx *c, struct bound *o)
{
	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	TRY(c, set_propagation("m", c->isolate ? MS_SHARED : MS_PRIVATE),
	    "set m's propagation");
	TRY(c, mkdir_here("n"), "mkdir n");
	TRY(c, mnt_bind("m", "n", false), "bind m on n");
	TRY(c, mnt_prop("m", &o->pm) ?: mnt_prop("n", &o->pn),
	    "read m's and n's propagation");
	TRY(c, tmpfs_at("m/x") ?: tmpfs_at("n/y"), "mount m/x and n/y");
	TRY_OBS(seen(c, "n/x", &o->nx));
	return seen(c, "m/y", &o->my);
}

static enum obs judge_bind_peer(struct judge *j, const struct bound *o)
{
	char m[64], n[64];
	bool peers = o->pm.shared && o->pn.shared == o->pm.shared;

	prop_str(&o->pm, m, sizeof(m));
	prop_str(&o->pn, n, sizeof(n));
	judge_kv(j, "m", "%s", m);
	judge_kv(j, "n", "%s", n);
	return judge_holds(j, peers && o->nx && o->my,
			   "m's mount reaches its bind n: %s; n's reaches m: "
			   "%s; mountinfo: n in m's peer group: %s",
			   yes_no(o->nx), yes_no(o->my), yes_no(peers));
}
CHECK(bind_joins_peers, struct bound, observe_bind_peer, judge_bind_peer);

/* ---- a mount under a shared mount: a new group with its copies ------ */

static int peer_sees_s(void)
{
	bool m;
	int r = mnt_is_mounted("m/s", &m);

	return r < 0 ? r : m;
}

static int peer_mounts_t(void)
{
	return tmpfs_at("m/s/t");
}

static const peer_step group_steps[] = { peer_sees_s, peer_mounts_t };

struct group {
	int s;	/* our m/s shows in the peer */
	bool t; /* the peer's m/s/t shows here */
	struct prop pm, ps;
};

static int observe_group(struct ctx *c, struct group *o)
{
	_cleanup_peer_ struct peer p = PEER_INIT;
	int x;

	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	TRY(c, set_propagation("m", c->isolate ? MS_SHARED : MS_PRIVATE),
	    "set m's propagation");
	TRY(c, peer_start(&p, CLONE_NEWNS, false, group_steps, 2),
	    "start the peer in a new mount namespace");
	TRY(c, tmpfs_at("m/s"), "mount tmpfs on m/s");
	TRY(c, mkdir_here("m/s/t"), "mkdir m/s/t");
	TRY(c, mnt_prop("m", &o->pm) ?: mnt_prop("m/s", &o->ps),
	    "read m's and m/s's propagation");
	TRY_OBS(peer_call(c, &p, 0, &o->s, "look for m/s"));
	if (o->s)
		TRY_OBS(peer_call(c, &p, 1, &x, "mount m/s/t in the peer"));
	TRY_OBS(peer_stop(c, &p));
	return seen(c, "m/s/t", &o->t);
}

static enum obs judge_group(struct judge *j, const struct group *o)
{
	char m[64], s[64];
	bool fresh = o->ps.shared && o->ps.shared != o->pm.shared;

	prop_str(&o->pm, m, sizeof(m));
	prop_str(&o->ps, s, sizeof(s));
	judge_kv(j, "m", "%s", m);
	judge_kv(j, "m/s", "%s", s);
	return judge_holds(j, o->s && o->t && fresh,
			   "m/s reaches the peer: %s; the peer's m/s/t "
			   "reaches us: %s; m/s shared in a group of its own: "
			   "%s",
			   yes_no(o->s), yes_no(o->t), yes_no(fresh));
}
CHECK(new_mount_new_group, struct group, observe_group, judge_group);

/* ---- a mount under a shared mount cannot be moved ------------------------ */

struct moved {
	int err; /* mount --move p/a dst */
};

static int observe_move(struct ctx *c, struct moved *o)
{
	TRY(c, tmpfs_at("p"), "mount tmpfs on p");
	TRY(c, set_propagation("p", c->isolate ? MS_SHARED : MS_PRIVATE),
	    "set p's propagation");
	TRY(c, tmpfs_at("p/a"), "mount tmpfs on p/a");
	TRY(c, mkdir_here("dst"), "mkdir dst");
	o->err = mnt_refusal(mount("p/a", "dst", NULL, MS_MOVE, NULL), EINVAL);
	return 0;
}

static enum obs judge_move(struct judge *j, const struct moved *o)
{
	return judge_errno(j, o->err, EINVAL, "mount --move p/a dst",
			   "moving p/a out of p");
}
CHECK(move_from_shared, struct moved, observe_move, judge_move);

/* ---- unmount: copies with submounts stay -------------------------------- */

struct copies {
	int err;     /* umount p/b */
	bool r1, r2; /* r1/b, r2/b still mounted */
};

static int observe_copies(struct ctx *c, struct copies *o)
{
	static const char *const r[] = { "r1", "r2" };

	TRY(c, tmpfs_at("p"), "mount tmpfs on p");
	TRY(c, set_propagation("p", MS_SHARED), "make p shared");
	for (size_t i = 0; i < ARRAY_SIZE(r); i++) {
		TRY(c, mkdir_here(r[i]), "mkdir a receiver");
		TRY(c, mnt_bind("p", r[i], false), "bind p on a receiver");
		TRY(c, set_propagation(r[i], MS_SLAVE), "make it a slave");
	}
	TRY(c, tmpfs_at("p/b"), "mount tmpfs on p/b");
	if (c->isolate)
		TRY(c, tmpfs_at("r2/b/sub"), "mount tmpfs on r2/b/sub");
	o->err = umount_err("p/b", 0);
	TRY_OBS(seen(c, "r1/b", &o->r1));
	return seen(c, "r2/b", &o->r2);
}

static enum obs judge_copies(struct judge *j, const struct copies *o)
{
	judge_kv(j, "umount p/b", "%s", errname(o->err));
	if (o->err)
		return judge_unknown(j, "umount p/b failed with %s",
				     errname(o->err));
	return judge_holds(j, !o->r1 && o->r2,
			   "after umount p/b: r1's copy gone: %s; r2's copy, "
			   "with a submount, kept: %s",
			   yes_no(!o->r1), yes_no(o->r2));
}
CHECK(umount_keeps_busy_copies, struct copies, observe_copies, judge_copies);

#define PROP(id_, title_, property_, expect_, check_)                          \
	{                                                                      \
		.id = "mntns/" id_, .title = title_, .property = property_,    \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .ns = NS_BIT(NS_MNT),                                 \
			 .fs = { "tmpfs" } },                                  \
		.tags = { "mnt", "propagation" }, .check = &check_             \
	}

static const struct scenario mntns_prop[] = {
	PROP("umount-propagates-to-peers", "an unmount reaches the peers",
	     "under a shared mount, an umount made in a peer's mount "
	     "namespace unmounts our copy too",
	     "after the peer's umount of its m/sub, ours is gone",
	     umount_propagates),
	PROP("slave-and-shared", "a slave can share with its own peers",
	     "a slave made shared receives its master's mounts and shares "
	     "its own with its peers, never with the master",
	     "a's mount reaches b: yes, c: yes; c's mount reaches its peer b: "
	     "yes, the master a: no; mountinfo: b a slave of a, shared with "
	     "c: yes",
	     slave_and_shared),
	PROP("type-governs-one-level",
	     "a propagation type governs the level under it",
	     "a private mount under a shared one does not pass on its own "
	     "submounts, yet its unmount follows its shared parent to the "
	     "peer",
	     "a mount two levels under p reaches the peer: no; our umount "
	     "of p/c2 took the peer's: yes",
	     type_per_level),
	PROP("bind-joins-peer-group", "a bind of a shared mount is its peer",
	     "a bind mount of a shared mount joins its peer group: mounts "
	     "under either show under the other",
	     "m's mount reaches its bind n: yes; n's reaches m: yes; "
	     "mountinfo: n in m's peer group: yes",
	     bind_joins_peers),
	PROP("new-mount-new-peer-group",
	     "a mount under a shared mount is shared with its copies",
	     "a mount made under a shared mount is copied to the peers and is "
	     "itself shared, in a new peer group with those copies",
	     "m/s reaches the peer: yes; the peer's m/s/t reaches us: yes; "
	     "m/s shared in a group of its own: yes",
	     new_mount_new_group),
	PROP("move-from-shared-parent-einval",
	     "a mount under a shared mount cannot be moved",
	     "MS_MOVE of a mount whose parent is shared fails with EINVAL",
	     "moving p/a out of p: EINVAL", move_from_shared),
	PROP("umount-keeps-copies-with-submounts",
	     "an unmount spares receivers' copies that have submounts",
	     "umount under a shared mount takes its slaves' copies away, "
	     "except a copy with a submount under it",
	     "after umount p/b: r1's copy gone: yes; r2's copy, with a "
	     "submount, kept: yes",
	     umount_keeps_busy_copies),
};

BOXCHECK_AREA(mntns_prop, mntns_prop);
