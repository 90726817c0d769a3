// SPDX-License-Identifier: MIT
/*
 * `boxcheck validate` around the predicates: the property table, the strict
 * facts document, a launch's result, the records (skips, the control rule,
 * what the launcher saw), the targets' templates and what they cannot be
 * asked for, the profile from JSON, the seccomp program, hints, TAP names.
 */
#include "validate_fixtures.h"
#include "../harness/hints.h"
#include "../harness/runner.h"
#include "../primitives/seccomp.h"

#include <errno.h>

/* The table: >= 60 rows, ids unique, each fact in the recorded facts,
 * each step one of ref-without's, each group in one run of rows. */
static void test_prop_table(void **state)
{
	json_t *ref = fixture("ref");
	char id[64], id2[64], step[64], facts[1024], exp[256], *tok, *save;
	int last = -1;

	assert_true(prop_count() >= 60);
	assert_true(prop_count() <= PROP_MAX);
	for (size_t i = 0; i < prop_count(); i++) {
		const struct prop_def *p = prop_get(i);
		char t[8192];
		prop_id(p, id, sizeof(id));
		assert_int_equal(prop_index(id), (int)i);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(
				prop_id(prop_get(k), id2, sizeof(id2)), id);
		assert_true((int)p->group >= last);
		last = p->group;
		assert_non_null(p->ref);
		assert_int_equal(ref_template(&profile_standard,
					      prop_step(p, step, sizeof(step)),
					      t, sizeof(t)),
				 0);
		prop_expected(p, &profile_standard, exp, sizeof(exp));
		assert_null(strchr(exp, '{'));
		prop_facts(p, facts, sizeof(facts));
		for (tok = strtok_r(facts, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			if (!jpath(ref, tok))
				fail_msg("%s: no fact %s in ref's", id, tok);
	}
	assert_int_equal(prop_index("nope"), -EINVAL);
	json_decref(ref);
}

/* The document is checked whole: foreign, other version, incomplete. */
static void test_strict_document(void **state)
{
	json_t *ref = fixture("ref"), *d;
	char why[300], *text;

	assert_int_equal(facts_check(ref, why, sizeof(why)), 0);
	d = json_deep_copy(ref);
	json_object_del(json_object_get(d, "probes"), "mknod");
	assert_int_equal(facts_check(d, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "no 'probes.mknod'"));
	json_decref(d);
	d = json_deep_copy(ref);
	json_object_set_new(d, "format_version", json_integer(1));
	assert_int_equal(facts_check(d, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "format version 1"));
	json_decref(d);
	/* boxcheck inspect alone has no launcher: its facts are complete */
	d = json_deep_copy(ref);
	json_object_del(d, "launcher");
	assert_int_equal(facts_check(d, why, sizeof(why)), 0);
	/* ...but a launcher section must have what properties read there */
	set_path(d, "launcher.target", json_string("x"));
	assert_int_equal(facts_check(d, why, sizeof(why)), -EINVAL);
	json_decref(d);
	assert_int_equal(facts_load("{]", &d, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not a JSON document"));
	text = json_dumps(ref, JSON_COMPACT);
	assert_int_equal(facts_load(text, &d, why, sizeof(why)), 0);
	json_decref(d);
	free(text);
	json_decref(ref);
}

/* Facts count only from exit 0 and a whole document. */
static void test_result_of_launch(void **state)
{
	json_t *doc = fixture("runc");
	char *text;
	size_t n;
	struct tres res = { 0 };

	json_object_del(doc, "launcher");
	text = json_dumps(doc, JSON_COMPACT);
	n = strlen(text);
	validate_result("t", 0, false, text, n, "", 60, &res);
	assert_int_equal(res.kind, OBS_HOLDS);
	tres_clear(&res);
	validate_result("t", 1 << 8, false, text, n, "boom", 60, &res);
	assert_int_equal(res.kind, OBS_ERROR);
	assert_non_null(strstr(res.why, "exited 1"));
	assert_non_null(strstr(res.why, "boom"));
	validate_result("t", 0, true, text, n, "", 60, &res);
	assert_int_equal(res.kind, OBS_ERROR);
	validate_result("t", 0, false, text, LAUNCH_OUT_MAX, "", 60, &res);
	assert_non_null(strstr(res.why, "truncated"));
	validate_result("t", 0, false, "hello", 5, "", 60, &res);
	assert_int_equal(res.kind, OBS_ERROR);
	free(text);
	json_decref(doc);
}

static struct vcontrol *control_of(const char *name)
{
	struct vcontrol *ctl = calloc(1, sizeof(*ctl));
	struct tres h = { .kind = OBS_HOLDS, .doc = fixture(name) };

	validate_control(&profile_standard, &h, ctl);
	return ctl;
}

/* Skips, the control rule, the launcher's facts, a start's failure. */
static void test_records(void **state)
{
	struct vcontrol *ctl = control_of("host-control");
	struct record *r = calloc(prop_count(), sizeof(*r));
	struct tres res = { .kind = OBS_HOLDS, .doc = fixture("runc") };
	int ns_pid = prop_index("ns-pid"), time = prop_index("ns-time");
	int life = prop_index("life-kill"), lsm = prop_index("lsm-label");

	res.skips =
		validate_skips(target_by_name("bwrap"), "bwrap", NS_ALL, 0, 0);
	validate_judge(&profile_standard, false, "runc", &res, ctl, r);
	assert_string_equal(r[ns_pid].id, "validate/ns-pid");
	assert_int_equal(r[ns_pid].verdict, V_PASS);
	assert_int_equal(r[time].verdict, V_SKIP); /* bwrap: no option */
	assert_non_null(strstr(r[time].reason, "cannot be asked for it"));
	assert_int_equal(r[life].verdict, V_SKIP); /* bwrap: no lifecycle */
	/* the control shows it too: the check does not discriminate */
	ctl->out[ns_pid].obs = OBS_HOLDS;
	validate_judge(&profile_standard, false, "runc", &res, ctl, r);
	assert_int_equal(r[ns_pid].verdict, V_FAIL);
	/* ...unless the host said why by itself: no control here */
	strcpy(ctl->unusable[ns_pid], "because");
	validate_judge(&profile_standard, false, "runc", &res, ctl, r);
	assert_int_equal(r[ns_pid].verdict, V_SKIP);
	assert_non_null(strstr(r[ns_pid].reason, "no control here"));
	/* what the host cannot show at all is skipped, saying so */
	strcpy(ctl->unusable[lsm], "not on this host: no LSM");
	validate_judge(&profile_standard, false, "runc", &res, ctl, r);
	assert_int_equal(r[lsm].verdict, V_SKIP);
	assert_non_null(strstr(r[lsm].reason, "not on this host"));
	/* facts of boxcheck inspect alone: the launcher's properties skip */
	json_object_del(res.doc, "launcher");
	json_decref(res.skips);
	res.skips = json_object();
	validate_judge(&profile_standard, false, "pod", &res, ctl, r);
	assert_int_equal(r[life].verdict, V_SKIP);
	assert_non_null(strstr(r[life].reason, "seen by the launcher"));
	/* a target that did not start: errors, but what it cannot, skips */
	tres_clear(&res);
	res.kind = OBS_ERROR;
	res.launched = TARGET_V1_VIEW;
	res.skips =
		validate_skips(target_by_name("crun"), "crun", NS_ALL, 1, 0);
	strcpy(res.why, "crun exited 1; stderr: x");
	validate_judge(&profile_standard, false, "crun", &res, ctl, r);
	assert_int_equal(r[prop_index("ns-ipc")].verdict, V_ERROR);
	assert_non_null(strstr(r[prop_index("ns-ipc")].reason, "stderr: x"));
	assert_int_equal(r[time].verdict, V_SKIP);
	assert_string_equal(r[0].iso.kv[r[0].iso.n_kv - 1].val, TARGET_V1_VIEW);
	tres_clear(&res);
	json_decref((json_t *)ctl->doc);
	free(ctl);
	free(r);
}

/* The control fails everything it is judged on; it never counts. */
static void test_host_is_control(void **state)
{
	struct vcontrol *ctl = control_of("host-control");
	struct record *r = calloc(prop_count(), sizeof(*r));
	struct tres res = { .kind = OBS_HOLDS,
			    .doc = (json_t *)ctl->doc,
			    .skips = json_object() };
	struct vsel sel[1] = { { .t = target_by_name("host"), .label = "h" } };
	char id[64];

	validate_judge(&profile_standard, true, "h", &res, ctl, r);
	for (size_t p = 0; p < prop_count(); p++)
		if (!not_here(prop_id(prop_get(p), id, sizeof(id))))
			assert_int_equal(r[p].verdict, V_FAIL);
	assert_non_null(strstr(r[0].reason, "control (no isolation)"));
	assert_int_equal(validate_exit_status(sel, 1, r, prop_count()), 0);
	sel[0].t = target_by_name("runc");
	assert_int_equal(validate_exit_status(sel, 1, r, prop_count()), 1);
	/* a control that did not run: every control outcome is an error */
	res.kind = OBS_ERROR;
	strcpy(res.why, "gone");
	validate_control(&profile_standard, &res, ctl);
	for (size_t p = 0; p < prop_count(); p++)
		assert_int_equal(ctl->out[p].obs, OBS_ERROR);
	json_decref(res.skips);
	json_decref(res.doc);
	free(ctl);
	free(r);
}

/* What each target cannot be asked for: its table, its spec version. */
static void test_cannot(void **state)
{
	char buf[300];
	const struct target *runc = target_by_name("runc");

	assert_non_null(
		target_cannot(runc, K_NS(NS_TIME), 1, 0, buf, sizeof(buf)));
	assert_non_null(strstr(buf, "runtime-spec 1.0"));
	assert_null(target_cannot(runc, K_NS(NS_TIME), 1, 2, buf, sizeof(buf)));
	assert_null(target_cannot(runc, K_LIFECYCLE, 1, 0, buf, sizeof(buf)));
	assert_non_null(target_cannot(target_by_name("bwrap"), K_LIFECYCLE, 0,
				      0, buf, sizeof(buf)));
	assert_non_null(target_cannot(target_by_name("docker"), K_NS(NS_USER),
				      0, 0, buf, sizeof(buf)));
	assert_null(target_cannot(target_by_name("host"), K_LIFECYCLE, 0, 0,
				  buf, sizeof(buf)));
	assert_null(target_cannot(target_by_name("ref"), K_SC_ERRNO, 0, 0, buf,
				  sizeof(buf)));
}

/* ref-without:STEP differs from ref by its step; the lifecycle's too. */
static void test_ref_templates(void **state)
{
	const struct profile *pr = &profile_standard;
	char ref[8192], t[8192], step[48];

	assert_int_equal(ref_template(pr, NULL, ref, sizeof(ref)), 0);
	assert_null(template_check(ref));
	for (const char *const *w =
		     (const char *const[]){
			     "--read-only", "--mask /proc/kcore",
			     "--ro-path /proc/sys", "--groups 4242",
			     "--umask 027", "--rlimit core=0:0",
			     "--oom-score-adj 500", "--seccomp-deny kexec_load",
			     "--cpu-period 10000", NULL };
	     *w; w++)
		if (!strstr(ref, *w))
			fail_msg("ref's template lacks %s: %s", *w, ref);
	assert_int_equal(ref_template(pr, "nope", t, sizeof(t)), -EINVAL);
	assert_true(ref_steps_count() >= prop_count());
	for (size_t i = 0; ref_step_name(i, step, sizeof(step)); i++) {
		assert_int_equal(ref_template(pr, step, t, sizeof(t)), 0);
		assert_true(strlen(step) <= 19); /* "ref-without:" + step */
		/* the lifecycle's steps change its template; lsm, a label */
		if (strncmp(step, "life-", 5) && strcmp(step, "ns-itype") &&
		    strcmp(step, "ns-path") && strcmp(step, "prop-in") &&
		    strcmp(step, "lsm") && !strcmp(t, ref))
			fail_msg("ref-without:%s is ref", step);
	}
	assert_int_equal(ref_template(pr, "sc-mount", t, sizeof(t)), 0);
	assert_null(strstr(t, ",mount,"));
	assert_int_equal(ref_life_template(pr, NULL, L_CREATE, t, sizeof(t)),
			 0);
	assert_non_null(strstr(t, "--create {life}"));
	assert_non_null(strstr(t, "--join net={given-net}"));
	assert_null(strstr(t, "ipc"));
	assert_int_equal(
		ref_life_template(pr, "ns-itype", L_CREATE, t, sizeof(t)), 0);
	assert_non_null(strstr(t, "ipc"));
	assert_int_equal(ref_life_template(pr, NULL, L_KILL, t, sizeof(t)), 0);
	assert_non_null(strstr(t, "--kill {life} --signal USR1"));
}

static void test_templates(void **state)
{
	struct tctx c = { .pr = &profile_standard };
	struct argvb *b = calloc(1, sizeof(*b));
	char label[32];

	assert_null(template_check("/bin/x {rootfs} {agent}"));
	assert_non_null(template_check("/bin/x {rootfs}"));
	assert_non_null(template_check("/bin/x {agent} {nope}"));
	strcpy(c.rootfs, "/r/rootfs");
	strcpy(c.dir, "/r");
	strcpy(c.config, "/r/config.json");
	strcpy(c.name, "box-1");
	assert_int_equal(template_expand(&c,
					 "/bin/l --root={rootfs} -c {config} "
					 "{name} {life} {agent}",
					 b),
			 0);
	assert_string_equal(b->v[1], "--root=/r/rootfs");
	assert_string_equal(b->v[5], "box-1-life");
	assert_string_equal(b->v[6], "/bin/boxcheck");
	assert_string_equal(b->v[9], "asked-arg"); /* the profile's argv */
	validate_cmd_label("/usr/local/bin/mylauncher {agent}", 0, label,
			   sizeof(label));
	assert_string_equal(label, "cmd:mylauncher");
	free(b);
}

static void test_profile_load(void **state)
{
	char *dir = test_tmpdir(), path[4200], why[300];
	struct profile pr;

	snprintf(path, sizeof(path), "%s/p.json", dir);
	assert_int_equal(
		write_text_creat(path, "{\"hostname\": \"pod\", \"pids_max\": "
				       "100, \"groups\": [1, 2], "
				       "\"caps\": [\"CAP_KILL\"], "
				       "\"rlimits\": {\"nofile\": [8, 9]}}"),
		0);
	assert_int_equal(profile_load(path, &pr, why, sizeof(why)), 0);
	assert_string_equal(pr.hostname, "pod");
	assert_int_equal(pr.pids_max, 100);
	assert_int_equal(pr.n_groups, 2);
	assert_int_equal(pr.caps, 1ull << 5);
	assert_int_equal(pr.rlimits[0].hard, 9);
	assert_int_equal(pr.memory_max, profile_standard.memory_max);
	profile_unload(&pr);
	assert_int_equal(write_text_creat(path, "{\"nope\": 1}"), 0);
	assert_int_equal(profile_load(path, &pr, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "nope"));
	rm_rf(dir);
	free(dir);
}

/* The filter: other ABIs, then each call; every rule's calls known. */
static void test_seccomp_program(void **state)
{
	struct sock_filter p[SECCOMP_MAX_INSNS];
	const char *const one[] = { "mount", NULL }, *const bad[] = { "x",
								      NULL };
	size_t n, n2;

	assert_int_equal(seccomp_build(one, EHWPOISON, p, ARRAY_SIZE(p), &n),
			 0);
	assert_int_equal(p[n - 1].k & 0xffff, EHWPOISON);
	assert_int_equal(p[n - 2].k, 0x7fff0000u); /* SECCOMP_RET_ALLOW */
	assert_int_equal(seccomp_build(seccomp_known, 1, p, ARRAY_SIZE(p), &n2),
			 0);
	assert_true(n2 > n);
	assert_int_equal(seccomp_build(bad, 1, p, ARRAY_SIZE(p), &n), -ENOENT);
	for (size_t i = 0; profile_standard.sc[i].probe; i++)
		for (size_t k = 0; profile_standard.sc[i].names[k]; k++)
			assert_true(
				seccomp_nr(profile_standard.sc[i].names[k]) !=
				-ENOENT);
}

static void test_hints_and_tap(void **state)
{
	struct record r[2];
	struct run_meta m = { 0 };
	char *buf = NULL, why[300];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	strcpy(why, "crun exited 1; stderr: cgroups in hybrid mode not "
		    "supported");
	runtime_hint_append("crun", why, sizeof(why));
	assert_non_null(strstr(why, "; hint: crun 1.8 refuses a hybrid host"));
	prop_record_init(&r[0], prop_get(0), &profile_standard, "runc");
	prop_record_init(&r[1], prop_get(0), &profile_standard, "crun");
	r[0].verdict = r[1].verdict = V_PASS;
	assert_int_equal(report_tap(f, &m, r, 2, false), 0);
	fclose(f);
	assert_non_null(strstr(buf, "ok 1 - validate/runc/ns-cgroup\n"));
	assert_non_null(strstr(buf, "ok 2 - validate/crun/ns-cgroup\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prop_table),
		cmocka_unit_test(test_strict_document),
		cmocka_unit_test(test_result_of_launch),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_host_is_control),
		cmocka_unit_test(test_cannot),
		cmocka_unit_test(test_ref_templates),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_profile_load),
		cmocka_unit_test(test_seccomp_program),
		cmocka_unit_test(test_hints_and_tap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
