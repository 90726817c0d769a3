// SPDX-License-Identifier: MIT
/*
 * `validate --runtime cmd:TEMPLATE`: the parse-time check and the expansion
 * into an argv (harness/targets_run.c), on any template a user writes.
 */
#include "../harness/validate/profile.h"
#include "../harness/validate/targets.h"
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *tmpl = fuzz_str(data, size);
	struct tctx c = { .t = &target_cmd, .pr = &profile_standard,
			  .self = "/usr/bin/boxcheck", .ns = ~0u };
	static struct argvb b;

	if (!tmpl)
		abort();
	strcpy(c.dir, "/run/boxcheck/x/cmd");
	strcpy(c.rootfs, "/run/boxcheck/x/cmd/rootfs");
	strcpy(c.cgpath, "boxcheck-1-2/cmd");
	strcpy(c.name, "boxcheck-1-2-cmd");
	c.tmpl = tmpl;
	memset(&b, 0, sizeof(b));
	if (!template_check(tmpl))
		(void)template_expand(&c, tmpl, &b);
	free(tmpl);
	return 0;
}
