// SPDX-License-Identifier: MIT
/*
 * Id maps: idmap_parse() (/proc/PID/uid_map text) and idmap_parse_spec()
 * ("in:out:count,..."). A valid parsed map must format and parse back to
 * the same map, and translate both ways consistently.
 */
#include "../primitives/userns.h"
#include "fuzz.h"

static struct idmap a, b;
static char text[IDMAP_MAX_EXTENTS * 40 + 1];

static void roundtrip(const struct idmap *m)
{
	uint32_t out, in;

	if (idmap_validate(m) < 0)
		return;
	if (idmap_format(m, text, sizeof(text)) < 0)
		abort();
	if (idmap_parse(text, &b) < 0 || b.n != m->n ||
	    memcmp(b.e, m->e, m->n * sizeof(m->e[0])) != 0)
		abort();
	for (unsigned i = 0; i < m->n; i++) {
		const struct idmap_extent *e = &m->e[i];
		uint32_t last = e->inside + (e->count - 1);
		if (idmap_to_outside(m, last, &out) < 0 ||
		    idmap_to_inside(m, out, &in) < 0 || in != last)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);

	if (!s)
		abort();
	if (idmap_parse(s, &a) == 0)
		roundtrip(&a);
	if (idmap_parse_spec(s, &a) == 0)
		roundtrip(&a);
	free(s);
	return 0;
}
