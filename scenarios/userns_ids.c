// SPDX-License-Identifier: MIT
/*
 * Ids in a user namespace: what set*id(), setgroups() and getuid() do
 * before and after the maps are written, what the map files read, how
 * System V IPC permissions and SCM_CREDENTIALS cross the boundary. The
 * isolating step is the new user namespace (the new PID namespace for the
 * PID in SCM_CREDENTIALS); the control makes the same calls without it.
 */
#include "nsw.h"
#include "pidns.h"

#include <grp.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/socket.h>

/* ---- credential calls ------------------------------------------------- */

enum cred_call { C_SETUID, C_SETGID, C_SETGROUPS, C_GETUID };

struct cred_row {
	enum cred_call call;
	uint32_t id; /* the id passed to setuid()/setgid() */
	bool maps;   /* maps "0 100000 1" written (else none) */
	int want;    /* the errno of the rule (C_GETUID: none) */
	const char *what;
};

enum { R_SETUID0, R_SETGID0, R_SETUID1, R_SETGID1, R_GROUPS, R_GETUID };
static const struct cred_row cred_rows[] = {
	[R_SETUID0] = { C_SETUID, 0, false, EINVAL, "setuid(0)" },
	[R_SETGID0] = { C_SETGID, 0, false, EINVAL, "setgid(0)" },
	[R_SETUID1] = { C_SETUID, 1, true, EINVAL, "setuid(1)" },
	[R_SETGID1] = { C_SETGID, 1, true, EINVAL, "setgid(1)" },
	[R_GROUPS] = { C_SETGROUPS, 0, false, EPERM, "setgroups(0, NULL)" },
	[R_GETUID] = { C_GETUID, 0, false, 0, "getuid()" },
};

struct cred_seen {
	int err;	    /* errno of the call, 0 if it worked */
	uint32_t uid;	    /* C_GETUID: what it returned */
	uint32_t overflow;  /* this host's overflow uid */
	char setgroups[16]; /* /proc/self/setgroups */
};

/*
 * The call and its errno. Mutation point M_CRED_CALL: as in a namespace
 * without maps, the errno looked for and the overflow uid.
 */
static int cred_child(void *arg, void *out, size_t len)
{
	const struct cred_row *row = arg;
	struct cred_seen *o = out;
	uint32_t gid;
	long r = 0;

	(void)len;
	NSW_TRY("read /proc/self/setgroups",
		read_text("/proc/self/setgroups", o->setgroups,
			  sizeof(o->setgroups)));
	chomp(o->setgroups);
	if (row->call == C_SETUID)
		r = setresuid(row->id, row->id, row->id);
	else if (row->call == C_SETGID)
		r = setresgid(row->id, row->id, row->id);
	else if (row->call == C_SETGROUPS)
		r = setgroups(0, NULL);
	o->uid = getuid();
	o->err = probe_errno(M_CRED_CALL, r, row->want);
	if (mutant_on(M_CRED_CALL) && userns_overflow_ids(&o->uid, &gid) < 0)
		return child_fail("read the overflow ids", -EIO);
	return 0;
}

static int observe_cred(struct ctx *c, struct cred_seen *o, int k)
{
	const struct cred_row *row = &cred_rows[k];
	struct nsrun r = userns_run(c);
	uint32_t gid;

	if (!row->maps)
		r.uid = r.gid = NULL;
	TRY_OBS(nsrun(c, row->what, &r, cred_child, (void *)row, o,
		      sizeof(*o)));
	TRY(c, userns_overflow_ids(&o->overflow, &gid),
	    "read the overflow ids");
	return 0;
}

static enum obs judge_cred(struct judge *j, const struct cred_seen *o, int k)
{
	const struct cred_row *row = &cred_rows[k];

	judge_kv(j, "setgroups", "%s", o->setgroups);
	if (row->call == C_GETUID) {
		judge_kv(j, "getuid()", "%u", o->uid);
		judge_kv(j, "overflow uid", "%u", o->overflow);
		if (o->overflow == 0)
			return judge_unknown(j, "the overflow uid is root's");
		return judge_holds(j, o->uid == o->overflow,
				   "getuid() returns %u", o->uid);
	}
	return judge_errno(j, o->err, row->want, row->what, row->what);
}

#define CRED_CHECK(name_, row_)                                                \
	static int observe_##name_(struct ctx *c, struct cred_seen *o)         \
	{                                                                      \
		return observe_cred(c, o, row_);                               \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct cred_seen *o)               \
	{                                                                      \
		return judge_cred(j, o, row_);                                 \
	}                                                                      \
	CHECK(name_, struct cred_seen, observe_##name_, judge_##name_)
CRED_CHECK(setuid0, R_SETUID0);
CRED_CHECK(setgid0, R_SETGID0);
CRED_CHECK(setuid1, R_SETUID1);
CRED_CHECK(setgid1, R_SETGID1);
CRED_CHECK(groups, R_GROUPS);
CRED_CHECK(getuid_over, R_GETUID);

/* ---- the map files ------------------------------------------------------ */

struct fresh_maps {
	unsigned uid_n, gid_n; /* extents read from our own maps */
};

/* Lines of /proc/self/<file>; M_IDMAP_READ: the identity map's one. */
static int map_lines(const char *file, unsigned *n)
{
	char text[4096];
	int r = proc_read(0, file, text, sizeof(text));

	if (r < 0)
		return r;
	*n = 0;
	for (const char *p = text; (p = strchr(p, '\n')); p++)
		++*n;
	if (mutant_on(M_IDMAP_READ))
		*n = 1;
	return 0;
}

static int read_own_maps(void *arg, void *out, size_t len)
{
	struct fresh_maps *o = out;

	(void)arg;
	(void)len;
	NSW_TRY("read uid_map", map_lines("uid_map", &o->uid_n));
	NSW_TRY("read gid_map", map_lines("gid_map", &o->gid_n));
	return 0;
}

static int observe_fresh(struct ctx *c, struct fresh_maps *o)
{
	struct nsrun r = userns_run(c);

	r.uid = r.gid = NULL;
	return nsrun(c, "read the maps in the child", &r, read_own_maps, NULL,
		     o, sizeof(*o));
}

static enum obs judge_fresh(struct judge *j, const struct fresh_maps *o)
{
	judge_kv(j, "uid_map extents", "%u", o->uid_n);
	judge_kv(j, "gid_map extents", "%u", o->gid_n);
	return judge_holds(j, o->uid_n == 0 && o->gid_n == 0,
			   "uid_map has %u lines, gid_map %u", o->uid_n,
			   o->gid_n);
}
CHECK(fresh_empty, struct fresh_maps, observe_fresh, judge_fresh);

/* T's uid_map ("0 200000 1") read from a namespace that maps 100000 only. */
#define OTHER_ID 200000u

static int read_other_map(void *arg, void *out, size_t len)
{
	struct idmap m;

	(void)len;
	NSW_TRY("read T's uid_map",
		userns_read_map(*(const pid_t *)arg, "uid_map", &m));
	if (m.n != 1)
		return child_fail("T's uid_map has one line", -EPROTO);
	*(struct idmap_extent *)out = m.e[0];
	return 0;
}

static int observe_unmapped(struct ctx *c, struct idmap_extent *o)
{
	_cleanup_holder_ struct holder t = HOLDER_INIT;
	struct nsrun r = userns_run(c);
	struct idmap other;

	idmap_single(&other, 0, OTHER_ID, 1);
	TRY(c, userns_holder(&t, 0), "start T");
	TRY(c, userns_write_maps(t.pid, &other, &other, false),
	    "write T's maps");
	return nsrun(c, "read T's uid_map in the child", &r, read_other_map,
		     &t.pid, o, sizeof(*o));
}

static enum obs judge_unmapped(struct judge *j, const struct idmap_extent *o)
{
	judge_kv(j, "T's uid_map as read", "%u %u %u", o->inside, o->outside,
		 o->count);
	return judge_holds(j, o->outside == UINT32_MAX,
			   "the second field reads %u", o->outside);
}
CHECK(unmapped_lower, struct idmap_extent, observe_unmapped, judge_unmapped);

/* The setgroups setting of a user namespace made inside one with "deny". */
static int child_setgroups(void *arg, void *out, size_t len)
{
	(void)arg;
	NSW_TRY("become root", nsmore_become_root());
	NSW_TRY("unshare(CLONE_NEWUSER)",
		unshare(CLONE_NEWUSER) < 0 ? neg_errno() : 0);
	NSW_TRY("read setgroups", read_text("/proc/self/setgroups", out, len));
	chomp(out);
	if (mutant_on(M_CRED_CALL))
		snprintf(out, len, "deny");
	return 0;
}

struct inherit_seen {
	char setgroups[16]; /* the child namespace's */
};

static int observe_inherit(struct ctx *c, struct inherit_seen *o)
{
	struct nsrun r = userns_run(c);

	r.flags = CLONE_NEWUSER;
	r.deny_setgroups = c->isolate;
	return nsrun(c, "make a child user namespace", &r, child_setgroups,
		     NULL, o->setgroups, sizeof(o->setgroups));
}

static enum obs judge_inherit(struct judge *j, const struct inherit_seen *o)
{
	judge_kv(j, "child namespace's setgroups", "%s", o->setgroups);
	return judge_holds(j, strcmp(o->setgroups, "deny") == 0,
			   "the child namespace's setgroups reads \"%s\"",
			   o->setgroups);
}
CHECK(setgroups_inherited, struct inherit_seen, observe_inherit, judge_inherit);

/* ---- System V IPC permissions ------------------------------------------- */

#define SHM_SECRET 0x62780061
#define SHM_PUBLIC 0x62780062

struct ipc_perm_seen {
	uint64_t caps;
	int public_err, secret_err;
};

static int shm_open_err(key_t key)
{
	int id = shmget(key, 0, 0400);

	return probe_errno(M_PERM_REFUSED, id, EACCES);
}

static int ipc_child(void *arg, void *out, size_t len)
{
	struct ipc_perm_seen *o = out;

	(void)arg;
	(void)len;
	NSW_TRY("become root", userns_become_root());
	NSW_TRY("read CapEff", cap_eff_self(&o->caps));
	o->public_err = shmget(SHM_PUBLIC, 0, 0400) < 0 ? errno : 0;
	o->secret_err = shm_open_err(SHM_SECRET);
	return 0;
}

static void shm_rm(key_t key)
{
	int id = shmget(key, 0, 0);

	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
}

static int observe_ipc_perm(struct ctx *c, struct ipc_perm_seen *o)
{
	struct nsrun r = userns_run(c);
	int ret;

	TRY_OBS(ns_fenced(c, NS_IPC));
	TRY(c, sysr(shmget(SHM_SECRET, 4096, IPC_CREAT | IPC_EXCL | 0600)),
	    "make the 0600 segment");
	if ((ret = sysr(shmget(SHM_PUBLIC, 4096, IPC_CREAT | IPC_EXCL | 0644))))
		shm_rm(SHM_SECRET);
	TRY(c, ret, "make the 0644 segment");
	ret = nsrun(c, "shmget in the child", &r, ipc_child, NULL, o,
		    sizeof(*o));
	shm_rm(SHM_SECRET);
	shm_rm(SHM_PUBLIC);
	return ret;
}

static enum obs judge_ipc_perm(struct judge *j, const struct ipc_perm_seen *o)
{
	judge_kv(j, "CapEff", "%016llx", (unsigned long long)o->caps);
	judge_kv(j, "shmget the 0644 segment for reading", "%s",
		 errname(o->public_err));
	if (!HAS_CAP(o->caps, CAP_IPC_OWNER))
		return judge_unknown(j, "the caller holds no CAP_IPC_OWNER");
	if (o->public_err)
		return judge_unknown(j, "the segments are out of reach (%s)",
				     errname(o->public_err));
	return judge_errno(j, o->secret_err, EACCES,
			   "shmget the 0600 segment for reading",
			   "read access to root's 0600 segment");
}
CHECK(ipc_perm, struct ipc_perm_seen, observe_ipc_perm, judge_ipc_perm);

/* ---- SCM_CREDENTIALS ------------------------------------------------------ */

struct scm_sent {
	uint32_t pid, uid;  /* what the sender put in (its getpid, getuid) */
	uint32_t proc_self; /* /proc/self in the worker's procfs */
};

static int scm_send(void *arg, void *out, size_t len)
{
	int sock = *(const int *)arg;
	struct scm_sent *s = out;
	char self[32], cbuf[CMSG_SPACE(sizeof(struct ucred))] = { 0 };
	struct ucred uc;
	struct iovec iov = { "x", 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	ssize_t n;

	(void)len;
	NSW_TRY("become root", userns_become_root());
	n = readlink("/proc/self", self, sizeof(self) - 1);
	NSW_TRY("readlink /proc/self", n < 0 ? neg_errno() : 0);
	self[n] = '\0';
	s->proc_self = (uint32_t)atoi(self);
	uc = (struct ucred){ getpid(), getuid(), getgid() };
	s->pid = (uint32_t)uc.pid;
	s->uid = uc.uid;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(uc));
	memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
	NSW_TRY("sendmsg", sendmsg(sock, &mh, 0) < 0 ? neg_errno() : 0);
	return 0;
}

/* The credentials on receipt. Mutation point M_SCM_CREDS: as sent. */
static int scm_recv(int sock, const struct scm_sent *s, struct ucred *got)
{
	char b, cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	if (recvmsg(sock, &mh, MSG_DONTWAIT) < 0)
		return neg_errno();
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_CREDENTIALS)
		return -ENOMSG;
	memcpy(got, CMSG_DATA(cm), sizeof(*got));
	if (mutant_on(M_SCM_CREDS))
		*got = (struct ucred){ (pid_t)s->pid, s->uid, got->gid };
	return 0;
}

struct scm_seen {
	struct scm_sent sent;
	uint32_t pid, uid; /* as received */
};

static int observe_scm(struct ctx *c, struct scm_seen *o, unsigned long ns)
{
	_cleanup_close_ int a = -1, b = -1;
	struct nsrun r = userns_run(c);
	int sv[2], on = 1;
	struct ucred got = { 0 };

	r.flags = c->isolate ? ns : 0;
	TRY(c, sysr(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)),
	    "socketpair");
	a = sv[0];
	b = sv[1];
	TRY(c, sysr(setsockopt(a, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on))),
	    "SO_PASSCRED");
	TRY_OBS(nsrun(c, "send credentials from the child", &r, scm_send, &b,
		      &o->sent, sizeof(o->sent)));
	TRY(c, scm_recv(a, &o->sent, &got), "receive the credentials");
	o->pid = (uint32_t)got.pid;
	o->uid = got.uid;
	return 0;
}

static int observe_scm_uid(struct ctx *c, struct scm_seen *o)
{
	return observe_scm(c, o, CLONE_NEWUSER);
}

static int observe_scm_pid(struct ctx *c, struct scm_seen *o)
{
	return observe_scm(c, o, CLONE_NEWPID);
}

static enum obs judge_scm_uid(struct judge *j, const struct scm_seen *o)
{
	judge_kv(j, "uid sent", "%u", o->sent.uid);
	judge_kv(j, "uid received", "%u", o->uid);
	if (o->sent.uid != 0)
		return judge_unknown(j, "the sender is uid %u, not 0",
				     o->sent.uid);
	return judge_holds(j, o->uid == UNPRIV_ID,
			   "uid 0 sent, uid %u received", o->uid);
}
CHECK(scm_uid, struct scm_seen, observe_scm_uid, judge_scm_uid);

static enum obs judge_scm_pid(struct judge *j, const struct scm_seen *o)
{
	judge_kv(j, "pid sent (getpid)", "%u", o->sent.pid);
	judge_kv(j, "sender's pid here (/proc/self)", "%u", o->sent.proc_self);
	judge_kv(j, "pid received", "%u", o->pid);
	return judge_holds(j,
			   o->pid == o->sent.proc_self && o->pid != o->sent.pid,
			   "pid %u sent, %u received (the sender is %u here)",
			   o->sent.pid, o->pid, o->sent.proc_self);
}
CHECK(scm_pid, struct scm_seen, observe_scm_pid, judge_scm_pid);

#define IDS(id_, title_, prop_, expect_, req_, check_)                         \
	{                                                                      \
		.id = id_, .title = title_, .property = prop_,                 \
		.expect = expect_, .req = req_, .tags = { "user", "ids" },     \
		.check = &check_                                               \
	}

static const struct scenario userns_ids[] = {
	IDS("userns/setuid-before-uid-map-einval",
	    "setuid() fails before uid_map is written",
	    "in a new user namespace whose uid_map is unwritten, setuid(0) "
	    "fails with EINVAL",
	    "EINVAL", USER_REQ, setuid0),
	IDS("userns/setgid-before-gid-map-einval",
	    "setgid() fails before gid_map is written",
	    "in a new user namespace whose gid_map is unwritten, setgid(0) "
	    "fails with EINVAL",
	    "EINVAL", USER_REQ, setgid0),
	IDS("userns/setuid-unmapped-einval", "setuid() takes mapped ids only",
	    "in a user namespace mapping uid 0 alone, setuid(1) fails with "
	    "EINVAL",
	    "EINVAL", USER_REQ, setuid1),
	IDS("userns/setgid-unmapped-einval", "setgid() takes mapped ids only",
	    "in a user namespace mapping gid 0 alone, setgid(1) fails with "
	    "EINVAL",
	    "EINVAL", USER_REQ, setgid1),
	IDS("userns/setgroups-before-gid-map-eperm",
	    "setgroups() fails until gid_map is written",
	    "in a new user namespace whose gid_map is unwritten (setgroups "
	    "reads allow), setgroups() fails with EPERM",
	    "EPERM", USER_REQ, groups),
	IDS("userns/getuid-before-map-overflow",
	    "getuid() is the overflow uid before uid_map is written",
	    "in a new user namespace whose uid_map is unwritten, getuid() "
	    "returns the overflow uid",
	    "getuid() returns 65534", USER_REQ, getuid_over),
	IDS("userns/new-maps-empty", "a new user namespace has no mapping",
	    "the uid_map and gid_map of a new user namespace read empty",
	    "uid_map has 0 lines, gid_map 0", USER_REQ, fresh_empty),
	IDS("userns/map-unmapped-lower-reads-max",
	    "an unmapped lower id reads as 4294967295",
	    "a uid_map line whose outside id the reader's namespace does not "
	    "map shows 4294967295 in the second field",
	    "the second field reads 4294967295", USER_REQ, unmapped_lower),
	IDS("userns/setgroups-inherited",
	    "a child user namespace inherits setgroups",
	    "a user namespace made inside one with setgroups \"deny\" reads "
	    "\"deny\" too",
	    "the child namespace's setgroups reads \"deny\"", USER_REQ,
	    setgroups_inherited),
	IDS("userns/sysv-ipc-perm-mapped-ids",
	    "System V IPC permissions check the mapped ids",
	    "root of a new user namespace, holding CAP_IPC_OWNER there, is "
	    "refused read access (EACCES) to a 0600 shared memory segment of "
	    "the outer root",
	    "EACCES", NSW_USER_REQ(NS_BIT(NS_IPC)), ipc_perm),
	IDS("userns/scm-credentials-uid-translated",
	    "SCM_CREDENTIALS uids are translated",
	    "uid 0 of a user namespace mapping it to 100000 sends "
	    "SCM_CREDENTIALS; the receiver outside reads uid 100000",
	    "uid 0 sent, uid 100000 received", USER_REQ, scm_uid),
	IDS("pidns/scm-credentials-pid-translated",
	    "SCM_CREDENTIALS pids are translated",
	    "a process of a child PID namespace sends its getpid() in "
	    "SCM_CREDENTIALS; the receiver outside reads its own view of "
	    "the sender's pid",
	    "pid 1 sent, the outer pid received", PID_REQ, scm_pid),
};

BOXCHECK_AREA(userns_ids, userns_ids);
