// SPDX-License-Identifier: MIT
/* User namespace scenarios. Maps are written by the parent, over pipes. */
#include "userns.h"

#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>

/* root inside -> UNPRIV_ID outside, for uid and gid. */
struct idmap userns_one_map;

struct nsrun userns_run(struct ctx *c)
{
	idmap_single(&userns_one_map, 0, UNPRIV_ID, 1);
	return (struct nsrun){ .via = NS_VIA_CLONE,
			       .flags = c->isolate ? CLONE_NEWUSER : 0,
			       .uid = &userns_one_map,
			       .gid = &userns_one_map };
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

	idmap_single(&userns_one_map, 0, UNPRIV_ID, 1);
	TRY(c, chan_open(&ch), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c,
		  c->isolate ? userns_fork(0, &userns_one_map, &userns_one_map,
					   false)
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

	TRY(c, legacy_nsrun(&r, stat_root, NULL, &o, sizeof(o), NULL),
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
	TRY(c, legacy_nsrun(&r, open_secret, NULL, &o, sizeof(o), NULL),
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
	    legacy_run_in_child(CLONE_NEWUTS, set_outer_hostname, &c->isolate, &o,
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
	TRY(c, legacy_nsrun(&r, try_setgroups, NULL, &o, sizeof(o), NULL),
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

	TRY(c, legacy_run_in_child(0, unpriv_gid_map, &c->isolate, &o, sizeof(o), &st),
	    "run the unprivileged parent");
	if (exit_code_of(st))
		return ctx_error(c, 0, "unprivileged parent failed (exit %d)",
				 exit_code_of(st));
	ctx_kv(c, "gid_map write", "%s", o.err ? strerrorname_np(o.err) : "ok");
	return ctx_holds(c, o.err == 0, "uid %u writes gid_map: %s", UNPRIV_ID,
			 o.err ? strerrorname_np(o.err) : "ok");
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
};

BOXCHECK_AREA(userns, userns);
