// SPDX-License-Identifier: MIT
/*
 * The ladder's last step: the full reference container (primitives/
 * container.c) with every namespace, id maps, a cgroup with a pids limit
 * (on the pids hierarchy and cgroup2: no other limit is set, as with
 * `boxcheck exec --pids-max`), an overlay of the fixture rootfs, /proc, /dev, /sys, pivot_root, a
 * read-only root, the default capabilities and no_new_privs. Same start
 * and end points as the other steps: tiny reports its first instruction's
 * CLOCK_MONOTONIC on fd 3.
 */
#include "ladder.h"
#include "fixture.h"
#include "../primitives/container.h"
#include "../primitives/ns.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The kernel's namespace types: the same for every sample, asked once. */
static unsigned bench_ns(void)
{
	static unsigned ns;

	if (!ns)
		ns = ns_available();
	return ns;
}

void bench_container_base(struct container_spec *s, struct idmap *m)
{
	static char *const argv[] = { FIXTURE_TINY, NULL };
	static char *const envp[] = { NULL };

	idmap_single(m, 0, 100000, 65536);
	*s = (struct container_spec){
		.ns = bench_ns(),
		.uid_map = m,
		.gid_map = m,
		.hostname = "bench",
		.readonly_root = true,
		.set_caps = true,
		.caps = caps_default,
		.no_new_privs = true,
		.argv = argv,
		.envp = envp,
	};
}

static int make_cg(const struct ladder_ctx *c, struct cg_group *g)
{
	char name[32];
	int r;

	if (!c->cg_parent)
		return 0;
	snprintf(name, sizeof(name), "c%010u", c->seq);
	/* pids (its one limit) and cgroup2, as `boxcheck exec --pids-max` */
	r = cg_group_child_on(c->cg_parent, name, CG_BIT(CG_PIDS), g);
	return r ?: cg_set(g, CGK_PIDS_MAX, 64);
}

int ladder_sample_container(const struct ladder_ctx *c, enum ladder_step s,
			    struct ladder_sample *out)
{
	_cleanup_chan_ struct chan report = CHAN_INIT;
	const char *lowers[] = { c->rootfs };
	struct cg_group g; /* g.layout set: made (make_cg); not 64 KB zeroed */
	struct container_spec spec;
	struct idmap m;
	struct timespec ts;
	char scratch[PATH_MAX];
	double t0, t1;
	pid_t pid = -1;
	int r, st;

	g.layout = NULL;
	snprintf(scratch, sizeof(scratch), "%s.c%010u", c->scratch, c->seq);
	bench_container_base(&spec, &m);
	spec.lowers = lowers;
	spec.n_lowers = 1;
	spec.scratch = scratch;
	r = chan_open(&report);
	if (r == 0 && mkdir(scratch, 0755) < 0)
		r = neg_errno();
	if (r < 0)
		return r;
	spec.pass_fds = &report.wr;
	spec.n_pass_fds = 1;
	t0 = bench_now();
	ladder_hook(c, s); /* the test hooks, inside the window */
	r = make_cg(c, &g);
	if (r == 0) {
		spec.cg = g.layout ? &g : NULL;
		r = container_start(&spec, &pid, NULL);
	}
	closep(&report.wr);
	report.wr = -1;
	if (r == 0 && fd_read_all(report.rd, &ts, sizeof(ts)) != sizeof(ts))
		r = -EPIPE;
	if (pid > 0 && wait_status(pid, &st) < 0 && r == 0)
		r = -ECHILD;
	if (g.layout)
		cg_group_destroy(&g);
	t1 = bench_now();
	container_scratch_remove(scratch); /* after the time window */
	if (r < 0)
		return r;
	out->start_s = ts.tv_sec + ts.tv_nsec / 1e9 - t0;
	out->stop_s = t1 - (ts.tv_sec + ts.tv_nsec / 1e9);
	return 0;
}
