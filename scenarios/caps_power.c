// SPDX-License-Identifier: MIT
/*
 * What a capability lets root do, and where (capabilities(7), "Interaction
 * with user namespaces"; user_namespaces(7)): capabilities held in a user
 * namespace act on what that namespace owns (its UTS namespace) and not on
 * what is checked against the initial one (device nodes, lowering nice,
 * mounting a filesystem without FS_USERNS_MOUNT); and root whose effective
 * set lacks CAP_DAC_OVERRIDE or CAP_NET_BIND_SERVICE is refused like
 * anyone else.
 */
#include "caps_util.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#define HOSTNAME "boxcheck-caps"

struct power_seen {
	int err;      /* the probed call's errno, 0 if it succeeded */
	uint64_t eff; /* CapEff just before it */
	uint64_t prm; /* CapPrm just before it */
	long extra;   /* what else the probe needs judged (see each) */
};

/* Root of the user ns (when there is one), CapEff read. */
static int as_root(struct power_seen *o)
{
	struct capstat s;
	int r;

	if ((r = userns_become_root()) < 0)
		return child_fail("become root", r);
	if ((r = capstat_self(&s)) < 0)
		return child_fail("read the sets", r);
	o->eff = s.eff;
	o->prm = s.prm;
	return 0;
}

static enum obs judge_refused(struct judge *j, const struct power_seen *o,
			      int cap, int want, const char *what)
{
	judge_mask(j, "CapEff", o->eff);
	if (!((o->eff >> cap) & 1))
		return judge_unknown(j, "the caller lacks the capability");
	return judge_errno(j, o->err, want, what, what);
}

/* A directory anyone may write, by fd: the run dir is root's 0700. */
static int open_dir(struct ctx *c, const char *name, int *fd)
{
	TRY(c, sysr(mkdir(name, 0777)), "mkdir");
	TRY(c, sysr(chmod(name, 0777)), "chmod 0777");
	*fd = TRY(c, open(name, O_PATH | O_DIRECTORY | O_CLOEXEC),
		  "open the directory");
	return 0;
}

/* ---- mknod ----------------------------------------------------------- */

static int try_mknod(void *arg, void *out, size_t len)
{
	struct power_seen *o = out;
	int r;

	(void)len;
	if ((r = as_root(o)) < 0)
		return r;
	o->err = sys_err(mknodat(*(const int *)arg, "null", S_IFCHR | 0600,
				 makedev(1, 3)));
	return 0;
}

static int observe_mknod(struct ctx *c, struct power_seen *o)
{
	_cleanup_close_ int dfd = -1;
	struct nsrun r = userns_run(c);

	TRY_OBS(open_dir(c, "dev", &dfd));
	TRY_OBS(nsrun(c, "mknod in the child", &r, try_mknod, &dfd, o,
		      sizeof(*o)));
	return 0;
}

static enum obs judge_mknod(struct judge *j, const struct power_seen *o)
{
	return judge_refused(j, o, CAP_MKNOD, EPERM, "mknod c 1 3");
}
CHECK(userns_mknod, struct power_seen, observe_mknod, judge_mknod);

/* ---- a lower nice value ---------------------------------------------- */

static int try_nice(void *arg, void *out, size_t len)
{
	struct power_seen *o = out;
	int r, now;

	(void)arg;
	(void)len;
	if ((r = as_root(o)) < 0)
		return r;
	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (errno)
		return child_fail("getpriority", neg_errno());
	o->extra = now;
	o->err = sys_err(setpriority(PRIO_PROCESS, 0, now - 1));
	return 0;
}

static int observe_nice(struct ctx *c, struct power_seen *o)
{
	struct nsrun r = userns_run(c);

	TRY_OBS(nsrun(c, "setpriority in the child", &r, try_nice, NULL, o,
		      sizeof(*o)));
	return 0;
}

static enum obs judge_nice(struct judge *j, const struct power_seen *o)
{
	judge_kv(j, "nice before", "%ld", o->extra);
	if (o->extra <= -20)
		return judge_unknown(j, "nice is already the lowest");
	return judge_refused(j, o, CAP_SYS_NICE, EACCES,
			     "setpriority to a lower nice value");
}
CHECK(userns_nice, struct power_seen, observe_nice, judge_nice);

/* ---- a filesystem a user namespace may not mount --------------------- */

/* fsopen + FSCONFIG_CMD_CREATE of type: the errno, 0 if it made one. */
static int fs_create_err(const char *type)
{
	_cleanup_close_ int fd = syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);

	if (fd < 0)
		return errno;
	if (syscall(SYS_fsconfig, fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return errno;
	return 0;
}

/*
 * In a mount namespace of its own (owned by the user namespace when there
 * is one): tmpfs, which has FS_USERNS_MOUNT, then devtmpfs, which has not.
 * Nothing is attached: fsmount() is never called.
 */
static int try_mount(void *arg, void *out, size_t len)
{
	struct power_seen *o = out;
	int r;

	(void)arg;
	(void)len;
	if ((r = as_root(o)) < 0)
		return r;
	o->extra = fs_create_err("tmpfs");
	o->err = cap_call_err(fs_create_err("devtmpfs"));
	return 0;
}

static int observe_mount(struct ctx *c, struct power_seen *o)
{
	struct nsrun r = userns_run(c);

	r.flags |= CLONE_NEWNS;
	TRY_OBS(nsrun(c, "create a devtmpfs in the child", &r, try_mount, NULL,
		      o, sizeof(*o)));
	return 0;
}

static enum obs judge_mount(struct judge *j, const struct power_seen *o)
{
	judge_kv(j, "tmpfs create", "%s",
		 o->extra ? strerrorname_np(o->extra) : "ok");
	if (o->extra)
		return judge_unknown(j, "the caller cannot create a tmpfs");
	return judge_refused(j, o, CAP_SYS_ADMIN, EPERM, "devtmpfs create");
}
CHECK(userns_mount, struct power_seen, observe_mount, judge_mount);

/* ---- the UTS namespace a user namespace owns ------------------------- */

static int try_hostname(void *arg, void *out, size_t len)
{
	struct power_seen *o = out;
	int r;

	(void)arg;
	(void)len;
	if ((r = as_root(o)) < 0)
		return r;
	o->err = sys_err(sethostname(HOSTNAME, strlen(HOSTNAME)));
	return 0;
}

/* In a user ns in both runs; the action: a UTS ns of its own. */
static int observe_owned(struct ctx *c, struct power_seen *o)
{
	struct nsrun r = userns_run(c);

	r.flags = CLONE_NEWUSER | (c->isolate ? CLONE_NEWUTS : 0);
	TRY_OBS(nsrun(c, "sethostname in the child", &r, try_hostname, NULL, o,
		      sizeof(*o)));
	return 0;
}

static enum obs judge_owned(struct judge *j, const struct power_seen *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_mask(j, "CapEff", o->eff);
	judge_kv(j, "sethostname", "%s", e);
	if (!((o->eff >> CAP_SYS_ADMIN) & 1))
		return judge_unknown(j, "the caller lacks CAP_SYS_ADMIN");
	if (o->err && o->err != EPERM)
		return judge_unknown(j, "sethostname failed with %s", e);
	return judge_holds(j, o->err == 0,
			   "sethostname with CAP_SYS_ADMIN "
			   "of a user namespace: %s",
			   e);
}
CHECK(userns_owned, struct power_seen, observe_owned, judge_owned);

/* ---- root without the capability in its effective set ---------------- */

static int clear_eff(bool act, capmask_t caps, struct power_seen *o)
{
	int r;

	if (act && (r = cap_flags_set(caps, CAP_EFFECTIVE, false)) < 0)
		return child_fail("clear the effective set", r);
	return as_root(o);
}

static int try_open(void *arg, void *out, size_t len)
{
	struct power_seen *o = out;
	int r, fd;

	(void)len;
	r = clear_eff(*(const bool *)arg,
		      CAPMASK(CAP_DAC_OVERRIDE) | CAPMASK(CAP_DAC_READ_SEARCH),
		      o);
	if (r < 0)
		return r;
	fd = open("secret", O_RDONLY | O_CLOEXEC);
	o->err = sys_err(fd);
	if (fd >= 0)
		close(fd);
	return 0;
}

static int observe_dac(struct ctx *c, struct power_seen *o)
{
	bool act = c->isolate;

	TRY(c, write_text_creat("secret", "mode 0000\n"), "write secret");
	TRY(c, sysr(chmod("secret", 0)), "chmod 0000 secret");
	TRY_OBS(run_in_child(c, "open in the child", 0, try_open, &act, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_dac(struct judge *j, const struct power_seen *o)
{
	judge_mask(j, "CapEff", o->eff);
	if (!((o->prm >> CAP_DAC_OVERRIDE) & 1))
		return judge_unknown(j, "CAP_DAC_OVERRIDE is not permitted");
	return judge_errno(j, o->err, EACCES, "open of a mode 0000 file",
			   "root opening a mode 0000 file");
}
CHECK(dac_dropped, struct power_seen, observe_dac, judge_dac);

static int try_bind(void *arg, void *out, size_t len)
{
	struct power_seen *o = out;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(80) };
	_cleanup_close_ int s = -1;
	char v[32];
	int r = clear_eff(*(const bool *)arg, CAPMASK(CAP_NET_BIND_SERVICE), o);

	(void)len;
	if (r < 0)
		return r;
	r = read_text("/proc/sys/net/ipv4/ip_unprivileged_port_start", v,
		      sizeof(v));
	if (r < 0)
		return child_fail("read ip_unprivileged_port_start", r);
	o->extra = strtol(v, NULL, 10);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return child_fail("socket", neg_errno());
	o->err = sys_err(bind(s, (struct sockaddr *)&a, sizeof(a)));
	return 0;
}

static int observe_bind(struct ctx *c, struct power_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "bind in the child", 0, try_bind, &act, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_bind(struct judge *j, const struct power_seen *o)
{
	judge_mask(j, "CapEff", o->eff);
	judge_kv(j, "ip_unprivileged_port_start", "%ld", o->extra);
	if (!((o->prm >> CAP_NET_BIND_SERVICE) & 1))
		return judge_unknown(j,
				     "CAP_NET_BIND_SERVICE is not permitted");
	if (o->extra <= 80)
		return judge_unknown(j, "port 80 is not privileged here");
	return judge_errno(j, o->err, EACCES, "bind to port 80",
			   "root binding port 80");
}
CHECK(bind_dropped, struct power_seen, observe_bind, judge_bind);

#define USERNS_REQ(cap_)                                                       \
	{                                                                      \
		.root = true, .caps = CAP_BIT(cap_), .ns = NS_BIT(NS_USER),    \
		.features = FEAT_BIT(FEAT_USERNS)                              \
	}

static const struct scenario caps_power[] = {
	{ .id = "caps/userns-no-mknod",
	  .title = "CAP_MKNOD in a user namespace makes no device node",
	  .property = "root of a user namespace, CAP_MKNOD in its effective "
		      "set, gets EPERM from mknod of a character device",
	  .expect = "EPERM",
	  .req = USERNS_REQ(CAP_MKNOD),
	  .tags = { "caps", "user" },
	  .check = &userns_mknod },
	{ .id = "caps/userns-no-lower-nice",
	  .title = "CAP_SYS_NICE in a user namespace cannot lower nice",
	  .property = "root of a user namespace, CAP_SYS_NICE in its "
		      "effective set, gets EACCES lowering its nice value",
	  .expect = "EACCES",
	  .req = USERNS_REQ(CAP_SYS_NICE),
	  .tags = { "caps", "user" },
	  .check = &userns_nice },
	{ .id = "caps/userns-no-devtmpfs-mount",
	  .title = "CAP_SYS_ADMIN in a user namespace cannot mount devtmpfs",
	  .property = "root of a user namespace, in a mount namespace it "
		      "owns, can create a tmpfs but gets EPERM creating a "
		      "filesystem without FS_USERNS_MOUNT (devtmpfs, fsopen)",
	  .expect = "EPERM",
	  .req = { .root = true,
		   .caps = CAP_BIT(CAP_SYS_ADMIN),
		   .ns = NS_BIT(NS_USER) | NS_BIT(NS_MNT),
		   .fs = { "devtmpfs" },
		   .features = FEAT_BIT(FEAT_USERNS) | FEAT_BIT(FEAT_FSOPEN) },
	  .tags = { "caps", "user", "mount" },
	  .check = &userns_mount },
	{ .id = "caps/userns-sethostname-owned-uts",
	  .title = "CAP_SYS_ADMIN in a user namespace sets the hostname of "
		   "the UTS namespace it owns",
	  .property = "root of a user namespace can sethostname in a UTS "
		      "namespace created with it, not in one owned outside",
	  .expect = "sethostname ok",
	  .req = { .root = true,
		   .ns = NS_BIT(NS_USER) | NS_BIT(NS_UTS),
		   .features = FEAT_BIT(FEAT_USERNS) },
	  .tags = { "caps", "user", "uts" },
	  .check = &userns_owned },
	{ .id = "caps/root-without-dac-override",
	  .title = "root without CAP_DAC_OVERRIDE obeys file modes",
	  .property = "root with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH "
		      "cleared from its effective set cannot open a mode 0000 "
		      "file",
	  .expect = "EACCES",
	  .req = { .root = true,
		   .caps = CAP_BIT(CAP_DAC_OVERRIDE) |
			   CAP_BIT(CAP_DAC_READ_SEARCH) },
	  .tags = { "caps" },
	  .check = &dac_dropped },
	{ .id = "caps/root-without-net-bind-service",
	  .title = "root without CAP_NET_BIND_SERVICE cannot bind port 80",
	  .property = "root with CAP_NET_BIND_SERVICE cleared from its "
		      "effective set gets EACCES binding TCP port 80",
	  .expect = "EACCES",
	  .req = { .root = true,
		   .caps = CAP_BIT(CAP_NET_BIND_SERVICE),
		   .ns = NS_BIT(NS_NET) },
	  .tags = { "caps", "net" },
	  .check = &bind_dropped },
};

BOXCHECK_AREA(caps_power, caps_power);
