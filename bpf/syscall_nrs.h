/* SPDX-License-Identifier: GPL-2.0 */
/* Syscall numbers the raw sys_enter/sys_exit programs dispatch on, and how
 * to read a syscall's arguments from the saved user registers. */
#ifndef SYSCALL_NRS_H
#define SYSCALL_NRS_H

#if defined(__TARGET_ARCH_x86)
#define NR_close		3
#define NR_epoll_create		213
#define NR_epoll_wait		232
#define NR_epoll_ctl		233
#define NR_epoll_pwait		281
#define NR_epoll_create1	291
#define NR_epoll_pwait2		441
/* x86-64 syscall ABI: rdi, rsi, rdx, r10, r8, r9 */
#define SC_ARG0(r) BPF_CORE_READ(r, di)
#define SC_ARG1(r) BPF_CORE_READ(r, si)
#define SC_ARG2(r) BPF_CORE_READ(r, dx)
#define SC_ARG3(r) BPF_CORE_READ(r, r10)
#define SC_ARG4(r) BPF_CORE_READ(r, r8)
#define SC_NR(r)   BPF_CORE_READ(r, orig_ax)
#elif defined(__TARGET_ARCH_arm64)
/* include/uapi/asm-generic/unistd.h.  arm64 has no epoll_create and no
 * epoll_wait (libc calls epoll_create1 and epoll_pwait): numbers no
 * syscall has stand for them. */
#define NR_epoll_create1	20
#define NR_epoll_ctl		21
#define NR_epoll_pwait		22
#define NR_close		57
#define NR_epoll_pwait2		441
#define NR_epoll_create		(-1001)
#define NR_epoll_wait		(-1002)
/* arm64 syscall ABI: x0..x5, the number in x8; x0 is also the return
 * value, so the first argument is read from orig_x0. */
#define SC_ARG0(r) BPF_CORE_READ(r, orig_x0)
#define SC_ARG1(r) BPF_CORE_READ(r, regs[1])
#define SC_ARG2(r) BPF_CORE_READ(r, regs[2])
#define SC_ARG3(r) BPF_CORE_READ(r, regs[3])
#define SC_ARG4(r) BPF_CORE_READ(r, regs[4])
#define SC_NR(r)   BPF_CORE_READ(r, syscallno)
#else
#error "epolltrace: syscall numbers are wired up for x86-64 and arm64 only"
#endif

#endif
