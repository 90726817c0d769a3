// SPDX-License-Identifier: MIT
/*
 * Idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP): a copy of a tmpfs made
 * with open_tree(OPEN_TREE_CLONE) is given the id map of a user namespace
 * (root -> 100000) and attached at m; the control attaches the same copy
 * without the map. The tmpfs itself (src) is seen unmapped throughout.
 */
#include "nsmore.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

#define OTHER_ID 1234u

/* m: an idmapped copy of src when `idmap`, a plain copy otherwise. */
static int attach_copy(int userns, bool idmap)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP,
				.userns_fd = (uint64_t)userns };
	_cleanup_close_ int fd =
		open_tree(AT_FDCWD, "src", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return neg_errno();
	if (idmap && mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return neg_errno();
	if (mkdir("m", 0755) < 0 && errno != EEXIST)
		return neg_errno();
	return move_mount(fd, "", AT_FDCWD, "m", MOVE_MOUNT_F_EMPTY_PATH) < 0
		       ? neg_errno()
		       : 0;
}

/* Whether tmpfs takes an id map here: tried on a copy never attached. */
static int idmap_probe(struct ctx *c, int userns)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_IDMAP,
				.userns_fd = (uint64_t)userns };
	_cleanup_close_ int fd =
		open_tree(AT_FDCWD, "src", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return ctx_error(c, neg_errno(), "open_tree(OPEN_TREE_CLONE)");
	if (mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) == 0)
		return 0;
	if (errno == EINVAL)
		return ctx_skip(c,
				"tmpfs has no idmapped mounts on this kernel "
				"(MOUNT_ATTR_IDMAP: EINVAL)");
	return ctx_error(c, neg_errno(), "mount_setattr(MOUNT_ATTR_IDMAP)");
}

/*
 * src: a 0777 tmpfs with root-file (0:0) and other-file (1234:1234); a
 * user namespace mapping 0 to 100000 (its holder in h); m the copy.
 */
static int idmap_setup(struct ctx *c, struct holder *h)
{
	_cleanup_close_ int userns = -1;

	idmap_single(&nsmore_unpriv_map, 0, UNPRIV_ID, 1);
	TRY(c, tmpfs_at("src"), "mount tmpfs on src");
	TRY(c, chmod("src", 0777) < 0 ? neg_errno() : 0, "chmod src");
	TRY(c, write_text_creat("src/root-file", "r\n"), "write root-file");
	TRY(c, write_text_creat("src/other-file", "o\n"), "write other-file");
	TRY(c,
	    chown("src/other-file", OTHER_ID, OTHER_ID) < 0 ? neg_errno() : 0,
	    "chown other-file");
	TRY(c, holder_start(h, CLONE_NEWUSER), "start a user namespace");
	TRY(c,
	    userns_write_maps(h->pid, &nsmore_unpriv_map, &nsmore_unpriv_map,
			      false),
	    "write its maps");
	userns = TRY(c, ns_open(h->pid, NS_USER), "open the user namespace");
	TRY_OBS(idmap_probe(c, userns));
	TRY(c, attach_copy(userns, c->isolate), "attach the copy at m");
	return 0;
}

/* ---- owners seen through the mount ---------------------------------------- */

struct owners_seen {
	uint32_t via_m, on_src; /* the file's owner through m and in src */
	uint32_t overflow;	/* this host's overflow uid */
};

static int observe_owner(struct ctx *c, struct owners_seen *o, const char *name)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	char path[64];
	uint32_t gid, ogid;

	TRY_OBS(idmap_setup(c, &h));
	TRY(c, userns_overflow_ids(&o->overflow, &ogid), "read overflow ids");
	snprintf(path, sizeof(path), "m/%s", name);
	TRY(c, file_owner(AT_FDCWD, path, &o->via_m, &gid), "stat through m");
	snprintf(path, sizeof(path), "src/%s", name);
	TRY(c, file_owner(AT_FDCWD, path, &o->on_src, &gid), "stat in src");
	return 0;
}

static int observe_root_file(struct ctx *c, struct owners_seen *o)
{
	return observe_owner(c, o, "root-file");
}

static int observe_other_file(struct ctx *c, struct owners_seen *o)
{
	return observe_owner(c, o, "other-file");
}

static enum obs judge_owner(struct judge *j, const struct owners_seen *o,
			    uint32_t on_disk, uint32_t mapped)
{
	judge_kv(j, "owner through m", "%u", o->via_m);
	judge_kv(j, "owner in src", "%u", o->on_src);
	return judge_holds(j, o->via_m == mapped && o->on_src == on_disk,
			   "a file of uid %u reads as uid %u through m, %u in "
			   "src",
			   on_disk, o->via_m, o->on_src);
}

static enum obs judge_root_file(struct judge *j, const struct owners_seen *o)
{
	return judge_owner(j, o, 0, UNPRIV_ID);
}

static enum obs judge_other_file(struct judge *j, const struct owners_seen *o)
{
	judge_kv(j, "overflow uid", "%u", o->overflow);
	if (o->overflow == OTHER_ID)
		return judge_unknown(j, "the overflow uid is %u", OTHER_ID);
	return judge_owner(j, o, OTHER_ID, o->overflow);
}
CHECK(idmap_owner, struct owners_seen, observe_root_file, judge_root_file);
CHECK(idmap_unmapped, struct owners_seen, observe_other_file, judge_other_file);

/* ---- files created through the mount ------------------------------------- */

struct create_arg {
	int dfd;     /* m, opened before the uid change */
	uint32_t id; /* the creator's uid and gid */
	const char *name;
};

static int create_as(void *arg, void *out, size_t len)
{
	const struct create_arg *a = arg;
	int fd;

	(void)len;
	if (setresgid(a->id, a->id, a->id) < 0 ||
	    setresuid(a->id, a->id, a->id) < 0)
		return child_fail("setresuid", neg_errno());
	fd = openat(a->dfd, a->name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		    0644);
	*(int *)out = probe_errno(M_MNT_ATTR, fd, EOVERFLOW);
	if (fd >= 0)
		close(fd);
	return 0;
}

struct create_seen {
	int err;	 /* errno of the creation through m */
	uint32_t on_src; /* the new file's owner in src, if made */
};

/* As uid `id`; `owner`: then the new file's owner in src. */
static int observe_create(struct ctx *c, struct create_seen *o, uint32_t id,
			  bool owner)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int dfd = -1;
	struct create_arg a = { -1, id, "new" };
	uint32_t gid;

	TRY_OBS(idmap_setup(c, &h));
	dfd = TRY(c, open("m", O_PATH | O_DIRECTORY | O_CLOEXEC), "open m");
	a.dfd = dfd;
	TRY_OBS(run_in_child(c, "create through m in the child", 0, create_as,
			     &a, &o->err, sizeof(o->err)));
	if (owner && !o->err)
		TRY(c, file_owner(AT_FDCWD, "src/new", &o->on_src, &gid),
		    "stat src/new");
	return 0;
}

static int observe_create_mapped(struct ctx *c, struct create_seen *o)
{
	return observe_create(c, o, UNPRIV_ID, true);
}

static int observe_create_unmapped(struct ctx *c, struct create_seen *o)
{
	return observe_create(c, o, UNPRIV_ID + 1, false);
}

static enum obs judge_create_mapped(struct judge *j,
				    const struct create_seen *o)
{
	judge_kv(j, "create", "%s", errname(o->err));
	judge_kv(j, "owner in src", "%u", o->on_src);
	if (o->err)
		return judge_unknown(j, "uid %u could not create through m: %s",
				     UNPRIV_ID, errname(o->err));
	return judge_holds(j, o->on_src == 0,
			   "uid %u created a file through m owned by %u in src",
			   UNPRIV_ID, o->on_src);
}

static enum obs judge_create_unmapped(struct judge *j,
				      const struct create_seen *o)
{
	return judge_errno(j, o->err, EOVERFLOW, "create",
			   "creating a file through m as uid 100001");
}
CHECK(idmap_create, struct create_seen, observe_create_mapped,
      judge_create_mapped);
CHECK(idmap_create_unmapped, struct create_seen, observe_create_unmapped,
      judge_create_unmapped);

#define IDMAP_REQ                                                              \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT) | NS_BIT(NS_USER),          \
		.fs = { "tmpfs" },                                             \
		.features =                                                    \
			FEAT_BIT(FEAT_MOUNT_SETATTR) | FEAT_BIT(FEAT_USERNS)   \
	}

static const struct scenario mount_idmap[] = {
	{ .id = "mountapi/idmap-owner-mapped",
	  .title = "an idmapped mount shows files under the mapped owner",
	  .property = "through a mount idmapped with \"0 100000 1\" a file of "
		      "uid 0 reads as uid 100000, and as uid 0 elsewhere",
	  .expect = "100000 through m, 0 in src",
	  .req = IDMAP_REQ,
	  .tags = { "mnt", "mountapi", "idmap" },
	  .check = &idmap_owner },
	{ .id = "mountapi/idmap-unmapped-overflow",
	  .title = "an idmapped mount shows unmapped owners as the overflow id",
	  .property = "through a mount idmapped with \"0 100000 1\" a file of "
		      "uid 1234 reads as the overflow uid, and as 1234 "
		      "elsewhere",
	  .expect = "overflow uid through m, 1234 in src",
	  .req = IDMAP_REQ,
	  .tags = { "mnt", "mountapi", "idmap" },
	  .check = &idmap_unmapped },
	{ .id = "mountapi/idmap-create-maps-back",
	  .title = "files created through an idmapped mount are mapped back",
	  .property = "a file uid 100000 creates through a mount idmapped "
		      "with \"0 100000 1\" is owned by uid 0 in the filesystem",
	  .expect = "owned by 0 in src",
	  .req = IDMAP_REQ,
	  .tags = { "mnt", "mountapi", "idmap" },
	  .check = &idmap_create },
	{ .id = "mountapi/idmap-unmapped-creator-eoverflow",
	  .title = "an unmapped uid cannot create through an idmapped mount",
	  .property = "uid 100001, outside the map \"0 100000 1\", gets "
		      "EOVERFLOW creating a file through the idmapped mount",
	  .expect = "EOVERFLOW",
	  .req = IDMAP_REQ,
	  .tags = { "mnt", "mountapi", "idmap" },
	  .check = &idmap_create_unmapped },
};

BOXCHECK_AREA(mount_idmap, mount_idmap);
