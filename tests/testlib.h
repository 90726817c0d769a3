/* SPDX-License-Identifier: MIT */
/* testlib.h - cmocka and small helpers for boxcheck's unit tests. */
#ifndef BOXCHECK_TESTLIB_H
#define BOXCHECK_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh directory under $TMPDIR, removed by the caller with rm_rf(). */
static inline char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p;

	if (asprintf(&p, "%s/boxcheck-test.XXXXXX", base ? base : "/tmp") < 0)
		return NULL;
	return mkdtemp(p);
}

/* Whole contents of a FILE written by a writer (caller frees). */
static inline char *test_slurp(FILE *f)
{
	long n;
	char *buf;

	fflush(f);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		return NULL;
	}
	return buf;
}

#endif
