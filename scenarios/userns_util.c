// SPDX-License-Identifier: MIT
/* Helpers the user namespace scenario files share (no scenarios here). */
#include "userns.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <string.h>

struct idmap userns_one_map;

struct nsrun userns_run(struct ctx *c)
{
	idmap_single(&userns_one_map, 0, UNPRIV_ID, 1);
	return (struct nsrun){ .via = NS_VIA_CLONE,
			       .flags = c->isolate ? CLONE_NEWUSER : 0,
			       .uid = &userns_one_map,
			       .gid = &userns_one_map };
}

/* ---- living children ---------------------------------------------------- */

struct live_head {
	int err;
	char step[48];
};

int live_send(struct chan *res, const char *step, int err, const void *buf,
	      size_t len)
{
	struct live_head h = { .err = err < 0 ? err : 0 };
	int r;

	snprintf(h.step, sizeof(h.step), "%s", step);
	r = chan_send(res, &h, sizeof(h));
	if (r == 0 && h.err == 0 && len)
		r = chan_send(res, buf, len);
	return r;
}

void live_wait(struct chan *hold)
{
	char b;

	closep(&hold->wr);
	hold->wr = -1;
	while (read(hold->rd, &b, 1) < 0 && errno == EINTR)
		;
}

int live_recv(struct ctx *c, const char *what, struct chan *res, void *buf,
	      size_t len)
{
	struct live_head h;

	closep(&res->wr);
	res->wr = -1;
	if (chan_recv(res, &h, sizeof(h)) < 0)
		return ctx_error(c, 0, "%s: the child ended without a report",
				 what);
	h.step[sizeof(h.step) - 1] = '\0';
	if (h.err < 0)
		return ctx_error(c, h.err, "%s: %s", what, h.step);
	if (len && chan_recv(res, buf, len) < 0)
		return ctx_error(c, 0, "%s: a short report", what);
	return 0;
}

/* ---- observations ------------------------------------------------------- */

int cap_eff_of(const char *status, uint64_t *caps)
{
	const char *l = strstr(status, "\nCapEff:");
	unsigned long long v;

	if (!l || sscanf(l + 8, "%llx", &v) != 1)
		return -ENOENT;
	*caps = mutant_on(M_CAPEFF_NONE) ? 0 : v;
	return 0;
}

int cap_eff_self(uint64_t *caps)
{
	char buf[4096];
	int r = read_text("/proc/self/status", buf, sizeof(buf));

	return r < 0 ? r : cap_eff_of(buf, caps);
}

int file_owner(int dfd, const char *path, uint32_t *uid, uint32_t *gid)
{
	struct stat st;

	if (fstatat(dfd, path, &st, 0) < 0)
		return neg_errno();
	*uid = st.st_uid;
	*gid = st.st_gid;
	if (mutant_on(M_OWNER_OVERFLOW))
		return userns_overflow_ids(uid, gid);
	return 0;
}

enum obs judge_errno(struct judge *j, int err, int want, const char *key,
		     const char *what)
{
	const char *e = err ? strerrorname_np(err) : "ok";

	judge_kv(j, key, "%s", e);
	if (err && err != want)
		return judge_unknown(j, "%s failed with %s, neither %s nor ok",
				     what, e, strerrorname_np(want));
	return judge_holds(j, err == want, "%s: %s", what, e);
}
