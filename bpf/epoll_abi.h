/* SPDX-License-Identifier: GPL-2.0 */
/* epoll's ABI numbers, written once for the BPF programs and the frontend.
 * BPF code may not include uapi <linux/eventpoll.h> (under -target bpf its
 * struct epoll_event is not packed as on x86-64), and vmlinux.h carries no
 * macros; the EP_ prefix keeps these apart from <sys/epoll.h>'s names in
 * user space.  Values: include/uapi/linux/eventpoll.h, uapi/asm/poll.h. */
#ifndef EPOLL_ABI_H
#define EPOLL_ABI_H

/* Poll events. */
#define EP_IN		0x00000001u
#define EP_PRI		0x00000002u
#define EP_OUT		0x00000004u
#define EP_ERR		0x00000008u
#define EP_HUP		0x00000010u
#define EP_NVAL		0x00000020u
#define EP_RDNORM	0x00000040u
#define EP_RDBAND	0x00000080u
#define EP_WRNORM	0x00000100u
#define EP_WRBAND	0x00000200u
#define EP_MSG		0x00000400u
#define EP_RDHUP	0x00002000u

/* Input flags (the bits epoll ORs into every registration, err and hup,
 * do not make an fd "readable" for the diagnostics). */
#define EP_INPUT_EVENTS	(EP_IN | EP_PRI | EP_RDHUP)
/* What the kernel adds to every registration. */
#define EP_ALWAYS_EVENTS (EP_ERR | EP_HUP)

/* Input flags that are not poll events (fs/eventpoll.c: EP_PRIVATE_BITS). */
#define EP_EXCLUSIVE	(1u << 28)
#define EP_WAKEUP	(1u << 29)
#define EP_ONESHOT	(1u << 30)
#define EP_ET		(1u << 31)
#define EP_PRIVATE_BITS	(EP_WAKEUP | EP_ONESHOT | EP_ET | EP_EXCLUSIVE)

/* epoll_ctl operations. */
#define EP_CTL_ADD	1
#define EP_CTL_DEL	2
#define EP_CTL_MOD	3

/* epoll_create1 flag (O_CLOEXEC). */
#define EP_CLOEXEC	02000000

/* An item whose events hold only private bits polls nothing: the kernel
 * ignores its wakeups.  A fired EPOLLONESHOT item is left this way until
 * EPOLL_CTL_MOD re-arms it. */
static inline int ep_events_disarmed(unsigned int events)
{
	return !(events & ~EP_PRIVATE_BITS);
}

static inline int ep_oneshot_disarmed(unsigned int events)
{
	return (events & EP_ONESHOT) && ep_events_disarmed(events);
}

#endif /* EPOLL_ABI_H */
