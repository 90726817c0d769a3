// SPDX-License-Identifier: MIT
/* The fact comparison and the record logic of `boxcheck validate`. */
#include "testlib.h"
#include "../harness/validate/agent.h"
#include "../harness/validate/validate.h"
#include "../harness/runner.h"
#include "../harness/hints.h"

/* Facts as a container following the standard profile would report. */
static void good_facts(struct facts *f, const struct facts *host)
{
	memset(f, 0, sizeof(*f));
	for (int t = 0; t < NS__COUNT; t++)
		f->ns[t] = host->ns[t] + 1000;
	f->pid = 1;
	strcpy(f->hostname, "boxcheck");
	f->cap_bnd = f->cap_eff = f->cap_prm = profile_standard.caps;
	f->nnp = 1;
	f->read_only = 1;
	strcpy(f->write_root, "EROFS");
	f->root_known = true;
	f->root_dev = 40, f->root_ino = 7;
	f->esc = 1;
	f->esc_dev = 40, f->esc_ino = 7;
	f->mnt_shared = f->mnt_slave = 0;
	for (size_t i = 0; i < profile_masked_n; i++)
		strcpy(f->masked[i], i % 2 ? "empty" : "absent");
	strcpy(f->pids_max, "64");
	strcpy(f->memory_max, "67108864");
	f->nproc = 1024;
	f->fork_tried = 80;
	f->fork_forked = 63;
	strcpy(f->fork_stop, "EAGAIN");
	f->ev_before = 0, f->ev_after = 1;
	strcpy(f->mem_outcome, "killed");
	strcpy(f->mem_detail, "KILL");
	f->mem_size = AGENT_MEM_PROBE;
}

static void host_facts(struct facts *h)
{
	memset(h, 0, sizeof(*h));
	for (int t = 0; t < NS__COUNT; t++)
		h->ns[t] = 4026531830ull + t;
	h->root_known = true;
	h->root_dev = 2049, h->root_ino = 2;
}

static enum obs judge(enum prop p, const struct facts *f, const struct facts *h)
{
	struct outcome o = { 0 };

	profile_judge(p, &profile_standard, f, h, &o);
	return o.obs;
}

/* Only property p departs from holds. */
static void only(enum prop p, enum obs want, const struct facts *f,
		 const struct facts *h)
{
	for (int q = 0; q < P__COUNT; q++)
		if (judge(q, f, h) != (q == (int)p ? want : OBS_HOLDS))
			fail_msg("%s: %s, not %s", prop_info(q)->id,
				 obs_names[judge(q, f, h)],
				 obs_names[q == (int)p ? want : OBS_HOLDS]);
}

static void test_good_facts_hold(void **state)
{
	struct facts h, f;

	host_facts(&h);
	good_facts(&f, &h);
	for (int p = 0; p < P__COUNT; p++)
		assert_int_equal(judge(p, &f, &h), OBS_HOLDS);
	/* a limit that swaps instead of killing still holds the peak */
	strcpy(f.mem_outcome, "survived");
	f.mem_detail[0] = '\0';
	f.mem_peak_kib = 60 * 1024;
	only(P_MEMORY, OBS_HOLDS, &f, &h);
	strcpy(f.mem_outcome, "refused");
	strcpy(f.mem_detail, "ENOMEM");
	only(P_MEMORY, OBS_HOLDS, &f, &h);
	/* pids: the cgroup's limit alone is evidence, as are its events */
	good_facts(&f, &h);
	f.ev_before = f.ev_after = -1;
	only(P_PIDS, OBS_HOLDS, &f, &h);
	good_facts(&f, &h);
	strcpy(f.pids_max, "max");
	only(P_PIDS, OBS_HOLDS, &f, &h);
	/* not visible at all: RLIMIT_NPROC above the probe cannot explain */
	f.pids_max[0] = '\0';
	f.ev_before = f.ev_after = -1;
	only(P_PIDS, OBS_HOLDS, &f, &h);
	/* chroot refused: nothing to escape with */
	good_facts(&f, &h);
	f.esc = 0;
	only(P_ROOT_CONFINED, OBS_HOLDS, &f, &h);
}

static void test_each_cheat_fails_its_property(void **state)
{
	struct facts h, f;

	host_facts(&h);
	good_facts(&f, &h);
	f.ns[NS_PID] = h.ns[NS_PID];
	only(P_NS(NS_PID), OBS_ABSENT, &f, &h);

	good_facts(&f, &h);
	f.read_only = 0;
	strcpy(f.write_root, "written");
	only(P_RO_ROOT, OBS_ABSENT, &f, &h);
	f.read_only = 1; /* claims ro, but the write went through */
	only(P_RO_ROOT, OBS_ABSENT, &f, &h);

	good_facts(&f, &h);
	strcpy(f.hostname, "other");
	only(P_HOSTNAME, OBS_ABSENT, &f, &h);

	good_facts(&f, &h);
	f.nnp = 0;
	only(P_NNP, OBS_ABSENT, &f, &h);

	good_facts(&f, &h);
	strcpy(f.masked[1], "content");
	only(P_MASKED, OBS_ABSENT, &f, &h);

	good_facts(&f, &h);
	f.mnt_slave = 3; /* receives the host's mounts */
	only(P_MOUNTS_PRIVATE, OBS_ABSENT, &f, &h);
	f.mnt_slave = 0, f.mnt_shared = 1;
	only(P_MOUNTS_PRIVATE, OBS_ABSENT, &f, &h);

	/* chroot without pivot_root: the escape reaches the host's root */
	good_facts(&f, &h);
	f.esc_dev = h.root_dev, f.esc_ino = h.root_ino;
	only(P_ROOT_CONFINED, OBS_ABSENT, &f, &h);
	f.root_dev = h.root_dev, f.root_ino = h.root_ino;
	only(P_ROOT_CONFINED, OBS_ABSENT, &f, &h);
}

static void test_caps_all_five_sets(void **state)
{
	struct facts h, f;

	host_facts(&h);
	good_facts(&f, &h);
	f.cap_bnd |= 1ull << 21; /* CAP_SYS_ADMIN */
	only(P_CAPS, OBS_ABSENT, &f, &h);
	good_facts(&f, &h);
	f.cap_bnd &= ~1ull; /* CAP_CHOWN missing */
	only(P_CAPS, OBS_ABSENT, &f, &h);
	good_facts(&f, &h);
	f.cap_prm |= 1ull << 21;
	only(P_CAPS, OBS_ABSENT, &f, &h);
	/* CVE-2022-29162: an inheritable set kept across execve */
	good_facts(&f, &h);
	f.cap_inh = profile_standard.caps;
	only(P_CAPS, OBS_ABSENT, &f, &h);
	good_facts(&f, &h);
	f.cap_amb = 1ull; /* CAP_CHOWN ambient, not asked */
	only(P_CAPS, OBS_ABSENT, &f, &h);
}

/* Any fork failure used to pass: only EAGAIN at the limit does. */
static void test_pids_by_behaviour_and_cause(void **state)
{
	static const char *const not_pids[] = { "EPERM", "ENOMEM" };
	struct facts h, f;

	host_facts(&h);
	for (size_t i = 0; i < ARRAY_SIZE(not_pids); i++) {
		good_facts(&f, &h);
		strcpy(f.fork_stop, not_pids[i]);
		only(P_PIDS, OBS_ABSENT, &f, &h);
	}
	good_facts(&f, &h);
	f.fork_forked = 80;
	f.fork_stop[0] = '\0';
	only(P_PIDS, OBS_ABSENT, &f, &h);
	/* EAGAIN only past the asked limit */
	good_facts(&f, &h);
	f.fork_forked = 70;
	only(P_PIDS, OBS_ABSENT, &f, &h);
	/* EAGAIN, but the visible cgroup neither limits nor counted it */
	good_facts(&f, &h);
	strcpy(f.pids_max, "max");
	f.ev_after = f.ev_before;
	only(P_PIDS, OBS_ABSENT, &f, &h);
	/* EAGAIN, no cgroup visible, RLIMIT_NPROC may explain it: unknown */
	f.pids_max[0] = '\0';
	f.ev_before = f.ev_after = -1;
	f.nproc = 64;
	only(P_PIDS, OBS_ERROR, &f, &h);
}

static void test_memory_by_behaviour(void **state)
{
	struct facts h, f;

	host_facts(&h);
	good_facts(&f, &h);
	strcpy(f.mem_outcome, "survived");
	f.mem_detail[0] = '\0';
	f.mem_peak_kib = 80 * 1024;
	only(P_MEMORY, OBS_ABSENT, &f, &h);
	/* the limit file alone no longer passes */
	f.memory_max[0] = '\0';
	only(P_MEMORY, OBS_ABSENT, &f, &h);
	/* stopped, but the visible limit is not the asked one */
	good_facts(&f, &h);
	strcpy(f.memory_max, "9223372036854771712");
	only(P_MEMORY, OBS_ABSENT, &f, &h);
	/* killed by something else than the OOM killer: unknown */
	good_facts(&f, &h);
	strcpy(f.mem_detail, "SEGV");
	only(P_MEMORY, OBS_ERROR, &f, &h);
}

/* A fact the agent could not read is unknown (error), never absent. */
static void test_unknown_is_error(void **state)
{
	struct facts h, f;

	host_facts(&h);
#define UNREAD(prop, stmt)                                                     \
	do {                                                                   \
		good_facts(&f, &h);                                            \
		stmt;                                                          \
		only(prop, OBS_ERROR, &f, &h);                                 \
	} while (0)
	UNREAD(P_NS(NS_TIME), f.ns[NS_TIME] = 0);
	UNREAD(P_HOSTNAME, strcpy(f.hostname_err, "EFAULT"));
	UNREAD(P_CAPS, strcpy(f.caps_err, "EPERM"));
	UNREAD(P_NNP, f.nnp = -1);
	UNREAD(P_RO_ROOT, f.read_only = -1);
	UNREAD(P_RO_ROOT, f.write_root[0] = '\0');
	UNREAD(P_ROOT_CONFINED, f.root_known = false);
	UNREAD(P_ROOT_CONFINED, f.esc = -1);
	UNREAD(P_MOUNTS_PRIVATE, f.mnt_shared = -1);
	UNREAD(P_MASKED, f.masked[3][0] = '\0');
	UNREAD(P_PIDS, strcpy(f.fork_err, "EMFILE"));
	UNREAD(P_PIDS, f.fork_tried = 0);
	UNREAD(P_PIDS, strcpy(f.pids_err, "EACCES"));
	UNREAD(P_PIDS, strcpy(f.ev_err, "EACCES"));
	UNREAD(P_MEMORY, strcpy(f.memory_err, "EACCES"));
	UNREAD(P_MEMORY, strcpy(f.mem_err, "ECHILD"));
	UNREAD(P_MEMORY, f.mem_outcome[0] = '\0');
#undef UNREAD
}

/* This very process's facts, through the agent's own JSON. */
static json_t *own_doc(void)
{
	struct agent_opts o = { .fork_max = 0,
				.no_write = true,
				.no_memory = true };

	return agent_facts(&o);
}

static void test_parse_agent_json(void **state)
{
	json_t *doc = own_doc();
	char *text;
	struct facts f, self;

	assert_non_null(doc);
	assert_int_equal(facts_parse(doc, &f), 0);
	facts_self(&self);
	assert_int_equal(f.ns[NS_PID], self.ns[NS_PID]);
	assert_true(f.root_known);
	assert_int_equal(f.root_ino, self.root_ino);
	assert_int_equal(f.fork_tried, 0); /* --no-fork: unknown, not 0 */
	assert_int_equal(judge(P_PIDS, &f, &self), OBS_ERROR);
	assert_int_equal(judge(P_MEMORY, &f, &self), OBS_ERROR);
	assert_int_equal(judge(P_RO_ROOT, &f, &self), OBS_ERROR);
	/* the document is this process: every namespace the host's own */
	assert_int_equal(judge(P_NS(NS_MNT), &f, &self), OBS_ABSENT);
	/* an error object keeps its name and reads as unknown */
	json_object_set_new(doc, "hostname", agent_error(-EFAULT));
	assert_int_equal(facts_parse(doc, &f), 0);
	assert_string_equal(f.hostname_err, "EFAULT");
	/* a missing fact refuses the whole document, naming it */
	json_object_del(json_object_get(doc, "probes"), "escape");
	assert_int_equal(facts_parse(doc, &f), -EINVAL);
	assert_non_null(strstr(f.bad, "probes.escape"));
	/* another format version */
	json_decref(doc);
	doc = own_doc();
	json_object_set_new(doc, "format_version", json_integer(1));
	assert_int_equal(facts_parse(doc, &f), -EINVAL);
	/* truncated text */
	json_object_set_new(doc, "format_version",
			    json_integer(AGENT_FORMAT_VERSION));
	text = json_dumps(doc, JSON_COMPACT);
	assert_int_equal(facts_parse_text(text, &f), 0);
	text[strlen(text) / 2] = '\0';
	assert_int_equal(facts_parse_text(text, &f), -EINVAL);
	assert_non_null(strstr(f.bad, "not a JSON document"));
	free(text);
	json_decref(doc);
}

/* Facts count only from exit 0 and a whole document. */
static void test_result_of_launch(void **state)
{
	json_t *doc = own_doc();
	char *text = json_dumps(doc, JSON_COMPACT);
	size_t n = strlen(text);
	struct tres res;

	validate_result("t", 0, false, text, n, "", 60, &res);
	assert_int_equal(res.kind, OBS_HOLDS);
	/* the agent (or the launcher) failed after printing: error */
	validate_result("t", 1 << 8, false, text, n, "boom", 60, &res);
	assert_int_equal(res.kind, OBS_ERROR);
	assert_non_null(strstr(res.why, "exited 1"));
	assert_non_null(strstr(res.why, "boom"));
	validate_result("t", 0, true, text, n, "", 60, &res);
	assert_int_equal(res.kind, OBS_ERROR);
	validate_result("t", 0, false, text, LAUNCH_OUT_MAX, "", 60, &res);
	assert_int_equal(res.kind, OBS_ERROR);
	assert_non_null(strstr(res.why, "truncated"));
	validate_result("t", 0, false, "hello", 5, "", 60, &res);
	assert_int_equal(res.kind, OBS_ERROR);
	free(text);
	json_decref(doc);
}

/* The default capability set matches the list the configs are built from. */
static void test_default_caps(void **state)
{
	unsigned long long m = 0;

	for (size_t i = 0; i < profile_default_caps_n; i++)
		m |= 1ull << profile_default_caps[i];
	assert_int_equal(m, profile_standard.caps);
	assert_int_equal(m, 0xa80425fbull); /* Docker's default set */
	assert_int_equal(profile_standard.caps_inheritable, 0);
	assert_int_equal(profile_standard.caps_ambient, 0);
}

static void control_init(struct vcontrol *ctl)
{
	memset(ctl, 0, sizeof(*ctl));
	host_facts(&ctl->base);
	for (int p = 0; p < P__COUNT; p++)
		ctl->out[p].obs = OBS_ABSENT;
}

static void test_judge_records(void **state)
{
	const struct target *bwrap = target_by_name("bwrap");
	struct record r[P__COUNT];
	struct vcontrol ctl;
	struct tres res = { .kind = OBS_HOLDS };

	control_init(&ctl);
	good_facts(&res.f, &ctl.base);
	validate_judge(&profile_standard, bwrap, "bwrap", NS_ALL, &res, &ctl,
		       r);
	assert_string_equal(r[P_NS(NS_PID)].id, "validate/ns-pid");
	assert_string_equal(r[P_NS(NS_PID)].target, "bwrap");
	assert_int_equal(r[P_NS(NS_PID)].verdict, V_PASS);
	/* bwrap cannot be asked for cgroup limits: skipped, saying why */
	assert_int_equal(r[P_PIDS].verdict, V_SKIP);
	assert_non_null(strstr(r[P_PIDS].reason, "cgroup"));
	/* the kernel lacks a namespace type: skipped */
	validate_judge(&profile_standard, bwrap, "bwrap",
		       NS_ALL & ~NS_BIT(NS_IPC), &res, &ctl, r);
	assert_int_equal(r[P_NS(NS_IPC)].verdict, V_SKIP);
	/* the control also shows it: the check does not discriminate */
	ctl.out[P_HOSTNAME].obs = OBS_HOLDS;
	validate_judge(&profile_standard, bwrap, "bwrap", NS_ALL, &res, &ctl,
		       r);
	assert_int_equal(r[P_HOSTNAME].verdict, V_FAIL);
	/* ... unless the host said why by itself: no control here */
	strcpy(ctl.unusable[P_HOSTNAME], "because");
	validate_judge(&profile_standard, bwrap, "bwrap", NS_ALL, &res, &ctl,
		       r);
	assert_int_equal(r[P_HOSTNAME].verdict, V_SKIP);
	assert_non_null(strstr(r[P_HOSTNAME].reason, "no control here"));
}

static void test_control_outcomes(void **state)
{
	struct vcontrol ctl;
	struct tres host = { .kind = OBS_HOLDS };

	control_init(&ctl);
	host.f = ctl.base;
	host.f.nnp = 0;
	host.f.read_only = 0;
	strcpy(host.f.write_root, "written");
	validate_control(&profile_standard, &host, &ctl);
	assert_int_equal(ctl.out[P_NNP].obs, OBS_ABSENT);
	assert_int_equal(ctl.out[P_RO_ROOT].obs, OBS_ABSENT);
	assert_int_equal(ctl.out[P_NS(NS_PID)].obs, OBS_ABSENT);
	assert_string_equal(ctl.unusable[P_NNP], "");
	/* a control that did not run: every property's control is an error */
	host.kind = OBS_ERROR;
	strcpy(host.why, "gone");
	validate_control(&profile_standard, &host, &ctl);
	for (int p = 0; p < P__COUNT; p++)
		assert_int_equal(ctl.out[p].obs, OBS_ERROR);
}

static void test_judge_start_failure(void **state)
{
	const struct target *runc = target_by_name("runc");
	struct record r[P__COUNT];
	struct vcontrol ctl;
	struct tres res = { .kind = OBS_ERROR };

	control_init(&ctl);
	strcpy(res.why, "runc exited 1; stderr: x");
	validate_judge(&profile_standard, runc, "runc", NS_ALL, &res, &ctl, r);
	assert_int_equal(r[P_NS(NS_PID)].verdict, V_ERROR);
	assert_non_null(strstr(r[P_NS(NS_PID)].reason, "stderr: x"));
	assert_int_equal(r[P_NS(NS_TIME)].verdict, V_SKIP); /* cannot */
}

/* crun's refusal, with the v1 view off: its own words and a hint. */
static void test_refusal_gets_a_hint(void **state)
{
	const struct target *crun = target_by_name("crun");
	struct record r[P__COUNT];
	struct vcontrol ctl;
	struct tres res = { .kind = OBS_ERROR };

	control_init(&ctl);
	strcpy(res.why, "crun exited 1; stderr: cgroups in hybrid mode not "
			"supported, drop all controllers from cgroupv2");
	runtime_hint_append("crun", res.why, sizeof(res.why));
	validate_judge(&profile_standard, crun, "crun", NS_ALL, &res, &ctl, r);
	assert_int_equal(r[P_NS(NS_PID)].verdict, V_ERROR);
	assert_non_null(strstr(r[P_NS(NS_PID)].reason, "hybrid mode not"));
	assert_non_null(strstr(r[P_NS(NS_PID)].reason,
			       "; hint: crun 1.8 refuses a hybrid host"));
	assert_int_equal(r[P_NS(NS_PID)].iso.n_kv, 0); /* launched as it is */
	/* the crun hint is crun's; any runtime gets the general one */
	assert_string_not_equal(runtime_hint("runc", res.why),
				runtime_hint("crun", res.why));
	assert_non_null(strstr(runtime_hint("lxc", "lxc-execute is not "
						   "installed"),
			       "install-deps.sh runtimes"));
}

/* Launched with the v1 view: every record says so in its evidence. */
static void test_v1_view_is_labelled(void **state)
{
	const struct target *crun = target_by_name("crun");
	struct record r[P__COUNT];
	struct vcontrol ctl;
	struct tres res = { .kind = OBS_ERROR, .launched = TARGET_V1_VIEW };

	assert_true(crun->v1_view);
	assert_false(target_by_name("runc")->v1_view);
	control_init(&ctl);
	strcpy(res.why, "crun exited 1; stderr: x");
	validate_judge(&profile_standard, crun, "crun", NS_ALL, &res, &ctl, r);
	for (int p = 0; p < P__COUNT; p++) {
		const struct outcome *o = &r[p].iso;
		assert_true(o->n_kv > 0);
		assert_string_equal(o->kv[o->n_kv - 1].key, "launched");
		assert_string_equal(o->kv[o->n_kv - 1].val, TARGET_V1_VIEW);
	}
}

static void test_host_is_control(void **state)
{
	const struct target *host = target_by_name("host");
	struct record r[P__COUNT];
	struct vcontrol ctl;
	struct tres res = { .kind = OBS_HOLDS };
	struct vsel sel[1] = { { .t = host, .label = "host" } };

	control_init(&ctl);
	res.f = ctl.base;
	res.f.nnp = res.f.read_only = 0;
	strcpy(res.f.write_root, "written");
	res.f.esc = 1;
	res.f.esc_dev = ctl.base.root_dev, res.f.esc_ino = ctl.base.root_ino;
	res.f.mnt_shared = 3;
	for (size_t i = 0; i < profile_masked_n; i++)
		strcpy(res.f.masked[i], "content");
	res.f.fork_tried = res.f.fork_forked = 80;
	strcpy(res.f.mem_outcome, "survived");
	res.f.mem_peak_kib = 81920;
	validate_judge(&profile_standard, host, "host", NS_ALL, &res, &ctl, r);
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

/* ref-without:STEP differs from ref by exactly its step. */
static void test_ref_templates(void **state)
{
	char ref[640], t[640], step[32];

	assert_int_equal(ref_template(NULL, ref, sizeof(ref)), 0);
	assert_null(template_check(ref));
	assert_non_null(strstr(ref, "--read-only"));
	assert_non_null(strstr(ref, "--mask /proc/kcore"));
	assert_non_null(
		strstr(ref, "--ns cgroup,ipc,mnt,net,pid,time,user,uts"));
	assert_int_equal(ref_template("nope", t, sizeof(t)), -EINVAL);
	assert_int_equal(ref_steps_count(), NS__COUNT + 10);
	for (size_t i = 0; ref_step_name(i, step, sizeof(step)); i++) {
		assert_int_equal(ref_template(step, t, sizeof(t)), 0);
		/* ns-mnt names the agent by its path in the root */
		if (strcmp(step, "ns-mnt"))
			assert_null(template_check(t));
		assert_string_not_equal(t, ref);
	}
	assert_int_equal(ref_template("pids-limit", t, sizeof(t)), 0);
	assert_null(strstr(t, "--pids-max"));
	assert_non_null(strstr(t, "--memory-max"));
	assert_int_equal(ref_template("ns-pid", t, sizeof(t)), 0);
	assert_non_null(strstr(t, "--ns cgroup,ipc,mnt,net,time,user,uts "));
	/* no mount namespace: no root to enter, the agent found in it */
	assert_int_equal(ref_template("ns-mnt", t, sizeof(t)), 0);
	assert_null(strstr(t, "--root"));
	assert_null(strstr(t, "--read-only"));
	assert_null(strstr(t, "--mask"));
	assert_non_null(strstr(t, "-- {rootfs}/bin/boxcheck inspect"));
	assert_int_equal(ref_template("clear-inheritable", t, sizeof(t)), 0);
	assert_non_null(strstr(t, "--inheritable-caps default"));
}

/* TAP tells validate's records apart by target. */
static void test_tap_names_carry_the_target(void **state)
{
	struct record r[2];
	struct run_meta m = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	profile_record_init(&r[0], P_NS(NS_PID), "runc");
	profile_record_init(&r[1], P_NS(NS_PID), "crun");
	r[0].verdict = r[1].verdict = V_PASS;
	assert_int_equal(report_tap(f, &m, r, 2, false), 0);
	fclose(f);
	assert_non_null(strstr(buf, "ok 1 - validate/runc/ns-pid\n"));
	assert_non_null(strstr(buf, "ok 2 - validate/crun/ns-pid\n"));
	free(buf);
}

static void test_prop_table(void **state)
{
	assert_int_equal(prop_by_id("ns-pid"), P_NS(NS_PID));
	assert_int_equal(prop_by_id("ro-root"), P_RO_ROOT);
	assert_int_equal(prop_by_id("mounts-private"), P_MOUNTS_PRIVATE);
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
		cmocka_unit_test(test_caps_all_five_sets),
		cmocka_unit_test(test_pids_by_behaviour_and_cause),
		cmocka_unit_test(test_memory_by_behaviour),
		cmocka_unit_test(test_unknown_is_error),
		cmocka_unit_test(test_parse_agent_json),
		cmocka_unit_test(test_result_of_launch),
		cmocka_unit_test(test_default_caps),
		cmocka_unit_test(test_judge_records),
		cmocka_unit_test(test_control_outcomes),
		cmocka_unit_test(test_judge_start_failure),
		cmocka_unit_test(test_refusal_gets_a_hint),
		cmocka_unit_test(test_v1_view_is_labelled),
		cmocka_unit_test(test_host_is_control),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_ref_templates),
		cmocka_unit_test(test_tap_names_carry_the_target),
		cmocka_unit_test(test_prop_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
