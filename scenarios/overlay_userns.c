// SPDX-License-Identifier: MIT
/*
 * overlay in a user namespace: an unprivileged user mounts an overlay with
 * userxattr (Linux 5.11+), and overlay keeps its metadata in user.overlay.*
 * xattrs, which that user may write. The control is the same mount and the
 * same operations by root in a child with a mount namespace of its own,
 * without the user namespace and userxattr: there the metadata is
 * trusted.overlay.*. Skips only where a probe shows a feature missing.
 */
#include "overlay_userns.h"

#include <string.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

int ovl_userns_layers(void)
{
	const char *dirs[] = { "u",	 "u/lower",  "u/lower/empty", "u/upper",
			       "u/work", "u/merged", "u/p",	      "u/p/a",
			       "u/p/b",	 "u/p/m" };

	/* The mapped user must search our cwd, which only root may. */
	if (chmod(".", 0711) < 0)
		return neg_errno();
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0 ||
		    chown(dirs[i], UNPRIV_ID, UNPRIV_ID) < 0)
			return neg_errno();
	return 0;
}

/* The child's ids: 0 inside, UNPRIV_ID outside. */
static const struct idmap one_id = { 1, { { 0, UNPRIV_ID, 1 } } };

const struct nsrun ovl_in_userns = { NS_VIA_CLONE, CLONE_NEWUSER | CLONE_NEWNS,
				     &one_id, &one_id, true };
const struct nsrun ovl_by_root = { NS_VIA_CLONE, CLONE_NEWNS, NULL, NULL,
				   false };

/* Probe: a read-only overlay (no upper, no xattrs) in the user ns. */
static int ro_overlay(void *arg, void *out, size_t len)
{
	static const char *const lowers[] = { "u/p/a", "u/p/b" };
	struct overlay_spec s = { lowers, 2, NULL, NULL, NULL };
	int r = userns_become_root();

	(void)arg;
	(void)len;
	if (r < 0)
		return child_fail("setresuid(0) in the user namespace", r);
	*(int *)out = -overlay_mount(&s, "u/p/m"); /* the observation */
	return 0;
}

/*
 * Probes, the same in both runs: the upper dir's filesystem takes user.*
 * xattrs (tmpfs before Linux 6.6 does not), overlay knows userxattr, and
 * the kernel lets a user namespace mount an overlay at all.
 */
int ovl_userns_probe(struct ctx *c)
{
	int r, err = 0;

	r = setxattr("u/upper", "user.boxcheck.probe", "1", 1, 0);
	if (r < 0 && errno == EOPNOTSUPP)
		return ctx_skip(c, "the upper dir's filesystem takes no user.* "
				   "xattrs (tmpfs: from Linux 6.6), which a "
				   "userxattr overlay needs");
	TRY(c, r < 0 ? neg_errno() : 0, "set a user.* xattr on u/upper");
	TRY(c,
	    removexattr("u/upper", "user.boxcheck.probe") < 0 ? neg_errno() : 0,
	    "remove the probe's xattr");
	TRY_OBS(ovl_need_option(c, OVL_USERXATTR));
	TRY_OBS(nsrun(c, "probe overlay in a user namespace", &ovl_in_userns,
		      ro_overlay, NULL, &err, sizeof(err)));
	if (err == EPERM)
		return ctx_skip(c, "kernel refuses overlay in a user namespace "
				   "(a read-only overlay: EPERM)");
	TRY(c, -err, "probe: a read-only overlay in a user namespace");
	return 0;
}

int ovl_userns_mount(const char *extra)
{
	static const char *const lowers[] = { "u/lower" };
	struct overlay_spec s = { lowers, 1, "u/upper", "u/work", extra };
	int r = userns_become_root();

	if (r < 0)
		return child_fail("setresuid(0)", r);
	if ((r = overlay_mount(&s, "u/merged")) < 0)
		return child_fail("mount overlay", r);
	return 0;
}

/* In the child: mount, then rmdir and mkdir a lower dir through merged. */
static int mount_and_remake(void *arg, void *out, size_t len)
{
	const char *const *extra = arg;
	int r = ovl_userns_mount(*extra);

	(void)len;
	if (r < 0)
		return r;
	if (rmdir("u/merged/empty") < 0 || mkdir("u/merged/empty", 0755) < 0)
		return child_fail("rmdir and mkdir merged/empty", neg_errno());
	*(bool *)out = true;
	return 0;
}

struct marks {
	bool user, trusted; /* {user,trusted}.overlay.opaque on upper/empty */
};

static int observe_userxattr(struct ctx *c, struct marks *o)
{
	const char *extra = c->isolate ? "userxattr" : NULL;
	bool done;

	TRY(c, ovl_userns_layers(), "make the layers of the unprivileged user");
	TRY_OBS(ovl_userns_probe(c));
	TRY_OBS(nsrun(c, "mount the overlay and remake a dir",
		      c->isolate ? &ovl_in_userns : &ovl_by_root,
		      mount_and_remake, &extra, &done, sizeof(done)));
	TRY(c, ovl_upper_has("u/upper/empty", OVL_UP_USER_OPAQUE, &o->user),
	    "read user.overlay.opaque");
	TRY(c, ovl_upper_has("u/upper/empty", OVL_UP_OPAQUE, &o->trusted),
	    "read trusted.overlay.opaque");
	return 0;
}

static enum obs judge_userxattr(struct judge *j, const struct marks *o)
{
	const char *ns = o->user && o->trusted ? "both user and trusted"
			 : o->user	       ? "user"
			 : o->trusted	       ? "trusted"
					       : "no";

	judge_kv(j, "user.overlay.opaque", "%s", o->user ? "set" : "absent");
	judge_kv(j, "trusted.overlay.opaque", "%s",
		 o->trusted ? "set" : "absent");
	return judge_holds(j, o->user && !o->trusted,
			   "upper/empty has %s.overlay.opaque", ns);
}
CHECK(userns_userxattr, struct marks, observe_userxattr, judge_userxattr);

static const struct scenario overlay_userns[] = {
	{ .id = "overlay/userns-userxattr",
	  .title = "overlay mounts in a user namespace with userxattr",
	  .property = "an unprivileged user in its own user namespace mounts "
		      "an overlay that keeps its metadata in user.overlay.*",
	  .expect = "upper/empty has user.overlay.opaque",
	  .req = { .root = true,
		   .fs = { "overlay" },
		   .ns = NS_BIT(NS_USER),
		   .features = FEAT_BIT(FEAT_USERNS) },
	  .tags = { "overlay", "rootfs", "userns" },
	  .check = &userns_userxattr },
};

BOXCHECK_AREA(overlay_userns, overlay_userns);
