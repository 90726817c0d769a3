// SPDX-License-Identifier: MIT
#include "caps.h"

#include <ctype.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

const capmask_t caps_default =
	CAPMASK(CAP_CHOWN) | CAPMASK(CAP_DAC_OVERRIDE) | CAPMASK(CAP_FSETID) |
	CAPMASK(CAP_FOWNER) | CAPMASK(CAP_MKNOD) | CAPMASK(CAP_NET_RAW) |
	CAPMASK(CAP_SETGID) | CAPMASK(CAP_SETUID) | CAPMASK(CAP_SETFCAP) |
	CAPMASK(CAP_SETPCAP) | CAPMASK(CAP_NET_BIND_SERVICE) |
	CAPMASK(CAP_SYS_CHROOT) | CAPMASK(CAP_KILL) | CAPMASK(CAP_AUDIT_WRITE);

capmask_t caps_all(void)
{
	int n = cap_max_bits();

	return n >= 64 ? ~(capmask_t)0 : (CAPMASK(n) - 1);
}

static int parse_one(const char *word, capmask_t *mask)
{
	char name[64] = "cap_";
	cap_value_t v;
	size_t off = strncasecmp(word, "cap_", 4) == 0 ? 0 : 4;

	if (strlen(word) + off >= sizeof(name))
		return -EINVAL;
	for (size_t i = 0; word[i]; i++)
		name[off + i] = tolower((unsigned char)word[i]);
	name[off + strlen(word)] = '\0';
	if (cap_from_name(name, &v) < 0 || v < 0 || v >= 64)
		return -EINVAL;
	*mask |= CAPMASK(v);
	return 0;
}

int caps_parse_list(const char *list, capmask_t *mask, const char **bad)
{
	static const struct {
		const char *word;
		int which; /* 0 none, 1 all, 2 default */
	} words[] = { { "none", 0 }, { "all", 1 }, { "default", 2 } };
	static char badword[64];
	char buf[1024], *tok, *save = NULL;

	*mask = 0;
	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t w;
		for (w = 0; w < ARRAY_SIZE(words); w++)
			if (strcasecmp(tok, words[w].word) == 0)
				break;
		if (w < ARRAY_SIZE(words)) {
			*mask |= words[w].which == 1   ? caps_all()
				 : words[w].which == 2 ? caps_default
						       : 0;
			continue;
		}
		if (parse_one(tok, mask) < 0) {
			snprintf(badword, sizeof(badword), "%s", tok);
			if (bad)
				*bad = badword;
			return -EINVAL;
		}
	}
	return 0;
}

int caps_format_list(capmask_t mask, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64; c++) {
		char *name;
		if (!(mask & CAPMASK(c)))
			continue;
		name = cap_to_name(c);
		if (!name)
			return -ENOMEM;
		at += snprintf(buf + at, at < len ? len - at : 0, "%s%s",
			       at ? "," : "", name);
		cap_free(name);
	}
	if (at >= len)
		return -ENAMETOOLONG;
	if (!at)
		snprintf(buf, len, "none");
	return 0;
}

static capmask_t flag_mask(cap_t c, cap_flag_t flag)
{
	capmask_t m = 0;
	cap_flag_value_t v;

	for (int i = 0; i < cap_max_bits() && i < 64; i++)
		if (cap_get_flag(c, i, flag, &v) == 0 && v == CAP_SET)
			m |= CAPMASK(i);
	return m;
}

int caps_read_self(struct cap_sets *s)
{
	cap_t c = cap_get_proc();

	if (!c)
		return neg_errno();
	memset(s, 0, sizeof(*s));
	s->effective = flag_mask(c, CAP_EFFECTIVE);
	s->permitted = flag_mask(c, CAP_PERMITTED);
	s->inheritable = flag_mask(c, CAP_INHERITABLE);
	cap_free(c);
	for (int i = 0; i < cap_max_bits() && i < 64; i++) {
		if (cap_get_bound(i) == 1)
			s->bounding |= CAPMASK(i);
		if (cap_get_ambient(i) == 1)
			s->ambient |= CAPMASK(i);
	}
	return 0;
}

/*
 * Effective and permitted: keep; inheritable: inh (a subset of keep). One
 * capset(2), version 3 (two 32-bit words a set), not libcap's cap_t: that
 * is a malloc and a free, and the reference container's child runs this
 * on our heap (clone_vm.h), where glibc's per-thread cache of freed
 * chunks then moved our own page faults for its first seven starts.
 */
static int set_sets(capmask_t keep, capmask_t inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	for (int w = 0; w < 2; w++)
		d[w] = (struct __user_cap_data_struct){
			.effective = (uint32_t)(keep >> (32 * w)),
			.permitted = (uint32_t)(keep >> (32 * w)),
			.inheritable = (uint32_t)(inh >> (32 * w)),
		};
	return syscall(SYS_capset, &h, d) < 0 ? neg_errno() : 0;
}

int caps_keep(capmask_t keep, capmask_t inheritable, capmask_t ambient)
{
	int n = cap_max_bits(), r;

	if ((ambient & ~inheritable) || (inheritable & ~keep))
		return -EINVAL;

	/* 1. The bounding set first, while CAP_SETPCAP is still effective. */
	for (int i = 0; i < n && i < 64; i++)
		if (!(keep & CAPMASK(i)) && cap_drop_bound(i) < 0)
			return neg_errno();
	/*
	 * 2. Effective and permitted: keep. Inheritable: only what was asked
	 *    (the ambient set needs it); a process that keeps an inheritable
	 *    set passes it to a program with inheritable file capabilities
	 *    (CVE-2022-29162 and its siblings in crun and moby).
	 */
	r = set_sets(keep, inheritable);
	if (r < 0)
		return r;
	/*
	 * 3. Ambient: needs each cap permitted and inheritable, done above.
	 *    One CLEAR_ALL: libcap's cap_reset_ambient() asks for each cap in
	 *    turn first, about 40 prctl calls on the start path.
	 */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return neg_errno();
	for (int i = 0; i < n && i < 64; i++)
		if ((ambient & CAPMASK(i)) && cap_set_ambient(i, CAP_SET) < 0)
			return neg_errno();
	return 0;
}

int caps_keep_only(capmask_t keep, capmask_t ambient)
{
	return ambient & ~keep ? -EINVAL : caps_keep(keep, ambient, ambient);
}

int caps_set_no_new_privs(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? neg_errno() : 0;
}
