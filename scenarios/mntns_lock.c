// SPDX-License-Identifier: MIT
/*
 * Mounts locked in a less privileged mount namespace (mount_namespaces(7),
 * "Restrictions on mount namespaces" [3]-[5]), beyond mntns_locked.c: the
 * per-mount flags that lock with MS_RDONLY, what may still be stacked on a
 * locked mount, and a propagated subtree that goes only as a whole. The
 * isolating step is the new user namespace that comes with the child's
 * mount namespace (root mapped to root); the control's child gets a new
 * mount namespace alone. Every mount is a tmpfs made here, in the worker's
 * private mount namespace or in the child's.
 */
#include "mntns_util.h"

#include <sys/mount.h>

/* ---- locked flags --------------------------------------------------------- */

struct flag_case {
	unsigned long flag;    /* set on t in the parent */
	unsigned long remount; /* the child's bind remount flags */
	const char *name;
};

#define RB (MS_REMOUNT | MS_BIND)
static const struct flag_case flag_cases[] = {
	{ MS_NOSUID, RB, "nosuid" },
	{ MS_NOEXEC, RB, "noexec" },
	/* a remount with no atime flag keeps the old one: ask strictatime */
	{ MS_NOATIME, RB | MS_STRICTATIME, "noatime" },
};

/* A bind remount of t without the flag t was given. */
static int clear_flag(void *arg, void *out, size_t len)
{
	const struct flag_case *k = arg;
	long r = mount(NULL, "t", NULL, k->remount, NULL);

	(void)len;
	*(int *)out = mnt_refusal(r, EPERM);
	return 0;
}

struct flag_seen {
	int err;
};

static int observe_flag(struct ctx *c, struct flag_seen *o,
			const struct flag_case *k)
{
	struct nsrun r = nsmore_run(CLONE_NEWNS, c->isolate, false);

	TRY(c, mkdir_here("t"), "mkdir t");
	TRY(c,
	    mount("boxcheck", "t", "tmpfs", k->flag, "size=64k") < 0
		    ? neg_errno()
		    : 0,
	    "mount tmpfs on t with the flag");
	return nsrun(c, "remount t without the flag in the child", &r,
		     clear_flag, (void *)k, &o->err, sizeof(o->err));
}

static enum obs judge_flag(struct judge *j, const struct flag_seen *o,
			   const struct flag_case *k)
{
	char what[96];

	snprintf(what, sizeof(what), "a bind remount clearing %s", k->name);
	return judge_errno(j, o->err, EPERM, "remount", what);
}

#define FLAG_CHECK(name_, i_)                                                  \
	static int observe_##name_(struct ctx *c, struct flag_seen *o)         \
	{                                                                      \
		return observe_flag(c, o, &flag_cases[i_]);                    \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct flag_seen *o)               \
	{                                                                      \
		return judge_flag(j, o, &flag_cases[i_]);                      \
	}                                                                      \
	CHECK(name_, struct flag_seen, observe_##name_, judge_##name_)
FLAG_CHECK(locked_nosuid, 0);
FLAG_CHECK(locked_noexec, 1);
FLAG_CHECK(locked_noatime, 2);

/* ---- stacking on a locked mount ----------------------------------------- */

struct stack {
	int on, off; /* a tmpfs mounted on m/sub, then unmounted */
	int under;   /* m/sub itself unmounted next */
};

static int stack_sub(void *arg, void *out, size_t len)
{
	struct stack *o = out;
	int r = tmpfs_at("m/sub");

	(void)arg;
	(void)len;
	o->on = r < 0 ? -r : 0;
	o->off = o->on ? EIO : umount_err("m/sub", 0);
	o->under = mnt_refusal(umount2("m/sub", 0), EINVAL);
	return 0;
}

static int observe_stack(struct ctx *c, struct stack *o)
{
	struct nsrun r = nsmore_run(CLONE_NEWNS, c->isolate, false);

	TRY(c, tmpfs_at("m") ?: tmpfs_at("m/sub"), "mount m and m/sub");
	return nsrun(c, "stack on m/sub in the child", &r, stack_sub, NULL, o,
		     sizeof(*o));
}

static enum obs judge_stack(struct judge *j, const struct stack *o)
{
	judge_kv(j, "mount on m/sub", "%s", errname(o->on));
	judge_kv(j, "umount of it", "%s", errname(o->off));
	judge_kv(j, "umount of m/sub", "%s", errname(o->under));
	if (o->on || o->off || (o->under && o->under != EINVAL))
		return judge_unknown(j,
				     "stacking failed: mount %s, umount %s, "
				     "then %s",
				     errname(o->on), errname(o->off),
				     errname(o->under));
	return judge_holds(j, o->under == EINVAL,
			   "a tmpfs stacked on m/sub and taken off again: ok; "
			   "m/sub itself: %s",
			   o->under ? "locked (EINVAL)" : "unmounted");
}
CHECK(stack_on_locked, struct stack, observe_stack, judge_stack);

/* ---- a subtree propagated as one unit ----------------------------------- */

static int peer_umount_y(void)
{
	return mnt_refusal(umount2("m/ppp/y", 0), EINVAL);
}

static int peer_detach_ppp(void)
{
	return umount_err("m/ppp", MNT_DETACH);
}

static int peer_sees_ppp(void)
{
	bool m;
	int r = mnt_is_mounted("m/ppp", &m);

	return r < 0 ? r : m;
}

static const peer_step unit_steps[] = { peer_umount_y, peer_detach_ppp,
					peer_sees_ppp };

struct unit {
	int y, ppp; /* umount of m/ppp/y, then lazy umount of m/ppp */
	int left;   /* m/ppp still mounted in the child */
};

static int observe_unit(struct ctx *c, struct unit *o)
{
	_cleanup_peer_ struct peer p = PEER_INIT;

	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	TRY(c, set_propagation("m", MS_SHARED), "make m shared");
	TRY(c, peer_start(&p, CLONE_NEWNS, c->isolate, unit_steps, 3),
	    "start the child");
	TRY(c, tmpfs_at("src") ?: tmpfs_at("src/y"), "mount src and src/y");
	TRY(c, mkdir_here("m/ppp"), "mkdir m/ppp");
	TRY(c, mnt_bind("src", "m/ppp", true), "bind src on m/ppp recursively");
	TRY_OBS(peer_call(c, &p, 0, &o->y, "umount m/ppp/y in the child"));
	TRY_OBS(peer_call(c, &p, 1, &o->ppp, "umount -l m/ppp in the child"));
	TRY_OBS(peer_call(c, &p, 2, &o->left, "look at m/ppp in the child"));
	return peer_stop(c, &p);
}

static enum obs judge_unit(struct judge *j, const struct unit *o)
{
	judge_kv(j, "umount m/ppp/y", "%s", errname(o->y));
	judge_kv(j, "umount -l m/ppp", "%s", errname(o->ppp));
	if ((o->y && o->y != EINVAL) || o->ppp)
		return judge_unknown(j,
				     "umount m/ppp/y: %s; umount -l m/ppp: "
				     "%s",
				     errname(o->y), errname(o->ppp));
	return judge_holds(j, o->y == EINVAL && !o->left,
			   "in the child, the propagated m/ppp/y alone: %s; "
			   "the whole m/ppp lazily: ok, %s",
			   o->y ? "locked (EINVAL)" : "unmounted",
			   o->left ? "still mounted" : "gone");
}
CHECK(subtree_as_unit, struct unit, observe_unit, judge_unit);

#define LOCK(id_, title_, property_, expect_, check_)                          \
	{                                                                      \
		.id = "mntns/" id_, .title = title_, .property = property_,    \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .ns = NS_BIT(NS_MNT) | NS_BIT(NS_USER),               \
			 .fs = { "tmpfs" },                                    \
			 .features = FEAT_BIT(FEAT_USERNS) },                  \
		.tags = { "mnt", "userns" }, .check = &check_                  \
	}

static const struct scenario mntns_lock[] = {
	LOCK("locked-nosuid-userns", "a copied nosuid stays nosuid",
	     "in a mount namespace made with a new user namespace, a bind "
	     "remount clearing MS_NOSUID of a copied mount fails with EPERM",
	     "a bind remount clearing nosuid: EPERM", locked_nosuid),
	LOCK("locked-noexec-userns", "a copied noexec stays noexec",
	     "in a mount namespace made with a new user namespace, a bind "
	     "remount clearing MS_NOEXEC of a copied mount fails with EPERM",
	     "a bind remount clearing noexec: EPERM", locked_noexec),
	LOCK("locked-atime-userns", "a copied atime flag stays",
	     "in a mount namespace made with a new user namespace, a bind "
	     "remount changing MS_NOATIME of a copied mount to strictatime "
	     "fails "
	     "with EPERM",
	     "a bind remount clearing noatime: EPERM", locked_noatime),
	LOCK("stack-on-locked-userns", "a locked mount can be stacked on",
	     "in a mount namespace made with a new user namespace, a tmpfs can "
	     "be mounted on a locked copied mount and unmounted again, while "
	     "the locked mount itself cannot be",
	     "a tmpfs stacked on m/sub and taken off again: ok; m/sub itself: "
	     "locked (EINVAL)",
	     stack_on_locked),
	LOCK("propagated-subtree-unmounts-whole",
	     "a subtree propagated in goes only as a whole",
	     "a recursive bind propagated into a less privileged mount "
	     "namespace cannot lose its submount alone, but a lazy umount of "
	     "its top removes it whole",
	     "in the child, the propagated m/ppp/y alone: locked (EINVAL); the "
	     "whole m/ppp lazily: ok, gone",
	     subtree_as_unit),
};

BOXCHECK_AREA(mntns_lock, mntns_lock);
