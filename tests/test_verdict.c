// SPDX-License-Identifier: MIT
/* The control rule and requirement checks. */
#include "testlib.h"
#include "../harness/runner.h"

static struct record rec(enum obs iso, enum obs ctl)
{
	struct record r = { 0 };

	strcpy(r.expected, "getpid()=1");
	r.iso.obs = iso;
	strcpy(r.iso.observed, "getpid()=1");
	r.ctl.obs = ctl;
	strcpy(r.ctl.observed, ctl == OBS_HOLDS ? "getpid()=1" : "getpid()=42");
	return r;
}

static void pass_needs_holds_and_absent(void **state)
{
	struct record r = rec(OBS_HOLDS, OBS_ABSENT);

	verdict_decide(&r);
	assert_int_equal(r.verdict, V_PASS);
}

static void control_showing_property_fails(void **state)
{
	struct record r = rec(OBS_HOLDS, OBS_HOLDS);

	verdict_decide(&r);
	assert_int_equal(r.verdict, V_FAIL);
	assert_non_null(strstr(r.reason, "check does not discriminate"));
	assert_non_null(strstr(r.reason, "getpid()=1"));
}

static void property_absent_fails_with_both_values(void **state)
{
	struct record r = rec(OBS_ABSENT, OBS_ABSENT);

	strcpy(r.iso.observed, "getpid()=7");
	verdict_decide(&r);
	assert_int_equal(r.verdict, V_FAIL);
	assert_string_equal(r.reason,
			    "expected getpid()=1, observed getpid()=7");
}

static void skip_error_and_broken_control(void **state)
{
	static const struct {
		enum obs iso, ctl;
		enum verdict want;
	} cases[] = {
		{ OBS_SKIP, OBS_ABSENT, V_SKIP },
		{ OBS_ERROR, OBS_ABSENT, V_ERROR },
		{ OBS_NONE, OBS_ABSENT, V_ERROR },
		{ OBS_HOLDS, OBS_ERROR, V_ERROR },
		{ OBS_HOLDS, OBS_SKIP, V_ERROR },
		{ OBS_HOLDS, OBS_NONE, V_ERROR },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct record r = rec(cases[i].iso, cases[i].ctl);
		verdict_decide(&r);
		assert_int_equal(r.verdict, cases[i].want);
	}
}

static struct host fake_host(void)
{
	struct host h = { 0 };

	h.root = true;
	h.ns = NS_BIT(NS_PID) | NS_BIT(NS_NET);
	h.cg_ok = true;
	h.cg.mode = CG_MODE_HYBRID;
	h.cg.n = 2;
	h.cg.hier[0].version = 1;
	h.cg.hier[0].ctrls = CG_BIT(CG_PIDS);
	h.cg.hier[1].version = 2;
	h.cg.unified = 1;
	for (int c = 0; c < CG__COUNT; c++)
		h.cg.by_ctrl[c] = -1;
	h.cg.by_ctrl[CG_PIDS] = 0;
	h.features = FEAT_BIT(FEAT_CLONE3);
	strcpy(h.filesystems, " tmpfs overlay");
	return h;
}

static void requirements_name_what_is_missing(void **state)
{
	struct host h = fake_host();
	char why[256];
	static const struct {
		struct requirements r;
		const char *why; /* NULL: met */
	} cases[] = {
		{ { .root = true, .ns = NS_BIT(NS_PID) }, NULL },
		{ { .ns = NS_BIT(NS_TIME) }, "kernel has no time namespaces" },
		{ { .ctrls = CG_BIT(CG_PIDS) }, NULL },
		{ { .ctrls = CG_BIT(CG_MEMORY) },
		  "cgroup controller memory not available" },
		{ { .cgroup_version = 2 }, NULL },
		{ { .cgroup_version = 2, .ctrls = CG_BIT(CG_PIDS) },
		  "cgroup controller pids is on cgroup v1 here (hybrid "
		  "layout); this scenario needs it on v2" },
		{ { .fs = { "overlay" } }, NULL },
		{ { .fs = { "nosuchfs" } },
		  "kernel has no nosuchfs filesystem" },
		{ { .features = FEAT_BIT(FEAT_CLONE3) }, NULL },
		{ { .features = FEAT_BIT(FEAT_FSOPEN) },
		  "kernel has no new mount API (fsopen)" },
		{ { .cmds = { "sh" } }, NULL },
		{ { .cmds = { "no-such-command-xyz" } },
		  "command no-such-command-xyz not found in PATH" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool met = req_met(&cases[i].r, &h, why, sizeof(why));
		if (!cases[i].why) {
			assert_true(met);
			continue;
		}
		assert_false(met);
		assert_string_equal(why, cases[i].why);
	}
	/* Missing because the command line turned it off (the Pi column). */
	h.cg_cmdline_off = CG_BIT(CG_MEMORY);
	assert_false(
		req_met(&(struct requirements){ .ctrls = CG_BIT(CG_MEMORY) },
			&h, why, sizeof(why)));
	assert_string_equal(why, "memory controller disabled on the kernel "
				 "command line (cgroup_disable=memory); add "
				 "cgroup_enable=memory");
	h.root = false;
	assert_false(req_met(&(struct requirements){ .root = true }, &h, why,
			     sizeof(why)));
	assert_string_equal(why, "needs root");
}

static void requirements_described(void **state)
{
	char buf[256];
	struct requirements r = { .root = true,
				  .ns = NS_BIT(NS_PID),
				  .ctrls = CG_BIT(CG_PIDS),
				  .fs = { "overlay" } };

	req_describe(&r, buf, sizeof(buf));
	assert_string_equal(buf, "root, ns:pid, cgroup:pids, fs:overlay");
	req_describe(&(struct requirements){ 0 }, buf, sizeof(buf));
	assert_string_equal(buf, "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pass_needs_holds_and_absent),
		cmocka_unit_test(control_showing_property_fails),
		cmocka_unit_test(property_absent_fails_with_both_values),
		cmocka_unit_test(skip_error_and_broken_control),
		cmocka_unit_test(requirements_name_what_is_missing),
		cmocka_unit_test(requirements_described),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
