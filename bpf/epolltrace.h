/* SPDX-License-Identifier: GPL-2.0 */
/* Records shared by the BPF programs and the frontend.  Everything the
 * kernel side sends is one of these, behind a struct ev_header. */
#ifndef EPOLLTRACE_H
#define EPOLLTRACE_H

#define COMM_LEN 16
/* epoll_wait results carried by one record; larger returns are split.
 * The record's room is a power of two that a chunk's bytes are masked
 * with, so it must exceed the largest chunk: arm64's 64 events of 16
 * bytes fill 1024, which a 1024-byte room's mask would make 0. */
#define WAIT_CHUNK 64
#define MAX_WAIT_CHUNKS 16
#define WAIT_ITEMS_BYTES 2048
/* The caller's struct epoll_event { u32 events; u64 data; }: packed on
 * x86-64 (12 bytes, data at 4), naturally aligned elsewhere (arm64: 16
 * bytes, data at 8).  Under -target bpf the uapi header would not pack
 * it, so the BPF side reads user memory with these. */
#if defined(__TARGET_ARCH_x86) || defined(__x86_64__)
#define USER_EVENT_SIZE 12
#define USER_EVENT_DATA_OFF 4
#else
#define USER_EVENT_SIZE 16
#define USER_EVENT_DATA_OFF 8
#endif
/* Items listed per ready-list snapshot (tracepoint backend). */
#define RDLIST_MAX 32
/* Epitems walked per file in the sk_data_ready path. */
#define FILE_EPITEMS_MAX 8
/* traced_tgids: a bit for every pid up to PID_MAX_LIMIT (4M on 64-bit). */
#define TRACED_TGID_WORDS (4194304 / 64)
/* --comm: process names matched at most. */
#define TARGET_COMMS_MAX 8

/* Which processes join the trace on their own, beside those user space
 * adds (and, with -f, their children). */
enum target_mode {
	TM_PIDS = 0,	/* none: -p PID, a command */
	TM_ALL,		/* -a: every process (but epolltrace) */
	TM_CGROUP,	/* --cgroup: the processes of a cgroup v2 subtree */
	TM_COMM,	/* --comm: processes by name */
};
/* Processes whose every edge is shipped when readiness is not shown. */
#define EDGE_PIDS_MAX 4096
/* Waiters looked at on one socket's wait queue (epoll's and others). */
#define SOCK_WAITERS_MAX 12
/* Sockets registered before they had a name, watched until they have one. */
#define UNSETTLED_SOCKS_MAX 4096

enum ev_type {
	EV_CREATE = 1,
	EV_CTL,
	EV_WAIT_ENTER,
	EV_WAIT,
	EV_CLOSE,
	EV_READY,
	EV_RDLIST,
	EV_FORK,
	EV_EXIT,
	EV_SOCK_NAME,
};

/* ev_wait_enter.timeout_ns and ev_wait.timeout_ns, besides a duration. */
#define TIMEOUT_INFINITE	(-1LL)	/* a negative timeout in ms, a NULL timespec */
#define TIMEOUT_UNREADABLE	(-2LL)	/* epoll_pwait2's timespec could not be read */

enum wait_syscall { WS_EPOLL_WAIT = 0, WS_EPOLL_PWAIT, WS_EPOLL_PWAIT2 };
enum create_syscall { CS_EPOLL_CREATE = 0, CS_EPOLL_CREATE1 };

/* Where a readiness fact came from. */
enum ready_source {
	RS_EP_POLL_CALLBACK = 1, /* fentry/kprobe on ep_poll_callback */
	RS_SK_DATA_READY,        /* tracepoint sock:sk_data_ready */
	RS_RDLIST,               /* ready list seen at epoll_wait entry */
};

/* ready.flags */
#define RF_QUEUED	0x01	/* item was put on the ready list by this wakeup */
#define RF_COALESCED	0x02	/* item was already on the ready list */
#define RF_DISARMED	0x04	/* ONESHOT item already fired: callback ignored it */
#define RF_MISMATCH	0x08	/* wakeup mask not in the registered events */
#define RF_WOKE		0x10	/* a waiter was sleeping in epoll_wait on this set */
#define RF_BACKLOG	0x20	/* ev_ready.queue holds the socket's input queue */

/* The unit of a socket's input queue, as its reader takes it. */
enum backlog_unit {
	BU_BYTES = 1,		/* a TCP stream */
	BU_CONNECTIONS,		/* a listening socket */
	BU_DATAGRAMS,		/* UDP and other datagram sockets */
	BU_MESSAGES,		/* other sockets: queued buffers */
};

/* Which backends the object can run; user space picks one at load time. */
enum backend { BK_NONE = 0, BK_FENTRY, BK_KPROBE, BK_TRACEPOINT };

struct ev_header {
	unsigned long long ts_ns;	/* CLOCK_MONOTONIC */
	unsigned int pid;		/* tgid */
	unsigned int tid;
	unsigned short type;		/* enum ev_type */
	unsigned short size;		/* bytes of the whole record */
	char comm[COMM_LEN];
};

/* struct sock's skc_state values (include/net/tcp_states.h). */
#define TCP_STATE_ESTABLISHED	1
#define TCP_STATE_LISTEN	10

/* A socket's endpoints, read at EPOLL_CTL_ADD so that even a socket
 * closed before user space looks can be named, and on request
 * (tracer_sock_info) for one registered before bind or connect. */
struct sock_info {
	unsigned short family;		/* 0: not a socket */
	unsigned short type;		/* SOCK_STREAM, SOCK_DGRAM, ... */
	unsigned short protocol;
	unsigned short sport;		/* host order */
	unsigned short dport;		/* host order */
	unsigned char state;		/* TCP_STATE_* for TCP */
	unsigned char pad;
	unsigned char saddr[16];
	unsigned char daddr[16];
};

/* struct socket's type (SOCK_STREAM) and family (AF_INET, AF_INET6). */
#define SOCK_TYPE_STREAM	1
#define AF_INET_NR		2
#define AF_INET6_NR		10

/* An IP socket whose name is still to come: not bound yet, or a TCP
 * socket neither listening nor connected (registered before connect()).
 * Others (UNIX) have no addresses to wait for. */
static inline int sock_info_unsettled(const struct sock_info *si)
{
	if (si->family != AF_INET_NR && si->family != AF_INET6_NR)
		return 0;
	return !si->sport ||
	       (si->type == SOCK_TYPE_STREAM && si->state != TCP_STATE_LISTEN && !si->dport);
}

struct ev_create {
	struct ev_header h;
	unsigned long long dur_ns;
	int flags;
	int ret;
	unsigned char syscall;		/* enum create_syscall */
	unsigned char pad[7];
};

struct ev_ctl {
	struct ev_header h;
	unsigned long long dur_ns;
	unsigned long long data;
	unsigned long long event_ptr;
	int epfd;
	int op;
	int fd;
	int ret;
	unsigned int events;
	unsigned char fault;		/* the event pointer could not be read */
	unsigned char watches_approx;	/* user_watches is a percpu_counter's global
					 * count (5.15+): off by up to a batch per CPU */
	unsigned char pad[2];
	/* What the target fd is (ADD only), for when /proc cannot tell. */
	unsigned long long fd_ino;
	unsigned int fd_mode;
	unsigned int uid;		/* owner of the watch count below */
	char fd_dname[16];
	long long user_watches;		/* ADD: the user's epoll watches after it, -1 unknown */
	struct sock_info sock;		/* ADD of a socket */
};

struct ev_wait_enter {
	struct ev_header h;
	int epfd;
	int maxevents;
	long long timeout_ns;		/* or TIMEOUT_INFINITE, TIMEOUT_UNREADABLE */
	unsigned char syscall;
	unsigned char pad[7];
};

struct ev_wait {
	struct ev_header h;
	unsigned long long dur_ns;
	unsigned long long events_ptr;
	long long timeout_ns;
	int epfd;
	int maxevents;
	int ret;
	unsigned short first;		/* index of items[0] in the returned array */
	unsigned short count;		/* items in this record */
	unsigned char syscall;
	unsigned char more;		/* another record of this call follows */
	unsigned char fault;		/* the result array could not be read */
	unsigned char before_attach;	/* entered before the attach (see struct seeded_call) */
	unsigned char entry_unknown;	/* before_attach, entry time unknown: h.ts_ns is
					 * the exit, dur_ns 0 */
	unsigned char killed;		/* interrupted by a signal that kills the thread
					 * now: its result never reaches the program */
	unsigned char pad[2];
	/* count * USER_EVENT_SIZE raw bytes copied from the caller's array;
	 * sized to a power of two so the BPF side can bound a copy with a mask */
	unsigned char items[WAIT_ITEMS_BYTES];
};

/* A socket's input queue as its reader sees it. */
struct sock_queue {
	unsigned int backlog;		/* what is queued, in unit */
	unsigned int consumed;		/* has_consumed: input taken so far (a TCP
					 * stream's copied_seq), to tell reads apart
					 * from new input */
	unsigned char unit;		/* enum backlog_unit; 0: not a socket */
	unsigned char has_consumed;
	unsigned char pad[2];
};

struct ev_close {
	struct ev_header h;
	int fd;
	int ret;
	unsigned char is_epoll;		/* the fd was an epoll instance */
	unsigned char shared;		/* another reference keeps the file open */
	unsigned char pad[6];
	struct sock_queue queue;	/* a socket's input queue at the close (unit 0: none) */
};

/* A socket registered before it had its name has it now (sent once, by
 * the first readiness the kernel side sees of it once settled, ahead of
 * that readiness's record): user space may see the fd only after the
 * program closed it, too late to ask. */
struct ev_sock_name {
	struct ev_header h;		/* pid: the registering process; tid 0 */
	int fd;
	int pad;
	struct sock_info sock;
};

struct ev_ready {
	struct ev_header h;		/* pid: the set's owner; tid 0 */
	unsigned long long data;	/* the item's registered data */
	int epfd;
	int fd;
	unsigned int mask;		/* poll mask the wakeup carried */
	unsigned int events;		/* the item's registered events now */
	unsigned char source;		/* enum ready_source */
	unsigned char flags;		/* RF_* */
	unsigned char pad[2];
	struct sock_queue queue;	/* RF_BACKLOG: the socket's input queue */
};

struct rdlist_item {
	int fd;
	unsigned int events;
};

struct ev_rdlist {
	struct ev_header h;
	int epfd;
	unsigned short count;
	unsigned char at_exit;		/* 0: at epoll_wait entry, 1: at exit */
	unsigned char pad;
	struct rdlist_item items[RDLIST_MAX];
};

struct ev_fork {
	struct ev_header h;
	unsigned int child_pid;
	unsigned int pad;
};

struct ev_exit {
	struct ev_header h;
	int exit_code;			/* wait-status style: code << 8 | signal */
	unsigned int pad;
};

/* Asked by user space when it warns: a socket's input queue now. */
struct backlog_answer {
	struct sock_queue queue;	/* unit 0: not answered */
};

/* Items listed in an answer of tracer_ready_list(). */
#define READY_LIST_MAX 64

/* Asked by user space (tracer_ready_list): the items on a set's ready
 * list (ep->rdllist) now. */
struct ready_list_answer {
	unsigned char answered;		/* 0: the kernel side cannot read this set */
	unsigned char transferring;	/* events are being handed to a waiter right
					 * now (ep->ovflist active): the list cannot
					 * be told, count is 0; ask again */
	unsigned char truncated;	/* more than READY_LIST_MAX items */
	unsigned char pad;
	unsigned int count;		/* items[] filled */
	struct rdlist_item items[READY_LIST_MAX]; /* fd (at ADD), registered events */
};

/* Where an epoll instance is known: the owner and its fd number. */
struct ep_owner {
	unsigned int pid;
	int epfd;
};

/* Asked by user space: resolve its own copy `fd` of a traced process's
 * epoll fd to the kernel's eventpoll and remember it as `owner`. */
struct ep_resolve {
	struct ep_owner owner;
};

/* A call a thread was blocked in when the tracer attached, handed to the
 * kernel side by user space (tracer_seed_call(), from
 * /proc/PID/task/TID/syscall): its exit is decoded like that of a call
 * whose entry was seen, its record marked before_attach.  Waits only. */
struct seeded_call {
	unsigned long long args[6];	/* the syscall's arguments */
	unsigned long long entered_ns;	/* CLOCK_MONOTONIC; 0: unknown */
	unsigned int pid;		/* the thread's process */
	int nr;				/* the syscall's number */
};

/* -c's tables in the kernel, and the counts that did not fit in them. */
enum summary_table { ST_WAITS = 0, ST_DELIVERIES, ST_READIES, ST_COUNT };
#define SUMMARY_SETS_MAX	65536	/* wait_totals: (pid, epfd) pairs */
#define SUMMARY_ITEMS_MAX	262144	/* delivery_counts, ready_counts */

/* Per-(pid, epfd) summary counters kept in the kernel for -c. */
struct wait_stats {
	unsigned long long calls;
	unsigned long long empty;	/* returned 0 events */
	unsigned long long total_ns;
	unsigned long long max_ns;
	unsigned long long delivered;
};

struct deliver_key {
	unsigned int pid;
	int epfd;
	unsigned long long data;
};

struct ready_key {
	unsigned int pid;
	int epfd;
	int fd;
	unsigned int pad;
};

#endif /* EPOLLTRACE_H */
