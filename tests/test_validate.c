// SPDX-License-Identifier: MIT
/* The fact comparison and the record logic of `boxcheck validate`. */
#include "testlib.h"
#include "../harness/validate.h"
#include "../harness/runner.h"

/* Facts as a container following the standard profile would report. */
static void good_facts(struct facts *f, const struct facts *host)
{
	memset(f, 0, sizeof(*f));
	for (int t = 0; t < NS__COUNT; t++)
		f->ns[t] = host->ns[t] + 1000;
	f->pid = 1;
	strcpy(f->hostname, "boxcheck");
	f->cap_bnd = f->cap_eff = profile_standard.caps;
	f->nnp = 1;
	f->read_only = 1;
	strcpy(f->write_root, "EROFS");
	strcpy(f->pids_max, "64");
	strcpy(f->memory_max, "67108864");
	f->fork_tried = 128;
	f->fork_forked = 62;
	strcpy(f->fork_stop, "EAGAIN");
}

static void host_facts(struct facts *h)
{
	memset(h, 0, sizeof(*h));
	for (int t = 0; t < NS__COUNT; t++)
		h->ns[t] = 4026531830ull + t;
}

static enum obs judge(enum prop p, const struct facts *f, const struct facts *h)
{
	struct outcome o = { 0 };

	profile_judge(p, &profile_standard, f, h, &o);
	return o.obs;
}

static void test_good_facts_hold(void **state)
{
	struct facts h, f;

	host_facts(&h);
	good_facts(&f, &h);
	for (int p = 0; p < P__COUNT; p++)
		assert_int_equal(judge(p, &f, &h), OBS_HOLDS);
}

static void test_each_cheat_fails_its_property(void **state)
{
	struct facts h, f;

	host_facts(&h);
	good_facts(&f, &h);
	f.ns[NS_PID] = h.ns[NS_PID];
	assert_int_equal(judge(P_NS(NS_PID), &f, &h), OBS_ABSENT);
	assert_int_equal(judge(P_NS(NS_MNT), &f, &h), OBS_HOLDS);

	good_facts(&f, &h);
	f.read_only = 0;
	strcpy(f.write_root, "written");
	assert_int_equal(judge(P_RO_ROOT, &f, &h), OBS_ABSENT);
	f.read_only = 1; /* claims ro, but the write went through */
	assert_int_equal(judge(P_RO_ROOT, &f, &h), OBS_ABSENT);

	good_facts(&f, &h);
	f.fork_forked = 128;
	f.fork_stop[0] = '\0';
	assert_int_equal(judge(P_PIDS, &f, &h), OBS_ABSENT);

	good_facts(&f, &h);
	f.cap_bnd |= 1ull << 21; /* CAP_SYS_ADMIN */
	assert_int_equal(judge(P_CAPS, &f, &h), OBS_ABSENT);

	good_facts(&f, &h);
	f.nnp = 0;
	strcpy(f.hostname, "other");
	strcpy(f.memory_max, "9223372036854771712");
	assert_int_equal(judge(P_NNP, &f, &h), OBS_ABSENT);
	assert_int_equal(judge(P_HOSTNAME, &f, &h), OBS_ABSENT);
	assert_int_equal(judge(P_MEMORY, &f, &h), OBS_ABSENT);
}

static void test_missing_ns_is_error(void **state)
{
	struct facts h, f;

	host_facts(&h);
	good_facts(&f, &h);
	f.ns[NS_TIME] = 0;
	assert_int_equal(judge(P_NS(NS_TIME), &f, &h), OBS_ERROR);
}

static void test_parse_agent_json(void **state)
{
	const char *doc =
		"{\"format\":\"boxcheck-facts\",\"pid\":1,\"ns\":{\"pid\":"
		"4026532000},\"hostname\":\"boxcheck\",\"caps\":{\"bounding\":"
		"\"0x00000000a80425fb\",\"effective\":\"0x00000000a80425fb\"},"
		"\"no_new_privs\":1,\"root\":{\"read_only\":true},\"cgroup\":"
		"{\"pids_max\":\"64\",\"memory_max\":null},\"probes\":{"
		"\"fork\":"
		"{\"tried\":128,\"forked\":63,\"stopped_by\":\"EAGAIN\"},"
		"\"write_root\":\"EROFS\"}}";
	struct facts f;

	assert_int_equal(facts_parse_text(doc, &f), 0);
	assert_int_equal(f.pid, 1);
	assert_int_equal(f.ns[NS_PID], 4026532000ull);
	assert_int_equal(f.ns[NS_NET], 0);
	assert_string_equal(f.hostname, "boxcheck");
	assert_int_equal(f.cap_bnd, 0xa80425fbull);
	assert_int_equal(f.read_only, 1);
	assert_string_equal(f.pids_max, "64");
	assert_string_equal(f.memory_max, "");
	assert_int_equal(f.fork_forked, 63);
	assert_string_equal(f.fork_stop, "EAGAIN");
	assert_string_equal(f.write_root, "EROFS");
	assert_int_equal(facts_parse_text("{\"pid\":1}", &f), -EINVAL);
	assert_int_equal(facts_parse_text("not json", &f), -EINVAL);
}

/* The default capability set matches the list the configs are built from. */
static void test_default_caps(void **state)
{
	unsigned long long m = 0;

	for (size_t i = 0; i < profile_default_caps_n; i++)
		m |= 1ull << profile_default_caps[i];
	assert_int_equal(m, profile_standard.caps);
	assert_int_equal(m, 0xa80425fbull); /* Docker's default set */
}

static void control_outcomes(struct outcome ctl[P__COUNT])
{
	for (int p = 0; p < P__COUNT; p++) {
		memset(&ctl[p], 0, sizeof(ctl[p]));
		ctl[p].obs = OBS_ABSENT;
	}
}

static void test_judge_records(void **state)
{
	const struct target *bwrap = target_by_name("bwrap");
	struct record r[P__COUNT];
	struct outcome ctl[P__COUNT];
	struct tres res = { .kind = OBS_HOLDS };
	struct facts h;

	host_facts(&h);
	good_facts(&res.f, &h);
	control_outcomes(ctl);
	validate_judge(&profile_standard, bwrap, "bwrap", NS_ALL, &res, &h, ctl,
		       r);
	assert_string_equal(r[P_NS(NS_PID)].id, "validate/ns-pid");
	assert_string_equal(r[P_NS(NS_PID)].target, "bwrap");
	assert_int_equal(r[P_NS(NS_PID)].verdict, V_PASS);
	/* bwrap cannot be asked for cgroup limits: skipped, saying why */
	assert_int_equal(r[P_PIDS].verdict, V_SKIP);
	assert_non_null(strstr(r[P_PIDS].reason, "cgroup"));
	/* the kernel lacks a namespace type: skipped */
	validate_judge(&profile_standard, bwrap, "bwrap",
		       NS_ALL & ~NS_BIT(NS_IPC), &res, &h, ctl, r);
	assert_int_equal(r[P_NS(NS_IPC)].verdict, V_SKIP);
	/* the control also shows it: the check does not discriminate */
	ctl[P_HOSTNAME].obs = OBS_HOLDS;
	validate_judge(&profile_standard, bwrap, "bwrap", NS_ALL, &res, &h, ctl,
		       r);
	assert_int_equal(r[P_HOSTNAME].verdict, V_FAIL);
}

static void test_judge_start_failure_and_skip(void **state)
{
	const struct target *runc = target_by_name("runc");
	const struct target *ref = target_by_name("ref");
	struct record r[P__COUNT];
	struct outcome ctl[P__COUNT];
	struct tres res = { .kind = OBS_ERROR };
	struct facts h;

	host_facts(&h);
	control_outcomes(ctl);
	strcpy(res.why, "runc did not start the agent (exit 1); stderr: x");
	validate_judge(&profile_standard, runc, "runc", NS_ALL, &res, &h, ctl,
		       r);
	assert_int_equal(r[P_NS(NS_PID)].verdict, V_ERROR);
	assert_non_null(strstr(r[P_NS(NS_PID)].reason, "stderr: x"));
	assert_int_equal(r[P_NS(NS_TIME)].verdict, V_SKIP); /* cannot */

	res.kind = OBS_SKIP;
	strcpy(res.why, ref->not_ready ? ref->not_ready : "ready");
	validate_judge(&profile_standard, ref, "ref", NS_ALL, &res, &h, ctl, r);
	for (int p = 0; p < P__COUNT && ref->not_ready; p++) {
		assert_int_equal(r[p].verdict, V_SKIP);
		assert_string_equal(r[p].reason,
				    "reference container not built yet");
	}
}

static void test_host_is_control(void **state)
{
	const struct target *host = target_by_name("host");
	struct record r[P__COUNT];
	struct outcome ctl[P__COUNT];
	struct tres res = { .kind = OBS_HOLDS };
	struct vsel sel[1] = { { .t = host, .label = "host" } };
	struct facts h;

	host_facts(&h);
	res.f = h;
	res.f.nnp = res.f.read_only = 0;
	res.f.fork_tried = res.f.fork_forked = 128;
	control_outcomes(ctl);
	validate_judge(&profile_standard, host, "host", NS_ALL, &res, &h, ctl,
		       r);
	for (int p = 0; p < P__COUNT; p++)
		assert_int_equal(r[p].verdict, V_FAIL);
	/* the control's failures never make the exit status */
	assert_int_equal(validate_exit_status(sel, 1, r, P__COUNT), 0);
	sel[0].t = target_by_name("runc");
	assert_int_equal(validate_exit_status(sel, 1, r, P__COUNT), 1);
}

static void test_templates(void **state)
{
	struct tctx c = { .pr = &profile_standard };
	struct argvb b = { 0 };
	char label[32];

	assert_null(template_check("/bin/x {rootfs} {agent}"));
	assert_non_null(template_check("/bin/x {rootfs}"));
	assert_non_null(template_check("/bin/x {agent} {nope}"));
	strcpy(c.rootfs, "/r/rootfs");
	strcpy(c.config, "/r/config.json");
	strcpy(c.name, "box-1");
	assert_int_equal(template_expand(&c,
					 "/bin/l --root={rootfs} "
					 "-c {config} {name} {agent}",
					 &b),
			 0);
	assert_int_equal(b.n, 7);
	assert_string_equal(b.v[1], "--root=/r/rootfs");
	assert_string_equal(b.v[3], "/r/config.json");
	assert_string_equal(b.v[5], "/bin/boxcheck");
	assert_string_equal(b.v[6], "inspect");
	assert_null(b.v[7]);
	validate_cmd_label("/usr/local/bin/mylauncher {agent}", 0, label,
			   sizeof(label));
	assert_string_equal(label, "cmd:mylauncher");
}

static void test_prop_table(void **state)
{
	assert_int_equal(prop_by_id("ns-pid"), P_NS(NS_PID));
	assert_int_equal(prop_by_id("ro-root"), P_RO_ROOT);
	assert_int_equal(prop_by_id("nope"), -EINVAL);
	for (int p = 0; p < P__COUNT; p++) {
		assert_true(prop_info(p)->id[0]);
		assert_true(prop_info(p)->expected[0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_facts_hold),
		cmocka_unit_test(test_each_cheat_fails_its_property),
		cmocka_unit_test(test_missing_ns_is_error),
		cmocka_unit_test(test_parse_agent_json),
		cmocka_unit_test(test_default_caps),
		cmocka_unit_test(test_judge_records),
		cmocka_unit_test(test_judge_start_failure_and_skip),
		cmocka_unit_test(test_host_is_control),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_prop_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
