// SPDX-License-Identifier: MIT
/*
 * The command line of `boxcheck list` (selection, tags, formats) and the
 * shared parse_uint(): NUL-separated arguments. list has no side effects.
 */
#include "../harness/cli.h"
#include "fuzz.h"

#include <fcntl.h>
#include <getopt.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	(void)argc;
	(void)argv;
	if (fd < 0)
		abort();
	dup2(fd, STDOUT_FILENO); /* stderr: make fuzz closes it (close_fd_mask) */
	close(fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[34] = { "boxcheck", "list" };
	size_t n = fuzz_split(data, size, '\0', argv + 2, 30, &buf);
	unsigned v;
	int r;

	if (!buf)
		abort();
	if (parse_uint(argv[2], 0, 1000, &v) == 0 && v > 1000)
		abort();
	optind = 0; /* a full getopt reset */
	r = boxcheck_main((int)n + 2, argv);
	if (r != EXIT_OK && r != EXIT_USAGE)
		abort();
	fflush(stdout);
	free(buf);
	return 0;
}
