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
	assert_string_equal(elf_multiarch(EM_X86_64, true, ELF_FLOAT_ANY),
			    "x86_64-linux-gnu");
	assert_string_equal(elf_multiarch(EM_AARCH64, true, ELF_FLOAT_ANY),
			    "aarch64-linux-gnu");
	assert_string_equal(elf_multiarch(EM_ARM, false, ELF_FLOAT_HARD),
			    "arm-linux-gnueabihf");
	assert_string_equal(elf_multiarch(EM_ARM, false, ELF_FLOAT_SOFT),
			    "arm-linux-gnueabi");
	assert_null(elf_multiarch(EM_ARM, false, ELF_FLOAT_ANY));
	assert_null(elf_multiarch(EM_NONE, true, ELF_FLOAT_ANY));
	assert_int_equal(elf_float_of_interp("/lib/ld-linux-armhf.so.3"),
			 ELF_FLOAT_HARD);
	assert_int_equal(elf_float_of_interp("/lib/ld-linux.so.3"),
			 ELF_FLOAT_SOFT);
	assert_int_equal(elf_float_of_interp("/lib64/ld-linux-x86-64.so.2"),
			 ELF_FLOAT_ANY);
}

/* ---- 32-bit ARM objects, made here byte by byte (no cross compiler) --- */

#define ARM_HARD (EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_HARD)
#define ARM_SOFT (EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_SOFT)
#define ARM_NONE EF_ARM_EABI_VER5

struct arm_obj {
	uint32_t flags;
	const char *interp; /* NULL: none */
	const char *needed[4];
};

/*
 * Ehdr, then PT_LOAD (the whole file at vaddr 0), PT_INTERP, PT_DYNAMIC;
 * the interpreter's name, the string table, the dynamic section.
 */
static size_t arm_image(const struct arm_obj *o, unsigned char *buf)
{
	Elf32_Ehdr eh = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3,
				       ELFCLASS32, ELFDATA2LSB, EV_CURRENT },
			  .e_type = ET_DYN,
			  .e_machine = EM_ARM,
			  .e_version = EV_CURRENT,
			  .e_flags = o->flags,
			  .e_phoff = sizeof(Elf32_Ehdr),
			  .e_ehsize = sizeof(Elf32_Ehdr),
			  .e_phentsize = sizeof(Elf32_Phdr),
			  .e_phnum = 3 };
	Elf32_Phdr ph[3] = { { .p_type = PT_LOAD },
			     { .p_type = PT_INTERP },
			     { .p_type = PT_DYNAMIC } };
	Elf32_Dyn dyn[8];
	size_t at = sizeof(eh) + sizeof(ph), str, nd = 0;

	ph[1].p_offset = at;
	if (o->interp) {
		strcpy((char *)buf + at, o->interp);
		at += strlen(o->interp) + 1;
	}
	ph[1].p_filesz = at - ph[1].p_offset;
	str = at;
	buf[at++] = '\0';
	dyn[nd++] = (Elf32_Dyn){ DT_STRTAB, { str } };
	for (size_t i = 0; i < 4 && o->needed[i]; i++) {
		dyn[nd++] = (Elf32_Dyn){ DT_NEEDED, { at - str } };
		strcpy((char *)buf + at, o->needed[i]);
		at += strlen(o->needed[i]) + 1;
	}
	dyn[nd++] = (Elf32_Dyn){ DT_NULL, { 0 } };
	at = (at + 3) & ~(size_t)3;
	ph[2].p_offset = ph[2].p_vaddr = at;
	ph[2].p_filesz = nd * sizeof(Elf32_Dyn);
	memcpy(buf + at, dyn, ph[2].p_filesz);
	at += ph[2].p_filesz;
	ph[0].p_filesz = at;
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), ph, sizeof(ph));
	return at;
}

static void put_bytes(const char *name, const void *p, size_t n)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void put_arm(const char *name, const struct arm_obj *o)
{
	unsigned char buf[1024] = { 0 };

	put_bytes(name, buf, arm_image(o, buf));
}

/* A 64-bit aarch64 object of that name: the wrong class for armhf. */
static void put_aarch64(const char *name)
{
	Elf64_Ehdr eh = { .e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3,
				       ELFCLASS64, ELFDATA2LSB, EV_CURRENT },
			  .e_type = ET_DYN,
			  .e_machine = EM_AARCH64,
			  .e_version = EV_CURRENT,
			  .e_ehsize = sizeof(Elf64_Ehdr) };

	put_bytes(name, &eh, sizeof(eh));
}

static const char *const seed_closure[] = {
	"/bin/bash", "/lib/ld-linux-armhf.so.3",
	"/lib/arm-linux-gnueabihf/libtinfo.so.6",
	"/lib/arm-linux-gnueabihf/libc.so.6"
};

/* The seed's armhf image: bash, the hard-float loader, two libraries. */
static void put_seed(const char *root, uint32_t bash_flags, const char *interp)
{
	char p[PATH_MAX];
	struct arm_obj bash = { bash_flags,
				interp,
				{ "libtinfo.so.6", "libc.so.6" } };
	struct arm_obj ld = { ARM_HARD, NULL, { NULL } };
	struct arm_obj tinfo = { ARM_HARD, NULL, { "libc.so.6" } };
	struct arm_obj libc = { ARM_HARD, NULL, { "ld-linux-armhf.so.3" } };

	snprintf(p, sizeof(p), "%s/bin/bash", root);
	put_arm(p, &bash);
	snprintf(p, sizeof(p), "%s/lib/ld-linux-armhf.so.3", root);
	put_arm(p, &ld);
	snprintf(p, sizeof(p), "%s/lib/arm-linux-gnueabihf/libtinfo.so.6",
		 root);
	put_arm(p, &tinfo);
	snprintf(p, sizeof(p), "%s/lib/arm-linux-gnueabihf/libc.so.6", root);
	put_arm(p, &libc);
}

static void assert_closure(const char *root, const char *const *want, size_t n)
{
	_cleanup_elf_deps_ struct elf_deps d = { 0 };

	assert_int_equal(elf_deps_collect(at(root), "/bin/bash", &d), 0);
	assert_int_equal(d.n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(d.paths[i], want[i]);
}

static void armhf_header_and_closure(void **state)
{
	struct elf_info e;

	(void)state;
	put_seed("armhf", ARM_HARD, "/lib/ld-linux-armhf.so.3");
	assert_int_equal(elf_read(at("armhf/bin/bash"), &e), 0);
	assert_false(e.is64);
	assert_int_equal(e.machine, EM_ARM);
	assert_int_equal(e.fabi, ELF_FLOAT_HARD);
	assert_string_equal(e.interp, "/lib/ld-linux-armhf.so.3");
	assert_int_equal(e.n_needed, 2);
	assert_closure("armhf", seed_closure, ARRAY_SIZE(seed_closure));
}

/*
 * Earlier in the search, a soft-float libtinfo and a 64-bit libc: the
 * hard-float loader would pass both by, and so must the resolver.
 */
static void armhf_skips_soft_float_and_64bit(void **state)
{
	struct arm_obj soft = { ARM_SOFT, NULL, { "libc.so.6" } };
	struct arm_obj tinfo = { ARM_HARD, NULL, { "libc.so.6" } };
	struct arm_obj libc = { ARM_NONE, NULL, { NULL } };
	const char *const want[] = {
		"/bin/bash", "/lib/ld-linux-armhf.so.3",
		"/usr/lib/arm-linux-gnueabihf/libtinfo.so.6",
		"/usr/lib/arm-linux-gnueabihf/libc.so.6"
	};

	(void)state;
	put_seed("decoys", ARM_HARD, "/lib/ld-linux-armhf.so.3");
	put_arm("decoys/lib/arm-linux-gnueabihf/libtinfo.so.6", &soft);
	put_aarch64("decoys/lib/arm-linux-gnueabihf/libc.so.6");
	put_arm("decoys/usr/lib/arm-linux-gnueabihf/libtinfo.so.6", &tinfo);
	put_arm("decoys/usr/lib/arm-linux-gnueabihf/libc.so.6", &libc);
	assert_closure("decoys", want, ARRAY_SIZE(want));
}

/* No float flag on the program: its loader's name picks the triplet. */
static void armhf_triplet_from_loader(void **state)
{
	_cleanup_elf_deps_ struct elf_deps d = { 0 };

	(void)state;
	put_seed("noflag", ARM_NONE, "/lib/ld-linux-armhf.so.3");
	assert_closure("noflag", seed_closure, ARRAY_SIZE(seed_closure));
	/* The soft-float loader looks in arm-linux-gnueabi: nothing there. */
	put_seed("softld", ARM_NONE, "/lib/ld-linux.so.3");
	assert_int_equal(elf_deps_collect(at("softld"), "/bin/bash", &d),
			 -ENOENT);
	assert_string_equal(d.missing, "libtinfo.so.6");
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
		cmocka_unit_test(armhf_header_and_closure),
		cmocka_unit_test(armhf_skips_soft_float_and_64bit),
		cmocka_unit_test(armhf_triplet_from_loader),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
