// SPDX-License-Identifier: MIT
/*
 * clone3 with CLONE_VM (clone_vm.h). glibc wraps clone(), whose flags
 * word has no room for CLONE_NEWTIME (0x80 is part of the exit signal)
 * and no CLONE_INTO_CGROUP, but not clone3: the child starts at the
 * instruction after the system call, on the new stack, with the caller's
 * registers, so the few instructions that call fn are written here for
 * each architecture, as the C libraries write their own.
 */
#include "clone_vm.h"

#include <sched.h>
#include <sys/syscall.h>

/*
 * Under AddressSanitizer, no: a child that execs in the middle of its
 * frames leaves their redzones poisoned in the shadow of a stack the next
 * child reuses (ASan intercepts vfork for that; a raw clone3 it cannot
 * see). The caller then forks, and check-asan covers that path.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CLONE_VM_NO_SANITIZER 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLONE_VM_NO_SANITIZER 0
#endif
#endif
#ifndef CLONE_VM_NO_SANITIZER
#define CLONE_VM_NO_SANITIZER 1
#endif

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

struct clone_vm_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

#if !CLONE_VM_NO_SANITIZER
/* no entry: see above */
#elif defined(__x86_64__) && defined(SYS_clone3)
/* 1. clone3; 2. in the child (rax 0): rbp cleared, fn(arg), exit. */
static long clone3_call(struct clone_vm_args *a, int (*fn)(void *), void *arg)
{
	register long rax __asm__("rax") = SYS_clone3;
	register void *rdi __asm__("rdi") = a;
	register long rsi __asm__("rsi") = sizeof(*a);
	register void *r12 __asm__("r12") = (void *)fn;
	register void *r13 __asm__("r13") = arg;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "xor %%ebp, %%ebp\n\t"
			 "mov %%r13, %%rdi\n\t"
			 "call *%%r12\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov $60, %%eax\n\t" /* SYS_exit */
			 "syscall\n\t"
			 "hlt\n"
			 "1:"
			 : "+r"(rax)
			 : "r"(rdi), "r"(rsi), "r"(r12), "r"(r13)
			 : "rcx", "r11", "memory", "cc");
	return rax;
}
#define HAVE_CLONE3_CALL 1
#elif defined(__aarch64__) && defined(SYS_clone3)
/* 1. clone3; 2. in the child (x0 0): fn(arg), exit. */
static long clone3_call(struct clone_vm_args *a, int (*fn)(void *), void *arg)
{
	register long x8 __asm__("x8") = SYS_clone3;
	register long x0 __asm__("x0") = (long)a;
	register long x1 __asm__("x1") = sizeof(*a);
	register void *x2 __asm__("x2") = (void *)fn;
	register void *x3 __asm__("x3") = arg;

	__asm__ volatile("svc #0\n\t"
			 "cbnz x0, 1f\n\t"
			 "mov x29, xzr\n\t"
			 "mov x0, x3\n\t"
			 "blr x2\n\t"
			 "mov x8, #93\n\t" /* SYS_exit */
			 "svc #0\n"
			 "1:"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "x30", "memory", "cc");
	return x0;
}
#define HAVE_CLONE3_CALL 1
#endif

pid_t clone_vm(uint64_t flags, int cgroup_fd, void *stack, size_t size,
	       int (*fn)(void *), void *arg)
{
#ifdef HAVE_CLONE3_CALL
	struct clone_vm_args a = {
		.flags = flags | CLONE_VM,
		.exit_signal = SIGCHLD,
		.stack = (uintptr_t)stack,
		.stack_size = size & ~(size_t)15, /* the top 16-byte aligned */
	};
	long pid;

	if (cgroup_fd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgroup_fd;
	}
	pid = clone3_call(&a, fn, arg);
	return (pid_t)pid;
#else
	(void)flags, (void)cgroup_fd, (void)stack, (void)size, (void)fn,
		(void)arg;
	return -ENOSYS;
#endif
}
