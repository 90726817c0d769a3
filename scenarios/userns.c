// SPDX-License-Identifier: MIT
/* User namespace scenarios. Maps are written by the parent, over pipes. */
#include "userns.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>

#define NAME "boxcheck-ns"

/* ---- ids ------------------------------------------------------------- */

/* The uid of pid as the caller's namespace sees it (/proc status). */
static int outer_uid(pid_t pid, uint32_t *uid)
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
	if (mutant_on(M_OUTER_UID))
		*uid = UNPRIV_ID;
	return 0;
}

struct maps_to {
	uint32_t inside, outside; /* the child's uid to itself and to us */
};

/* A child in a user ns mapping 0 to UNPRIV_ID (control: a plain fork). */
static int observe_maps_to(struct ctx *c, struct maps_to *o)
{
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct nsrun r = userns_run(c);

	TRY(c, chan_open(&res), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, r.flags ? userns_fork(0, r.uid, r.gid, false) : ns_fork(0),
		  "fork the child");
	if (pid == 0) {
		int err = userns_become_root();
		uint32_t uid = getuid();
		live_send(&res, "become root", err, &uid, sizeof(uid));
		live_wait(&hold);
		_exit(0);
	}
	TRY_OBS(live_recv(c, "the child", &res, &o->inside, sizeof(o->inside)));
	TRY(c, outer_uid(pid, &o->outside), "read the child's uid from here");
	return 0;
}

static enum obs judge_maps_to(struct judge *j, const struct maps_to *o)
{
	judge_kv(j, "uid inside", "%u", o->inside);
	judge_kv(j, "uid outside", "%u", o->outside);
	return judge_holds(j, o->inside == 0 && o->outside == UNPRIV_ID,
			   "uid %u inside is %u outside", o->inside,
			   o->outside);
}
CHECK(root_maps_to_unpriv, struct maps_to, observe_maps_to, judge_maps_to);

struct owner {
	uint32_t uid, gid;
};

struct overflow {
	struct owner root;	     /* the owner of / seen by the child */
	uint32_t over_uid, over_gid; /* the overflow ids of this host */
};

static int stat_root(void *arg, void *out, size_t len)
{
	struct owner *o = out;
	int r = file_owner(AT_FDCWD, "/", &o->uid, &o->gid);

	(void)arg;
	(void)len;
	return r < 0 ? child_fail("stat /", r) : 0;
}

static int observe_overflow(struct ctx *c, struct overflow *o)
{
	struct nsrun r = userns_run(c);

	TRY(c, userns_overflow_ids(&o->over_uid, &o->over_gid),
	    "read the overflow ids");
	TRY_OBS(nsrun(c, "stat / in the child", &r, stat_root, NULL, &o->root,
		      sizeof(o->root)));
	return 0;
}

static enum obs judge_overflow(struct judge *j, const struct overflow *o)
{
	judge_kv(j, "owner of /", "%u:%u", o->root.uid, o->root.gid);
	judge_kv(j, "overflow ids", "%u:%u", o->over_uid, o->over_gid);
	if (o->over_uid == 0 || o->over_gid == 0)
		return judge_unknown(j, "the overflow ids are root's own");
	return judge_holds(
		j, o->root.uid == o->over_uid && o->root.gid == o->over_gid,
		"/ is owned by %u:%u", o->root.uid, o->root.gid);
}
CHECK(unmapped_is_overflow, struct overflow, observe_overflow, judge_overflow);

/* ---- capabilities inside give no power outside --------------------- */

struct host_file {
	uint64_t caps;	/* the opener's CapEff */
	int public_err; /* open of a 0644 file beside it: the path is open */
	int secret_err; /* open of the 0600 root file */
};

static int open_err(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int open_secret(void *arg, void *out, size_t len)
{
	int dfd = *(const int *)arg, r;
	struct host_file *o = out;

	(void)len;
	if ((r = userns_become_root()) < 0)
		return child_fail("become root", r);
	if ((r = cap_eff_self(&o->caps)) < 0)
		return child_fail("read CapEff", r);
	o->public_err = open_err(dfd, "public");
	o->secret_err = open_err(dfd, "secret");
	return 0;
}

/* pub/ (0755) holds secret (0600) and public (0644), all host root's. */
static int observe_host_file(struct ctx *c, struct host_file *o)
{
	_cleanup_close_ int dfd = -1;
	struct nsrun r = userns_run(c);

	TRY(c, mkdir("pub", 0755) < 0 ? neg_errno() : 0, "mkdir pub");
	TRY(c, chmod("pub", 0755) < 0 ? neg_errno() : 0, "chmod pub");
	TRY(c, write_text_creat("pub/secret", "host secret\n"), "write secret");
	TRY(c, chmod("pub/secret", 0600) < 0 ? neg_errno() : 0, "chmod secret");
	TRY(c, write_text_creat("pub/public", "public\n"), "write public");
	TRY(c, chmod("pub/public", 0644) < 0 ? neg_errno() : 0, "chmod public");
	/* By fd: the 0700 run dir above is not on the child's path. */
	dfd = TRY(c, open("pub", O_PATH | O_DIRECTORY | O_CLOEXEC), "open pub");
	TRY_OBS(nsrun(c, "open the files in the child", &r, open_secret, &dfd,
		      o, sizeof(*o)));
	return 0;
}

static enum obs judge_host_file(struct judge *j, const struct host_file *o)
{
	judge_kv(j, "CapEff", "%016llx", (unsigned long long)o->caps);
	judge_kv(j, "open pub/public (0644)", "%s",
		 o->public_err ? strerrorname_np(o->public_err) : "ok");
	if (!HAS_CAP(o->caps, CAP_DAC_OVERRIDE))
		return judge_unknown(j, "the opener holds no CAP_DAC_OVERRIDE");
	if (o->public_err)
		return judge_unknown(j, "pub/ is not open to the opener (%s)",
				     strerrorname_np(o->public_err));
	return judge_errno(j, o->secret_err, EACCES, "open pub/secret (0600)",
			   "open of the 0600 root file");
}
CHECK(caps_no_host_file, struct host_file, observe_host_file, judge_host_file);

struct outer_uts {
	uint64_t caps; /* CapEff when calling sethostname */
	int err;       /* its errno, 0 if it succeeded */
};

/* In a UTS ns made by real root (the host's stand-in): maybe a user ns. */
static int set_outer_hostname(void *arg, void *out, size_t len)
{
	struct outer_uts *o = out;
	int r;

	(void)len;
	if (*(const bool *)arg && unshare(CLONE_NEWUSER) < 0)
		return child_fail("unshare(CLONE_NEWUSER)", neg_errno());
	if ((r = cap_eff_self(&o->caps)) < 0)
		return child_fail("read CapEff", r);
	o->err = sethostname(NAME, strlen(NAME)) < 0 ? errno : 0;
	return 0;
}

static int observe_outer_uts(struct ctx *c, struct outer_uts *o)
{
	bool new_user = c->isolate;

	TRY_OBS(run_in_child(c, "sethostname in the child", CLONE_NEWUTS,
			     set_outer_hostname, &new_user, o, sizeof(*o)));
	return 0;
}

static enum obs judge_outer_uts(struct judge *j, const struct outer_uts *o)
{
	judge_kv(j, "CapEff", "%016llx", (unsigned long long)o->caps);
	if (!HAS_CAP(o->caps, CAP_SYS_ADMIN))
		return judge_unknown(j, "the caller holds no CAP_SYS_ADMIN");
	return judge_errno(j, o->err, EPERM, "sethostname",
			   "sethostname on a UTS ns owned outside");
}
CHECK(caps_no_outer_uts, struct outer_uts, observe_outer_uts, judge_outer_uts);

/* ---- setgroups ------------------------------------------------------ */

struct setgroups_seen {
	char file[16]; /* /proc/self/setgroups */
	int err;       /* errno of setgroups(0, NULL), 0 if it succeeded */
};

static int try_setgroups(void *arg, void *out, size_t len)
{
	struct setgroups_seen *o = out;
	int r;

	(void)arg;
	(void)len;
	r = read_text("/proc/self/setgroups", o->file, sizeof(o->file));
	if (r < 0)
		return child_fail("read /proc/self/setgroups", r);
	chomp(o->file);
	o->err = setgroups(0, NULL) < 0 ? errno : 0;
	return 0;
}

/* Both runs in a user ns; the action is the "deny". */
static int observe_setgroups(struct ctx *c, struct setgroups_seen *o)
{
	struct nsrun r = userns_run(c);

	r.flags = CLONE_NEWUSER;
	r.deny_setgroups = c->isolate;
	TRY_OBS(nsrun(c, "setgroups in the child", &r, try_setgroups, NULL, o,
		      sizeof(*o)));
	return 0;
}

static enum obs judge_setgroups(struct judge *j, const struct setgroups_seen *o)
{
	judge_kv(j, "setgroups file", "%s", o->file);
	return judge_errno(j, o->err, EPERM, "setgroups()", "setgroups()");
}
CHECK(setgroups_deny, struct setgroups_seen, observe_setgroups,
      judge_setgroups);

struct gid_map_write {
	int err; /* errno of the gid_map write, 0 if it succeeded */
};

/* As uid UNPRIV_ID: a child in a new user ns, then its gid_map. */
static int unpriv_gid_map(void *arg, void *out, size_t len)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct gid_map_write *o = out;
	char path[64], map[64];
	int r;

	(void)len;
	if (setgroups(0, NULL) < 0 ||
	    setresgid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) < 0 ||
	    setresuid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) < 0 ||
	    prctl(PR_SET_DUMPABLE, 1) < 0)
		return child_fail("become uid 100000", neg_errno());
	if ((r = chan_open(&hold)) < 0)
		return child_fail("pipe", r);
	pid = ns_fork(CLONE_NEWUSER);
	if (pid < 0)
		return child_fail("clone a user ns", pid);
	if (pid == 0) {
		live_wait(&hold);
		_exit(0);
	}
	snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
	if (*(const bool *)arg && (r = write_text(path, "deny")) < 0)
		return child_fail("write \"deny\" to setgroups", r);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	snprintf(map, sizeof(map), "0 %u 1\n", UNPRIV_ID);
	o->err = -write_text(path, map);
	return 0;
}

static int observe_gid_map(struct ctx *c, struct gid_map_write *o)
{
	bool deny = c->isolate;

	TRY_OBS(run_in_child(c, "the unprivileged parent", 0, unpriv_gid_map,
			     &deny, o, sizeof(*o)));
	return 0;
}

static enum obs judge_gid_map(struct judge *j, const struct gid_map_write *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "gid_map write", "%s", e);
	if (o->err && o->err != EPERM)
		return judge_unknown(j, "the gid_map write failed with %s", e);
	return judge_holds(j, o->err == 0, "uid %u writes gid_map: %s",
			   UNPRIV_ID, e);
}
CHECK(gid_map_needs_deny, struct gid_map_write, observe_gid_map, judge_gid_map);

static const struct scenario userns[] = {
	{ .id = "userns/root-maps-to-unprivileged",
	  .title = "root inside is an unprivileged uid outside",
	  .property = "with uid_map \"0 100000 1\" the child is uid 0 to "
		      "itself and uid 100000 to its parent",
	  .expect = "uid 0 inside is 100000 outside",
	  .req = USER_REQ,
	  .tags = { "user", "core" },
	  .check = &root_maps_to_unpriv },
	{ .id = "userns/unmapped-is-overflow",
	  .title = "unmapped ids read as the overflow id",
	  .property = "inside a user namespace that maps only one id, a "
		      "file owned by host root reads as 65534",
	  .expect = "/ is owned by 65534:65534",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .check = &unmapped_is_overflow },
	{ .id = "userns/caps-no-power-over-host-file",
	  .title = "capabilities inside do not open a host root-only file",
	  .property = "root inside a user namespace, with CAP_DAC_OVERRIDE "
		      "there, cannot open a 0600 file owned by host root in "
		      "a directory it can search",
	  .expect = "EACCES",
	  .req = USER_REQ,
	  .tags = { "user", "caps", "core" },
	  .check = &caps_no_host_file },
	{ .id = "userns/caps-no-power-over-outer-uts",
	  .title = "capabilities inside cannot set an outer hostname",
	  .property = "after unshare(CLONE_NEWUSER), CAP_SYS_ADMIN does not "
		      "allow sethostname on a UTS namespace owned outside",
	  .expect = "EPERM",
	  .req = { .root = true,
		   .ns = NS_BIT(NS_USER) | NS_BIT(NS_UTS),
		   .features = FEAT_BIT(FEAT_USERNS) },
	  .tags = { "user", "caps", "uts" },
	  .check = &caps_no_outer_uts },
	{ .id = "userns/setgroups-deny",
	  .title = "setgroups \"deny\" disables setgroups(2)",
	  .property = "after \"deny\" is written to /proc/PID/setgroups, "
		      "root inside the user namespace gets EPERM from "
		      "setgroups()",
	  .expect = "setgroups(): EPERM",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .check = &setgroups_deny },
	{ .id = "userns/unprivileged-gid-map-needs-deny",
	  .title = "an unprivileged gid_map needs setgroups \"deny\" first",
	  .property = "a non-root parent can write its child's gid_map only "
		      "after writing \"deny\" to its setgroups",
	  .expect = "uid 100000 writes gid_map: ok",
	  .req = USER_REQ,
	  .tags = { "user" },
	  .check = &gid_map_needs_deny },
};

BOXCHECK_AREA(userns, userns);
