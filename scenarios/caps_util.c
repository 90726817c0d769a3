// SPDX-License-Identifier: MIT
/* Helpers the capability scenario files share (no scenarios here). */
#include "caps_util.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>

extern char **environ;

/* ---- /proc/PID/status ------------------------------------------------ */

static int status_hex(const char *status, const char *key, capmask_t *v)
{
	const char *l = strstr(status, key);
	unsigned long long x;

	if (!l || sscanf(l + strlen(key), "%llx", &x) != 1)
		return -ENOENT;
	*v = x;
	return 0;
}

static int status_int(const char *status, const char *key, int *v)
{
	const char *l = strstr(status, key);

	if (!l || sscanf(l + strlen(key), "%d", v) != 1)
		return -ENOENT;
	return 0;
}

int capstat_parse_raw(const char *status, struct capstat *s)
{
	static const struct {
		const char *key;
		size_t off;
	} sets[] = {
		{ "\nCapInh:", offsetof(struct capstat, inh) },
		{ "\nCapPrm:", offsetof(struct capstat, prm) },
		{ "\nCapEff:", offsetof(struct capstat, eff) },
		{ "\nCapBnd:", offsetof(struct capstat, bnd) },
		{ "\nCapAmb:", offsetof(struct capstat, amb) },
	};
	const char *l;
	int r;

	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
		if ((r = status_hex(status, sets[i].key,
				    (capmask_t *)((char *)s + sets[i].off))) <
		    0)
			return r;
	if ((r = status_int(status, "\nNoNewPrivs:", &s->nnp)) < 0 ||
	    (r = status_int(status, "\nSeccomp:", &s->seccomp)) < 0)
		return r;
	l = strstr(status, "\nUid:");
	if (!l || sscanf(l + 5, "%*u %u", &s->euid) != 1)
		return -ENOENT;
	if (status_int(status, "\nSeccomp_filters:", &s->filters) < 0)
		s->filters = -1;
	return 0;
}

int capstat_parse(const char *status, struct capstat *s)
{
	int r = capstat_parse_raw(status, s);

	if (r == 0 && mutant_on(M_CAPS_SETS_EMPTY))
		s->inh = s->prm = s->eff = s->bnd = s->amb = 0;
	return r;
}

int capstat_self_raw(struct capstat *s)
{
	char buf[8192];
	int r = read_text("/proc/self/status", buf, sizeof(buf));

	return r < 0 ? r : capstat_parse_raw(buf, s);
}

int capstat_self(struct capstat *s)
{
	char buf[8192];
	int r = read_text("/proc/self/status", buf, sizeof(buf));

	return r < 0 ? r : capstat_parse(buf, s);
}

/* ---- the program executed -------------------------------------------- */

int capbin_setup(struct ctx *c, unsigned long mflags, int *fd)
{
	TRY(c, mkdir("bin", 0755) < 0 ? neg_errno() : 0, "mkdir bin");
	TRY(c,
	    mount("capbin", "bin", "tmpfs", mflags, "mode=0755") < 0
		    ? neg_errno()
		    : 0,
	    "mount a tmpfs on bin");
	TRY(c, copy_file("/proc/self/exe", "bin/status", 0755),
	    "copy boxcheck to bin/status");
	*fd = TRY(c, open("bin/status", O_RDONLY | O_CLOEXEC),
		  "open bin/status");
	return 0;
}

int capbin_set_caps(int fd, const char *text)
{
	cap_t caps = cap_from_text(text);
	int r = 0;

	if (!caps)
		return neg_errno();
	if (cap_set_fd(fd, caps) < 0)
		r = neg_errno();
	cap_free(caps);
	return r;
}

int exec_capstat(int fd, struct capstat *after)
{
	_cleanup_chan_ struct chan out = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	char *const argv[] = { "boxcheck-status", NULL };
	char buf[8192];
	ssize_t n;
	int r, st;

	if ((r = chan_open(&out)) < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		if (dup2(out.wr, 1) == 1)
			fexecve(fd, argv, environ);
		_exit(127);
	}
	closep(&out.wr);
	out.wr = -1;
	n = fd_read_all(out.rd, buf, sizeof(buf) - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	if ((r = wait_status(TAKE_PID(pid), &st)) < 0)
		return r;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -ECHILD;
	return capstat_parse(buf, after);
}

struct exec_run {
	const struct exec_plan *p;
	int fd;
};

static int exec_child(void *arg, void *out, size_t len)
{
	const struct exec_run *e = arg;
	struct exec_seen *o = out;
	const char *step = "prepare";
	int r = e->p->prep ? e->p->prep(e->p->act, &step) : 0;

	(void)len;
	if (r < 0)
		return child_fail(step, r);
	CHILD_TRY("read the sets before execve", capstat_self(&o->before));
	CHILD_TRY("execute the copy", exec_capstat(e->fd, &o->after));
	return 0;
}

int exec_observe(struct ctx *c, const struct exec_plan *p, struct exec_seen *o)
{
	_cleanup_close_ int fd = -1;
	struct exec_run e = { .p = p };

	TRY_OBS(capbin_setup(c, p->mflags, &fd));
	TRY(c, sysr(fchown(fd, p->owner, p->owner)), "chown bin/status");
	TRY(c, sysr(fchmod(fd, p->mode ? p->mode : 0755)), "chmod bin/status");
	if (p->fcaps)
		TRY(c, capbin_set_caps(fd, p->fcaps),
		    "set file capabilities on bin/status");
	e.fd = fd;
	TRY_OBS(run_in_child(c, "execute bin/status in the child", 0,
			     exec_child, &e, o, sizeof(*o)));
	return 0;
}

void judge_exec_sets(struct judge *j, const struct exec_seen *o)
{
	judge_mask(j, "CapPrm before execve", o->before.prm);
	judge_mask(j, "CapInh before execve", o->before.inh);
	judge_mask(j, "CapAmb before execve", o->before.amb);
	judge_mask(j, "CapPrm after execve", o->after.prm);
	judge_mask(j, "CapEff after execve", o->after.eff);
	judge_mask(j, "CapAmb after execve", o->after.amb);
	judge_kv(j, "euid after execve", "%u", o->after.euid);
}

/* ---- credentials ----------------------------------------------------- */

int become_uid(uid_t uid)
{
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return neg_errno();
	return 0;
}

int cap_flags_set(capmask_t mask, int flag, bool on)
{
	cap_t c = cap_get_proc();
	int r = 0;

	if (!c)
		return neg_errno();
	for (cap_value_t i = 0; i < 64 && r == 0; i++)
		if ((mask & CAPMASK(i)) &&
		    cap_set_flag(c, flag, 1, &i, on ? CAP_SET : CAP_CLEAR) < 0)
			r = neg_errno();
	if (r == 0 && cap_set_proc(c) < 0)
		r = neg_errno();
	cap_free(c);
	return r;
}

int cap_flag_set(cap_value_t cap, int flag, bool on)
{
	return cap_flags_set(CAPMASK(cap), flag, on);
}

int cap_call_err(int err)
{
	return mutant_on(M_CAPS_REFUSED) ? EPERM : err;
}

int sys_err(long r)
{
	return cap_call_err(r < 0 ? errno : 0);
}

/* ---- judging --------------------------------------------------------- */

void judge_mask(struct judge *j, const char *key, capmask_t mask)
{
	judge_kv(j, key, "%016llx", (unsigned long long)mask);
}

enum obs judge_cap_in(struct judge *j, const char *set, capmask_t mask, int cap,
		      bool present)
{
	char *name = cap_to_name(cap);
	bool in = (mask >> cap) & 1;
	enum obs v;

	judge_mask(j, set, mask);
	v = judge_holds(j, in == present, "%s %s %s", name ? name : "cap",
			in ? "in" : "not in", set);
	cap_free(name);
	return v;
}
