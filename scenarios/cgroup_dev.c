// SPDX-License-Identifier: MIT
/*
 * Controllers over devices and huge pages: io.max throttles reads of a
 * block device (a loop device over a file of our own, detached again by
 * the kernel when we close it), and the hugetlb limit refuses a huge page
 * beyond it with SIGBUS at the fault.
 */
#include "cgroup_util.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

#define N_READS 20
#define RIOPS 50   /* io.max riops: 20 reads take about 300 ms */
#define MIN_MS 150 /* unthrottled they take a few ms */
#define BACKING (1 << 20)
#define HPAGE (2ul << 20)
#define HUGE_FREE "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"

/* A loop device over a file of ours, detached when the last fd closes. */
struct loopdev {
	int fd;
	char path[32];
	dev_t rdev;
};

static void loop_close(struct loopdev *l)
{
	closep(&l->fd);
}

static int loop_attach(struct loopdev *l, int backing)
{
	struct loop_config cfg = { .fd = (unsigned)backing };
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	struct stat st;

	if (ctl < 0)
		return neg_errno();
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | LO_FLAGS_READ_ONLY;
	for (int tries = 0; tries < 8; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			return neg_errno();
		snprintf(l->path, sizeof(l->path), "/dev/loop%d", n);
		l->fd = open(l->path, O_RDONLY | O_CLOEXEC);
		if (l->fd < 0)
			return neg_errno();
		if (ioctl(l->fd, LOOP_CONFIGURE, &cfg) == 0)
			break;
		closep(&l->fd);
		if (errno != EBUSY) /* taken meanwhile: another one */
			return neg_errno();
	}
	if (l->fd < 0)
		return -EBUSY;
	if (fstat(l->fd, &st) < 0)
		return neg_errno();
	l->rdev = st.st_rdev;
	return 0;
}

/* rios of dev in dir's io.stat: n, or 0 when no line names it. */
static long io_rios(const char *dir, dev_t dev)
{
	char path[PATH_MAX + 16], buf[4096], key[32], *save = NULL;
	long n = 0;

	snprintf(path, sizeof(path), "%s/io.stat", dir);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), "%u:%u ", major(dev), minor(dev));
	for (char *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *r = strstr(l, "rios=");
		if (strncmp(l, key, strlen(key)) == 0 && r)
			n = atol(r + 5);
	}
	return n;
}

struct io_seen {
	double ms; /* the reads took */
	long rios; /* io.stat rios of the device in the cgroup */
};

static int observe_io(struct ctx *c, struct io_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_(loop_close) struct loopdev l = { .fd = -1 };
	_cleanup_close_ int back = -1;
	char lim[64];
	double secs;

	TRY_OBS(cgs_need_group(c));
	if (!path_exists("/dev/loop-control"))
		return ctx_skip(c, "no loop devices (/dev/loop-control "
				   "missing): no block device of our own");
	TRY(c, cg_group_child_on(c->cg, "io", CG_BIT(CG_IO), &g),
	    "create cgroup");
	if (!cg_group_dir(&g, CG_IO))
		return ctx_skip(c, "no io directory for this run");
	if (sizeof(long) == 4) /* see cgroup2/io-pressure */
		return ctx_skip(c, "a 32-bit kernel: io.max throttling crashed "
				   "Debian's 6.1 armhf kernel (kernel BUG at "
				   "block/blk-throttle.c:742)");
	back = open("backing", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	TRY(c, back < 0 ? neg_errno() : ftruncate(back, BACKING), "backing");
	TRY(c, loop_attach(&l, back), "attach a loop device");
	/* 1. A read rate limit on it (the isolated run). */
	snprintf(lim, sizeof(lim), "%u:%u riops=%d", major(l.rdev),
		 minor(l.rdev), RIOPS);
	if (c->isolate)
		TRY(c, cgs_write_probe(cg_group_dir(&g, CG_IO), "io.max", lim),
		    "write io.max");
	/* 2. A process of the cgroup reads it with O_DIRECT. */
	TRY_OBS(cgs_timed_in(c, &g, l.path, N_READS, &secs));
	o->ms = secs * 1000;
	o->rios = io_rios(cg_group_dir(&g, CG_IO), l.rdev);
	return o->rios < 0 ? ctx_error(c, 0, "read io.stat") : 0;
}

static enum obs judge_io(struct judge *j, const struct io_seen *o)
{
	judge_kv(j, "reads", "%d", N_READS);
	judge_kv(j, "took ms", "%.0f", o->ms);
	judge_kv(j, "io.stat rios", "%ld", o->rios);
	if (o->rios < N_READS)
		return judge_unknown(j, "the cgroup counted %ld reads of %d",
				     o->rios, N_READS);
	return judge_holds(j, o->ms >= MIN_MS,
			   "%d direct reads took %.0f ms (%.0f per second)",
			   N_READS, o->ms, N_READS * 1000 / (o->ms ?: 1));
}
CHECK(io_max, struct io_seen, observe_io, judge_io);

struct huge_seen {
	int sig;       /* how the toucher ended */
	long touched;  /* huge pages it touched */
	uint64_t hits; /* hugetlb limit hits */
};

static int huge_fn(void *arg)
{
	volatile long *n = arg;
	char *p = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	if (p == MAP_FAILED)
		return 3;
	for (int i = 0; i < 2; i++) {
		((volatile char *)p)[i * HPAGE] = 1;
		(*n)++;
	}
	return 0;
}

static int observe_huge(struct ctx *c, struct huge_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	volatile long *n = NULL;
	uint64_t free_pages = 0;
	pid_t pid;
	int r;

	if (read_u64(HUGE_FREE, &free_pages) < 0 || free_pages < 2)
		return ctx_skip(c, "fewer than 2 free 2 MiB huge pages (the "
				   "pool is the host's: boot with "
				   "hugepages=N)");
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "huge", CG_BIT(CG_HUGETLB), &g),
	    "create cgroup");
	TRY_OBS(cgs_need(c, &g, CGK_HUGETLB_MAX));
	TRY_OBS(cgs_need(c, &g, CGK_HUGETLB_EV_MAX));
	/* 1. One huge page at most (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_HUGETLB_MAX, HPAGE));
	/* 2. A process of the cgroup touches two. */
	n = cgs_shared(sizeof(*n));
	if (!n)
		return ctx_error(c, -ENOMEM, "shared counter");
	pid = cgs_fork_in(&g, huge_fn, (void *)n);
	r = pid < 0 ? ctx_error(c, pid, "start the toucher")
		    : cgs_reap(c, pid, "the toucher", &o->sig);
	o->touched = *n;
	cgs_unshare((void *)n, sizeof(*n));
	TRY_OBS(r);
	return cgs_get(c, &g, CGK_HUGETLB_EV_MAX, &o->hits);
}

static enum obs judge_huge(struct judge *j, const struct huge_seen *o)
{
	judge_kv(j, "toucher", "%s",
		 o->sig ? sigabbrev_np(o->sig) ?: "?" : "done");
	judge_kv(j, "huge pages touched", "%ld of 2", o->touched);
	judge_kv(j, "limit hits", "%llu", (unsigned long long)o->hits);
	if ((o->sig == SIGBUS) != (o->hits > 0))
		return judge_unknown(j, "toucher %s, limit hits %llu",
				     o->sig ? "killed" : "done",
				     (unsigned long long)o->hits);
	return judge_holds(j, o->sig == SIGBUS && o->touched == 1,
			   "%ld of 2 huge pages touched, then %s", o->touched,
			   o->sig == SIGBUS ? "SIGBUS" : "no fault");
}
CHECK(hugetlb_limit, struct huge_seen, observe_huge, judge_huge);

static const struct scenario cgroup_dev[] = {
	{
		.id = "cgroup2/io-max-riops",
		.title = "io.max throttles a cgroup's reads of a device",
		.property = "with io.max riops=50 on a loop device, 20 direct "
			    "reads of it by a process of the cgroup take at "
			    "least 150 ms, and io.stat counts them",
		.expect = "reads took >= 150 ms, rios >= 20",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ctrls = CG_BIT(CG_IO) },
		.tags = { "cgroup", "v2" },
		.check = &io_max,
	},
	{
		.id = "cgroup/hugetlb-limit-sigbus",
		.title = "the hugetlb limit refuses a huge page with SIGBUS",
		.property = "with a 2 MiB hugetlb limit, a process of the "
			    "cgroup touching a second 2 MiB huge page gets "
			    "SIGBUS, and the cgroup counts the limit hit",
		.expect = "1 of 2 huge pages touched, then SIGBUS",
		.req = { .root = true, .ctrls = CG_BIT(CG_HUGETLB) },
		.tags = { "cgroup" },
		.check = &hugetlb_limit,
	},
};

BOXCHECK_AREA(cgroup_dev, cgroup_dev);
