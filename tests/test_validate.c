// SPDX-License-Identifier: MIT
/*
 * Every predicate of `boxcheck validate` on recorded facts: the facts the
 * agent reported in each target on the development machine (and the
 * control's) give the verdicts recorded then; ref's hold and the host's do
 * not, property by property; a fact made unreadable is an error, never a
 * verdict; the host's facts swapped in make each property fail; no
 * predicate reads a fact its row does not declare; and the behaviour
 * judged (a fork refused, a process killed, a spin throttled, a call
 * refused by the filter) is told from its look-alikes.
 */
#include "validate_fixtures.h"

#include <errno.h>

static const char *const targets[] = { "ref",	 "runc", "crun",   "bwrap",
				       "nspawn", "lxc",	 "podman", "docker" };

/* The records of a recorded target, as validate made them. */
static void judge_target(const char *name, const json_t *host, struct record *r)
{
	struct vcontrol *ctl = calloc(1, sizeof(*ctl));
	struct tres h = { .kind = OBS_HOLDS, .doc = (json_t *)host };
	struct tres res = { .kind = OBS_HOLDS };
	const json_t *u = jpath(host, "launcher.unusable");
	char id[64];

	for (size_t i = 0; i < prop_count(); i++)
		snprintf(ctl->unusable[i], sizeof(ctl->unusable[i]), "%s",
			 jtext(json_object_get(
				 u, prop_id(prop_get(i), id, sizeof(id))))
				 ?: "");
	validate_control(&profile_standard, &h, ctl);
	res.doc = strcmp(name, "host-control") ? fixture(name)
					       : json_incref((json_t *)host);
	res.skips = json_incref((json_t *)jpath(res.doc, "launcher.skips"));
	res.launched = jtext(jpath(res.doc, "launcher.launched"));
	validate_judge(&profile_standard, !strcmp(name, "host-control"),
		       strcmp(name, "host-control") ? name : "host", &res, ctl,
		       r);
	json_decref(res.doc);
	json_decref(res.skips);
	free(ctl);
}

/* Recorded facts give the verdicts validate gave on them then. */
static void test_recorded_verdicts(void **state)
{
	json_t *host = fixture("host-control");
	struct record *r = calloc(prop_count(), sizeof(*r));
	FILE *f = fopen(FACTS "verdicts.txt", "re");
	char t[64], id[64], v[16];
	size_t n = 0;

	assert_non_null(f);
	while (fscanf(f, "%63s %63s %15s", t, id, v) == 3) {
		const char *name = strcmp(t, "host") ? t : "host-control";
		int i = prop_index(id);
		assert_true(i >= 0);
		judge_target(name, host, r);
		if (strcmp(verdict_names[r[i].verdict], v))
			fail_msg("%s %s: %s now, %s recorded (%s)", t, id,
				 verdict_names[r[i].verdict], v, r[i].reason);
		n++;
	}
	fclose(f);
	assert_true(n >= 9 * 60);
	free(r);
	json_decref(host);
}

/* ref's facts hold every property, the host's none: predicate by predicate. */
static void test_ref_holds_host_does_not(void **state)
{
	json_t *ref = fixture("ref"), *host = fixture("host-control");
	struct outcome o;
	char id[64];

	for (size_t i = 0; i < prop_count(); i++) {
		prop_id(prop_get(i), id, sizeof(id));
		if (not_here(id))
			continue;
		if (judge_id(id, &profile_standard, ref, host, &o) != OBS_HOLDS)
			fail_msg("ref %s: %s: %s", id, obs_names[o.obs],
				 o.observed);
		if (judge_id(id, &profile_standard, host, host, &o) !=
		    OBS_ABSENT)
			fail_msg("host %s: %s: %s", id, obs_names[o.obs],
				 o.observed);
	}
	json_decref(ref);
	json_decref(host);
}

/* Each declared fact made unreadable: the property is an error. */
static void test_unknown_is_error(void **state)
{
	json_t *ref = fixture("ref"), *host = fixture("host-control");
	struct outcome o;
	char id[64], facts[1024], *tok, *save;

	for (size_t i = 0; i < prop_count(); i++) {
		const struct prop_def *p = prop_get(i);
		prop_id(p, id, sizeof(id));
		prop_facts(p, facts, sizeof(facts));
		for (tok = strtok_r(facts, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save)) {
			json_t *d = json_deep_copy(ref);
			enum obs r;
			set_path(d, tok, json_pack("{s:s}", "error", "EIO"));
			r = judge_id(id, &profile_standard, d, host, &o);
			/* getcwd failing is the observation (CVE-2024-21626) */
			if (!strcmp(id, "proc-cwd"))
				assert_int_equal(r, OBS_ABSENT);
			else if (r != OBS_ERROR)
				fail_msg("%s with %s unreadable: %s (%s)", id,
					 tok, obs_names[r], o.observed);
			json_decref(d);
		}
	}
	json_decref(ref);
	json_decref(host);
}

/* ref's facts with the host's swapped in, fact by fact: none holds. */
static void test_host_facts_fail(void **state)
{
	json_t *ref = fixture("ref"), *host = fixture("host-control");
	struct outcome o;
	char id[64], facts[1024], *tok, *save;

	for (size_t i = 0; i < prop_count(); i++) {
		const struct prop_def *p = prop_get(i);
		json_t *d = json_deep_copy(ref);
		prop_id(p, id, sizeof(id));
		if (not_here(id)) {
			json_decref(d);
			continue;
		}
		prop_facts(p, facts, sizeof(facts));
		for (tok = strtok_r(facts, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			set_path(d, tok, json_deep_copy(jpath(host, tok)));
		if (judge_id(id, &profile_standard, d, host, &o) == OBS_HOLDS)
			fail_msg("%s holds on the host's facts: %s", id,
				 o.observed);
		json_decref(d);
	}
	json_decref(ref);
	json_decref(host);
}

/* No predicate reads what its row does not declare, on any recording. */
static void test_reads_only_declared_facts(void **state)
{
	json_t *host = fixture("host-control");
	struct outcome o;
	char id[64];

	for (size_t t = 0; t < ARRAY_SIZE(targets); t++) {
		json_t *d = fixture(targets[t]);
		for (size_t i = 0; i < prop_count(); i++) {
			judge_id(prop_id(prop_get(i), id, sizeof(id)),
				 &profile_standard, d, host, &o);
			assert_null(strstr(o.observed, "the judge read"));
		}
		json_decref(d);
	}
	json_decref(host);
}

/* Mutate ref's facts at path, judge id: the outcome. */
static enum obs with(const char *id, const char *path, json_t *v)
{
	json_t *ref = fixture("ref"), *host = fixture("host-control");
	struct outcome o;
	enum obs r;

	set_path(ref, path, v);
	r = judge_id(id, &profile_standard, ref, host, &o);
	json_decref(ref);
	json_decref(host);
	return r;
}

static void test_pids_by_behaviour(void **state)
{
	/* refused by a seccomp filter, not the limit */
	assert_int_equal(with("pids-limit", "probes.fork.stopped_by",
			      json_string("EPERM")),
			 OBS_ABSENT);
	/* never refused */
	assert_int_equal(
		with("pids-limit", "probes.fork.stopped_by", json_null()),
		OBS_ABSENT);
	/* refused past the limit asked */
	assert_int_equal(
		with("pids-limit", "probes.fork.forked", json_integer(70)),
		OBS_ABSENT);
	/* the cgroup shows another limit and no refusal of its own */
	{
		json_t *ref = fixture("ref"), *host = fixture("host-control");
		struct outcome o;
		set_path(ref, "cgroup.pids_max", json_string("1000"));
		set_path(ref, "probes.fork.events_after",
			 json_deep_copy(
				 jpath(ref, "probes.fork.events_before")));
		assert_int_equal(judge_id("pids-limit", &profile_standard, ref,
					  host, &o),
				 OBS_ABSENT);
		/* nothing visible, and RLIMIT_NPROC could explain it */
		set_path(ref, "cgroup.pids_max", json_null());
		set_path(ref, "probes.fork.events_before", json_null());
		set_path(ref, "probes.fork.events_after", json_null());
		set_path(ref, "rlimits.nproc", json_pack("[i,i]", 40, 40));
		assert_int_equal(judge_id("pids-limit", &profile_standard, ref,
					  host, &o),
				 OBS_ERROR);
		json_decref(ref);
		json_decref(host);
	}
}

static void test_memory_by_behaviour(void **state)
{
	/* killed by another signal: not the limit */
	assert_int_equal(
		with("memory-limit", "probes.memory",
		     json_pack("{s:I, s:s, s:s}", "size", (json_int_t)80 << 20,
			       "outcome", "killed", "signal", "SEGV")),
		OBS_ERROR);
	/* survived with more resident than the limit */
	assert_int_equal(
		with("memory-limit", "probes.memory",
		     json_pack("{s:I, s:s, s:I}", "size", (json_int_t)80 << 20,
			       "outcome", "survived", "peak_kib",
			       (json_int_t)80 * 1024)),
		OBS_ABSENT);
	/* kept under the limit (swapped): holds */
	assert_int_equal(
		with("memory-limit", "probes.memory",
		     json_pack("{s:I, s:s, s:I}", "size", (json_int_t)80 << 20,
			       "outcome", "survived", "peak_kib",
			       (json_int_t)60 * 1024)),
		OBS_HOLDS);
	/* another limit shown */
	assert_int_equal(with("memory-limit", "cgroup.memory_max",
			      json_string("1073741824")),
			 OBS_ABSENT);
}

static void test_cpu_by_behaviour(void **state)
{
	assert_int_equal(with("cpu-limit", "probes.cpu.throttled_after",
			      json_integer(0)),
			 OBS_ABSENT);
	assert_int_equal(with("cpu-limit", "cgroup.cpu_max",
			      json_string("50000 100000")),
			 OBS_ABSENT);
	assert_int_equal(with("cpu-limit", "cgroup.cpu_max", json_null()),
			 OBS_ABSENT);
}

/* Only the filter's own errno proves the filter refused it. */
static void test_syscalls_refused_by_the_filter(void **state)
{
	assert_int_equal(with("sc-mount", "probes.syscalls.mount",
			      json_pack("{s:s}", "mount", "EPERM")),
			 OBS_ABSENT);
	assert_int_equal(with("sc-unshare", "probes.syscalls.unshare",
			      json_pack("{s:s}", "unshare", "ok")),
			 OBS_ABSENT);
	assert_int_equal(with("sc-init_module", "probes.syscalls.init_module",
			      json_pack("{s:s, s:s}", "init_module",
					"EHWPOISON", "finit_module", "EBADF")),
			 OBS_ABSENT);
	assert_int_equal(with("seccomp-filter", "seccomp",
			      json_pack("{s:i, s:i}", "mode", 1, "filters", 0)),
			 OBS_ABSENT);
}

/* Each capability set on its own. */
static void test_caps_five_sets(void **state)
{
	const char *sets[] = { "inheritable", "ambient" };

	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		char path[64], id[32];
		snprintf(path, sizeof(path), "caps.%s", sets[i]);
		snprintf(id, sizeof(id), "caps-%s", sets[i]);
		assert_int_equal(
			with(id, path, json_string("0x0000000000000001")),
			OBS_ABSENT);
		assert_int_equal(with("caps-bounding", path,
				      json_string("0x0000000000000001")),
				 OBS_HOLDS);
	}
	assert_int_equal(with("caps-effective", "caps.effective",
			      json_string("0x0000000000000000")),
			 OBS_ABSENT);
	assert_int_equal(with("caps-bounding", "caps.bounding",
			      json_string("0x000001ffffffffff")),
			 OBS_ABSENT);
}

/* What this machine could not show, by hand: a label, sysrq-trigger. */
static void test_lsm_and_sysrq(void **state)
{
	struct profile pr = profile_standard;
	json_t *ref = fixture("ref"), *host = fixture("host-control");
	struct outcome o;

	pr.lsm_label = "boxcheck-test";
	set_path(ref, "lsm",
		 json_pack("{s:s}", "current", "boxcheck-test (enforce)"));
	assert_int_equal(judge_id("lsm-label", &pr, ref, host, &o), OBS_HOLDS);
	set_path(ref, "lsm", json_pack("{s:s}", "current", "unconfined"));
	assert_int_equal(judge_id("lsm-label", &pr, ref, host, &o), OBS_ABSENT);
	set_path(ref, "probes.sysrq", json_string("EROFS"));
	assert_int_equal(judge_id("attack-sysrq", &pr, ref, host, &o),
			 OBS_HOLDS);
	set_path(ref, "probes.sysrq", json_string("ok"));
	assert_int_equal(judge_id("attack-sysrq", &pr, ref, host, &o),
			 OBS_ABSENT);
	json_decref(ref);
	json_decref(host);
}

/* A few of the attacker's view and the mounts, each way. */
static void test_attack_and_mounts(void **state)
{
	assert_int_equal(
		with("attack-mknod", "probes.mknod",
		     json_pack("{s:s, s:s, s:s, s:s}", "how", "container tmpfs",
			       "dir", "/dev", "mknod", "ok", "open", "EPERM")),
		OBS_HOLDS);
	assert_int_equal(
		with("attack-mknod", "probes.mknod",
		     json_pack("{s:s, s:s, s:s, s:s}", "how", "container tmpfs",
			       "dir", "/dev", "mknod", "ok", "open", "ok")),
		OBS_ABSENT);
	assert_int_equal(with("attack-devices", "probes.devices./dev/sda",
			      json_string("ok")),
			 OBS_ABSENT);
	assert_int_equal(with("attack-engine-socket", "probes.engine_sockets",
			      json_pack("[s]", "/run/docker.sock")),
			 OBS_ABSENT);
	assert_int_equal(
		with("dev-console", "dev.entries.console",
		     json_pack("{s:s, s:s}", "type", "c", "rdev", "136:0")),
		OBS_HOLDS);
	assert_int_equal(
		with("dev-console", "dev.entries.console",
		     json_pack("{s:s, s:s}", "type", "c", "rdev", "5:1")),
		OBS_ABSENT);
	assert_int_equal(with("mask-files", "masked./proc/kcore",
			      json_pack("{s:s, s:s, s:b}", "state", "empty",
					"type", "f", "ro", 1)),
			 OBS_ABSENT);
	assert_int_equal(with("mask-dirs", "masked./proc/acpi",
			      json_pack("{s:s, s:s, s:s, s:b, s:i}", "state",
					"empty", "type", "d", "fstype", "tmpfs",
					"ro", 0, "entries", 0)),
			 OBS_ABSENT);
	assert_int_equal(with("proc-cwd", "cwd",
			      json_pack("{s:s}", "path", "(unreachable)/x")),
			 OBS_ABSENT);
	assert_int_equal(
		with("proc-fds", "fds.7", json_string("/run/boxcheck/x")),
		OBS_ABSENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_verdicts),
		cmocka_unit_test(test_ref_holds_host_does_not),
		cmocka_unit_test(test_unknown_is_error),
		cmocka_unit_test(test_host_facts_fail),
		cmocka_unit_test(test_reads_only_declared_facts),
		cmocka_unit_test(test_pids_by_behaviour),
		cmocka_unit_test(test_memory_by_behaviour),
		cmocka_unit_test(test_cpu_by_behaviour),
		cmocka_unit_test(test_syscalls_refused_by_the_filter),
		cmocka_unit_test(test_caps_five_sets),
		cmocka_unit_test(test_lsm_and_sysrq),
		cmocka_unit_test(test_attack_and_mounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
