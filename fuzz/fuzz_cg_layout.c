// SPDX-License-Identifier: MIT
/*
 * cg_layout_detect_at() on a fake root: the input is a mountinfo file and a
 * /proc/self/cgroup file, separated by a line "--cgroup--".
 */
#include "../primitives/cgroup.h"
#include "fuzz.h"

static char root[] = "/tmp/boxcheck-fuzz-cg.XXXXXX";
static char mountinfo[PATH_MAX], cgfile[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[PATH_MAX];

	(void)argc;
	(void)argv;
	if (!mkdtemp(root))
		abort();
	fuzz_remove_at_exit(root);
	snprintf(dir, sizeof(dir), "%s/proc/self", root);
	if (mkdir_p(dir, 0700) < 0)
		abort();
	snprintf(mountinfo, sizeof(mountinfo), "%s/mountinfo", dir);
	snprintf(cgfile, sizeof(cgfile), "%s/cgroup", dir);
	return 0;
}

static void put(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "we");

	if (!f)
		abort();
	fwrite(s, 1, len, f);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "--cgroup--\n";
	struct cg_layout *l = malloc(sizeof(*l));
	char *in = fuzz_str(data, size), *cut;

	if (!l || !in)
		abort();
	cut = memmem(in, size, sep, sizeof(sep) - 1);
	if (cut) {
		put(mountinfo, in, cut - in);
		cut += sizeof(sep) - 1;
		put(cgfile, cut, size - (cut - in));
	} else {
		put(mountinfo, in, size);
		put(cgfile, "", 0);
	}
	if (cg_layout_detect_at(root, l) == 0) {
		char own[PATH_MAX];
		(void)cg_layout_ctrls(l);
		for (int i = 0; i < l->n; i++)
			(void)cg_own_dir(l, i, own, sizeof(own));
	}
	free(in);
	free(l);
	return 0;
}
