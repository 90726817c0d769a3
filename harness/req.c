// SPDX-License-Identifier: MIT
/* Requirement checks: data in, a verdict and a reason out. */
#include "host.h"

#include <linux/capability.h>
#include <string.h>

static const char *cap_name_of(int cap)
{
	static const char *const names[] = {
		[CAP_CHOWN] = "CAP_CHOWN",
		[CAP_DAC_OVERRIDE] = "CAP_DAC_OVERRIDE",
		[CAP_DAC_READ_SEARCH] = "CAP_DAC_READ_SEARCH",
		[CAP_KILL] = "CAP_KILL",
		[CAP_SETGID] = "CAP_SETGID",
		[CAP_SETUID] = "CAP_SETUID",
		[CAP_SETPCAP] = "CAP_SETPCAP",
		[CAP_NET_BIND_SERVICE] = "CAP_NET_BIND_SERVICE",
		[CAP_NET_ADMIN] = "CAP_NET_ADMIN",
		[CAP_NET_RAW] = "CAP_NET_RAW",
		[CAP_SYS_CHROOT] = "CAP_SYS_CHROOT",
		[CAP_SYS_PTRACE] = "CAP_SYS_PTRACE",
		[CAP_SYS_ADMIN] = "CAP_SYS_ADMIN",
		[CAP_SYS_NICE] = "CAP_SYS_NICE",
		[CAP_SYS_RESOURCE] = "CAP_SYS_RESOURCE",
		[CAP_MKNOD] = "CAP_MKNOD",
		[CAP_SETFCAP] = "CAP_SETFCAP",
	};

	if (cap >= 0 && (size_t)cap < ARRAY_SIZE(names) && names[cap])
		return names[cap];
	return "a capability";
}

static bool fail(char *why, size_t len, const char *fmt, const char *arg)
{
	snprintf(why, len, fmt, arg);
	return false;
}

/* Missing, and the probe found why: the cause and the fix, by name. */
static bool cmdline_off(char *why, size_t len, const char *name)
{
	snprintf(why, len,
		 "%s controller disabled on the kernel command line "
		 "(cgroup_disable=%s); add cgroup_enable=%s",
		 name, name, name);
	return false;
}

static bool ctrls_met(const struct requirements *r, const struct host *h,
		      char *why, size_t len)
{
	if (r->cgroup_version || r->ctrls) {
		if (!h->cg_ok || h->cg.mode == CG_MODE_NONE)
			return fail(why, len, "%s",
				    "no cgroup hierarchy mounted");
	}
	if (r->cgroup_version == 2 && h->cg.unified < 0)
		return fail(why, len, "%s", "no cgroup v2 hierarchy mounted");
	if (r->cgroup_version == 1 && h->cg.mode == CG_MODE_UNIFIED)
		return fail(why, len, "%s", "no cgroup v1 hierarchy mounted");
	for (int c = 0; c < CG__COUNT; c++) {
		const struct cg_ctrl_info *ci = &cg_ctrl_table[c];
		int hi = h->cg_ok ? h->cg.by_ctrl[c] : -1;
		if (!(r->ctrls & CG_BIT(c)))
			continue;
		if (hi < 0 && (h->cg_cmdline_off & CG_BIT(c)))
			return cmdline_off(why, len,
					   ci->v2_name ?: ci->v1_name);
		if (hi < 0)
			return fail(why, len,
				    "cgroup controller %s not available",
				    ci->v1_name ? ci->v1_name : ci->v2_name);
		if (r->cgroup_version &&
		    h->cg.hier[hi].version != r->cgroup_version) {
			snprintf(why, len,
				 "cgroup controller %s is on cgroup v%d here "
				 "(%s layout); this scenario needs it on v%d",
				 ci->v1_name ? ci->v1_name : ci->v2_name,
				 h->cg.hier[hi].version,
				 cg_mode_names[h->cg.mode], r->cgroup_version);
			return false;
		}
	}
	return true;
}

bool req_met(const struct requirements *r, const struct host *h, char *why,
	     size_t len)
{
	if (r->root && !h->root)
		return fail(why, len, "%s", "needs root");
	for (int c = 0; c < 64; c++)
		if ((r->caps & CAP_BIT(c)) && !(h->caps & CAP_BIT(c)))
			return fail(why, len, "needs %s", cap_name_of(c));
	for (int t = 0; t < NS__COUNT; t++)
		if ((r->ns & NS_BIT(t)) && !(h->ns & NS_BIT(t)))
			return fail(why, len, "kernel has no %s namespaces",
				    ns_table[t].name);
	if (!ctrls_met(r, h, why, len))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(r->fs) && r->fs[i]; i++)
		if (!host_has_fs(h, r->fs[i]))
			return fail(why, len, "kernel has no %s filesystem",
				    r->fs[i]);
	for (int f = 0; f < FEAT__COUNT; f++)
		if ((r->features & FEAT_BIT(f)) && !(h->features & FEAT_BIT(f)))
			return fail(why, len, "%s", feature_table[f].missing);
	for (size_t i = 0; i < ARRAY_SIZE(r->cmds) && r->cmds[i]; i++)
		if (!host_has_cmd(r->cmds[i]))
			return fail(why, len, "command %s not found in PATH",
				    r->cmds[i]);
	return true;
}

static void add(char *buf, size_t len, size_t *at, const char *fmt,
		const char *arg)
{
	if (*at < len)
		*at += snprintf(buf + *at, len - *at, "%s", *at ? ", " : "");
	if (*at < len)
		*at += snprintf(buf + *at, len - *at, fmt, arg);
}

void req_describe(const struct requirements *r, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	if (r->root)
		add(buf, len, &at, "%s", "root");
	for (int c = 0; c < 64; c++)
		if (r->caps & CAP_BIT(c))
			add(buf, len, &at, "%s", cap_name_of(c));
	for (int t = 0; t < NS__COUNT; t++)
		if (r->ns & NS_BIT(t))
			add(buf, len, &at, "ns:%s", ns_table[t].name);
	if (r->cgroup_version)
		add(buf, len, &at, "cgroup:v%s",
		    r->cgroup_version == 1 ? "1" : "2");
	for (int c = 0; c < CG__COUNT; c++)
		if (r->ctrls & CG_BIT(c))
			add(buf, len, &at, "cgroup:%s",
			    cg_ctrl_table[c].v1_name
				    ?: cg_ctrl_table[c].v2_name);
	for (size_t i = 0; i < ARRAY_SIZE(r->fs) && r->fs[i]; i++)
		add(buf, len, &at, "fs:%s", r->fs[i]);
	for (int f = 0; f < FEAT__COUNT; f++)
		if (r->features & FEAT_BIT(f))
			add(buf, len, &at, "%s", feature_table[f].name);
	for (size_t i = 0; i < ARRAY_SIZE(r->cmds) && r->cmds[i]; i++)
		add(buf, len, &at, "cmd:%s", r->cmds[i]);
	if (!at)
		snprintf(buf, len, "none");
}
