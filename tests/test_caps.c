// SPDX-License-Identifier: MIT
#include "testlib.h"
#include "../primitives/caps.h"

#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static void parse_names_any_case(void **state)
{
	capmask_t m;
	const char *bad = NULL;

	assert_int_equal(
		caps_parse_list("cap_net_admin,SYS_ADMIN,chown", &m, &bad), 0);
	assert_true(m == (CAPMASK(CAP_NET_ADMIN) | CAPMASK(CAP_SYS_ADMIN) |
			  CAPMASK(CAP_CHOWN)));
	assert_int_equal(caps_parse_list("none", &m, NULL), 0);
	assert_true(m == 0);
	assert_int_equal(caps_parse_list("default", &m, NULL), 0);
	assert_true(m == caps_default);
	assert_true(m & CAPMASK(CAP_SYS_CHROOT));
	assert_false(m & CAPMASK(CAP_SYS_ADMIN));
	assert_int_equal(caps_parse_list("all", &m, NULL), 0);
	assert_true(m == caps_all());
	assert_true(m & CAPMASK(CAP_SYS_ADMIN));
}

static void parse_names_unknown_word(void **state)
{
	capmask_t m;
	const char *bad = NULL;

	assert_int_equal(caps_parse_list("chown,cap_frobnicate", &m, &bad),
			 -EINVAL);
	assert_string_equal(bad, "cap_frobnicate");
}

static void format_round_trip(void **state)
{
	char buf[512];
	capmask_t m;

	assert_int_equal(
		caps_format_list(CAPMASK(CAP_CHOWN) | CAPMASK(CAP_KILL), buf,
				 sizeof(buf)),
		0);
	assert_string_equal(buf, "cap_chown,cap_kill");
	assert_int_equal(caps_parse_list(buf, &m, NULL), 0);
	assert_true(m == (CAPMASK(CAP_CHOWN) | CAPMASK(CAP_KILL)));
	assert_int_equal(caps_format_list(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "none");
}

/* Raise cap in the ambient set (it must be inheritable first). */
static int raise_ambient(cap_value_t v)
{
	cap_t c = cap_get_proc();
	int r = c && cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET) == 0 &&
				cap_set_proc(c) == 0 &&
				cap_set_ambient(v, CAP_SET) == 0
			? 0
			: -1;

	cap_free(c);
	return r;
}

/*
 * In a child (root only): with CAP_CHOWN already ambient, keep two caps
 * with only CAP_KILL ambient, then read all five sets back: the old
 * ambient cap is gone although it is kept, and the inheritable set holds
 * only what the ambient set needs.
 */
static void keep_only_sets_all_five(void **state)
{
	pid_t pid;
	int st;

	if (geteuid() != 0)
		skip();
	pid = fork();
	if (pid == 0) {
		capmask_t keep = CAPMASK(CAP_CHOWN) | CAPMASK(CAP_KILL);
		struct cap_sets s;
		if (raise_ambient(CAP_CHOWN) < 0 ||
		    caps_keep_only(keep, CAPMASK(CAP_KILL)) < 0 ||
		    caps_set_no_new_privs() < 0 || caps_read_self(&s) < 0)
			_exit(2);
		_exit(s.effective == keep && s.permitted == keep &&
				      s.inheritable == CAPMASK(CAP_KILL) &&
				      s.bounding == keep &&
				      s.ambient == CAPMASK(CAP_KILL) &&
				      prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) ==
					      1
			      ? 0
			      : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* Ambient caps must be kept: refused before anything is changed. */
static void ambient_outside_keep_refused(void **state)
{
	(void)state;
	assert_int_equal(caps_keep_only(CAPMASK(CAP_KILL), CAPMASK(CAP_CHOWN)),
			 -EINVAL);
	assert_int_equal(prctl(PR_CAPBSET_READ, CAP_CHOWN), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_names_any_case),
		cmocka_unit_test(parse_names_unknown_word),
		cmocka_unit_test(format_round_trip),
		cmocka_unit_test(keep_only_sets_all_five),
		cmocka_unit_test(ambient_outside_keep_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
