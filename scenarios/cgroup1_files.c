// SPDX-License-Identifier: MIT
/*
 * Files v1 has and v2 lacks, and /proc/cgroups (cgroups(7), "Cgroups
 * version 1 and version 2", "CGROUPS VERSION 2", "Cgroups v2 release
 * notification", "/proc files"; admin-guide/cgroup-v2.rst, "Deprecated v1
 * Core Features"). The control looks at the other version's hierarchy:
 * they need a hybrid (or v1 plus v2) host. Read-only but for cgroups made
 * below our own.
 */
#include "cgcore.h"

#include <fcntl.h>
#include <sys/file.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- files v1 has and v2 lacks ---------------------------------------- */

enum f_case { F_SANE, F_NOTASKS, F_NORELEASE };

struct files_seen {
	int a, b;     /* the two files looked for */
	char val[16]; /* a's content */
};

/* The hierarchy roots (if mounted from the root) and our directories. */
static int roots(struct ctx *c, const struct cgc_v1 *v, const char **r1,
		 const char **r2)
{
	const struct cg_layout *l = c->cgl;

	if (l->unified < 0)
		return ctx_skip(c, "no cgroup v2 hierarchy beside v1");
	if (strcmp(l->hier[v->pids].mroot, "/") ||
	    strcmp(l->hier[l->unified].mroot, "/"))
		return ctx_skip(c, "a hierarchy is mounted from below its "
				   "root here");
	*r1 = l->hier[v->pids].mount;
	*r2 = l->hier[l->unified].mount;
	return 0;
}

struct f_row {
	bool v1_isolated; /* the isolated run looks at v1 (else v2) */
	const char *a, *b;
	bool a_at_root, b_at_root; /* at the hierarchy's root, else ours */
};

static const struct f_row f_rows[] = {
	[F_SANE] = { true, "cgroup.sane_behavior", NULL, true, false },
	[F_NOTASKS] = { false, "tasks", "cgroup.clone_children", false, false },
	[F_NORELEASE] = { false, "release_agent", "notify_on_release", true,
			  false },
};

/* Look for a row's files in a hierarchy: its root and our directory. */
static int look(struct ctx *c, const struct f_row *r, const char *root,
		const char *own, struct files_seen *o)
{
	const char *da = r->a_at_root ? root : own;

	o->a = TRY(c, cgc_has(da, r->a), r->a);
	if (r->b)
		o->b = TRY(c, cgc_has(r->b_at_root ? root : own, r->b), r->b);
	if (o->a && !r->b)
		return cgs_read(c, da, r->a, o->val, sizeof(o->val));
	return 0;
}

static int observe_files(struct ctx *c, struct files_seen *o, enum f_case w)
{
	const struct f_row *r = &f_rows[w];
	const char *r1 = NULL, *r2 = NULL;
	int u = c->cgl->unified;
	struct cgc_v1 v;

	TRY_OBS(cgc_need_v1(c, &v));
	TRY_OBS(cgs_need_group(c));
	TRY_OBS(roots(c, &v, &r1, &r2));
	if (!(c->cg->hiers & (1u << v.pids)) || !(c->cg->hiers & (1u << u)))
		return ctx_skip(c, "no v1 and v2 directory for this run");
	/* The hierarchy looked at: the row's version (isolated), the
	 * other one (control). */
	if (r->v1_isolated == c->isolate)
		return look(c, r, r1, c->cg->dir[v.pids], o);
	return look(c, r, r2, c->cg->dir[u], o);
}

#define F_OBSERVE(name_, w_)                                                   \
	static int observe_##name_(struct ctx *c, struct files_seen *o)        \
	{                                                                      \
		return observe_files(c, o, w_);                                \
	}
F_OBSERVE(sane, F_SANE)
F_OBSERVE(notasks, F_NOTASKS)
F_OBSERVE(norelease, F_NORELEASE)

static enum obs judge_sane(struct judge *j, const struct files_seen *o)
{
	judge_kv(j, "cgroup.sane_behavior", "%s", o->a ? o->val : "(none)");
	return judge_holds(j, o->a && strcmp(o->val, "0") == 0,
			   "cgroup.sane_behavior at the root: %s",
			   o->a ? o->val : "none");
}
CHECK(sane_zero, struct files_seen, observe_sane, judge_sane);

static enum obs judge_absent(struct judge *j, const struct files_seen *o)
{
	judge_kv(j, "files found", "%d of 2", o->a + o->b);
	return judge_holds(j, !o->a && !o->b, "%d of the 2 v1 files there",
			   o->a + o->b);
}
CHECK(no_tasks, struct files_seen, observe_notasks, judge_absent);
CHECK(no_release, struct files_seen, observe_norelease, judge_absent);

/* ---- /proc/cgroups ------------------------------------------------------- */

struct proc_seen {
	int id_proc, id_self; /* pids's hierarchy id: /proc/cgroups, ours */
	int enabled;
	int delta; /* its cgroup count over N_MADE mkdirs */
};

#define N_MADE 64

/* pids's row of /proc/cgroups. */
/* The pids row of /proc/cgroups: 0, -ENOENT without one, or -errno. */
static int read_pids_row(int *id, int *num, int *on)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cgroups", "re");
	char line[256], name[64];

	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %d %d %d", name, id, num, on) == 4 &&
		    strcmp(name, "pids") == 0)
			return 0;
	return -ENOENT;
}

static int pids_row(struct ctx *c, int *id, int *num, int *on)
{
	int r = read_pids_row(id, num, on);

	if (r == -ENOENT)
		return ctx_skip(c, "/proc/cgroups has no pids row");
	TRY(c, r, "read /proc/cgroups");
	return 0;
}

/* Our pids hierarchy's id in /proc/self/cgroup. */
static int self_id(struct ctx *c, int *id)
{
	char buf[4096], *save = NULL;

	TRY(c, read_text("/proc/self/cgroup", buf, sizeof(buf)),
	    "read /proc/self/cgroup");
	for (char *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (strstr(l, ":pids:") || strstr(l, ",pids:") ||
		    strstr(l, ":pids,"))
			return *id = atoi(l), 0;
	return ctx_error(c, -ENOENT, "no pids line in /proc/self/cgroup");
}

static int make_many(struct ctx *c, const char *dir, bool make)
{
	char path[PATH_MAX + 16];

	for (int i = 0; i < N_MADE; i++) {
		snprintf(path, sizeof(path), "%s/n%d", dir, i);
		if (make)
			TRY(c, cgs_mkdir_probe(path), "mkdir a cgroup");
		else
			rmdir(path);
	}
	return 0;
}

/*
 * The count drops when a removed cgroup is freed, after an RCU grace
 * period, not at rmdir: wait (up to 1 s) for ours to be counted out while
 * we hold the lock, so the next holder's window does not see it.
 */
static void settle(int num0)
{
	int id, num, on;

	for (int i = 0; i < 200; i++) {
		if (read_pids_row(&id, &num, &on) < 0 || num <= num0)
			return;
		cgs_sleep_ms(5);
	}
}

static int observe_proc(struct ctx *c, struct proc_seen *o)
{
	const char *dir;
	struct cgc_v1 v;
	_cleanup_close_ int lock = -1;
	int num0, num1, id, on;

	TRY_OBS(cgc_need_v1(c, &v));
	TRY_OBS(cgs_need_group(c));
	if (c->cgl->unified < 0)
		return ctx_skip(c, "no cgroup v2 hierarchy beside v1");
	if (!(c->cg->hiers & (1u << v.pids)) ||
	    !(c->cg->hiers & (1u << c->cgl->unified)))
		return ctx_skip(c, "no v1 and v2 directory for this run");
	TRY_OBS(self_id(c, &o->id_self));
	/*
	 * The count is the hierarchy's, for every process: with `run -j`,
	 * our own other run (N_MADE mkdirs of its own) may count between our
	 * two reads (a control once read +52). Both runs take this lock
	 * first, an advisory one on /proc/cgroups, released at exit.
	 */
	lock = open("/proc/cgroups", O_RDONLY | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return ctx_error(c, neg_errno(), "lock /proc/cgroups");
	/* N_MADE cgroups on pids's hierarchy (isolated), or on v2. */
	dir = c->cg->dir[c->isolate ? v.pids : c->cgl->unified];
	TRY_OBS(pids_row(c, &o->id_proc, &num0, &o->enabled));
	TRY_OBS(make_many(c, dir, true));
	TRY_OBS(pids_row(c, &id, &num1, &on));
	make_many(c, dir, false);
	o->delta = num1 - num0;
	settle(num0);
	return 0;
}

static enum obs judge_proc(struct judge *j, const struct proc_seen *o)
{
	judge_kv(j, "pids hierarchy id",
		 "/proc/cgroups %d, /proc/self/cgroup "
		 "%d",
		 o->id_proc, o->id_self);
	judge_kv(j, "cgroups counted", "+%d for %d made", o->delta, N_MADE);
	if (o->id_proc != o->id_self || !o->enabled)
		return judge_unknown(j,
				     "/proc/cgroups says hierarchy %d, "
				     "enabled %d",
				     o->id_proc, o->enabled);
	return judge_holds(j, o->delta >= N_MADE / 2,
			   "pids row of /proc/cgroups: hierarchy %d, +%d "
			   "cgroups after %d mkdirs",
			   o->id_proc, o->delta, N_MADE);
}
CHECK(proc_cgroups, struct proc_seen, observe_proc, judge_proc);

#define V1                                                                     \
	{                                                                      \
		.root = true, .cgroup_version = 1                              \
	}
#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v1"                                                 \
	}

static const struct scenario cgroup1_files[] = {
	{
		.id = "cgroup1/sane-behavior-zero",
		.title = "v1's cgroup.sane_behavior reads 0",
		.property = "the root of a v1 hierarchy has cgroup."
			    "sane_behavior reading 0 (v2 has no such file)",
		.expect = "present, reads 0",
		.req = V1,
		.tags = TAGS,
		.check = &sane_zero,
	},
	{
		.id = "cgroup2/no-tasks-no-clone-children",
		.title = "v2 has no tasks and no cgroup.clone_children",
		.property = "a v2 cgroup has neither a tasks file nor "
			    "cgroup.clone_children (its v1 twin has both)",
		.expect = "neither",
		.req = V1,
		.tags = TAGS,
		.check = &no_tasks,
	},
	{
		.id = "cgroup2/no-release-agent",
		.title = "v2 has no release agent and no notify_on_release",
		.property = "the v2 root has no release_agent and a v2 cgroup "
			    "no notify_on_release (v1 has both)",
		.expect = "neither",
		.req = V1,
		.tags = TAGS,
		.check = &no_release,
	},
	{
		.id = "cgroup1/proc-cgroups",
		.title = "/proc/cgroups counts a v1 hierarchy's cgroups",
		.property = "/proc/cgroups gives pids the hierarchy id "
			    "/proc/self/cgroup shows, and its cgroup count "
			    "grows with cgroups made on that hierarchy",
		.expect = "same id; count grows",
		.req = V1,
		.tags = TAGS,
		.check = &proc_cgroups,
	},
};

BOXCHECK_AREA(cgroup1_files, cgroup1_files);
