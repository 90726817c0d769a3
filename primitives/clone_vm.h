/* SPDX-License-Identifier: MIT */
/*
 * clone_vm.h - clone3 with CLONE_VM: a child that shares the caller's
 * address space on a stack of its own until it execs, as posix_spawn
 * starts one. No page table is copied and no page the child writes is
 * copied on write: on a VM, where a page fault costs 13-25 us, that is
 * most of what fork costs.
 *
 * The child runs fn(arg) on the stack given and leaves with fn's value
 * if fn returns. Sharing the memory, it must not return into the caller,
 * and what it writes (statics, the heap, errno: the thread pointer is the
 * caller's) the caller sees: it must not run alongside a caller that
 * allocates or reads what the child changes. Only flags fork would take
 * (no CLONE_THREAD, CLONE_SIGHAND); SIGCHLD is the exit signal.
 */
#ifndef BOXCHECK_CLONE_VM_H
#define BOXCHECK_CLONE_VM_H

#include "base.h"

/*
 * The child's pid, or -errno; -ENOSYS where this architecture has no
 * entry written for it (x86_64 and aarch64 have), the build is
 * AddressSanitizer's or the kernel has no clone3: then fork instead. cgroup_fd: CLONE_INTO_CGROUP that directory, or -1.
 */
pid_t clone_vm(uint64_t flags, int cgroup_fd, void *stack, size_t size,
	       int (*fn)(void *), void *arg);

#endif
