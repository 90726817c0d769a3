/* SPDX-License-Identifier: MIT */
/*
 * overlay_case.h - one operation through merged, judged by what it leaves
 * in the layers (the overlay_layers.c pattern, with more facts).
 *
 * A case prepares the standard layers (overlay_util.h) and what more it
 * needs, mounts merged (the isolating step: the overlay; the control binds
 * lower there, or mounts the overlay with the case's control options),
 * does one operation through merged and records the same facts in both
 * runs: lower's digest before and after, up to two marks in upper, and one
 * described fact of one merged path ("mode 0600", "file", "a c dup"). A
 * case with no operation is a view of prepared layers: then only the view
 * is recorded, read through ovl_view().
 */
#ifndef BOXCHECK_OVERLAY_CASE_H
#define BOXCHECK_OVERLAY_CASE_H

#include "overlay_util.h"

/* A described fact of a path into buf; "(absent)" when it is not there. */
typedef int (*ovl_describe_fn)(const char *path, char *buf, size_t len);

int ovl_desc_content(const char *path, char *buf, size_t len); /* "lower" */
int ovl_desc_mode(const char *path, char *buf, size_t len);    /* "mode 600" */
int ovl_desc_owner(const char *path, char *buf, size_t len);   /* "owner 7:8" */
int ovl_desc_mtime(const char *path, char *buf, size_t len);   /* "mtime 1" */
int ovl_desc_size(const char *path, char *buf, size_t len);    /* "size 0" */
int ovl_desc_type(const char *path, char *buf, size_t len);    /* "dir" */
/* Its trusted.boxcheck xattr: "xattr 1", "no xattr". */
int ovl_desc_xattr(const char *path, char *buf, size_t len);
/* A symlink's target and owner: "-> file, owner 7:8". */
int ovl_desc_symlink(const char *path, char *buf, size_t len);
/* A directory's names, sorted, each as often as readdir gave it. */
int ovl_desc_listing(const char *path, char *buf, size_t len);

/*
 * The merged view of rel: describe "merged/rel". The mutation point of
 * M_OVL_VIEW_TOP: it reads "top/rel", a broken overlay showing its top
 * layer alone.
 */
int ovl_view(const char *merged, const char *top, const char *rel,
	     ovl_describe_fn describe, char *buf, size_t len);

struct ovl_mark {
	const char *path; /* in upper; NULL: no mark */
	enum ovl_upper mark;
	const char *is; /* "a whiteout" */
};

struct ovl_case {
	const char *op;	      /* "chmod 0600 merged/file"; NULL: a view */
	int (*prepare)(void); /* more layer content before the mount, or NULL */
	int (*act)(void);     /* the operation through merged */
	const char *extra;    /* options of the isolated overlay, or NULL */
	const char *control;  /* the control's overlay options; NULL: a bind */
	unsigned need;	      /* OVL_BIT of options probed first */
	bool remount;	      /* unmount and mount merged again after act */
	struct ovl_mark marks[2];
	const char *view;	  /* what is described, under merged/ */
	ovl_describe_fn describe; /* NULL: its content */
	const char *want;	  /* the description that is the property */
};

struct ovl_case_obs {
	int op_err;	 /* errno of the operation, 0 when it worked */
	uint64_t low[2]; /* lower's digest before and after */
	bool mark[2];
	char seen[96]; /* the view's description */
};

int ovl_case_observe(struct ctx *c, struct ovl_case_obs *o,
		     const struct ovl_case *k);
enum obs ovl_case_judge(struct judge *j, const struct ovl_case_obs *o,
			const struct ovl_case *k);

#define OVL_CASE(name_, ...)                                                   \
	static const struct ovl_case case_##name_ = { __VA_ARGS__ };           \
	static int observe_##name_(struct ctx *c, struct ovl_case_obs *o)      \
	{                                                                      \
		return ovl_case_observe(c, o, &case_##name_);                  \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct ovl_case_obs *o)            \
	{                                                                      \
		return ovl_case_judge(j, o, &case_##name_);                    \
	}                                                                      \
	CHECK(name_, struct ovl_case_obs, observe_##name_, judge_##name_)

#define OVL_REQ                                                                \
	{                                                                      \
		.root = true, .fs = { "overlay" }                              \
	}

/* Return value helpers for the operations: 0 or -errno. */
static inline int ovl_sys(int r)
{
	return r < 0 ? neg_errno() : 0;
}

#endif
