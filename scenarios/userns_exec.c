// SPDX-License-Identifier: MIT
/*
 * execve in a user namespace: root of the namespace keeps a full
 * capability set over execve, and a set-user-ID program makes the euid
 * its owner's id as the namespace maps it, or nothing at all when the
 * namespace maps the file's uid or gid to no id. The program is a copy of
 * boxcheck on a tmpfs of the run's own (capbin_setup() in caps_util.h)
 * that prints its /proc/self/status. The isolating step is the user
 * namespace; the control is the same outer uid without one.
 */
#include "nsw.h"

struct exec_row {
	uid_t owner_uid;
	gid_t owner_gid;
	mode_t mode;
	bool root_inside; /* the caller is root inside (control: uid 100000) */
	unsigned view;	  /* what the program's view is read for: EXEC_* */
};

enum { E_CAPS, E_SETUID, E_UID_UNMAPPED, E_GID_UNMAPPED };
static const struct exec_row exec_rows[] = {
	[E_CAPS] = { 0, 0, 0755, true, EXEC_CAPS },
	[E_SETUID] = { UNPRIV_ID + 1, UNPRIV_ID + 1, 04755, false, EXEC_EUID },
	[E_UID_UNMAPPED] = { 200000, UNPRIV_ID, 04755, false, EXEC_EUID },
	[E_GID_UNMAPPED] = { UNPRIV_ID + 1, 200000, 04755, false, EXEC_EUID },
};

struct uexec_seen {
	uint32_t uid;	      /* the caller's uid before execve */
	struct exec_view new; /* the program's own view */
};

struct uexec_arg {
	const struct exec_row *row;
	int fd;
	bool user; /* in a user namespace (the isolating step) */
};

static int uexec_child(void *arg, void *out, size_t len)
{
	const struct uexec_arg *a = arg;
	struct uexec_seen *o = out;

	(void)len;
	if (a->user)
		NSW_TRY("become root inside", userns_become_root());
	else if (a->row->root_inside)
		NSW_TRY("become uid 100000", become_uid(UNPRIV_ID));
	o->uid = getuid();
	NSW_TRY("execute the copy", exec_view(a->fd, a->row->view, &o->new));
	return 0;
}

static int observe_exec(struct ctx *c, struct uexec_seen *o, int k)
{
	const struct exec_row *row = &exec_rows[k];
	_cleanup_close_ int fd = -1;
	struct idmap m;
	struct nsrun r = { .via = NS_VIA_CLONE,
			   .flags = c->isolate ? CLONE_NEWUSER : 0,
			   .uid = &m,
			   .gid = &m };
	struct uexec_arg a = { row, -1, c->isolate };

	idmap_single(&m, 0, UNPRIV_ID, 2);
	TRY_OBS(capbin_setup(c, 0, &fd));
	TRY(c, sysr(fchown(fd, row->owner_uid, row->owner_gid)),
	    "chown bin/status");
	TRY(c, sysr(fchmod(fd, row->mode)), "chmod bin/status");
	ctx_kv(c, "program", "owner %u:%u, mode %04o", row->owner_uid,
	       row->owner_gid, row->mode);
	a.fd = fd;
	return nsrun(c, "execute the copy from a child", &r, uexec_child, &a, o,
		     sizeof(*o));
}

static enum obs judge_exec_caps(struct judge *j, const struct uexec_seen *o)
{
	judge_kv(j, "uid", "%u", o->uid);
	judge_kv(j, "CapEff after execve", "%016llx",
		 (unsigned long long)o->new.eff);
	judge_kv(j, "CapBnd after execve", "%016llx",
		 (unsigned long long)o->new.bnd);
	if (o->uid != 0 && o->uid != UNPRIV_ID)
		return judge_unknown(j, "the caller is uid %u", o->uid);
	return judge_holds(j, o->new.eff && o->new.eff == o->new.bnd,
			   "uid %u: CapEff %016llx after execve", o->uid,
			   (unsigned long long)o->new.eff);
}

/* E_SETUID: euid 1, the owner's id inside; the others: unchanged. */
static enum obs judge_setuid(struct judge *j, const struct uexec_seen *o, int k)
{
	uint32_t want = k == E_SETUID ? 1 : o->uid;

	judge_kv(j, "uid before execve", "%u", o->uid);
	judge_kv(j, "euid after execve", "%u", o->new.euid);
	if (o->uid != 0)
		return judge_unknown(j, "the caller is uid %u, not 0", o->uid);
	return judge_holds(j, o->new.euid == want,
			   "uid %u runs the set-user-ID program: euid %u",
			   o->uid, o->new.euid);
}

#define EXEC_CHECK(name_, k_, judge_)                                          \
	static int observe_##name_(struct ctx *c, struct uexec_seen *o)        \
	{                                                                      \
		return observe_exec(c, o, k_);                                 \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct uexec_seen *o)              \
	{                                                                      \
		return judge_(j, o, k_);                                       \
	}                                                                      \
	CHECK(name_, struct uexec_seen, observe_##name_, judge_##name_)

static enum obs judge_caps_row(struct judge *j, const struct uexec_seen *o,
			       int k)
{
	(void)k;
	return judge_exec_caps(j, o);
}
EXEC_CHECK(exec_root_caps, E_CAPS, judge_caps_row);
EXEC_CHECK(exec_setuid, E_SETUID, judge_setuid);
EXEC_CHECK(exec_uid_unmapped, E_UID_UNMAPPED, judge_setuid);
EXEC_CHECK(exec_gid_unmapped, E_GID_UNMAPPED, judge_setuid);

#define EXEC_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER) | NS_BIT(NS_MNT),          \
		.features = FEAT_BIT(FEAT_USERNS),                             \
		.fs = { "tmpfs" }                                              \
	}
#define EXEC(id_, title_, prop_, expect_, check_)                              \
	{                                                                      \
		.id = "userns/" id_, .title = title_, .property = prop_,       \
		.expect = expect_, .req = EXEC_REQ,                            \
		.tags = { "user", "exec" }, .check = &check_                   \
	}

static const struct scenario userns_exec[] = {
	EXEC("exec-root-keeps-caps",
	     "execve by root of a user namespace keeps every capability",
	     "uid 100000 outside, root of its user namespace, executes a "
	     "program and has its full bounding set effective there",
	     "CapEff equals CapBnd after execve", exec_root_caps),
	EXEC("setuid-exec-mapped-owner",
	     "a set-user-ID program gives its owner's mapped id",
	     "root of a user namespace mapping 0-1 to 100000-100001 runs a "
	     "set-user-ID program of uid 100001: its euid is 1",
	     "euid 1", exec_setuid),
	EXEC("setuid-exec-uid-unmapped",
	     "a set-user-ID program of an unmapped uid is ignored",
	     "in a user namespace that does not map the program's owner uid, "
	     "its set-user-ID bit leaves the euid as it was",
	     "euid unchanged (0)", exec_uid_unmapped),
	EXEC("setuid-exec-gid-unmapped",
	     "a set-user-ID program with an unmapped gid is ignored",
	     "in a user namespace that maps the program's owner uid but not "
	     "its group, its set-user-ID bit leaves the euid as it was",
	     "euid unchanged (0)", exec_gid_unmapped),
};

BOXCHECK_AREA(userns_exec, userns_exec);
