// SPDX-License-Identifier: MIT
/*
 * What the layers' filesystems and mounts may be, and what reading and
 * executing lower files leaves (overlayfs.rst: "Upper and Lower",
 * "Non-standard behavior"). Layers sit on filesystems mounted here, in the
 * worker's private mount namespace: a read-only tmpfs, ramfs (no xattrs,
 * no file handles), a strictatime tmpfs. Each control does the same
 * operations on a bind of lower at merged, or mounts the overlay with an
 * upper where the isolated run has none, or the upper on tmpfs.
 */
#include "overlay_more.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static const char *const std_dirs[] = { "upper", "work", "merged" };

/* The overlay of lower (on merged), or the control's bind of lower. */
static int mount_or_bind(struct ctx *c, const char *lower)
{
	char o[256];

	if (!c->isolate)
		return ovl_sys(mount(lower, "merged", NULL, MS_BIND, NULL));
	snprintf(o, sizeof(o), "lowerdir=%s,upperdir=upper,workdir=work",
		 lower);
	return ovl_mount_opts(o, "merged");
}

/* ---- the lower layer need not be writable --------------------------- */

struct rolow {
	int wr_err;	    /* write merged/file */
	struct content now; /* merged/file after it */
	struct content low; /* L/lower/file after it */
};

static int observe_rolow(struct ctx *c, struct rolow *o)
{
	TRY(c, ovl_fs_at("L", "tmpfs"), "mount tmpfs on L");
	TRY(c, ovl_sys(mkdir("L/lower", 0755)), "mkdir L/lower");
	TRY(c, write_text_creat("L/lower/file", "lower\n"), "write lower");
	TRY(c, ovl_sys(mount(NULL, "L", NULL, MS_REMOUNT | MS_RDONLY, NULL)),
	    "make L read-only");
	TRY(c, ovl_mkdirs(std_dirs, ARRAY_SIZE(std_dirs)), "mkdir the dirs");
	TRY(c, mount_or_bind(c, "L/lower"), "mount merged");
	o->wr_err = -write_text_creat("merged/file", "new\n");
	TRY(c, read_content("merged/file", &o->now), "read merged/file");
	TRY(c, read_content("L/lower/file", &o->low), "read L/lower/file");
	return 0;
}

static enum obs judge_rolow(struct judge *j, const struct rolow *o)
{
	bool ok = !o->wr_err && content_is(&o->now, "new") &&
		  content_is(&o->low, "lower");

	judge_kv(j, "write", "%s", ovl_err(o->wr_err));
	return judge_holds(j, ok,
			   "a write through merged over a read-only lower: %s; "
			   "merged/file=%s, lower/file=%s",
			   ovl_err(o->wr_err), content_str(&o->now),
			   content_str(&o->low));
}
CHECK(lower_read_only, struct rolow, observe_rolow, judge_rolow);

/* ---- an upper without xattrs cannot record a redirect --------------- */

struct noxattr {
	int ren_err;	/* rename merged/dir merged/moved */
	char shown[32]; /* the redirect_dir mountinfo shows */
};

static int observe_noxattr(struct ctx *c, struct noxattr *o)
{
	static const char *const dirs[] = { "lower", "lower/dir", "U/upper",
					    "U/work", "merged" };
	char real[PATH_MAX];
	struct mnt_entry e;
	const char *r;

	TRY(c, ovl_fs_at("U", c->isolate ? "ramfs" : "tmpfs"),
	    "mount the upper's filesystem on U");
	TRY(c, ovl_mkdirs(dirs, ARRAY_SIZE(dirs)), "mkdir the layers");
	TRY(c, write_text_creat("lower/dir/x", "x\n"), "write lower/dir/x");
	TRY(c,
	    ovl_mount_opts("lowerdir=lower,upperdir=U/upper,workdir=U/work,"
			   "redirect_dir=on",
			   "merged"),
	    "mount overlay with redirect_dir=on");
	TRY(c, realpath("merged", real) ? 0 : neg_errno(), "realpath merged");
	TRY(c, mountinfo_find(real, &e), "find merged in mountinfo");
	r = strstr(e.super, "redirect_dir=");
	snprintf(o->shown, sizeof(o->shown), "%.*s",
		 r ? (int)strcspn(r, ",") : 4, r ? r : "none");
	o->ren_err = rename("merged/dir", "merged/moved") < 0 ? errno : 0;
	return 0;
}

static enum obs judge_noxattr(struct judge *j, const struct noxattr *o)
{
	judge_kv(j, "mountinfo", "%s", o->shown);
	if (o->ren_err && o->ren_err != EXDEV)
		return judge_unknown(j, "rename failed with %s",
				     ovl_err(o->ren_err));
	return judge_holds(j, o->ren_err == EXDEV,
			   "redirect_dir=on asked, %s in force; rename of a "
			   "lower dir: %s",
			   o->shown, ovl_err(o->ren_err));
}
CHECK(upper_needs_xattrs, struct noxattr, observe_noxattr, judge_noxattr);

/* ---- read-only layers of any filesystem type ---------------------------- */

struct anyfs {
	int err;	  /* the overlay's mount */
	struct content a; /* merged/a (from ramfs), merged/b (from tmpfs) */
	struct content b;
};

/* A: ramfs, B: tmpfs, each with a file, both then made read-only. */
static int ro_layers(void)
{
	int r = ovl_fs_at("A", "ramfs") ?: ovl_fs_at("B", "tmpfs");

	r = r ?: ovl_sys(mkdir("A/upper", 0755)) ?: ovl_sys(mkdir("A/work", 0755));
	r = r ?: write_text_creat("A/a", "a\n") ?: write_text_creat("B/b", "b\n");
	r = r ?: ovl_sys(mount(NULL, "A", NULL, MS_REMOUNT | MS_RDONLY, NULL));
	r = r ?: ovl_sys(mount(NULL, "B", NULL, MS_REMOUNT | MS_RDONLY, NULL));
	return r ?: ovl_sys(mkdir("merged", 0755));
}

static int observe_anyfs(struct ctx *c, struct anyfs *o)
{
	const char *opts = c->isolate ? "lowerdir=A:B"
				      : "lowerdir=A:B,upperdir=A/upper,"
					"workdir=A/work";

	TRY(c, ro_layers(), "make read-only layers on ramfs and tmpfs");
	TRY(c, ovl_mount_try(opts, "merged", &o->err), "mount overlay");
	if (o->err)
		return 0;
	TRY(c,
	    read_content("merged/a", &o->a) ?: read_content("merged/b", &o->b),
	    "read merged/a and merged/b");
	return 0;
}

static enum obs judge_anyfs(struct judge *j, const struct anyfs *o)
{
	judge_kv(j, "mount", "%s", ovl_err(o->err));
	return judge_holds(
		j, !o->err && content_is(&o->a, "a") && content_is(&o->b, "b"),
		"an overlay of read-only ramfs and tmpfs: %s; "
		"merged/a=%s, merged/b=%s",
		ovl_err(o->err), content_str(&o->a), content_str(&o->b));
}
CHECK(read_only_any_fs, struct anyfs, observe_anyfs, judge_anyfs);

/* ---- reading a lower file leaves its atime ---------------------------- */

struct atime {
	int rd_err;
	long long atime; /* L/lower/file's, set to 1 before the read */
};

static int observe_atime(struct ctx *c, struct atime *o)
{
	struct timespec t[2] = { { 1, 0 }, { 0, UTIME_OMIT } };
	struct content r;
	struct stat st;

	TRY(c, ovl_mkdirs(std_dirs, ARRAY_SIZE(std_dirs)), "mkdir the dirs");
	TRY(c, ovl_sys(mkdir("L", 0755)), "mkdir L");
	TRY(c, ovl_sys(mount("boxcheck", "L", "tmpfs", MS_STRICTATIME, NULL)),
	    "mount a strictatime tmpfs on L");
	TRY(c, ovl_sys(mkdir("L/lower", 0755)), "mkdir L/lower");
	TRY(c, write_text_creat("L/lower/file", "lower\n"), "write lower");
	TRY(c, ovl_sys(utimensat(AT_FDCWD, "L/lower/file", t, 0)),
	    "set the atime to 1");
	TRY(c, mount_or_bind(c, "L/lower"), "mount merged");
	o->rd_err = -read_content("merged/file", &r);
	TRY(c, ovl_sys(stat("L/lower/file", &st)), "stat L/lower/file");
	o->atime = mutant_on(M_MNT_ATTR) ? 1 : (long long)st.st_atim.tv_sec;
	return 0;
}

static enum obs judge_atime(struct judge *j, const struct atime *o)
{
	judge_kv(j, "atime after the read", "%lld", o->atime);
	if (o->rd_err)
		return judge_unknown(j, "read merged/file: %s",
				     ovl_err(o->rd_err));
	return judge_holds(j, o->atime == 1,
			   "a read through merged left lower's atime at %lld "
			   "(was 1, strictatime)",
			   o->atime);
}
CHECK(lower_atime_kept, struct atime, observe_atime, judge_atime);

/* ---- a lower file being run can be written in its layer ------------------ */

static const char *sleep_path(void)
{
	static const char *const at[] = { "/usr/bin/sleep", "/bin/sleep" };

	for (size_t i = 0; i < ARRAY_SIZE(at); i++)
		if (access(at[i], X_OK) == 0)
			return at[i];
	return NULL;
}

struct txt {
	int err; /* open lower/prog for writing while merged/prog runs */
};

/* Run merged/prog; the close-on-exec pipe says when the exec is done. */
static int run_prog(struct ctx *c, pid_t *pid)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	int e = 0;
	ssize_t n;

	TRY(c, chan_open(&ch), "pipe");
	*pid = fork();
	TRY(c, *pid < 0 ? neg_errno() : 0, "fork");
	if (*pid == 0) {
		close(ch.rd);
		execl("merged/prog", "prog", "30", (char *)NULL);
		e = errno;
		(void)!write(ch.wr, &e, sizeof(e));
		_exit(127);
	}
	closep(&ch.wr);
	ch.wr = -1;
	n = fd_read_all(ch.rd, &e, sizeof(e));
	if (n != 0)
		return ctx_error(c, n < 0 ? (int)n : -e, "exec merged/prog");
	return 0;
}

static int observe_txt(struct ctx *c, struct txt *o)
{
	_cleanup_reap_ pid_t pid = -1;
	const char *sl = sleep_path();

	if (!sl)
		return ctx_skip(c, "no sleep program in /usr/bin or /bin");
	TRY(c, ovl_mkdirs(std_dirs, ARRAY_SIZE(std_dirs)), "mkdir the dirs");
	TRY(c, ovl_sys(mkdir("lower", 0755)), "mkdir lower");
	TRY(c, copy_file(sl, "lower/prog", 0755), "copy sleep to lower/prog");
	TRY(c, mount_or_bind(c, "lower"), "mount merged");
	TRY_OBS(run_prog(c, &pid));
	o->err = ovl_open_err("lower/prog", O_WRONLY);
	return 0;
}

static enum obs judge_txt(struct judge *j, const struct txt *o)
{
	judge_kv(j, "open lower/prog O_WRONLY", "%s", ovl_err(o->err));
	if (o->err && o->err != ETXTBSY)
		return judge_unknown(j, "open failed with %s", ovl_err(o->err));
	return judge_holds(j, !o->err,
			   "while merged/prog runs, opening lower/prog for "
			   "writing: %s",
			   ovl_err(o->err));
}
CHECK(exec_lower_writable, struct txt, observe_txt, judge_txt);

#define FSMIX(id_, title_, property_, expect_, check_, ...)                    \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .fs = { "overlay", "tmpfs", __VA_ARGS__ } },          \
		.tags = { "overlay", "rootfs", "layers" }, .check = &check_    \
	}

static const struct scenario overlay_fsmix[] = {
	FSMIX("lower-read-only-mount", "the lower layer need not be writable",
	      "an overlay over a lower on a read-only mount takes writes: the "
	      "copy goes to upper",
	      "a write through merged over a read-only lower: ok; "
	      "merged/file=new, lower/file=lower",
	      lower_read_only),
	FSMIX("upper-without-xattrs-no-redirect",
	      "an upper without xattrs cannot hold overlay metadata",
	      "with upper on ramfs, which has no trusted.* or user.* xattrs, "
	      "redirect_dir=on falls back and a lower dir's rename fails with "
	      "EXDEV",
	      "redirect_dir=on asked, redirect_dir=nofollow in force; rename "
	      "of a lower dir: EXDEV",
	      upper_needs_xattrs, "ramfs"),
	FSMIX("read-only-layers-any-fs",
	      "read-only layers may be of any filesystem type",
	      "an overlay of two read-only lower layers, ramfs and tmpfs, "
	      "mounts without upper and shows both; with an upper on them it "
	      "is refused",
	      "an overlay of read-only ramfs and tmpfs: ok; merged/a=a, "
	      "merged/b=b",
	      read_only_any_fs, "ramfs"),
	FSMIX("lower-atime-not-updated",
	      "reading a lower file leaves its atime",
	      "a read through merged of a file on a strictatime lower leaves "
	      "its atime (overlayfs.rst, non-standard behaviour)",
	      "a read through merged left lower's atime at 1",
	      lower_atime_kept),
	FSMIX("exec-lower-still-writable",
	      "a lower file being run can be opened for writing",
	      "while a lower file runs through merged, the file in its layer "
	      "opens for writing, no ETXTBSY (overlayfs.rst, non-standard "
	      "behaviour)",
	      "while merged/prog runs, opening lower/prog for writing: ok",
	      exec_lower_writable),
};

BOXCHECK_AREA(overlay_fsmix, overlay_fsmix);
