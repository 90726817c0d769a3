// SPDX-License-Identifier: MIT
/*
 * What a filter sees and what it never sees (seccomp(2) "Filters",
 * "Caveats", SECCOMP_GET_NOTIF_SIZES): whole 64-bit argument registers,
 * even for a call that reads only 32 bits of them; a BPF_LEN of the size
 * of struct seccomp_data, the size SECCOMP_GET_NOTIF_SIZES reports; on
 * x86-64, x32 numbers that no 64-bit deny-list names fail with ENOSYS
 * all the same; and calls the vDSO serves never reach the filter. Each
 * filter lives in a forked child.
 */
#include "seccomp_more.h"
#include "../primitives/mutant.h"

#include <stddef.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <time.h>

#define SC_REQ                                                                 \
	{                                                                      \
		.root = true, .caps = CAP_BIT(CAP_SYS_ADMIN),                  \
		.features = FEAT_BIT(FEAT_SECCOMP)                             \
	}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HI_WORD 4
#else
#define HI_WORD 0
#endif

static enum obs judge_errno_got(struct judge *j, const struct sc_outcome *o,
				int want, const char *what)
{
	const struct sc_result *r = &o->res[0];

	judge_sc_outcome(j, o);
	if (!r->done)
		return judge_unknown(j, "%s did not return", what);
	return judge_holds(j, r->ret == -1 && r->err == want,
			   "%s returned %ld (%s)", what, r->ret,
			   r->ret < 0 ? strerrorname_np(r->err) : "no error");
}

/* ---- 64-bit arguments ------------------------------------------------ */

/* getpriority whose second argument has 1 in its upper 32 bits: EXFULL. */
static int arm_high_bits(const void *arg)
{
	const struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getpriority, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[1]) + HI_WORD),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | SC_ERRNO),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	long r = scx_install(f, ARRAY_SIZE(f), 0);

	(void)arg;
	return r < 0 ? (int)r : 0;
}

/* The filter in both runs; the action: the high bits in the register. */
static int observe_args(struct ctx *c, struct sc_outcome *o)
{
	unsigned long long high = 1ull << 32;
	struct sc_plan p = {
		.arm = arm_high_bits,
		.where = SC_SELF,
		.call = { { SYS_getpriority, PRIO_PROCESS,
			    c->isolate ? (long)high : 0 } },
	};

	if (sizeof(long) < sizeof(high))
		return ctx_skip(c, "a 32-bit ABI: a system call argument has "
				   "no high half to set");
	return sc_probe(c, &p, o);
}

static enum obs judge_args(struct judge *j, const struct sc_outcome *o)
{
	return judge_errno_got(j, o, SC_ERRNO,
			       "getpriority(PRIO_PROCESS, who)");
}
CHECK(args64, struct sc_outcome, observe_args, judge_args);

/* ---- x32 numbers on x86-64 ------------------------------------------- */

#define X32_BIT 0x40000000l
#define X32_IOCTL 514 /* x32's own ioctl, without the bit */

/* A deny-list by number: ioctl fails with EXFULL. */
static int arm_deny_ioctl(const void *arg)
{
	long r = scx_install_rule(SYS_ioctl, SECCOMP_RET_ERRNO | SC_ERRNO, 0);

	(void)arg;
	return r < 0 ? (int)r : 0;
}

static int observe_x32(struct ctx *c, struct sc_outcome *o, long nr)
{
	struct sc_plan p = { .arm = arm_deny_ioctl, .where = SC_SELF };

#if !defined(__x86_64__)
	(void)p;
	(void)nr;
	(void)o;
	return ctx_skip(c, "x32 system call numbers exist on x86-64 only");
#else
	p.call[0] = (struct sc_call){ c->isolate ? nr : SYS_ioctl, -1, 0 };
	return sc_probe(c, &p, o);
#endif
}

static int observe_x32_bit(struct ctx *c, struct sc_outcome *o)
{
	return observe_x32(c, o, SYS_ioctl | X32_BIT);
}

static int observe_x32_range(struct ctx *c, struct sc_outcome *o)
{
	return observe_x32(c, o, X32_IOCTL);
}

static enum obs judge_x32(struct judge *j, const struct sc_outcome *o)
{
	return judge_errno_got(j, o, ENOSYS, "ioctl(-1) by that number");
}
CHECK(x32_bit, struct sc_outcome, observe_x32_bit, judge_x32);
CHECK(x32_range, struct sc_outcome, observe_x32_range, judge_x32);

/* ---- BPF_LEN and SECCOMP_GET_NOTIF_SIZES ----------------------------- */

struct len_seen {
	struct sc_outcome s;
	struct seccomp_notif_sizes sizes;
};

/* getppid: EXFULL when BPF_LEN is *arg, else ENOTUNIQ. */
static int arm_len(const void *arg)
{
	const uint16_t *len = arg;
	const struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, *len, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | SC_ERRNO),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | SC_ERRNO2),
	};
	long r;

	if (!*len)
		return 0;
	r = scx_install(f, ARRAY_SIZE(f), 0);
	return r < 0 ? (int)r : 0;
}

static int observe_len(struct ctx *c, struct len_seen *o)
{
	uint16_t len;
	struct sc_plan p = { .arm = arm_len,
			     .arg = &len,
			     .where = SC_SELF,
			     .call = { { .nr = SYS_getppid } } };

	TRY(c, scx_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &o->sizes),
	    "SECCOMP_GET_NOTIF_SIZES");
	len = c->isolate ? o->sizes.seccomp_data : 0;
	return sc_probe(c, &p, &o->s);
}

static enum obs judge_len(struct judge *j, const struct len_seen *o)
{
	const struct seccomp_notif_sizes *z = &o->sizes;
	bool sizes =
		z->seccomp_notif >= sizeof(struct seccomp_notif) &&
		z->seccomp_notif_resp >= sizeof(struct seccomp_notif_resp) &&
		z->seccomp_data == sizeof(struct seccomp_data);

	judge_kv(j, "notif sizes", "seccomp_notif %u, resp %u, data %u",
		 z->seccomp_notif, z->seccomp_notif_resp, z->seccomp_data);
	if (!sizes)
		return judge_unknown(j, "the reported sizes are smaller than "
					"this build's structures");
	return judge_errno_got(j, &o->s, SC_ERRNO,
			       "getppid (EXFULL: BPF_LEN is the reported "
			       "seccomp_data size)");
}
CHECK(len_sizes, struct len_seen, observe_len, judge_len);

/* ---- the vDSO -------------------------------------------------------- */

struct vdso_seen {
	int err; /* clock_gettime's errno, 0 if it worked */
};

/*
 * Fail every clock_gettime call number: on 32-bit arches libc's fallback
 * is clock_gettime64, which a filter on clock_gettime alone lets through
 * (armhf read the clock "through the vDSO" in both runs that way).
 */
static long deny_clock_gettime(void)
{
	static const long nrs[] = {
		SYS_clock_gettime,
#ifdef SYS_clock_gettime64
		SYS_clock_gettime64,
#endif
	};
	long r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(nrs) && r >= 0; i++)
		r = scx_install_rule(nrs[i], SECCOMP_RET_ERRNO | SC_ERRNO, 0);
	return r;
}

static int read_clock(void *arg, void *out, size_t len)
{
	struct vdso_seen *o = out;
	struct timespec ts;
	long r;

	(void)len;
	r = deny_clock_gettime();
	if (r < 0)
		return child_fail("install the filter", (int)r);
	if (*(const bool *)arg)
		r = clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	else
		r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC_COARSE, &ts);
	o->err = r < 0 ? errno : 0;
	if (mutant_on(M_SECCOMP_NONE))
		o->err = 0;
	return 0;
}

/* The filter in both runs; the action: the call through the vDSO. */
static int observe_vdso(struct ctx *c, struct vdso_seen *o)
{
	bool via_vdso = c->isolate;

	if (!getauxval(AT_SYSINFO_EHDR))
		return ctx_skip(c, "this process has no vDSO (AT_SYSINFO_EHDR "
				   "is 0)");
	TRY_OBS(run_in_child(c, "clock_gettime under a filter", 0, read_clock,
			     &via_vdso, o, sizeof(*o)));
	return 0;
}

static enum obs judge_vdso(struct judge *j, const struct vdso_seen *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "clock_gettime(CLOCK_MONOTONIC_COARSE)", "%s", e);
	if (o->err && o->err != SC_ERRNO)
		return judge_unknown(j, "clock_gettime failed with %s", e);
	return judge_holds(j, !o->err,
			   "clock_gettime under a filter failing it: %s", e);
}
CHECK(vdso, struct vdso_seen, observe_vdso, judge_vdso);

static const struct scenario seccomp_data[] = {
	{ .id = "seccomp/filter-sees-64-bit-args",
	  .title = "a filter sees whole 64-bit argument registers",
	  .property = "a filter testing the upper 32 bits of getpriority's "
		      "second argument fails the call when they hold 1, "
		      "though the call itself reads an int there",
	  .expect = "getpriority(PRIO_PROCESS, who) returned -1 (EXFULL)",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &args64 },
	{ .id = "seccomp/x32-bit-on-64-bit-call-enosys",
	  .title = "a 64-bit call number with __X32_SYSCALL_BIT fails",
	  .property = "on x86-64, ioctl's number with __X32_SYSCALL_BIT set "
		      "slips past a filter denying ioctl by number, and the "
		      "kernel fails it with ENOSYS",
	  .expect = "ioctl(-1) by that number returned -1 (ENOSYS)",
	  .req = SC_REQ,
	  .tags = { "seccomp", "arch" },
	  .check = &x32_bit },
	{ .id = "seccomp/x32-range-number-enosys",
	  .title = "an x32 call number without its bit fails",
	  .property = "on x86-64, number 514 (x32's ioctl without "
		      "__X32_SYSCALL_BIT) slips past a filter denying ioctl by "
		      "number, and the kernel fails it with ENOSYS",
	  .expect = "ioctl(-1) by that number returned -1 (ENOSYS)",
	  .req = SC_REQ,
	  .tags = { "seccomp", "arch" },
	  .check = &x32_range },
	{ .id = "seccomp/bpf-len-is-notif-data-size",
	  .title = "BPF_LEN is the seccomp_data size the kernel reports",
	  .property = "SECCOMP_GET_NOTIF_SIZES reports the notification "
		      "structures' sizes, and a filter's BPF_LEN equals the "
		      "seccomp_data size it reports",
	  .expect = "getppid returned -1 (EXFULL)",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &len_sizes },
	{ .id = "seccomp/vdso-escapes-filter",
	  .title = "calls served by the vDSO escape seccomp",
	  .property = "under a filter failing clock_gettime(2) with "
		      "EXFULL, clock_gettime(CLOCK_MONOTONIC_COARSE) through "
		      "the vDSO works; as a system call it fails",
	  .expect = "clock_gettime under a filter failing it: ok",
	  .req = SC_REQ,
	  .tags = { "seccomp", "vdso" },
	  .check = &vdso },
};

BOXCHECK_AREA(seccomp_data, seccomp_data);
