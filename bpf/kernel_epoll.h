/* SPDX-License-Identifier: GPL-2.0 */
/* CO-RE readers of the kernel's file table and epoll objects, shared by
 * the syscall, readiness and ready-list programs. */
#ifndef KERNEL_EPOLL_H
#define KERNEL_EPOLL_H
#include "epoll_abi.h"

/* 5.x kernels link epitems to their file through a list_head. */
struct file___old {
	struct list_head f_ep_links;
};

/* Before 6.13 a file counted its references in f_count; since, in a
 * file_ref_t (written out here: a vmlinux.h of an older kernel has none). */
struct file___count {
	atomic_long_t f_count;
};

struct file_ref___new {
	atomic_long_t refcnt;
};

struct file___ref {
	struct file_ref___new f_ref;
};

/* Does something besides this fd hold the file open (a dup, a fork)?
 * Then closing the fd does not remove its epoll registrations. */
static __always_inline bool file_shared(struct file *file)
{
	struct file___count *old = (void *)file;
	struct file___ref *new = (void *)file;

	if (bpf_core_field_exists(old->f_count))
		return BPF_CORE_READ(old, f_count.counter) > 1;
	/* file_ref_t: a count of 0 means one reference. */
	return (long)BPF_CORE_READ(new, f_ref.refcnt.counter) > 0;
}

/* Before 5.15 the per-user watch count was an atomic_long_t. */
struct user_struct___atomic {
	atomic_long_t epoll_watches;
};

/* The epoll watches charged to the user who created `ep`: what
 * fs.epoll.max_user_watches limits.  An atomic_long_t before 5.15, exact;
 * since, a percpu_counter, whose global count is off by up to a batch per
 * CPU (*approx; its per-CPU parts cannot be found from here on every
 * kernel: that needs per-CPU offsets, which kallsyms hides without
 * CONFIG_KALLSYMS_ALL, as on Debian's arm64 kernels). */
static __always_inline long long ep_user_watches(struct eventpoll *ep, __u32 *uid,
						 unsigned char *approx)
{
	struct user_struct *user = BPF_CORE_READ(ep, user);
	struct user_struct___atomic *old = (void *)user;

	*approx = 0;
	if (!user)
		return -1;
	*uid = BPF_CORE_READ(user, uid.val);
	if (bpf_core_field_size(old->epoll_watches) == sizeof(long))
		return BPF_CORE_READ(old, epoll_watches.counter);
	*approx = 1;
	return BPF_CORE_READ(user, epoll_watches.count);
}

#define S_IFMT_BITS	00170000
#define S_IFSOCK_BITS	0140000
#define AF_INET_NR	2
#define AF_INET6_NR	10

/* The struct sock of a socket file. */
static __always_inline struct sock *sock_of_file(struct file *file)
{
	struct socket *sock = BPF_CORE_READ(file, private_data);

	return BPF_CORE_READ(sock, sk);
}

static __always_inline bool is_socket_mode(__u32 mode)
{
	return (mode & S_IFMT_BITS) == S_IFSOCK_BITS;
}

/* The struct sock of a file if the file is a socket, else NULL. */
static __always_inline struct sock *sock_of_any_file(struct file *file)
{
	if (!file || !is_socket_mode(BPF_CORE_READ(file, f_inode, i_mode)))
		return NULL;
	return sock_of_file(file);
}

#define TCP_LISTEN_STATE	10
#define IPPROTO_TCP_NR		6
#define IPPROTO_UDP_NR		17
#define SOCK_STREAM_NR		1
#define SOCK_DGRAM_NR		2

/* What a socket holds for its reader, in the unit the reader takes it:
 * connections on a listener, bytes of a TCP stream, else queued buffers
 * (UDP keeps some on a second queue its reader drains first). */
static __always_inline void sock_queue(struct sock *sk, struct sock_queue *q)
{
	__u16 type = BPF_CORE_READ(sk, sk_type), proto = BPF_CORE_READ(sk, sk_protocol);

	q->has_consumed = 0;
	if (BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_LISTEN_STATE) {
		q->unit = BU_CONNECTIONS;
		q->backlog = BPF_CORE_READ(sk, sk_ack_backlog);
		return;
	}
	if (type == SOCK_STREAM_NR && proto == IPPROTO_TCP_NR) {
		struct tcp_sock *tp = (void *)sk;

		/* copied_seq counts what the reader took: it moves only on reads. */
		q->unit = BU_BYTES;
		q->consumed = BPF_CORE_READ(tp, copied_seq);
		q->has_consumed = 1;
		q->backlog = BPF_CORE_READ(tp, rcv_nxt) - q->consumed;
		return;
	}
	q->unit = type == SOCK_DGRAM_NR ? BU_DATAGRAMS : BU_MESSAGES;
	q->backlog = BPF_CORE_READ(sk, sk_receive_queue.qlen);
	if (proto == IPPROTO_UDP_NR && bpf_core_field_exists(struct udp_sock, reader_queue))
		q->backlog += BPF_CORE_READ((struct udp_sock *)sk, reader_queue.qlen);
}

/* A socket's endpoints and state, as they are now. */
static __always_inline void read_sock_info(struct sock *sk, struct sock_info *si)
{
	if (!sk)
		return;
	si->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	si->type = BPF_CORE_READ(sk, sk_type);
	si->protocol = BPF_CORE_READ(sk, sk_protocol);
	si->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	si->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	si->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (si->family == AF_INET_NR) {
		bpf_core_read(si->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(si->daddr, 4, &sk->__sk_common.skc_daddr);
	} else if (si->family == AF_INET6_NR) {
		bpf_core_read(si->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(si->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

static __always_inline struct file *task_fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds;
	struct file *file = NULL;
	unsigned int max;

	if (!fdt || fd < 0)
		return NULL;
	max = BPF_CORE_READ(fdt, max_fds);
	if ((unsigned int)fd >= max)
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

static __always_inline struct file *current_fd_file(int fd)
{
	return task_fd_file((struct task_struct *)bpf_get_current_task(), fd);
}

/* ep->ovflist while no events are being handed to a waiter. */
#define EP_UNACTIVE_PTR ((void *)-1L)

/* Can ep->rdllist be walked as a list_head beside ovflist?  Not on
 * 6.16-rc1..rc5, whose llist rewrite (reverted in rc6) changed both. */
static __always_inline bool ep_ready_list_readable(void)
{
	return bpf_core_field_exists(struct eventpoll, ovflist) &&
	       bpf_core_field_size(struct eventpoll, rdllist) == sizeof(struct list_head);
}

/* Is this file watched by some epoll instance? */
static __always_inline bool file_in_some_set(struct file *file)
{
	if (bpf_core_field_exists(file->f_ep))
		return BPF_CORE_READ(file, f_ep) != NULL;
	{
		struct file___old *old = (void *)file;
		struct list_head *head = &old->f_ep_links;

		return BPF_CORE_READ(old, f_ep_links.next) != head;
	}
}

/* list_empty() on a list_head that lives in kernel memory. */
static __always_inline bool kernel_list_empty(struct list_head *head)
{
	struct list_head *next = NULL;

	bpf_probe_read_kernel(&next, sizeof(next), &head->next);
	return next == head;
}

/* What the readiness programs need of an epitem.  (One copy of the
 * whole epitem was tried: slower than these few field reads.) */
struct epitem_facts {
	struct eventpoll *ep;
	__u64 data;
	__u32 events;
	int fd;
	bool queued;		/* on its set's ready list */
};

/* The caller has read epi->ep already (to know whether it is traced). */
static __always_inline void read_epitem(struct epitem *epi, struct eventpoll *ep,
					struct epitem_facts *f)
{
	/* event.events and event.data in one read: 16 bytes from events
	 * cover data whether the struct is packed (x86) or not. */
	__u32 ev_off = bpf_core_field_offset(struct epitem, event.events);
	__u32 data_off = bpf_core_field_offset(struct epitem, event.data) - ev_off;
	char ev[16] = {};

	f->ep = ep;
	f->fd = BPF_CORE_READ(epi, ffd.fd);
	bpf_probe_read_kernel(ev, sizeof(ev), (void *)epi + ev_off);
	__builtin_memcpy(&f->events, ev, sizeof(f->events));
	__builtin_memcpy(&f->data, ev + (data_off == 8 ? 8 : 4), sizeof(f->data));
	f->queued = !kernel_list_empty(&epi->rdllink);
}

static __always_inline struct epitem *epitem_of_rdllink(struct list_head *link)
{
	return (void *)link - bpf_core_field_offset(struct epitem, rdllink);
}

static __always_inline struct epitem *epitem_of_fllink(struct hlist_node *node)
{
	return (void *)node - bpf_core_field_offset(struct epitem, fllink);
}

static __always_inline struct epitem *epitem_of_wait(wait_queue_entry_t *wait)
{
	struct eppoll_entry *pwq =
		(void *)wait - bpf_core_field_offset(struct eppoll_entry, wait);

	return BPF_CORE_READ(pwq, base);
}

#endif
