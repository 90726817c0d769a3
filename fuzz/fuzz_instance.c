// SPDX-License-Identifier: MIT
/* Instance names "boxcheck-<pid>-<starttime>" as found in cgroup dirs. */
#include "../harness/instance.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);

	if (!s)
		abort();
	if (instance_alive(s) && !instance_is_name(s))
		abort(); /* alive implies well-formed */
	free(s);
	return 0;
}
