// SPDX-License-Identifier: MIT
/* Helpers of the wave-3 mount namespace scenarios (no scenarios here). */
#include "mntns_util.h"
#include "../primitives/rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>

/* ---- propagation -------------------------------------------------------- */

static void prop_parse(const char *tags, struct prop *p)
{
	char buf[256], *save = NULL;

	*p = (struct prop){ 0 };
	snprintf(buf, sizeof(buf), "%s", tags);
	for (char *t = strtok_r(buf, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		if (strncmp(t, "shared:", 7) == 0)
			p->shared = atoi(t + 7);
		else if (strncmp(t, "master:", 7) == 0)
			p->master = atoi(t + 7);
		else if (strncmp(t, "propagate_from:", 15) == 0)
			p->from = atoi(t + 15);
		else if (strcmp(t, "unbindable") == 0)
			p->unbindable = true;
	}
}

int mnt_prop(const char *path, struct prop *p)
{
	char real[PATH_MAX];
	struct mnt_entry e;
	int r;

	*p = (struct prop){ 0 };
	if (!realpath(path, real))
		return neg_errno();
	r = mountinfo_find(real, &e);
	if (r < 0)
		return r;
	if (!mutant_on(M_MNT_TAGS))
		prop_parse(e.tags, p);
	return 0;
}

enum ptype prop_type(const struct prop *p)
{
	if (p->unbindable)
		return PT_UNBINDABLE;
	if (p->shared)
		return p->master ? PT_SLAVE_SHARED : PT_SHARED;
	return p->master ? PT_SLAVE : PT_PRIVATE;
}

const char *ptype_name(enum ptype t)
{
	static const char *const names[PT__COUNT] = {
		[PT_PRIVATE] = "private",
		[PT_SHARED] = "shared",
		[PT_SLAVE] = "slave",
		[PT_SLAVE_SHARED] = "slave+shared",
		[PT_UNBINDABLE] = "unbindable",
	};

	return (unsigned)t < PT__COUNT ? names[t] : "?";
}

void prop_str(const struct prop *p, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	if (p->shared)
		at += snprintf(buf + at, len - at, "shared:%d", p->shared);
	if (p->master && at < len)
		at += snprintf(buf + at, len - at, "%smaster:%d", at ? " " : "",
			       p->master);
	if (p->from && at < len)
		at += snprintf(buf + at, len - at, "%spropagate_from:%d",
			       at ? " " : "", p->from);
	if (p->unbindable && at < len)
		at += snprintf(buf + at, len - at, "%sunbindable",
			       at ? " " : "");
	if (!at)
		snprintf(buf, len, "private");
}

/* ---- a table of propagation cases -------------------------------------- */

int tcase_observe(struct ctx *c, struct tseen *o, const struct tcase *k)
{
	int (*act)(void) = c->isolate ? k->iso : k->ctl;

	TRY(c, k->setup(), "make the mounts");
	if (act)
		TRY(c, act(), "the act");
	if (k->op && k->op_err)
		o->err = mnt_refusal(k->op(), k->want_err);
	else if (k->op)
		TRY(c, k->op(), k->what);
	if (k->ref)
		TRY(c, mnt_prop(k->ref, &o->r), "read the reference's fields");
	if (k->read && !o->err)
		TRY(c, mnt_prop(k->read, &o->p), "read the fields");
	return 0;
}

static bool rel_holds(enum rel rel, const struct prop *p, const struct prop *r)
{
	switch (rel) {
	case REL_NEW_GROUP:
		return p->shared && p->shared != r->shared;
	case REL_SAME_GROUP:
		return p->shared && p->shared == r->shared;
	case REL_MASTER:
		return p->master && p->master == r->shared;
	default:
		return true;
	}
}

enum obs tcase_judge(struct judge *j, const struct tseen *o,
		     const struct tcase *k)
{
	char p[64], r[64];
	enum ptype t = prop_type(&o->p);
	bool rel = rel_holds(k->rel, &o->p, &o->r);

	if (k->op_err)
		return judge_errno(j, o->err, k->want_err, k->what, k->what);
	prop_str(&o->p, p, sizeof(p));
	judge_kv(j, k->read, "%s", p);
	if (k->ref) {
		prop_str(&o->r, r, sizeof(r));
		judge_kv(j, k->ref, "%s", r);
	}
	return judge_holds(j, t == k->want && rel, "%s: %s reads %s (%s)%s",
			   k->what, k->read, ptype_name(t), p,
			   k->rel && !rel ? ", not as its reference says" : "");
}

/* ---- mounts --------------------------------------------------------------- */

int mnt_bind(const char *from, const char *to, bool rec)
{
	unsigned long f = MS_BIND | (rec ? MS_REC : 0);

	return mount(from, to, NULL, f, NULL) < 0 ? neg_errno() : 0;
}

int mnt_move(const char *from, const char *to)
{
	return mount(from, to, NULL, MS_MOVE, NULL) < 0 ? neg_errno() : 0;
}

int mkdir_here(const char *path)
{
	return mkdir(path, 0755) < 0 && errno != EEXIST ? neg_errno() : 0;
}

int umount_err(const char *path, int flags)
{
	return umount2(path, flags) < 0 ? errno : 0;
}

int mnt_refusal(long r, int want)
{
	return probe_errno(M_MNT_REFUSED, r, want);
}

int mnt_point(const char *path, bool *is)
{
	struct statx sx;

	*is = false;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) <
	    0)
		return errno == ENOENT ? 0 : neg_errno();
	if (!(sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return -EOPNOTSUPP;
	*is = (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT) &&
	      !mutant_on(M_MNT_SEEN);
	return 0;
}

/* One line of mounts (field 2) or mountinfo (field 5) or mountstats. */
static bool line_has_point(const char *file, const char *line,
			   const char *point)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], d[PATH_MAX], e[PATH_MAX];

	if (strcmp(file, "mounts") == 0)
		return sscanf(line, "%4095s %4095s", a, b) == 2 &&
		       strcmp(b, point) == 0;
	if (strcmp(file, "mountinfo") == 0)
		return sscanf(line, "%4095s %4095s %4095s %4095s %4095s", a, b,
			      c, d, e) == 5 &&
		       strcmp(e, point) == 0;
	/* mountstats: "device D mounted on P with fstype T" */
	return sscanf(line, "device %4095s mounted on %4095s", a, b) == 2 &&
	       strcmp(b, point) == 0;
}

int proc_lists_mount(pid_t pid, const char *file, const char *point,
		     bool *listed)
{
	char path[64], line[PATH_MAX * 2];
	_cleanup_fclose_ FILE *f = NULL;

	*listed = false;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "re");
	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f))
		if (line_has_point(file, line, point))
			*listed = true;
	if (mutant_on(M_MNT_SEEN))
		*listed = false;
	return ferror(f) ? -EIO : 0;
}

/* ---- the peer ------------------------------------------------------------ */

static void drop_fd(int *fd)
{
	closep(fd);
	*fd = -1;
}

static _Noreturn void peer_loop(struct peer *p)
{
	int i, r;

	drop_fd(&p->cmd.wr);
	drop_fd(&p->res.rd);
	while (chan_recv_int(&p->cmd, &i) == 0) {
		if (i < 0 || (size_t)i >= p->n)
			_exit(2);
		r = p->steps[i]();
		if (chan_send_int(&p->res, r) < 0 || r < 0)
			_exit(1);
	}
	_exit(0);
}

int peer_start(struct peer *p, unsigned long flags, bool user,
	       const peer_step *steps, size_t n)
{
	struct nsrun r = nsmore_run(flags, user, false);
	int e;

	p->steps = steps;
	p->n = n;
	if ((e = chan_open(&p->cmd)) < 0 || (e = chan_open(&p->res)) < 0)
		return e;
	p->pid =
		user ? userns_fork(flags, r.uid, r.gid, false) : ns_fork(flags);
	if (p->pid < 0)
		return p->pid;
	if (p->pid == 0)
		peer_loop(p);
	drop_fd(&p->cmd.rd);
	drop_fd(&p->res.wr);
	return 0;
}

int peer_call(struct ctx *c, struct peer *p, size_t i, int *seen,
	      const char *what)
{
	int r = chan_send_int(&p->cmd, (int)i);

	if (r < 0)
		return ctx_error(c, r, "%s: ask the peer", what);
	if (chan_recv_int(&p->res, seen) < 0)
		return ctx_error(c, 0, "%s: the peer ended without a report",
				 what);
	if (*seen < 0)
		return ctx_error(c, *seen, "%s (in the peer)", what);
	return 0;
}

int peer_stop(struct ctx *c, struct peer *p)
{
	int st;

	drop_fd(&p->cmd.wr);
	if (wait_status(TAKE_PID(p->pid), &st) < 0)
		return ctx_error(c, neg_errno(), "reap the peer");
	if (exit_code_of(st))
		return ctx_error(c, 0, "the peer exited %d", exit_code_of(st));
	return 0;
}

void peer_killp(struct peer *p)
{
	reapp(&p->pid);
	chan_close(&p->cmd);
	chan_close(&p->res);
}
