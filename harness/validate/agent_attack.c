// SPDX-License-Identifier: MIT
/*
 * The attacker's view, without harm: what a process inside could reach.
 * Every probe is non-destructive (REFERENCES.md section 2):
 *   - system calls with invalid arguments, so nothing happens if one is
 *     allowed: the errno says how far it got (the seccomp filter's own
 *     errno, EPERM from a capability check, or the kernel's argument
 *     check past both);
 *   - open for write and close without writing (sysrq-trigger,
 *     core_pattern, release_agent act only on a write);
 *   - read-only opens of device nodes, closed at once;
 *   - forked children for what changes the caller (unshare, mknod and a
 *     cgroup mount, in a private mount namespace of the child's where it
 *     can make one).
 */
#include "agent.h"
#include "../../primitives/rootfs.h"
#include "../instance.h"

#include <fcntl.h>
#include <glob.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

/* ---- system calls with invalid arguments ------------------------------- */

static long sc_kexec_load(void)
{
	return syscall(SYS_kexec_load, 0ul, 0ul, NULL, ~0ul); /* bad flags */
}
static long sc_init_module(void)
{
	return syscall(SYS_init_module, NULL, 0ul, ""); /* no image */
}
static long sc_finit_module(void)
{
	return syscall(SYS_finit_module, -1, "", 0); /* no fd */
}
static long sc_open_by_handle_at(void)
{
	return syscall(SYS_open_by_handle_at, -1, NULL, 0); /* no handle */
}
static long sc_keyctl(void)
{
	return syscall(SYS_keyctl, 0x7fff, 0ul, 0ul, 0ul, 0ul); /* no such op */
}
static long sc_add_key(void)
{
	return syscall(SYS_add_key, NULL, NULL, NULL, 0ul, 0); /* no type */
}
static long sc_bpf(void)
{
	return syscall(SYS_bpf, -1, NULL, 0u); /* no such command */
}
static long sc_perf_event_open(void)
{
	return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0ul); /* no attr */
}
static long sc_mount(void)
{
	return syscall(SYS_mount, "none", "", NULL, 0ul, NULL); /* no target */
}
static long sc_umount2(void)
{
	return syscall(SYS_umount2, "", 0x80000000); /* bad flags */
}
static long sc_swapon(void)
{
	return syscall(SYS_swapon, NULL, 0xffffffff); /* bad flags */
}
static long sc_reboot(void)
{
	return syscall(SYS_reboot, 0, 0, 0u, NULL); /* bad magic */
}

/* unshare(CLONE_NEWUSER), in a child that leaves at once. */
static int unshare_child(void *arg _unused_, void *report)
{
	*(long *)report = unshare(CLONE_NEWUSER) < 0 ? -errno : 0;
	return 0;
}
static long sc_unshare(void)
{
	long r;
	int e = agent_in_child(unshare_child, NULL, &r, sizeof(r));

	return e < 0 ? e : r;
}

static const struct {
	const char *probe, *call;
	long (*run)(void);
} calls[] = {
	{ "kexec_load", "kexec_load", sc_kexec_load },
	{ "init_module", "init_module", sc_init_module },
	{ "init_module", "finit_module", sc_finit_module },
	{ "open_by_handle_at", "open_by_handle_at", sc_open_by_handle_at },
	{ "keyctl", "keyctl", sc_keyctl },
	{ "add_key", "add_key", sc_add_key },
	{ "bpf", "bpf", sc_bpf },
	{ "perf_event_open", "perf_event_open", sc_perf_event_open },
	{ "unshare", "unshare", sc_unshare },
	{ "mount", "mount", sc_mount },
	{ "umount2", "umount2", sc_umount2 },
	{ "swapon", "swapon", sc_swapon },
	{ "reboot", "reboot", sc_reboot },
};

/* {"kexec_load": {"kexec_load": "EPERM"}, "init_module": {...}, ...} */
json_t *agent_syscalls(void)
{
	json_t *o = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		json_t *p = json_object_get(o, calls[i].probe);
		long r;
		if (!p) {
			p = json_object();
			json_object_set_new(o, calls[i].probe, p);
		}
		errno = 0;
		r = calls[i].run();
		json_object_set_new(p, calls[i].call,
				    agent_result(r == -1 ? -errno : r));
	}
	return o;
}

/* ---- open for write, close without writing ----------------------------- */

static json_t *open_result(const char *path, int flags)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? json_string("absent")
				       : json_string(agent_errname(errno));
	fd = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return json_string(agent_errname(errno));
	close(fd);
	return json_string("ok");
}

json_t *probe_sysrq(const struct agent_opts *o _unused_)
{
	return open_result("/proc/sysrq-trigger", O_WRONLY);
}

json_t *probe_core_pattern(const struct agent_opts *o _unused_)
{
	return open_result("/proc/sys/kernel/core_pattern", O_WRONLY);
}

/* Every v1 release_agent visible (a hierarchy's root): open for write. */
static int release_one(const struct mnt_entry *m, void *arg)
{
	char path[PATH_MAX + 32];

	if (strcmp(m->fstype, "cgroup"))
		return 0;
	snprintf(path, sizeof(path), "%s/release_agent", m->point);
	if (path_exists(path))
		json_object_set_new(arg, path, open_result(path, O_WRONLY));
	return 0;
}

json_t *probe_release_agent(const struct agent_opts *o _unused_)
{
	json_t *files = json_object();
	int r = mountinfo_each(release_one, files);

	if (r < 0) {
		json_decref(files);
		return agent_error(r);
	}
	return json_pack("{s:o}", "files", files);
}

/* ---- read-only opens of device nodes ----------------------------------- */

static void devices_in(const char *dir, json_t *o)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) && json_object_size(o) < 96) {
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISBLK(st.st_mode))
			json_object_set_new(o, path,
					    open_result(path, O_RDONLY));
	}
}

/* /dev/mem, /dev/kmem, /dev/port and every block device in /dev. */
json_t *probe_devices(const struct agent_opts *o _unused_)
{
	static const char *const named[] = { "/dev/mem", "/dev/kmem",
					     "/dev/port" };
	json_t *r = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(named); i++)
		json_object_set_new(r, named[i],
				    open_result(named[i], O_RDONLY));
	devices_in("/dev", r);
	devices_in("/dev/mapper", r);
	return r;
}

/* ---- children in a private mount namespace ----------------------------- */

/*
 * A private tmpfs at AGENT_PROP_DIR in a mount namespace of the child's
 * own: 0, or -errno (then the child stays where it is).
 */
static int private_tmp(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return neg_errno();
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", AGENT_PROP_DIR, "tmpfs", 0, "size=16k") < 0)
		return -EPERM; /* a namespace of its own, yet no tmpfs */
	return 0;
}

struct mknod_report {
	char how[24], dir[16], mknod[24], open[24];
};

/* mknod c 1:3, open it read-only, remove it. */
static int mknod_child(void *arg, void *report)
{
	static const char *const dirs[] = { "/dev", "/tmp", "/dev/shm" };
	bool no_side = *(bool *)arg;
	struct mknod_report *m = report;
	char node[64];
	int r = 0;

	memset(m, 0, sizeof(*m));
	snprintf(m->how, sizeof(m->how), "private tmpfs");
	if (private_tmp() < 0) {
		if (no_side) {
			snprintf(m->how, sizeof(m->how), "skipped");
			return 0;
		}
		snprintf(m->how, sizeof(m->how), "container tmpfs");
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		const char *dir = strcmp(m->how, "private tmpfs")
					  ? dirs[i]
					  : AGENT_PROP_DIR;
		snprintf(node, sizeof(node), "%s/.boxcheck-mknod-%d", dir,
			 getpid());
		snprintf(m->dir, sizeof(m->dir), "%s", dir);
		r = mknod(node, S_IFCHR | 0600, makedev(1, 3)) < 0 ? -errno : 0;
		if (r != -EROFS && r != -EACCES)
			break;
	}
	snprintf(m->mknod, sizeof(m->mknod), "%s", r ? agent_errname(r) : "ok");
	if (r == 0) {
		int fd = open(node, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		snprintf(m->open, sizeof(m->open), "%s",
			 fd < 0 ? agent_errname(errno) : "ok");
		if (fd >= 0)
			close(fd);
		unlink(node);
	}
	return 0;
}

json_t *probe_mknod(const struct agent_opts *o)
{
	struct mknod_report m;
	bool no_side = o->no_side_effects;
	int r = agent_in_child(mknod_child, &no_side, &m, sizeof(m));

	if (r < 0)
		return agent_error(r);
	if (!strcmp(m.how, "skipped"))
		return agent_skipped("side effect: no private mount namespace");
	return json_pack("{s:s, s:s, s:s, s:o}", "how", m.how, "dir", m.dir,
			 "mknod", m.mknod, "open",
			 m.open[0] ? json_string(m.open) : json_null());
}

/* The first v1 hierarchy's controllers, from /proc/self/cgroup, or "". */
static void v1_controllers(char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'),
		     *c2 = c1 ? strchr(c1 + 1, ':') : 0;
		if (!c2 || c2 == c1 + 1 || !strncmp(c1 + 1, "name=", 5))
			continue;
		snprintf(buf, len, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
		return;
	}
}

struct cgmount_report {
	char how[24], ctrl[64], mount[24];
};

static int cgmount_child(void *arg, void *report)
{
	bool no_side = *(bool *)arg;
	struct cgmount_report *m = report;

	memset(m, 0, sizeof(*m));
	v1_controllers(m->ctrl, sizeof(m->ctrl));
	if (!m->ctrl[0]) {
		snprintf(m->how, sizeof(m->how), "no v1");
		return 0;
	}
	snprintf(m->how, sizeof(m->how), "private mount ns");
	if (private_tmp() < 0) {
		if (no_side) {
			snprintf(m->how, sizeof(m->how), "skipped");
			return 0;
		}
		snprintf(m->how, sizeof(m->how), "container mount ns");
	}
	snprintf(m->mount, sizeof(m->mount), "%s",
		 mount("cgroup", AGENT_PROP_DIR, "cgroup", MS_NOSUID | MS_NODEV,
		       m->ctrl) < 0
			 ? agent_errname(errno)
			 : "ok");
	return 0;
}

json_t *probe_cgroup_mount(const struct agent_opts *o)
{
	struct cgmount_report m;
	bool no_side = o->no_side_effects;
	int r = agent_in_child(cgmount_child, &no_side, &m, sizeof(m));

	if (r < 0)
		return agent_error(r);
	if (!strcmp(m.how, "no v1"))
		return agent_skipped("no cgroup v1 controller here");
	if (!strcmp(m.how, "skipped"))
		return agent_skipped("side effect: no private mount namespace");
	return json_pack("{s:s, s:s, s:s}", "how", m.how, "controllers", m.ctrl,
			 "mount", m.mount);
}

/* ---- what can be seen -------------------------------------------------- */

json_t *probe_keyring(const struct agent_opts *o _unused_)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
			  KEY_SPEC_SESSION_KEYRING, 0);

	if (id < 0)
		return json_pack("{s:s}", "refused", agent_errname(errno));
	return json_pack("{s:I}", "session", (json_int_t)id);
}

/* How many processes /proc shows, and whether a kernel thread is one. */
json_t *probe_procs(const struct agent_opts *o _unused_)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	char name[64] = "";
	struct dirent *e;
	int n = 0;

	if (!d)
		return agent_error(neg_errno());
	while ((e = readdir(d)))
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	if (read_text("/proc/2/comm", name, sizeof(name)) > 0)
		chomp(name);
	return json_pack("{s:i, s:b}", "visible", n, "kthreadd",
			 !strcmp(name, "kthreadd"));
}

/* Known engine sockets, and boxcheck's own stand-in of a run's. */
json_t *probe_engine_sockets(const struct agent_opts *o _unused_)
{
	static const char *const known[] = {
		"/var/run/docker.sock",
		"/run/docker.sock",
		"/run/containerd/containerd.sock",
		"/var/run/containerd/containerd.sock",
		"/run/podman/podman.sock",
		"/var/run/crio/crio.sock",
		"/run/crio/crio.sock",
		"/run/k3s/containerd/containerd.sock",
	};
	json_t *a = json_array();
	char pat[PATH_MAX];
	glob_t g;
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (stat(known[i], &st) == 0 && S_ISSOCK(st.st_mode))
			json_array_append_new(a, json_string(known[i]));
	snprintf(pat, sizeof(pat), "%s/" INSTANCE_PREFIX "*/engine.sock",
		 instance_base());
	if (glob(pat, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			json_array_append_new(a, json_string(g.gl_pathv[i]));
		globfree(&g);
	}
	return a;
}
