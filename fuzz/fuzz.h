/* SPDX-License-Identifier: MIT */
/* fuzz.h - helpers shared by the libFuzzer targets. */
#ifndef BOXCHECK_FUZZ_H
#define BOXCHECK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of data (caller frees). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/*
 * Split a copy of data at sep into at most max strings; returns the count.
 * *buf is the copy the strings point into (caller frees).
 */
static inline size_t fuzz_split(const uint8_t *data, size_t size, char sep,
				char **out, size_t max, char **buf)
{
	size_t n = 0;
	char *p;

	*buf = fuzz_str(data, size);
	if (!*buf || max == 0)
		return 0;
	p = *buf;
	out[n++] = p;
	for (size_t i = 0; i < size && n < max; i++) {
		if (p[i] == sep) {
			p[i] = '\0';
			out[n++] = p + i + 1;
		}
	}
	return n;
}

#endif
