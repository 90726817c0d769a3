// SPDX-License-Identifier: MIT
/*
 * Writing the id maps of a user namespace: what the kernel refuses, each
 * rule a row. A disposable child of the worker is the writer; the target
 * is a process it starts in a new user namespace whose maps nobody wrote.
 * The isolated run adds the one thing the rule is about (a first write, a
 * malformed text, a dropped capability, a writer two levels up, a parent
 * that does not map the id); the control writes the same way without it
 * and must be taken.
 */
#include "nsw.h"

#include <linux/capability.h>
#include <string.h>
#include <unistd.h>

#define MAP_ONE "0 100000 1\n"
#define MAP_ROOT "0 0 1\n"

struct mapw_row {
	int (*fn)(const struct mapw_row *r, bool act, int *err);
	const char *file; /* the probed file of the target */
	const char *text; /* what the probe writes */
	const char
		*act_text; /* the isolated run's text, when that is the rule */
	off_t act_off;	   /* the isolated run's offset */
	const char *pre_file, *pre_text; /* the isolated run writes it first */
	capmask_t drop; /* the isolated writer lacks these capabilities */
	int want;	/* the errno of the rule */
};

/* The probe: mutation point M_IDMAP_WRITE reads `want`. */
static int probe(pid_t pid, const struct mapw_row *r, const char *text,
		 off_t off)
{
	return nsw_proc_write(M_IDMAP_WRITE, pid, r->file, text, off, r->want);
}

/* A target, maybe a first write to it, then the probe. */
static int r_plain(const struct mapw_row *r, bool act, int *err)
{
	_cleanup_holder_ struct holder t = HOLDER_INIT;
	const char *text = act && r->act_text ? r->act_text : r->text;

	if (act && r->drop)
		NSW_TRY("drop the capability", drop_effective(r->drop));
	NSW_TRY("start the target", userns_holder(&t, 0));
	if (act && r->pre_file)
		NSW_TRY("the first write",
			proc_write(t.pid, r->pre_file, r->pre_text));
	*err = probe(t.pid, r, text, act ? r->act_off : 0);
	return 0;
}

/* As uid 100000 with no capability: the target is its own creation. */
static int r_unpriv(const struct mapw_row *r, bool act, int *err)
{
	NSW_TRY("become uid 100000", become_dumpable(UNPRIV_ID));
	return r_plain(r, act, err);
}

/* A text of its own making: `lines` extents, or padded to `bytes`. */
static int r_built(const struct mapw_row *r, int *err, int lines, long bytes)
{
	_cleanup_holder_ struct holder t = HOLDER_INIT;
	_cleanup_free_ char *text = calloc(1, 8192 + (size_t)bytes);
	size_t n = 0;

	if (!text)
		return child_fail("allocate the text", -ENOMEM);
	for (int i = 0; i < lines; i++)
		n += sprintf(text + n, "%d %d 1\n", i, 1000 + i);
	if (bytes > 0) {
		n = sprintf(text, "0 100000 1");
		memset(text + n, ' ', (size_t)bytes - 1 - n);
		text[bytes - 1] = '\n';
	}
	NSW_TRY("start the target", userns_holder(&t, 0));
	*err = probe(t.pid, r, text, 0);
	return 0;
}

/* 341 extents, one more than a map may have; the control has 340. */
static int r_lines(const struct mapw_row *r, bool act, int *err)
{
	return r_built(r, err, act ? 341 : 340, 0);
}

/* A page of text (too long by one byte); the control one byte less. */
static int r_page(const struct mapw_row *r, bool act, int *err)
{
	long page = sysconf(_SC_PAGESIZE);

	return r_built(r, err, 0, act ? page : page - 1);
}

/* The target is a grandchild (a child in the control): G1 maps 0..9. */
static int r_grand(const struct mapw_row *r, bool act, int *err)
{
	_cleanup_holder_ struct holder t = HOLDER_INIT;
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t g1 = -1;
	struct idmap m;
	int target;

	if (!act) {
		NSW_TRY("start the target", userns_holder(&t, 0));
		*err = probe(t.pid, r, r->text, 0);
		return 0;
	}
	idmap_single(&m, 0, UNPRIV_ID, 10);
	NSW_TRY("pipe", chan_open(&res));
	NSW_TRY("pipe", chan_open(&hold));
	g1 = userns_fork(0, &m, &m, false);
	NSW_TRY("start the child user namespace", g1);
	if (g1 == 0) {
		struct holder g2 = HOLDER_INIT;
		int e = nsmore_become_root();

		closep(&hold.wr);
		if (e == 0)
			e = userns_holder(&g2, 0);
		chan_send_int(&res, e < 0 ? e : g2.pid);
		live_wait(&hold);
		holder_stop(&g2, NULL);
		_exit(0);
	}
	closep(&res.wr);
	res.wr = -1;
	NSW_TRY("hear from the child", chan_recv_int(&res, &target));
	NSW_TRY("start the grandchild", target);
	*err = probe(target, r, r->text, 0);
	return 0;
}

/* In the writer's own user namespace A (root of A, uid 100000 outside). */
static int nested_writer(void *arg, void *out, size_t len)
{
	const struct mapw_row *r = ((const void *const *)arg)[0];
	bool act = *(const bool *)((const void *const *)arg)[1];
	_cleanup_holder_ struct holder t = HOLDER_INIT;
	int *err = out;

	(void)len;
	NSW_TRY("become root of A", nsmore_become_root());
	if (strcmp(r->file, "projid_map") == 0)
		NSW_TRY("write A's projid_map",
			proc_write(0, "projid_map",
				   act ? MAP_ONE : "0 100000 2\n"));
	NSW_TRY("start the target", userns_holder(&t, 0));
	*err = probe(t.pid, r, r->text, 0);
	return 0;
}

/* A maps one id (0) in the isolated run, two (0 and 1) in the control. */
static int r_nested(const struct mapw_row *r, bool act, int *err)
{
	struct idmap u, g;
	bool uid = strcmp(r->file, "uid_map") == 0;
	struct nsrun n = { .via = NS_VIA_CLONE,
			   .flags = CLONE_NEWUSER,
			   .uid = &u,
			   .gid = &g };
	const void *arg[2] = { r, &act };
	struct child_res res;

	idmap_single(&u, 0, UNPRIV_ID, uid && !act ? 2 : 1);
	idmap_single(&g, 0, UNPRIV_ID, 1);
	if (nsrun_raw(&n, nested_writer, arg, err, sizeof(*err), &res) < 0)
		return child_relay_fail(&res, "run the writer in A");
	return 0;
}

/* The process writes its own map after unshare(CLONE_NEWUSER). */
static int r_self(const struct mapw_row *r, bool act, int *err)
{
	if (act)
		NSW_TRY("drop CAP_SETFCAP", drop_effective(r->drop));
	NSW_TRY("unshare(CLONE_NEWUSER)",
		unshare(CLONE_NEWUSER) < 0 ? neg_errno() : 0);
	*err = probe(0, r, r->text, 0);
	return 0;
}

#define ROW(fn_, file_, text_, want_, ...)                                     \
	{                                                                      \
		.fn = fn_, .file = file_, .text = text_, .want = want_,        \
		__VA_ARGS__                                                    \
	}

enum {
	W_ONCE,
	W_FIELD,
	W_ZERO,
	W_OVERLAP,
	W_OFFSET,
	W_LINES,
	W_PAGE,
	W_SETUID,
	W_GRAND,
	W_PARENT,
	W_SETFCAP,
	W_SETFCAP_SELF,
	W_OTHER,
	W_RANGE,
	W_PROJ_ZERO,
	W_PROJ_PARENT,
	W_DENY_LATE,
	W_ALLOW_AGAIN,
};
static const struct mapw_row rows[] = {
	[W_ONCE] = ROW(r_plain, "uid_map", MAP_ONE, EPERM,
		       .pre_file = "uid_map", .pre_text = MAP_ONE),
	[W_FIELD] = ROW(r_plain, "uid_map", MAP_ONE, EINVAL,
			.act_text = "0 100000\n"),
	[W_ZERO] = ROW(r_plain, "uid_map", MAP_ONE, EINVAL,
		       .act_text = "0 100000 0\n"),
	[W_OVERLAP] = ROW(r_plain, "uid_map", "0 100000 2\n2 200000 1\n",
			  EINVAL, .act_text = "0 100000 2\n1 200000 1\n"),
	[W_OFFSET] = ROW(r_plain, "uid_map", MAP_ONE, EINVAL, .act_off = 1),
	[W_LINES] = ROW(r_lines, "uid_map", NULL, EINVAL),
	[W_PAGE] = ROW(r_page, "uid_map", NULL, EINVAL),
	[W_SETUID] = ROW(r_plain, "uid_map", MAP_ONE, EPERM,
			 .drop = CAPMASK(CAP_SETUID)),
	[W_GRAND] = ROW(r_grand, "uid_map", MAP_ROOT, EPERM),
	[W_PARENT] = ROW(r_nested, "uid_map", "0 1 1\n", EPERM),
	[W_SETFCAP] = ROW(r_plain, "uid_map", MAP_ROOT, EPERM,
			  .drop = CAPMASK(CAP_SETFCAP)),
	[W_SETFCAP_SELF] = ROW(r_self, "uid_map", MAP_ROOT, EPERM,
			       .drop = CAPMASK(CAP_SETFCAP)),
	[W_OTHER] = ROW(r_unpriv, "uid_map", MAP_ONE, EPERM,
			.act_text = "0 100001 1\n"),
	[W_RANGE] = ROW(r_unpriv, "uid_map", MAP_ONE, EPERM,
			.act_text = "0 100000 2\n"),
	[W_PROJ_ZERO] = ROW(r_plain, "projid_map", MAP_ROOT, EINVAL,
			    .act_text = "0 0 0\n"),
	[W_PROJ_PARENT] = ROW(r_nested, "projid_map", "0 1 1\n", EPERM),
	[W_DENY_LATE] = ROW(r_plain, "setgroups", "deny", EPERM,
			    .pre_file = "gid_map", .pre_text = MAP_ONE),
	[W_ALLOW_AGAIN] = ROW(r_plain, "setgroups", "allow", EPERM,
			      .pre_file = "setgroups", .pre_text = "deny"),
};

struct mapw_arg {
	const struct mapw_row *r;
	bool act;
};

static int mapw_child(void *arg, void *out, size_t len)
{
	const struct mapw_arg *a = arg;

	(void)len;
	return a->r->fn(a->r, a->act, out);
}

struct mapw_seen {
	int err; /* errno of the probed write, 0 if it was taken */
};

static int observe_mapw(struct ctx *c, struct mapw_seen *o, int row)
{
	struct mapw_arg a = { &rows[row], c->isolate };

	ctx_kv(c, "file", "%s", rows[row].file);
	return run_in_child(c, "write the map from a child", 0, mapw_child, &a,
			    o, sizeof(*o));
}

static enum obs judge_mapw(struct judge *j, const struct mapw_seen *o, int row)
{
	return judge_err_is(j, o->err, rows[row].want, 0, "the write",
			    rows[row].file);
}

#define MAPW_CHECK(name_, row_)                                                \
	static int observe_##name_(struct ctx *c, struct mapw_seen *o)         \
	{                                                                      \
		return observe_mapw(c, o, row_);                               \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct mapw_seen *o)               \
	{                                                                      \
		return judge_mapw(j, o, row_);                                 \
	}                                                                      \
	CHECK(name_, struct mapw_seen, observe_##name_, judge_##name_)
MAPW_CHECK(w_once, W_ONCE);
MAPW_CHECK(w_field, W_FIELD);
MAPW_CHECK(w_zero, W_ZERO);
MAPW_CHECK(w_overlap, W_OVERLAP);
MAPW_CHECK(w_offset, W_OFFSET);
MAPW_CHECK(w_lines, W_LINES);
MAPW_CHECK(w_page, W_PAGE);
MAPW_CHECK(w_setuid, W_SETUID);
MAPW_CHECK(w_grand, W_GRAND);
MAPW_CHECK(w_parent, W_PARENT);
MAPW_CHECK(w_setfcap, W_SETFCAP);
MAPW_CHECK(w_setfcap_self, W_SETFCAP_SELF);
MAPW_CHECK(w_other, W_OTHER);
MAPW_CHECK(w_range, W_RANGE);
MAPW_CHECK(w_proj_zero, W_PROJ_ZERO);
MAPW_CHECK(w_proj_parent, W_PROJ_PARENT);
MAPW_CHECK(w_deny_late, W_DENY_LATE);
MAPW_CHECK(w_allow_again, W_ALLOW_AGAIN);

#define MAPW(id_, title_, prop_, expect_, check_)                              \
	{                                                                      \
		.id = "userns/" id_, .title = title_, .property = prop_,       \
		.expect = expect_, .req = USER_REQ,                            \
		.tags = { "user", "idmap" }, .check = &check_                  \
	}

static const struct scenario userns_maps[] = {
	MAPW("map-written-once", "uid_map can be written once",
	     "a second write to a uid_map that was written fails with EPERM",
	     "EPERM", w_once),
	MAPW("map-einval-missing-field", "a map line needs three fields",
	     "a uid_map line with two fields is refused with EINVAL", "EINVAL",
	     w_field),
	MAPW("map-einval-zero-count", "a map extent cannot be empty",
	     "a uid_map line with a count of 0 is refused with EINVAL",
	     "EINVAL", w_zero),
	MAPW("map-einval-overlap", "map extents cannot overlap",
	     "two uid_map lines whose inside ranges overlap are refused with "
	     "EINVAL",
	     "EINVAL", w_overlap),
	MAPW("map-einval-offset", "a map is written from offset 0",
	     "a uid_map write at file offset 1 is refused with EINVAL",
	     "EINVAL", w_offset),
	MAPW("map-einval-341-lines", "a map has at most 340 lines",
	     "a uid_map of 341 lines is refused with EINVAL (340 are taken)",
	     "EINVAL", w_lines),
	MAPW("map-einval-page-size", "a map write is shorter than a page",
	     "a uid_map write of a page of bytes is refused with EINVAL (one "
	     "byte less is taken)",
	     "EINVAL", w_page),
	MAPW("map-writer-needs-cap-setuid",
	     "mapping other ids needs CAP_SETUID in the parent",
	     "root without CAP_SETUID in its effective set gets EPERM mapping "
	     "uid 100000 for a child user namespace it made",
	     "EPERM", w_setuid),
	MAPW("map-writer-in-parent-or-ns",
	     "only the namespace or its parent writes its map",
	     "root of the initial namespace gets EPERM writing the uid_map of "
	     "a grandchild user namespace",
	     "EPERM", w_grand),
	MAPW("map-ids-mapped-in-parent", "mapped ids must exist in the parent",
	     "root of a namespace mapping only uid 0 gets EPERM mapping its "
	     "uid 1 for a child namespace",
	     "EPERM", w_parent),
	MAPW("map-root-needs-setfcap",
	     "mapping the parent's root needs CAP_SETFCAP",
	     "root without CAP_SETFCAP gets EPERM writing '0 0 1' to a child "
	     "namespace's uid_map",
	     "EPERM", w_setfcap),
	MAPW("map-root-self-needs-setfcap",
	     "a namespace made without CAP_SETFCAP cannot map root itself",
	     "a process that made its user namespace without CAP_SETFCAP gets "
	     "EPERM writing '0 0 1' to its own uid_map",
	     "EPERM", w_setfcap_self),
	MAPW("map-unpriv-only-own-id",
	     "an unprivileged writer maps only its own euid",
	     "uid 100000 with no capability gets EPERM mapping uid 100001 for "
	     "its own child namespace",
	     "EPERM", w_other),
	MAPW("map-unpriv-one-id", "an unprivileged writer maps one id",
	     "uid 100000 with no capability gets EPERM mapping a range of two "
	     "ids from its own",
	     "EPERM", w_range),
	MAPW("projid-map-einval", "projid_map follows the map syntax",
	     "a projid_map line with a count of 0 is refused with EINVAL",
	     "EINVAL", w_proj_zero),
	MAPW("projid-map-mapped-in-parent",
	     "mapped project ids must exist in the parent",
	     "root of a namespace whose projid_map maps only 0 gets EPERM "
	     "mapping project id 1 for a child namespace",
	     "EPERM", w_proj_parent),
	MAPW("setgroups-deny-after-gid-map",
	     "setgroups cannot be denied after gid_map",
	     "writing \"deny\" to setgroups after gid_map was written fails "
	     "with EPERM",
	     "EPERM", w_deny_late),
	MAPW("setgroups-deny-irreversible", "setgroups \"deny\" is for good",
	     "writing \"allow\" to setgroups after \"deny\" fails with EPERM",
	     "EPERM", w_allow_again),
};

BOXCHECK_AREA(userns_maps, userns_maps);
