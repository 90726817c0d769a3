// SPDX-License-Identifier: MIT
/*
 * The propagation type a bind or a move gives (mount_namespaces(7), "Bind
 * (MS_BIND) semantics" and "Move (MS_MOVE) semantics" tables), read from
 * mountinfo's optional fields through the table of mntns_util.h. src is
 * bound or moved to dst/b; the isolating act makes dst shared (or src, for
 * a shared source under a private dst), the control leaves it private.
 * Every mount is a tmpfs or a bind made in the worker's private mount
 * namespace.
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

/* src (a tmpfs) and dst (a tmpfs with dst/b) for the bind and move rows. */
static int src_dst(void)
{
	int r = tmpfs_at("src");

	return r ?: tmpfs_at("dst") ?: mkdir_here("dst/b");
}

/* The same with src a slave of g's group. */
static int slave_src_dst(void)
{
	int r = tmpfs_at("g");

	r = r ?: shared("g") ?: mkdir_here("src");
	r = r ?: mnt_bind("g", "src", false) ?: slave("src");
	return r ?: tmpfs_at("dst") ?: mkdir_here("dst/b");
}

static int unbindable_src_dst(void)
{
	return src_dst() ?: set_propagation("src", MS_UNBINDABLE);
}

static int dst_shared(void)
{
	return shared("dst");
}

static int src_shared(void)
{
	return shared("src");
}

static int bind_src(void)
{
	return mnt_bind("src", "dst/b", false);
}

static int move_src(void)
{
	return mnt_move("src", "dst/b");
}

enum {
	B_PRIVATE,
	B_SLAVE,
	B_SHARED_SRC,
	M_UNBINDABLE,
	M_PRIVATE,
	M_SLAVE,
};

static const struct tcase bcases[] = {
	[B_PRIVATE] = { "bind the private src under dst", src_dst, dst_shared,
			NULL, bind_src, false, "dst/b", "dst", PT_SHARED,
			REL_NEW_GROUP, 0 },
	[B_SLAVE] = { "bind the slave src under dst", slave_src_dst, dst_shared,
		      NULL, bind_src, false, "dst/b", "g", PT_SLAVE_SHARED,
		      REL_MASTER, 0 },
	[B_SHARED_SRC] = { "bind src under the private dst", src_dst,
			   src_shared, NULL, bind_src, false, "dst/b", "src",
			   PT_SHARED, REL_SAME_GROUP, 0 },
	[M_UNBINDABLE] = { "move the unbindable src under dst",
			   unbindable_src_dst, dst_shared, NULL, move_src, true,
			   NULL, NULL, PT_PRIVATE, REL_NONE, EINVAL },
	[M_PRIVATE] = { "move the private src under dst", src_dst, dst_shared,
			NULL, move_src, false, "dst/b", "dst", PT_SHARED,
			REL_NEW_GROUP, 0 },
	[M_SLAVE] = { "move the slave src under dst", slave_src_dst, dst_shared,
		      NULL, move_src, false, "dst/b", "g", PT_SLAVE_SHARED,
		      REL_MASTER, 0 },
};

TCASE_CHECK(bind_private, bcases, B_PRIVATE);
TCASE_CHECK(bind_slave, bcases, B_SLAVE);
TCASE_CHECK(bind_shared_src, bcases, B_SHARED_SRC);
TCASE_CHECK(move_unbindable, bcases, M_UNBINDABLE);
TCASE_CHECK(move_private, bcases, M_PRIVATE);
TCASE_CHECK(move_slave, bcases, M_SLAVE);

#define BM(id_, title_, property_, expect_, check_)                            \
	{                                                                      \
		.id = "mntns/" id_, .title = title_, .property = property_,    \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .ns = NS_BIT(NS_MNT),                                 \
			 .fs = { "tmpfs" } },                                  \
		.tags = { "mnt", "propagation" }, .check = &check_             \
	}

static const struct scenario mntns_bindmove[] = {
	BM("bind-private-under-shared",
	   "a private source bound under a shared "
	   "mount is shared",
	   "a bind of a private mount under a shared destination is shared, "
	   "in a peer group of its own",
	   "bind the private src under dst: dst/b reads shared", bind_private),
	BM("bind-slave-under-shared",
	   "a slave source bound under a shared mount is slave+shared",
	   "a bind of a slave mount under a shared destination is a slave of "
	   "the source's master and shared",
	   "bind the slave src under dst: dst/b reads slave+shared",
	   bind_slave),
	BM("bind-shared-under-private",
	   "a shared source bound anywhere joins its group",
	   "a bind of a shared mount under a private destination is shared, "
	   "a peer of its source",
	   "bind src under the private dst: dst/b reads shared",
	   bind_shared_src),
	BM("move-unbindable-under-shared-einval",
	   "an unbindable mount cannot move under a shared one",
	   "MS_MOVE of an unbindable mount under a shared destination fails "
	   "with EINVAL",
	   "move the unbindable src under dst: EINVAL", move_unbindable),
	BM("move-private-under-shared",
	   "a private mount moved under a shared one is shared",
	   "a private mount moved under a shared destination becomes shared",
	   "move the private src under dst: dst/b reads shared", move_private),
	BM("move-slave-under-shared",
	   "a slave moved under a shared mount is slave+shared",
	   "a slave mount moved under a shared destination keeps its master "
	   "and becomes shared",
	   "move the slave src under dst: dst/b reads slave+shared",
	   move_slave),
};

BOXCHECK_AREA(mntns_bindmove, mntns_bindmove);
