// SPDX-License-Identifier: MIT
/*
 * Predicates: limits, judged by behaviour where there is behaviour (a fork
 * refused, a process killed, a spin throttled) and by the cgroup's own
 * word for the cause.
 */
#include "props.h"
#include "agent.h"

#include <string.h>

/* A cgroup file value: the string, "" when not visible, NULL on error. */
static const char *cg_value(const json_t *v)
{
	if (json_is_null(v))
		return "";
	return jtext(v);
}

/*
 * Behaviour: fork fails with EAGAIN before the limit (not EPERM from a
 * seccomp filter, not ENOMEM). Cause: the cgroup says so where it can be
 * seen (pids.max, pids.events); where not, RLIMIT_NPROC must be unable to
 * explain the EAGAIN.
 */
enum obs judge_pids(struct jctx *c, struct outcome *o)
{
	const json_t *f = F(c, "probes.fork"), *mx = F(c, "cgroup.pids_max");
	const json_t *np = json_array_get(F(c, "rlimits.nproc"), 0);
	const char *max = cg_value(mx), *stop;
	long long tried, forked, before = -1, after = -1, nproc = -1;
	bool visible;

	if (!max)
		return unknown(o, "pids.max", mx);
	if (!jint(jpath(f, "tried"), &tried) ||
	    !jint(jpath(f, "forked"), &forked))
		return unknown(o, "the fork probe", f);
	if (fact_error(jpath(f, "events_before")) ||
	    fact_error(jpath(f, "events_after")))
		return unknown(o, "pids.events", jpath(f, "events_after"));
	jint(jpath(f, "events_before"), &before);
	jint(jpath(f, "events_after"), &after);
	if (!jint(np, &nproc) &&
	    !(jtext(np) && !strcmp(jtext(np), "unlimited")))
		return unknown(o, "RLIMIT_NPROC", np);
	stop = jtext(jpath(f, "stopped_by"));
	visible = max[0] || after >= 0;
	kv(o, "pids_max", "%s", max[0] ? max : "not visible");
	kv(o, "forked", "%lld of %lld", forked, tried);
	if (!stop)
		return absent(o, "forked %lld of %lld, never refused", forked,
			      tried);
	if (strcmp(stop, "EAGAIN") || forked >= (long long)c->pr->pids_max)
		return absent(o,
			      "fork refused with %s after %lld, not a pids "
			      "limit of %u (EAGAIN)",
			      stop, forked, c->pr->pids_max);
	if (visible && !(after > before && before >= 0) &&
	    strtoul(max, NULL, 10) != c->pr->pids_max)
		return absent(o,
			      "EAGAIN after %lld forks, but the cgroup "
			      "shows pids.max %s and no refused fork",
			      forked, max[0] ? max : "not visible");
	if (!visible && nproc != -1 && nproc <= tried)
		return unknown(o,
			       "the cause (RLIMIT_NPROC may explain the "
			       "EAGAIN, and no pids cgroup is visible)",
			       NULL);
	if (!visible)
		return holds(o,
			     "EAGAIN after %lld forks; no pids cgroup "
			     "visible inside, RLIMIT_NPROC cannot explain "
			     "it",
			     forked);
	if (after > before && before >= 0)
		return holds(o,
			     "EAGAIN after %lld forks; pids.events max "
			     "%lld -> %lld",
			     forked, before, after);
	return holds(o, "EAGAIN after %lld forks; pids.max %s", forked, max);
}

/* The probe was stopped: killed, refused, or kept under the limit. */
static bool memory_stopped(const struct profile *pr, const char *outcome,
			   const char *detail, long long peak)
{
	if (!strcmp(outcome, "killed"))
		return !strcmp(detail, "KILL");
	if (!strcmp(outcome, "refused"))
		return true;
	return peak >= 0 && (unsigned long long)peak * 1024 <= pr->memory_max;
}

enum obs judge_memory(struct jctx *c, struct outcome *o)
{
	const json_t *m = F(c, "probes.memory"),
		     *mx = F(c, "cgroup.memory_max");
	const char *max = cg_value(mx), *out = jtext(jpath(m, "outcome"));
	const char *detail =
		jtext(jpath(m, "signal")) ?: jtext(jpath(m, "errno"));
	long long size = 0, peak = -1;
	char how[96];

	if (!max)
		return unknown(o, "the memory limit", mx);
	if (!out || !jint(jpath(m, "size"), &size))
		return unknown(o, "the memory probe", m);
	jint(jpath(m, "peak_kib"), &peak);
	kv(o, "memory_max", "%s", max[0] ? max : "not visible");
	if (!strcmp(out, "killed") && strcmp(detail ?: "", "KILL"))
		return unknown(o, "the memory probe (died of another signal)",
			       NULL);
	kv(o, "probe", "%s %s", out, detail ?: "");
	if (!strcmp(out, "survived"))
		snprintf(how, sizeof(how), "survived, resident peak %lld KiB",
			 peak);
	else
		snprintf(how, sizeof(how), "%s (%s%s)", out,
			 !strcmp(out, "killed") ? "SIG" : "", detail ?: "?");
	SAY(o, "touching %lld MiB: %s; limit %s", size >> 20, how,
	    max[0] ? max : "not visible inside");
	if (!memory_stopped(c->pr, out, detail ?: "", peak) ||
	    (max[0] && strtoull(max, NULL, 10) != c->pr->memory_max))
		return OBS_ABSENT;
	return OBS_HOLDS;
}

/*
 * The quota asked for is the one shown ("quota period", v1 or v2), and
 * the spin was throttled (cpu.stat nr_throttled rose).
 */
enum obs judge_cpu(struct jctx *c, struct outcome *o)
{
	const json_t *p = F(c, "probes.cpu"), *mx = F(c, "cgroup.cpu_max");
	const char *max = cg_value(mx);
	long long before, after, cpu = 0, wall = 0;
	unsigned long long q = 0, per = 0;

	if (!max)
		return unknown(o, "the cpu quota", mx);
	if (!json_is_object(p) || fact_error(p))
		return unknown(o, "the cpu probe", p);
	jint(jpath(p, "cpu_ms"), &cpu);
	jint(jpath(p, "wall_ms"), &wall);
	kv(o, "cpu_max", "%s", max[0] ? max : "not visible");
	kv(o, "spin", "%lld ms cpu in %lld ms", cpu, wall);
	if (!max[0] || json_is_null(jpath(p, "throttled_after")))
		return absent(o,
			      "no cpu quota visible inside (spun %lld ms "
			      "cpu in %lld ms)",
			      cpu, wall);
	if (!jint(jpath(p, "throttled_before"), &before) ||
	    !jint(jpath(p, "throttled_after"), &after))
		return unknown(o, "cpu.stat", jpath(p, "throttled_after"));
	if (sscanf(max, "%llu %llu", &q, &per) != 2 ||
	    q != c->pr->cpu_quota_us || per != c->pr->cpu_period_us)
		return absent(o, "quota '%s', not %u %u", max,
			      c->pr->cpu_quota_us, c->pr->cpu_period_us);
	if (after <= before)
		return absent(o,
			      "quota %s, yet %lld ms of cpu in %lld ms "
			      "were never throttled",
			      max, cpu, wall);
	return holds(o,
		     "quota %s; %lld ms of cpu took %lld ms, throttled "
		     "%lld times",
		     max, cpu, wall, after - before);
}

/* Each line of /proc/self/cgroup reads "/": the namespace's root is its own. */
enum obs judge_cgroup_own(struct jctx *c, struct outcome *o)
{
	const json_t *v = F(c, "cgroup.proc_self_cgroup");
	char text[4096], *line, *save = NULL;

	if (!jtext(v))
		return unknown(o, "/proc/self/cgroup", v);
	snprintf(text, sizeof(text), "%s", jtext(v));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *path = strchr(line, ':');
		path = path ? strchr(path + 1, ':') : NULL;
		if (!path || strcmp(path + 1, "/"))
			return absent(o,
				      "'%.200s': not the root of its cgroup "
				      "namespace",
				      line);
	}
	return holds(o, "every hierarchy reads '/'");
}

enum obs judge_cgroup_ro(struct jctx *c, struct outcome *o)
{
	const json_t *ms = F(c, "cgroup.mounts"), *m;
	char rw[300] = "";
	size_t i, at = 0;

	if (!json_is_array(ms))
		return unknown(o, "the cgroup mounts", ms);
	json_array_foreach(ms, i, m)
		if (!json_is_true(jpath(m, "ro")) && at < sizeof(rw))
			at += snprintf(rw + at, sizeof(rw) - at, "%s%s",
				       at ? " " : "",
				       jtext(jpath(m, "point")) ?: "?");
	if (at)
		return absent(o, "writable: %.290s", rw);
	return holds(o, "%zu cgroup mounts, all read-only",
		     json_array_size(ms));
}
