// SPDX-License-Identifier: MIT
/*
 * More of time_namespaces(7). A disposable child K unshares
 * CLONE_NEWTIME (the isolating step, except where the rule is about
 * something else) and writes timens_offsets; its child C is the
 * namespace's member. The control writes the same to the initial
 * namespace (refused, EACCES) or leaves out the one thing a rule is
 * about. Times are compared only with each other; nothing touches the
 * clock.
 */
#include "nsw.h"

#include <string.h>
#include <sys/timerfd.h>
#include <time.h>

#define DAY_S 86400LL
#define DAY_NS (DAY_S * 1000000000LL)
#define OFFSETS_DAY "monotonic 86400 0\nboottime 86400 0\n"

static int64_t ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static int clock_ns(clockid_t id, int64_t *v)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) < 0)
		return neg_errno();
	*v = ns_of(&ts);
	return 0;
}

/* A timens_offsets write of ours: its errno (M_TIMENS_OFFSETS: want). */
static int offsets_write(const char *text, int want)
{
	return nsw_proc_write(M_TIMENS_OFFSETS, 0, "timens_offsets", text, 0,
			      want);
}

/* ---- what a write may say ----------------------------------------------- */

struct write_row {
	const char *text, *act_text; /* the probe; the isolated run's text */
	bool act_member;	     /* isolated: a member entered first */
	bool act_drop;		     /* isolated: no CAP_SYS_TIME */
	int want;
};

enum { TW_MEMBER, TW_CAP, TW_NSEC, TW_NAME, TW_ID, TW_NEG, TW_BIG };
static const struct write_row write_rows[] = {
	[TW_MEMBER] = { "monotonic 1 0\n", NULL, true, false, EACCES },
	[TW_CAP] = { "monotonic 1 0\n", NULL, false, true, EPERM },
	[TW_NSEC] = { "monotonic 1 999999999\n", "monotonic 1 1000000000\n",
		      false, false, EINVAL },
	[TW_NAME] = { "monotonic 1 0\n", "realtime 1 0\n", false, false,
		      EINVAL },
	[TW_ID] = { "1 1 0\n", "0 1 0\n", false, false, EINVAL },
	[TW_NEG] = { "monotonic -1 0\n", "monotonic -1000000000 0\n", false,
		     false, ERANGE },
	[TW_BIG] = { "monotonic 86400 0\n", "monotonic 5000000000 0\n", false,
		     false, ERANGE },
};

struct write_arg {
	const struct write_row *row;
	bool act;
};

static int write_child(void *arg, void *out, size_t len)
{
	const struct write_arg *a = arg;
	const struct write_row *row = a->row;
	pid_t pid;

	(void)len;
	NSW_TRY("unshare(CLONE_NEWTIME)",
		unshare(CLONE_NEWTIME) < 0 ? neg_errno() : 0);
	if (a->act && row->act_member) {
		if ((pid = fork()) == 0)
			_exit(0);
		NSW_TRY("fork a member", pid < 0 ? neg_errno() : 0);
		NSW_TRY("reap it", wait_status(pid, NULL));
	}
	if (a->act && row->act_drop)
		NSW_TRY("drop CAP_SYS_TIME",
			drop_effective(CAPMASK(CAP_SYS_TIME)));
	*(int *)out = offsets_write(
		a->act && row->act_text ? row->act_text : row->text, row->want);
	return 0;
}

static int observe_write(struct ctx *c, int *o, int k)
{
	struct write_arg a = { &write_rows[k], c->isolate };

	return run_in_child(c, "write timens_offsets from a child", 0,
			    write_child, &a, o, sizeof(*o));
}

static enum obs judge_write(struct judge *j, const int *o, int k)
{
	return judge_errno(j, *o, write_rows[k].want, "the write",
			   "timens_offsets write");
}

#define WRITE_CHECK(name_, k_)                                                 \
	static int observe_##name_(struct ctx *c, int *o)                      \
	{                                                                      \
		return observe_write(c, o, k_);                                \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j, const int *o)           \
	{                                                                      \
		return judge_write(j, o, k_);                                  \
	}                                                                      \
	CHECK(name_, int, observe_##name_, judge_##name_)
WRITE_CHECK(tw_member, TW_MEMBER);
WRITE_CHECK(tw_cap, TW_CAP);
WRITE_CHECK(tw_nsec, TW_NSEC);
WRITE_CHECK(tw_name, TW_NAME);
WRITE_CHECK(tw_id, TW_ID);
WRITE_CHECK(tw_neg, TW_NEG);
WRITE_CHECK(tw_big, TW_BIG);

/* ---- what the file reads back -------------------------------------------- */

struct offsets {
	int lines;
	long long mono_s, boot_s;
	long mono_ns, boot_ns;
};

/* Our timens_offsets (our children's namespace): M_TIMENS_OFFSETS 0 0. */
static int offsets_read(struct offsets *o)
{
	char text[256], name[16], *l = text;
	long long s;
	long ns;
	int r = proc_read(0, "timens_offsets", text, sizeof(text));

	if (r < 0)
		return r;
	*o = (struct offsets){ 0 };
	for (; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (sscanf(l, "%15s %lld %ld", name, &s, &ns) != 3)
			return -EPROTO;
		o->lines++;
		if (strcmp(name, "monotonic") == 0)
			o->mono_s = s, o->mono_ns = ns;
		else if (strcmp(name, "boottime") == 0)
			o->boot_s = s, o->boot_ns = ns;
		else
			return -EPROTO;
	}
	if (mutant_on(M_TIMENS_OFFSETS))
		*o = (struct offsets){ .lines = 2 };
	return 0;
}

#define WANT_TEXT "monotonic 86400 5\nboottime 3600 7\n"

struct back_row {
	const char *first, *text; /* the writes, in that order */
	bool inherit;		  /* C's new namespace is what is read */
};

enum { TB_NAMES, TB_IDS, TB_TWICE, TB_INHERIT };
static const struct back_row back_rows[] = {
	[TB_NAMES] = { NULL, WANT_TEXT, false },
	[TB_IDS] = { NULL, "1 86400 5\n7 3600 7\n", false },
	[TB_TWICE] = { "monotonic 1 0\nboottime 2 0\n", WANT_TEXT, false },
	[TB_INHERIT] = { NULL, WANT_TEXT, true },
};

struct back_seen {
	int err;	   /* the (last) write's errno: 0 or EACCES */
	struct offsets rd; /* read back */
};

static int inherit_child(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)len;
	NSW_TRY("unshare(CLONE_NEWTIME) in C",
		unshare(CLONE_NEWTIME) < 0 ? neg_errno() : 0);
	NSW_TRY("read timens_offsets", offsets_read(out));
	return 0;
}

static int back_child(void *arg, void *out, size_t len)
{
	const struct back_row *row = ((const void *const *)arg)[0];
	bool act = *(const bool *)((const void *const *)arg)[1];
	struct back_seen *o = out;
	struct child_res res;
	int e;

	(void)len;
	if (act)
		NSW_TRY("unshare(CLONE_NEWTIME)",
			unshare(CLONE_NEWTIME) < 0 ? neg_errno() : 0);
	if (row->first && (e = offsets_write(row->first, EACCES)) &&
	    e != EACCES)
		return child_fail("the first write", -e);
	o->err = offsets_write(row->text, EACCES);
	if (o->err && o->err != EACCES)
		return child_fail("write timens_offsets", -o->err);
	if (!row->inherit)
		NSW_TRY("read timens_offsets", offsets_read(&o->rd));
	else if (child_run(0, inherit_child, NULL, &o->rd, sizeof(o->rd),
			   &res) < 0)
		return child_relay_fail(&res, "C makes a time namespace");
	return 0;
}

static int observe_back(struct ctx *c, struct back_seen *o, int k)
{
	bool act = c->isolate;
	const void *arg[2] = { &back_rows[k], &act };

	return run_in_child(c, "write and read timens_offsets in a child", 0,
			    back_child, arg, o, sizeof(*o));
}

static enum obs judge_back(struct judge *j, const struct back_seen *o)
{
	const struct offsets *r = &o->rd;
	bool as = r->lines == 2 && r->mono_s == 86400 && r->mono_ns == 5 &&
		  r->boot_s == 3600 && r->boot_ns == 7;

	judge_kv(j, "the write", "%s", errname(o->err));
	judge_kv(j, "read back", "monotonic %lld %ld, boottime %lld %ld",
		 r->mono_s, r->mono_ns, r->boot_s, r->boot_ns);
	return judge_holds(j, as, "monotonic %lld %ld, boottime %lld %ld",
			   r->mono_s, r->mono_ns, r->boot_s, r->boot_ns);
}

#define BACK_CHECK(name_, k_)                                                  \
	static int observe_##name_(struct ctx *c, struct back_seen *o)         \
	{                                                                      \
		return observe_back(c, o, k_);                                 \
	}                                                                      \
	CHECK(name_, struct back_seen, observe_##name_, judge_back)
BACK_CHECK(tb_names, TB_NAMES);
BACK_CHECK(tb_ids, TB_IDS);
BACK_CHECK(tb_twice, TB_TWICE);
BACK_CHECK(tb_inherit, TB_INHERIT);

/* ---- what a member sees ---------------------------------------------------- */

enum view { V_CLOCK, V_TIMERFD, V_TIMER, V_UPTIME };

struct view_row {
	enum view how;
	clockid_t clock; /* read by K around C, and by C (V_CLOCK) */
};

enum { TV_COARSE, TV_RAW, TV_TIMERFD, TV_TIMER, TV_UPTIME };
static const struct view_row view_rows[] = {
	[TV_COARSE] = { V_CLOCK, CLOCK_MONOTONIC_COARSE },
	[TV_RAW] = { V_CLOCK, CLOCK_MONOTONIC_RAW },
	[TV_TIMERFD] = { V_TIMERFD, CLOCK_MONOTONIC },
	[TV_TIMER] = { V_TIMER, CLOCK_MONOTONIC },
	[TV_UPTIME] = { V_UPTIME, CLOCK_BOOTTIME },
};

#define HOUR_NS (3600LL * 1000000000LL)

struct view_arg {
	const struct view_row *row;
	int64_t t0; /* K's clock just before C: C's timers aim an hour past */
};

/* A timer set for t0 + 1 h, absolute: the time left on it at once. */
static int timer_left(enum view how, int64_t deadline, int64_t *left)
{
	struct itimerspec its = { .it_value = { deadline / 1000000000LL,
						deadline % 1000000000LL } };
	struct sigevent sev = { .sigev_notify = SIGEV_NONE };
	int fd, r = 0;
	timer_t t;

	if (how == V_TIMERFD) {
		if ((fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) < 0)
			return neg_errno();
		if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) < 0 ||
		    timerfd_gettime(fd, &its) < 0)
			r = neg_errno();
		close(fd);
	} else {
		if (timer_create(CLOCK_MONOTONIC, &sev, &t) < 0)
			return neg_errno();
		if (timer_settime(t, TIMER_ABSTIME, &its, NULL) < 0 ||
		    timer_gettime(t, &its) < 0)
			r = neg_errno();
		timer_delete(t);
	}
	*left = ns_of(&its.it_value);
	return r;
}

static int uptime_ns(int64_t *v)
{
	char buf[64];
	unsigned long long s, cs;
	int r = read_text("/proc/uptime", buf, sizeof(buf));

	if (r < 0)
		return r;
	if (sscanf(buf, "%llu.%llu", &s, &cs) != 2)
		return -EPROTO;
	*v = (int64_t)s * 1000000000LL + (int64_t)cs * 10000000LL;
	return 0;
}

/* C: its view. Mutation point M_TIMENS_VIEW: a day ahead, timers done. */
static int member_view(void *arg, void *out, size_t len)
{
	const struct view_arg *a = arg;
	int64_t *v = out;

	(void)len;
	if (a->row->how == V_CLOCK)
		NSW_TRY("clock_gettime", clock_ns(a->row->clock, v));
	else if (a->row->how == V_UPTIME)
		NSW_TRY("read /proc/uptime", uptime_ns(v));
	else
		NSW_TRY("set a timer",
			timer_left(a->row->how, a->t0 + HOUR_NS, v));
	if (mutant_on(M_TIMENS_VIEW))
		*v = a->row->how == V_TIMERFD || a->row->how == V_TIMER
			     ? 0
			     : a->t0 + DAY_NS;
	return 0;
}

struct view_seen {
	int err;	/* the offsets write: 0, or EACCES */
	int64_t t0, t1; /* K's clock around C */
	int64_t member; /* C's value (clock, uptime, time left) */
};

static int view_child(void *arg, void *out, size_t len)
{
	struct view_arg a = { ((const void *const *)arg)[0], 0 };
	bool act = *(const bool *)((const void *const *)arg)[1];
	struct view_seen *o = out;
	struct child_res res;

	(void)len;
	if (act)
		NSW_TRY("unshare(CLONE_NEWTIME)",
			unshare(CLONE_NEWTIME) < 0 ? neg_errno() : 0);
	/*
	 * The day's offsets are the set-up of the namespace the member
	 * enters: refused there, there is no such namespace to judge (an
	 * error). The control's write to the initial namespace is refused.
	 */
	o->err = offsets_write(OFFSETS_DAY, EACCES);
	if (o->err && (act || o->err != EACCES))
		return child_fail("write timens_offsets", -o->err);
	NSW_TRY("clock_gettime", clock_ns(a.row->clock, &o->t0));
	a.t0 = o->t0;
	if (child_run(0, member_view, &a, &o->member, sizeof(o->member), &res) <
	    0)
		return child_relay_fail(&res, "C's view");
	NSW_TRY("clock_gettime", clock_ns(a.row->clock, &o->t1));
	return 0;
}

static int observe_view(struct ctx *c, struct view_seen *o, int k)
{
	bool act = c->isolate;
	const void *arg[2] = { &view_rows[k], &act };

	return run_in_child(c, "offsets and a member, from a child", 0,
			    view_child, arg, o, sizeof(*o));
}

/* C's clock (or uptime, to 10 ms) is K's plus a day. */
static enum obs judge_ahead(struct judge *j, const struct view_seen *o,
			    int64_t slack)
{
	bool ahead = o->member >= o->t0 + DAY_NS - slack &&
		     o->member <= o->t1 + DAY_NS + slack;

	judge_kv(j, "the offsets write", "%s", errname(o->err));
	judge_kv(j, "member - K", "%.3f s", (o->member - o->t0) / 1e9);
	return judge_holds(j, ahead, "the member reads %.0f s ahead of K",
			   (o->member - o->t0) / 1e9);
}

static enum obs judge_clock(struct judge *j, const struct view_seen *o)
{
	return judge_ahead(j, o, 0);
}

static enum obs judge_uptime(struct judge *j, const struct view_seen *o)
{
	return judge_ahead(j, o, 10000000LL);
}

/* The deadline, an hour past K's clock, is a day behind C's: expired. */
static enum obs judge_timer(struct judge *j, const struct view_seen *o)
{
	judge_kv(j, "the offsets write", "%s", errname(o->err));
	judge_kv(j, "time left", "%.3f s", o->member / 1e9);
	return judge_holds(j, o->member == 0,
			   "a timer for an hour from now has %.0f s left",
			   o->member / 1e9);
}

#define VIEW_CHECK(name_, k_, judge_)                                          \
	static int observe_##name_(struct ctx *c, struct view_seen *o)         \
	{                                                                      \
		return observe_view(c, o, k_);                                 \
	}                                                                      \
	CHECK(name_, struct view_seen, observe_##name_, judge_)
VIEW_CHECK(tv_coarse, TV_COARSE, judge_clock);
VIEW_CHECK(tv_raw, TV_RAW, judge_clock);
VIEW_CHECK(tv_timerfd, TV_TIMERFD, judge_timer);
VIEW_CHECK(tv_timer, TV_TIMER, judge_timer);
VIEW_CHECK(tv_uptime, TV_UPTIME, judge_uptime);

#define TIME_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_TIME)                            \
	}
#define TNS(id_, title_, prop_, expect_, check_)                               \
	{                                                                      \
		.id = "timens/" id_, .title = title_, .property = prop_,       \
		.expect = expect_, .req = TIME_REQ, .tags = { "time" },        \
		.check = &check_                                               \
	}

static const struct scenario timens_more[] = {
	TNS("offsets-eacces-after-member",
	    "offsets are fixed once a process entered",
	    "a timens_offsets write after a process has entered the new "
	    "namespace fails with EACCES",
	    "EACCES", tw_member),
	TNS("offsets-need-cap-sys-time", "writing offsets needs CAP_SYS_TIME",
	    "a timens_offsets write without CAP_SYS_TIME in the effective set "
	    "fails with EPERM",
	    "EPERM", tw_cap),
	TNS("offsets-einval-nsec", "an offset's nanoseconds stay below 1e9",
	    "a timens_offsets line with 1000000000 ns fails with EINVAL "
	    "(999999999 is taken)",
	    "EINVAL", tw_nsec),
	TNS("offsets-einval-clock-name", "only monotonic and boottime move",
	    "a timens_offsets line for realtime fails with EINVAL", "EINVAL",
	    tw_name),
	TNS("offsets-einval-clock-id", "only clock ids 1 and 7 move",
	    "a timens_offsets line for clock id 0 fails with EINVAL (id 1 is "
	    "taken)",
	    "EINVAL", tw_id),
	TNS("offsets-erange-negative", "an offset cannot make a clock negative",
	    "a monotonic offset of -1e9 s, past the clock's value, fails with "
	    "ERANGE (-1 s is taken)",
	    "ERANGE", tw_neg),
	TNS("offsets-erange-too-far", "an offset stays under KTIME_SEC_MAX/2",
	    "a monotonic offset of 5e9 s fails with ERANGE", "ERANGE", tw_big),
	TNS("offsets-read-back", "timens_offsets reads back what was written",
	    "after 'monotonic 86400 5' and 'boottime 3600 7' the file reads "
	    "those two lines",
	    "monotonic 86400 5, boottime 3600 7", tb_names),
	TNS("offsets-numeric-clock-ids", "clock ids may be numbers",
	    "'1 86400 5' and '7 3600 7' set the monotonic and boottime "
	    "offsets",
	    "monotonic 86400 5, boottime 3600 7", tb_ids),
	TNS("offsets-rewritable-before-member",
	    "offsets may be written more than once",
	    "before any process entered, a second timens_offsets write "
	    "replaces the first",
	    "monotonic 86400 5, boottime 3600 7", tb_twice),
	TNS("offsets-inherited", "a new time namespace inherits the offsets",
	    "a time namespace made from one with offsets starts with the "
	    "same offsets",
	    "monotonic 86400 5, boottime 3600 7", tb_inherit),
	TNS("monotonic-coarse-offset",
	    "CLOCK_MONOTONIC_COARSE follows the offset",
	    "a member of a namespace with a one-day monotonic offset reads "
	    "CLOCK_MONOTONIC_COARSE a day ahead",
	    "the member reads 86400 s ahead of K", tv_coarse),
	TNS("monotonic-raw-offset", "CLOCK_MONOTONIC_RAW follows the offset",
	    "a member of a namespace with a one-day monotonic offset reads "
	    "CLOCK_MONOTONIC_RAW a day ahead",
	    "the member reads 86400 s ahead of K", tv_raw),
	TNS("timerfd-abstime-in-ns",
	    "absolute timerfds use the namespace's time",
	    "in a namespace a day ahead, a timerfd set to an hour past the "
	    "outer CLOCK_MONOTONIC has expired at once",
	    "no time left", tv_timerfd),
	TNS("timer-abstime-in-ns",
	    "absolute POSIX timers use the namespace's time",
	    "in a namespace a day ahead, timer_settime(TIMER_ABSTIME) to an "
	    "hour past the outer CLOCK_MONOTONIC has expired at once",
	    "no time left", tv_timer),
	TNS("uptime-offset", "/proc/uptime follows the boottime offset",
	    "a member of a namespace with a one-day boottime offset reads "
	    "/proc/uptime a day ahead",
	    "the member reads 86400 s ahead of K", tv_uptime),
};

BOXCHECK_AREA(timens_more, timens_more);
