// SPDX-License-Identifier: MIT
/* Helpers of the cgroup core scenarios (cgcore.h). */
#include "cgcore.h"
#include "../primitives/mutant.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

const char *cgc_err(int err)
{
	if (err < 0)
		err = -err;
	return err ? strerrorname_np(err) ?: "?" : "ok";
}

bool cgc_ends(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

int cgc_child(struct ctx *c, const struct cg_group *of, const char *name,
	      struct cg_group *g)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(of, name, 0, g), name);
	if (!cg_group_unified(g))
		return ctx_skip(c, "no cgroup v2 directory for this run");
	return 0;
}

void cgc_stop(struct cgc_proc *p)
{
	chan_close(&p->hold);
	reapp(&p->pid);
	p->pid = -1;
}

/* Keep fds 0-2 and the two given: nothing else of the parent's holds. */
void cgc_keep_only(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo < 3)
		lo = hi;
	syscall(SYS_close_range, 3, lo - 1, 0);
	if (hi > lo)
		syscall(SYS_close_range, lo + 1, hi - 1, 0);
	syscall(SYS_close_range, hi + 1, ~0U, 0);
}

static int held(void *arg)
{
	struct chan *h = arg;

	cgc_keep_only(h->rd, h->rd);
	return cgs_hold(h);
}

int cgc_start(struct ctx *c, const struct cg_group *g, struct cgc_proc *p)
{
	TRY(c, chan_open(&p->hold), "pipe");
	p->pid = TRY(c, cgs_fork_in(g, held, &p->hold), "start a process");
	close(TAKE_FD(p->hold.rd));
	return 0;
}

static int held_threads(void *arg)
{
	struct cgs_threads *t = arg;

	cgc_keep_only(t->hold.rd, t->tid.wr);
	return cgs_two_threads(t);
}

int cgc_start_threads(struct ctx *c, const struct cg_group *g,
		      struct cgc_proc *p)
{
	_cleanup_chan_ struct chan tid = CHAN_INIT;
	struct cgs_threads t;
	int k = -1;

	TRY(c, chan_open(&p->hold), "pipe");
	TRY(c, chan_open(&tid), "pipe");
	t = (struct cgs_threads){ p->hold, tid };
	p->pid = TRY(c, cgs_fork_in(g, held_threads, &t), "start a process");
	close(TAKE_FD(p->hold.rd));
	close(TAKE_FD(tid.wr));
	TRY(c, chan_recv_int(&tid, &k), "learn its second thread's id");
	p->tid = k;
	return 0;
}

/* A process with a child: the child's pid on kid, both blocked. */
struct family {
	struct chan hold, kid;
};

static int held_family(void *arg)
{
	struct family *f = arg;
	pid_t kid;

	cgc_keep_only(f->hold.rd, f->kid.wr);
	kid = fork();
	if (kid < 0)
		return 3;
	if (kid == 0) {
		close(TAKE_FD(f->kid.wr));
		_exit(cgs_hold(&f->hold));
	}
	chan_send_int(&f->kid, kid);
	close(TAKE_FD(f->kid.wr));
	cgs_hold(&f->hold);
	return wait_status(kid, &(int){ 0 }) < 0 ? 3 : 0;
}

int cgc_start_family(struct ctx *c, const struct cg_group *g,
		     struct cgc_proc *p)
{
	_cleanup_chan_ struct chan kid = CHAN_INIT;
	struct family f;
	int k = -1;

	TRY(c, chan_open(&p->hold), "pipe");
	TRY(c, chan_open(&kid), "pipe");
	f = (struct family){ p->hold, kid };
	p->pid = TRY(c, cgs_fork_in(g, held_family, &f), "start a process");
	close(TAKE_FD(p->hold.rd));
	close(TAKE_FD(kid.wr));
	TRY(c, chan_recv_int(&kid, &k), "learn its child's pid");
	p->tid = k;
	return 0;
}

int cgc_zombie(struct ctx *c, struct cgc_proc *p)
{
	siginfo_t si;

	chan_close(&p->hold);
	TRY(c,
	    waitid(P_PID, p->pid, &si, WEXITED | WNOWAIT) < 0 ? neg_errno() : 0,
	    "wait until the process is a zombie");
	return 0;
}

int cgc_put(const char *dir, const char *file, pid_t pid)
{
	char s[32];

	snprintf(s, sizeof(s), "%d", pid);
	return cgs_write_probe(dir, file, s);
}

int cgc_where(struct ctx *c, pid_t tid, char *buf, size_t len)
{
	TRY(c, cgs_tid_cgroup(c->cgl, c->cgl->unified, tid, buf, len),
	    "a thread's cgroup (/proc/PID/cgroup)");
	return 0;
}

int cgc_type(struct ctx *c, const char *dir, char *buf, size_t len)
{
	TRY_OBS(cgs_read(c, dir, "cgroup.type", buf, len));
	if (mutant_on(M_CG_TYPE_DOMAIN))
		snprintf(buf, len, "domain");
	return 0;
}

int cgc_has(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : neg_errno();
	return mutant_on(M_CG_FILES_ABSENT) ? 0 : 1;
}

int cgc_count_prefix(const char *dir, const char *prefix)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return neg_errno();
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	return mutant_on(M_CG_FILES_ABSENT) ? 0 : n;
}

int cgc_ctrls(struct ctx *c, const char *dir, const char *file, unsigned *mask)
{
	char buf[512], *save = NULL;

	TRY_OBS(cgs_read(c, dir, file, buf, sizeof(buf)));
	*mask = 0;
	for (char *t = strtok_r(buf, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save)) {
		int k = cg_ctrl_by_name(t);
		if (k >= 0 && cg_ctrl_table[k].v2_name)
			*mask |= CG_BIT(k);
	}
	for (int k = 0; mutant_on(M_CG_CTRL_LISTED) && k < CG__COUNT; k++)
		if (cg_ctrl_table[k].v2_name)
			*mask |= CG_BIT(k);
	return 0;
}

const char *cgc_pick(unsigned mask, enum cg_ctrl *which)
{
	if (mask & CG_BIT(CG_PIDS))
		mask = CG_BIT(CG_PIDS);
	for (int k = 0; k < CG__COUNT; k++)
		if (mask & CG_BIT(k)) {
			if (which)
				*which = k;
			return cg_ctrl_table[k].v2_name;
		}
	return NULL;
}

int cgc_subtree(const char *dir, const char *text)
{
	return cgs_write_probe(dir, "cgroup.subtree_control", text);
}

int cgc_stat(struct ctx *c, const char *dir, const char *key, uint64_t *v)
{
	char path[PATH_MAX + 32];
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.stat", dir);
	r = read_key_u64(path, key, v);
	if (r == -ENODATA || r == -ENOENT)
		return ctx_skip(c, "kernel's cgroup.stat has no %s line", key);
	TRY(c, r, "read cgroup.stat");
	if (mutant_on(M_CG_COUNTERS_HIT) && *v == 0)
		*v = 1;
	return 0;
}

int cgc_mount(const char *fstype, const char *opts, const char *target)
{
	if (mkdir(target, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	if (mutant_on(M_CG_MOUNT_REFUSED))
		return -EBUSY;
	return mount("none", target, fstype, 0, opts) < 0 ? neg_errno() : 0;
}

/* The files a delegatee is given: the kernel's list, else the guide's. */
static int delegate_list(char *buf, size_t len)
{
	if (read_text("/sys/kernel/cgroup/delegate", buf, len) >= 0)
		return 0;
	snprintf(buf, len,
		 "cgroup.procs\ncgroup.threads\n"
		 "cgroup.subtree_control\n");
	return 0;
}

int cgc_give(const char *dir, uid_t uid, bool give_files)
{
	char list[1024], path[PATH_MAX + 64], *save = NULL;

	if (chown(dir, uid, uid) < 0)
		return neg_errno();
	if (!give_files)
		return 0;
	delegate_list(list, sizeof(list));
	for (char *t = strtok_r(list, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save)) {
		snprintf(path, sizeof(path), "%s/%s", dir, t);
		if (chown(path, uid, uid) < 0 && errno != ENOENT)
			return neg_errno();
	}
	return 0;
}

int cgc_become(uid_t uid)
{
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return neg_errno();
	return 0;
}

pid_t cgc_clone_into(int dfd)
{
	struct clone_args a = { .flags = CLONE_INTO_CGROUP,
				.exit_signal = SIGCHLD,
				.cgroup = (unsigned)dfd };
	long pid = syscall(SYS_clone3, &a, sizeof(a));

	if (pid == 0)
		_exit(0);
	return pid < 0 ? neg_errno() : (pid_t)pid;
}

int cgc_ended(struct cgc_proc *p, int ms, int *st)
{
	double end = cgs_now() + ms / 1000.0;

	if (mutant_on(M_CG_KILLED)) {
		*st = SIGKILL;
		return 1;
	}
	for (;;) {
		pid_t r = waitpid(p->pid, st, WNOHANG);
		if (r < 0)
			return neg_errno();
		if (r > 0) {
			p->pid = -1;
			return 1;
		}
		if (cgs_now() > end)
			return 0;
		cgs_sleep_ms(1);
	}
}

/* pid's (0: our) v2 cgroup path as seen from our cgroup namespace. */
int cgc_ns_path(pid_t pid, char *buf, size_t len, const char *asked)
{
	char path[64], text[4096], *p;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid ?: getpid());
	if ((r = read_text(path, text, sizeof(text))) < 0)
		return r;
	p = strstr(text, "0::");
	if (p != text && (!p || p[-1] != '\n'))
		return -ENOENT;
	snprintf(buf, len, "%s", p + 3);
	chomp(buf);
	if (mutant_on(M_CGNS_PATH_UP))
		snprintf(buf, len, "%s", asked);
	return 0;
}

void cgc_pair_destroy(struct cgc_pair *p)
{
	cg_group_destroy(&p->s);
	cg_group_destroy(&p->k);
	cg_group_destroy(&p->d);
}

int cgc_pair_make(struct ctx *c, struct cgc_pair *p, const char *deeper)
{
	TRY_OBS(cgc_child(c, c->cg, "d", &p->d));
	TRY_OBS(cgc_child(c, &p->d, "k", &p->k));
	TRY_OBS(cgc_child(c, &p->d, "s", &p->s));
	if (deeper) {
		struct cg_group g = { 0 };
		TRY_OBS(cgc_child(c, &p->k, deeper, &g));
	}
	return 0;
}

static void opts_of(const struct cg_hier *h, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int k = 0; k < CG__COUNT; k++)
		if ((h->ctrls & CG_BIT(k)) && cg_ctrl_table[k].v1_name)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 buf[0] ? "," : "", cg_ctrl_table[k].v1_name);
}

int cgc_need_v1(struct ctx *c, struct cgc_v1 *v)
{
	const struct cg_layout *l = c->cgl;

	v->pids = l->by_ctrl[CG_PIDS];
	v->other = v->named = -1;
	if (v->pids < 0 || l->hier[v->pids].version != 1)
		return ctx_skip(c, "pids is not on a v1 hierarchy here");
	for (int i = 0; i < l->n; i++) {
		const struct cg_hier *h = &l->hier[i];
		if (h->version != 1 || h->err || i == v->pids)
			continue;
		if (h->ctrls && v->other < 0)
			v->other = i;
		if (!h->ctrls && h->name[0] && v->named < 0)
			v->named = i;
	}
	if (v->other < 0)
		return ctx_skip(c, "no second v1 hierarchy with a controller");
	opts_of(&l->hier[v->pids], v->pids_opts, sizeof(v->pids_opts));
	opts_of(&l->hier[v->other], v->other_opts, sizeof(v->other_opts));
	return 0;
}
