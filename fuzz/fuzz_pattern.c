// SPDX-License-Identifier: MIT
/* pattern_match() and registry_select(): "PATTERN\nID". */
#include "../harness/registry.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *part[2] = { NULL, NULL };
	size_t n = fuzz_split(data, size, '\n', part, 2, &buf);
	const struct scenario **out =
		calloc(registry_count() + 1, sizeof(*out));
	const char *unmatched;

	if (!buf || !out)
		abort();
	if (n == 2)
		(void)pattern_match(part[0], part[1]);
	{
		const char *pats[1] = { part[0] };
		struct selection sel = { .patterns = pats, .n_patterns = 1 };
		size_t k = registry_select(&sel, out, &unmatched);
		if (k > registry_count())
			abort();
		sel.tags = pats;
		sel.n_tags = 1;
		sel.n_patterns = 0;
		(void)registry_select(&sel, out, &unmatched);
	}
	free(out);
	free(buf);
	return 0;
}
