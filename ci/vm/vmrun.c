// SPDX-License-Identifier: MIT
/*
 * vmrun: boot a boxcheck guest with bench/vm.c and print its times.
 *
 *   vmrun --arch A --kernel K --initrd I [--append S] [--mem MIB]
 *         [--cpus N] [--timeout S] [--accel auto|kvm|tcg]
 *         [--console FILE] [--repeat N]
 *
 * Exit 0 when every boot reached init and qemu exited 0; 1 otherwise, with
 * the reason on stderr (timeout, panic before init, qemu failed).
 */
#include "../../bench/vm.h"

#include <fcntl.h>
#include <getopt.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void summary(const char *what, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	printf("  %-22s n=%d min=%.3f p50=%.3f max=%.3f s\n", what, n, v[0],
	       v[n / 2], v[n - 1]);
}

static const char *why(int r, const struct vm_times *t, unsigned timeout)
{
	static char buf[128];

	switch (r) {
	case -ETIMEDOUT:
		snprintf(buf, sizeof(buf),
			 "hard timeout after %u s: qemu killed", timeout);
		return buf;
	case -EPROTO:
		return "qemu exited before the guest's init ran (kernel panic "
		       "or bad image; see the console)";
	case -ECHILD:
		snprintf(buf, sizeof(buf), "qemu exited with status %d",
			 WIFEXITED(t->status) ? WEXITSTATUS(t->status)
					      : 128 + WTERMSIG(t->status));
		return buf;
	default:
		return strerror(-r);
	}
}

static int parse_accel(const char *s, enum vm_accel *a)
{
	for (int i = 0; i < VM_ACCEL__COUNT; i++)
		if (strcasecmp(s, vm_accel_names[i]) == 0) {
			*a = i;
			return 0;
		}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'A' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "accel", required_argument, NULL, 'x' },
		{ "console", required_argument, NULL, 'C' },
		{ "repeat", required_argument, NULL, 'r' },
		{ 0 },
	};
	struct vm_spec s = { .arch = "x86_64", .console_fd = -1 };
	const char *console = NULL;
	char qemu[128] = "?";
	int c, n = 1, failed = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			s.arch = optarg;
			break;
		case 'k':
			s.kernel = optarg;
			break;
		case 'i':
			s.initrd = optarg;
			break;
		case 'A':
			s.append = optarg;
			break;
		case 'm':
			s.mem_mib = atoi(optarg);
			break;
		case 'c':
			s.cpus = atoi(optarg);
			break;
		case 't':
			s.timeout_s = atoi(optarg);
			break;
		case 'C':
			console = optarg;
			break;
		case 'r':
			n = atoi(optarg);
			break;
		case 'x':
			if (parse_accel(optarg, &s.accel) == 0)
				break;
			/* fall through */
		default:
			fprintf(stderr, "usage: see ci/vm/vmrun.c\n");
			return 2;
		}
	}
	if (n < 1 || n > 1000) {
		fprintf(stderr, "vmrun: --repeat wants 1..1000\n");
		return 2;
	}
	_cleanup_close_ int cfd = -1;
	if (console) {
		cfd = open(console, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0644);
		if (cfd < 0) {
			perror(console);
			return 2;
		}
		s.console_fd = cfd;
	}
	_cleanup_free_ double *init = calloc(n, sizeof(double));
	_cleanup_free_ double *gone = calloc(n, sizeof(double));
	struct vm_times t = { 0 };
	if (!init || !gone)
		return 2;
	vm_qemu_version(&s, qemu, sizeof(qemu));
	for (int i = 0; i < n; i++) {
		int r = vm_boot(&s, &t);
		if (r < 0) {
			fprintf(stderr, "vmrun: %s boot %d: %s\n", s.arch,
				i + 1, why(r, &t, s.timeout_s ?: 60));
			failed++;
			continue;
		}
		init[i - failed] = t.init_s;
		gone[i - failed] = t.exit_s;
		if (n == 1)
			printf("vmrun: %s %s: init running %.3f s, qemu gone "
			       "%.3f s (kernel %s, qemu %s)\n",
			       s.arch, vm_accel_names[t.accel], t.init_s,
			       t.exit_s, t.kernel, qemu);
	}
	if (n > 1 && n > failed) {
		printf("vmrun: %s %s, kernel %s, qemu %s, %d/%d boots ok\n",
		       s.arch, vm_accel_names[t.accel], t.kernel, qemu,
		       n - failed, n);
		summary("qemu start -> init", init, n - failed);
		summary("qemu start -> gone", gone, n - failed);
	}
	return failed ? 1 : 0;
}
