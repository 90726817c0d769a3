// SPDX-License-Identifier: MIT
/*
 * The cgroup "key value" and single-number file readers (cpu.stat,
 * pids.events, memory.events, pids.current): read_key_u64() and read_u64().
 * First line of the input is the key; the rest is the file.
 */
#include "../primitives/base.h"
#include "fuzz.h"

static char path[] = "/tmp/boxcheck-fuzz-kv.XXXXXX";

FUZZ_TMPFILE_INIT(path)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t klen = nl ? (size_t)(nl - data) : size;
	char *key = fuzz_str(data, klen);
	uint64_t v;

	if (!key)
		abort();
	fuzz_write(path, nl ? nl + 1 : data + size, nl ? size - klen - 1 : 0);
	(void)read_key_u64(path, key, &v);
	(void)read_u64(path, &v);
	free(key);
	return 0;
}
