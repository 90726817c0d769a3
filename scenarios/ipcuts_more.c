// SPDX-License-Identifier: MIT
/*
 * More of ipc_namespaces(7) and uts_namespaces(7): kernel.shm_rmid_forced
 * acts per IPC namespace, /proc/sysvipc lists the reader's namespace, and
 * a new UTS namespace starts with a copy of its creator's names. The
 * worker's IPC and UTS namespaces are the runner's stand-ins for the
 * host's (ns_fenced() checks).
 */
#include "nsw.h"

#include <string.h>
#include <sys/shm.h>

#define KEY_HERE 0x62780071
#define KEY_CHILD 0x62780072

/* A SysV segment of key found? M_IPC_LOOKUP: never. */
static int shm_found(key_t key, bool *found)
{
	int id = shmget(key, 0, 0);

	if (id < 0 && errno != ENOENT)
		return neg_errno();
	*found = id >= 0 && !mutant_on(M_IPC_LOOKUP);
	return 0;
}

static void shm_remove(key_t key)
{
	int id = shmget(key, 0, 0);

	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
}

/* ---- shm_rmid_forced ------------------------------------------------------ */

static int set_forced(void *arg, void *out, size_t len)
{
	(void)arg;
	NSW_TRY("write kernel.shm_rmid_forced = 1",
		sysctl_set("kernel/shm_rmid_forced", "1"));
	NSW_TRY("read it back", sysctl_get("kernel/shm_rmid_forced", out, len));
	return 0;
}

/* A process that makes a segment, attaches nothing, and ends. */
static int make_segment(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)out;
	(void)len;
	NSW_TRY("shmget",
		sysr(shmget(KEY_HERE, 4096, IPC_CREAT | IPC_EXCL | 0600)));
	return 0;
}

struct forced_seen {
	char child[16]; /* shm_rmid_forced read back where it was set */
	bool survived;	/* the segment outlived its maker, here */
};

static int observe_forced(struct ctx *c, struct forced_seen *o)
{
	char none;

	TRY_OBS(ns_fenced(c, NS_IPC));
	TRY_OBS(run_in_child(c, "set shm_rmid_forced in a child",
			     c->isolate ? CLONE_NEWIPC : 0, set_forced, NULL,
			     o->child, sizeof(o->child)));
	TRY_OBS(run_in_child(c, "make a segment and end", 0, make_segment, NULL,
			     &none, 0));
	TRY(c, shm_found(KEY_HERE, &o->survived), "look the segment up");
	shm_remove(KEY_HERE);
	return 0;
}

static enum obs judge_forced(struct judge *j, const struct forced_seen *o)
{
	judge_kv(j, "shm_rmid_forced where set", "%s", o->child);
	if (strcmp(o->child, "1") != 0)
		return judge_unknown(j,
				     "shm_rmid_forced reads \"%s\" where "
				     "it was set to 1",
				     o->child);
	return judge_holds(j, o->survived,
			   "an unattached segment %s its maker's exit here",
			   o->survived ? "outlived" : "died with");
}
CHECK(rmid_forced_per_ns, struct forced_seen, observe_forced, judge_forced);

/* ---- /proc/sysvipc -------------------------------------------------------- */

/* Is key listed in /proc/sysvipc/shm? M_IPC_LOOKUP: never. */
static int sysvipc_lists(key_t key, bool *listed)
{
	char text[16384], *l;
	int r = read_text("/proc/sysvipc/shm", text, sizeof(text)), k;

	if (r < 0)
		return r;
	*listed = false;
	for (l = strchr(text, '\n'); l && *++l; l = strchr(l, '\n'))
		if (sscanf(l, "%d", &k) == 1 && k == key)
			*listed = true;
	if (mutant_on(M_IPC_LOOKUP))
		*listed = false;
	return 0;
}

struct sysvipc_seen {
	bool own;   /* the child's own segment is listed to it */
	bool outer; /* the worker's segment is listed to it */
};

static int read_sysvipc(void *arg, void *out, size_t len)
{
	struct sysvipc_seen *o = out;
	int r;

	(void)arg;
	(void)len;
	NSW_TRY("make a segment",
		sysr(shmget(KEY_CHILD, 4096, IPC_CREAT | IPC_EXCL | 0600)));
	r = sysvipc_lists(KEY_CHILD, &o->own);
	if (r == 0)
		r = sysvipc_lists(KEY_HERE, &o->outer);
	shm_remove(KEY_CHILD);
	NSW_TRY("read /proc/sysvipc/shm", r);
	return 0;
}

static int observe_sysvipc(struct ctx *c, struct sysvipc_seen *o)
{
	int r;

	TRY_OBS(ns_fenced(c, NS_IPC));
	TRY(c, sysr(shmget(KEY_HERE, 4096, IPC_CREAT | IPC_EXCL | 0600)),
	    "make a segment here");
	r = run_in_child(c, "read /proc/sysvipc in a child",
			 c->isolate ? CLONE_NEWIPC : 0, read_sysvipc, NULL, o,
			 sizeof(*o));
	shm_remove(KEY_HERE);
	return r;
}

static enum obs judge_sysvipc(struct judge *j, const struct sysvipc_seen *o)
{
	judge_kv(j, "its own segment listed", "%s", o->own ? "yes" : "no");
	judge_kv(j, "the worker's segment listed", "%s",
		 o->outer ? "yes" : "no");
	if (!o->own)
		return judge_unknown(j, "the reader's own segment is not "
					"listed");
	return judge_holds(j, !o->outer,
			   "/proc/sysvipc/shm %s the worker's segment",
			   o->outer ? "lists" : "does not list");
}
CHECK(sysvipc_per_ns, struct sysvipc_seen, observe_sysvipc, judge_sysvipc);

/* ---- a new UTS namespace copies its creator's names ----------------------- */

#define UTS_HOST "boxcheck-uts-a"
#define UTS_DOMAIN "boxcheck-dom-a"

static int set_names(void)
{
	if (sethostname(UTS_HOST, strlen(UTS_HOST)) < 0 ||
	    setdomainname(UTS_DOMAIN, strlen(UTS_DOMAIN)) < 0)
		return neg_errno();
	return 0;
}

struct uts_names {
	char host[65], domain[65];
};

/* B's names. Mutation point M_UTS_READ: a fixed name. */
static int read_names(struct uts_names *n)
{
	if (gethostname(n->host, sizeof(n->host) - 1) < 0 ||
	    getdomainname(n->domain, sizeof(n->domain) - 1) < 0)
		return neg_errno();
	if (mutant_on(M_UTS_READ))
		snprintf(n->host, sizeof(n->host), "mutant");
	return 0;
}

/*
 * In A (a UTS namespace of its own): the names set, then B made with
 * CLONE_NEWUTS (isolated); in the control B is made first. B reads its
 * names only after A has set them.
 */
static int in_a(void *arg, void *out, size_t len)
{
	bool before = *(const bool *)arg;
	_cleanup_chan_ struct chan go = CHAN_INIT, res = CHAN_INIT;
	_cleanup_reap_ pid_t b = -1;
	int st;

	(void)len;
	NSW_TRY("pipe", chan_open(&go));
	NSW_TRY("pipe", chan_open(&res));
	if (before)
		NSW_TRY("set A's names", set_names());
	NSW_TRY("make B", b = ns_fork(CLONE_NEWUTS));
	if (b == 0) {
		struct uts_names n = { { 0 }, { 0 } };
		char x;
		int r;

		closep(&go.wr);
		r = read(go.rd, &x, 1) == 1 ? read_names(&n) : -EPIPE;
		chan_send_int(&res, r);
		chan_send(&res, &n, sizeof(n));
		_exit(0);
	}
	if (!before)
		NSW_TRY("set A's names", set_names());
	NSW_TRY("cue B", chan_send(&go, "g", 1));
	closep(&res.wr);
	res.wr = -1;
	NSW_TRY("hear from B", chan_recv_int(&res, &st));
	NSW_TRY("B reads its names", st);
	NSW_TRY("hear from B", chan_recv(&res, out, sizeof(struct uts_names)));
	NSW_TRY("reap B", wait_status(TAKE_PID(b), &st));
	return 0;
}

static int observe_uts_copy(struct ctx *c, struct uts_names *o)
{
	bool before = c->isolate;

	TRY_OBS(ns_fenced(c, NS_UTS));
	return run_in_child(c, "A, in a UTS namespace of its own", CLONE_NEWUTS,
			    in_a, &before, o, sizeof(*o));
}

static enum obs judge_uts_copy(struct judge *j, const struct uts_names *o)
{
	bool same = strcmp(o->host, UTS_HOST) == 0 &&
		    strcmp(o->domain, UTS_DOMAIN) == 0;

	judge_kv(j, "B's hostname", "%s", o->host);
	judge_kv(j, "B's domainname", "%s", o->domain);
	return judge_holds(j, same, "B reads %s / %s", o->host, o->domain);
}
CHECK(uts_copy, struct uts_names, observe_uts_copy, judge_uts_copy);

static const struct scenario ipcuts_more[] = {
	{ .id = "ipcns/shm-rmid-forced-per-ns",
	  .title = "kernel.shm_rmid_forced acts per IPC namespace",
	  .property = "with shm_rmid_forced = 1 set in a new IPC namespace, "
		      "an unattached segment made outside outlives its "
		      "maker (set outside, it dies with it)",
	  .expect = "an unattached segment outlived its maker's exit here",
	  .req = { .root = true, .ns = NS_BIT(NS_IPC) },
	  .tags = { "ipc", "sysctl" },
	  .check = &rmid_forced_per_ns },
	{ .id = "ipcns/proc-sysvipc-per-ns",
	  .title = "/proc/sysvipc lists the reader's IPC namespace",
	  .property = "a reader in a new IPC namespace finds its own segment "
		      "in /proc/sysvipc/shm and not the one made outside",
	  .expect = "/proc/sysvipc/shm does not list the worker's segment",
	  .req = { .root = true, .ns = NS_BIT(NS_IPC) },
	  .tags = { "ipc", "proc" },
	  .check = &sysvipc_per_ns },
	{ .id = "utsns/new-ns-copies-names",
	  .title = "a new UTS namespace starts with its creator's names",
	  .property = "a UTS namespace made after its creator set hostname "
		      "and domainname has those names, kept after the "
		      "creator's namespace changes",
	  .expect = "B reads boxcheck-uts-a / boxcheck-dom-a",
	  .req = { .root = true, .ns = NS_BIT(NS_UTS) },
	  .tags = { "uts" },
	  .check = &uts_copy },
};

BOXCHECK_AREA(ipcuts_more, ipcuts_more);
