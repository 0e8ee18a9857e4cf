/* SPDX-License-Identifier: GPL-2.0 */
/* CO-RE readers of the kernel's file table and epoll objects, shared by
 * the syscall, readiness and ready-list programs. */
#ifndef KERNEL_EPOLL_H
#define KERNEL_EPOLL_H
#include "epoll_abi.h"
#include "epolltrace.h"

/* Direct reads.  A program given bpf_rdonly_cast (Linux 6.2+) reads kernel
 * memory with plain loads the JIT guards, each about a nanosecond, where
 * bpf_probe_read_kernel is a helper call (some 35 ns on this project's
 * machines).  The verifier inlines the cast: it only gives the address a
 * type.  The readers below take `direct` (a constant at each call site:
 * the other branch is compiled out) and cast what they read through. */
extern void *bpf_rdonly_cast(const void *obj__ign, __u32 btf_id__k) __ksym __weak;
#define kernel_ptr(type, addr) \
	((type *)bpf_rdonly_cast((const void *)(addr), bpf_core_type_id_kernel(type)))

/* A pointer read directly is typed for the verifier, which then refuses
 * arithmetic on it (a slot's shift).  Map memory is untyped: written there
 * and read back, it is the plain number a probe read would have given. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} addr_scratch SEC(".maps");

static __always_inline __u64 plain_addr(const void *ptr)
{
	__u32 zero = 0;
	volatile __u64 *slot = bpf_map_lookup_elem(&addr_scratch, &zero);

	if (!slot)
		return 0;
	*slot = (__u64)ptr;
	return *slot;
}

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

#define IPPROTO_TCP_NR		6
#define IPPROTO_UDP_NR		17
#define SOCK_DGRAM_NR		2

/* Two fields of `size` bytes (2 or 4) of an object in one read when they
 * are close to each other (a struct sock's type and protocol; a TCP
 * stream's rcv_nxt and copied_seq on kernels before 6.8), else in two. */
#define PAIR_BLOCK 16
#define READ_PAIR(obj, a_off, a, b_off, b)						\
	do {										\
		__u32 lo_ = (a_off) < (b_off) ? (a_off) : (b_off);			\
		__u32 hi_ = ((a_off) < (b_off) ? (b_off) : (a_off)) + sizeof(a);	\
		char blk_[PAIR_BLOCK + 8];						\
											\
		if (hi_ - lo_ <= PAIR_BLOCK &&						\
		    !bpf_probe_read_kernel(blk_, hi_ - lo_, (void *)(obj) + lo_)) {	\
			__builtin_memcpy(&(a), blk_ + (((a_off) - lo_) & (PAIR_BLOCK - 1)), sizeof(a)); \
			__builtin_memcpy(&(b), blk_ + (((b_off) - lo_) & (PAIR_BLOCK - 1)), sizeof(b)); \
		} else {								\
			bpf_probe_read_kernel(&(a), sizeof(a), (void *)(obj) + (a_off));	\
			bpf_probe_read_kernel(&(b), sizeof(b), (void *)(obj) + (b_off));	\
		}									\
	} while (0)

/* What a socket holds for its reader, in the unit the reader takes it:
 * connections on a listener, bytes of a TCP stream, else queued buffers
 * (UDP keeps some on a second queue its reader drains first). */
static __always_inline void sock_queue_direct(struct sock *sk, struct sock_queue *q)
{
	struct sock *s = kernel_ptr(struct sock, sk);
	struct tcp_sock *tp = kernel_ptr(struct tcp_sock, sk);
	__u16 type, proto;

	q->has_consumed = 0;
	if (s->__sk_common.skc_state == TCP_STATE_LISTEN) {
		q->unit = BU_CONNECTIONS;
		q->backlog = s->sk_ack_backlog;
		return;
	}
	type = s->sk_type;
	proto = s->sk_protocol;
	if (type == SOCK_TYPE_STREAM && proto == IPPROTO_TCP_NR) {
		__u32 copied = tp->copied_seq;

		q->unit = BU_BYTES;
		q->consumed = copied;
		q->has_consumed = 1;
		q->backlog = tp->rcv_nxt - copied;
		return;
	}
	q->unit = type == SOCK_DGRAM_NR ? BU_DATAGRAMS : BU_MESSAGES;
	q->backlog = s->sk_receive_queue.qlen;
	if (proto == IPPROTO_UDP_NR && bpf_core_field_exists(struct udp_sock, reader_queue))
		q->backlog += kernel_ptr(struct udp_sock, sk)->reader_queue.qlen;
}

static __always_inline void sock_queue(struct sock *sk, struct sock_queue *q, bool direct)
{
	__u16 type = 0, proto = 0;

	if (direct) {
		sock_queue_direct(sk, q);
		return;
	}
	q->has_consumed = 0;
	if (BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_STATE_LISTEN) {
		q->unit = BU_CONNECTIONS;
		q->backlog = BPF_CORE_READ(sk, sk_ack_backlog);
		return;
	}
	if (bpf_core_field_size(sk->sk_type) == 2 && bpf_core_field_size(sk->sk_protocol) == 2) {
		READ_PAIR(sk, bpf_core_field_offset(sk->sk_type), type,
			  bpf_core_field_offset(sk->sk_protocol), proto);
	} else {
		type = BPF_CORE_READ(sk, sk_type);
		proto = BPF_CORE_READ(sk, sk_protocol);
	}
	if (type == SOCK_TYPE_STREAM && proto == IPPROTO_TCP_NR) {
		struct tcp_sock *tp = (void *)sk;
		__u32 nxt = 0, copied = 0;

		/* copied_seq counts what the reader took: it moves only on reads. */
		READ_PAIR(tp, bpf_core_field_offset(tp->rcv_nxt), nxt,
			  bpf_core_field_offset(tp->copied_seq), copied);
		q->unit = BU_BYTES;
		q->consumed = copied;
		q->has_consumed = 1;
		q->backlog = nxt - copied;
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

/* The calling task's file at `fd`; `direct`: in a program that loads only
 * where bpf_get_current_task_btf is (Linux 5.11+), the task's fd table is
 * reached by direct loads (the slot, at a variable index, takes a probe
 * read: the verifier refuses such an index into kernel memory). */
static __always_inline struct file *current_fd_file(int fd, bool direct)
{
	struct task_struct *task;
	struct fdtable *fdt;
	struct file *file = NULL;

	if (!direct)
		return task_fd_file((struct task_struct *)bpf_get_current_task(), fd);
	task = bpf_get_current_task_btf();
	fdt = task->files->fdt;
	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file),
			      (void *)plain_addr(fdt->fd) + (__u64)fd * sizeof(file));
	return file;
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
static __always_inline bool kernel_list_empty(struct list_head *head, bool direct)
{
	struct list_head *next = NULL;

	if (direct)
		return (__u64)kernel_ptr(struct list_head, head)->next == (__u64)head;
	bpf_probe_read_kernel(&next, sizeof(next), &head->next);
	return next == head;
}

/* Every helper call costs about as much as a small copy of kernel memory
 * (some 40 ns on this project's machines, bpf_ktime_get_ns too), and the
 * readiness programs run at every wakeup: what they read of one object
 * they read in one call, a block, and take the fields from it at their
 * CO-RE offsets (byte copies: a field may sit anywhere in the block). */
#define FIELD_FROM(dst, block, off) __builtin_memcpy(&(dst), (block) + (off), sizeof(dst))

/* What the readiness programs need of an epitem. */
struct epitem_facts {
	struct eventpoll *ep;
	__u64 data;
	__u32 events;
	int fd;
	bool queued;		/* on its set's ready list */
};

/* An epitem is some 120 bytes (128 with lock debugging or the like). */
#define EPITEM_BLOCK 128

/* The facts of an epitem, read in one call; false if it cannot be read. */
static __always_inline bool read_epitem(struct epitem *epi, struct epitem_facts *f, bool direct)
{
	__u32 ep_off = bpf_core_field_offset(struct epitem, ep);
	__u32 fd_off = bpf_core_field_offset(struct epitem, ffd.fd);
	__u32 ev_off = bpf_core_field_offset(struct epitem, event.events);
	__u32 data_off = bpf_core_field_offset(struct epitem, event.data);
	__u32 link_off = bpf_core_field_offset(struct epitem, rdllink);
	char b[EPITEM_BLOCK];
	void *next;

	if (direct) {
		struct epitem *e = kernel_ptr(struct epitem, epi);

		f->ep = e->ep;
		f->fd = e->ffd.fd;
		f->events = e->event.events;
		f->data = e->event.data;
		f->queued = (__u64)e->rdllink.next != (__u64)epi + link_off;
		return f->ep != NULL;
	}
	if (data_off + 8 > sizeof(b) || ep_off + 8 > sizeof(b) || link_off + 8 > sizeof(b) ||
	    fd_off + 4 > sizeof(b) || ev_off + 4 > sizeof(b)) {
		/* A layout this block does not cover: field by field. */
		f->ep = BPF_CORE_READ(epi, ep);
		f->fd = BPF_CORE_READ(epi, ffd.fd);
		f->events = BPF_CORE_READ(epi, event.events);
		bpf_probe_read_kernel(&f->data, sizeof(f->data), (void *)epi + data_off);
		next = BPF_CORE_READ(epi, rdllink.next);
	} else {
		if (bpf_probe_read_kernel(b, sizeof(b), epi))
			return false;
		FIELD_FROM(f->ep, b, ep_off);
		FIELD_FROM(f->fd, b, fd_off);
		FIELD_FROM(f->events, b, ev_off);
		FIELD_FROM(f->data, b, data_off);
		FIELD_FROM(next, b, link_off);
	}
	f->queued = next != (void *)epi + link_off;
	return f->ep != NULL;
}

/* One entry of a wait queue, as the sk_data_ready walk needs it: its
 * callback, the next entry, and (if it is epoll's) its epitem. */
struct waiter_facts {
	void *func;
	struct list_head *next;
	struct epitem *base;	/* meaningful only for epoll's entries */
};

#define WAITER_BLOCK 64

/* The wait_queue_entry whose list link is `link`, read in one call from
 * the eppoll_entry that would hold it. */
static __always_inline bool read_waiter(struct list_head *link, struct waiter_facts *w,
					bool direct)
{
	__u32 entry_off = bpf_core_field_offset(struct wait_queue_entry, entry);
	__u32 wait_off = bpf_core_field_offset(struct eppoll_entry, wait);
	__u32 base_off = bpf_core_field_offset(struct eppoll_entry, base);
	__u32 func_off = wait_off + bpf_core_field_offset(struct wait_queue_entry, func);
	__u32 next_off = wait_off + entry_off;
	void *pwq = (void *)link - entry_off - wait_off;
	char b[WAITER_BLOCK];

	if (direct) {
		struct eppoll_entry *e = kernel_ptr(struct eppoll_entry, pwq);

		w->func = e->wait.func;
		w->next = e->wait.entry.next;
		w->base = (struct epitem *)plain_addr(e->base);
		return true;
	}
	if (base_off + 8 > sizeof(b) || func_off + 8 > sizeof(b) || next_off + 8 > sizeof(b)) {
		struct wait_queue_entry *wait = (void *)link - entry_off;

		w->func = BPF_CORE_READ(wait, func);
		w->next = BPF_CORE_READ(link, next);
		bpf_probe_read_kernel(&w->base, sizeof(w->base), pwq + base_off);
		return true;
	}
	if (bpf_probe_read_kernel(b, sizeof(b), pwq))
		return false;
	FIELD_FROM(w->func, b, func_off);
	FIELD_FROM(w->next, b, next_off);
	FIELD_FROM(w->base, b, base_off);
	return true;
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
