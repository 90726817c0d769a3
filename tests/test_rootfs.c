// SPDX-License-Identifier: MIT
/* Overlay option strings, mount option parsing, path masking, the builder. */
#include "testlib.h"
#include "../primitives/overlay.h"
#include "../primitives/rootfs.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

static void overlay_option_strings(void **state)
{
	const char *two[] = { "/a", "/b" }, *bad[] = { "/a,b" },
		   *colon[] = { "/a:b" };
	struct overlay_spec s = { two, 2, NULL, NULL, NULL };
	char buf[256];

	(void)state;
	assert_int_equal(overlay_options(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "lowerdir=/a:/b");
	s.upper = "/u";
	s.work = "/w";
	s.extra = "redirect_dir=on";
	assert_int_equal(overlay_options(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "lowerdir=/a:/b,upperdir=/u,workdir=/w,"
				 "redirect_dir=on");
	assert_int_equal(overlay_options(&s, buf, 10), -ENAMETOOLONG);
	s.work = "/w,x";
	assert_int_equal(overlay_options(&s, buf, sizeof(buf)), -EINVAL);
	s = (struct overlay_spec){ bad, 1, NULL, NULL, NULL };
	assert_int_equal(overlay_options(&s, buf, sizeof(buf)), -EINVAL);
	s.lowers = colon;
	assert_int_equal(overlay_options(&s, buf, sizeof(buf)), -EINVAL);
	s.n_lowers = 0;
	assert_int_equal(overlay_options(&s, buf, sizeof(buf)), -EINVAL);
}

static void overlay_option_table(void **state)
{
	char buf[128];

	(void)state;
	ovl_opts_describe(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	ovl_opts_describe(OVL_BIT(OVL_REDIRECT_DIR) | OVL_BIT(OVL_XINO), buf,
			  sizeof(buf));
	assert_string_equal(buf, "redirect_dir xino");
	for (int o = 0; o < OVL_OPT__COUNT; o++) {
		assert_non_null(ovl_opt_table[o].name);
		assert_non_null(ovl_opt_table[o].option);
		assert_non_null(ovl_opt_table[o].shown[0]);
	}
}

static void mount_option_words(void **state)
{
	(void)state;
	assert_true(opts_have("rw,relatime", "rw"));
	assert_true(opts_have("rw,relatime", "relatime"));
	assert_false(opts_have("rw,relatime", "r"));
	assert_false(opts_have("rw,relatime", "time"));
	assert_true(opts_have("a,fsync=volatile,b", "fsync=volatile"));
	assert_false(opts_have("", "rw"));
	assert_false(opts_have(NULL, "rw"));
}

static void mountinfo_has_root(void **state)
{
	struct mnt_entry e;

	(void)state;
	assert_int_equal(mountinfo_find("/", &e), 0);
	assert_true(e.id > 0);
	assert_true(e.fstype[0]);
	assert_true(mountinfo_count() >= 1);
	assert_int_equal(mountinfo_find("/no/such/mount", &e), -ENOENT);
}

static char *dir;

static char *at(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static int make_files(void **state)
{
	(void)state;
	dir = test_tmpdir();
	if (!dir || write_text_creat(at("secret"), "s3cret\n") < 0 ||
	    mkdir(at("sdir"), 0755) < 0 ||
	    write_text_creat(at("sdir/key"), "k\n") < 0 ||
	    symlink("secret", at("link")) < 0)
		return -1;
	return 0;
}

static int remove_files(void **state)
{
	(void)state;
	rm_rf(dir);
	free(dir);
	return 0;
}

static void mask_kinds(void **state)
{
	(void)state;
	assert_int_equal(rootfs_mask_kind(at("secret")), MASK_FILE);
	assert_int_equal(rootfs_mask_kind(at("sdir")), MASK_DIR);
	assert_int_equal(rootfs_mask_kind(at("link")), -ELOOP);
	assert_int_equal(rootfs_mask_kind(at("absent")), MASK_ABSENT);
}

/* In a child with a private mount namespace of its own; needs root. */
static int mask_in_child(void)
{
	char buf[32];

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 10;
	if (rootfs_mask(at("secret")) || rootfs_mask(at("sdir")))
		return 11;
	if (rootfs_mask(at("link")) != -ELOOP)
		return 12;
	if (rootfs_mask(at("absent")) != 0)
		return 13;
	if (read_text(at("secret"), buf, sizeof(buf)) != 0)
		return 14; /* /dev/null: empty */
	if (read_text(at("sdir/key"), buf, sizeof(buf)) != -ENOENT)
		return 15;
	if (write_text_creat(at("sdir/new"), "x") != -EROFS)
		return 16;
	return 0;
}

static void mask_hides(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(mask_in_child());
	assert_int_equal(wait_status(pid, &st), 0);
	assert_int_equal(exit_code_of(st), 0);
	/* Nothing leaked out of the child's namespace. */
	assert_false(rootfs_is_mountpoint(at("sdir")));
}

static void builder_copies_real_files(void **state)
{
	struct stat st;
	char root[PATH_MAX], path[PATH_MAX], buf[64];
	_cleanup_elf_deps_ struct elf_deps d = { 0 };

	(void)state;
	snprintf(root, sizeof(root), "%s/root", dir);
	assert_int_equal(rootfs_make_skeleton(root), 0);
	assert_int_equal(lstat(at("root/tmp"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	assert_int_equal(lstat(at("root/var/tmp"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 01777);
	assert_int_equal(lstat(at("root/usr/bin"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(rootfs_write_os_release(root, "x", "y z"), 0);
	assert_int_equal(read_text(at("root/etc/os-release"), buf, sizeof(buf)),
			 (int)strlen("ID=x\nNAME=\"y z\"\n"));
	assert_string_equal(buf, "ID=x\nNAME=\"y z\"\n");
	assert_int_equal(rootfs_add_program_at(root, NULL, "/bin/sh", &d), 0);
	for (size_t i = 0; i < d.n; i++) {
		snprintf(path, sizeof(path), "%s%s", root, d.paths[i]);
		assert_int_equal(lstat(path, &st), 0);
		assert_true(S_ISREG(st.st_mode)); /* never a symlink */
	}
	assert_int_equal(rootfs_copy_file(root, NULL, "/etc/../etc/passwd"),
			 -EINVAL);
	assert_int_equal(rootfs_add_program(root, "/no/such/program"), -ENOENT);
}

/* The observation helpers: a layer's digest, upper's marks, where am I. */
static void layer_inspection(void **state)
{
	uint64_t a, b;
	struct file_id root;
	struct whereami w;
	char from[PATH_MAX];
	bool has;

	(void)state;
	assert_int_equal(mkdir(at("layer"), 0755), 0);
	assert_int_equal(write_text_creat(at("layer/f"), "one\n"), 0);
	assert_int_equal(ovl_layer_digest(at("layer"), &a), 0);
	assert_int_equal(ovl_layer_digest(at("layer"), &b), 0);
	assert_true(a == b);
	assert_int_equal(write_text_creat(at("layer/f"), "two\n"), 0);
	assert_int_equal(ovl_layer_digest(at("layer"), &b), 0);
	assert_true(a != b); /* the same size, other bytes */
	snprintf(from, sizeof(from), "%s", at("layer/f"));
	assert_int_equal(rename(from, at("layer/g")), 0); /* at() is static */
	assert_int_equal(ovl_layer_digest(at("layer"), &a), 0);
	assert_true(a != b);
	assert_int_equal(ovl_layer_digest(at("absent"), &a), -ENOENT);

	assert_int_equal(ovl_upper_has(at("layer/g"), OVL_UP_FILE, &has), 0);
	assert_true(has);
	assert_int_equal(ovl_upper_has(at("layer/g"), OVL_UP_WHITEOUT, &has),
			 0);
	assert_false(has);
	assert_int_equal(ovl_upper_has(at("layer/no"), OVL_UP_FILE, &has), 0);
	assert_false(has);
	assert_int_equal(ovl_upper_has(at("layer/no"), OVL_UP_OPAQUE, &has), 0);
	assert_false(has);
	if (mknod(at("layer/wo"), S_IFCHR | 0600, 0) == 0) { /* needs root */
		assert_int_equal(
			ovl_upper_has(at("layer/wo"), OVL_UP_WHITEOUT, &has),
			0);
		assert_true(has);
	}

	assert_int_equal(rootfs_reach(at("layer/g")), 0);
	assert_int_equal(rootfs_reach(at("layer/no")), -ENOENT);
	assert_int_equal(file_id_of("/", &root), 0);
	assert_int_equal(rootfs_whereami(&root, &w), 0);
	assert_true(w.root_is);
}

/* The marks and facts the overlay scenarios added (issue 20). */
static void layer_inspection_more(void **state)
{
	struct ovl_id a, b;
	char from[PATH_MAX];
	bool has;

	(void)state;
	assert_int_equal(mkdir(at("more"), 0755), 0);
	assert_int_equal(write_text_creat(at("more/data"), "data\n"), 0);
	assert_int_equal(write_text_creat(at("more/hole"), ""), 0);
	assert_int_equal(truncate(at("more/hole"), 4096), 0);
	assert_int_equal(ovl_upper_has(at("more/hole"), OVL_UP_HOLLOW, &has),
			 0);
	assert_true(has);
	assert_int_equal(ovl_upper_has(at("more/data"), OVL_UP_HOLLOW, &has),
			 0);
	assert_false(has);
	assert_int_equal(symlink("data", at("more/sym")), 0);
	assert_int_equal(ovl_upper_has(at("more/sym"), OVL_UP_SYMLINK, &has),
			 0);
	assert_true(has);
	assert_int_equal(ovl_upper_has(at("more/data"), OVL_UP_SYMLINK, &has),
			 0);
	assert_false(has);
	assert_int_equal(ovl_upper_has(at("more/data"), OVL_UP__COUNT, &has),
			 -EINVAL);

	snprintf(from, sizeof(from), "%s", at("more/data"));
	assert_int_equal(link(from, at("more/twin")), 0); /* at() is static */
	assert_int_equal(ovl_stat_id(at("more/data"), &a), 0);
	assert_int_equal(ovl_stat_id(at("more/twin"), &b), 0);
	assert_true(ovl_id_same(&a, &b));
	assert_int_equal(b.nlink, 2);
	assert_int_equal(ovl_stat_id(at("more/hole"), &b), 0);
	assert_false(ovl_id_same(&a, &b));
	assert_int_equal(ovl_stat_id(at("more/none"), &b), -ENOENT);
	assert_int_equal(ovl_statfs_same(at("more"), at("more/data"), &has), 0);
	assert_true(has);
	assert_int_equal(ovl_statfs_same(at("more"), "/proc", &has), 0);
	assert_false(has);
}

int main(void)
{
	const struct CMUnitTest parse[] = {
		cmocka_unit_test(overlay_option_strings),
		cmocka_unit_test(overlay_option_table),
		cmocka_unit_test(mount_option_words),
		cmocka_unit_test(mountinfo_has_root),
	};
	const struct CMUnitTest files[] = {
		cmocka_unit_test(mask_kinds),
		cmocka_unit_test(mask_hides),
		cmocka_unit_test(builder_copies_real_files),
		cmocka_unit_test(layer_inspection),
		cmocka_unit_test(layer_inspection_more),
	};

	return cmocka_run_group_tests(parse, NULL, NULL) |
	       cmocka_run_group_tests(files, make_files, remove_files);
}
