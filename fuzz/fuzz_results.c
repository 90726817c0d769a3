// SPDX-License-Identifier: MIT
/*
 * The result file reader (reports/read.c: result_load), which `report`
 * uses on any JSON a user passes: run, bench, validate, VM results.
 */
#include "../reports/results.h"
#include "fuzz.h"

#include <stdio.h>
#include <unistd.h>

static char path[] = "/tmp/boxcheck-fuzz-results.XXXXXX";

FUZZ_TMPFILE_INIT(path)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result_file f;
	char err[512];

	fuzz_write(path, data, size);
	if (result_load(path, &f, err, sizeof(err)) == 0)
		result_free(&f);
	return 0;
}
