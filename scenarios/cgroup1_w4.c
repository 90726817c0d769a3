// SPDX-License-Identifier: MIT
/*
 * The v1 blkio controller (cgroups(7), "Cgroups version 1 controllers":
 * blkio throttles a cgroup's I/O to upper rate limits per device):
 * blkio.throttle.read_iops_device on a loop device of our own slows the
 * direct reads of a process of the cgroup, and
 * blkio.throttle.io_serviced counts them.
 */
#include "cgctl_util.h"
#include "cgroup_util.h"

#include <string.h>
#include <sys/sysmacros.h>

#define N_READS 10
#define RIOPS 50	 /* a 100 ms slice passes 5: 10 reads take ~100 ms */
#define LAX_IOPS 1000000 /* the control's rule: never reached */
#define MIN_MS 50	 /* unthrottled they take a few ms */
#define BACKING (1 << 20)

/* "MAJ:MIN Read N" of dir's blkio.throttle.io_serviced: N, 0 if none. */
static int serviced_reads(const char *dir, dev_t dev, long *n)
{
	char path[PATH_MAX + 40], buf[4096], key[40], *save = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/blkio.throttle.io_serviced", dir);
	if ((r = read_text(path, buf, sizeof(buf))) < 0)
		return r;
	snprintf(key, sizeof(key), "%u:%u Read ", major(dev), minor(dev));
	*n = 0;
	for (char *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, key, strlen(key)) == 0)
			*n = atol(l + strlen(key));
	return 0;
}

static bool file_in(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path_exists(path);
}

struct blkio_seen {
	double ms;  /* the reads took */
	long reads; /* blkio.throttle.io_serviced Read of the device */
};

static int observe_blkio(struct ctx *c, struct blkio_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_loop_ struct cgx_loop l = CGX_LOOP_INIT;
	const char *dir;
	char lim[64];
	double s = 0;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "io", CG_BIT(CG_IO), &g),
	    "create cgroup");
	dir = cg_group_dir(&g, CG_IO);
	if (!dir || dir == cg_group_unified(&g))
		return ctx_skip(c, "blkio is on no v1 hierarchy here");
	snprintf(lim, sizeof(lim), "%s", "blkio.throttle.read_iops_device");
	if (!path_exists(dir) || !file_in(dir, lim))
		return ctx_skip(c, "kernel has no blkio throttling "
				   "(blkio.throttle.read_iops_device missing)");
	TRY_OBS(cgx_loop_attach(c, "backing", BACKING, false, &l));
	/* 1. A read rate limit on it (the isolated run), or one far above
	 *    what the reads reach: with a rule in place both runs count. */
	snprintf(lim, sizeof(lim), "%u:%u %d", major(l.rdev), minor(l.rdev),
		 c->isolate ? RIOPS : LAX_IOPS);
	TRY(c, cgs_write_probe(dir, "blkio.throttle.read_iops_device", lim),
	    "write blkio.throttle.read_iops_device");
	/* 2. A process of the cgroup reads it with O_DIRECT. */
	TRY_OBS(cgs_timed_in(c, &g, l.path, N_READS, &s));
	o->ms = s * 1000;
	TRY(c, serviced_reads(dir, l.rdev, &o->reads),
	    "read blkio.throttle.io_serviced");
	return 0;
}

static enum obs judge_blkio(struct judge *j, const struct blkio_seen *o)
{
	judge_kv(j, "reads", "%d", N_READS);
	judge_kv(j, "took ms", "%.0f", o->ms);
	judge_kv(j, "io_serviced Read", "%ld", o->reads);
	if (o->reads < N_READS)
		return judge_unknown(j, "the cgroup counted %ld reads of %d",
				     o->reads, N_READS);
	return judge_holds(j, o->ms >= MIN_MS,
			   "%d direct reads took %.0f ms (%.0f per second)",
			   N_READS, o->ms, N_READS * 1000 / (o->ms ?: 1));
}
CHECK(blkio_throttle, struct blkio_seen, observe_blkio, judge_blkio);

static const struct scenario cgroup1_w4[] = {
	{
		.id = "cgroup1/blkio-throttle-riops",
		.title = "v1 blkio throttles a cgroup's reads of a device",
		.property = "with blkio.throttle.read_iops_device at 50 on a "
			    "loop device, 10 direct reads of it by a process "
			    "of the cgroup take at least 50 ms, and "
			    "blkio.throttle.io_serviced counts them",
		.expect = "reads took >= 50 ms, Read >= 10",
		.req = { .root = true,
			 .cgroup_version = 1,
			 .ctrls = CG_BIT(CG_IO) },
		.tags = { "cgroup", "v1" },
		.check = &blkio_throttle,
	},
};

BOXCHECK_AREA(cgroup1_w4, cgroup1_w4);
