// SPDX-License-Identifier: MIT
/* User namespace scenarios. Maps are written by the parent, over pipes. */
#include "nsrun.h"

#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>

/* root inside -> UNPRIV_ID outside, for uid and gid. */
static struct idmap one_map;

static struct nsrun userns_run(struct ctx *c)
{
	idmap_single(&one_map, 0, UNPRIV_ID, 1);
	return (struct nsrun){ .via = NS_VIA_CLONE,
			       .flags = c->isolate ? CLONE_NEWUSER : 0,
			       .uid = &one_map,
			       .gid = &one_map };
}

/* The uid of pid as the caller's namespace sees it (/proc status). */
static int outer_uid(pid_t pid, uid_t *uid)
{
	char path[64], buf[4096], *l;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	r = read_text(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	l = strstr(buf, "\nUid:");
	if (!l || sscanf(l + 5, "%u", uid) != 1)
		return -EINVAL;
	return 0;
}

static enum obs root_maps_to_unpriv(struct ctx *c)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	int inside = -1;
	uid_t outside = 0;

	idmap_single(&one_map, 0, UNPRIV_ID, 1);
	TRY(c, chan_open(&ch), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c,
		  c->isolate ? userns_fork(0, &one_map, &one_map, false)
			     : fork(),
		  "fork the child");
	if (pid == 0) {
		char b;
		close(hold.wr);
		userns_become_root();
		chan_send_int(&ch, getuid());
		_exit(read(hold.rd, &b, 1) < 0);
	}
	TRY(c, chan_recv_int(&ch, &inside), "read the child's uid");
	TRY(c, outer_uid(pid, &outside), "read the child's status");
	ctx_kv(c, "uid inside", "%d", inside);
	ctx_kv(c, "uid outside", "%u", outside);
	return ctx_holds(c, inside == 0 && outside != 0,
			 "uid %d inside is %u outside", inside, outside);
}

struct ids {
	int err;
	uint32_t uid, gid, n_ok;
	char caps[32];
};

static int stat_root(void *arg, void *out, size_t len)
{
	struct ids *o = out;
	struct stat st;

	(void)arg;
	(void)len;
	if (stat("/", &st) < 0)
		return o->err = errno, 1;
	o->uid = st.st_uid;
	o->gid = st.st_gid;
	return 0;
}

static enum obs unmapped_is_overflow(struct ctx *c)
{
	struct nsrun r = userns_run(c);
	uint32_t over = userns_overflow_uid();
	struct ids o;

	TRY(c, nsrun(&r, stat_root, NULL, &o, sizeof(o), NULL),
	    "run the child");
	if (o.err)
		return ctx_error(c, -o.err, "stat /");
	ctx_kv(c, "owner of /", "%u:%u", o.uid, o.gid);
	ctx_kv(c, "overflowuid", "%u", over);
	return ctx_holds(c, o.uid == over && o.gid == userns_overflow_gid(),
			 "/ is owned by %u:%u", o.uid, o.gid);
}

/* ---- capabilities inside give no power outside --------------------- */

static void cap_eff(char *dst, size_t len)
{
	char buf[4096], *l;

	snprintf(dst, len, "?");
	if (read_text("/proc/self/status", buf, sizeof(buf)) < 0)
		return;
	l = strstr(buf, "CapEff:");
	if (l)
		sscanf(l + 7, "%31s", dst);
}

static int open_secret(void *arg, void *out, size_t len)
{
	struct ids *o = out;
	int fd;

	if (userns_become_root() < 0)
		return 2;
	fd = open("pub/secret", O_RDONLY | O_CLOEXEC);

	(void)arg;
	(void)len;
	o->err = fd < 0 ? errno : 0;
	closep(&fd);
	cap_eff(o->caps, sizeof(o->caps));
	return 0;
}

static enum obs caps_no_host_file(struct ctx *c)
{
	struct nsrun r = userns_run(c);
	struct ids o;

	TRY(c, mkdir("pub", 0755), "mkdir pub");
	TRY(c, write_text_creat("pub/secret", "host secret\n"), "write secret");
	TRY(c, chmod("pub/secret", 0600), "chmod secret");
	TRY(c, nsrun(&r, open_secret, NULL, &o, sizeof(o), NULL),
	    "run the child");
	ctx_kv(c, "CapEff", "%s", o.caps);
	ctx_kv(c, "open", "%s", o.err ? strerrorname_np(o.err) : "ok");
	return ctx_holds(c, o.err == EACCES,
			 "root inside (CapEff %s) opens a 0600 root file: %s",
			 o.caps, o.err ? strerrorname_np(o.err) : "ok");
}

/* The UTS ns made by real root stands for the host's. */
static int set_outer_hostname(void *arg, void *out, size_t len)
{
	struct ids *o = out;
	char name[65] = "";

	(void)len;
	gethostname(name, sizeof(name) - 1);
	if (*(bool *)arg && unshare(CLONE_NEWUSER) < 0)
		return o->err = errno, 1;
	cap_eff(o->caps, sizeof(o->caps));
	o->err = sethostname(name, strlen(name)) < 0 ? errno : 0;
	return 0;
}

static enum obs caps_no_outer_uts(struct ctx *c)
{
	struct ids o;

	TRY(c,
	    run_in_child(CLONE_NEWUTS, set_outer_hostname, &c->isolate, &o,
			 sizeof(o), NULL),
	    "run the child");
	ctx_kv(c, "CapEff", "%s", o.caps);
	ctx_kv(c, "sethostname", "%s", o.err ? strerrorname_np(o.err) : "ok");
	return ctx_holds(c, o.err == EPERM,
			 "sethostname on a UTS ns owned by the parent user "
			 "ns with CapEff %s: %s",
			 o.caps, o.err ? strerrorname_np(o.err) : "ok");
}

/* ---- setgroups ------------------------------------------------------ */

static int try_setgroups(void *arg, void *out, size_t len)
{
	struct ids *o = out;

	(void)arg;
	(void)len;
	o->err = setgroups(0, NULL) < 0 ? errno : 0;
	read_text("/proc/self/setgroups", o->caps, sizeof(o->caps));
	chomp(o->caps);
	return 0;
}

static enum obs setgroups_deny(struct ctx *c)
{
	struct nsrun r = userns_run(c);
	struct ids o;

	/* The control: a user namespace too, with setgroups left "allow". */
	r.flags = CLONE_NEWUSER;
	r.deny_setgroups = c->isolate;
	TRY(c, nsrun(&r, try_setgroups, NULL, &o, sizeof(o), NULL),
	    "run the child");
	ctx_kv(c, "setgroups file", "%s", o.caps);
	ctx_kv(c, "setgroups()", "%s", o.err ? strerrorname_np(o.err) : "ok");
	return ctx_holds(c, o.err == EPERM, "setgroups=%s, setgroups(): %s",
			 o.caps, o.err ? strerrorname_np(o.err) : "ok");
}

/* An unprivileged parent may write gid_map only after "deny". */
static int unpriv_gid_map(void *arg, void *out, size_t len)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct ids *o = out;
	char path[64], map[64];

	(void)len;
	if (setgroups(0, NULL) < 0 ||
	    setresgid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) < 0 ||
	    setresuid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) < 0 ||
	    prctl(PR_SET_DUMPABLE, 1) < 0 || chan_open(&hold) < 0)
		return 2;
	pid = ns_fork(CLONE_NEWUSER);
	if (pid == 0) {
		char b;
		close(hold.wr);
		_exit(read(hold.rd, &b, 1) < 0);
	}
	if (pid < 0)
		return 3;
	snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
	if (*(bool *)arg && write_text(path, "deny") < 0)
		return 4;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	snprintf(map, sizeof(map), "0 %u 1\n", UNPRIV_ID);
	o->err = -write_text(path, map);
	return 0;
}

static enum obs unpriv_gid_map_needs_deny(struct ctx *c)
{
	struct ids o;
	int st;

	TRY(c, run_in_child(0, unpriv_gid_map, &c->isolate, &o, sizeof(o), &st),
	    "run the unprivileged parent");
	if (exit_code_of(st))
		return ctx_error(c, 0, "unprivileged parent failed (exit %d)",
				 exit_code_of(st));
	ctx_kv(c, "gid_map write", "%s", o.err ? strerrorname_np(o.err) : "ok");
	return ctx_holds(c, o.err == 0, "uid %u writes gid_map: %s", UNPRIV_ID,
			 o.err ? strerrorname_np(o.err) : "ok");
}

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
	b = TRY(c, userns_fork(0, &one_map, &one_map, false),
		"make user namespace B");
	if (b == 0) {
		char x;
		close(hold.wr);
		_exit(read(hold.rd, &x, 1) < 0);
	}
	fd = TRY(c, ns_open(b, NS_USER), "open B's user ns");
	TRY(c, nsrun(&r, join_userns, &fd, &err, sizeof(err), NULL),
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
	TRY(c, nsrun(&r, stat_extents, &m, &o, sizeof(o), NULL),
	    "run the child");
	ctx_kv(c, "extents", "%d", EXTENTS);
	ctx_kv(c, "files owned by their inside id", "%u", o.n_ok);
	ctx_kv(c, "uid_map read back", "%s", o.uid ? "equal" : "differs");
	return ctx_holds(c, o.n_ok == EXTENTS,
			 "%u of %d files read as their inside id", o.n_ok,
			 EXTENTS);
}

#define USER_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER),                           \
		.features = FEAT_BIT(FEAT_USERNS)                              \
	}

static const struct scenario userns[] = {
	{ .id = "userns/root-maps-to-unprivileged",
	  .title = "root inside is an unprivileged uid outside",
	  .property = "with uid_map \"0 100000 1\" the child is uid 0 to "
		      "itself and uid 100000 to its parent",
	  .expect = "uid 0 inside is 100000 outside",
	  .req = USER_REQ,
	  .tags = { "user", "core" },
	  .run = root_maps_to_unpriv },
	{ .id = "userns/unmapped-is-overflow",
	  .title = "unmapped ids read as the overflow id",
	  .property = "inside a user namespace that maps only one id, a "
		      "file owned by host root reads as 65534",
	  .expect = "/ is owned by 65534:65534",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .run = unmapped_is_overflow },
	{ .id = "userns/caps-no-power-over-host-file",
	  .title = "capabilities inside do not open a host root-only file",
	  .property = "root inside a user namespace, with every capability "
		      "there, cannot open a 0600 file owned by host root",
	  .expect = "EACCES",
	  .req = USER_REQ,
	  .tags = { "user", "caps", "core" },
	  .run = caps_no_host_file },
	{ .id = "userns/caps-no-power-over-outer-uts",
	  .title = "capabilities inside cannot set an outer hostname",
	  .property = "after unshare(CLONE_NEWUSER), CAP_SYS_ADMIN does not "
		      "allow sethostname on a UTS namespace owned outside",
	  .expect = "EPERM",
	  .req = { .root = true,
		   .ns = NS_BIT(NS_USER) | NS_BIT(NS_UTS),
		   .features = FEAT_BIT(FEAT_USERNS) },
	  .tags = { "user", "caps", "uts" },
	  .run = caps_no_outer_uts },
	{ .id = "userns/setgroups-deny",
	  .title = "setgroups \"deny\" disables setgroups(2)",
	  .property = "after \"deny\" is written to /proc/PID/setgroups, "
		      "root inside the user namespace gets EPERM from "
		      "setgroups()",
	  .expect = "setgroups=deny, setgroups(): EPERM",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .run = setgroups_deny },
	{ .id = "userns/unprivileged-gid-map-needs-deny",
	  .title = "an unprivileged gid_map needs setgroups \"deny\" first",
	  .property = "a non-root parent can write its child's gid_map only "
		      "after writing \"deny\" to its setgroups",
	  .expect = "uid 100000 writes gid_map: ok",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .run = unpriv_gid_map_needs_deny },
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

BOXCHECK_AREA(userns, userns);
