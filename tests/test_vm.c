// SPDX-License-Identifier: MIT
/* bench/vm.c against fake qemus: markers, timeout, failures, arguments. */
#include "testlib.h"
#include "../bench/vm.h"

#include <sys/stat.h>

static char *dir;
static char kernel[512], initrd[512];

/* A fake qemu: a shell script with body, its args saved to dir/args. */
static const char *fake(const char *name, const char *body)
{
	static char path[512];
	char text[2048];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(text, sizeof(text), "#!/bin/sh\necho \"$@\" >%s/args\n%s\n",
		 dir, body);
	assert_int_equal(write_text_creat(path, text), 0);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

static struct vm_spec spec(const char *qemu)
{
	return (struct vm_spec){ .arch = "aarch64",
				 .qemu = qemu,
				 .kernel = kernel,
				 .initrd = initrd,
				 .append = "boxcheck_mode=boot",
				 .timeout_s = 10,
				 .accel = VM_ACCEL_TCG,
				 .console_fd = -1 };
}

static int setup(void **state)
{
	(void)state;
	dir = test_tmpdir();
	snprintf(kernel, sizeof(kernel), "%s/vmlinuz", dir);
	snprintf(initrd, sizeof(initrd), "%s/initrd", dir);
	return !dir || write_text_creat(kernel, "k") ||
	       write_text_creat(initrd, "i");
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(dir);
	free(dir);
	return 0;
}

static void boot_reads_markers(void **state)
{
	struct vm_spec s = spec(
		fake("ok", "echo booting; echo '" VM_INIT_MARKER "'\r\n"
			   "echo '" VM_KERNEL_MARKER "6.1.0-test aarch64@@'"));
	struct vm_times t;
	char args[1024];

	(void)state;
	assert_int_equal(vm_boot(&s, &t), 0);
	assert_true(t.init_s >= 0);
	assert_true(t.exit_s >= t.init_s);
	assert_false(t.timed_out);
	assert_int_equal(t.accel, VM_ACCEL_TCG);
	assert_string_equal(t.kernel, "6.1.0-test");
	snprintf(args, sizeof(args), "%s/args", dir);
	assert_true(read_text(args, args, sizeof(args)) > 0);
	assert_non_null(strstr(args, "-M virt"));
	assert_non_null(strstr(args, "-cpu cortex-a72"));
	assert_non_null(strstr(args, "-nic none"));
	assert_non_null(strstr(args, "-no-reboot"));
	assert_non_null(strstr(args, "-accel tcg"));
	assert_non_null(strstr(args, "console=ttyAMA0"));
	assert_non_null(strstr(args, "boxcheck_mode=boot"));
}

static void timeout_kills_qemu(void **state)
{
	struct vm_spec s = spec(fake("hang", "echo $$ >$(dirname $0)/pid\n"
					     "exec sleep 30"));
	struct vm_times t;
	char path[600], buf[32];

	(void)state;
	s.timeout_s = 1;
	assert_int_equal(vm_boot(&s, &t), -ETIMEDOUT);
	assert_true(t.timed_out);
	assert_true(t.init_s < 0);
	assert_true(WIFSIGNALED(t.status));
	snprintf(path, sizeof(path), "%s/pid", dir);
	assert_true(read_text(path, buf, sizeof(buf)) > 0);
	assert_int_equal(kill(atoi(buf), 0), -1); /* reaped: gone */
	assert_int_equal(errno, ESRCH);
}

static void exit_before_init(void **state)
{
	struct vm_spec s = spec(fake("panic", "echo 'Kernel panic'"));
	struct vm_times t;

	(void)state;
	assert_int_equal(vm_boot(&s, &t), -EPROTO);
	s = spec(fake("fail", "echo '" VM_INIT_MARKER "'; exit 3"));
	assert_int_equal(vm_boot(&s, &t), -ECHILD);
	assert_int_equal(WEXITSTATUS(t.status), 3);
}

static void bad_specs(void **state)
{
	struct vm_spec s = spec("/nonexistent/qemu");
	struct vm_times t;

	(void)state;
	assert_int_equal(vm_boot(&s, &t), -ENOENT);
	s.arch = "mips";
	assert_int_equal(vm_boot(&s, &t), -EINVAL);
	s = spec(NULL);
	s.kernel = "/nonexistent/vmlinuz";
	assert_int_equal(vm_boot(&s, &t), -ENOENT);
}

static void qemu_version(void **state)
{
	struct vm_spec s = spec(fake(
		"ver", "echo 'QEMU emulator version 9.9.9 (test)'; echo Copy"));
	char v[64];

	(void)state;
	assert_int_equal(vm_qemu_version(&s, v, sizeof(v)), 0);
	assert_string_equal(v, "9.9.9 (test)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boot_reads_markers),
		cmocka_unit_test(timeout_kills_qemu),
		cmocka_unit_test(exit_before_init),
		cmocka_unit_test(bad_specs),
		cmocka_unit_test(qemu_version),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
