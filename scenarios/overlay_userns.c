// SPDX-License-Identifier: MIT
/*
 * overlay in a user namespace: an unprivileged user mounts an overlay with
 * userxattr (Linux 5.11+), and overlay keeps its metadata in user.overlay.*
 * xattrs, which that user may write. The control is the same mount and the
 * same operations by root in the run's mount namespace, without the user
 * namespace and userxattr: there the metadata is trusted.overlay.*.
 */
#include "scenario.h"
#include "../primitives/overlay.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

static bool has_xattr(const char *path, const char *name)
{
	return getxattr(path, name, NULL, 0) >= 0;
}

/* Outside ids of the unprivileged user: no account, nothing it owns. */
#define NOBODY_ID 100000

static int remake_empty(void *arg)
{
	(void)arg;
	if (rmdir("u/merged/empty") < 0 || mkdir("u/merged/empty", 0755) < 0)
		return neg_errno();
	return 0;
}

static int userns_layers(void)
{
	const char *dirs[] = { "u",	  "u/lower", "u/lower/empty",
			       "u/upper", "u/work",  "u/merged" };

	/* The mapped user must search our cwd, which only root may. */
	if (chmod(".", 0711) < 0)
		return neg_errno();
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0 ||
		    chown(dirs[i], NOBODY_ID, NOBODY_ID) < 0)
			return neg_errno();
	return 0;
}

/* The control: the same mount and operations by root, without userns. */
static enum obs userns_userxattr(struct ctx *c)
{
	const char *lowers[] = { "u/lower" };
	struct overlay_spec s = { lowers, 1, "u/upper", "u/work", NULL };
	bool user, trusted;
	int r;

	TRY(c, userns_layers(), "make the layers of the unprivileged user");
	if (c->isolate) {
		s.extra = "userxattr";
		r = overlay_userns_run(&s, "u/merged", NOBODY_ID, NOBODY_ID,
				       remake_empty, NULL);
		if (r == -EPERM || r == -EINVAL)
			return ctx_skip(c,
					"kernel refuses overlay in a user "
					"namespace (mount: %s)",
					strerrorname_np(-r));
		TRY(c, r, "mount overlay in a user namespace, rmdir+mkdir");
	} else {
		TRY(c, overlay_mount(&s, "u/merged"), "mount overlay");
		TRY(c, remake_empty(NULL), "rmdir and mkdir u/merged/empty");
	}
	user = has_xattr("u/upper/empty", "user.overlay.opaque");
	trusted = has_xattr("u/upper/empty", "trusted.overlay.opaque");
	ctx_kv(c, "user.overlay.opaque", "%s", user ? "set" : "absent");
	ctx_kv(c, "trusted.overlay.opaque", "%s", trusted ? "set" : "absent");
	return ctx_holds(c, user && !trusted,
			 "%s; upper/empty has %s.overlay.opaque",
			 c->isolate ? "mounted in the user namespace"
				    : "mounted by root",
			 user ? "user" : (trusted ? "trusted" : "no"));
}

static const struct scenario overlay_userns[] = {
	{ .id = "overlay/userns-userxattr",
	  .title = "overlay mounts in a user namespace with userxattr",
	  .property = "an unprivileged user in its own user namespace mounts "
		      "an overlay that keeps its metadata in user.overlay.*",
	  .expect = "mounted in the user namespace; upper/empty has "
		    "user.overlay.opaque",
	  .req = { .root = true,
		   .fs = { "overlay" },
		   .ns = NS_BIT(NS_USER),
		   .features = FEAT_BIT(FEAT_USERNS) },
	  .tags = { "overlay", "rootfs", "userns" },
	  .run = userns_userxattr },
};

BOXCHECK_AREA(overlay_userns, overlay_userns);
