// SPDX-License-Identifier: MIT
#include "overlay.h"
#include "ns.h"
#include "rootfs.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static int append(char *buf, size_t len, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (*at + n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf + *at, s, n + 1);
	*at += n;
	return 0;
}

/* Paths with ',' or ':' would need escaping; refuse them instead. */
static bool plain(const char *p)
{
	return p && !strpbrk(p, ",:\\");
}

int overlay_options(const struct overlay_spec *s, char *buf, size_t len)
{
	size_t at = 0;
	int r = 0;

	if (s->n_lowers == 0 || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	r = append(buf, len, &at, "lowerdir=");
	for (size_t i = 0; r == 0 && i < s->n_lowers; i++) {
		if (!plain(s->lowers[i]))
			return -EINVAL;
		r = append(buf, len, &at, i ? ":" : "");
		if (r == 0)
			r = append(buf, len, &at, s->lowers[i]);
	}
	if (r == 0 && s->upper) {
		if (!plain(s->upper) || !plain(s->work))
			return -EINVAL;
		r = append(buf, len, &at, ",upperdir=");
		r = r ?: append(buf, len, &at, s->upper);
		r = r ?: append(buf, len, &at, ",workdir=");
		r = r ?: append(buf, len, &at, s->work);
	}
	if (r == 0 && s->extra && *s->extra) {
		r = append(buf, len, &at, ",");
		r = r ?: append(buf, len, &at, s->extra);
	}
	return r;
}

int overlay_mount(const struct overlay_spec *s, const char *target)
{
	char opts[4096];
	int r = overlay_options(s, opts, sizeof(opts));

	if (r < 0)
		return r;
	if (mount("overlay", target, "overlay", 0, opts) < 0)
		return neg_errno();
	return 0;
}

/* One fsconfig() call for "key=value" (a string) or "key" (a flag). */
static int fs_set(int fsfd, const char *opt)
{
	char key[256];
	const char *eq = strchr(opt, '=');
	long r;

	if (snprintf(key, sizeof(key), "%.*s",
		     (int)(eq ? (size_t)(eq - opt) : strlen(opt)),
		     opt) >= (int)sizeof(key))
		return -ENAMETOOLONG;
	if (eq)
		r = syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, key,
			    eq + 1, 0);
	else
		r = syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, key, NULL,
			    0);
	return r < 0 ? neg_errno() : 0;
}

/* Each comma separated option of the legacy string, in order. */
static int fs_set_all(int fsfd, char *opts)
{
	char *save = NULL;
	int r = 0;

	for (char *o = strtok_r(opts, ",", &save); r == 0 && o;
	     o = strtok_r(NULL, ",", &save))
		r = fs_set(fsfd, o);
	return r;
}

int overlay_mount_fsopen(const struct overlay_spec *s, const char *target)
{
	_cleanup_close_ int fsfd = -1, mfd = -1;
	char opts[4096];
	int r = overlay_options(s, opts, sizeof(opts));

	if (r < 0)
		return r;
	/* 1. A filesystem context for overlay. */
	fsfd = syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return neg_errno();
	/* 2. Its parameters, one fsconfig() each. */
	r = fs_set_all(fsfd, opts);
	if (r < 0)
		return r;
	/* 3. Create the superblock: the layers are checked here. */
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return neg_errno();
	/* 4. A detached mount of it, not yet in any tree. */
	mfd = syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return neg_errno();
	/* 5. Attach it on target. */
	if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, target,
		    MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return neg_errno();
	return 0;
}

static _Noreturn void userns_child(struct chan *go, struct chan *res,
				   const struct overlay_spec *s,
				   const char *target, int (*then)(void *),
				   void *arg)
{
	int r, v;

	close(go->wr);
	close(res->rd);
	/* Wait until the parent has written the id maps. */
	r = chan_recv_int(go, &v);
	if (r == 0 && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		r = neg_errno();
	if (r == 0)
		r = overlay_mount(s, target);
	if (r == 0 && then)
		r = then(arg);
	chan_send_int(res, r);
	_exit(0);
}

static int write_maps(pid_t pid, uid_t uid, gid_t gid)
{
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
	r = write_text(path, "deny");
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	r = r ?: write_fmt(path, "0 %u 1", uid);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return r ?: write_fmt(path, "0 %u 1", gid);
}

int overlay_userns_run(const struct overlay_spec *s, const char *target,
		       uid_t uid, gid_t gid, int (*then)(void *arg), void *arg)
{
	_cleanup_chan_ struct chan go = CHAN_INIT, res = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	int r, v = -EPIPE;

	/* 1. Two pipes: "maps written" down, the result up. */
	r = chan_open(&go);
	if (r == 0)
		r = chan_open(&res);
	if (r < 0)
		return r;
	/* 2. The child, in a new user namespace and mount namespace. */
	pid = ns_fork(CLONE_NEWUSER | CLONE_NEWNS);
	if (pid < 0)
		return pid;
	if (pid == 0)
		userns_child(&go, &res, s, target, then, arg);
	closep(&go.rd);
	closep(&res.wr);
	go.rd = res.wr = -1;
	/* 3. Map its root to uid:gid outside, and let it go. */
	r = write_maps(pid, uid, gid);
	if (r < 0)
		return r;
	r = chan_send_int(&go, 0);
	/* 4. Its result; then reap it. */
	if (r == 0)
		chan_recv_int(&res, &v);
	r = wait_status(TAKE_PID(pid), NULL);
	return r < 0 ? r : v;
}

const struct ovl_opt_info ovl_opt_table[OVL_OPT__COUNT] = {
	[OVL_REDIRECT_DIR] = { "redirect_dir",
			       "redirect_dir=on",
			       { "redirect_dir=on" } },
	[OVL_INDEX] = { "index", "index=on", { "index=on" } },
	[OVL_METACOPY] = { "metacopy", "metacopy=on", { "metacopy=on" } },
	/* Accepted but dropped when all layers share one filesystem. */
	[OVL_XINO] = { "xino", "xino=on", { "xino=on" } },
	[OVL_VOLATILE] = { "volatile",
			   "volatile",
			   { "volatile", "fsync=volatile" } },
	[OVL_USERXATTR] = { "userxattr", "userxattr", { "userxattr" } },
};

static bool shown_in(const char *super, const struct ovl_opt_info *oi)
{
	for (size_t i = 0; i < ARRAY_SIZE(oi->shown) && oi->shown[i]; i++)
		if (opts_have(super, oi->shown[i]))
			return true;
	return false;
}

static int probe_one(const char *scratch, enum ovl_opt o, struct ovl_probe *p)
{
	static const char *const sub[] = { "l", "u", "w", "m" };
	char d[4][PATH_MAX], real[PATH_MAX];
	const char *lowers[1] = { d[0] };
	struct overlay_spec s = { lowers, 1, d[1], d[2],
				  ovl_opt_table[o].option };
	struct mnt_entry e;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(d[i], sizeof(d[i]), "%s/%s.%s", scratch,
			 ovl_opt_table[o].name, sub[i]);
		if (mkdir(d[i], 0755) < 0)
			return neg_errno();
	}
	r = overlay_mount(&s, d[3]);
	p->err[o] = r;
	if (r < 0)
		return 0;
	p->accepted |= OVL_BIT(o);
	if (realpath(d[3], real) && mountinfo_find(real, &e) == 0 &&
	    strcmp(e.fstype, "overlay") == 0 &&
	    shown_in(e.super, &ovl_opt_table[o]))
		p->effective |= OVL_BIT(o);
	return umount2(d[3], MNT_DETACH) < 0 ? neg_errno() : 0;
}

int overlay_probe_options(const char *scratch, struct ovl_probe *p)
{
	int r = rootfs_private_mntns();

	memset(p, 0, sizeof(*p));
	for (int o = 0; r == 0 && o < OVL_OPT__COUNT; o++)
		r = probe_one(scratch, o, p);
	return r;
}

void ovl_opts_describe(unsigned mask, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int o = 0; o < OVL_OPT__COUNT && at < len; o++)
		if (mask & OVL_BIT(o))
			at += snprintf(buf + at, len - at, "%s%s",
				       at ? " " : "", ovl_opt_table[o].name);
	if (!at)
		snprintf(buf, len, "none");
}
