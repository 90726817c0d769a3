// SPDX-License-Identifier: MIT
/*
 * Keyrings belong to user namespaces: keyring names, and each user's user
 * keyring, are looked up in the caller's user namespace. Every key made here
 * lives in a keyring of a child we made (a named session keyring, or the
 * user keyring of a user namespace we made); the host's user and session
 * keyrings are never touched.
 */
#include "nsmore.h"

#include <linux/keyctl.h>
#include <string.h>
#include <sys/syscall.h>

#define KEY_POS_ALL 0x3f000000
#define KEY_USR_ALL 0x003f0000
#define KEY_DESC "boxcheck:key"

static long keyctl(int op, unsigned long a, unsigned long b, unsigned long c,
		   unsigned long d)
{
	return syscall(SYS_keyctl, op, a, b, c, d);
}

static long add_user_key(long ring)
{
	return syscall(SYS_add_key, "user", KEY_DESC, "boxcheck", 8, ring);
}

/* The errno of a search for our key from ring (M_KEY_SEARCH: ENOKEY). */
static int key_search(long ring)
{
	long k = keyctl(KEYCTL_SEARCH, ring, (unsigned long)"user",
			(unsigned long)KEY_DESC, 0);

	return probe_errno(M_KEY_SEARCH, k, ENOKEY);
}

/* Keyrings answer keyctl at all: a lookup that creates nothing. */
static int keys_probe(struct ctx *c)
{
	if (keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 0, 0, 0) <
		    0 &&
	    errno == ENOSYS)
		return ctx_skip(c, "kernel has no keyrings (keyctl: ENOSYS)");
	return 0;
}

struct key_found {
	long ours; /* the searcher's keyring */
	int err;   /* errno of the search, 0 if the key was found */
};

struct key_seen {
	long theirs; /* the keyring holding the key */
	struct key_found found;
};

/* ---- named session keyrings -------------------------------------------- */

/* The holder: a named session keyring, searchable by its user, one key. */
static _Noreturn void hold_named(const char *name, struct chan *res,
				 struct chan *hold)
{
	long ring = keyctl(KEYCTL_JOIN_SESSION_KEYRING, (unsigned long)name, 0,
			   0, 0);
	const char *step = "join the named session keyring";
	int err = ring < 0 ? neg_errno() : 0;

	if (!err &&
	    keyctl(KEYCTL_SETPERM, ring, KEY_POS_ALL | KEY_USR_ALL, 0, 0) < 0)
		step = "KEYCTL_SETPERM", err = neg_errno();
	if (!err && add_user_key(KEY_SPEC_SESSION_KEYRING) < 0)
		step = "add_key", err = neg_errno();
	live_send(res, step, err, &ring, sizeof(ring));
	live_wait(hold);
	_exit(0);
}

/* The searcher: join the keyring of that name, search it for the key. */
static int join_named(void *arg, void *out, size_t len)
{
	struct key_found *o = out;
	int r;

	(void)len;
	if ((r = nsmore_become_root()) < 0)
		return child_fail("become root", r);
	o->ours = keyctl(KEYCTL_JOIN_SESSION_KEYRING, (unsigned long)arg, 0, 0,
			 0);
	if (o->ours < 0)
		return child_fail("join the named session keyring",
				  neg_errno());
	o->err = key_search(KEY_SPEC_SESSION_KEYRING);
	return 0;
}

static int observe_named(struct ctx *c, struct key_seen *o)
{
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct nsrun r = nsmore_run(0, c->isolate, false);
	char name[64];

	TRY_OBS(keys_probe(c));
	snprintf(name, sizeof(name), "boxcheck-%d", getpid());
	TRY(c, chan_open(&res), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = fork();
	if (pid < 0)
		return ctx_error(c, neg_errno(), "fork the holder");
	if (pid == 0)
		hold_named(name, &res, &hold);
	TRY_OBS(live_recv(c, "the holder", &res, &o->theirs,
			  sizeof(o->theirs)));
	TRY_OBS(nsrun(c, "join and search in the child", &r, join_named, name,
		      &o->found, sizeof(o->found)));
	return 0;
}

static enum obs judge_key(struct judge *j, const struct key_seen *o)
{
	judge_kv(j, "holder's keyring", "%ld", o->theirs);
	const struct key_found *f = &o->found;

	judge_kv(j, "searcher's keyring", "%ld", f->ours);
	judge_kv(j, "search for " KEY_DESC, "%s", errname(f->err));
	if (f->err && f->err != ENOKEY)
		return judge_unknown(j, "the search failed with %s",
				     errname(f->err));
	return judge_holds(j, f->err == ENOKEY,
			   "the key is %s from the searcher's keyring (%s)",
			   f->err ? "not found" : "found",
			   f->ours == o->theirs ? "the holder's"
						: "another keyring");
}
CHECK(named_session, struct key_seen, observe_named, judge_key);

/* ---- user keyrings ------------------------------------------------------ */

/* In a user namespace of its own: root's user keyring holds the key. */
static _Noreturn void hold_user_key(bool add, struct chan *res,
				    struct chan *hold)
{
	long ring = 0;
	int err = nsmore_become_root();
	const char *step = "become root";

	if (!err && add) {
		step = "add_key to the user keyring";
		ring = keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 1,
			      0, 0);
		if (ring < 0 || add_user_key(KEY_SPEC_USER_KEYRING) < 0)
			err = neg_errno();
	}
	live_send(res, step, err, &ring, sizeof(ring));
	live_wait(hold);
	_exit(0);
}

struct holder_u {
	pid_t pid;
	struct chan res, hold;
};

static int start_holder(struct ctx *c, struct holder_u *h, bool add)
{
	idmap_single(&nsmore_unpriv_map, 0, UNPRIV_ID, 1);
	TRY(c, chan_open(&h->res), "pipe");
	TRY(c, chan_open(&h->hold), "pipe");
	h->pid = TRY(
		c,
		userns_fork(0, &nsmore_unpriv_map, &nsmore_unpriv_map, false),
		"fork a holder in a user namespace");
	if (h->pid == 0)
		hold_user_key(add, &h->res, &h->hold);
	return 0;
}

static void stop_holder(struct holder_u *h)
{
	chan_close(&h->res);
	chan_close(&h->hold);
	reapp(&h->pid);
}

/* Join the user namespace fd, become its root, search the user keyring. */
static int join_user(void *arg, void *out, size_t len)
{
	struct key_found *o = out;
	int r;

	(void)len;
	if (setns(*(const int *)arg, CLONE_NEWUSER) < 0)
		return child_fail("setns into the user namespace", neg_errno());
	if ((r = nsmore_become_root()) < 0)
		return child_fail("become root", r);
	o->ours = keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0, 0, 0);
	o->err = key_search(KEY_SPEC_USER_KEYRING);
	return 0;
}

/*
 * The key's holder in a user ns U1, another (empty) in a sibling U2; the
 * searcher joins U2, or (control) U1, as the same uid 100000.
 */
static int observe_user(struct ctx *c, struct key_seen *o)
{
	_cleanup_(stop_holder) struct holder_u a = { -1, CHAN_INIT, CHAN_INIT };
	_cleanup_(stop_holder) struct holder_u b = { -1, CHAN_INIT, CHAN_INIT };
	_cleanup_close_ int fd = -1;
	long none;

	TRY_OBS(keys_probe(c));
	TRY_OBS(start_holder(c, &a, true));
	TRY_OBS(live_recv(c, "the key's holder", &a.res, &o->theirs,
			  sizeof(o->theirs)));
	TRY_OBS(start_holder(c, &b, false));
	TRY_OBS(live_recv(c, "the other holder", &b.res, &none, sizeof(none)));
	fd = TRY(c, ns_open(c->isolate ? b.pid : a.pid, NS_USER),
		 "open the user namespace to join");
	TRY_OBS(run_in_child(c, "join and search in the child", 0, join_user,
			     &fd, &o->found, sizeof(o->found)));
	return 0;
}
CHECK(user_keyring, struct key_seen, observe_user, judge_key);

#define KEY_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER),                           \
		.features = FEAT_BIT(FEAT_USERNS)                              \
	}

static const struct scenario ns_keyring[] = {
	{ .id = "keyring/named-session-per-userns",
	  .title = "keyring names are per user namespace",
	  .property = "joining a session keyring by name from a new user "
		      "namespace (root mapped to root) gets a keyring of its "
		      "own, without the key added to the outer one",
	  .expect = "ENOKEY",
	  .req = KEY_REQ,
	  .tags = { "keyring", "userns" },
	  .check = &named_session },
	{ .id = "keyring/user-keyring-per-userns",
	  .title = "a user keyring is per user namespace",
	  .property = "a key in uid 100000's user keyring in one user "
		      "namespace is not in that uid's user keyring in a "
		      "sibling user namespace",
	  .expect = "ENOKEY",
	  .req = KEY_REQ,
	  .tags = { "keyring", "userns" },
	  .check = &user_keyring },
};

BOXCHECK_AREA(ns_keyring, ns_keyring);
