// SPDX-License-Identifier: MIT
/*
 * Time namespaces. A disposable child unshares CLONE_NEWTIME, writes
 * timens_offsets (possible only before any process enters), and forks the
 * process that reads the clocks. Times are only compared with each other.
 */
#include "nsrun.h"

#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#define OFFSET_S 86400LL /* one day */

enum via_clock { VIA_VDSO, VIA_SYSCALL };

struct time_spec {
	clockid_t clock;
	enum via_clock via;
	bool iso;
};

/* Nanoseconds, as the reader sees them. */
struct samples {
	int err;	/* -errno of the setup */
	int rt_err;	/* writing a realtime offset */
	int64_t t0, t1; /* the unsharing process, before and after */
	int64_t child;	/* the child's clock */
	int64_t rt0, rt1, rt_child; /* CLOCK_REALTIME likewise */
};

static int64_t read_clock(clockid_t id, enum via_clock via)
{
	struct timespec ts = { 0 };

	if (via == VIA_SYSCALL)
		syscall(SYS_clock_gettime, id, &ts);
	else
		clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int child_reads(void *arg, void *out, size_t len)
{
	const struct time_spec *s = arg;
	int64_t *v = out;

	(void)len;
	v[0] = read_clock(s->clock, s->via);
	v[1] = read_clock(CLOCK_REALTIME, s->via);
	return 0;
}

static int set_offsets(void)
{
	char text[96];
	int r;

	/* 1. A new time namespace, for our children only. */
	if (unshare(CLONE_NEWTIME) < 0)
		return neg_errno();
	/* 2. Offsets while no process is in it yet. */
	snprintf(text, sizeof(text), "monotonic %lld 0\nboottime %lld 0\n",
		 OFFSET_S, OFFSET_S);
	r = write_text("/proc/self/timens_offsets", text);
	return r;
}

static int unshare_and_fork(void *arg, void *out, size_t len)
{
	const struct time_spec *s = arg;
	struct samples *o = out;
	int64_t v[2];

	(void)len;
	if (s->iso && (o->err = set_offsets()) < 0)
		return 1;
	if (s->iso)
		o->rt_err = write_text("/proc/self/timens_offsets",
				       "realtime 1 0\n");
	/* 3. The child is the namespace's first process. */
	o->t0 = read_clock(s->clock, s->via);
	o->rt0 = read_clock(CLOCK_REALTIME, s->via);
	if (legacy_run_in_child(0, child_reads, arg, v, sizeof(v), NULL) < 0)
		return 2;
	o->t1 = read_clock(s->clock, s->via);
	o->rt1 = read_clock(CLOCK_REALTIME, s->via);
	o->child = v[0];
	o->rt_child = v[1];
	return 0;
}

static const char *clock_name(clockid_t id)
{
	return id == CLOCK_MONOTONIC ? "CLOCK_MONOTONIC" : "CLOCK_BOOTTIME";
}

static int sample(struct ctx *c, struct time_spec *s, struct samples *o,
		  int64_t *w0, int64_t *w1)
{
	int r;

	s->iso = c->isolate;
	*w0 = read_clock(s->clock, s->via);
	r = legacy_run_in_child(0, unshare_and_fork, s, o, sizeof(*o), NULL);
	*w1 = read_clock(s->clock, s->via);
	if (r == 0 && o->err < 0)
		r = o->err;
	return r;
}

static bool shifted(const struct samples *o)
{
	int64_t off = OFFSET_S * 1000000000LL;

	return o->child >= o->t0 + off && o->child <= o->t1 + off;
}

static enum obs clock_offset(struct ctx *c, clockid_t clock, enum via_clock via)
{
	struct time_spec s = { clock, via, false };
	struct samples o;
	int64_t w0, w1;
	int r = sample(c, &s, &o, &w0, &w1);

	if (r == -EINVAL && c->isolate)
		return ctx_skip(c, "kernel has no time namespaces (EINVAL)");
	TRY(c, r, "unshare(CLONE_NEWTIME) and write timens_offsets");
	ctx_kv(c, "clock", "%s via %s", clock_name(clock),
	       via == VIA_VDSO ? "vDSO" : "syscall");
	ctx_kv(c, "child - parent", "%.3f s", (o.child - o.t0) / 1e9);
	return ctx_holds(c, shifted(&o),
			 "%s in the child is %.0f s ahead of its parent",
			 clock_name(clock), (o.child - o.t0) / 1e9);
}

static enum obs mono_vdso(struct ctx *c)
{
	return clock_offset(c, CLOCK_MONOTONIC, VIA_VDSO);
}

static enum obs mono_syscall(struct ctx *c)
{
	return clock_offset(c, CLOCK_MONOTONIC, VIA_SYSCALL);
}

static enum obs boot_vdso(struct ctx *c)
{
	return clock_offset(c, CLOCK_BOOTTIME, VIA_VDSO);
}

static enum obs boot_syscall(struct ctx *c)
{
	return clock_offset(c, CLOCK_BOOTTIME, VIA_SYSCALL);
}

/* The unsharing process keeps the worker's clock; only its child moves. */
static enum obs children_only(struct ctx *c)
{
	struct time_spec s = { CLOCK_MONOTONIC, VIA_VDSO, false };
	struct samples o;
	int64_t w0, w1;
	bool self_same;

	TRY(c, sample(c, &s, &o, &w0, &w1), "unshare and sample");
	self_same = o.t0 >= w0 && o.t1 <= w1;
	ctx_kv(c, "unsharing process", "%s",
	       self_same ? "unshifted" : "shifted");
	ctx_kv(c, "its child", "%s", shifted(&o) ? "shifted" : "unshifted");
	return ctx_holds(c, self_same && shifted(&o),
			 "the unsharing process is %s, its child %s",
			 self_same ? "unshifted" : "shifted",
			 shifted(&o) ? "shifted" : "unshifted");
}

static enum obs realtime_not_virtual(struct ctx *c)
{
	struct time_spec s = { CLOCK_MONOTONIC, VIA_VDSO, false };
	struct samples o;
	int64_t w0, w1;
	bool rt_same;

	TRY(c, sample(c, &s, &o, &w0, &w1), "unshare and sample");
	rt_same = o.rt_child >= o.rt0 && o.rt_child <= o.rt1;
	ctx_kv(c, "realtime offset write", "%s",
	       o.rt_err ? strerrorname_np(-o.rt_err) : "ok");
	ctx_kv(c, "child's CLOCK_REALTIME", "%s",
	       rt_same ? "the parent's" : "different");
	return ctx_holds(c, rt_same && shifted(&o),
			 "CLOCK_MONOTONIC %s, CLOCK_REALTIME %s",
			 shifted(&o) ? "shifted" : "unshifted",
			 rt_same ? "the parent's" : "different");
}

#define TIME_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_TIME)                            \
	}
#define OFFSET_SCENARIO(id_, clk_, via_, run_)                                 \
	{                                                                      \
		.id = "timens/" id_,                                           \
		.title = clk_ " offset applies to children (" via_ ")",        \
		.property = "a " clk_                                          \
			    " offset written to timens_offsets shows in "      \
			    "the child's clock read through the " via_,        \
		.expect = "child ahead by the offset (86400 s)",               \
		.req = TIME_REQ, .tags = { "time" }, .run = run_               \
	}

static const struct scenario timens[] = {
	OFFSET_SCENARIO("monotonic-offset-vdso", "CLOCK_MONOTONIC", "vDSO",
			mono_vdso),
	OFFSET_SCENARIO("monotonic-offset-syscall", "CLOCK_MONOTONIC",
			"syscall", mono_syscall),
	OFFSET_SCENARIO("boottime-offset-vdso", "CLOCK_BOOTTIME", "vDSO",
			boot_vdso),
	OFFSET_SCENARIO("boottime-offset-syscall", "CLOCK_BOOTTIME", "syscall",
			boot_syscall),
	{ .id = "timens/offsets-apply-to-children-only",
	  .title = "unshare(CLONE_NEWTIME) moves only the children",
	  .property =
		  "after unshare(CLONE_NEWTIME) and an offset, the caller's "
		  "clock is unchanged and its child's is shifted",
	  .expect = "the unsharing process is unshifted, its child shifted",
	  .req = TIME_REQ,
	  .tags = { "time" },
	  .run = children_only },
	{ .id = "timens/realtime-not-virtualised",
	  .title = "CLOCK_REALTIME is not virtualised",
	  .property = "in a time namespace with a monotonic offset the "
		      "child's CLOCK_REALTIME still equals its parent's",
	  .expect = "CLOCK_MONOTONIC shifted, CLOCK_REALTIME the parent's",
	  .req = TIME_REQ,
	  .tags = { "time" },
	  .run = realtime_not_virtual },
};

BOXCHECK_AREA(timens, timens);
