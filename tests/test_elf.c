// SPDX-License-Identifier: MIT
/*
 * The ELF dependency resolver, against programs built here with cc: static,
 * dynamic, with DT_RUNPATH/DT_RPATH $ORIGIN, and with a missing library.
 */
#include "testlib.h"
#include "../primitives/elf.h"

#include <elf.h>
#include <sys/stat.h>

static char *dir;
static bool have_cc;

static const char prog_c[] = "int main(void) { return 0; }\n";
static const char foo_c[] = "int foo(void) { return 42; }\n";
static const char usefoo_c[] =
	"int foo(void);\nint main(void) { return foo() != 42; }\n";

static int sh(const char *fmt, const char *arg)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "cd '%s' && ", dir);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), fmt, arg);
	return system(cmd);
}

static void put(const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(write_text_creat(path, text), 0);
}

static int setup(void **state)
{
	(void)state;
	dir = test_tmpdir();
	if (!dir)
		return -1;
	put("prog.c", prog_c);
	put("foo.c", foo_c);
	put("usefoo.c", usefoo_c);
	put("notelf", "#!/bin/sh\n");
	have_cc = sh("cc -o dyn prog.c 2>/dev/null", "") == 0;
	if (!have_cc)
		return 0;
	sh("cc -static -o static prog.c 2>/dev/null", "");
	sh("mkdir -p lib && cc -shared -fPIC -o lib/libfoo.so foo.c", "");
	sh("cc -o runpath usefoo.c -Llib -lfoo -Wl,--enable-new-dtags "
	   "-Wl,-rpath,%s",
	   "'$ORIGIN/lib'");
	sh("cc -o rpath usefoo.c -Llib -lfoo -Wl,--disable-new-dtags "
	   "-Wl,-rpath,%s",
	   "'$ORIGIN/lib'");
	sh("cc -o missing usefoo.c -Llib -lfoo%s", "");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(dir);
	free(dir);
	return 0;
}

static char *at(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static bool has_suffix(const struct elf_deps *d, const char *suffix)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t n = strlen(d->paths[i]), k = strlen(suffix);
		if (n >= k && strcmp(d->paths[i] + n - k, suffix) == 0)
			return true;
	}
	return false;
}

#define NEED_CC()                                                              \
	do {                                                                   \
		if (!have_cc || !path_exists(at("static")))                    \
			skip();                                                \
	} while (0)

static void static_has_no_deps(void **state)
{
	struct elf_info e;
	_cleanup_elf_deps_ struct elf_deps d = { 0 };

	(void)state;
	NEED_CC();
	assert_int_equal(elf_read(at("static"), &e), 0);
	assert_string_equal(e.interp, "");
	assert_int_equal(e.n_needed, 0);
	assert_int_equal(elf_deps_collect(NULL, at("static"), &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.paths[0], at("static"));
}

static void dynamic_needs_interp_and_libc(void **state)
{
	struct elf_info e;
	_cleanup_elf_deps_ struct elf_deps d = { 0 };

	(void)state;
	NEED_CC();
	assert_int_equal(elf_read(at("dyn"), &e), 0);
	assert_true(e.interp[0] == '/');
	assert_true(e.n_needed >= 1);
	assert_int_equal(elf_deps_collect(NULL, at("dyn"), &d), 0);
	assert_string_equal(d.paths[1], e.interp);
	assert_true(has_suffix(&d, "/libc.so.6"));
	for (size_t i = 0; i < d.n; i++)
		assert_true(path_exists(d.paths[i]));
}

static void runpath_and_rpath_origin(void **state)
{
	const char *progs[] = { "runpath", "rpath" };
	char want[PATH_MAX];

	(void)state;
	NEED_CC();
	snprintf(want, sizeof(want), "%s/lib/libfoo.so", dir);
	for (size_t i = 0; i < 2; i++) {
		struct elf_info e;
		_cleanup_elf_deps_ struct elf_deps d = { 0 };
		assert_int_equal(elf_read(at(progs[i]), &e), 0);
		assert_string_equal(i ? e.rpath : e.runpath, "$ORIGIN/lib");
		assert_int_equal(elf_deps_collect(NULL, at(progs[i]), &d), 0);
		assert_true(has_suffix(&d, want));
	}
}

static void missing_library_is_named(void **state)
{
	_cleanup_elf_deps_ struct elf_deps d = { 0 };

	(void)state;
	NEED_CC();
	assert_int_equal(elf_deps_collect(NULL, at("missing"), &d), -ENOENT);
	assert_string_equal(d.missing, "libfoo.so");
	assert_string_equal(d.missing_from, at("missing"));
}

/* Inside a sysroot, $ORIGIN/lib is the sysroot's /lib; libc is not there. */
static void sysroot_confines_lookup(void **state)
{
	_cleanup_elf_deps_ struct elf_deps d = { 0 };

	(void)state;
	NEED_CC();
	assert_int_equal(elf_deps_collect(dir, "/runpath", &d), -ENOENT);
	assert_true(has_suffix(&d, "/lib/libfoo.so"));
	assert_string_equal(d.missing, "libc.so.6");
}

static void not_elf(void **state)
{
	struct elf_info e;
	_cleanup_elf_deps_ struct elf_deps d = { 0 };

	(void)state;
	assert_int_equal(elf_read(at("notelf"), &e), -ENOEXEC);
	assert_int_equal(elf_deps_collect(NULL, at("notelf"), &d), -ENOEXEC);
	elf_deps_free(&d); /* collect() starts afresh: free before reuse */
	assert_int_equal(elf_deps_collect(NULL, "relative", &d), -EINVAL);
	assert_int_equal(elf_read(at("absent"), &e), -ENOENT);
}

static void multiarch_table(void **state)
{
	(void)state;
	assert_string_equal(elf_multiarch(EM_X86_64, true), "x86_64-linux-gnu");
	assert_string_equal(elf_multiarch(EM_AARCH64, true),
			    "aarch64-linux-gnu");
	assert_null(elf_multiarch(EM_NONE, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(static_has_no_deps),
		cmocka_unit_test(dynamic_needs_interp_and_libc),
		cmocka_unit_test(runpath_and_rpath_origin),
		cmocka_unit_test(missing_library_is_named),
		cmocka_unit_test(sysroot_confines_lookup),
		cmocka_unit_test(not_elf),
		cmocka_unit_test(multiarch_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
