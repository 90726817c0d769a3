// SPDX-License-Identifier: MIT
/* The capability gate rows' runner (caps_gate.h; no scenarios here). */
#include "caps_gate.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>

/* ---- set-up steps rows share ------------------------------------------ */

int gate_uid_peer(struct gate_call *g, const char **step)
{
	int ready[2], hold[2];
	char b;
	ssize_t n;

	*step = "pipe";
	if (pipe2(ready, O_CLOEXEC) < 0)
		return neg_errno();
	if (pipe2(hold, O_CLOEXEC) < 0) {
		int r = neg_errno();
		close(ready[0]);
		close(ready[1]);
		return r;
	}
	*step = "fork the uid 1000 process";
	g->pid = fork();
	if (g->pid == 0) {
		close(ready[0]);
		close(hold[1]);
		if (become_uid(CAPS_UID) < 0 || write(ready[1], "r", 1) != 1)
			_exit(1);
		while (read(hold[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	g->hold = hold[1];
	n = g->pid < 0 ? -1 : read(ready[0], &b, 1);
	close(ready[0]);
	if (g->pid < 0)
		return neg_errno();
	*step = "the uid 1000 process did not start";
	return n == 1 ? 0 : -ECHILD;
}

int gate_open_file(struct gate_call *g, const char **step)
{
	*step = "open g/f";
	g->fd = open("g/f", O_RDONLY | O_CLOEXEC);
	return g->fd < 0 ? neg_errno() : 0;
}

int gate_need_path(struct ctx *c, const char *path, const char *what)
{
	return path_exists(path) ? 0 : ctx_skip(c, "%s (no %s)", what, path);
}

static void gate_cleanup(struct gate_call *g)
{
	if (g->fd >= 0)
		close(g->fd);
	if (g->fd2 >= 0)
		close(g->fd2);
	if (g->hold >= 0)
		close(g->hold);
	if (g->pid > 0)
		waitpid(g->pid, NULL, 0);
	g->fd = g->fd2 = g->hold = g->pid = -1;
}

/* ---- the child -------------------------------------------------------- */

struct gate_arg {
	const struct gate *g;
	bool drop; /* the action: CAP_X out of the effective set */
};

static int gate_steps(const struct gate_arg *a, struct gate_call *gc,
		      struct gate_seen *o)
{
	const struct gate *g = a->g;
	capmask_t clear = g->also | (a->drop ? CAPMASK(g->cap) : 0);
	const char *step = "set up";
	struct capstat s;
	int r;

	if (g->setup && (r = g->setup(gc, &step)) < 0)
		return child_fail(step, r);
	if (clear)
		CHILD_TRY("clear the effective set",
			  cap_flags_set(clear, CAP_EFFECTIVE, false));
	CHILD_TRY("read the sets", capstat_self(&s));
	o->eff = s.eff;
	o->prm = s.prm;
	o->bnd = s.bnd;
	if ((r = g->call(gc)) < 0)
		return child_fail(g->what, r);
	o->err = cap_call_err(r);
	o->val = gc->val;
	o->arg = gc->arg;
	if (mutant_on(M_CAPS_GATE_PASSED)) {
		o->err = g->past[0];
		o->val |= g->keep;
	}
	return 0;
}

static int gate_child(void *arg, void *out, size_t len)
{
	struct gate_call gc = { .fd = -1, .fd2 = -1, .pid = -1, .hold = -1 };
	int r;

	(void)len;
	r = gate_steps(arg, &gc, out);
	gate_cleanup(&gc);
	return r;
}

/* ---- observe, judge --------------------------------------------------- */

/* g/f on a tmpfs of the run's own: the row's mode and owner. */
static int gate_files(struct ctx *c, const struct gate *g)
{
	TRY(c, sysr(mkdir("g", 0755)), "mkdir g");
	TRY(c, sysr(mount("gate", "g", "tmpfs", MS_NOSUID, "mode=0755")),
	    "mount a tmpfs on g");
	TRY(c, write_text_creat("g/f", "boxcheck\n"), "write g/f");
	TRY(c, sysr(chown("g/f", g->fowner, g->fowner)), "chown g/f");
	TRY(c, sysr(chmod("g/f", g->fmode ? g->fmode : 0644)), "chmod g/f");
	return 0;
}

int gate_observe(struct ctx *c, const struct gate *g, struct gate_seen *o)
{
	struct gate_arg a = { .g = g, .drop = c->isolate };

	TRY_OBS(gate_files(c, g));
	if (g->probe)
		TRY_OBS(g->probe(c));
	TRY_OBS(run_in_child(c, g->what, g->clone, gate_child, &a, o,
			     sizeof(*o)));
	return 0;
}

static bool gate_past(const struct gate *g, int err)
{
	return err == 0 || err == g->past[0] || err == g->past[1];
}

static enum obs gate_value(struct judge *j, const struct gate *g,
			   const struct gate_seen *o, const char *cap)
{
	bool kept = (o->val & g->keep) == g->keep;

	judge_kv(j, "value", "%#lx", o->val);
	if (o->err)
		return judge_unknown(j, "%s failed with %s", g->what,
				     strerrorname_np(o->err));
	return judge_holds(j, !kept, "%s %s CapEff: %s %s", cap,
			   (o->eff >> g->cap) & 1 ? "in" : "not in", g->what,
			   kept ? "kept" : "cleared");
}

static enum obs judge_gate_errno(struct judge *j, const struct gate *g,
				 const struct gate_seen *o, const char *cap)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "call", "%s", e);
	if (o->err != g->want && !gate_past(g, o->err))
		return judge_unknown(j,
				     "%s failed with %s, neither %s nor "
				     "past the capability check",
				     g->what, e, strerrorname_np(g->want));
	return judge_holds(j, o->err == g->want, "%s %s CapEff: %s: %s", cap,
			   (o->eff >> g->cap) & 1 ? "in" : "not in", g->what,
			   e);
}

enum obs gate_judge(struct judge *j, const struct gate *g,
		    const struct gate_seen *o)
{
	char *name = cap_to_name(g->cap);
	char cap[40];

	snprintf(cap, sizeof(cap), "%s", name ? name : "the capability");
	cap_free(name);
	judge_mask(j, "CapEff", o->eff);
	if (g->also)
		judge_mask(j, "cleared in both runs", g->also);
	if (o->eff & g->also)
		return judge_unknown(j, "CapEff still holds a capability that "
					"would grant the call too");
	if (!((o->prm >> g->cap) & 1))
		return judge_unknown(j, "%s is not permitted", cap);
	return g->keep ? gate_value(j, g, o, cap)
		       : judge_gate_errno(j, g, o, cap);
}
