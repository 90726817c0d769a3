// SPDX-License-Identifier: MIT
#include "cli.h"

#include <fcntl.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <unistd.h>

/*
 * Run as "boxcheck-status" (argv[0]), a copy of this program prints its
 * own /proc/self/status and nothing else runs first: the program the
 * capability scenarios execute to read the sets execve gave it
 * (scenarios/caps_util.c), then two lines status does not have: its
 * securebits ("Securebits:\t%d") and AT_SECURE ("AtSecure:\t%lu")
 * (scenarios/caps_rules_util.c). A program of our own, because busybox,
 * the VMs' cat, drops a setuid bit's privileges by itself. It leaves by
 * _exit: after a set-user-ID execve it is not dumpable, and exit-time
 * handlers (LeakSanitizer's in the sanitizer build) would fail on it.
 */
static int print_status(void)
{
	char buf[8192];
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, n) != n)
			return 1;
	if (n < 0)
		return 1;
	n = snprintf(buf, sizeof(buf), "Securebits:\t%d\nAtSecure:\t%lu\n",
		     prctl(PR_GET_SECUREBITS, 0, 0, 0, 0),
		     getauxval(AT_SECURE));
	return write(1, buf, n) != n;
}

int main(int argc, char **argv)
{
	if (argc > 0 && strcmp(argv[0], "boxcheck-status") == 0)
		_exit(print_status());
	return boxcheck_main(argc, argv);
}
