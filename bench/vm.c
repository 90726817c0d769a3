// SPDX-License-Identifier: MIT
/*
 * VM boot timing. One qemu per call:
 *
 *   vm_boot                          qemu (child)
 *   t0, fork ----------------------> stdin /dev/null, stdout+stderr pipe,
 *                                    PR_SET_PDEATHSIG, exec qemu-system-ARCH
 *   poll the pipe until the deadline
 *     "@@boxcheck-init-running@@" -> init_s
 *   EOF (qemu gone) or deadline -> kill(pid) -> waitpid -> exit_s
 */
#include "vm.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <time.h>

const char *const vm_accel_names[VM_ACCEL__COUNT] = {
	[VM_ACCEL_AUTO] = "auto",
	[VM_ACCEL_KVM] = "KVM",
	[VM_ACCEL_TCG] = "TCG",
};

struct vm_arch {
	const char *name;
	const char *qemu;    /* qemu-system-<qemu> */
	const char *machine; /* -M */
	const char *tcg_cpu; /* -cpu under TCG */
	const char *console; /* the kernel's console= */
};

/* armhf: 32-bit ARMv7 with LPAE, the Raspberry Pi 2/3/4 in 32-bit mode. */
static const struct vm_arch vm_arches[] = {
	{ "x86_64", "x86_64", "q35", NULL, "ttyS0" },
	{ "aarch64", "aarch64", "virt", "cortex-a72", "ttyAMA0" },
	{ "armhf", "arm", "virt", "cortex-a15", "ttyAMA0" },
};

static const struct vm_arch *arch_of(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(vm_arches); i++)
		if (strcmp(vm_arches[i].name, name) == 0)
			return &vm_arches[i];
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

enum vm_accel vm_accel_for(const char *arch)
{
	struct utsname u;

	if (uname(&u) == 0 && arch && strcmp(u.machine, arch) == 0 &&
	    access("/dev/kvm", R_OK | W_OK) == 0)
		return VM_ACCEL_KVM;
	return VM_ACCEL_TCG;
}

#define MAX_ARGS 40

struct argv_buf {
	const char *v[MAX_ARGS];
	int n;
	char qemu[64], mem[16], cpus[16], cmdline[1024];
};

static void push(struct argv_buf *a, const char *s)
{
	if (a->n < MAX_ARGS - 1)
		a->v[a->n++] = s;
}

static int build_argv(const struct vm_spec *s, const struct vm_arch *va,
		      enum vm_accel accel, struct argv_buf *a)
{
	const char *qemu = s->qemu;

	if (!qemu) {
		snprintf(a->qemu, sizeof(a->qemu), "qemu-system-%s", va->qemu);
		qemu = a->qemu;
	}
	snprintf(a->mem, sizeof(a->mem), "%u", s->mem_mib ?: 1024);
	snprintf(a->cpus, sizeof(a->cpus), "%u", s->cpus ?: 2);
	if (snprintf(a->cmdline, sizeof(a->cmdline),
		     "console=%s panic=-1 quiet %s", va->console,
		     s->append ?: "") >= (int)sizeof(a->cmdline))
		return -E2BIG;
	const char *fixed[] = { qemu,	      "-M",	     va->machine,
				"-m",	      a->mem,	     "-smp",
				a->cpus,      "-nodefaults", "-no-user-config",
				"-nic",	      "none",	     "-display",
				"none",	      "-serial",     "stdio",
				"-no-reboot", "-kernel",     s->kernel,
				"-initrd",    s->initrd,     "-append",
				a->cmdline };
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		push(a, fixed[i]);
	push(a, "-accel");
	push(a, accel == VM_ACCEL_KVM ? "kvm" : "tcg");
	if (accel == VM_ACCEL_KVM || va->tcg_cpu) {
		push(a, "-cpu");
		push(a, accel == VM_ACCEL_KVM ? "host" : va->tcg_cpu);
	}
	a->v[a->n] = NULL;
	return 0;
}

/* The child: never returns. Exit 127 when qemu cannot be executed. */
static _Noreturn void exec_qemu(const char *const *argv, int out)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
		_exit(126);
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

/* Console lines, split across reads; markers are looked for per line. */
struct scan {
	char line[512];
	size_t len;
	double t0, init_s;
	char *kernel;
	size_t kernel_len;
};

static void scan_line(struct scan *sc, double t)
{
	char *k;

	sc->line[sc->len] = '\0';
	if (sc->init_s < 0 && strstr(sc->line, VM_INIT_MARKER))
		sc->init_s = t - sc->t0;
	k = strstr(sc->line, VM_KERNEL_MARKER);
	if (k && !sc->kernel[0]) {
		k += strlen(VM_KERNEL_MARKER);
		snprintf(sc->kernel, sc->kernel_len, "%.*s",
			 (int)strcspn(k, " @\r\n"), k);
	}
	sc->len = 0;
}

static void scan_bytes(struct scan *sc, const char *buf, size_t n, double t)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || sc->len == sizeof(sc->line) - 1)
			scan_line(sc, t);
		if (buf[i] != '\n')
			sc->line[sc->len++] = buf[i];
	}
}

/* Read the console until EOF (qemu gone) or the deadline. */
static bool pump(int fd, const struct vm_spec *s, struct scan *sc,
		 double deadline)
{
	char buf[4096];

	for (;;) {
		double left = deadline - now_s();
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;

		if (left <= 0)
			return false;
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return false;
		if (p.revents == 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true; /* EOF: every writer (qemu) is gone */
		if (s->console_fd >= 0)
			fd_write_all(s->console_fd, buf, n);
		scan_bytes(sc, buf, n, now_s());
	}
}

static int check_spec(const struct vm_spec *s)
{
	if (!s || !arch_of(s->arch) || !s->kernel || !s->initrd)
		return -EINVAL;
	if (access(s->kernel, R_OK) < 0 || access(s->initrd, R_OK) < 0)
		return neg_errno();
	return 0;
}

int vm_boot(const struct vm_spec *s, struct vm_times *t)
{
	struct argv_buf a = { 0 };
	struct scan sc = { .init_s = -1 };
	int fds[2], r = check_spec(s);
	bool exited;

	if (r < 0)
		return r;
	memset(t, 0, sizeof(*t));
	t->accel = s->accel == VM_ACCEL_AUTO ? vm_accel_for(s->arch) : s->accel;
	r = build_argv(s, arch_of(s->arch), t->accel, &a);
	if (r < 0)
		return r;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return neg_errno();
	_cleanup_close_ int rd = fds[0];
	sc.kernel = t->kernel;
	sc.kernel_len = sizeof(t->kernel);
	sc.t0 = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		r = neg_errno();
		close(fds[1]);
		return r;
	}
	if (pid == 0)
		exec_qemu(a.v, fds[1]);
	close(fds[1]);
	exited = pump(rd, s, &sc, sc.t0 + (s->timeout_s ?: 60));
	if (sc.len)
		scan_line(&sc, now_s());
	if (!exited)
		kill(pid, SIGKILL); /* only the qemu we started */
	r = wait_status(pid, &t->status);
	t->exit_s = now_s() - sc.t0;
	t->init_s = sc.init_s;
	t->timed_out = !exited;
	if (r < 0)
		return r;
	if (t->timed_out)
		return -ETIMEDOUT;
	if (WIFEXITED(t->status) && WEXITSTATUS(t->status) == 127)
		return -ENOENT;
	if (t->init_s < 0)
		return -EPROTO;
	return t->status == 0 ? 0 : -ECHILD;
}

int vm_qemu_version(const struct vm_spec *s, char *buf, size_t len)
{
	struct argv_buf a = { 0 };
	char out[512] = "", *v;
	int fds[2], st, r;
	ssize_t n;

	if (!s || !arch_of(s->arch))
		return -EINVAL;
	build_argv(s, arch_of(s->arch), VM_ACCEL_TCG, &a);
	const char *argv[] = { a.v[0], "--version", NULL };
	if (pipe2(fds, O_CLOEXEC) < 0)
		return neg_errno();
	pid_t pid = fork();
	if (pid < 0) {
		r = neg_errno();
		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid == 0)
		exec_qemu(argv, fds[1]);
	close(fds[1]);
	n = fd_read_all(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	r = wait_status(pid, &st);
	if (r < 0)
		return r;
	if (n <= 0 || st != 0)
		return WIFEXITED(st) && WEXITSTATUS(st) == 127 ? -ENOENT : -EIO;
	out[n] = '\0';
	v = strstr(out, "version ");
	v = v ? v + strlen("version ") : out;
	snprintf(buf, len, "%.*s", (int)strcspn(v, "\n"), v);
	return 0;
}
