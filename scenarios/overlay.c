// SPDX-License-Identifier: MIT
/* overlayfs scenarios. Everything happens in the run's private mount ns. */
#include "scenario.h"
#include "../primitives/overlay.h"

#include <string.h>
#include <sys/stat.h>

static int make_layers(void)
{
	const char *dirs[] = { "lower", "upper", "work", "merged" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0)
			return neg_errno();
	return write_text_creat("lower/file", "lower\n");
}

static enum obs copy_up(struct ctx *c)
{
	const char *lowers[] = { "lower" };
	struct overlay_spec s = { lowers, 1, "upper", "work", NULL };
	char low[64] = "", up[64] = "";

	TRY(c, make_layers(), "make lower, upper, work and merged");
	if (c->isolate) {
		TRY(c, overlay_mount(&s, "merged"), "mount overlay");
		TRY(c, write_text_creat("merged/file", "new\n"),
		    "write merged/file");
	} else {
		TRY(c, write_text_creat("lower/file", "new\n"),
		    "write lower/file");
	}
	TRY(c, read_text("lower/file", low, sizeof(low)), "read lower/file");
	if (read_text("upper/file", up, sizeof(up)) < 0)
		strcpy(up, "(none)");
	chomp(low);
	chomp(up);
	ctx_kv(c, "lower/file", "%s", low);
	ctx_kv(c, "upper/file", "%s", up);
	return ctx_holds(c, strcmp(low, "lower") == 0 && strcmp(up, "new") == 0,
			 "lower/file=%s upper/file=%s", low, up);
}

static const struct scenario overlay[] = {
	{
		.id = "overlay/copy-up",
		.title = "a write through an overlay copies the file up",
		.property =
			"writing a lower file through the merged dir puts the "
			"new content in upper and leaves lower unchanged",
		.expect = "lower/file=lower upper/file=new",
		.req = { .root = true, .fs = { "overlay" } },
		.tags = { "overlay", "rootfs", "core" },
		.run = copy_up,
	},
};

BOXCHECK_AREA(overlay, overlay);
