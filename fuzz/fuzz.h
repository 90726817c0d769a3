/* SPDX-License-Identifier: MIT */
/* fuzz.h - helpers shared by the libFuzzer targets. */
#ifndef BOXCHECK_FUZZ_H
#define BOXCHECK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../primitives/base.h"

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

/* The temp file or dir a target made; removed when the fuzzer exits. */
static const char *fuzz_tmp_path __attribute__((unused));

static inline void fuzz_tmp_remove(void)
{
	if (fuzz_tmp_path)
		(void)rm_rf(fuzz_tmp_path);
}

/* Remove path (a file or a tree) at exit: libFuzzer ends with exit(). */
static inline void fuzz_remove_at_exit(const char *path)
{
	fuzz_tmp_path = path;
	if (atexit(fuzz_tmp_remove) != 0)
		abort();
}

/*
 * A temp file for targets whose parser reads a path: made once from a
 * mkstemp template (path is modified), then rewritten with each input,
 * and removed at exit.
 */
static inline void fuzz_tmpfile(char *path)
{
	int fd = mkstemp(path);

	if (fd < 0)
		abort();
	close(fd);
	fuzz_remove_at_exit(path);
}

/* LLVMFuzzerInitialize for targets that read a path: it makes the file. */
#define FUZZ_TMPFILE_INIT(path)                                                \
	int LLVMFuzzerInitialize(int *argc, char ***argv)                      \
	{                                                                      \
		(void)argc;                                                    \
		(void)argv;                                                    \
		fuzz_tmpfile(path);                                            \
		return 0;                                                      \
	}

static inline void fuzz_write(const char *path, const uint8_t *data,
			      size_t size)
{
	FILE *f = fopen(path, "we");

	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
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
