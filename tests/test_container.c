// SPDX-License-Identifier: MIT
/* The reference container: spec checks, and real starts as root. */
#include "testlib.h"
#include "../primitives/container.h"
#include "../primitives/ns.h"
#include "../primitives/rootfs.h"

#include <linux/capability.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *root;

static int setup(void **state)
{
	root = test_tmpdir();
	/* 0755: the user namespace's root (uid 100000 outside) must enter. */
	if (!root || chmod(root, 0755) < 0 || rootfs_make_skeleton(root) < 0)
		return -1;
	/* No busybox: the start tests skip, the spec checks still run. */
	if (geteuid() == 0 && rootfs_busybox_path())
		rootfs_add_busybox(root);
	return 0;
}

static int teardown(void **state)
{
	rm_rf(root);
	free(root);
	return 0;
}

static char *sh_argv[] = { "/bin/sh", "-c", NULL, NULL };
static char *env[] = { "PATH=/bin", NULL };

static void check_rejects_bad_specs(void **state)
{
	static const char *lowers[] = { "/a" };
	struct container_error e;
	struct idmap m;
	static const struct {
		struct container_spec s;
		const char *why;
	} cases[] = {
		{ { .ns = 0 }, "no command" },
		{ { .ns = NS_BIT(NS_USER), .argv = sh_argv },
		  "a user namespace needs id maps" },
		{ { .ns = NS_BIT(NS_MNT),
		    .root = "/r",
		    .lowers = lowers,
		    .n_lowers = 1,
		    .scratch = "/s",
		    .argv = sh_argv },
		  "a root and an overlay at once" },
		{ { .ns = NS_BIT(NS_MNT),
		    .lowers = lowers,
		    .n_lowers = 1,
		    .argv = sh_argv },
		  "an overlay needs a scratch dir" },
		{ { .root = "/r", .argv = sh_argv },
		  "a new root needs a mount namespace" },
		{ { .readonly_root = true, .argv = sh_argv },
		  "a new root needs a mount namespace" },
		{ { .weak.no_pivot = true, .argv = sh_argv },
		  "a new root needs a mount namespace" },
		{ { .set_caps = true,
		    .caps = CAPMASK(CAP_KILL),
		    .inheritable_caps = CAPMASK(CAP_CHOWN),
		    .argv = sh_argv },
		  "ambient or inheritable capabilities not kept" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(container_check(&cases[i].s, &e), -EINVAL);
		assert_string_equal(e.step, cases[i].why);
	}
	idmap_single(&m, 0, 100000, 65536);
	struct container_spec ok = { .ns = NS_BIT(NS_USER) | NS_BIT(NS_MNT),
				     .uid_map = &m,
				     .gid_map = &m,
				     .root = "/r",
				     .argv = sh_argv };
	assert_int_equal(container_check(&ok, &e), 0);
}

/* Run script in a container over root; return its exit code. */
static int run(const char *script, unsigned ns, bool user, pid_t *pid,
	       struct container_error *e)
{
	struct idmap m;
	struct container_spec s = { .ns = ns,
				    .root = root,
				    .argv = sh_argv,
				    .envp = env,
				    .hostname = "boxtest" };
	int st;

	idmap_single(&m, 0, 100000, 65536);
	if (user) {
		s.ns |= NS_BIT(NS_USER);
		s.uid_map = s.gid_map = &m;
	}
	sh_argv[2] = (char *)script;
	if (container_start(&s, pid, e) < 0) {
		print_error("container_start: %s: %s\n", e->step,
			    strerror(-e->err));
		return -1;
	}
	assert_int_equal(waitpid(*pid, &st, 0), *pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define NS_ISOLATED                                                            \
	(NS_BIT(NS_PID) | NS_BIT(NS_MNT) | NS_BIT(NS_UTS) | NS_BIT(NS_IPC) |   \
	 NS_BIT(NS_NET) | NS_BIT(NS_CGROUP))

static void start_sees_its_own_world(void **state)
{
	struct container_error e;
	pid_t pid;

	if (geteuid() != 0 || !rootfs_busybox_path())
		skip();
	/* pid 1, its hostname, only the new root's entries, uid 0 -> 100000. */
	assert_int_equal(run("test $$ = 1 && test $(hostname) = boxtest && "
			     "test -d /bin && test ! -e /work && "
			     "grep -q '100000' /proc/self/uid_map",
			     NS_ISOLATED, true, &pid, &e),
			 0);
	/* The exit status comes through. */
	assert_int_equal(run("exit 7", NS_ISOLATED, false, &pid, &e), 7);
}

static void control_without_namespaces_sees_the_host(void **state)
{
	struct container_error e;
	pid_t pid;

	if (geteuid() != 0 || !rootfs_busybox_path())
		skip();
	/* Same root, no pid or uts namespace: not pid 1, host's hostname. */
	assert_int_equal(run("test $$ != 1 && test $(hostname) != boxtest",
			     NS_BIT(NS_MNT), false, &pid, &e),
			 0);
}

/*
 * The default capabilities kept, the inheritable and ambient sets empty
 * (CVE-2022-29162: an inheritable set survives execve); without a PID
 * namespace, /proc is the launcher's, bound.
 */
static void start_clears_inheritable_and_binds_proc(void **state)
{
	struct idmap m;
	struct container_spec s = { .ns = NS_ISOLATED | NS_BIT(NS_USER),
				    .root = root,
				    .argv = sh_argv,
				    .envp = env,
				    .set_caps = true,
				    .caps = caps_default,
				    .uid_map = &m,
				    .gid_map = &m };
	struct container_error e;
	pid_t pid;
	int st;

	if (geteuid() != 0 || !rootfs_busybox_path())
		skip();
	idmap_single(&m, 0, 100000, 65536);
	sh_argv[2] =
		"grep -q '^CapInh:.0000000000000000$' /proc/self/status "
		"&& grep -q '^CapAmb:.0000000000000000$' /proc/self/status "
		"&& grep -q '^CapBnd:.00000000a80425fb$' /proc/self/status";
	assert_int_equal(container_start(&s, &pid, &e), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	s.ns &= ~NS_BIT(NS_PID);
	sh_argv[2] = "test $$ != 1 && test -r /proc/self/status";
	assert_int_equal(container_start(&s, &pid, &e), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/*
 * The OCI-style steps: the OCI /dev (devpts with its ptmx, shm, mqueue,
 * the links), ids and groups, umask, cwd, rlimits, oom_score_adj, no fd
 * >= 3, a seccomp filter refusing a call with its own errno; and a start
 * held before execve until its fifo is opened (create/start). Under
 * valgrind (BOXCHECK_VALGRIND, set by make check-valgrind) no RLIMIT_NOFILE:
 * valgrind keeps descriptors of its own and refuses to lower it.
 */
static void start_with_the_oci_steps_held(void **state)
{
	static const gid_t groups[] = { 4242 };
	static const struct container_rlimit rl[] = { { RLIMIT_NOFILE, 64,
							64 } };
	static const char *const deny[] = { "swapon", NULL };
	char fifo[4200], b;
	struct idmap m;
	struct container_spec s = { .ns = NS_ISOLATED | NS_BIT(NS_USER),
				    .root = root,
				    .argv = sh_argv,
				    .envp = env,
				    .oci_dev = true,
				    .set_ids = true,
				    .groups = groups,
				    .n_groups = 1,
				    .umask = 027,
				    .cwd = "/bin",
				    .rlimits = rl,
				    .n_rlimits = 1,
				    .set_oom = true,
				    .oom_score_adj = 321,
				    .close_fds = true,
				    .seccomp_deny = deny,
				    .seccomp_errno = EHWPOISON,
				    .uid_map = &m,
				    .gid_map = &m };
	struct container_error e;
	bool vg = getenv("BOXCHECK_VALGRIND");
	static char cmd[1024];
	pid_t pid;
	int st, fd;

	if (geteuid() != 0 || !rootfs_busybox_path())
		skip();
	idmap_single(&m, 0, 100000, 65536);
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", root);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(chown(fifo, 100000, 100000), 0);
	s.hold_fifo = fifo;
	if (vg)
		s.n_rlimits = 0;
	snprintf(cmd, sizeof(cmd),
		 "test -c /dev/pts/ptmx && test -L /dev/ptmx && "
		 "grep -q ' /dev/shm tmpfs' /proc/self/mounts && "
		 "grep -q ' /dev/mqueue mqueue' /proc/self/mounts && "
		 "test -L /dev/stdin && test \"$(id -G)\" = \"0 4242\" && "
		 "test \"$(umask)\" = 0027 && test \"$(pwd)\" = /bin && "
		 "%s"
		 "test $(cat /proc/self/oom_score_adj) = 321 && "
		 "test ! -e /proc/self/fd/9 && "
		 "grep -q '^Seccomp:.2' /proc/self/status",
		 vg ? "" : "test \"$(ulimit -n)\" = 64 && ");
	sh_argv[2] = cmd;
	fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC: must not pass */
	assert_true(fd >= 0);
	if (fd != 9)
		assert_int_equal(dup2(fd, 9), 9);
	if (container_start(&s, &pid, &e) != 0)
		fail_msg("container_start: step %s: %s", e.step,
			 strerror(e.err));
	close(9);
	/* held: it has not run; opening the fifo lets it go */
	assert_int_equal(waitpid(pid, &st, WNOHANG), 0);
	fd = open(fifo, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, &b, 1), 1);
	close(fd);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	unlink(fifo);
}

static void missing_command_names_execve(void **state)
{
	struct container_error e = { "", 0 };
	char *argv[] = { "/no/such/program", NULL };
	struct container_spec s = {
		.ns = NS_BIT(NS_MNT), .root = root, .argv = argv, .envp = env
	};
	pid_t pid;

	if (geteuid() != 0)
		skip();
	assert_int_equal(container_start(&s, &pid, &e), -ENOENT);
	assert_string_equal(e.step, "execve");
	assert_int_equal(e.err, -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check_rejects_bad_specs),
		cmocka_unit_test(start_sees_its_own_world),
		cmocka_unit_test(control_without_namespaces_sees_the_host),
		cmocka_unit_test(start_clears_inheritable_and_binds_proc),
		cmocka_unit_test(start_with_the_oci_steps_held),
		cmocka_unit_test(missing_command_names_execve),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
