// SPDX-License-Identifier: MIT
/* Unit tests: namespace table lookups, id maps, ns error paths. */
#include "testlib.h"
#include "../primitives/ns.h"
#include "../primitives/userns.h"

#include <fcntl.h>
#include <sched.h>

static void table_lookups(void **state)
{
	unsigned mask;
	char buf[128];

	for (int t = 0; t < NS__COUNT; t++) {
		assert_int_equal(ns_type_by_name(ns_table[t].name), t);
		assert_int_equal(ns_type_by_flag(ns_table[t].flag), t);
		assert_int_equal(ns_table[t].nstype, (int)ns_table[t].flag);
		assert_int_equal(ns_mask_of_flags(ns_table[t].flag), NS_BIT(t));
	}
	assert_int_equal(ns_type_by_name("bogus"), -EINVAL);
	assert_int_equal(ns_type_by_flag(CLONE_VM), -EINVAL);
	assert_int_equal(ns_parse_list("pid,net", &mask), 0);
	assert_int_equal(mask, NS_BIT(NS_PID) | NS_BIT(NS_NET));
	assert_int_equal(ns_flags(mask), CLONE_NEWPID | CLONE_NEWNET);
	assert_int_equal(ns_parse_list("all", &mask), 0);
	assert_int_equal(mask, NS_ALL);
	assert_int_equal(ns_parse_list("pid,bogus", &mask), -EINVAL);
	assert_int_equal(ns_format_list(NS_BIT(NS_NET) | NS_BIT(NS_PID), buf,
					sizeof(buf)),
			 7);
	assert_string_equal(buf, "net,pid");
	assert_int_equal(ns_format_list(NS_ALL, buf, 8), -ENOSPC);
	assert_true(ns_table[NS_TIME].no_clone);
	assert_true(ns_table[NS_PID].children_only);
}

static void idmap_format_parse(void **state)
{
	struct idmap m = { 0 }, back;
	char buf[256];

	assert_int_equal(idmap_add(&m, 0, 100000, 1), 0);
	assert_int_equal(idmap_add(&m, 1, 200000, 65535), 0);
	assert_int_equal(idmap_format(&m, buf, sizeof(buf)),
			 (int)strlen("0 100000 1\n1 200000 65535\n"));
	assert_string_equal(buf, "0 100000 1\n1 200000 65535\n");
	assert_int_equal(idmap_parse(buf, &back), 0);
	assert_int_equal(back.n, 2);
	assert_memory_equal(back.e, m.e, 2 * sizeof(m.e[0]));
	/* The kernel's own layout: right-aligned columns. */
	assert_int_equal(
		idmap_parse("         0     100000          1\n", &back), 0);
	assert_int_equal(back.e[0].outside, 100000);
	assert_int_equal(idmap_parse_spec("0:1000:1,1:100000:65536", &back), 0);
	assert_int_equal(back.n, 2);
	assert_int_equal(back.e[1].count, 65536);
	assert_int_equal(idmap_format(&m, buf, 8), -ENOSPC);
}

static void idmap_errors(void **state)
{
	struct idmap m = { 0 };

	assert_int_equal(idmap_parse("", &m), -EINVAL); /* no extent */
	assert_int_equal(idmap_parse("0 1", &m), -EINVAL);
	assert_int_equal(idmap_parse("0 1 x", &m), -EINVAL);
	assert_int_equal(idmap_parse("0 1 0", &m), -EINVAL); /* count 0 */
	assert_int_equal(idmap_parse("0 4294967295 2", &m), -EINVAL); /* wrap */
	assert_int_equal(idmap_parse("0 4294967296 1", &m), -ERANGE);
	assert_int_equal(idmap_parse("0 10 5\n3 100 5", &m), -EINVAL);
	assert_int_equal(idmap_parse("0 10 5\n5 12 5", &m), -EINVAL);
	assert_int_equal(idmap_parse_spec("0:1000", &m), -EINVAL);
	assert_int_equal(idmap_parse_spec("0 1000 1", &m), -EINVAL);
	assert_int_equal(idmap_parse_spec("0:1000:1,", &m), 0);
	m.n = 0;
	for (int i = 0; i < IDMAP_MAX_EXTENTS; i++)
		assert_int_equal(idmap_add(&m, i + 10, i + 10, 1), 0);
	assert_int_equal(idmap_add(&m, 0, 0, 1), -ENOSPC);
}

static void idmap_translate(void **state)
{
	struct idmap m;
	uint32_t v;

	assert_int_equal(idmap_parse_spec("0:100000:10,1000:5000:2", &m), 0);
	assert_int_equal(idmap_to_outside(&m, 9, &v), 0);
	assert_int_equal(v, 100009);
	assert_int_equal(idmap_to_outside(&m, 1001, &v), 0);
	assert_int_equal(v, 5001);
	assert_int_equal(idmap_to_outside(&m, 10, &v), -ERANGE);
	assert_int_equal(idmap_to_inside(&m, 5000, &v), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(idmap_to_inside(&m, 0, &v), -ERANGE);
}

static void ns_error_paths(void **state)
{
	struct ns_id id;
	uid_t uid;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	/* Bad fd, and an fd that is not a namespace. */
	assert_int_equal(ns_setns(-1, NS_UTS), -EBADF);
	assert_int_equal(ns_setns(fd, NS_UTS), -EINVAL);
	assert_int_equal(ns_get_type(-1), -EBADF);
	assert_true(ns_get_type(fd) < 0);
	assert_true(ns_get_parent(fd) < 0);
	assert_true(ns_get_owner_uid(fd, &uid) < 0);
	assert_int_equal(ns_id_of_fd(-1, &id), -EBADF);
	assert_int_equal(ns_id_of_path("/nonexistent/ns", &id), -ENOENT);
	close(fd);
	/* The type of each of our own namespace files. */
	for (int t = 0; t < NS__COUNT; t++) {
		if (!(ns_available() & NS_BIT(t)))
			continue;
		fd = ns_open(0, t);
		assert_true(fd >= 0);
		assert_int_equal(ns_get_type(fd), t);
		/* Wrong type: a uts fd given as another type. */
		if (t != NS_UTS && getuid() == 0)
			assert_int_equal(ns_setns(fd, NS_UTS), -EINVAL);
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
	assert_int_equal(ns_spawn(NS_VIA__COUNT, 0), -EINVAL);
	assert_int_equal(ns_bind_release("/nonexistent/boxcheck"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_lookups),
		cmocka_unit_test(idmap_format_parse),
		cmocka_unit_test(idmap_errors),
		cmocka_unit_test(idmap_translate),
		cmocka_unit_test(ns_error_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
