// SPDX-License-Identifier: MIT
/*
 * selftest/fence (tag "selftest", see selftest.c): with no unshare of its
 * own, acts on every namespace a worker would share with the host unless
 * the runner fences it: hostname, domainname, SysV shm, sem and msg, a
 * POSIX message queue, a veth pair, / made shared. It looks for the
 * effects from the worker and from the runner's namespaces; and it refuses
 * to act at all (an error) when the worker is not fenced.
 * tests/selftest.sh checks the host afterwards (tests/leak-common.sh).
 */
#include "nsrun.h"

#include <mqueue.h>
#include <net/if.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/utsname.h>

#define FENCE_NAME "bxc-fence"
#define FENCE_KEY 0x62786366 /* "bxcf" */
#define FENCE_MQ "/bxc-fence"
#define FENCE_IF "bxc-fence0"
#define FENCE_PEER "bxc-fence1"

/* 1 when a lookup found it, 0 when errno says it is not there, or -errno. */
static int found(bool ok, int absent)
{
	return ok ? 1 : errno == absent ? 0 : neg_errno();
}

static int uts_is(bool domain)
{
	struct utsname u;

	if (uname(&u) < 0)
		return neg_errno();
	return !strcmp(domain ? u.domainname : u.nodename, FENCE_NAME);
}

static int act_hostname(void)
{
	return sethostname(FENCE_NAME, strlen(FENCE_NAME)) < 0 ? neg_errno()
							       : 0;
}

static int seen_hostname(void)
{
	return uts_is(false);
}

static int act_domainname(void)
{
	return setdomainname(FENCE_NAME, strlen(FENCE_NAME)) < 0 ? neg_errno()
								 : 0;
}

static int seen_domainname(void)
{
	return uts_is(true);
}

/* SysV objects under our key, never removed: the runner's to contain. */
static int act_shm(void)
{
	return shmget(FENCE_KEY, 4096, IPC_CREAT | 0600) < 0 ? neg_errno() : 0;
}

static int seen_shm(void)
{
	return found(shmget(FENCE_KEY, 0, 0) >= 0, ENOENT);
}

static int act_sem(void)
{
	return semget(FENCE_KEY, 1, IPC_CREAT | 0600) < 0 ? neg_errno() : 0;
}

static int seen_sem(void)
{
	return found(semget(FENCE_KEY, 0, 0) >= 0, ENOENT);
}

static int act_msg(void)
{
	return msgget(FENCE_KEY, IPC_CREAT | 0600) < 0 ? neg_errno() : 0;
}

static int seen_msg(void)
{
	return found(msgget(FENCE_KEY, 0) >= 0, ENOENT);
}

static int act_mqueue(void)
{
	mqd_t q = mq_open(FENCE_MQ, O_CREAT | O_RDWR, 0600, NULL);

	if (q == (mqd_t)-1)
		return neg_errno();
	mq_close(q); /* the queue stays */
	return 0;
}

static int seen_mqueue(void)
{
	mqd_t q = mq_open(FENCE_MQ, O_RDONLY);

	if (q != (mqd_t)-1)
		mq_close(q);
	return found(q != (mqd_t)-1, ENOENT);
}

static int act_veth(void)
{
	const char *argv[] = { "ip",   "link", "add",  FENCE_IF,   "type",
			       "veth", "peer", "name", FENCE_PEER, NULL };
	int r = run_cmd(argv);

	return r == 0 ? 0 : r < 0 ? r : -EIO;
}

static int seen_veth(void)
{
	return found(if_nametoindex(FENCE_IF) != 0, ENODEV);
}

static int act_shared_root(void)
{
	return mount(NULL, "/", NULL, MS_SHARED, NULL) < 0 ? neg_errno() : 0;
}

static const struct fence_act {
	const char *call;  /* evidence: the attempt */
	const char *what;  /* its effect, in lists */
	int (*act)(void);  /* 0 or -errno */
	int (*seen)(void); /* from here: 1, 0, -errno; NULL: / (apart) */
} acts[] = {
	{ "sethostname", "hostname", act_hostname, seen_hostname },
	{ "setdomainname", "domainname", act_domainname, seen_domainname },
	{ "shmget", "shm", act_shm, seen_shm },
	{ "semget", "sem", act_sem, seen_sem },
	{ "msgget", "msg", act_msg, seen_msg },
	{ "mq_open", "mqueue", act_mqueue, seen_mqueue },
	{ "ip link add veth", "veth", act_veth, seen_veth },
	{ "mount --make-shared /", "shared /", act_shared_root, NULL },
};
#define N_ACTS ARRAY_SIZE(acts)
#define ACT_ROOT (N_ACTS - 1)

struct fence_obs {
	bool here[N_ACTS];   /* each act's effect, seen from the worker */
	bool runner[N_ACTS]; /* ... and from the runner's namespaces */
};

/* Every act's effect (but the root's), seen from the namespaces we are in. */
static int look(bool *seen, const char **what)
{
	for (size_t i = 0; i < N_ACTS; i++) {
		int r = acts[i].seen ? acts[i].seen() : 0;
		if (r < 0) {
			*what = acts[i].what;
			return r;
		}
		seen[i] = r;
	}
	return 0;
}

/* A child in the runner's UTS, IPC and net namespaces: it only looks. */
static int look_from_runner(void *arg, void *out, size_t len)
{
	const pid_t *runner = arg;
	const char *what = "";
	int r;

	(void)len;
	r = ns_join(*runner, NS_BIT(NS_UTS) | NS_BIT(NS_IPC) | NS_BIT(NS_NET));
	if (r < 0)
		return child_fail("join the runner's uts, ipc and net ns", r);
	if ((r = look(out, &what)) < 0)
		return child_fail(what, r);
	return 0;
}

/* N of "shared:N" on the last mount on / in a mountinfo file, else 0. */
static int root_peer(const char *mountinfo, int *peer)
{
	_cleanup_fclose_ FILE *f = fopen(mountinfo, "re");
	char line[4096], mp[4096];

	*peer = 0;
	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f)) {
		const char *sh = strstr(line, " shared:");
		const char *dash = strstr(line, " - ");
		if (sscanf(line, "%*d %*d %*s %*s %4095s", mp) != 1 ||
		    strcmp(mp, "/"))
			continue;
		*peer = sh && dash && sh < dash ? atoi(sh + 8) : 0;
	}
	return 0;
}

/* Without the runner's fence, refuse: an error, never an act on the host. */
static int check_fenced(struct ctx *c, pid_t runner)
{
	static const enum ns_type fenced[] = { NS_MNT, NS_UTS, NS_IPC, NS_NET };

	for (size_t i = 0; i < ARRAY_SIZE(fenced); i++) {
		struct ns_id ours, theirs;
		TRY(c, ns_id_of(0, fenced[i], &ours), "stat our namespaces");
		TRY(c, ns_id_of(runner, fenced[i], &theirs),
		    "stat the runner's namespaces");
		if (ns_id_equal(&ours, &theirs))
			return ctx_error(c, 0,
					 "the worker shares the runner's %s "
					 "namespace: no fence, nothing done",
					 ns_table[fenced[i]].name);
	}
	return 0;
}

/* The action: every hostile act, each attempt as evidence. */
static void attack(struct ctx *c)
{
	for (size_t i = 0; i < N_ACTS; i++) {
		int r = acts[i].act();
		ctx_kv(c, acts[i].call, "%s",
		       r < 0 ? strerrorname_np(-r) : "ok");
	}
}

static int observe_fence(struct ctx *c, struct fence_obs *o)
{
	pid_t runner = getppid();
	char path[64];
	const char *what = "";
	int r, ours, theirs;

	TRY_OBS(check_fenced(c, runner));
	if (c->isolate)
		attack(c);
	/* What is there now, looked at the same way in both runs. */
	if ((r = look(o->here, &what)) < 0)
		return ctx_error(c, r, "look for the %s from the worker", what);
	TRY_OBS(run_in_child(c, "look from the runner's namespaces", 0,
			     look_from_runner, &runner, o->runner,
			     sizeof(o->runner)));
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", runner);
	TRY(c, root_peer("/proc/self/mountinfo", &ours), "read our mountinfo");
	TRY(c, root_peer(path, &theirs), "read the runner's mountinfo");
	o->here[ACT_ROOT] = ours > 0;
	o->runner[ACT_ROOT] = ours > 0 && theirs == ours;
	return 0;
}

static void list_of(const bool *set, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_ACTS && k < len; i++)
		if (set[i])
			k += snprintf(buf + k, len - k, "%s%s", k ? ", " : "",
				      acts[i].what);
	if (!buf[0])
		snprintf(buf, len, "none");
}

/* Every act took effect in the worker, none in the runner's namespaces. */
static enum obs judge_fence(struct judge *j, const struct fence_obs *o)
{
	char here[160], there[160];
	bool all = true, none = true;

	for (size_t i = 0; i < N_ACTS; i++) {
		all = all && o->here[i];
		none = none && !o->runner[i];
	}
	list_of(o->here, here, sizeof(here));
	list_of(o->runner, there, sizeof(there));
	judge_kv(j, "took effect in the worker", "%s", here);
	judge_kv(j, "seen from the runner", "%s", there);
	return judge_holds(j, all && none,
			   "%s of %zu acts took effect in the worker; seen "
			   "from the runner's namespaces: %s",
			   all ? "all" : "not all", N_ACTS, there);
}
CHECK(fence, struct fence_obs, observe_fence, judge_fence);

static const struct scenario selftest_fence[] = {
	{
		.id = "selftest/fence",
		.title = "a scenario that acts on the host's namespaces",
		.property = "with no unshare of its own, a worker's hostname, "
			    "domainname, SysV and POSIX IPC objects, veth pair "
			    "and shared / take effect in its own namespaces "
			    "and never in the runner's",
		.expect = "all 8 acts took effect in the worker; none seen "
			  "from the runner's namespaces",
		.req = { .root = true, .cmds = { "ip" } },
		.tags = { "selftest" },
		.check = &fence,
	},
};

BOXCHECK_AREA(selftest_fence, selftest_fence);
