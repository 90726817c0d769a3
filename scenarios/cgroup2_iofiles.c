// SPDX-License-Identifier: MIT
/*
 * The io controller (admin-guide/cgroup-v2.rst, "IO", "Writeback"): a
 * cgroup whose reads io.max throttles stalls, and io.pressure shows it;
 * dirty page cache written back later, by whoever syncs it, is charged
 * to the cgroup that dirtied the inode. Both on a loop device over a file
 * of ours; the writeback one on an ext2 filesystem made on it (mke2fs)
 * and mounted in the run's own mount namespace.
 */
#include "cgctl_util.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define N_READS 12
#define RIOPS 40	/* about 200 ms for 12 reads, past the first few */
#define STALL_MS 80	/* io.pressure some at least */
#define DIRTY (1 * MIB) /* written by the cgroup's process */
#define MNT "wbmnt"

struct stall_seen {
	uint64_t some[2]; /* io.pressure some total, us */
	int ms;		  /* the reads took */
};

static int observe_stall(struct ctx *c, struct stall_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_loop_ struct cgx_loop l = CGX_LOOP_INIT;
	char lim[64];
	const char *dir;
	double secs;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgs_need_psi(c));
	TRY_OBS(cgx_group(c, c->cg, "io", CG_BIT(CG_IO), 0, &g));
	dir = cg_group_unified(&g);
	TRY_OBS(cgx_need(c, dir, "io.pressure"));
	TRY_OBS(cgx_loop_attach(c, "backing", MIB, false, &l));
	/* 1. A read rate limit on the device (the isolated run). */
	snprintf(lim, sizeof(lim), "%u:%u riops=%d", major(l.rdev),
		 minor(l.rdev), RIOPS);
	/* Debian's 6.1 armmp-lpae kernel hit "kernel BUG at
	 * block/blk-throttle.c:742" (throtl_trim_slice) during this check: a
	 * check must not crash the machine it checks. */
	if (sizeof(long) == 4)
		return ctx_skip(c, "a 32-bit kernel: io.max throttling crashed "
				   "Debian's 6.1 armhf kernel (kernel BUG at "
				   "block/blk-throttle.c:742)");
	if (c->isolate)
		TRY_OBS(cgx_set(c, dir, "io.max", lim));
	/* 2. A process of the cgroup reads it with O_DIRECT. */
	TRY_OBS(cgx_get(c, dir, "io.pressure", "some", CGX_PSI, &o->some[0]));
	TRY_OBS(cgs_timed_in(c, &g, l.path, N_READS, &secs));
	o->ms = (int)(secs * 1000);
	return cgx_get(c, dir, "io.pressure", "some", CGX_PSI, &o->some[1]);
}

static enum obs judge_stall(struct judge *j, const struct stall_seen *o)
{
	double ms = o->some[1] >= o->some[0]
			    ? (double)(o->some[1] - o->some[0]) / 1000
			    : -1;

	judge_kv(j, "reads took ms", "%d", o->ms);
	judge_kv(j, "io.pressure some ms", "%.1f", ms);
	if (ms < 0)
		return judge_unknown(j, "the some total went backwards");
	return judge_holds(j, ms >= STALL_MS,
			   "%d direct reads took %d ms; io.pressure some grew "
			   "%.1f ms",
			   N_READS, o->ms, ms);
}
CHECK(io_pressure, struct stall_seen, observe_stall, judge_stall);

/* mke2fs on dev, quietly: 0, or -errno / -ECHILD naming nothing more. */
static int make_ext2(const char *dev)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp("mke2fs", "mke2fs", "-F", dev, (char *)NULL);
		_exit(127);
	}
	if (wait_status(pid, &st) < 0)
		return neg_errno();
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

struct dirtier {
	struct chan rep;
};

/* fn for cgs_fork_in: dirty DIRTY bytes of a new file, no sync. */
static int writer_fn(void *arg)
{
	struct dirtier *w = arg;
	static char buf[64 * 1024];
	int fd = open(MNT "/dirty", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	int r = fd < 0 ? neg_errno() : 0;

	closep(&w->rep.rd);
	for (size_t n = 0; !r && n < DIRTY; n += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			r = neg_errno();
	return chan_send_int(&w->rep, r) < 0;
}

static void umount_wb(bool *mounted)
{
	if (*mounted)
		umount2(MNT, MNT_DETACH);
}

struct wb_seen {
	uint64_t wbytes; /* the observed cgroup's io.stat for the device */
};

static int observe_wb(struct ctx *c, struct wb_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	_cleanup_loop_ struct cgx_loop l = CGX_LOOP_INIT;
	_cleanup_(umount_wb) bool mounted = false;
	_cleanup_chan_ struct chan rep = CHAN_INIT;
	_cleanup_close_ int fd = -1;
	const unsigned mi = CG_BIT(CG_MEMORY) | CG_BIT(CG_IO);
	struct dirtier w;
	pid_t pid;
	int r = 0, sig;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_group(c, c->cg, "dirtier", mi, 0, &g));
	TRY_OBS(cgx_group(c, c->cg, "beside", mi, 0, &s));
	TRY_OBS(cgx_need(c, cg_group_unified(&g), "io.stat"));
	TRY_OBS(cgx_loop_attach(c, "backing", 16 * MIB, true, &l));
	TRY(c, make_ext2(l.path), "mke2fs on the loop device");
	TRY(c, mkdir(MNT, 0700) < 0 ? neg_errno() : 0, "mkdir " MNT);
	if (mount(l.path, MNT, "ext2", 0, NULL) < 0)
		return errno == ENODEV
			       ? ctx_skip(c, "this kernel has no ext2 "
					     "filesystem (mount: ENODEV)")
			       : ctx_error(c, neg_errno(),
					   "mount the ext2 filesystem");
	mounted = true;
	/* 1. The file dirtied in the observed cgroup (isolated) or beside. */
	TRY(c, chan_open(&rep), "pipe");
	w.rep = rep;
	pid = TRY(c, cgs_fork_in(c->isolate ? &g : &s, writer_fn, &w),
		  "start the writer");
	close(TAKE_FD(rep.wr));
	TRY(c, chan_recv_int(&rep, &r), "the writer's result");
	TRY_OBS(cgs_reap(c, pid, "the writer", &sig));
	TRY(c, r, "write the file");
	/* 2. We write it back, from our own cgroup. */
	fd = open(MNT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	TRY(c, fd < 0 || syncfs(fd) < 0 ? neg_errno() : 0, "syncfs");
	/* 3. Whose IO was it? */
	TRY(c, cgx_io_stat(cg_group_unified(&g), l.rdev, "wbytes", &o->wbytes),
	    "read io.stat");
	return 0;
}

static enum obs judge_wb(struct judge *j, const struct wb_seen *o)
{
	judge_kv(j, "dirtied", "%llu", (unsigned long long)DIRTY);
	judge_kv(j, "io.stat wbytes", "%llu", (unsigned long long)o->wbytes);
	return judge_holds(j, o->wbytes >= DIRTY / 2,
			   "written back by another process: the dirtying "
			   "cgroup's io.stat wbytes %llu for 1 MiB dirtied",
			   (unsigned long long)o->wbytes);
}
CHECK(io_writeback, struct wb_seen, observe_wb, judge_wb);

static const struct scenario cgroup2_iofiles[] = {
	{
		.id = "cgroup2/io-pressure",
		.title = "io.pressure counts reads io.max holds back",
		.property = "while io.max riops=40 throttles 12 direct reads "
			    "of a loop device by a process of the cgroup, its "
			    "io.pressure some total grows by at least 80 ms",
		.expect = "io.pressure some grew >= 80 ms",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ctrls = CG_BIT(CG_IO) },
		.tags = { "cgroup", "v2", "psi" },
		.check = &io_pressure,
	},
	{
		.id = "cgroup2/io-writeback-owner",
		.title = "writeback is charged to the cgroup that dirtied",
		.property = "1 MiB written (buffered) to a file of an ext2 "
			    "filesystem by a process of a cgroup, then synced "
			    "by another process, shows as at least 512 KiB of "
			    "wbytes in that cgroup's io.stat for the device",
		.expect = "wbytes >= 512 KiB",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ctrls = CG_BIT(CG_IO) | CG_BIT(CG_MEMORY),
			 .cmds = { "mke2fs" } },
		.tags = { "cgroup", "v2" },
		.check = &io_writeback,
	},
};

BOXCHECK_AREA(cgroup2_iofiles, cgroup2_iofiles);
