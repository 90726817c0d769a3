// SPDX-License-Identifier: MIT
/* User namespace scenarios: nesting, setns across the tree, many extents. */
#include "userns.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <string.h>

/* ---- nesting and setns ---------------------------------------------- */

#define USERNS_NEST 8

/*
 * Each level forks the next (in a new user ns mapping 0 to its parent's 0,
 * when nested) and ends as it did; the leaf reports its pid and holds.
 */
static _Noreturn void nest_user(int left, bool nested, struct chan *res,
				struct chan *hold)
{
	struct idmap m;
	pid_t pid = 0, leaf;
	int st;

	/* Only the host may hold hold's write end, or the leaf never ends. */
	closep(&hold->wr);
	hold->wr = -1;
	idmap_single(&m, 0, 0, 1);
	for (; left > 0 && pid == 0; left--)
		pid = nested ? userns_fork(0, &m, &m, false) : ns_fork(0);
	if (pid > 0)
		_exit(wait_status(pid, &st) < 0 ? 1 : exit_code_of(st));
	leaf = getpid();
	live_send(res, "fork the next level", pid, &leaf, sizeof(leaf));
	live_wait(hold);
	_exit(pid < 0);
}

/* Levels between pid's user ns and ours, through NS_GET_PARENT. */
static int userns_depth(pid_t pid, int *depth)
{
	_cleanup_close_ int fd = ns_open(pid, NS_USER);
	struct ns_id mine, at;
	int r;

	*depth = 0;
	if (fd < 0)
		return fd;
	if ((r = ns_id_of(0, NS_USER, &mine)) < 0)
		return r;
	while ((r = ns_id_of_fd(fd, &at)) == 0 && !ns_id_equal(&at, &mine)) {
		int parent = ns_get_parent(fd);
		if (parent < 0)
			return parent;
		close(fd);
		fd = parent;
		++*depth;
	}
	if (r == 0 && mutant_on(M_USERNS_DEPTH))
		*depth = USERNS_NEST;
	return r;
}

struct nest {
	int depth; /* user ns levels between the leaf and us */
};

static int observe_nesting(struct ctx *c, struct nest *o)
{
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	pid_t leaf;
	int st;

	TRY(c, chan_open(&res), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, ns_fork(0), "fork");
	if (pid == 0)
		nest_user(USERNS_NEST, c->isolate, &res, &hold);
	TRY_OBS(live_recv(c, "the chain of children", &res, &leaf,
			  sizeof(leaf)));
	TRY(c, userns_depth(leaf, &o->depth), "walk NS_GET_PARENT");
	chan_close(&hold);
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap");
	if (exit_code_of(st))
		return ctx_error(c, 0, "the chain of children exited %d",
				 exit_code_of(st));
	return 0;
}

static enum obs judge_nesting(struct judge *j, const struct nest *o)
{
	judge_kv(j, "levels", "%d", o->depth);
	return judge_holds(j, o->depth == USERNS_NEST,
			   "leaf is %d user namespace levels down", o->depth);
}
CHECK(nesting, struct nest, observe_nesting, judge_nesting);

struct sibling_join {
	int err; /* errno of setns() into the sibling, 0 if it joined */
};

static int join_userns(void *arg, void *out, size_t len)
{
	struct sibling_join *o = out;

	(void)len;
	o->err = -ns_setns(*(const int *)arg, NS_USER);
	return 0;
}

/* A user namespace B; the child (in a sibling one) tries to join it. */
static int observe_sibling(struct ctx *c, struct sibling_join *o)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	_cleanup_reap_ pid_t b = -1;
	_cleanup_close_ int fd = -1;
	struct nsrun r = userns_run(c);

	TRY(c, chan_open(&hold), "pipe");
	b = TRY(c, userns_fork(0, &userns_one_map, &userns_one_map, false),
		"make user namespace B");
	if (b == 0) {
		live_wait(&hold);
		_exit(0);
	}
	fd = TRY(c, ns_open(b, NS_USER), "open B's user ns");
	TRY_OBS(nsrun(c, "setns in the child", &r, join_userns, &fd, o,
		      sizeof(*o)));
	return 0;
}

static enum obs judge_sibling(struct judge *j, const struct sibling_join *o)
{
	return judge_errno(j, o->err, EPERM, "setns(B)",
			   "setns into user ns B");
}
CHECK(setns_non_ancestor, struct sibling_join, observe_sibling, judge_sibling);

/* ---- many extents (CVE-2018-18955) ---------------------------------- */

#define EXTENTS 10
#define EXT_IN(i) ((uint32_t)(i)*10)
#define EXT_OUT(i) (200000u + (uint32_t)(i)*100)

struct extents {
	struct {
		uint32_t uid, gid;
	} own[EXTENTS]; /* ext/i's owner as the child sees it */
	unsigned map_n; /* extents of the uid_map read back inside */
	struct idmap_extent map[EXTENTS];
};

static int stat_extents(void *arg, void *out, size_t len)
{
	int dfd = *(const int *)arg, r;
	struct extents *o = out;
	struct idmap got;
	char name[16];

	(void)len;
	for (int i = 0; i < EXTENTS; i++) {
		snprintf(name, sizeof(name), "%d", i);
		r = file_owner(dfd, name, &o->own[i].uid, &o->own[i].gid);
		if (r < 0)
			return child_fail("stat ext/N", r);
	}
	if ((r = userns_read_map(0, "uid_map", &got)) < 0)
		return child_fail("read /proc/self/uid_map", r);
	o->map_n = got.n;
	memcpy(o->map, got.e,
	       (got.n < EXTENTS ? got.n : EXTENTS) * sizeof(got.e[0]));
	return 0;
}

/* ext/i owned by EXT_OUT(i); the map sends EXT_IN(i) there. */
static int observe_extents(struct ctx *c, struct extents *o)
{
	static struct idmap m;
	struct nsrun r = { .via = NS_VIA_CLONE, .uid = &m, .gid = &m };
	_cleanup_close_ int dfd = -1;
	char path[32];

	m.n = 0;
	TRY(c, mkdir("ext", 0755) < 0 ? neg_errno() : 0, "mkdir ext");
	for (int i = 0; i < EXTENTS; i++) {
		TRY(c, idmap_add(&m, EXT_IN(i), EXT_OUT(i), 1), "build map");
		snprintf(path, sizeof(path), "ext/%d", i);
		TRY(c, write_text_creat(path, ""), "create file");
		TRY(c,
		    chown(path, EXT_OUT(i), EXT_OUT(i)) < 0 ? neg_errno() : 0,
		    "chown file");
	}
	dfd = TRY(c, open("ext", O_PATH | O_DIRECTORY | O_CLOEXEC), "open ext");
	r.flags = c->isolate ? CLONE_NEWUSER : 0;
	TRY_OBS(nsrun(c, "stat the files in the child", &r, stat_extents, &dfd,
		      o, sizeof(*o)));
	return 0;
}

static enum obs judge_extents(struct judge *j, const struct extents *o)
{
	unsigned ok = 0;
	bool map = o->map_n == EXTENTS;

	for (int i = 0; i < EXTENTS; i++) {
		ok += o->own[i].uid == EXT_IN(i) && o->own[i].gid == EXT_IN(i);
		map = map && o->map[i].inside == EXT_IN(i) &&
		      o->map[i].outside == EXT_OUT(i) && o->map[i].count == 1;
	}
	judge_kv(j, "extents", "%d", EXTENTS);
	judge_kv(j, "files owned by their inside id", "%u", ok);
	judge_kv(j, "uid_map read back", "%s (%u extents)",
		 map ? "as written" : "not as written", o->map_n);
	return judge_holds(j, ok == EXTENTS && map,
			   "%u of %d files read as their inside id; uid_map "
			   "reads back %s",
			   ok, EXTENTS, map ? "as written" : "otherwise");
}
CHECK(many_extents, struct extents, observe_extents, judge_extents);

static const struct scenario userns_nest[] = {
	{ .id = "userns/nesting",
	  .title = "user namespaces nest",
	  .property = "eight nested user namespaces, each mapping root, "
		      "stand eight NS_GET_PARENT steps below ours",
	  .expect = "leaf is 8 user namespace levels down",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .check = &nesting },
	{ .id = "userns/setns-non-ancestor-fails",
	  .title = "setns into a non-ancestor user namespace fails",
	  .property = "a process in one user namespace cannot join a "
		      "sibling user namespace (EPERM)",
	  .expect = "EPERM",
	  .req = USER_REQ,
	  .tags = { "user", "setns" },
	  .check = &setns_non_ancestor },
	{ .id = "userns/many-extents",
	  .title = "maps of more than five extents translate correctly",
	  .property = "with a 10-extent map, each file owned by an outside "
		      "id reads as its inside id (CVE-2018-18955), and the "
		      "map reads back as written",
	  .expect = "10 of 10 files read as their inside id; uid_map reads "
		    "back as written",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .check = &many_extents },
};

BOXCHECK_AREA(userns_nest, userns_nest);
