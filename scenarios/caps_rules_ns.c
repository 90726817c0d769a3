// SPDX-License-Identifier: MIT
/*
 * Capabilities and user namespaces on files (capabilities(7), "Extended
 * attribute versioning", "Namespaced file capabilities", "Per-user-namespace
 * set-user-ID-root programs"): root of a user namespace that writes file
 * capabilities on a filesystem mounted outside it gets a version 3
 * attribute naming its root uid, where root outside gets version 2; a
 * version 3 attribute reads as version 2 in the namespace it names and
 * gives capabilities only there; a setuid file owned by the uid that made
 * a user namespace gives its root's capabilities there. The file is the
 * copy of boxcheck on the run's tmpfs (caps_util.h), owned by the
 * namespace's root uid UNPRIV_ID, or by uid 1000.
 */
#include "caps_rules.h"

#include <string.h>

#define CAP CAP_NET_RAW
#define NSF_REQ                                                                \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_SETFCAP) | CAP_BIT(CAP_SETUID) |           \
			CAP_BIT(CAP_SETGID) | CAP_BIT(CAP_SYS_ADMIN) |         \
			CAP_BIT(CAP_CHOWN) | CAP_BIT(CAP_NET_RAW),             \
		.ns = NS_BIT(NS_USER), .features = FEAT_BIT(FEAT_USERNS)       \
	}
#define HAS(m_, c_) (((m_) >> (c_)) & 1)

/* root -> UNPRIV_ID (and uid 1 -> UNPRIV_ID + 1), or from another base. */
static struct idmap ns_map;

static struct nsrun in_userns(uid_t base)
{
	idmap_single(&ns_map, 0, base, 2);
	return (struct nsrun){ .via = NS_VIA_CLONE,
			       .flags = CLONE_NEWUSER,
			       .uid = &ns_map,
			       .gid = &ns_map };
}

/* The copy, owned by the namespace's root uid. */
static int nsf_setup(struct ctx *c, int *fd)
{
	TRY_OBS(capbin_setup(c, 0, fd));
	TRY(c, sysr(fchown(*fd, UNPRIV_ID, UNPRIV_ID)), "chown bin/status");
	return 0;
}

/* As root of the caller's user namespace: cap_net_raw+p on the copy. */
static int write_fcaps(void *arg, void *out, size_t len)
{
	(void)out;
	(void)len;
	CHILD_TRY("become root", userns_become_root());
	CHILD_TRY("set file capabilities",
		  capbin_set_caps(*(const int *)arg, "cap_net_raw+p"));
	return 0;
}

static int read_fcaps(void *arg, void *out, size_t len)
{
	(void)len;
	CHILD_TRY("read security.capability",
		  fcap_read(*(const int *)arg, out));
	return 0;
}

static void judge_raw(struct judge *j, const char *key,
		      const struct fcap_raw *r)
{
	judge_kv(j, key, "v%u, rootid %u, %d bytes, permitted %016llx", r->rev,
		 r->rootid, r->size, (unsigned long long)r->prm);
}

/* ---- root of a user namespace writes version 3 ------------------------ */

struct written_seen {
	struct fcap_raw stored; /* as the worker reads it */
};

static int observe_written(struct ctx *c, struct written_seen *o)
{
	_cleanup_close_ int fd = -1;
	struct nsrun r = userns_run(c); /* the action: a user namespace */
	char none = 0;

	TRY_OBS(nsf_setup(c, &fd));
	TRY_OBS(nsrun(c, "write file capabilities in the child", &r,
		      write_fcaps, &fd, &none, 0));
	TRY(c, fcap_read(fd, &o->stored), "read security.capability");
	return 0;
}

static enum obs judge_written(struct judge *j, const struct written_seen *o)
{
	judge_raw(j, "stored", &o->stored);
	if (!HAS(o->stored.prm, CAP))
		return judge_unknown(j, "the attribute lacks cap_net_raw");
	return judge_holds(
		j, o->stored.rev == 3 && o->stored.rootid == UNPRIV_ID,
		"version %u, root uid %u", o->stored.rev, o->stored.rootid);
}
CHECK(v3_written, struct written_seen, observe_written, judge_written);

/* ---- version 3 reads as version 2 in its own namespace --------------- */

struct readback_seen {
	struct fcap_raw stored, seen; /* from outside; by the reader */
};

static int observe_readback(struct ctx *c, struct readback_seen *o)
{
	_cleanup_close_ int fd = -1;
	struct nsrun w = in_userns(UNPRIV_ID);
	struct nsrun r = userns_run(c); /* the action: read in its userns */
	char none = 0;

	TRY_OBS(nsf_setup(c, &fd));
	TRY_OBS(nsrun(c, "write file capabilities in a user namespace", &w,
		      write_fcaps, &fd, &none, 0));
	TRY(c, fcap_read(fd, &o->stored), "read security.capability");
	TRY_OBS(nsrun(c, "read file capabilities in the child", &r, read_fcaps,
		      &fd, &o->seen, sizeof(o->seen)));
	return 0;
}

static enum obs judge_readback(struct judge *j, const struct readback_seen *o)
{
	judge_raw(j, "stored", &o->stored);
	judge_raw(j, "read by the child", &o->seen);
	if (o->stored.rev != 3 || o->stored.rootid != UNPRIV_ID)
		return judge_unknown(j,
				     "the stored attribute is not version 3 "
				     "for root uid %u",
				     UNPRIV_ID);
	return judge_holds(j, o->seen.rev == 2 && HAS(o->seen.prm, CAP),
			   "the child reads version %u", o->seen.rev);
}
CHECK(v3_reads_v2, struct readback_seen, observe_readback, judge_readback);

/* ---- version 3 gives capabilities only under its root uid ------------ */

struct acts_seen {
	struct xstat before, after; /* ns uid 1, around the execve */
	int exec_err;
};

/* As uid 1 of the namespace (root first: then none), execute the copy. */
static int exec_as_1(void *arg, void *out, size_t len)
{
	struct acts_seen *o = out;

	(void)len;
	CHILD_TRY("become root", userns_become_root());
	CHILD_TRY("setresgid(1, 1, 1)", sysr(setresgid(1, 1, 1)));
	CHILD_TRY("setresuid(1, 1, 1)", sysr(setresuid(1, 1, 1)));
	CHILD_TRY("read the sets", xstat_self(&o->before));
	CHILD_TRY("execute the copy",
		  xstat_exec(*(const int *)arg, &o->exec_err, &o->after));
	return 0;
}

/* The executor's namespace has the attribute's root uid (the action). */
static int observe_acts(struct ctx *c, struct acts_seen *o)
{
	_cleanup_close_ int fd = -1;
	struct nsrun w = in_userns(UNPRIV_ID);
	char none = 0;

	TRY_OBS(nsf_setup(c, &fd));
	TRY_OBS(nsrun(c, "write file capabilities in a user namespace", &w,
		      write_fcaps, &fd, &none, 0));
	w = in_userns(c->isolate ? UNPRIV_ID : UNPRIV_ID + 2);
	TRY_OBS(nsrun(c, "execute the copy in a user namespace", &w, exec_as_1,
		      &fd, o, sizeof(*o)));
	return 0;
}

static enum obs judge_acts(struct judge *j, const struct acts_seen *o)
{
	judge_mask(j, "CapPrm before", o->before.s.prm);
	judge_mask(j, "CapPrm after", o->after.s.prm);
	judge_kv(j, "execve", "%s",
		 o->exec_err ? strerrorname_np(o->exec_err) : "ok");
	if (o->exec_err || o->before.s.prm || o->before.s.euid != 1)
		return judge_unknown(j, "uid 1 held capabilities, or the "
					"execve failed");
	return judge_cap_in(j, "CapPrm after execve", o->after.s.prm, CAP,
			    true);
}
CHECK(v3_acts, struct acts_seen, observe_acts, judge_acts);

/* ---- a setuid file of the namespace's creator ------------------------- */

/* uid 1000 (the creator) -> 0, 1001 -> 1, for uids and gids. */
static struct idmap creator_map;

/* In the namespace uid 1000 made: uid 1 executes the copy. */
static int creator_ns(void *arg, void *out, size_t len)
{
	struct nsrun r = { .via = NS_VIA_CLONE,
			   .flags = CLONE_NEWUSER,
			   .uid = &creator_map,
			   .gid = &creator_map };
	struct child_res res;
	struct capstat s;

	CHILD_TRY("setresgid(-1, 1000, -1)", sysr(setresgid(-1, CAPS_UID, -1)));
	CHILD_TRY("seteuid 1000", sysr(setresuid(-1, CAPS_UID, -1)));
	CHILD_TRY("read the sets", capstat_self(&s));
	CHILD_TRY("raise the effective set",
		  cap_flags_set(s.prm, CAP_EFFECTIVE, true));
	if (nsrun_raw(&r, exec_as_1, arg, out, len, &res) < 0)
		return child_relay_fail(&res,
					"the child in the user namespace");
	return 0;
}

/* The copy owned by uid 1000, setuid (the action) or not. */
static int observe_creator(struct ctx *c, struct acts_seen *o)
{
	_cleanup_close_ int fd = -1;

	idmap_single(&creator_map, 0, CAPS_UID, 2);
	TRY_OBS(capbin_setup(c, 0, &fd));
	TRY(c, sysr(fchown(fd, CAPS_UID, CAPS_UID)), "chown bin/status");
	TRY(c, sysr(fchmod(fd, c->isolate ? 04755 : 0755)), "chmod bin/status");
	TRY_OBS(run_in_child(c, "make a user namespace as uid 1000", 0,
			     creator_ns, &fd, o, sizeof(*o)));
	return 0;
}

static enum obs judge_creator(struct judge *j, const struct acts_seen *o)
{
	judge_mask(j, "CapBnd before", o->before.s.bnd);
	judge_mask(j, "CapPrm after", o->after.s.prm);
	judge_kv(j, "euid after", "%u", o->after.s.euid);
	if (o->exec_err || o->before.s.prm || o->before.s.euid != 1)
		return judge_unknown(j, "uid 1 held capabilities, or the "
					"execve failed");
	return judge_holds(
		j, o->after.s.euid == 0 && o->after.s.prm == o->before.s.bnd,
		"euid %u, CapPrm %016llx in the namespace", o->after.s.euid,
		(unsigned long long)o->after.s.prm);
}
CHECK(creator_suid, struct acts_seen, observe_creator, judge_creator);

static const struct scenario caps_rules_ns[] = {
	{ .id = "caps/userns-writes-v3-file-caps",
	  .title = "root of a user namespace writes version 3 file "
		   "capabilities",
	  .property = "file capabilities set by root of a user namespace on "
		      "a filesystem mounted outside it are stored as version "
		      "3 naming its root uid (root outside: version 2)",
	  .expect = "version 3, root uid 100000",
	  .req = NSF_REQ,
	  .tags = { "caps", "fcaps", "user" },
	  .check = &v3_written },
	{ .id = "caps/v3-file-caps-read-as-v2-inside",
	  .title = "version 3 file capabilities read as version 2 in their "
		   "namespace",
	  .property = "a version 3 attribute naming root uid 100000 reads as "
		      "version 2 in a user namespace whose root is 100000 "
		      "(outside: version 3)",
	  .expect = "version 2",
	  .req = NSF_REQ,
	  .tags = { "caps", "fcaps", "user" },
	  .check = &v3_reads_v2 },
	{ .id = "caps/v3-file-caps-act-under-their-root",
	  .title = "version 3 file capabilities act only under their root uid",
	  .property = "a file with version 3 cap_net_raw+p for root uid "
		      "100000 gives it to uid 1 of a namespace whose root is "
		      "100000, not of one whose root is 100002",
	  .expect = "cap_net_raw in CapPrm after execve",
	  .req = NSF_REQ,
	  .tags = { "caps", "fcaps", "user" },
	  .check = &v3_acts },
	{ .id = "caps/userns-creator-setuid-gives-caps",
	  .title = "a setuid file of a namespace's creator gives root's "
		   "capabilities there",
	  .property = "in a user namespace made by uid 1000 (its root), uid "
		      "1 executing a setuid file owned by uid 1000 becomes "
		      "root there with the whole bounding set",
	  .expect = "euid 0, CapPrm = CapBnd",
	  .req = NSF_REQ,
	  .tags = { "caps", "setuid", "user" },
	  .check = &creator_suid },
};

BOXCHECK_AREA(caps_rules_ns, caps_rules_ns);
