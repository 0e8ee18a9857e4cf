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
#else
#error "epolltrace: only x86-64 syscall numbers are wired up so far"
#endif

#endif
