// SPDX-License-Identifier: MIT
/* Host facts as JSON, for `boxcheck probe` and every result's metadata. */
#include "host.h"

#include <jansson.h>
#include <string.h>
#include <sys/utsname.h>

static void cpu_model(char *buf, size_t len)
{
	static const char *const keys[] = { "model name", "Model", "Hardware",
					    "CPU part" };
	char info[1 << 16];

	snprintf(buf, len, "unknown");
	if (read_text("/proc/cpuinfo", info, sizeof(info)) < 0)
		return;
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		char *p = strstr(info, keys[k]);
		char *colon = p ? strchr(p, ':') : NULL;
		if (!colon)
			continue;
		snprintf(buf, len, "%.*s", (int)strcspn(colon + 2, "\n"),
			 colon + 2);
		return;
	}
}

/* "none", or what told us we are a guest. */
static void virtualization(char *buf, size_t len)
{
	char info[1 << 16], vendor[128] = "";

	snprintf(buf, len, "none");
	read_text("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	chomp(vendor);
	if (read_text("/proc/cpuinfo", info, sizeof(info)) > 0 &&
	    strstr(info, " hypervisor"))
		snprintf(buf, len, "vm (%s)",
			 vendor[0] ? vendor : "hypervisor");
	else if (path_exists("/proc/xen"))
		snprintf(buf, len, "vm (xen)");
	else if (path_exists("/sys/firmware/devicetree/base/hypervisor"))
		snprintf(buf, len, "vm (device tree hypervisor node)");
}

/*
 * v2: "controllers" are those our own cgroup delegates to its children (its
 * cgroup.subtree_control, what our groups can use); "available" are those
 * in its cgroup.controllers.
 */
static json_t *v2_available(const struct cg_layout *l, int i)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], buf[1024];
	json_t *a = json_array();
	char *tok, *save = NULL;

	if (cg_own_dir(l, i, dir, sizeof(dir)) < 0)
		return a;
	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return a;
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save))
		json_array_append_new(a, json_string(tok));
	return a;
}

static json_t *cgroup_json(const struct host *h)
{
	json_t *o = json_object(), *hs = json_array();

	json_object_set_new(o, "mode", json_string(cg_mode_names[h->cg.mode]));
	for (int i = 0; h->cg_ok && i < h->cg.n; i++) {
		const struct cg_hier *hi = &h->cg.hier[i];
		json_t *x = json_object(), *c = json_array();
		for (int k = 0; k < CG__COUNT; k++) {
			const struct cg_ctrl_info *ci = &cg_ctrl_table[k];
			if (hi->ctrls & CG_BIT(k))
				json_array_append_new(
					c, json_string(hi->version == 1
							       ? ci->v1_name
							       : ci->v2_name));
		}
		json_object_set_new(x, "version", json_integer(hi->version));
		json_object_set_new(x, "mount", json_string(hi->mount));
		json_object_set_new(x, "own", json_string(hi->own));
		if (hi->name[0])
			json_object_set_new(x, "name", json_string(hi->name));
		json_object_set_new(x, "controllers", c);
		if (hi->version == 2)
			json_object_set_new(x, "available",
					    v2_available(&h->cg, i));
		json_array_append_new(hs, x);
	}
	json_object_set_new(o, "hierarchies", hs);
	return o;
}

static json_t *sysctl_json(const char *path)
{
	uint64_t v;

	return read_u64(path, &v) == 0 ? json_integer((json_int_t)v)
				       : json_null();
}

void *host_facts_json(const struct host *h)
{
	json_t *o = json_object(), *ns = json_array(), *feat = json_object();
	char buf[256];
	struct utsname u;

	uname(&u);
	json_object_set_new(o, "kernel", json_string(u.release));
	json_object_set_new(o, "kernel_version", json_string(u.version));
	json_object_set_new(o, "arch", json_string(u.machine));
	json_object_set_new(o, "hostname", json_string(u.nodename));
	cpu_model(buf, sizeof(buf));
	json_object_set_new(o, "cpu_model", json_string(buf));
	json_object_set_new(o, "cores",
			    json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	virtualization(buf, sizeof(buf));
	json_object_set_new(o, "virtualization", json_string(buf));
	json_object_set_new(o, "root", json_boolean(h->root));
	json_object_set_new(o, "cgroup", cgroup_json(h));
	for (int t = 0; t < NS__COUNT; t++)
		if (h->ns & NS_BIT(t))
			json_array_append_new(ns,
					      json_string(ns_table[t].name));
	json_object_set_new(o, "namespaces", ns);
	json_object_set_new(o, "max_user_namespaces",
			    sysctl_json("/proc/sys/user/max_user_namespaces"));
	json_object_set_new(
		o, "unprivileged_userns_clone",
		sysctl_json("/proc/sys/kernel/unprivileged_userns_clone"));
	json_object_set_new(o, "overlayfs",
			    json_boolean(host_has_fs(h, "overlay")));
	for (int f = 0; f < FEAT__COUNT; f++)
		json_object_set_new(feat, feature_table[f].name,
				    json_boolean(h->features & FEAT_BIT(f)));
	json_object_set_new(o, "features", feat);
	return o;
}
