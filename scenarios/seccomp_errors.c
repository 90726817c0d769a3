// SPDX-License-Identifier: MIT
/*
 * What seccomp(2) refuses (DESCRIPTION, ERRORS, "Seccomp-specific BPF
 * details"): strict mode with flags or args, an empty, overlong or broken
 * program, a load the seccomp checker does not take, a bad pointer, an
 * unknown operation or flag, a mode switch, filters past the instruction
 * budget, a second listener, an action the kernel does not know. One row
 * per refusal: a forked process makes the refused call, the control the
 * same call made valid (lacking the one fault), which succeeds.
 */
#include "seccomp_more.h"
#include "userns.h"

#include <stddef.h>
#include <string.h>

struct err_seen {
	int err; /* the probed call's errno, 0 if it succeeded */
};

/*
 * A program of n instructions: loads, then RET_ALLOW. The loads are of
 * the instruction pointer, which stops the kernel's emulation of the
 * filter (the per-syscall allow cache) at the first instruction: a
 * program of loads of nr would be emulated whole for every syscall.
 */
static struct sock_fprog prog_n(unsigned short n)
{
	static struct sock_filter f[SCX_MAXINSNS + 1];

	for (unsigned i = 0; i + 1 < n && i < SCX_MAXINSNS; i++)
		f[i] = (struct sock_filter)BPF_STMT(
			BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, instruction_pointer));
	if (n && n <= SCX_MAXINSNS + 1)
		f[n - 1] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							SECCOMP_RET_ALLOW);
	return (struct sock_fprog){ n, f };
}

static long install_n(unsigned short n, unsigned flags)
{
	struct sock_fprog prog = prog_n(n);

	return scx_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static long probe_n(unsigned short n, unsigned flags)
{
	struct sock_fprog prog = prog_n(n);

	return scx_seccomp_probe(SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* A load (code, k), then RET_ALLOW: the probed call. */
static long probe_load(uint16_t code, uint32_t k)
{
	struct sock_filter f[] = {
		BPF_STMT(code, k), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
	};
	struct sock_fprog prog = { ARRAY_SIZE(f), f };

	return scx_seccomp_probe(SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* ---- the probed calls: act is the fault ------------------------------ */

static long strict_flags(bool act)
{
	return scx_seccomp_probe(SECCOMP_SET_MODE_STRICT, act, NULL);
}

static long strict_args(bool act)
{
	static int x;

	return scx_seccomp_probe(SECCOMP_SET_MODE_STRICT, 0, act ? &x : NULL);
}

static long empty(bool act)
{
	return probe_n(act ? 0 : 1, 0);
}

static long too_long(bool act)
{
	return probe_n(act ? SCX_MAXINSNS + 1 : SCX_MAXINSNS, 0);
}

static long bad_jump(bool act)
{
	struct sock_filter f[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, act ? 5 : 0, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { ARRAY_SIZE(f), f };

	return scx_seccomp_probe(SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static long bad_pointer(bool act)
{
	struct sock_filter f[] = { BPF_STMT(BPF_RET | BPF_K,
					    SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { ARRAY_SIZE(f), f };

	/* Page 0 is never mapped (vm.mmap_min_addr). */
	return scx_seccomp_probe(SECCOMP_SET_MODE_FILTER, 0,
				 act ? (void *)8 : &prog);
}

static long unknown_op(bool act)
{
	uint32_t action = SECCOMP_RET_ALLOW;

	return scx_seccomp_probe(act ? 77 : SECCOMP_GET_ACTION_AVAIL, 0,
				 &action);
}

static long unknown_flag(bool act)
{
	return probe_n(1, act ? 1u << 30 : 0);
}

static long avail_flags(bool act)
{
	uint32_t action = SECCOMP_RET_ALLOW;

	return scx_seccomp_probe(SECCOMP_GET_ACTION_AVAIL, act, &action);
}

static long misaligned(bool act)
{
	return probe_load(BPF_LD | BPF_W | BPF_ABS, act ? 1 : 0);
}

static long past_data(bool act)
{
	return probe_load(BPF_LD | BPF_W | BPF_ABS,
			  sizeof(struct seccomp_data) - (act ? 0 : 4));
}

static long load_half(bool act)
{
	return probe_load(BPF_LD | (act ? BPF_H : BPF_W) | BPF_ABS, 0);
}

static long load_byte(bool act)
{
	return probe_load(BPF_LD | (act ? BPF_B : BPF_W) | BPF_ABS, 0);
}

static long set_strict(bool act)
{
	(void)act;
	return scx_seccomp_probe(SECCOMP_SET_MODE_STRICT, 0, NULL);
}

/* Seven filters in place (pre_budget); the eighth of the same size. */
#define BUDGET_FILTERS 8
static unsigned short budget_len(bool act)
{
	return act ? SCX_MAXINSNS : SCX_MAXINSNS / 2;
}

static long eighth(bool act)
{
	return probe_n(budget_len(act), 0);
}

static long listener(bool act)
{
	(void)act;
	return probe_n(1, SECCOMP_FILTER_FLAG_NEW_LISTENER);
}

static long avail_unknown(bool act)
{
	uint32_t action = act ? SCX_UNKNOWN_ACTION : SECCOMP_RET_LOG;

	return scx_seccomp_probe(SECCOMP_GET_ACTION_AVAIL, 0, &action);
}

/* ---- what comes first ------------------------------------------------ */

static int pre_filter(bool act)
{
	return act ? (int)install_n(1, 0) : 0;
}

static int pre_budget(bool act)
{
	long r = 0;

	for (int i = 0; r >= 0 && i < BUDGET_FILTERS - 1; i++)
		r = install_n(budget_len(act), 0);
	return r < 0 ? (int)r : 0;
}

static int pre_listener(bool act)
{
	long r = install_n(1, act ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0);

	return r < 0 ? (int)r : 0;
}

struct err_kind {
	int (*pre)(bool act); /* NULL: nothing */
	long (*call)(bool act);
	int want;
	const char *what;
};

enum {
	K_STRICT_FLAGS,
	K_STRICT_ARGS,
	K_EMPTY,
	K_TOO_LONG,
	K_BAD_JUMP,
	K_BAD_POINTER,
	K_UNKNOWN_OP,
	K_UNKNOWN_FLAG,
	K_AVAIL_FLAGS,
	K_MISALIGNED,
	K_PAST_DATA,
	K_LOAD_HALF,
	K_LOAD_BYTE,
	K_MODE_SWITCH,
	K_BUDGET,
	K_LISTENER,
	K_AVAIL_UNKNOWN,
};

static const struct err_kind kinds[] = {
	[K_STRICT_FLAGS] = { NULL, strict_flags, EINVAL, "strict mode" },
	[K_STRICT_ARGS] = { NULL, strict_args, EINVAL, "strict mode" },
	[K_EMPTY] = { NULL, empty, EINVAL, "a filter install" },
	[K_TOO_LONG] = { NULL, too_long, EINVAL, "a filter install" },
	[K_BAD_JUMP] = { NULL, bad_jump, EINVAL, "a filter install" },
	[K_BAD_POINTER] = { NULL, bad_pointer, EFAULT, "a filter install" },
	[K_UNKNOWN_OP] = { NULL, unknown_op, EINVAL, "seccomp()" },
	[K_UNKNOWN_FLAG] = { NULL, unknown_flag, EINVAL, "a filter install" },
	[K_AVAIL_FLAGS] = { NULL, avail_flags, EINVAL,
			    "SECCOMP_GET_ACTION_AVAIL" },
	[K_MISALIGNED] = { NULL, misaligned, EINVAL, "a filter install" },
	[K_PAST_DATA] = { NULL, past_data, EINVAL, "a filter install" },
	[K_LOAD_HALF] = { NULL, load_half, EINVAL, "a filter install" },
	[K_LOAD_BYTE] = { NULL, load_byte, EINVAL, "a filter install" },
	[K_MODE_SWITCH] = { pre_filter, set_strict, EINVAL, "strict mode" },
	[K_BUDGET] = { pre_budget, eighth, ENOMEM, "the eighth filter" },
	[K_LISTENER] = { pre_listener, listener, EBUSY,
			 "a filter with a listener" },
	[K_AVAIL_UNKNOWN] = { NULL, avail_unknown, EOPNOTSUPP,
			      "SECCOMP_GET_ACTION_AVAIL" },
};

struct err_arg {
	const struct err_kind *k;
	bool act;
};

static int try_call(const void *arg, void *out)
{
	const struct err_arg *a = arg;
	struct err_seen *o = out;
	int r;

	if (a->k->pre && (r = a->k->pre(a->act)) < 0)
		return scx_fail("the calls before the probed one", r);
	o->err = scx_err(a->k->call(a->act));
	return 0;
}

static int observe_err(struct ctx *c, struct err_seen *o, int kind)
{
	struct err_arg a = { &kinds[kind], c->isolate };
	struct scx_end end;

	TRY_OBS(scx_run(c, "the seccomp call", try_call, &a, o, sizeof(*o),
			&end));
	return 0;
}

static enum obs judge_err(struct judge *j, const struct err_seen *o, int kind)
{
	return judge_errno(j, o->err, kinds[kind].want, "seccomp()",
			   kinds[kind].what);
}

#define ERR_CHECK(name_, kind_)                                                \
	static int observe_##name_(struct ctx *c, struct err_seen *o)          \
	{                                                                      \
		return observe_err(c, o, kind_);                               \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct err_seen *o)                \
	{                                                                      \
		return judge_err(j, o, kind_);                                 \
	}                                                                      \
	CHECK(name_, struct err_seen, observe_##name_, judge_##name_)
ERR_CHECK(strict_flags_c, K_STRICT_FLAGS);
ERR_CHECK(strict_args_c, K_STRICT_ARGS);
ERR_CHECK(empty_c, K_EMPTY);
ERR_CHECK(too_long_c, K_TOO_LONG);
ERR_CHECK(bad_jump_c, K_BAD_JUMP);
ERR_CHECK(bad_pointer_c, K_BAD_POINTER);
ERR_CHECK(unknown_op_c, K_UNKNOWN_OP);
ERR_CHECK(unknown_flag_c, K_UNKNOWN_FLAG);
ERR_CHECK(avail_flags_c, K_AVAIL_FLAGS);
ERR_CHECK(misaligned_c, K_MISALIGNED);
ERR_CHECK(past_data_c, K_PAST_DATA);
ERR_CHECK(load_half_c, K_LOAD_HALF);
ERR_CHECK(load_byte_c, K_LOAD_BYTE);
ERR_CHECK(mode_switch_c, K_MODE_SWITCH);
ERR_CHECK(budget_c, K_BUDGET);
ERR_CHECK(listener_c, K_LISTENER);
ERR_CHECK(avail_unknown_c, K_AVAIL_UNKNOWN);

#define ERR_ROW(id_, title_, property_, expect_, check_)                       \
	{                                                                      \
		.id = "seccomp/" id_, .title = title_, .property = property_,  \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .caps = CAP_BIT(CAP_SYS_ADMIN),                       \
			 .features = FEAT_BIT(FEAT_SECCOMP) },                 \
		.tags = { "seccomp", "errors" }, .check = &check_              \
	}

static const struct scenario seccomp_errors[] = {
	ERR_ROW("strict-flags-einval", "strict mode takes no flags",
		"SECCOMP_SET_MODE_STRICT with flags 1 fails with EINVAL; with "
		"flags 0 it works",
		"EINVAL", strict_flags_c),
	ERR_ROW("strict-args-einval", "strict mode takes no args",
		"SECCOMP_SET_MODE_STRICT with a non-NULL args fails with "
		"EINVAL; with NULL it works",
		"EINVAL", strict_args_c),
	ERR_ROW("filter-empty-einval", "an empty filter is refused",
		"a filter of 0 instructions fails with EINVAL; one of a "
		"single RET_ALLOW is installed",
		"EINVAL", empty_c),
	ERR_ROW("filter-too-long-einval",
		"a filter over 4096 instructions is refused",
		"a filter of 4097 instructions fails with EINVAL; one of 4096 "
		"is installed",
		"EINVAL", too_long_c),
	ERR_ROW("filter-bad-jump-einval",
		"a filter jumping past its end "
		"is refused",
		"a filter whose jump lands past its last instruction fails "
		"with EINVAL; the same jump to the next instruction is "
		"installed",
		"EINVAL", bad_jump_c),
	ERR_ROW("filter-bad-pointer-efault",
		"a filter install from a bad address fails with EFAULT",
		"SECCOMP_SET_MODE_FILTER with args pointing at address 8 "
		"fails with EFAULT; a valid sock_fprog is installed",
		"EFAULT", bad_pointer_c),
	ERR_ROW("unknown-operation-einval", "an unknown operation is refused",
		"seccomp() with operation 77 fails with EINVAL; "
		"SECCOMP_GET_ACTION_AVAIL with the same args works",
		"EINVAL", unknown_op_c),
	ERR_ROW("unknown-filter-flag-einval",
		"an unknown filter flag is refused",
		"a filter install with flag bit 30 fails with EINVAL; without "
		"it the filter is installed",
		"EINVAL", unknown_flag_c),
	ERR_ROW("action-avail-flags-einval",
		"SECCOMP_GET_ACTION_AVAIL takes no flags",
		"SECCOMP_GET_ACTION_AVAIL with flags 1 fails with EINVAL; "
		"with flags 0 it answers",
		"EINVAL", avail_flags_c),
	ERR_ROW("load-misaligned-einval",
		"a misaligned load from seccomp_data is refused",
		"a filter loading a word at offset 1 of seccomp_data fails "
		"with EINVAL; at offset 0 it is installed",
		"EINVAL", misaligned_c),
	ERR_ROW("load-past-data-einval",
		"a load past the end of seccomp_data is refused",
		"a filter loading a word at offset 64 (past seccomp_data) "
		"fails with EINVAL; at offset 60 it is installed",
		"EINVAL", past_data_c),
	ERR_ROW("load-half-einval", "a half-word load is refused",
		"a filter with a BPF_H absolute load fails with EINVAL; the "
		"same load as BPF_W is installed",
		"EINVAL", load_half_c),
	ERR_ROW("load-byte-einval", "a byte load is refused",
		"a filter with a BPF_B absolute load fails with EINVAL; the "
		"same load as BPF_W is installed",
		"EINVAL", load_byte_c),
	ERR_ROW("strict-after-filter-einval",
		"filter mode cannot switch to strict mode",
		"with a filter in force SECCOMP_SET_MODE_STRICT fails with "
		"EINVAL; without one it works",
		"EINVAL", mode_switch_c),
	ERR_ROW("total-insns-enomem",
		"filters past the per-thread instruction budget are refused",
		"eight filters of 4096 instructions (32768, plus the 4 the "
		"kernel counts per filter) do not fit: the eighth fails with "
		"ENOMEM; eight of 2048 are installed",
		"ENOMEM", budget_c),
	ERR_ROW("second-listener-ebusy", "a thread has one listener at most",
		"a filter with SECCOMP_FILTER_FLAG_NEW_LISTENER fails with "
		"EBUSY when an earlier filter has a listener; after a filter "
		"without one it gets a listener",
		"EBUSY", listener_c),
	ERR_ROW("action-avail-unknown-eopnotsupp",
		"SECCOMP_GET_ACTION_AVAIL refuses an unknown action",
		"SECCOMP_GET_ACTION_AVAIL for action 0x00010000 fails with "
		"EOPNOTSUPP; for SECCOMP_RET_LOG it answers 0",
		"EOPNOTSUPP", avail_unknown_c),
};

BOXCHECK_AREA(seccomp_errors, seccomp_errors);
