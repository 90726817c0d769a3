// SPDX-License-Identifier: MIT
/*
 * Concurrency: K reference containers (primitives/container.c: every
 * namespace, id maps, a read-only pivot_root into the fixture, default
 * capabilities, no_new_privs) started by a launcher in a cgroup of its
 * own, which all of them stay in: one spawner per CPU, each starting its
 * share back to back. Latency of each: the burst's first clone call -> that child's
 * report. Throughput: K / (last report - first clone call). Memory per idle
 * container: the cgroup's memory usage and the host's MemAvailable, before
 * the burst (the launcher and its spawners made and ready) and with all K
 * idle, divided by K.
 */
#include "../primitives/container.h"
#include "../primitives/ns.h"
#include "fixture.h"
#include "run.h"

#include <limits.h>
#include <math.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#define CONC_STEP LS_CONTAINER

struct burst {
	struct chan report, idle, go, back;
	const struct ladder_ctx *c;
	unsigned k, spawners;
};

static double mem_available(void)
{
	uint64_t kb;

	return read_key_u64("/proc/meminfo", "MemAvailable:", &kb) == 0
		       ? kb * 1024.0
		       : -1;
}

/* The sum of keys in dir/file, or -1 when one is missing. */
static double stat_sum(const char *dir, const char *file,
		       const char *const *keys)
{
	char path[PATH_MAX + 32];
	double sum = 0;
	uint64_t v;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	for (; *keys; keys++) {
		if (read_key_u64(path, *keys, &v) < 0)
			return -1;
		sum += (double)v;
	}
	return sum;
}

/*
 * What the group holds, exactly: v1 its kernel memory (kmem) and pages
 * (rss, cache), v2 anon, file, kernel and sock. usage_in_bytes and
 * memory.current are the page counter, which the kernel charges in
 * batches, keeping up to 64 pages per CPU charged ahead in a per-CPU
 * stock: they over-read by a random 0 to 64 pages per CPU, 0 to 8 KB a
 * container at K = 64 on 2 CPUs (cgroup-v1.rst, usage_in_bytes: "a fuzz
 * value"; the stat is the exact one). The counter where a key is missing.
 */
static double cg_memory(const struct cg_group *g)
{
	static const char *const v1[] = { "rss", "cache", NULL };
	static const char *const v2[] = { "anon", "file", "kernel", "sock",
					  NULL };
	const char *d = cg_group_dir(g, CG_MEMORY);
	char path[PATH_MAX + 32];
	double user = d ? stat_sum(d, "memory.stat", v1) : -1;
	uint64_t v;

	if (!d)
		return -1;
	snprintf(path, sizeof(path), "%s/memory.kmem.usage_in_bytes", d);
	if (user >= 0 && read_u64(path, &v) == 0)
		return user + (double)v;
	user = stat_sum(d, "memory.stat", v2);
	if (user >= 0)
		return user;
	snprintf(path, sizeof(path), "%s/memory.usage_in_bytes", d);
	if (read_u64(path, &v) == 0)
		return v;
	snprintf(path, sizeof(path), "%s/memory.current", d);
	return read_u64(path, &v) == 0 ? (double)v : -1;
}

/* tiny reports on fd 3 and idles reading fd 4 until the harness lets go. */
static void conc_spec(struct burst *b, struct idmap *m, int fds[2],
		      struct container_spec *s)
{
	fds[0] = b->report.wr;
	fds[1] = b->idle.rd;
	bench_container_base(s, m);
	s->root = b->c->rootfs;
	s->pass_fds = fds;
	s->n_pass_fds = 2;
}

/* How many spawners: as asked, else one per CPU we may use; <= K. */
static unsigned spawners(unsigned asked, unsigned k)
{
	cpu_set_t set;
	unsigned n = asked ? asked : 1;

	if (!asked && sched_getaffinity(0, sizeof(set), &set) == 0)
		n = (unsigned)CPU_COUNT(&set);
	return n < 1 ? 1 : n > k ? k : n;
}

/* Start n back to back; how many started. */
static unsigned start_n(struct burst *b, unsigned n)
{
	struct container_spec spec;
	struct idmap m;
	unsigned started = 0;
	int fds[2];

	conc_spec(b, &m, fds, &spec);
	for (; started < n; started++) {
		pid_t pid;
		if (container_start(&spec, &pid, NULL) < 0)
			break;
	}
	return started;
}

static void reap_all(void)
{
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

/*
 * A spawner: made before the burst (its memory is the launcher's, not the
 * containers'), it waits for the launcher's release, starts its share,
 * sends how many started and reaps them.
 */
static void spawner(struct burst *b, struct chan *cnt, struct chan *start,
		    unsigned share)
{
	unsigned n;
	char g;

	closep(&start->wr);
	container_prepare();
	if (chan_recv(start, &g, 1) < 0)
		_exit(1);
	n = start_n(b, share);
	chan_send(cnt, &n, sizeof(n));
	reap_all();
	_exit(0);
}

/* The p - 1 other spawners; how many were made, *own: this one's share. */
static unsigned fork_spawners(struct burst *b, struct chan *cnt,
			      struct chan *start, unsigned *own)
{
	unsigned p = b->spawners, forked = 0;

	*own = b->k / p + (b->k % p > 0);
	for (unsigned i = 1; i < p; i++) {
		unsigned share = b->k / p + (i < b->k % p);
		pid_t pid = fork();
		if (pid == 0)
			spawner(b, cnt, start, share);
		if (pid < 0)
			*own += share; /* no spawner: this one starts them */
		else
			forked++;
	}
	return forked;
}

/*
 * The launcher: once attached (go), make the spawners and map what a
 * start needs, say ready (the harness then takes the memory baseline),
 * and at the second go start K: one spawner per CPU (this process and
 * forks of it, each starting its share back to back: one spawner alone
 * is one CPU's worth). Then send the burst start and how many started,
 * and reap all. A spawner reaps its own containers.
 */
static void launcher(struct burst *b)
{
	_cleanup_chan_ struct chan cnt = CHAN_INIT, start = CHAN_INIT;
	unsigned forked, own, started, n;
	double t0;
	char g = 'r';

	/* Only the harness may hold the idle pipe's write end. */
	closep(&b->idle.wr);
	closep(&b->report.rd);
	if (chan_open(&cnt) < 0 || chan_open(&start) < 0 ||
	    chan_recv(&b->go, &g, 1) < 0)
		_exit(1);
	forked = fork_spawners(b, &cnt, &start, &own);
	closep(&cnt.wr);
	cnt.wr = -1;
	closep(&start.rd);
	start.rd = -1;
	container_prepare();
	if (chan_send(&b->back, &g, 1) < 0 || chan_recv(&b->go, &g, 1) < 0)
		_exit(1);
	t0 = bench_now();
	for (unsigned i = 0; i < forked; i++)
		chan_send(&start, &g, 1);
	started = start_n(b, own);
	for (unsigned i = 0; i < forked && chan_recv(&cnt, &n, sizeof(n)) == 0;
	     i++)
		started += n;
	chan_send(&b->back, &t0, sizeof(t0));
	chan_send(&b->back, &started, sizeof(started));
	reap_all();
	_exit(0);
}

static int burst_open(struct burst *b)
{
	struct chan *ch[] = { &b->report, &b->idle, &b->go, &b->back };

	for (size_t i = 0; i < ARRAY_SIZE(ch); i++) {
		int r = chan_open(ch[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static void burst_close(struct burst *b)
{
	chan_close(&b->report);
	chan_close(&b->idle);
	chan_close(&b->go);
	chan_close(&b->back);
}

/* Read K reports; latencies from t0. Returns the last report's time. */
static double collect(struct burst *b, double t0, unsigned n,
		      struct conc_level *lv)
{
	double last = t0;

	for (unsigned i = 0; i < n; i++) {
		struct timespec ts;
		double t;
		if (fd_read_all(b->report.rd, &ts, sizeof(ts)) != sizeof(ts))
			break;
		t = ts.tv_sec + ts.tv_nsec / 1e9;
		series_push(&lv->lat, t - t0);
		if (t > last)
			last = t;
	}
	return last;
}

/* One round's figures; memory NAN where not measured. */
struct round {
	double tput, mem, avail;
};

/*
 * With all K idle: memory per container, once the kernel's deferred frees
 * of the starts are done (each start copies our mounts and detaches them;
 * they are freed an RCU grace period later): an idle container's cost,
 * not the garbage of its start.
 */
#define CONC_SETTLE_US 50000

static void measure_idle(const struct cg_group *g, unsigned started,
			 double mem0, double avail0, struct round *out)
{
	usleep(CONC_SETTLE_US);
	if (mem0 >= 0)
		out->mem = (cg_memory(g) - mem0) / started;
	if (avail0 >= 0)
		out->avail = (avail0 - mem_available()) / started;
}

static int one_round(const struct ladder_ctx *c, const struct cg_group *g,
		     struct conc_level *lv, struct round *out)
{
	struct burst b = { CHAN_INIT, CHAN_INIT, CHAN_INIT,   CHAN_INIT,
			   c,	      lv->k,	 lv->spawners };
	double mem0, avail0, t0 = 0, last;
	unsigned started = 0;
	char ready;
	pid_t pid;
	int r = burst_open(&b);

	if (r < 0)
		return burst_close(&b), r;
	pid = fork();
	if (pid == 0)
		launcher(&b);
	if (pid < 0)
		return burst_close(&b), neg_errno();
	/* The launcher's own memory, its spawners' too, is the baseline. */
	r = cg_group_attach(g, pid);
	closep(&b.report.wr);
	b.report.wr = -1;
	if (r == 0)
		r = chan_send(&b.go, "g", 1);
	if (r == 0)
		r = chan_recv(&b.back, &ready, 1);
	mem0 = cg_memory(g);
	avail0 = mem_available();
	if (r == 0)
		r = chan_send(&b.go, "g", 1);
	if (r == 0 && chan_recv(&b.back, &t0, sizeof(t0)) == 0 &&
	    chan_recv(&b.back, &started, sizeof(started)) == 0) {
		last = collect(&b, t0, started, lv);
		out->tput = last > t0 ? started / (last - t0) : 0;
		if (started)
			measure_idle(g, started, mem0, avail0, out);
		if (started < lv->k)
			snprintf(lv->error, sizeof(lv->error),
				 "only %u of %u started", started, lv->k);
	}
	chan_close(&b.idle); /* EOF on fd 4: the idle children exit */
	wait_status(pid, NULL);
	burst_close(&b);
	return r;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the measured (not NAN) of n values, 0 if none (JSON). */
static double median_of(double *v, unsigned n)
{
	unsigned m = 0;

	for (unsigned i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[m++] = v[i];
	qsort(v, m, sizeof(*v), cmp_d);
	return m ? stats_quantile(v, m, 0.5) : 0;
}

/* Throughput and memory per idle container: medians over the rounds. */
static int run_level(const struct ladder_ctx *c, struct conc_level *lv,
		     unsigned rounds)
{
	double tput[64], mem[64], avail[64];
	unsigned n = 0;

	lv->rounds = rounds;
	for (unsigned i = 0; i < rounds && i < 64 && !bench_interrupted; i++) {
		struct round o = { 0, NAN, NAN };
		struct cg_group g;
		char name[32];
		int r;
		snprintf(name, sizeof(name), "c%u-%u", lv->k, i);
		r = cg_group_child(c->cg_parent, name, &g);
		if (r == 0)
			r = one_round(c, &g, lv, &o);
		if (r == 0) {
			tput[n] = o.tput;
			mem[n] = o.mem;
			avail[n++] = o.avail;
		}
		cg_group_destroy(&g);
		if (r < 0) {
			snprintf(lv->error, sizeof(lv->error), "%s",
				 strerror(-r));
			return r;
		}
	}
	lv->starts_per_s = median_of(tput, n);
	lv->mem_cgroup_bytes = median_of(mem, n);
	lv->mem_avail_bytes = median_of(avail, n);
	return 0;
}

int bench_run_concurrency(const struct bench_opts *o,
			  const struct ladder_ctx *c, struct bench_result *r)
{
	if (!o->n_conc)
		return 0;
	r->conc_variant = ladder_steps[CONC_STEP].name;
	r->conc = calloc(o->n_conc, sizeof(*r->conc));
	if (!r->conc)
		return -ENOMEM;
	for (size_t i = 0; i < o->n_conc && !bench_interrupted; i++) {
		struct conc_level *lv = &r->conc[r->n_conc++];
		/* About 512 starts per level, at least 3 rounds. */
		unsigned rounds = 512 / o->conc[i];

		lv->k = o->conc[i];
		lv->spawners = spawners(o->spawners, lv->k);
		if (!c->cg_parent) {
			snprintf(lv->error, sizeof(lv->error),
				 "no cgroup to measure in");
			continue;
		}
		run_level(c, lv, rounds < 3 ? 3 : rounds > 20 ? 20 : rounds);
	}
	return bench_interrupted ? -EINTR : 0;
}
