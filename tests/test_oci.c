// SPDX-License-Identifier: MIT
/*
 * The generated OCI config.json: its content, and that runc itself accepts
 * it (runs it, as root, on a minimal root, when runc is installed).
 */
#include "testlib.h"
#include "../harness/validate/oci.h"
#include "../harness/validate/targets.h"
#include "../primitives/cgroup.h"

#include <errno.h>
#include <jansson.h>
#include <sys/stat.h>

static json_t *config(unsigned ns, const char *cg)
{
	struct oci_opts o = { .rootfs = "/tmp/r",
			      .cgroups_path = cg,
			      .ns = ns,
			      .cgroup_mount = true };

	return oci_config(&profile_standard, &o);
}

static bool has_ns(json_t *cfg, const char *type)
{
	json_t *v, *ns = json_object_get(json_object_get(cfg, "linux"),
					 "namespaces");
	size_t i;

	json_array_foreach(ns, i, v)
		if (!strcmp(json_string_value(json_object_get(v, "type")),
			    type))
			return true;
	return false;
}

static void test_profile_in_config(void **state)
{
	json_t *c = config(NS_ALL & ~NS_BIT(NS_TIME), "boxcheck-x/runc");
	json_t *sc = json_object_get(json_object_get(c, "linux"), "seccomp");
	json_t *user = json_object_get(json_object_get(c, "process"), "user");
	json_t *l = json_object_get(c, "linux");
	json_t *res = json_object_get(l, "resources");
	json_t *proc = json_object_get(c, "process");
	json_t *bnd = json_object_get(json_object_get(proc, "capabilities"),
				      "bounding");

	assert_non_null(c);
	assert_string_equal(json_string_value(json_object_get(c, "hostname")),
			    "boxcheck");
	assert_true(json_is_true(
		json_object_get(json_object_get(c, "root"), "readonly")));
	assert_true(json_is_true(json_object_get(proc, "noNewPrivileges")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(res, "pids"), "limit")),
			 64);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(res, "memory"), "limit")),
			 64 << 20);
	assert_int_equal(json_array_size(bnd), profile_default_caps_n);
	assert_string_equal(json_string_value(json_array_get(bnd, 0)),
			    "CAP_CHOWN");
	assert_string_equal(
		json_string_value(json_object_get(l, "cgroupsPath")),
		"boxcheck-x/runc");
	for (const char *const *t =
		     (const char *const[]){ "pid", "network", "ipc", "uts",
					    "mount", "cgroup", "user", NULL };
	     *t; t++)
		assert_true(has_ns(c, *t));
	assert_false(has_ns(c, "time"));
	assert_non_null(json_object_get(l, "uidMappings"));
	/* the process as asked: ids, groups, umask, cwd, rlimits, oom */
	assert_int_equal(json_integer_value(json_array_get(
				 json_object_get(user, "additionalGids"), 0)),
			 4242);
	assert_int_equal(json_integer_value(json_object_get(user, "umask")),
			 027);
	assert_string_equal(json_string_value(json_object_get(proc, "cwd")),
			    "/etc");
	assert_int_equal(json_array_size(json_object_get(proc, "rlimits")), 3);
	assert_int_equal(
		json_integer_value(json_object_get(proc, "oomScoreAdj")), 500);
	assert_int_equal(
		json_array_size(json_object_get(
			json_object_get(proc, "capabilities"), "inheritable")),
		0);
	/* the seccomp deny list, with its own errno */
	assert_string_equal(
		json_string_value(json_object_get(sc, "defaultAction")),
		"SCMP_ACT_ALLOW");
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(json_object_get(sc, "syscalls"), 0),
			"errnoRet")),
		EHWPOISON);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(res, "cpu"), "quota")),
			 5000);
	assert_string_equal(json_string_value(json_object_get(c, "ociVersion")),
			    "1.0.2");
	json_decref(c);
	/* the time namespace: runtime-spec 1.2 */
	c = config(NS_ALL, NULL);
	assert_true(has_ns(c, "time"));
	assert_string_equal(json_string_value(json_object_get(c, "ociVersion")),
			    "1.2.0");
	json_decref(c);
	/* joined by path, and no sysfs for a net namespace not its own */
	{
		struct oci_opts o = { .rootfs = "/tmp/r",
				      .ns = NS_ALL & ~NS_BIT(NS_NET) &
					    ~NS_BIT(NS_IPC) };
		json_t *m;
		size_t i;
		o.join[NS_NET] = "/run/x/net";
		c = oci_config(&profile_standard, &o);
		assert_true(has_ns(c, "network"));
		assert_false(has_ns(c, "ipc"));
		json_array_foreach(json_object_get(c, "mounts"), i, m) {
			const char *d = json_string_value(
				json_object_get(m, "destination"));
			assert_string_not_equal(d, "/sys");
			assert_string_not_equal(d, "/dev/mqueue");
		}
		json_decref(c);
	}

	c = config(NS_BIT(NS_PID), NULL);
	l = json_object_get(c, "linux");
	assert_null(json_object_get(l, "uidMappings"));
	assert_null(json_object_get(l, "cgroupsPath"));
	json_decref(c);
}

/* A static program to put in the root: the agent, or busybox. */
/*
 * The static boxcheck beside $BOXCHECK (make unit sets it), run as the
 * agent at /bin/boxcheck, or NULL: the test skips.
 */
static const char *static_program(const char **arg)
{
	static char path[4096];
	const char *bin = getenv("BOXCHECK");

	*arg = "inspect";
	if (bin && snprintf(path, sizeof(path), "%s-static", bin) > 0 &&
	    access(path, X_OK) == 0)
		return path;
	return NULL;
}

static void remove_cgroups(const char *name)
{
	struct cg_layout l;
	char own[PATH_MAX], path[PATH_MAX + 64];

	if (cg_layout_detect(&l) < 0)
		return;
	for (int i = 0; i < l.n; i++) {
		if (cg_own_dir(&l, i, own, sizeof(own)) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", own, name);
		if (path_exists(path))
			assert_int_equal(cg_dir_remove(path), 0);
		assert_false(path_exists(path));
	}
}

static void test_runc_accepts_config(void **state)
{
	const char *arg, *prog = static_program(&arg);
	char *dir = test_tmpdir(), root[4200], cfgpath[4200], cmd[9000];
	char name[64], cg[96];
	const char *argv[] = { "/bin/boxcheck", arg, NULL };
	struct oci_opts o = { .rootfs = root,
			      .cgroups_path = cg,
			      .args = argv,
			      .ns = ns_available() & ~NS_BIT(NS_TIME),
			      .cgroup_mount = true };
	json_t *c;
	int st;

	if (geteuid() != 0 || system("command -v runc >/dev/null") != 0 ||
	    !prog) {
		rm_rf(dir);
		free(dir);
		skip();
	}
	chmod(dir, 0711); /* the user-namespaced root must reach rootfs */
	snprintf(root, sizeof(root), "%s/rootfs", dir);
	assert_int_equal(rootfs_make(root, prog, "test-token"), 0);
	snprintf(name, sizeof(name), "boxcheck-test-oci-%d", getpid());
	snprintf(cg, sizeof(cg), "%s/runc", name);
	c = oci_config(&profile_standard, &o);
	snprintf(cfgpath, sizeof(cfgpath), "%s/config.json", dir);
	assert_int_equal(oci_write(c, cfgpath), 0);
	json_decref(c);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && runc --root %s/state run --bundle %s %s "
		 ">%s/out 2>%s/err </dev/null",
		 dir, dir, dir, name, dir, dir);
	st = system(cmd);
	if (st != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s/err >&2", dir);
		(void)!system(cmd);
	}
	snprintf(cmd, sizeof(cmd),
		 "runc --root %s/state delete -f %s "
		 ">/dev/null 2>&1",
		 dir, name);
	(void)!system(cmd);
	remove_cgroups(name);
	rm_rf(dir);
	free(dir);
	assert_int_equal(st, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_in_config),
		cmocka_unit_test(test_runc_accepts_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
