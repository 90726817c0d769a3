// SPDX-License-Identifier: MIT
/*
 * More operations of an unprivileged overlay (overlayfs.rst, "userxattr",
 * "Permission model"): the user's own user namespace and userxattr are the
 * isolating step, as in overlay_userns.c; the control does the same by root
 * in a mount namespace of its own, without userxattr. Judged by what the
 * layers then hold and what merged shows, never by which run it is.
 *
 * - a copy-up records its origin in user.overlay.origin, not trusted.*;
 * - a deletion's whiteout in upper belongs to the unprivileged user (the
 *   mounter), so nothing the overlay makes is root's;
 * - a redirect in upper is not followed: userxattr implies
 *   redirect_dir=nofollow, and lookup refuses it with EPERM, so a crafted
 *   user.overlay.redirect cannot reach into another lower dir. The control
 *   asks root's overlay to follow (redirect_dir=follow) the same redirect,
 *   kept in trusted.overlay.redirect.
 */
#include "overlay_case.h"
#include "overlay_userns.h"
#include "userns.h"

#include <fcntl.h>
#include <string.h>
#include <sys/xattr.h>

static int chown_unpriv(const char *path)
{
	return ovl_sys(lchown(path, UNPRIV_ID, UNPRIV_ID));
}

/* u/lower/file and u/lower/x/secret, the user's. */
static int user_layers(void)
{
	int r = ovl_userns_layers();

	r = r ?: write_text_creat("u/lower/file", "lower\n");
	r = r ?: chown_unpriv("u/lower/file");
	r = r ?: ovl_sys(mkdir("u/lower/x", 0755));
	r = r ?: chown_unpriv("u/lower/x");
	r = r ?: write_text_creat("u/lower/x/secret", "s\n");
	return r ?: chown_unpriv("u/lower/x/secret");
}

/* Who mounts: the user in its user namespace, or root (the control). */
static const struct nsrun *who(const struct ctx *c)
{
	return c->isolate ? &ovl_in_userns : &ovl_by_root;
}

/* ---- a write, a deletion ------------------------------------------- */

static int child_write(void *arg, void *out, size_t len)
{
	int r = ovl_userns_mount(arg);

	(void)len;
	if (r < 0)
		return r;
	if ((r = write_text_creat("u/merged/file", "new\n")) < 0)
		return child_fail("write merged/file", r);
	*(bool *)out = true;
	return 0;
}

static int child_unlink(void *arg, void *out, size_t len)
{
	int r = ovl_userns_mount(arg);

	(void)len;
	if (r < 0)
		return r;
	if (unlink("u/merged/file") < 0)
		return child_fail("unlink merged/file", neg_errno());
	*(bool *)out = true;
	return 0;
}

static int run_op(struct ctx *c, child_fn fn, const char *what)
{
	bool done;

	TRY(c, user_layers(), "make the layers of the unprivileged user");
	TRY_OBS(ovl_userns_probe(c));
	TRY_OBS(nsrun(c, what, who(c), fn,
		      (void *)(c->isolate ? "userxattr" : ""), &done,
		      sizeof(done)));
	return 0;
}

struct origin {
	bool user, trusted; /* {user,trusted}.overlay.origin on upper/file */
};

static int observe_origin(struct ctx *c, struct origin *o)
{
	TRY_OBS(run_op(c, child_write, "mount and write merged/file"));
	TRY(c, ovl_upper_has("u/upper/file", OVL_UP_USER_ORIGIN, &o->user),
	    "read user.overlay.origin");
	TRY(c, ovl_upper_has("u/upper/file", OVL_UP_ORIGIN, &o->trusted),
	    "read trusted.overlay.origin");
	return 0;
}

static enum obs judge_origin(struct judge *j, const struct origin *o)
{
	const char *ns = o->user && o->trusted ? "both user and trusted"
			 : o->user	       ? "user"
			 : o->trusted	       ? "trusted"
					       : "no";

	return judge_holds(j, o->user && !o->trusted,
			   "the copy-up upper/file has %s.overlay.origin", ns);
}
CHECK(userns_origin, struct origin, observe_origin, judge_origin);

struct owner {
	bool whiteout;
	uint32_t uid, gid; /* upper/file's owner */
};

static int observe_owner(struct ctx *c, struct owner *o)
{
	char type[32];

	TRY_OBS(run_op(c, child_unlink, "mount and unlink merged/file"));
	TRY(c, ovl_desc_type("u/upper/file", type, sizeof(type)),
	    "stat u/upper/file");
	o->whiteout = strncmp(type, "whiteout", 8) == 0;
	TRY(c, file_owner(AT_FDCWD, "u/upper/file", &o->uid, &o->gid),
	    "read upper/file's owner");
	return 0;
}

static enum obs judge_owner(struct judge *j, const struct owner *o)
{
	judge_kv(j, "upper/file owner", "%u:%u", o->uid, o->gid);
	return judge_holds(
		j, o->whiteout && o->uid == UNPRIV_ID && o->gid == UNPRIV_ID,
		"upper/file is %s owned by %u:%u",
		o->whiteout ? "a whiteout" : "no whiteout", o->uid, o->gid);
}
CHECK(userns_whiteout_owner, struct owner, observe_owner, judge_owner);

/* ---- a redirect in upper ---------------------------------------------- */

/* u/upper/d redirected to /x in both namespaces of xattrs. */
static int redirect_upper(void)
{
	int r = ovl_sys(mkdir("u/upper/d", 0755));

	r = r ?: chown_unpriv("u/upper/d");
	r = r
		    ?: ovl_sys(setxattr("u/upper/d", "user.overlay.redirect",
					"/x", 2, 0));
	return r
		       ?: ovl_sys(setxattr("u/upper/d",
					   "trusted.overlay.redirect", "/x", 2,
					   0));
}

struct listing {
	int err;       /* errno listing merged/d, 0 when it listed */
	char seen[48]; /* its names */
};

static int child_list(void *arg, void *out, size_t len)
{
	struct listing *l = out;
	int r = ovl_userns_mount(arg);

	(void)len;
	if (r < 0)
		return r;
	r = ovl_view("u/merged", "u/upper", "d", ovl_desc_listing, l->seen,
		     sizeof(l->seen));
	l->err = r < 0 ? -r : 0; /* EPERM from the lookup: the observation */
	return 0;
}

static int observe_redirect(struct ctx *c, struct listing *o)
{
	TRY(c, user_layers(), "make the layers of the unprivileged user");
	TRY_OBS(ovl_userns_probe(c)); /* before any user.* xattr is set */
	TRY(c, redirect_upper(), "redirect upper/d to /x");
	TRY_OBS(nsrun(
		c, "mount and list merged/d", who(c), child_list,
		(void *)(c->isolate ? "userxattr" : "redirect_dir=follow"), o,
		sizeof(*o)));
	return 0;
}

static enum obs judge_redirect(struct judge *j, const struct listing *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "list merged/d", "%s", e);
	return judge_holds(j, o->err == EPERM, "list merged/d: %s%s%s", e,
			   o->err ? "" : ", shows ", o->err ? "" : o->seen);
}
CHECK(userns_redirect, struct listing, observe_redirect, judge_redirect);

#define USERNS_OPS(id_, title_, property_, expect_, check_)                    \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .fs = { "overlay" },                                  \
			 .ns = NS_BIT(NS_USER),                                \
			 .features = FEAT_BIT(FEAT_USERNS) },                  \
		.tags = { "overlay", "rootfs", "userns" }, .check = &check_    \
	}

static const struct scenario overlay_userns_ops[] = {
	USERNS_OPS(
		"userns-copy-up-origin",
		"an unprivileged copy-up keeps its origin in user.*",
		"a write through an overlay mounted in a user namespace with "
		"userxattr records the copy's origin in user.overlay.origin",
		"the copy-up upper/file has user.overlay.origin",
		userns_origin),
	USERNS_OPS("userns-whiteout-owner",
		   "an unprivileged overlay's whiteout is the user's",
		   "a deletion through an overlay mounted in a user namespace "
		   "leaves a whiteout owned by the unprivileged user",
		   "upper/file is a whiteout owned by 100000:100000",
		   userns_whiteout_owner),
	USERNS_OPS("userns-redirect-refused",
		   "an unprivileged overlay follows no redirect",
		   "an overlay mounted in a user namespace refuses (EPERM) to "
		   "follow a redirect xattr in upper into another lower dir",
		   "list merged/d: EPERM", userns_redirect),
};

BOXCHECK_AREA(overlay_userns_ops, overlay_userns_ops);
