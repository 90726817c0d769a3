// SPDX-License-Identifier: MIT
/* User namespace scenarios: nesting, setns across the tree, many extents. */
#include "userns.h"

#include <fcntl.h>
#include <string.h>

/* ---- nesting and setns ---------------------------------------------- */

#define USERNS_NEST 8

/* Each level maps 0 to its parent's 0; the leaf reports and holds. */
static _Noreturn void nest_user(int left, bool iso, struct chan *res,
				struct chan *hold)
{
	struct idmap m;
	pid_t pid = 0;
	int st;
	char b;

	closep(&hold->wr);
	hold->wr = -1;
	idmap_single(&m, 0, 0, 1);
	/* Each child goes one level down; each parent waits for it. */
	for (; left > 0 && pid == 0; left--)
		pid = iso ? userns_fork(0, &m, &m, false) : fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(wait_status(pid, &st) < 0 ? 1 : exit_code_of(st));
	chan_send_int(res, getpid());
	_exit(read(hold->rd, &b, 1) < 0);
}

/* Levels between pid's user ns and ours, through NS_GET_PARENT. */
static int userns_depth(pid_t pid)
{
	_cleanup_close_ int fd = ns_open(pid, NS_USER);
	struct ns_id mine, at;
	int depth = 0;

	if (fd < 0)
		return fd;
	if (ns_id_of(0, NS_USER, &mine) < 0)
		return -EIO;
	while (ns_id_of_fd(fd, &at) == 0 && !ns_id_equal(&at, &mine)) {
		int parent = ns_get_parent(fd);
		if (parent < 0)
			return parent;
		close(fd);
		fd = parent;
		depth++;
	}
	return depth;
}

static enum obs nesting(struct ctx *c)
{
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	pid_t leaf;
	int depth, st;

	TRY(c, chan_open(&res), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = fork();
	if (pid == 0)
		nest_user(USERNS_NEST, c->isolate, &res, &hold);
	TRY(c, pid < 0 ? neg_errno() : 0, "fork");
	closep(&res.wr);
	res.wr = -1;
	TRY(c, chan_recv_int(&res, &leaf), "wait for the leaf");
	depth = TRY(c, userns_depth(leaf), "walk NS_GET_PARENT");
	chan_close(&hold);
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap");
	ctx_kv(c, "levels", "%d", depth);
	return ctx_holds(c, depth == USERNS_NEST,
			 "leaf is %d user namespace levels down", depth);
}

static int join_userns(void *arg, void *out, size_t len)
{
	int *err = out;

	(void)len;
	*err = -ns_setns(*(int *)arg, NS_USER);
	return 0;
}

/* A sibling user namespace B; the child tries to join it. */
static enum obs setns_non_ancestor(struct ctx *c)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	_cleanup_reap_ pid_t b = -1;
	_cleanup_close_ int fd = -1;
	struct nsrun r = userns_run(c);
	int err;

	TRY(c, chan_open(&hold), "pipe");
	b = TRY(c, userns_fork(0, &userns_one_map, &userns_one_map, false),
		"make user namespace B");
	if (b == 0) {
		char x;
		close(hold.wr);
		_exit(read(hold.rd, &x, 1) < 0);
	}
	fd = TRY(c, ns_open(b, NS_USER), "open B's user ns");
	TRY(c, legacy_nsrun(&r, join_userns, &fd, &err, sizeof(err), NULL),
	    "run the child");
	ctx_kv(c, "setns(B)", "%s", err ? strerrorname_np(err) : "ok");
	return ctx_holds(c, err == EPERM, "setns into a sibling user ns: %s",
			 err ? strerrorname_np(err) : "ok");
}

/* ---- many extents (CVE-2018-18955) ---------------------------------- */

#define EXTENTS 10
#define EXT_IN(i) ((uint32_t)(i)*10)
#define EXT_OUT(i) (200000u + (uint32_t)(i)*100)

static int stat_extents(void *arg, void *out, size_t len)
{
	const struct idmap *want = arg;
	struct ids *o = out;
	struct idmap got;
	char path[32];

	(void)len;
	for (int i = 0; i < EXTENTS; i++) {
		struct stat st;
		snprintf(path, sizeof(path), "ext/%d", i);
		if (stat(path, &st) == 0 && st.st_uid == EXT_IN(i) &&
		    st.st_gid == EXT_IN(i))
			o->n_ok++;
	}
	/* The map read back from inside equals the one written. */
	o->uid = userns_read_map(0, "uid_map", &got) == 0 && got.n == want->n &&
		 memcmp(got.e, want->e, want->n * sizeof(want->e[0])) == 0;
	return 0;
}

static enum obs many_extents(struct ctx *c)
{
	static struct idmap m;
	struct nsrun r = { .via = NS_VIA_CLONE, .uid = &m, .gid = &m };
	char path[32];
	struct ids o;

	m.n = 0;
	TRY(c, mkdir("ext", 0755), "mkdir ext");
	for (int i = 0; i < EXTENTS; i++) {
		TRY(c, idmap_add(&m, EXT_IN(i), EXT_OUT(i), 1), "build map");
		snprintf(path, sizeof(path), "ext/%d", i);
		TRY(c, write_text_creat(path, ""), "create file");
		TRY(c,
		    chown(path, EXT_OUT(i), EXT_OUT(i)) < 0 ? neg_errno() : 0,
		    "chown file");
	}
	r.flags = c->isolate ? CLONE_NEWUSER : 0;
	TRY(c, legacy_nsrun(&r, stat_extents, &m, &o, sizeof(o), NULL),
	    "run the child");
	ctx_kv(c, "extents", "%d", EXTENTS);
	ctx_kv(c, "files owned by their inside id", "%u", o.n_ok);
	ctx_kv(c, "uid_map read back", "%s", o.uid ? "equal" : "differs");
	return ctx_holds(c, o.n_ok == EXTENTS,
			 "%u of %d files read as their inside id", o.n_ok,
			 EXTENTS);
}

static const struct scenario userns_nest[] = {
	{ .id = "userns/nesting",
	  .title = "user namespaces nest",
	  .property = "eight nested user namespaces, each mapping root, "
		      "stand eight NS_GET_PARENT steps below ours",
	  .expect = "leaf is 8 user namespace levels down",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .run = nesting },
	{ .id = "userns/setns-non-ancestor-fails",
	  .title = "setns into a non-ancestor user namespace fails",
	  .property = "a process in one user namespace cannot join a "
		      "sibling user namespace (EPERM)",
	  .expect = "EPERM",
	  .req = USER_REQ,
	  .tags = { "user", "setns" },
	  .run = setns_non_ancestor },
	{ .id = "userns/many-extents",
	  .title = "maps of more than five extents translate correctly",
	  .property = "with a 10-extent map, each file owned by an outside "
		      "id reads as its inside id (CVE-2018-18955)",
	  .expect = "10 of 10 files read as their inside id",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .run = many_extents },
};

BOXCHECK_AREA(userns_nest, userns_nest);
