// SPDX-License-Identifier: MIT
#include "seccomp.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define X32_BIT 0x40000000u
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define NATIVE_ARCH AUDIT_ARCH_ARM
#elif defined(__i386__)
#define NATIVE_ARCH AUDIT_ARCH_I386
#else
#error "seccomp.c: add this architecture's AUDIT_ARCH"
#endif
/* The x32 check is one more instruction to jump over. */
#ifdef X32_BIT
#define X32_JUMPS 1
#else
#define X32_JUMPS 0
#endif

uint32_t seccomp_audit_arch(void)
{
	return NATIVE_ARCH;
}

#define NR(n)                                                                  \
	{                                                                      \
#n, SYS_##n                                                    \
	}
#define NONE(n)                                                                \
	{                                                                      \
#n, -1                                                         \
	}
static const struct {
	const char *name;
	long nr; /* -1: not on this architecture */
} calls[] = {
	NR(kexec_load),	  NR(init_module),
	NR(finit_module), NR(open_by_handle_at),
	NR(keyctl),	  NR(add_key),
	NR(bpf),	  NR(perf_event_open),
	NR(unshare),	  NR(mount),
	NR(umount2),	  NR(swapon),
	NR(reboot),	  NR(mknodat),
#ifdef SYS_mknod
	NR(mknod),
#else
	NONE(mknod),
#endif
};

const char *const seccomp_known[] = {
	"kexec_load", "init_module", "finit_module", "open_by_handle_at",
	"keyctl",     "add_key",     "bpf",	     "perf_event_open",
	"unshare",    "mount",	     "umount2",	     "swapon",
	"reboot",     "mknodat",     "mknod",	     NULL,
};

long seccomp_nr(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		if (!strcmp(calls[i].name, name))
			return calls[i].nr;
	return -ENOENT;
}

#define STMT(c, k) ((struct sock_filter)BPF_STMT(c, k))
#define JUMP(c, k, t, f) ((struct sock_filter)BPF_JUMP(c, k, t, f))

int seccomp_build(const char *const *names, int err, struct sock_filter *prog,
		  size_t max, size_t *n)
{
	long nrs[64];
	size_t k = 0, at = 0;

	for (; names && *names; names++) {
		long nr = seccomp_nr(*names);
		if (nr == -ENOENT)
			return -ENOENT;
		if (nr >= 0 && k < ARRAY_SIZE(nrs))
			nrs[k++] = nr;
	}
	if (k + 8 > max)
		return -E2BIG;
	/* other ABIs: refused (jump to the last instruction) */
	prog[at++] = STMT(BPF_LD | BPF_W | BPF_ABS,
			  offsetof(struct seccomp_data, arch));
	prog[at++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 0,
			  (unsigned char)(k + 2 + X32_JUMPS));
	prog[at++] = STMT(BPF_LD | BPF_W | BPF_ABS,
			  offsetof(struct seccomp_data, nr));
#ifdef X32_BIT
	prog[at++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_BIT,
			  (unsigned char)(k + 1), 0);
#endif
	for (size_t i = 0; i < k; i++)
		prog[at++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)nrs[i],
				  (unsigned char)(k - i), 0);
	prog[at++] = STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[at++] = STMT(BPF_RET | BPF_K,
			  SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA));
	*n = at;
	return 0;
}

int seccomp_install(const char *const *names, int err)
{
	struct sock_filter prog[SECCOMP_MAX_INSNS];
	struct sock_fprog fp;
	size_t n;
	int r = seccomp_build(names, err, prog, ARRAY_SIZE(prog), &n);

	if (r < 0)
		return r;
	fp.len = (unsigned short)n;
	fp.filter = prog;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0) < 0)
		return neg_errno();
	return 0;
}
