// SPDX-License-Identifier: MIT
/*
 * What an operation through an overlay leaves in its layers. Each case does
 * one user-visible operation on merged/ (write, unlink, rmdir+mkdir,
 * create, rename) and records the same three facts: lower's digest before
 * and after, the mark the overlay leaves in upper (a copied-up file, a
 * whiteout, an opaque or redirect xattr), and what merged shows. The
 * isolating step is the overlay on merged; the control binds lower on
 * merged and does the same operation on that plain tree, where lower
 * changes and upper stays empty: the predicate says so from the facts.
 */
#include "overlay_util.h"

#include <string.h>

struct layer_case {
	const char *op; /* what is done through merged */
	int (*act)(void);
	const char *extra;   /* more overlay options, or NULL */
	bool redirect;	     /* needs redirect_dir (probed) */
	const char *upper;   /* where upper gets ... */
	enum ovl_upper mark; /* ... the overlay's mark */
	const char *mark_is; /* "a whiteout" */
	const char *view;    /* what merged then shows here: */
	const char *want;    /* this content, or (NULL) nothing */
};

struct layers {
	int op_err;	  /* errno of the operation, 0 when it worked */
	uint64_t low[2];  /* lower's digest before and after */
	bool mark;	  /* upper has the case's mark */
	struct content v; /* merged's view of the case's path */
};

static int errno_of(int r)
{
	return r < 0 ? -r : 0;
}

static int sys(int r)
{
	return r < 0 ? neg_errno() : 0;
}

static int op_write(void)
{
	return write_text_creat("merged/file", "new\n");
}

static int op_unlink(void)
{
	return sys(unlink("merged/file"));
}

static int op_remake_dir(void)
{
	return sys(unlink("merged/dir/x")) ?: sys(rmdir("merged/dir"))
						      ?: sys(mkdir("merged/dir",
								   0755));
}

static int op_create(void)
{
	return write_text_creat("merged/new", "new\n");
}

static int op_rename(void)
{
	return sys(rename("merged/dir", "merged/moved"));
}

static int observe_case(struct ctx *c, struct layers *o,
			const struct layer_case *k)
{
	struct content up;

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	if (k->redirect)
		TRY_OBS(ovl_need_option(c, OVL_REDIRECT_DIR));
	TRY(c, ovl_layer_digest("lower", &o->low[0]), "digest lower");
	TRY(c, ovl_mount_merged(c, k->extra), "mount merged");
	o->op_err = errno_of(k->act());
	TRY(c, ovl_layer_digest("lower", &o->low[1]), "digest lower");
	TRY(c, ovl_upper_has(k->upper, k->mark, &o->mark), "inspect upper");
	TRY(c, read_content(k->view, &o->v), "read merged");
	if (read_content(k->upper, &up) == 0) /* evidence only */
		ctx_kv(c, k->upper, "%s", content_str(&up));
	return 0;
}

static enum obs judge_case(struct judge *j, const struct layers *o,
			   const struct layer_case *k)
{
	bool same = o->low[0] == o->low[1];
	bool seen = k->want ? content_is(&o->v, k->want) : !o->v.present;
	const char *e = o->op_err ? strerrorname_np(o->op_err) : "ok";

	judge_kv(j, "lower", "%s", same ? "unchanged" : "changed");
	judge_kv(j, "upper mark", "%s", o->mark ? k->mark_is : "none");
	judge_kv(j, k->view, "%s", content_str(&o->v));
	return judge_holds(j, !o->op_err && same && o->mark && seen,
			   "%s: %s; lower %s; %s %s %s; %s=%s", k->op, e,
			   same ? "unchanged" : "changed", k->upper,
			   o->mark ? "is" : "is not", k->mark_is, k->view,
			   content_str(&o->v));
}

#define LAYER_CHECK(name_, ...)                                                \
	static const struct layer_case case_##name_ = { __VA_ARGS__ };         \
	static int observe_##name_(struct ctx *c, struct layers *o)            \
	{                                                                      \
		return observe_case(c, o, &case_##name_);                      \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j, const struct layers *o) \
	{                                                                      \
		return judge_case(j, o, &case_##name_);                        \
	}                                                                      \
	CHECK(name_, struct layers, observe_##name_, judge_##name_)

LAYER_CHECK(copy_up, .op = "write merged/file", .act = op_write,
	    .upper = "upper/file", .mark = OVL_UP_FILE,
	    .mark_is = "a copied-up file", .view = "merged/file",
	    .want = "new");
LAYER_CHECK(whiteout, .op = "unlink merged/file", .act = op_unlink,
	    .upper = "upper/file", .mark = OVL_UP_WHITEOUT,
	    .mark_is = "a whiteout (char 0:0)", .view = "merged/file");
LAYER_CHECK(opaque_dir, .op = "rm dir/x, rmdir and mkdir merged/dir",
	    .act = op_remake_dir, .upper = "upper/dir", .mark = OVL_UP_OPAQUE,
	    .mark_is = "opaque (trusted.overlay.opaque=y)",
	    .view = "merged/dir/x");
LAYER_CHECK(create_in_upper, .op = "create merged/new", .act = op_create,
	    .upper = "upper/new", .mark = OVL_UP_FILE, .mark_is = "a file",
	    .view = "merged/new", .want = "new");
LAYER_CHECK(rename_redirect, .op = "rename merged/dir to merged/moved",
	    .act = op_rename, .extra = "redirect_dir=on", .redirect = true,
	    .upper = "upper/moved", .mark = OVL_UP_REDIRECT,
	    .mark_is = "redirected (trusted.overlay.redirect)",
	    .view = "merged/moved/x", .want = "x");

#define LAYERS_REQ                                                             \
	{                                                                      \
		.root = true, .fs = { "overlay" }                              \
	}

static const struct scenario overlay_layers[] = {
	{ .id = "overlay/copy-up",
	  .title = "a write through an overlay copies the file up",
	  .property = "writing a lower file through merged shows the new "
		      "content there, puts the file in upper and leaves lower "
		      "unchanged",
	  .expect = "write merged/file: ok; lower unchanged; upper/file is a "
		    "copied-up file; merged/file=new",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs", "core" },
	  .check = &copy_up },
	{ .id = "overlay/whiteout",
	  .title = "deleting a lower file leaves a whiteout",
	  .property = "unlinking a lower file through merged leaves a char "
		      "0:0 whiteout in upper, hides the file, keeps lower's",
	  .expect = "unlink merged/file: ok; lower unchanged; upper/file is a "
		    "whiteout (char 0:0); merged/file=(absent)",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .check = &whiteout },
	{ .id = "overlay/opaque-dir",
	  .title = "rmdir and mkdir of a lower dir give an opaque dir",
	  .property = "a lower dir removed and made again through merged is "
		      "opaque in upper and hides lower's entries, which stay",
	  .expect = "lower unchanged; upper/dir is opaque; "
		    "merged/dir/x=(absent)",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .check = &opaque_dir },
	{ .id = "overlay/rename-dir-redirect",
	  .title = "renaming a lower dir works with redirect_dir",
	  .property = "with redirect_dir=on, a lower dir renamed through "
		      "merged moves, with a redirect xattr, lower kept",
	  .expect = "rename: ok; lower unchanged; upper/moved is redirected; "
		    "merged/moved/x=x",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .check = &rename_redirect },
	{ .id = "overlay/create-in-upper",
	  .title = "files created in merged exist only in upper",
	  .property = "a file created through merged lands in upper, never "
		      "in lower",
	  .expect = "create merged/new: ok; lower unchanged; upper/new is a "
		    "file; merged/new=new",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .check = &create_in_upper },
};

BOXCHECK_AREA(overlay_layers, overlay_layers);
