// SPDX-License-Identifier: MIT
/*
 * overlay_options(): first byte picks the buffer size and whether there is
 * an upper layer; the rest is "extra\nupper\nwork\nlower\nlower...".
 */
#include "../primitives/overlay.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *part[12];
	size_t n, len;
	char *opts;
	struct overlay_spec s = { 0 };

	if (size < 1)
		return 0;
	len = data[0] & 0x7f; /* 0..127: small buffers find overruns */
	n = fuzz_split(data + 1, size - 1, '\n', part, ARRAY_SIZE(part), &buf);
	opts = malloc(len ? len : 1);
	if (!buf || !opts)
		abort();
	if (n >= 4) {
		s.extra = part[0];
		s.upper = (data[0] & 0x80) ? part[1] : NULL;
		s.work = part[2];
		s.lowers = (const char *const *)part + 3;
		s.n_lowers = n - 3;
	}
	if (overlay_options(&s, opts, len) == 0 && strlen(opts) >= len)
		abort();
	free(opts);
	free(buf);
	return 0;
}
