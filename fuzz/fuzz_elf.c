// SPDX-License-Identifier: MIT
/* elf_read_fd(): headers of binaries copied into a rootfs (outside input). */
#include "../primitives/elf.h"
#include "fuzz.h"

#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	struct elf_info e;

	if (fd < 0 || fd_write_all(fd, data, size) < 0)
		abort();
	lseek(fd, 0, SEEK_SET);
	(void)elf_read_fd(fd, &e);
	close(fd);
	return 0;
}
