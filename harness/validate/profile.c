// SPDX-License-Identifier: MIT
/*
 * The standard profile and the comparison of an agent's facts against it.
 * Pure functions: the evidence comes in as parsed facts, a verdict-ready
 * outcome goes out. No expectation looks at any runtime's messages.
 */
#include "profile.h"
#include "agent.h"

#include <inttypes.h>
#include <stdarg.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/capability.h>

const int profile_default_caps[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	CAP_KILL,    CAP_AUDIT_WRITE,
};
const size_t profile_default_caps_n = ARRAY_SIZE(profile_default_caps);

const char *const profile_masked[] = {
	"/proc/acpi",	       "/proc/kcore",	   "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	"/proc/sched_debug",   "/proc/scsi",	   "/sys/firmware",
};
const size_t profile_masked_n = ARRAY_SIZE(profile_masked);

#define BIT(c) (1ull << (c))
const struct profile profile_standard = {
	.hostname = "boxcheck",
	.ns = NS_ALL,
	.pids_max = 64,
	.memory_max = 64ull << 20,
	.caps = BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) |
		BIT(CAP_FOWNER) | BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) |
		BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) |
		BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |
		BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE),
	.caps_inheritable = 0,
	.caps_ambient = 0,
	.no_new_privs = true,
	.read_only_root = true,
	.uid_base = 100000,
	.id_count = 65536,
};

static struct prop_info props[P__COUNT];

static void props_fill(void)
{
	const struct profile *p = &profile_standard;

	for (int t = 0; t < NS__COUNT; t++) {
		struct prop_info *i = &props[P_NS(t)];
		snprintf(i->id, sizeof(i->id), "ns-%s", ns_table[t].name);
		snprintf(i->property, sizeof(i->property),
			 "The process runs in its own %s namespace.",
			 ns_table[t].name);
		snprintf(i->expected, sizeof(i->expected),
			 "%s namespace inode differs from the host's",
			 ns_table[t].name);
	}
	props[P_HOSTNAME] = (struct prop_info){
		"hostname", "The hostname inside is the one asked for.", ""
	};
	snprintf(props[P_HOSTNAME].expected, sizeof(props->expected),
		 "hostname '%s'", p->hostname);
	props[P_RO_ROOT] =
		(struct prop_info){ "ro-root",
				    "The root filesystem is read-only.",
				    "/ mounted ro and a write to / refused" };
	props[P_ROOT_CONFINED] = (struct prop_info){
		"root-confined",
		"The host's root cannot be reached from inside.",
		"/ is not the host's root, and a chroot escape does not reach "
		"it"
	};
	props[P_MOUNTS_PRIVATE] = (struct prop_info){
		"mounts-private",
		"No mount inside propagates to or from outside.",
		"no shared and no slave mount"
	};
	props[P_MASKED] = (struct prop_info){
		"masked-paths", "The masked paths cannot be read inside.",
		"nothing to read in any masked path (the OCI default list)"
	};
	props[P_PIDS] =
		(struct prop_info){ "pids-limit",
				    "A pids limit stops forks inside.", "" };
	snprintf(props[P_PIDS].expected, sizeof(props->expected),
		 "fork fails with EAGAIN before %u processes, and the cgroup "
		 "shows the limit",
		 p->pids_max);
	props[P_MEMORY] = (struct prop_info){
		"memory-limit",
		"A memory limit stops a process that touches more.", ""
	};
	snprintf(props[P_MEMORY].expected, sizeof(props->expected),
		 "touching %llu MiB is stopped by a %llu MiB limit",
		 AGENT_MEM_PROBE >> 20, p->memory_max >> 20);
	props[P_CAPS] = (struct prop_info){
		"caps-default",
		"The capability sets are the default container set.",
		"bounding == default set, effective and permitted within it, "
		"inheritable and ambient empty"
	};
	props[P_NNP] =
		(struct prop_info){ "no-new-privs", "no_new_privs is set.",
				    "no_new_privs 1" };
}

const struct prop_info *prop_info(enum prop p)
{
	if (!props[0].id[0])
		props_fill();
	return &props[p];
}

int prop_by_id(const char *id)
{
	for (int p = 0; p < P__COUNT; p++)
		if (strcmp(prop_info(p)->id, id) == 0)
			return p;
	return -EINVAL;
}

void caps_names(unsigned long long m, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64 && at < len; c++) {
		char *name;
		if (!(m & BIT(c)))
			continue;
		name = cap_to_name(c);
		at += snprintf(buf + at, len - at, "%s%s", at ? "," : "",
			       name ? name : "?");
		cap_free(name);
	}
	if (!at)
		snprintf(buf, len, "none");
}

/* ---- judging ---------------------------------------------------------- */

static void kv(struct outcome *o, const char *key, const char *fmt, ...)
	_printf_(3, 4);
static void kv(struct outcome *o, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (o->n_kv >= OUTCOME_MAX_KV)
		return;
	snprintf(o->kv[o->n_kv].key, sizeof(o->kv[0].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(o->kv[o->n_kv].val, sizeof(o->kv[0].val), fmt, ap);
	va_end(ap);
	o->n_kv++;
}

#define SAY(o, ...) snprintf((o)->observed, sizeof((o)->observed), __VA_ARGS__)

#define JUDGE(name)                                                            \
	static enum obs name(                                                  \
		enum prop p _unused_, const struct profile *pr _unused_,       \
		const struct facts *f, const struct facts *host _unused_,      \
		struct outcome *o)

/* A fact the agent could not read: the judge cannot decide. */
#define UNKNOWN(o, ...) (SAY(o, __VA_ARGS__), OBS_ERROR)

JUDGE(judge_ns)
{
	enum ns_type t = p - P_NS_FIRST;
	const char *name = ns_table[t].name;

	kv(o, "host", "%s:[%llu]", name, host->ns[t]);
	kv(o, "inside", "%s:[%llu]", name, f->ns[t]);
	if (!f->ns[t] || !host->ns[t])
		return UNKNOWN(o, "no /proc/self/ns/%s %s", name,
			       f->ns[t] ? "here" : "inside");
	if (f->ns[t] == host->ns[t]) {
		SAY(o, "%s:[%llu], the host's own", name, f->ns[t]);
		return OBS_ABSENT;
	}
	SAY(o, "%s:[%llu], host %s:[%llu]", name, f->ns[t], name, host->ns[t]);
	return OBS_HOLDS;
}

JUDGE(judge_hostname)
{
	if (f->hostname_err[0])
		return UNKNOWN(o, "hostname unreadable inside: %s",
			       f->hostname_err);
	SAY(o, "hostname '%s'", f->hostname);
	return strcmp(f->hostname, pr->hostname) ? OBS_ABSENT : OBS_HOLDS;
}

JUDGE(judge_ro)
{
	bool ro = f->read_only == 1,
	     refused = f->write_root[0] && strcmp(f->write_root, "written");

	kv(o, "read_only", "%d", f->read_only);
	kv(o, "write_root", "%s", f->write_root[0] ? f->write_root : "?");
	if (f->read_only < 0 || !f->write_root[0])
		return UNKNOWN(o, "%s",
			       f->read_only < 0
				       ? "statvfs(/) failed inside"
				       : "the write probe did not run");
	SAY(o, "/ mounted %s, write to / %s", ro ? "ro" : "rw",
	    refused ? f->write_root : "succeeded");
	return ro && refused ? OBS_HOLDS : OBS_ABSENT;
}

/* The agent's "/" and where a chroot escape lands, against the host's "/". */
JUDGE(judge_confined)
{
	bool at_host, esc_host;

	if (!f->root_known || !host->root_known)
		return UNKNOWN(o, "stat(/) failed %s",
			       f->root_known ? "here" : "inside");
	if (f->esc < 0)
		return UNKNOWN(o, "the chroot escape probe failed: %s",
			       f->esc_err);
	at_host =
		f->root_dev == host->root_dev && f->root_ino == host->root_ino;
	esc_host = f->esc == 1 && f->esc_dev == host->root_dev &&
		   f->esc_ino == host->root_ino;
	kv(o, "root", "%llu:%llu", f->root_dev, f->root_ino);
	kv(o, "host_root", "%llu:%llu", host->root_dev, host->root_ino);
	if (f->esc == 1)
		kv(o, "escape", "%llu:%llu", f->esc_dev, f->esc_ino);
	SAY(o, "%s; %s", at_host ? "/ is the host's root" : "/ is its own",
	    f->esc == 0 ? "chroot refused (EPERM)"
	    : esc_host	? "a chroot escape reaches the host's root"
			: "a chroot escape stays in it");
	return at_host || esc_host ? OBS_ABSENT : OBS_HOLDS;
}

JUDGE(judge_mounts)
{
	if (f->mnt_shared < 0)
		return UNKNOWN(o, "/proc/self/mountinfo unreadable inside");
	kv(o, "shared", "%d", f->mnt_shared);
	kv(o, "slave", "%d", f->mnt_slave);
	SAY(o, "%d shared and %d slave mounts%s%s", f->mnt_shared, f->mnt_slave,
	    f->mnt_first[0] ? ", first " : "", f->mnt_first);
	return f->mnt_shared || f->mnt_slave ? OBS_ABSENT : OBS_HOLDS;
}

JUDGE(judge_masked)
{
	char open_[400] = "";
	size_t at = 0;

	for (size_t i = 0; i < profile_masked_n; i++) {
		if (!f->masked[i][0])
			return UNKNOWN(o, "no state for %s", profile_masked[i]);
		if (strcmp(f->masked[i], "content") == 0 && at < sizeof(open_))
			at += snprintf(open_ + at, sizeof(open_) - at, "%s%s",
				       at ? " " : "", profile_masked[i]);
		kv(o, profile_masked[i], "%s", f->masked[i]);
	}
	SAY(o, "%s%s", at ? "readable: " : "none readable", open_);
	return at ? OBS_ABSENT : OBS_HOLDS;
}

/* Why the cgroup says the limit stopped it; "" when it says otherwise. */
static const char *pids_cgroup_evidence(const struct profile *pr,
					const struct facts *f, char *buf,
					size_t len)
{
	bool max_ok = f->pids_max[0] &&
		      strtoul(f->pids_max, NULL, 10) == pr->pids_max;

	buf[0] = '\0';
	if (f->ev_after > f->ev_before && f->ev_before >= 0)
		snprintf(buf, len, "pids.events max %lld -> %lld", f->ev_before,
			 f->ev_after);
	else if (max_ok)
		snprintf(buf, len, "pids.max %s", f->pids_max);
	return buf;
}

/*
 * Behaviour: fork fails with EAGAIN before the limit (not EPERM from a
 * seccomp filter, not ENOMEM). Cause: the cgroup says so where it can be
 * seen (pids.max, pids.events); where not, RLIMIT_NPROC must be unable to
 * explain the EAGAIN.
 */
JUDGE(judge_pids)
{
	char why[96];
	bool visible = f->pids_max[0] || f->ev_after >= 0;

	kv(o, "pids_max", "%s", f->pids_max[0] ? f->pids_max : "not visible");
	kv(o, "forked", "%d of %d", f->fork_forked, f->fork_tried);
	if (f->fork_err[0] || !f->fork_tried)
		return UNKNOWN(o, "fork probe %s%s",
			       f->fork_err[0] ? "failed: " : "did not run",
			       f->fork_err);
	if (f->pids_err[0] || f->ev_err[0])
		return UNKNOWN(o, "pids cgroup unreadable inside: %s",
			       f->pids_err[0] ? f->pids_err : f->ev_err);
	if (!f->fork_stop[0])
		return SAY(o, "forked %d of %d, never refused", f->fork_forked,
			   f->fork_tried),
		       OBS_ABSENT;
	if (strcmp(f->fork_stop, "EAGAIN") ||
	    f->fork_forked >= (int)pr->pids_max)
		return SAY(o,
			   "fork refused with %s after %d, not a pids limit "
			   "of %u (EAGAIN)",
			   f->fork_stop, f->fork_forked, pr->pids_max),
		       OBS_ABSENT;
	if (visible && !pids_cgroup_evidence(pr, f, why, sizeof(why))[0])
		return SAY(o,
			   "EAGAIN after %d forks, but the cgroup shows "
			   "pids.max %s and no refused fork",
			   f->fork_forked,
			   f->pids_max[0] ? f->pids_max : "not visible"),
		       OBS_ABSENT;
	if (!visible && f->nproc != -1 && f->nproc <= f->fork_tried)
		return UNKNOWN(o,
			       "EAGAIN after %d forks, RLIMIT_NPROC %lld "
			       "may explain it, and no pids cgroup is "
			       "visible inside",
			       f->fork_forked, f->nproc);
	SAY(o, "EAGAIN after %d forks; %s", f->fork_forked,
	    visible ? why
		    : "no pids cgroup visible inside, RLIMIT_NPROC "
		      "cannot explain it");
	return OBS_HOLDS;
}

/* The probe was stopped: killed, refused, or kept under the limit. */
static bool memory_stopped(const struct profile *pr, const struct facts *f)
{
	if (!strcmp(f->mem_outcome, "killed"))
		return !strcmp(f->mem_detail, "KILL");
	if (!strcmp(f->mem_outcome, "refused"))
		return true;
	return f->mem_peak_kib >= 0 &&
	       (unsigned long long)f->mem_peak_kib * 1024 <= pr->memory_max;
}

JUDGE(judge_memory)
{
	unsigned long long v = strtoull(f->memory_max, NULL, 10);
	char how[64];
	bool stopped;

	kv(o, "memory_max", "%s",
	   f->memory_max[0] ? f->memory_max : "not visible");
	if (f->memory_err[0])
		return UNKNOWN(o, "memory cgroup unreadable inside: %s",
			       f->memory_err);
	if (f->mem_err[0] || !f->mem_outcome[0])
		return UNKNOWN(o, "memory probe %s%s",
			       f->mem_err[0] ? "failed: " : "did not run",
			       f->mem_err);
	if (!strcmp(f->mem_outcome, "killed") && strcmp(f->mem_detail, "KILL"))
		return UNKNOWN(o, "memory probe died of SIG%s", f->mem_detail);
	stopped = memory_stopped(pr, f);
	kv(o, "probe", "%s %s", f->mem_outcome, f->mem_detail);
	if (!strcmp(f->mem_outcome, "survived"))
		snprintf(how, sizeof(how), "survived, resident peak %lld KiB",
			 f->mem_peak_kib);
	else
		snprintf(how, sizeof(how), "%s (%s%s)", f->mem_outcome,
			 !strcmp(f->mem_outcome, "killed") ? "SIG" : "",
			 f->mem_detail);
	SAY(o, "touching %lld MiB: %s; limit %s", f->mem_size >> 20, how,
	    f->memory_max[0] ? f->memory_max : "not visible inside");
	if (!stopped || (f->memory_max[0] && v != pr->memory_max))
		return OBS_ABSENT;
	return OBS_HOLDS;
}

JUDGE(judge_caps)
{
	char extra[200], missing[200], inh[200], amb[200];
	unsigned long long more =
		(f->cap_bnd | f->cap_eff | f->cap_prm) & ~pr->caps;
	unsigned long long less = pr->caps & ~f->cap_bnd;
	unsigned long long i = f->cap_inh & ~pr->caps_inheritable,
			   a = f->cap_amb & ~pr->caps_ambient;

	if (f->caps_err[0])
		return UNKNOWN(o, "capabilities unreadable inside: %s",
			       f->caps_err);
	caps_names(more, extra, sizeof(extra));
	caps_names(less, missing, sizeof(missing));
	caps_names(i, inh, sizeof(inh));
	caps_names(a, amb, sizeof(amb));
	kv(o, "bounding", "0x%016llx", f->cap_bnd);
	kv(o, "effective", "0x%016llx", f->cap_eff);
	kv(o, "permitted", "0x%016llx", f->cap_prm);
	kv(o, "inheritable", "0x%016llx", f->cap_inh);
	kv(o, "ambient", "0x%016llx", f->cap_amb);
	if (!more && !less && !i && !a) {
		SAY(o,
		    "bounding 0x%llx, the default set; inheritable and "
		    "ambient empty",
		    f->cap_bnd);
		return OBS_HOLDS;
	}
	SAY(o,
	    "extra %.100s; missing %.100s; inheritable %.100s; ambient "
	    "%.100s",
	    extra, missing, inh, amb);
	return OBS_ABSENT;
}

JUDGE(judge_nnp)
{
	if (f->nnp < 0)
		return UNKNOWN(o, "no_new_privs unreadable inside");
	SAY(o, "no_new_privs %d", f->nnp);
	return f->nnp == 1 ? OBS_HOLDS : OBS_ABSENT;
}

typedef enum obs judge_fn(enum prop, const struct profile *,
			  const struct facts *, const struct facts *,
			  struct outcome *);
static judge_fn *const judges[P__COUNT] = {
	[P_NS_FIRST... P_NS_LAST] = judge_ns,
	[P_HOSTNAME] = judge_hostname,
	[P_RO_ROOT] = judge_ro,
	[P_ROOT_CONFINED] = judge_confined,
	[P_MOUNTS_PRIVATE] = judge_mounts,
	[P_MASKED] = judge_masked,
	[P_PIDS] = judge_pids,
	[P_MEMORY] = judge_memory,
	[P_CAPS] = judge_caps,
	[P_NNP] = judge_nnp,
};

void profile_judge(enum prop p, const struct profile *pr, const struct facts *f,
		   const struct facts *host, struct outcome *o)
{
	o->n_kv = 0;
	o->obs = judges[p](p, pr, f, host, o);
}

void profile_record_init(struct record *r, enum prop p, const char *target)
{
	const struct prop_info *i = prop_info(p);

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "validate/%s", i->id);
	snprintf(r->title, sizeof(r->title), "%s", i->property);
	snprintf(r->property, sizeof(r->property), "%s", i->property);
	snprintf(r->expected, sizeof(r->expected), "%s", i->expected);
	snprintf(r->target, sizeof(r->target), "%s", target);
}
