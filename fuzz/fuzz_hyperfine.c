// SPDX-License-Identifier: MIT
/* The hyperfine JSON import (bench/hyperfine.c: hyperfine_import). */
#include "../bench/hyperfine.h"
#include "fuzz.h"

#include <stdio.h>
#include <unistd.h>

static char path[] = "/tmp/boxcheck-fuzz-hyperfine.XXXXXX";

FUZZ_TMPFILE_INIT(path)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "a", "b" };
	struct bench_result r = { 0 };
	char err[512];

	fuzz_write(path, data, size);
	(void)hyperfine_import(path, &r, BG_EXTERNAL, names, 2, err,
			       sizeof(err));
	bench_free(&r);
	return 0;
}
