// SPDX-License-Identifier: MIT
/*
 * Time namespaces. A disposable child unshares CLONE_NEWTIME, writes
 * timens_offsets (possible only before any process enters), and forks the
 * process that reads the clocks. Times are only compared with each other.
 */
#include "nsrun.h"
#include "../primitives/mutant.h"

#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#define OFFSET_S 86400LL /* one day */
#define OFFSET_NS (OFFSET_S * 1000000000LL)

enum via_clock { VIA_VDSO, VIA_SYSCALL };

struct time_spec {
	clockid_t clock;
	enum via_clock via;
	unsigned long flags; /* the action: CLONE_NEWTIME, or 0 */
};

/* Nanoseconds, as each reader sees them. */
struct samples {
	int off_err;	/* the offsets write: 0, or EACCES */
	int rt_err;	/* a realtime offset write: its errno */
	int64_t w0, w1; /* the worker, around everything */
	int64_t t0, t1; /* the unsharing process, around its child */
	int64_t child;	/* the child's clock */
	int64_t rt0, rt1, rt_child; /* CLOCK_REALTIME likewise */
};

static int read_clock(clockid_t id, enum via_clock via, int64_t *ns)
{
	struct timespec ts = { 0 };
	int r = via == VIA_SYSCALL ? syscall(SYS_clock_gettime, id, &ts)
				   : clock_gettime(id, &ts);

	if (r < 0)
		return neg_errno();
	*ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
	return 0;
}

/* The child's clocks. */
static int child_reads(void *arg, void *out, size_t len)
{
	const struct time_spec *s = arg;
	int64_t *v = out;
	int r;

	(void)len;
	if ((r = read_clock(s->clock, s->via, &v[0])) < 0 ||
	    (r = read_clock(CLOCK_REALTIME, s->via, &v[1])) < 0)
		return child_fail("clock_gettime", r);
	return 0;
}

/*
 * The offsets, a day on both virtualised clocks. Refused with EACCES once
 * a process has entered the namespace, and always for the initial one:
 * that is what the control sees. Any other errno is an error.
 */
static int set_offsets(struct samples *o)
{
	char text[96];
	int r;

	snprintf(text, sizeof(text), "monotonic %lld 0\nboottime %lld 0\n",
		 OFFSET_S, OFFSET_S);
	r = write_text("/proc/self/timens_offsets", text);
	if (r < 0 && r != -EACCES)
		return child_fail("write timens_offsets", r);
	o->off_err = -r;
	/* CLOCK_REALTIME has no offset: whatever the answer, it is evidence. */
	o->rt_err = -write_text("/proc/self/timens_offsets", "realtime 1 0\n");
	return 0;
}

static int unshare_and_fork(void *arg, void *out, size_t len)
{
	const struct time_spec *s = arg;
	struct samples *o = out;
	struct child_res res;
	int64_t v[2];
	int r;

	(void)len;
	/* 1. A new time namespace, for our children only (the action). */
	if (s->flags && unshare(s->flags) < 0)
		return child_fail("unshare(CLONE_NEWTIME)", neg_errno());
	/* 2. Offsets while no process is in it yet. */
	if ((r = set_offsets(o)) < 0)
		return r;
	/* 3. The child is the namespace's first process. */
	if ((r = read_clock(s->clock, s->via, &o->t0)) < 0 ||
	    (r = read_clock(CLOCK_REALTIME, s->via, &o->rt0)) < 0)
		return child_fail("clock_gettime", r);
	if (child_run(0, child_reads, arg, v, sizeof(v), &res) < 0)
		return child_relay_fail(&res, "run the reader");
	if ((r = read_clock(s->clock, s->via, &o->t1)) < 0 ||
	    (r = read_clock(CLOCK_REALTIME, s->via, &o->rt1)) < 0)
		return child_fail("clock_gettime", r);
	o->child = v[0];
	o->rt_child = v[1];
	if (mutant_on(M_TIMENS_CLOCK)) /* its parent's plus a day */
		o->child = o->t0 + (o->t1 - o->t0) / 2 + OFFSET_NS;
	return 0;
}

static const char *clock_name(clockid_t id)
{
	return id == CLOCK_MONOTONIC ? "CLOCK_MONOTONIC" : "CLOCK_BOOTTIME";
}

static int sample(struct ctx *c, clockid_t clock, enum via_clock via,
		  struct samples *o)
{
	struct time_spec s = { clock, via, c->isolate ? CLONE_NEWTIME : 0 };

	ctx_kv(c, "clock", "%s via %s", clock_name(clock),
	       via == VIA_VDSO ? "vDSO" : "syscall");
	TRY(c, read_clock(clock, via, &o->w0), "clock_gettime");
	TRY_OBS(run_in_child(c, "unshare, write the offsets and fork", 0,
			     unshare_and_fork, &s, o, sizeof(*o)));
	TRY(c, read_clock(clock, via, &o->w1), "clock_gettime");
	return 0;
}

/* The child's clock is its parent's plus the offset. */
static bool shifted(const struct samples *o)
{
	return o->child >= o->t0 + OFFSET_NS && o->child <= o->t1 + OFFSET_NS;
}

static void offsets_kv(struct judge *j, const struct samples *o)
{
	judge_kv(j, "offsets write", "%s",
		 o->off_err ? strerrorname_np(o->off_err) : "ok");
	judge_kv(j, "child - parent", "%.3f s", (o->child - o->t0) / 1e9);
}

static enum obs judge_offset(struct judge *j, const struct samples *o)
{
	offsets_kv(j, o);
	return judge_holds(j, shifted(o),
			   "the child's clock is %.0f s ahead of its parent's",
			   (o->child - o->t0) / 1e9);
}

#define OFFSET_CHECK(name_, clock_, via_)                                      \
	static int observe_##name_(struct ctx *c, struct samples *o)           \
	{                                                                      \
		return sample(c, clock_, via_, o);                             \
	}                                                                      \
	CHECK(name_, struct samples, observe_##name_, judge_offset)
OFFSET_CHECK(mono_vdso, CLOCK_MONOTONIC, VIA_VDSO);
OFFSET_CHECK(mono_syscall, CLOCK_MONOTONIC, VIA_SYSCALL);
OFFSET_CHECK(boot_vdso, CLOCK_BOOTTIME, VIA_VDSO);
OFFSET_CHECK(boot_syscall, CLOCK_BOOTTIME, VIA_SYSCALL);

/* The unsharing process keeps the worker's clock; only its child moves. */
static enum obs judge_children_only(struct judge *j, const struct samples *o)
{
	bool self_same = o->t0 >= o->w0 && o->t1 <= o->w1;
	const char *self = self_same ? "unshifted" : "shifted";
	const char *kid = shifted(o) ? "shifted" : "unshifted";

	offsets_kv(j, o);
	judge_kv(j, "unsharing process", "%s", self);
	judge_kv(j, "its child", "%s", kid);
	return judge_holds(j, self_same && shifted(o),
			   "the unsharing process is %s, its child %s", self,
			   kid);
}
CHECK(children_only, struct samples, observe_mono_vdso, judge_children_only);

/* With a monotonic offset in effect, CLOCK_REALTIME stays the parent's. */
static enum obs judge_realtime(struct judge *j, const struct samples *o)
{
	bool rt_same = o->rt_child >= o->rt0 && o->rt_child <= o->rt1;
	const char *mono = shifted(o) ? "shifted" : "unshifted";
	const char *rt = rt_same ? "the parent's" : "different";

	offsets_kv(j, o);
	judge_kv(j, "realtime offset write", "%s",
		 o->rt_err ? strerrorname_np(o->rt_err) : "ok");
	judge_kv(j, "child's CLOCK_REALTIME", "%s", rt);
	return judge_holds(j, rt_same && shifted(o),
			   "CLOCK_MONOTONIC %s, CLOCK_REALTIME %s", mono, rt);
}
CHECK(realtime_not_virtual, struct samples, observe_mono_vdso, judge_realtime);

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
		.expect =                                                      \
			"the child's clock is 86400 s ahead of its parent's",  \
		.req = TIME_REQ, .tags = { "time" }, .check = &run_            \
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
	  .check = &children_only },
	{ .id = "timens/realtime-not-virtualised",
	  .title = "CLOCK_REALTIME is not virtualised",
	  .property = "in a time namespace with a monotonic offset the "
		      "child's CLOCK_REALTIME still equals its parent's",
	  .expect = "CLOCK_MONOTONIC shifted, CLOCK_REALTIME the parent's",
	  .req = TIME_REQ,
	  .tags = { "time" },
	  .check = &realtime_not_virtual },
};

BOXCHECK_AREA(timens, timens);
