// SPDX-License-Identifier: MIT
/* Helpers the capability rule scenario files share (no scenarios here). */
#include "caps_rules.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <string.h>
#include <linux/capability.h>
#include <endian.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/xattr.h>

extern char **environ;

/* ---- the sets, securebits, AT_SECURE ---------------------------------- */

int xstat_parse(const char *text, struct xstat *x)
{
	const char *b = strstr(text, "\nSecurebits:");
	const char *a = strstr(text, "\nAtSecure:");
	int r = capstat_parse(text, &x->s);

	if (r < 0)
		return r;
	if (!b || !a || sscanf(b + 12, "%d", &x->secbits) != 1 ||
	    sscanf(a + 10, "%lu", &x->at_secure) != 1)
		return -ENOENT;
	return 0;
}

void xstat_extras_seen(struct xstat *x)
{
	if (mutant_on(M_CAPS_EXEC_EXTRAS))
		x->secbits = 0, x->at_secure = 0;
}

/* What the copy prints (harness/main.c), made by this process. */
static int xstat_text(char *buf, size_t len)
{
	int r = read_text("/proc/self/status", buf, len - 64);
	size_t n;

	if (r < 0)
		return r;
	n = strlen(buf);
	snprintf(buf + n, len - n, "Securebits:\t%d\nAtSecure:\t%lu\n",
		 prctl(PR_GET_SECUREBITS, 0, 0, 0, 0), getauxval(AT_SECURE));
	return 0;
}

int xstat_self(struct xstat *x)
{
	char buf[8192];
	int r = xstat_text(buf, sizeof(buf));

	return r < 0 ? r : xstat_parse(buf, x);
}

/* Fork; the child runs fn (exec or print) with stdout on a pipe. */
static int run_printer(int exec_fd, int *err, char *buf, size_t len)
{
	char *const argv[] = { "boxcheck-status", NULL };
	int out[2], ep[2], st, e = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) < 0)
		return neg_errno();
	if (pipe2(ep, O_CLOEXEC) < 0) {
		e = neg_errno();
		close(out[0]);
		close(out[1]);
		return e;
	}
	pid = fork();
	if (pid == 0) {
		char text[8192];
		if (exec_fd < 0) {
			if (xstat_text(text, sizeof(text)) < 0 ||
			    fd_write_all(out[1], text, strlen(text)) < 0)
				_exit(1);
			_exit(0);
		}
		if (dup2(out[1], 1) == 1)
			fexecve(exec_fd, argv, environ);
		e = errno;
		(void)!write(ep[1], &e, sizeof(e));
		_exit(127);
	}
	close(out[1]);
	close(ep[1]);
	n = pid < 0 ? -1 : fd_read_all(out[0], buf, len - 1);
	if (pid > 0 && read(ep[0], &e, sizeof(e)) != sizeof(e))
		e = 0;
	close(out[0]);
	close(ep[0]);
	if (pid < 0 || n < 0)
		return pid < 0 ? neg_errno() : (int)n;
	buf[n] = '\0';
	if (wait_status(pid, &st) < 0)
		return neg_errno();
	*err = e;
	return e || (WIFEXITED(st) && WEXITSTATUS(st) == 0) ? 0 : -ECHILD;
}

int xstat_fork(struct xstat *x)
{
	char buf[8192];
	int e, r = run_printer(-1, &e, buf, sizeof(buf));

	return r < 0 ? r : xstat_parse(buf, x);
}

int xstat_exec(int fd, int *err, struct xstat *x)
{
	char buf[8192];
	int r = run_printer(fd, err, buf, sizeof(buf));

	if (r < 0 || *err)
		return r;
	return xstat_parse(buf, x);
}

/* ---- an execve scenario ----------------------------------------------- */

struct rexec_run {
	const struct rexec_plan *p;
	int fd;
};

static int rexec_child(void *arg, void *out, size_t len)
{
	const struct rexec_run *e = arg;
	struct rexec_seen *o = out;
	const char *step = "prepare";
	int r = e->p->prep ? e->p->prep(e->p->act, &step) : 0;

	(void)len;
	if (r < 0)
		return child_fail(step, r);
	CHILD_TRY("read the sets before execve", xstat_self(&o->before));
	if (e->p->no_exec) {
		CHILD_TRY("read a forked child's sets", xstat_fork(&o->after));
	} else {
		CHILD_TRY("execute the copy",
			  xstat_exec(e->fd, &o->exec_err, &o->after));
		o->exec_err = cap_call_err(o->exec_err);
	}
	if (e->p->extras)
		xstat_extras_seen(&o->after);
	return 0;
}

int rexec_observe(struct ctx *c, const struct rexec_plan *p,
		  struct rexec_seen *o)
{
	_cleanup_close_ int fd = -1;
	struct rexec_run e = { .p = p };

	TRY_OBS(capbin_setup(c, 0, &fd));
	TRY(c, sysr(fchown(fd, p->owner, p->owner)), "chown bin/status");
	TRY(c, sysr(fchmod(fd, p->mode ? p->mode : 0755)), "chmod bin/status");
	if (p->fcaps)
		TRY(c, capbin_set_caps(fd, p->fcaps),
		    "set file capabilities on bin/status");
	e.fd = fd;
	TRY_OBS(run_in_child(c, "execute bin/status in the child", 0,
			     rexec_child, &e, o, sizeof(*o)));
	return 0;
}

void judge_rexec(struct judge *j, const struct rexec_seen *o)
{
	judge_mask(j, "CapPrm before", o->before.s.prm);
	judge_mask(j, "CapInh before", o->before.s.inh);
	judge_kv(j, "securebits before", "%#x", o->before.secbits);
	judge_kv(j, "execve", "%s",
		 o->exec_err ? strerrorname_np(o->exec_err) : "ok");
	if (o->exec_err)
		return;
	judge_mask(j, "CapPrm after", o->after.s.prm);
	judge_mask(j, "CapEff after", o->after.s.eff);
	judge_mask(j, "CapInh after", o->after.s.inh);
	judge_kv(j, "euid after", "%u", o->after.s.euid);
	judge_kv(j, "securebits after", "%#x", o->after.secbits);
	judge_kv(j, "AT_SECURE after", "%lu", o->after.at_secure);
}

/* ---- security.capability ---------------------------------------------- */

int fcap_read(int fd, struct fcap_raw *r)
{
	struct vfs_ns_cap_data d = { 0 };
	ssize_t n = fgetxattr(fd, "security.capability", &d, sizeof(d));
	unsigned magic = le32toh(d.magic_etc);

	memset(r, 0, sizeof(*r));
	if (n < 0)
		return neg_errno();
	r->size = (int)n;
	r->rev = (magic & VFS_CAP_REVISION_MASK) >> 24;
	r->effective = magic & VFS_CAP_FLAGS_EFFECTIVE;
	r->prm = le32toh(d.data[0].permitted);
	r->inh = le32toh(d.data[0].inheritable);
	if (r->rev >= 2) {
		r->prm |= (capmask_t)le32toh(d.data[1].permitted) << 32;
		r->inh |= (capmask_t)le32toh(d.data[1].inheritable) << 32;
	}
	if (r->rev == 3)
		r->rootid = le32toh(d.rootid);
	if (mutant_on(M_CAPS_XATTR_V2))
		r->rev = 2, r->rootid = 0, r->size = XATTR_CAPS_SZ_2;
	return 0;
}
