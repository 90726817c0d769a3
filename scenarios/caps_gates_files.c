// SPDX-License-Identifier: MIT
/*
 * The capabilities that govern files (capabilities(7), the list): root
 * without CAP_CHOWN, CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID, CAP_LEASE,
 * CAP_LINUX_IMMUTABLE, CAP_MKNOD or CAP_SYS_RAWIO in its effective set is
 * refused what it needs them for, on g/f, a file in a tmpfs the worker
 * mounted (caps_gate.h); with the capability, the same call works.
 */
#include "caps_gate.h"

#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static int do_chown(struct gate_call *g)
{
	(void)g;
	return gate_err(chown("g/f", CAPS_UID, CAPS_UID));
}

static int mode_0000(struct gate_call *g, const char **step)
{
	(void)g;
	*step = "chmod 0000 g/f";
	return sysr(chmod("g/f", 0));
}

static int do_read(struct gate_call *g)
{
	(void)g;
	return gate_close_err(open("g/f", O_RDONLY | O_CLOEXEC));
}

/* The handle of g/f, and g open for open_by_handle_at's mount fd. */
static int get_handle(struct gate_call *g, const char **step)
{
	struct file_handle *h = (struct file_handle *)g->handle;
	int mnt;

	h->handle_bytes = MAX_HANDLE_SZ;
	*step = "name_to_handle_at g/f";
	if (name_to_handle_at(AT_FDCWD, "g/f", h, &mnt, 0) < 0)
		return neg_errno();
	*step = "open g";
	g->fd = open("g", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return g->fd < 0 ? neg_errno() : 0;
}

static int do_by_handle(struct gate_call *g)
{
	struct file_handle *h = (struct file_handle *)g->handle;

	return gate_close_err(
		open_by_handle_at(g->fd, h, O_RDONLY | O_CLOEXEC));
}

static int do_chmod(struct gate_call *g)
{
	(void)g;
	return gate_err(chmod("g/f", 0600));
}

/* A write by root to its own set-user-ID file: the mode after it. */
static int do_write_suid(struct gate_call *g)
{
	_cleanup_close_ int fd = open("g/f", O_WRONLY | O_APPEND | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || write(fd, "x", 1) != 1 || fstat(fd, &st) < 0)
		return -(errno ?: EIO);
	g->val = st.st_mode;
	return 0;
}

/* g/f in group 1000, root in no supplementary group. */
static int foreign_group(struct gate_call *g, const char **step)
{
	(void)g;
	*step = "chown g/f to group 1000";
	if (chown("g/f", 0, CAPS_UID) < 0)
		return neg_errno();
	*step = "setgroups";
	return sysr(setgroups(0, NULL));
}

static int do_chmod_sgid(struct gate_call *g)
{
	struct stat st;

	if (chmod("g/f", 02755) < 0 || stat("g/f", &st) < 0)
		return neg_errno();
	g->val = st.st_mode;
	return 0;
}

static int leases_on(struct ctx *c)
{
	char v[16];
	int r = read_text("/proc/sys/fs/leases-enable", v, sizeof(v));

	if (r < 0)
		return ctx_error(c, r, "read fs.leases-enable");
	return atoi(v) ? 0 : ctx_skip(c, "leases are off (fs.leases-enable 0)");
}

static int do_lease(struct gate_call *g)
{
	int err = gate_err(fcntl(g->fd, F_SETLEASE, F_RDLCK));

	if (err == 0 && fcntl(g->fd, F_SETLEASE, F_UNLCK) < 0)
		return neg_errno();
	return err;
}

static int has_flags(struct ctx *c)
{
	_cleanup_close_ int fd = open("g/f", O_RDONLY | O_CLOEXEC);
	int fl = 0;

	if (fd < 0)
		return ctx_error(c, neg_errno(), "open g/f");
	if (ioctl(fd, FS_IOC_GETFLAGS, &fl) == 0)
		return 0;
	if (errno == ENOTTY || errno == EOPNOTSUPP)
		return ctx_skip(c,
				"tmpfs has no inode flags here "
				"(FS_IOC_GETFLAGS: %s)",
				strerrorname_np(errno));
	return ctx_error(c, neg_errno(), "FS_IOC_GETFLAGS");
}

/* FS_APPEND_FL on g/f, and off again when it took. */
static int do_append_only(struct gate_call *g)
{
	int fl, on, err;

	if (ioctl(g->fd, FS_IOC_GETFLAGS, &fl) < 0)
		return neg_errno();
	on = fl | FS_APPEND_FL;
	err = gate_err(ioctl(g->fd, FS_IOC_SETFLAGS, &on));
	if (err == 0 && ioctl(g->fd, FS_IOC_SETFLAGS, &fl) < 0)
		return neg_errno();
	return err;
}

static int do_mknod(struct gate_call *g)
{
	int err = gate_err(mknod("g/null", S_IFCHR | 0600, makedev(1, 3)));

	(void)g;
	if (err == 0 && unlink("g/null") < 0)
		return neg_errno();
	return err;
}

/* FIBMAP of block 0: tmpfs maps no blocks, EINVAL once past the check. */
static int do_fibmap(struct gate_call *g)
{
	int blk = 0;

	return gate_err(ioctl(g->fd, FIBMAP, &blk));
}

enum {
	F_CHOWN,
	F_DAC_READ,
	F_HANDLE,
	F_FOWNER,
	F_FSETID_WRITE,
	F_FSETID_CHMOD,
	F_LEASE,
	F_IMMUTABLE,
	F_MKNOD,
	F_FIBMAP,
};

static const struct gate rows[] = {
	[F_CHOWN] = { .cap = CAP_CHOWN,
		      .what = "chown of its file to uid 1000",
		      .want = EPERM,
		      .call = do_chown },
	[F_DAC_READ] = { .cap = CAP_DAC_READ_SEARCH,
			 .also = CAPMASK(CAP_DAC_OVERRIDE),
			 .what = "open of a mode 0000 file for reading",
			 .want = EACCES,
			 .setup = mode_0000,
			 .call = do_read },
	[F_HANDLE] = { .cap = CAP_DAC_READ_SEARCH,
		       .what = "open_by_handle_at",
		       .want = EPERM,
		       .setup = get_handle,
		       .call = do_by_handle },
	[F_FOWNER] = { .cap = CAP_FOWNER,
		       .what = "chmod of uid 1000's file",
		       .want = EPERM,
		       .fowner = CAPS_UID,
		       .call = do_chmod },
	[F_FSETID_WRITE] = { .cap = CAP_FSETID,
			     .what = "write to its set-user-ID file: S_ISUID",
			     .keep = S_ISUID,
			     .fmode = 04755,
			     .call = do_write_suid },
	[F_FSETID_CHMOD] = { .cap = CAP_FSETID,
			     .what = "chmod g+s of a group 1000 file: S_ISGID",
			     .keep = S_ISGID,
			     .setup = foreign_group,
			     .call = do_chmod_sgid },
	[F_LEASE] = { .cap = CAP_LEASE,
		      .what = "a read lease on uid 1000's file",
		      .want = EACCES,
		      .fowner = CAPS_UID,
		      .probe = leases_on,
		      .setup = gate_open_file,
		      .call = do_lease },
	[F_IMMUTABLE] = { .cap = CAP_LINUX_IMMUTABLE,
			  .what = "FS_IOC_SETFLAGS append-only",
			  .want = EPERM,
			  .probe = has_flags,
			  .setup = gate_open_file,
			  .call = do_append_only },
	[F_MKNOD] = { .cap = CAP_MKNOD,
		      .what = "mknod c 1 3",
		      .want = EPERM,
		      .call = do_mknod },
	[F_FIBMAP] = { .cap = CAP_SYS_RAWIO,
		       .what = "ioctl FIBMAP",
		       .want = EPERM,
		       .past = { EINVAL },
		       .setup = gate_open_file,
		       .call = do_fibmap },
};

GATE_CHECK(g_chown, rows, F_CHOWN);
GATE_CHECK(g_dac_read, rows, F_DAC_READ);
GATE_CHECK(g_handle, rows, F_HANDLE);
GATE_CHECK(g_fowner, rows, F_FOWNER);
GATE_CHECK(g_fsetid_write, rows, F_FSETID_WRITE);
GATE_CHECK(g_fsetid_chmod, rows, F_FSETID_CHMOD);
GATE_CHECK(g_lease, rows, F_LEASE);
GATE_CHECK(g_immutable, rows, F_IMMUTABLE);
GATE_CHECK(g_mknod, rows, F_MKNOD);
GATE_CHECK(g_fibmap, rows, F_FIBMAP);

static const struct scenario caps_gates_files[] = {
	GATE("chown-needs-cap", "changing a file's owner needs CAP_CHOWN",
	     "root without CAP_CHOWN in its effective set gets EPERM "
	     "changing its file's owner to uid 1000",
	     "EPERM", CAP_BIT(CAP_CHOWN), g_chown),
	GATE("dac-read-search-reads",
	     "CAP_DAC_READ_SEARCH bypasses the read permission check",
	     "root without CAP_DAC_OVERRIDE opens a mode 0000 file for "
	     "reading with CAP_DAC_READ_SEARCH, and gets EACCES without it",
	     "EACCES", CAP_BIT(CAP_DAC_READ_SEARCH), g_dac_read),
	GATE("open-by-handle-needs-cap",
	     "open_by_handle_at needs CAP_DAC_READ_SEARCH",
	     "root without CAP_DAC_READ_SEARCH gets EPERM from "
	     "open_by_handle_at of its own file's handle",
	     "EPERM", CAP_BIT(CAP_DAC_READ_SEARCH), g_handle),
	GATE("fowner-chmod", "chmod of another user's file needs CAP_FOWNER",
	     "root without CAP_FOWNER gets EPERM from chmod of a file "
	     "owned by uid 1000",
	     "EPERM", CAP_BIT(CAP_FOWNER), g_fowner),
	GATE("fsetid-write-keeps-suid", "CAP_FSETID keeps S_ISUID over a write",
	     "a write by root without CAP_FSETID clears the set-user-ID "
	     "bit of its file; with it the bit stays",
	     "S_ISUID cleared", CAP_BIT(CAP_FSETID), g_fsetid_write),
	GATE("fsetid-foreign-sgid",
	     "setgid on a file of a foreign group needs CAP_FSETID",
	     "chmod 02755 by root without CAP_FSETID, on a file of a group "
	     "it is not in, leaves S_ISGID off; with it the bit is set",
	     "S_ISGID cleared", CAP_BIT(CAP_FSETID), g_fsetid_chmod),
	GATE("lease-needs-cap",
	     "a lease on another user's file needs CAP_LEASE",
	     "root without CAP_LEASE gets EACCES taking a read lease on "
	     "a file owned by uid 1000",
	     "EACCES", CAP_BIT(CAP_LEASE), g_lease),
	GATE("append-only-needs-cap",
	     "setting the append-only flag needs CAP_LINUX_IMMUTABLE",
	     "root without CAP_LINUX_IMMUTABLE gets EPERM setting "
	     "FS_APPEND_FL on its tmpfs file",
	     "EPERM", CAP_BIT(CAP_LINUX_IMMUTABLE), g_immutable),
	GATE("mknod-needs-cap", "mknod of a device needs CAP_MKNOD",
	     "root without CAP_MKNOD gets EPERM making a character device",
	     "EPERM", CAP_BIT(CAP_MKNOD), g_mknod),
	GATE("fibmap-needs-rawio", "FIBMAP needs CAP_SYS_RAWIO",
	     "root without CAP_SYS_RAWIO gets EPERM from ioctl FIBMAP; with "
	     "it the call reaches the filesystem (tmpfs: EINVAL)",
	     "EPERM", CAP_BIT(CAP_SYS_RAWIO), g_fibmap),
};

BOXCHECK_AREA(caps_gates_files, caps_gates_files);
