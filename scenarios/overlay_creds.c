// SPDX-License-Identifier: MIT
/*
 * The permission model (overlayfs.rst, "Permission model"): a permission
 * check gives the same answer before and after a copy-up, and every access
 * is also checked on the layer with the credentials stashed at mount time,
 * so the mounter gains nothing through the overlay. Probes go through
 * ovl_open_as() and ovl_open_err() (their mutant reads every open
 * allowed). The controls: a bind of lower (no copy-up happens), or the
 * overlay mounted with the caller's full credentials.
 */
#include "overlay_more.h"
#include "mntns_util.h"

#include <fcntl.h>
#include <sys/mount.h>

/* ---- the same answer before and after a copy-up ------------------------- */

#define OWNER 1000u
#define OTHER 1001u

struct same {
	int owner[2], other[2]; /* their opens of file, before and after */
	bool copied;		/* upper/file after the metadata change */
};

static int probes(struct ctx *c, struct same *o, int i)
{
	TRY(c, ovl_open_as(OWNER, "merged", "file", O_RDONLY, &o->owner[i]),
	    "open merged/file as uid 1000");
	TRY(c, ovl_open_as(OTHER, "merged", "file", O_RDONLY, &o->other[i]),
	    "open merged/file as uid 1001");
	return 0;
}

static int observe_same(struct ctx *c, struct same *o)
{
	struct timespec t[2] = { { 5, 0 }, { 5, 0 } };

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_sys(chown("lower/file", OWNER, OWNER)), "chown lower/file");
	TRY(c, ovl_sys(chmod("lower/file", 0640)), "chmod lower/file 0640");
	TRY(c, ovl_mount_merged(c, NULL), "mount merged");
	TRY_OBS(probes(c, o, 0));
	TRY(c, ovl_sys(utimensat(AT_FDCWD, "merged/file", t, 0)),
	    "set merged/file's times (root)");
	TRY_OBS(probes(c, o, 1));
	TRY(c, ovl_upper_has("upper/file", OVL_UP_FILE, &o->copied),
	    "inspect upper/file");
	return 0;
}

static enum obs judge_same(struct judge *j, const struct same *o)
{
	bool before = !o->owner[0] && o->other[0] == EACCES;
	bool after = !o->owner[1] && o->other[1] == EACCES;

	judge_kv(j, "uid 1000 (owner)", "%s then %s", ovl_err(o->owner[0]),
		 ovl_err(o->owner[1]));
	judge_kv(j, "uid 1001 (other)", "%s then %s", ovl_err(o->other[0]),
		 ovl_err(o->other[1]));
	return judge_holds(j, before && after && o->copied,
			   "merged/file (1000:1000 0640) opened by its owner: "
			   "%s, by another: %s; after a copy-up (%s): %s, %s",
			   ovl_err(o->owner[0]), ovl_err(o->other[0]),
			   o->copied ? "done" : "none", ovl_err(o->owner[1]),
			   ovl_err(o->other[1]));
}
CHECK(perm_same, struct same, observe_same, judge_same);

/* ---- the mounter's credentials are checked on the layers ------------------- */

/*
 * The mounter: a peer in a new mount namespace, isolated also in a new
 * user namespace (root mapped to root: it has no capability over uid
 * 1000's files). It mounts a read-only overlay of lower and l2 on merged.
 */
static int peer_mount(void)
{
	return ovl_mount_opts("lowerdir=lower:l2", "merged");
}

static int peer_open_lower(void)
{
	return ovl_open_err("lower/file", O_RDONLY);
}

static int peer_open_merged(void)
{
	return ovl_open_err("merged/file", O_RDONLY);
}

static const peer_step mounter_steps[] = { peer_mount, peer_open_lower,
					   peer_open_merged };

struct mounter {
	int self, self_via; /* the mounter opens lower/file, merged/file */
	int direct, via;    /* root here opens lower/file, merged/file */
};

static int observe_mounter(struct ctx *c, struct mounter *o)
{
	_cleanup_peer_ struct peer p = PEER_INIT;
	char here[PATH_MAX], via[PATH_MAX + 64];
	int x = -ECHILD; /* the peer ended without a report */

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_sys(mkdir("l2", 0755)), "mkdir l2");
	TRY(c, ovl_sys(chown("lower/file", OWNER, OWNER)), "chown lower/file");
	TRY(c, ovl_sys(chmod("lower/file", 0600)), "chmod lower/file 0600");
	TRY(c, realpath(".", here) ? 0 : neg_errno(), "realpath .");
	TRY(c, peer_start(&p, CLONE_NEWNS, c->isolate, mounter_steps, 3),
	    "start the mounter");
	/* before Linux 5.11 overlay cannot be mounted in a user namespace */
	if (chan_send_int(&p.cmd, 0) == 0 && chan_recv_int(&p.res, &x) == 0 &&
	    x == -EPERM && c->isolate)
		return ctx_skip(c, "overlay refuses a mount from a user "
				   "namespace (EPERM; Linux 5.11 allows it)");
	TRY(c, x, "mount the overlay in the mounter (in the peer)");
	TRY_OBS(peer_call(c, &p, 1, &o->self,
			  "open lower/file as the mounter"));
	TRY_OBS(peer_call(c, &p, 2, &o->self_via,
			  "open merged/file as the mounter"));
	snprintf(via, sizeof(via), "/proc/%d/root%s/merged/file", (int)p.pid,
		 here);
	o->via = ovl_open_err(via, O_RDONLY);
	o->direct = ovl_open_err("lower/file", O_RDONLY);
	return peer_stop(c, &p);
}

static enum obs judge_mounter(struct judge *j, const struct mounter *o)
{
	judge_kv(j, "the mounter: lower/file", "%s", ovl_err(o->self));
	judge_kv(j, "the mounter: merged/file", "%s", ovl_err(o->self_via));
	judge_kv(j, "root: lower/file", "%s", ovl_err(o->direct));
	judge_kv(j, "root: merged/file", "%s", ovl_err(o->via));
	if (o->direct || (o->via && o->via != EACCES))
		return judge_unknown(j, "root: lower/file %s, merged/file %s",
				     ovl_err(o->direct), ovl_err(o->via));
	return judge_holds(j, o->via == EACCES && o->self_via == EACCES,
			   "lower/file (1000:1000 0600) read by root here: "
			   "ok; through the overlay: %s; by the mounter "
			   "through it: %s",
			   ovl_err(o->via), ovl_err(o->self_via));
}
CHECK(mounter_creds, struct mounter, observe_mounter, judge_mounter);

#define CREDS(id_, title_, property_, expect_, check_, ...)                    \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_,                                             \
		.req = { .root = true, .fs = { "overlay" }, __VA_ARGS__ },     \
		.tags = { "overlay", "rootfs", "permissions" },                \
		.check = &check_                                               \
	}

static const struct scenario overlay_creds[] = {
	CREDS("permission-same-after-copy-up",
	      "a permission check answers the same after a copy-up",
	      "a lower file 1000:1000 0640 opens for its owner and not for "
	      "another uid through merged, before and after root's metadata "
	      "change copies it up",
	      "merged/file (1000:1000 0640) opened by its owner: ok, by "
	      "another: EACCES; after a copy-up (done): ok, EACCES",
	      perm_same),
	CREDS("mounter-credentials-checked",
	      "the mounter's credentials are checked on the layers",
	      "an overlay mounted by root of a new user namespace (no power "
	      "over uid 1000's files) refuses a lower file only uid 1000 may "
	      "read, to the mounter and to host root, who reads it directly",
	      "lower/file (1000:1000 0600) read by root here: ok; through the "
	      "overlay: EACCES; by the mounter through it: EACCES",
	      mounter_creds, .ns = NS_BIT(NS_USER) | NS_BIT(NS_MNT),
	      .features = FEAT_BIT(FEAT_USERNS)),
};

BOXCHECK_AREA(overlay_creds, overlay_creds);
