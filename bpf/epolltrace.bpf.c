// SPDX-License-Identifier: GPL-2.0
/* epolltrace kernel side: epoll syscalls of traced processes, readiness of
 * their epoll items, process lifetime.  Records go to one ring buffer. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "epolltrace.h"
#include "syscall_nrs.h"
#include "kernel_epoll.h"

char LICENSE[] SEC("license") = "GPL";

#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL

/* Set by user space between open and load. */
const volatile __u32 self_tgid;
const volatile bool follow_forks;
const volatile bool summary_only;	/* -c: count in maps, ship no per-call records */
const volatile bool rdlist_snapshots;	/* tracepoint backend: ready list at waits */
const volatile __u64 wakeup_bytes = 256 * 1024;
/* Readiness is not shown (-q, -e '!ready'): a wakeup that queues an item
 * for the next wait is shipped only for the processes in edge_pids. */
const volatile bool ready_for_verdicts_only;
/* The address of ep_poll_callback (from /proc/kallsyms), to tell epoll's
 * entries among a socket's waiters; 0: unknown. */
const volatile __u64 ep_poll_callback_addr;

/* Learned at run time: the f_op of epoll files, to recognise them at close. */
const void *eventpoll_fops_seen;

/* The traced processes: one bit per tgid.  Every epoll call on the
 * machine asks, so the answer is an array load (inlined by the verifier),
 * not a hash lookup.  User space sets its bits in place, atomically
 * (mmap), beside the programs that set them (forks, joins). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TRACED_TGID_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} traced_tgids SEC(".maps");

/* Processes that join by themselves (-a, --cgroup, --comm): the mode
 * (enum target_mode), the cgroup (its id, the inode number of its
 * directory, and its depth below the root) and the names. */
const volatile __u8 target_mode;
const volatile __u64 target_cgroup_id;
const volatile __u32 target_cgroup_level;
const volatile __u32 target_ncomms;
const volatile char target_comms[TARGET_COMMS_MAX][COMM_LEN];

/* Processes found outside the target at an epoll call of theirs: one bit
 * per tgid, so that such a process pays what any untraced one pays (one
 * array load of traced_tgids, one of this).  Cleared at a fork (a new
 * process of that tgid), an exec (--comm: another name) and a move to
 * another cgroup (--cgroup), so the next epoll call asks again. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TRACED_TGID_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} judged_tgids SEC(".maps");

/* Set by user space when the trace ends: nothing joins any more. */
bool joining_stopped;

/* A traced call, from its entry to its exit. */
struct syscall_call {
	__u64 ts_ns;		/* entry */
	__u64 args[4];		/* the syscall's first arguments, as passed */
	__u32 nr;
	__u32 ev_events;	/* epoll_ctl: the caller's struct read at entry */
	__u64 ev_data;
	__u8 ev_fault;
	__u8 close_is_epoll;
	__u8 close_shared;
	bool snapshots;		/* epoll_wait: ready list snapshots at entry and exit */
	__u32 fd_mode;		/* epoll_ctl ADD: what the fd is */
	__u64 fd_ino;
	char fd_dname[16];
	struct sock_info sock;
	struct eventpoll *ep;	/* the set, found at entry (epoll_wait, epoll_ctl, close) */
	__s64 timeout_ns;	/* epoll_wait: the timeout decoded at entry */
	__u8 before_attach;	/* rebuilt from a struct seeded_call */
	__u8 entry_unknown;	/* ... whose entry time was not known */
	struct sock_queue close_queue;	/* close of a socket: its input queue */
};

/* A traced thread's call between entry and exit.  Slot tid % INFLIGHT_SLOTS
 * of an array holds it: an inlined lookup, where a hash update and delete
 * take a bucket lock and an allocation.  A thread whose slot another
 * thread's call holds spills into the hash. */
#define INFLIGHT_SLOTS 4096
struct inflight_slot {
	__u64 tid;		/* 0: free (64 bits: for the compare-and-swap) */
	struct syscall_call call;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, INFLIGHT_SLOTS);
	__type(key, __u32);
	__type(value, struct inflight_slot);
} inflight_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct syscall_call);
} inflight SEC(".maps");

/* Calls in the hash now: while none, exits need not look there. */
__u64 inflight_spilled;

static __always_inline struct inflight_slot *inflight_slot_of(__u32 tid)
{
	__u32 idx = tid % INFLIGHT_SLOTS;

	return bpf_map_lookup_elem(&inflight_slots, &idx);
}

/* `slots`: claim the thread's slot with a compare-and-swap, which kernels
 * before 5.12 do not take (their verifier refuses every BPF atomic but
 * add, even in code it would never run): the entry programs come in two
 * sets (ENTRY_PROGRAMS below), and on those kernels the set without it
 * keeps every call in the hash. */
static __always_inline void inflight_put(__u32 tid, struct syscall_call *call, bool slots)
{
	struct inflight_slot *slot = slots ? inflight_slot_of(tid) : NULL;
	__u64 held;

	/* A slot still held by this thread is a call whose exit was missed
	 * (attached after its entry): a thread makes one call at a time. */
	if (slot) {
		held = __sync_val_compare_and_swap(&slot->tid, 0, tid);
		if (held == 0 || held == tid) {
			slot->call = *call;
			return;
		}
	}
	__sync_fetch_and_add(&inflight_spilled, 1);
	if (bpf_map_update_elem(&inflight, &tid, call, BPF_ANY))
		__sync_fetch_and_add(&inflight_spilled, -1);
}

static __always_inline struct syscall_call *inflight_get(__u32 tid)
{
	struct inflight_slot *slot = inflight_slot_of(tid);

	if (slot && slot->tid == tid)
		return &slot->call;
	if (!inflight_spilled)
		return NULL;
	return bpf_map_lookup_elem(&inflight, &tid);
}

/* The call of `tid` is over (its exit, or the thread's end). */
static __always_inline void inflight_drop(__u32 tid)
{
	struct inflight_slot *slot = inflight_slot_of(tid);

	if (slot && slot->tid == tid) {
		/* Every read of the call is done before the slot is free. */
		asm volatile("" ::: "memory");
		slot->tid = 0;
		return;
	}
	if (inflight_spilled && bpf_map_delete_elem(&inflight, &tid) == 0)
		__sync_fetch_and_add(&inflight_spilled, -1);
}

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024);
} events SEC(".maps");

/* Reservations the ring buffer refused, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

/* struct eventpoll * -> the process and fd number it is known by. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct ep_owner);
} epoll_owners SEC(".maps");

/* Requests from user space: its own fd (a pidfd_getfd copy) -> owner. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __s32);
	__type(value, struct ep_owner);
} ep_resolve_requests SEC(".maps");

/* Requests from user space when it warns: its own fd (a pidfd_getfd copy
 * of a socket) -> what the socket holds for its reader now. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __s32);
	__type(value, struct backlog_answer);
} backlog_requests SEC(".maps");

/* Requests from user space: its own fd (a copy of an epoll fd) -> the
 * items on that set's ready list now. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __s32);
	__type(value, struct ready_list_answer);
} ready_list_requests SEC(".maps");

/* Requests from user space: its own fd (a copy of a socket) -> the
 * socket's endpoints now (one registered before bind or connect). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __s32);
	__type(value, struct sock_info);
} sock_info_requests SEC(".maps");

/* Two direct-mapped tables of facts about kernel objects, each fact good
 * for one "stamp" (a generation or sequence number).  An array lookup is
 * inlined by the verifier, a hash lookup is a call: these sit on paths
 * that run for every wakeup on the machine.  Slot (ptr >> 6) % STAMP_SLOTS
 * holds, in one 64-bit word (no torn reads), the pointer's other bits and
 * the stamp's low STAMP_BITS.  Another object in the slot or another stamp
 * means "don't know", so collisions only cost time. */
#define STAMP_SLOTS_LOG2	14
#define STAMP_SLOTS		(1U << STAMP_SLOTS_LOG2)
#define STAMP_BITS		30
/* The slot index starts above the low bits that objects of one kind
 * (socks, epitems) share at their alignment. */
#define STAMP_PTR_SHIFT		6
/* Kernel pointers: the 48-bit half whose top 16 bits are all ones. */
#define KERNEL_PTR_BITS		48
#define KERNEL_PTR_TOP		0xffffULL
#define LOW_BITS(n)		((1ULL << (n)) - 1)

/* sock -> "in no traced set" in owners_gen: sockets no traced set
 * watches skip the walk over their epitems in sk_data_ready. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAMP_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} sock_verdicts SEC(".maps");

/* epitem -> "sk_data_ready reported it" at a stamp of wait_exits: the
 * ready list snapshot at the next epoll_wait entry on its set leaves it
 * out (no news) if that is at or after the set's last return. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAMP_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} epitem_marks SEC(".maps");

/* Bumped after anything that may put a socket into a traced set: an ADD
 * (by anyone: an untraced process may ADD to a set it shares), or an
 * epoll instance becoming known.  A walk reads it first, so a verdict
 * stored by a walk that raced with such a change is already outdated. */
__u64 owners_gen = 1;

/* Set by user space once sk_data_ready is attached. */
bool sk_readiness_hooked;

/* ready_for_verdicts_only: the processes with an item under suspicion
 * (suspect, held back or warned), whose every new edge user space must
 * see, the edge that clears or retracts it.  Any other queued item is
 * delivered by a wait, which tells user space what the edge would have.
 * edge_pids_wanted: its entries (the lookup is skipped at 0); every pid
 * when it is full. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EDGE_PIDS_MAX);
	__type(key, __u32);
	__type(value, __u8);
} edge_pids SEC(".maps");
__u32 edge_pids_wanted;
bool edge_pids_full;

static __always_inline bool edges_wanted(__u32 pid)
{
	if (!ready_for_verdicts_only || edge_pids_full)
		return true;
	return edge_pids_wanted && bpf_map_lookup_elem(&edge_pids, &pid);
}

/* Epoll instances whose readiness sk_data_ready does not tell in full:
 * they hold an fd that is not a socket, or a socket watched for EPOLLOUT
 * (write space and errors wake without sk_data_ready).  With
 * sk_data_ready attached, only these get ready-list snapshots.  The
 * value: wait_exits when a traced wait on the set last returned. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64);
} eps_snapshotted SEC(".maps");

/* Requests from user space at attach: its own fd (a copy of an epoll fd)
 * whose set needs snapshots. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __s32);
	__type(value, __u8);
} snapshot_requests SEC(".maps");

/* Returns of traced epoll_waits on sets with snapshots so far: the
 * stamp of epitem_marks. */
__u64 wait_exits = 1;

/* Does a wait on ep get ready-list snapshots (with -c too: the list is
 * the readiness of what sk_data_ready does not see)?  *since: the stamp
 * of the set's last return. */
static __always_inline bool wants_snapshots(struct eventpoll *ep, __u64 *since)
{
	__u64 key = (__u64)ep, *last;

	*since = wait_exits;
	if (!rdlist_snapshots || !ep)
		return false;
	if (!sk_readiness_hooked)
		return true;	/* no marks: everything on the list is news */
	last = bpf_map_lookup_elem(&eps_snapshotted, &key);
	if (!last)
		return false;
	*since = *last;
	return true;
}

static __always_inline void need_snapshots(struct eventpoll *ep)
{
	__u64 key = (__u64)ep, now = wait_exits;

	if (ep)	/* a set known already keeps its stamp */
		bpf_map_update_elem(&eps_snapshotted, &key, &now, BPF_NOEXIST);
}

/* A wait on a set with snapshots returned: readiness marked from now on
 * is news to the next wait on it. */
static __always_inline void set_returned(struct eventpoll *ep)
{
	__u64 key = (__u64)ep, *last, now;

	/* A fetching add is refused before Linux 5.12: add, then read (a
	 * concurrent return may make the stamp one later: still after every
	 * mark made before this return). */
	__sync_fetch_and_add(&wait_exits, 1);
	now = wait_exits;
	last = bpf_map_lookup_elem(&eps_snapshotted, &key);
	if (last)
		*last = now;
}

/* Bumped after anything that may end or change what sock_items tells:
 * an item added or deleted (by anyone), a set's owner learned, changed or
 * forgotten, a set closed. */
__u64 items_gen = 1;

static __always_inline void items_changed(void)
{
	__sync_fetch_and_add(&items_gen, 1);
}

static __always_inline void owners_changed(void)
{
	__sync_fetch_and_add(&owners_gen, 1);
	items_changed();
}

/* The slot of an object and the word "this object, this stamp"; false
 * for pointers outside the usual 48-bit kernel half. */
static __always_inline bool stamp_slot(__u64 ptr, __u64 stamp, __u32 *slot, __u64 *word)
{
	__u64 tag;

	if ((ptr >> KERNEL_PTR_BITS) != KERNEL_PTR_TOP)
		return false;
	*slot = (ptr >> STAMP_PTR_SHIFT) & (STAMP_SLOTS - 1);
	/* The pointer's bits the slot does not tell: 48 - 14 = 34 of them,
	 * beside a 30-bit stamp. */
	tag = (ptr & LOW_BITS(STAMP_PTR_SHIFT)) |
	      (((ptr & LOW_BITS(KERNEL_PTR_BITS)) >> (STAMP_PTR_SHIFT + STAMP_SLOTS_LOG2))
	       << STAMP_PTR_SHIFT);
	*word = (tag << STAMP_BITS) | (stamp & LOW_BITS(STAMP_BITS));
	return true;
}

static __always_inline void mark_reported(struct epitem *epi)
{
	__u64 word, *mark;
	__u32 slot;

	if (!stamp_slot((__u64)epi, wait_exits, &slot, &word))
		return;
	mark = bpf_map_lookup_elem(&epitem_marks, &slot);
	if (mark)
		*mark = word;
}

/* Was epi marked at or after stamp `since` (stamps wrap: compared as a
 * difference)? */
static __always_inline bool reported_since(struct epitem *epi, __u64 since)
{
	__u64 word, *mark, got;
	__u32 slot;

	if (!stamp_slot((__u64)epi, since, &slot, &word))
		return false;
	mark = bpf_map_lookup_elem(&epitem_marks, &slot);
	if (!mark)
		return false;
	got = *mark;
	if ((got >> STAMP_BITS) != (word >> STAMP_BITS))
		return false;	/* another epitem's */
	return ((got - since) & LOW_BITS(STAMP_BITS)) < (1ULL << (STAMP_BITS - 1));
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_wait);
} wait_scratch SEC(".maps");

/* -c counters (user space sizes them: one entry each without -c) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SUMMARY_SETS_MAX);
	__type(key, struct ep_owner);
	__type(value, struct wait_stats);
} wait_totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SUMMARY_ITEMS_MAX);
	__type(key, struct deliver_key);
	__type(value, __u64);
} delivery_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SUMMARY_ITEMS_MAX);
	__type(key, struct ready_key);
	__type(value, __u64);
} ready_counts SEC(".maps");

/* Counts a full -c table could not take, per enum summary_table. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ST_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} summary_dropped SEC(".maps");

static __always_inline void count_dropped(__u32 table, __u64 count)
{
	__u64 *n = bpf_map_lookup_elem(&summary_dropped, &table);

	if (n)
		*n += count;
}

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost_events, &zero);

	if (n)
		(*n)++;
}

/* When the ring buffer was last asked how full it is. */
__u64 wakeup_checked_ns;
#define WAKEUP_CHECK_NS	1000000ULL

/* Wake the consumer only when enough has piled up; it also polls on a
 * short timer, so nothing waits long.  One wakeup per record would cap
 * throughput near a million records a second.  Asking the ring buffer is
 * a helper call, as dear as the record's other work: it is asked at most
 * once a millisecond (`now`: the record's time), which lets a millisecond
 * of records more pile up before the wakeup. */
static __always_inline __u64 wakeup_flag(__u64 now)
{
	if (now - wakeup_checked_ns < WAKEUP_CHECK_NS)
		return BPF_RB_NO_WAKEUP;
	wakeup_checked_ns = now;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
		BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void *reserve(__u32 size)
{
	void *rec = bpf_ringbuf_reserve(&events, size, 0);

	if (!rec)
		count_lost();
	return rec;
}

enum { NO_COMM, WITH_COMM };

/* Every record's header.  `who` is the pid_tgid of the thread a record is
 * about, or pid << 32 (tid 0) for a record about a process's set.  The
 * hot records (waits, ready lists, readiness) leave comm out: user space
 * keeps each process's name from the others. */
static __always_inline void fill_header(struct ev_header *h, __u16 type, __u16 size,
					__u64 who, __u64 ts_ns, int comm)
{
	h->ts_ns = ts_ns;
	h->pid = who >> 32;
	h->tid = (__u32)who;
	h->type = type;
	h->size = size;
	if (comm == WITH_COMM)
		bpf_get_current_comm(h->comm, sizeof(h->comm));
	else
		h->comm[0] = 0;
}

/* Sockets registered before they had a name (before bind() or
 * connect()): socket -> the process and fd that registered it, until the
 * first readiness seen of it once named.  User space may see such an fd
 * only after the program closed it, too late to ask the kernel; so the
 * name is sent ahead of that readiness.  Subprograms, not inlined, and
 * once per socket callback, not per epitem: inlined in the loops over a
 * socket's epitems and a ready list they tripled the verifier's work
 * (minutes to load under emulation).  unsettled_added:
 * no lookup until one was ever watched. */
struct unsettled_sock {
	__u32 pid;
	__s32 fd;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, UNSETTLED_SOCKS_MAX);
	__type(key, __u64);
	__type(value, struct unsettled_sock);
} unsettled_socks SEC(".maps");
bool unsettled_added;

static __always_inline void watch_unsettled(struct sock *sk, __u32 pid, int fd)
{
	struct unsettled_sock u = { .pid = pid, .fd = fd };
	__u64 key = (__u64)sk;

	if (!bpf_map_update_elem(&unsettled_socks, &key, &u, BPF_ANY) && !unsettled_added)
		unsettled_added = true;
}

static __always_inline void forget_unsettled(struct file *file)
{
	__u64 key;

	if (!unsettled_added)
		return;
	key = (__u64)sock_of_any_file(file);
	if (key)
		bpf_map_delete_elem(&unsettled_socks, &key);
}

/* A readiness of the socket at sk_addr: if it was watched and has its
 * name now, the name goes first.  Global functions (verified once each,
 * whatever their callers' states), so they take addresses as numbers. */
__noinline int name_if_settled(__u64 sk_addr)
{
	struct sock *sk = (struct sock *)sk_addr;
	struct unsettled_sock *u;
	struct ev_sock_name *rec;
	struct sock_info si = {};
	__u64 key = sk_addr;

	if (summary_only || !unsettled_added || !sk)
		return 0;
	u = bpf_map_lookup_elem(&unsettled_socks, &key);
	if (!u)
		return 0;
	read_sock_info(sk, &si);
	if (sock_info_unsettled(&si))
		return 0;
	rec = reserve(sizeof(*rec));
	if (rec) {
		fill_header(&rec->h, EV_SOCK_NAME, sizeof(*rec), (__u64)u->pid << 32,
			    bpf_ktime_get_ns(), NO_COMM);
		rec->fd = u->fd;
		rec->pad = 0;
		rec->sock = si;
		bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	}
	bpf_map_delete_elem(&unsettled_socks, &key);
	return 0;
}

/* The same, for the socket (if it is one) an epitem watches. */
__noinline int name_epitem_if_settled(__u64 epi_addr)
{
	struct epitem *epi = (struct epitem *)epi_addr;

	if (!summary_only && unsettled_added)
		name_if_settled((__u64)sock_of_any_file(BPF_CORE_READ(epi, ffd.file)));
	return 0;
}

static __always_inline bool is_traced(__u32 tgid)
{
	__u32 word = tgid / 64;
	__u64 *bits = bpf_map_lookup_elem(&traced_tgids, &word);

	return bits && (*bits & (1ULL << (tgid % 64)));
}

/* Sets or clears `bit` of *bits, leaving the other bits alone.  With
 * `cas` (the kernel takes BPF atomics beyond add, 5.12+: the program
 * variants user space loads there) an atomic or/and.  Else an atomic add
 * where the bit is clear, a subtraction where it is set: every kernel
 * takes that, but two CPUs doing the same change at once would carry into
 * the next bit, so it serves changes that never race for one tgid (its
 * fork, its last exit, its exec). */
static __always_inline void change_bit(__u64 *bits, __u64 bit, bool on, bool cas)
{
	if (cas) {
		if (on)
			__sync_fetch_and_or(bits, bit);
		else
			__sync_fetch_and_and(bits, ~bit);
	} else if (on && !(*bits & bit)) {
		__sync_fetch_and_add(bits, bit);
	} else if (!on && (*bits & bit)) {
		__sync_fetch_and_add(bits, -bit);
	}
}

static __always_inline void set_traced(__u32 tgid, bool on, bool cas)
{
	__u32 word = tgid / 64;
	__u64 *bits = bpf_map_lookup_elem(&traced_tgids, &word);

	if (bits)
		change_bit(bits, 1ULL << (tgid % 64), on, cas);
}

static __always_inline struct eventpoll *epfd_to_ep(int epfd, bool direct)
{
	struct file *file = current_fd_file(epfd, direct);

	if (!file)
		return NULL;
	return BPF_CORE_READ(file, private_data);
}

/* Remember which process and fd number an epoll instance is known by. */
static __always_inline void learn_epoll(__u32 tgid, int epfd, struct eventpoll *ep)
{
	__u64 key = (__u64)ep;
	struct ep_owner owner = { .pid = tgid, .epfd = epfd };
	struct ep_owner *old;

	if (!ep)
		return;
	old = bpf_map_lookup_elem(&epoll_owners, &key);
	if (old && old->pid == tgid && old->epfd == epfd)
		return;
	bpf_map_update_elem(&epoll_owners, &key, &owner, BPF_ANY);
	if (!old)
		owners_changed();	/* after the insert */
	else
		items_changed();
}

/* ---- the ready list as the kernel sees it (tracepoint backend) --------- */

/* A scratch record per CPU: the snapshot is built first, and at a wait's
 * entry shipped only if it holds something; at its return always, so
 * that user space knows what was no longer on the list (with -c, no
 * other record says that the wait returned). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_rdlist);
} rdlist_scratch SEC(".maps");

static __always_inline void snapshot_ready_list(__u64 pid_tgid, int epfd,
					       struct eventpoll *ep, bool at_exit, __u64 since)
{
	struct list_head *head, *pos;
	struct ev_rdlist *rec;
	__u32 zero = 0, n = 0, size;

	if (!ep || !ep_ready_list_readable())
		return;
	head = &ep->rdllist;
	pos = BPF_CORE_READ(ep, rdllist.next);
	if (!at_exit && (!pos || pos == head))
		return;
	rec = bpf_map_lookup_elem(&rdlist_scratch, &zero);
	if (!rec)
		return;
	/* The count lives in the record, not a register: the verifier then
	 * does not follow every kept/skipped combination of the items. */
	rec->count = 0;
	for (int i = 0; i < RDLIST_MAX; i++) {
		struct epitem *epi;

		if (!pos || pos == head)
			break;
		epi = epitem_of_rdllink(pos);
		/* At entry, what sk_data_ready told since the set's last
		 * return is no news. */
		if (at_exit || !reported_since(epi, since)) {
			struct rdlist_item *it = &rec->items[rec->count & (RDLIST_MAX - 1)];

			name_epitem_if_settled((__u64)epi);
			it->fd = BPF_CORE_READ(epi, ffd.fd);
			it->events = BPF_CORE_READ(epi, event.events);
			rec->count++;
		}
		pos = BPF_CORE_READ(pos, next);
	}
	n = rec->count;
	if (!n && !at_exit)
		return;
	size = offsetof(struct ev_rdlist, items) + n * sizeof(struct rdlist_item);
	if (size > sizeof(*rec))
		size = sizeof(*rec);
	fill_header(&rec->h, EV_RDLIST, size, pid_tgid, bpf_ktime_get_ns(), NO_COMM);
	rec->epfd = epfd;
	rec->at_exit = at_exit;
	if (bpf_ringbuf_output(&events, rec, size, wakeup_flag(rec->h.ts_ns)))
		count_lost();
}

/* ---- requests from user space at attach: its own epoll_ctl on copies ---- */

static __always_inline void serve_resolve_request(int fd, struct file *file)
{
	struct ep_owner *owner = bpf_map_lookup_elem(&ep_resolve_requests, &fd);
	__u64 key;

	if (!owner)
		return;
	key = (__u64)BPF_CORE_READ(file, private_data);
	if (key) {
		bpf_map_update_elem(&epoll_owners, &key, owner, BPF_ANY);
		owners_changed();	/* after the insert */
	}
	eventpoll_fops_seen = BPF_CORE_READ(file, f_op);
}

static __always_inline void serve_snapshot_request(int fd, struct file *file)
{
	if (bpf_map_lookup_elem(&snapshot_requests, &fd))
		need_snapshots(BPF_CORE_READ(file, private_data));
}

static __always_inline void serve_backlog_request(int fd, struct file *file)
{
	struct backlog_answer *a = bpf_map_lookup_elem(&backlog_requests, &fd);
	struct sock *sk;

	if (a && (sk = sock_of_any_file(file)))
		sock_queue(sk, &a->queue, false);
}

/* Only an epoll file's private_data is a struct eventpoll.  Before any
 * epoll file was seen, the name the kernel gives its anon inode tells. */
static __always_inline bool is_epoll_file(struct file *file)
{
	static const char anon_name[] = "[eventpoll]";
	char name[sizeof(anon_name)] = {};

	if (eventpoll_fops_seen)
		return BPF_CORE_READ(file, f_op) == eventpoll_fops_seen;
	bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry, d_name.name));
	for (int i = 0; i < sizeof(anon_name); i++)
		if (name[i] != anon_name[i])
			return false;
	return true;
}

/* The items on a set's ready list, read without the set's lock.  While
 * events are being handed to a waiter (ovflist active) the list is out
 * on the waiter's stack: the answer is "transferring", no items. */
static __always_inline void serve_ready_list_request(int fd, struct file *file)
{
	struct ready_list_answer *a = bpf_map_lookup_elem(&ready_list_requests, &fd);
	struct list_head *head, *pos;
	struct eventpoll *ep;

	if (!a || !ep_ready_list_readable() || !is_epoll_file(file))
		return;
	ep = BPF_CORE_READ(file, private_data);
	if (!ep)
		return;
	a->answered = 1;
	if (BPF_CORE_READ(ep, ovflist) != EP_UNACTIVE_PTR) {
		a->transferring = 1;
		return;
	}
	head = &ep->rdllist;
	pos = BPF_CORE_READ(ep, rdllist.next);
	for (int i = 0; i < READY_LIST_MAX; i++) {
		struct epitem *epi;

		if (!pos || pos == head)
			break;
		epi = epitem_of_rdllink(pos);
		a->items[i].fd = BPF_CORE_READ(epi, ffd.fd);
		a->items[i].events = BPF_CORE_READ(epi, event.events);
		a->count = i + 1;
		pos = BPF_CORE_READ(pos, next);
	}
	a->truncated = pos && pos != head;
	/* A transfer that began during the walk took the list away. */
	if (BPF_CORE_READ(ep, ovflist) != EP_UNACTIVE_PTR) {
		a->transferring = 1;
		a->count = 0;
		a->truncated = 0;
	}
}

static __always_inline void serve_sock_info_request(int fd, struct file *file)
{
	struct sock_info *a = bpf_map_lookup_elem(&sock_info_requests, &fd);

	if (a)
		read_sock_info(sock_of_any_file(file), a);
}

/* User space's epoll_ctl on `fd`, a copy of a traced process's fd, with
 * its request waiting in one of the request maps (user space deletes it). */
static __always_inline void serve_requests(int fd)
{
	struct file *file = current_fd_file(fd, false);

	if (!file)
		return;
	serve_resolve_request(fd, file);
	serve_backlog_request(fd, file);
	serve_snapshot_request(fd, file);
	serve_ready_list_request(fd, file);
	serve_sock_info_request(fd, file);
}

/* ---- syscall entry ---------------------------------------------------------
 * Each entry program first serves epolltrace's own requests (they come as
 * its epoll_ctl calls), then asks whether the caller is traced, drops
 * what the thread was seen blocked in at the attach (forget_seed), and
 * hands the call to its enter_*() function, which keeps what the exit
 * needs. */

/* ---- which processes join by themselves (-a, --cgroup, --comm) --------- */

static __always_inline void set_judged(__u32 tgid, bool on, bool cas)
{
	__u32 word = tgid / 64;
	__u64 *bits = bpf_map_lookup_elem(&judged_tgids, &word);

	if (bits)
		change_bit(bits, 1ULL << (tgid % 64), on, cas);
}

/* The current process's name (its main thread's, as /proc/PID/comm) is
 * one of --comm's. */
static __always_inline bool comm_is_target(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	char comm[COMM_LEN] = {};

	bpf_probe_read_kernel_str(comm, sizeof(comm), BPF_CORE_READ(task, group_leader, comm));
	for (__u32 i = 0; i < TARGET_COMMS_MAX; i++) {
		bool same = true;

		if (i >= target_ncomms)
			break;
		for (int c = 0; c < COMM_LEN; c++) {
			if (comm[c] != target_comms[i][c]) {
				same = false;
				break;
			}
			if (!comm[c])
				break;
		}
		if (same)
			return true;
	}
	return false;
}

/* Is the calling process one of the target's? */
static __always_inline bool current_is_target(void)
{
	switch (target_mode) {
	case TM_ALL:
		return true;
	case TM_CGROUP:
		/* In the cgroup or below it: its ancestor at the cgroup's depth
		 * is the cgroup (0 when the process sits higher up). */
		return bpf_get_current_ancestor_cgroup_id(target_cgroup_level) == target_cgroup_id;
	case TM_COMM:
		return comm_is_target();
	default:
		return false;
	}
}

/* An epoll call of a process not traced (yet): it joins if it is one of
 * the target's, and is otherwise judged outside until its next fork,
 * exec or cgroup move.  User space learns of it from its records. */
static __always_inline bool join_if_target(__u32 tgid, bool cas)
{
	__u32 word = tgid / 64;
	__u64 *judged;

	if (joining_stopped)
		return false;
	judged = bpf_map_lookup_elem(&judged_tgids, &word);
	if (!judged || (*judged & (1ULL << (tgid % 64))))
		return false;
	/* Two threads of one process may come here at once: without
	 * `cas` the add then carries (change_bit), so they are not set
	 * here but in user space, which learns of the newcomer from its
	 * records and sets its bit with an atomic or. */
	if (!current_is_target()) {
		if (cas)
			change_bit(judged, 1ULL << (tgid % 64), true, true);
		return false;
	}
	if (cas)
		set_traced(tgid, true, true);
	return true;
}

/* Is this an epoll call of a traced process?  (epolltrace is never one.)
 * With a target (-a, --cgroup, --comm) a process outside the trace may
 * join here; with -p or a command that code is not even loaded (the
 * verifier drops it: target_mode is a constant). */
static __always_inline bool wanted(__u64 pid_tgid, bool cas)
{
	__u32 tgid = pid_tgid >> 32;

	if (tgid == self_tgid)
		return false;
	if (is_traced(tgid))
		return true;
	return target_mode != TM_PIDS && join_if_target(tgid, cas);
}

/* The same for close(), which every process makes: it joins no one. */
static __always_inline bool traced_caller(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;

	return tgid != self_tgid && is_traced(tgid);
}

static __always_inline bool from_self(__u64 pid_tgid)
{
	return (pid_tgid >> 32) == self_tgid;
}

static __always_inline bool interesting_nr(long nr)
{
	switch (nr) {
	case NR_epoll_create: case NR_epoll_create1: case NR_epoll_ctl:
	case NR_epoll_wait: case NR_epoll_pwait: case NR_epoll_pwait2:
	case NR_close:
		return true;
	default:
		return false;
	}
}

static __always_inline __u8 wait_syscall_of(long nr)
{
	return nr == NR_epoll_wait ? WS_EPOLL_WAIT :
	       nr == NR_epoll_pwait ? WS_EPOLL_PWAIT : WS_EPOLL_PWAIT2;
}

/* A wait's timeout in ns: epoll_pwait2 passes a timespec pointer, the
 * others milliseconds. */
static __always_inline __s64 wait_timeout_ns(long nr, __u64 arg)
{
	struct { long long sec, nsec; } ts;
	int ms = (int)arg;

	if (nr != NR_epoll_pwait2)
		return ms < 0 ? TIMEOUT_INFINITE : ms * NSEC_PER_MSEC;
	if (!arg)
		return TIMEOUT_INFINITE;
	if (bpf_probe_read_user(&ts, sizeof(ts), (void *)arg))
		return TIMEOUT_UNREADABLE;
	return ts.sec * NSEC_PER_SEC + ts.nsec;
}

static __always_inline void call_begin(struct syscall_call *call, long nr)
{
	call->nr = nr;
	call->ts_ns = bpf_ktime_get_ns();
}

/* epoll_create(size), epoll_create1(flags): the rest is learned at exit. */
static __always_inline int enter_create(long nr, __u64 pid_tgid, __u64 size_or_flags, bool slots)
{
	struct syscall_call call = {};

	call_begin(&call, nr);
	call.args[0] = size_or_flags;
	inflight_put((__u32)pid_tgid, &call, slots);
	return 0;
}

/* What an fd added to a set is, for when /proc cannot tell (it may be
 * closed before user space looks). */
static __always_inline void read_added_fd(struct syscall_call *call, __u32 tgid, int fd)
{
	struct file *file = current_fd_file(fd, false);
	struct sock *sk;

	if (!file)
		return;
	call->fd_mode = BPF_CORE_READ(file, f_inode, i_mode);
	call->fd_ino = BPF_CORE_READ(file, f_inode, i_ino);
	bpf_probe_read_kernel_str(call->fd_dname, sizeof(call->fd_dname),
				  BPF_CORE_READ(file, f_path.dentry, d_name.name));
	if (!is_socket_mode(call->fd_mode))
		return;
	sk = sock_of_file(file);
	read_sock_info(sk, &call->sock);
	if (sock_info_unsettled(&call->sock))
		watch_unsettled(sk, tgid, fd);
}

/* epoll_ctl(epfd, op, fd, event): the caller's struct as it is now. */
static __always_inline int enter_ctl(__u64 pid_tgid, __u64 epfd, __u64 op, __u64 fd, __u64 uevent,
				     bool slots)
{
	char uev[USER_EVENT_SIZE];
	struct syscall_call call = {};

	call_begin(&call, NR_epoll_ctl);
	call.args[0] = epfd;
	call.args[1] = op;
	call.args[2] = fd;
	call.args[3] = uevent;
	/* DEL's struct is ignored by the kernel (and shown as a pointer). */
	if (!uevent || (int)op == EP_CTL_DEL) {
		/* nothing to read */
	} else if (bpf_probe_read_user(uev, sizeof(uev), (void *)uevent) == 0) {
		__builtin_memcpy(&call.ev_events, uev, sizeof(call.ev_events));
		__builtin_memcpy(&call.ev_data, uev + USER_EVENT_DATA_OFF, sizeof(call.ev_data));
	} else {
		call.ev_fault = 1;
	}
	call.ep = epfd_to_ep((int)epfd, slots);
	learn_epoll(pid_tgid >> 32, (int)epfd, call.ep);
	if ((int)op == EP_CTL_ADD)
		read_added_fd(&call, pid_tgid >> 32, (int)fd);
	inflight_put((__u32)pid_tgid, &call, slots);
	return 0;
}

/* The entry matters to user space only for a wait that may sleep (stall
 * checks); busy loops poll with timeout 0. */
static __always_inline void emit_wait_enter(struct syscall_call *c, __u64 pid_tgid)
{
	struct ev_wait_enter *rec;

	if (summary_only || c->timeout_ns == 0)
		return;
	rec = reserve(sizeof(*rec));
	if (!rec)
		return;
	fill_header(&rec->h, EV_WAIT_ENTER, sizeof(*rec), pid_tgid, c->ts_ns, NO_COMM);
	rec->epfd = (int)c->args[0];
	rec->maxevents = (int)c->args[2];
	rec->timeout_ns = c->timeout_ns;
	rec->syscall = wait_syscall_of(c->nr);
	bpf_ringbuf_submit(rec, wakeup_flag(c->ts_ns));
}

/* epoll_wait(epfd, events, maxevents, timeout), epoll_pwait (the same and
 * a sigmask), epoll_pwait2 (a timespec for the timeout). */
static __always_inline int enter_wait(long nr, __u64 pid_tgid, __u64 epfd, __u64 events,
				      __u64 maxevents, __u64 timeout, bool slots)
{
	struct syscall_call call = {};
	__u64 since;

	call_begin(&call, nr);
	call.args[0] = epfd;
	call.args[1] = events;
	call.args[2] = maxevents;
	call.args[3] = timeout;
	call.timeout_ns = wait_timeout_ns(nr, timeout);
	call.ep = epfd_to_ep((int)epfd, slots);
	learn_epoll(pid_tgid >> 32, (int)epfd, call.ep);
	emit_wait_enter(&call, pid_tgid);
	call.snapshots = wants_snapshots(call.ep, &since);
	if (call.snapshots)
		snapshot_ready_list(pid_tgid, (int)epfd, call.ep, false, since);
	inflight_put((__u32)pid_tgid, &call, slots);
	return 0;
}

/* close(fd): only of an epoll fd or of a file some set watches. */
static __always_inline int enter_close(__u64 pid_tgid, __u64 fd, bool slots)
{
	struct file *file = current_fd_file((int)fd, slots);
	struct syscall_call call = {};

	if (!file)
		return 0;
	forget_unsettled(file);
	call.close_is_epoll = eventpoll_fops_seen && BPF_CORE_READ(file, f_op) == eventpoll_fops_seen;
	if (!call.close_is_epoll && !file_in_some_set(file))
		return 0;
	call_begin(&call, NR_close);
	call.args[0] = fd;
	call.close_shared = file_shared(file);
	if (call.close_is_epoll) {
		call.ep = BPF_CORE_READ(file, private_data);
	} else {
		/* What a watched socket leaves unread (said with the close). */
		struct sock *sk = sock_of_any_file(file);

		if (sk)
			sock_queue(sk, &call.close_queue, false);
	}
	inflight_put((__u32)pid_tgid, &call, slots);
	return 0;
}

/* ---- calls in progress at the attach ----------------------------------------
 * A thread blocked in a wait when the tracer attached returns from a call
 * whose entry no program saw.  User space reads those calls from /proc
 * and hands each over (tracer_seed_call); the exit of such a thread's call
 * takes it when it finds no inflight call.  While no seed is kept, exits
 * and entries pay nothing but a read of seeded_calls. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);			/* tid */
	__type(value, struct seeded_call);
} seeds SEC(".maps");

/* Entries in `seeds`, or more: user space counts one before each insert,
 * the BPF side takes one off for each entry it deletes. */
__u64 seeded_calls;

/* The call rebuilt from a seed, per CPU (too big for the stack beside
 * the exit's other locals). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct syscall_call);
} seed_scratch SEC(".maps");

static __always_inline void drop_seed(__u32 tid)
{
	if (bpf_map_delete_elem(&seeds, &tid) == 0)
		__sync_fetch_and_add(&seeded_calls, -1);
}

/* The thread makes another call (or ends): whatever it was blocked in at
 * the attach is over. */
static __always_inline void forget_seed(__u64 pid_tgid)
{
	if (seeded_calls)
		drop_seed((__u32)pid_tgid);
}

static __always_inline bool is_wait_nr(long nr)
{
	return nr == NR_epoll_wait || nr == NR_epoll_pwait || nr == NR_epoll_pwait2;
}

/* The exit of a wait the thread was blocked in at the attach: the call as
 * if its entry had been seen (the set is found from the fd now), or NULL.
 * A seed of another call is stale: dropped all the same. */
static __always_inline struct syscall_call *take_seed(__u64 pid_tgid, long nr)
{
	__u32 tid = (__u32)pid_tgid, zero = 0;
	__u64 since;
	struct seeded_call *seed;
	struct syscall_call *c;

	if (!seeded_calls || !is_wait_nr(nr))
		return NULL;
	seed = bpf_map_lookup_elem(&seeds, &tid);
	if (!seed)
		return NULL;
	c = bpf_map_lookup_elem(&seed_scratch, &zero);
	if (c && seed->nr == nr && seed->pid == pid_tgid >> 32) {
		__builtin_memset(c, 0, sizeof(*c));
		c->nr = nr;
		c->ts_ns = seed->entered_ns;	/* if unknown, the exit's time (below) */
		c->entry_unknown = !seed->entered_ns;
		c->before_attach = 1;
		for (int i = 0; i < 4; i++)
			c->args[i] = seed->args[i];
	} else {
		c = NULL;
	}
	drop_seed(tid);
	if (!c)
		return NULL;
	c->timeout_ns = wait_timeout_ns(nr, c->args[3]);
	c->ep = epfd_to_ep((int)c->args[0], false);
	learn_epoll(pid_tgid >> 32, (int)c->args[0], c->ep);
	c->snapshots = wants_snapshots(c->ep, &since);
	return c;
}

/* ---- syscall exit -------------------------------------------------------- */

static __always_inline void emit_create(struct syscall_call *c, __u64 pid_tgid, __u64 now, long ret)
{
	struct ev_create *rec;

	if (ret >= 0) {
		struct file *file = current_fd_file((int)ret, false);

		if (file) {
			learn_epoll(pid_tgid >> 32, (int)ret, BPF_CORE_READ(file, private_data));
			eventpoll_fops_seen = BPF_CORE_READ(file, f_op);
		}
	}
	if (summary_only)
		return;
	rec = reserve(sizeof(*rec));
	if (!rec)
		return;
	fill_header(&rec->h, EV_CREATE, sizeof(*rec), pid_tgid, c->ts_ns, WITH_COMM);
	rec->dur_ns = now - c->ts_ns;
	rec->flags = (int)c->args[0];
	rec->ret = ret;
	rec->syscall = c->nr == NR_epoll_create ? CS_EPOLL_CREATE : CS_EPOLL_CREATE1;
	bpf_ringbuf_submit(rec, wakeup_flag(now));
}

/* After an ADD or MOD of a traced process.  An ADD may have put a socket
 * in a traced set (sock_verdicts); a non-socket or EPOLLOUT interest
 * makes the set need ready-list snapshots. */
static __always_inline void note_registration(struct syscall_call *c, long ret)
{
	int op = (int)c->args[1];	/* the kernel takes an int */

	if (ret < 0)
		return;
	if (op == EP_CTL_DEL) {
		items_changed();	/* its epitem is freed */
		return;
	}
	if (rdlist_snapshots && ((op == EP_CTL_ADD && !is_socket_mode(c->fd_mode)) ||
				 (c->ev_events & EP_OUT)))
		need_snapshots(c->ep);
	if (op == EP_CTL_ADD)
		owners_changed();	/* after the insert: see sock_verdicts */
}

static __always_inline void emit_ctl(struct syscall_call *c, __u64 pid_tgid, __u64 now, long ret)
{
	/* Registrations are rare and keep user space's fd table right, so
	 * they are shipped even with -c. */
	struct ev_ctl *rec = reserve(sizeof(*rec));

	if (!rec)
		return;
	fill_header(&rec->h, EV_CTL, sizeof(*rec), pid_tgid, c->ts_ns, WITH_COMM);
	rec->dur_ns = now - c->ts_ns;
	rec->epfd = (int)c->args[0];
	rec->op = (int)c->args[1];
	rec->fd = (int)c->args[2];
	rec->event_ptr = c->args[3];
	rec->events = c->ev_events;
	rec->data = c->ev_data;
	rec->fault = c->ev_fault;
	rec->ret = ret;
	rec->fd_ino = c->fd_ino;
	rec->fd_mode = c->fd_mode;
	__builtin_memcpy(rec->fd_dname, c->fd_dname, sizeof(rec->fd_dname));
	rec->sock = c->sock;
	rec->user_watches = -1;
	rec->watches_approx = 0;
	rec->uid = 0;
	if (rec->op == EP_CTL_ADD) {
		struct eventpoll *ep = epfd_to_ep(rec->epfd, false);

		if (ep)
			rec->user_watches = ep_user_watches(ep, &rec->uid, &rec->watches_approx);
	}
	bpf_ringbuf_submit(rec, wakeup_flag(now));
}

static __always_inline void count_wait(struct syscall_call *c, __u32 tgid, __u64 dur, long ret)
{
	struct ep_owner key = { .pid = tgid, .epfd = (int)c->args[0] };
	struct wait_stats *st = bpf_map_lookup_elem(&wait_totals, &key);

	if (!st) {
		struct wait_stats zero = {};

		bpf_map_update_elem(&wait_totals, &key, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&wait_totals, &key);
		if (!st) {
			count_dropped(ST_WAITS, 1);
			return;
		}
	}
	__sync_fetch_and_add(&st->calls, 1);
	__sync_fetch_and_add(&st->total_ns, dur);
	if (dur > st->max_ns)
		st->max_ns = dur;
	if (ret == 0)
		__sync_fetch_and_add(&st->empty, 1);
	else if (ret > 0)
		__sync_fetch_and_add(&st->delivered, ret);
}

static __always_inline void count_delivery(struct deliver_key *key)
{
	__u64 *n = bpf_map_lookup_elem(&delivery_counts, key);
	__u64 one = 1;

	if (n)
		__sync_fetch_and_add(n, 1);
	/* EEXIST: another CPU put it there first, and counted. */
	else if (bpf_map_update_elem(&delivery_counts, key, &one, BPF_NOEXIST) &&
		 !bpf_map_lookup_elem(&delivery_counts, key))
		count_dropped(ST_DELIVERIES, 1);
}

/* Events of one wait -c counts; beyond them they are counted as dropped.
 * With bpf_loop (Linux 5.17) the verifier checks one event's work once;
 * without it, a loop it walks event by event, as many as one record of a
 * streamed wait carries. */
#define COUNTED_EVENTS_MAX	(1U << 20)

struct delivery_walk {
	struct deliver_key key;
	__u64 events;		/* the caller's array */
	__u32 total;		/* events to count */
	unsigned char *chunk;	/* the events read last (wait_scratch's room) */
};

/* Event i of the wait.  The caller's array is read a chunk at a time, in
 * one read each: a read per event cost about as much as the count. */
static long count_one_delivery(__u32 i, void *ctx)
{
	struct delivery_walk *w = ctx;
	__u32 in_chunk = i % WAIT_CHUNK, off;

	if (in_chunk == 0) {
		__u32 bytes = (w->total - i < WAIT_CHUNK ? w->total - i : WAIT_CHUNK) * USER_EVENT_SIZE;

		/* The mask in asm keeps clang from copying the unbounded value. */
		asm volatile("%[b] &= %[m]" : [b] "+r"(bytes) : [m] "i"(WAIT_ITEMS_BYTES - 1));
		if (!bytes || bpf_probe_read_user(w->chunk, bytes,
						  (void *)w->events + (__u64)i * USER_EVENT_SIZE))
			return 1;	/* stop */
	}
	off = in_chunk * USER_EVENT_SIZE + USER_EVENT_DATA_OFF;
	if (off > WAIT_ITEMS_BYTES - sizeof(w->key.data))
		return 1;
	__builtin_memcpy(&w->key.data, w->chunk + off, sizeof(w->key.data));
	count_delivery(&w->key);
	return 0;
}

/* -c: count deliveries per (set, data), each event's data read from the
 * caller's array.  `loop`: with bpf_loop; a program that merely names
 * the callback is refused before Linux 5.13 (a subprogram the verifier
 * does not count), so the exit programs come in two variants. */
static __always_inline void count_deliveries(struct syscall_call *c, __u32 tgid, long ret, bool loop)
{
	__u32 zero = 0, total = ret > 0 ? ret : 0, counted;
	struct ev_wait *scratch = bpf_map_lookup_elem(&wait_scratch, &zero);
	struct delivery_walk w = { .key = { .pid = tgid, .epfd = (int)c->args[0] },
				   .events = c->args[1] };

	if (!total || !scratch)
		return;
	w.chunk = scratch->items;
	if (loop) {
		counted = total < COUNTED_EVENTS_MAX ? total : COUNTED_EVENTS_MAX;
		w.total = counted;
		bpf_loop(counted, count_one_delivery, &w, 0);
	} else {
		counted = total < WAIT_CHUNK ? total : WAIT_CHUNK;
		w.total = counted;
		for (__u32 i = 0; i < WAIT_CHUNK; i++)
			if (i >= counted || count_one_delivery(i, &w))
				break;
	}
	if (total > counted)
		count_dropped(ST_DELIVERIES, total - counted);
}

/* signal_struct.flags: the group is exiting (include/linux/sched/signal.h). */
#define SIGNAL_GROUP_EXIT	0x00000004
#define EINTR			4
#define SIG_BIT(n)		(1ULL << ((n) - 1))
/* Signals whose default action does not kill: CHLD, CONT, STOP, TSTP,
 * TTIN, TTOU, URG, WINCH. */
#define SIGS_NOT_FATAL		(SIG_BIT(17) | SIG_BIT(18) | SIG_BIT(19) | SIG_BIT(20) | \
				 SIG_BIT(21) | SIG_BIT(22) | SIG_BIT(23) | SIG_BIT(28))

/* Does the calling thread die as its call returns?  Its group is exiting
 * (exit_group, or a fatal signal, which the kernel turns into SIGKILL for
 * every thread), or a signal whose action is the default one, and that
 * kills, is pending and not blocked (a core-dumping one is taken by the
 * thread itself). */
static __always_inline bool dies_on_return(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct sighand_struct *sh;
	__u64 pending;
	__u32 action_off, handler_off, action_size;

	if (BPF_CORE_READ(task, signal, flags) & SIGNAL_GROUP_EXIT)
		return true;
	pending = (BPF_CORE_READ(task, pending.signal.sig[0]) |
		   BPF_CORE_READ(task, signal, shared_pending.signal.sig[0])) &
		  ~BPF_CORE_READ(task, blocked.sig[0]);
	if (pending & SIG_BIT(9))	/* SIGKILL */
		return true;
	pending &= ~SIGS_NOT_FATAL;
	if (!pending)
		return false;
	sh = BPF_CORE_READ(task, sighand);
	action_off = bpf_core_field_offset(struct sighand_struct, action);
	action_size = bpf_core_type_size(struct k_sigaction);
	handler_off = bpf_core_field_offset(struct k_sigaction, sa.sa_handler);
	for (__u32 i = 0; i < 64; i++) {
		void *handler = (void *)1;

		if (!(pending & (1ULL << i)))
			continue;
		bpf_probe_read_kernel(&handler, sizeof(handler),
				      (void *)sh + action_off + i * action_size + handler_off);
		if (!handler)	/* SIG_DFL */
			return true;
	}
	return false;
}

static __always_inline void emit_wait(struct syscall_call *c, __u64 pid_tgid, __u64 now, long ret)
{
	__u32 zero = 0;
	struct ev_wait *rec = bpf_map_lookup_elem(&wait_scratch, &zero);
	int total = ret > 0 ? ret : 0;
	__u32 first = 0;

	if (!rec)
		return;
	fill_header(&rec->h, EV_WAIT, 0, pid_tgid, c->ts_ns, NO_COMM);
	rec->dur_ns = now - c->ts_ns;
	rec->events_ptr = c->args[1];
	rec->timeout_ns = c->timeout_ns;
	rec->epfd = (int)c->args[0];
	rec->maxevents = (int)c->args[2];
	rec->ret = ret;
	rec->syscall = wait_syscall_of(c->nr);
	rec->fault = 0;
	rec->before_attach = c->before_attach;
	rec->entry_unknown = c->entry_unknown;
	/* What strace shows as "= ?": the program never sees this return. */
	rec->killed = ret == -EINTR && dies_on_return();

	for (int chunk = 0; chunk < MAX_WAIT_CHUNKS; chunk++) {
		__u32 count = total - first;
		__u32 bytes, size;

		if (count > WAIT_CHUNK)
			count = WAIT_CHUNK;
		bytes = count * USER_EVENT_SIZE;
		/* The mask in asm keeps clang from copying the unbounded value. */
		asm volatile("%[b] &= %[m]" : [b] "+r"(bytes) : [m] "i"(WAIT_ITEMS_BYTES - 1));
		rec->first = first;
		rec->count = count;
		rec->more = first + count < (__u32)total && chunk + 1 < MAX_WAIT_CHUNKS;
		if (bytes && bpf_probe_read_user(rec->items, bytes,
						 (void *)c->args[1] + first * USER_EVENT_SIZE)) {
			rec->fault = 1;
			rec->count = 0;
			rec->more = 0;
			bytes = 0;
		}
		size = offsetof(struct ev_wait, items) + bytes;
		rec->h.size = size;
		if (size > sizeof(*rec))
			size = sizeof(*rec);
		if (bpf_ringbuf_output(&events, rec, size, wakeup_flag(now)))
			count_lost();
		first += count;
		if (!rec->more)
			break;
	}
}

static __always_inline void emit_close(struct syscall_call *c, __u64 pid_tgid, __u64 now, long ret)
{
	struct ev_close *rec = reserve(sizeof(*rec));

	if (!rec)
		return;
	fill_header(&rec->h, EV_CLOSE, sizeof(*rec), pid_tgid, c->ts_ns, WITH_COMM);
	rec->fd = (int)c->args[0];
	rec->ret = ret;
	rec->is_epoll = c->close_is_epoll;
	rec->shared = c->close_shared;
	rec->queue = c->close_queue;
	bpf_ringbuf_submit(rec, wakeup_flag(now));
}


static __always_inline int syscall_exit(long nr, __u64 pid_tgid, long ret, bool loop)
{
	__u32 tid = (__u32)pid_tgid;
	struct syscall_call *c = NULL;
	__u64 now;

	if (is_traced(pid_tgid >> 32)) {
		c = inflight_get(tid);
		/* A thread makes one call at a time: a slot that holds another
		 * call is one whose exit was missed (its entry came just
		 * before the exit hooks were attached), not this one. */
		if (c && c->nr != nr) {
			inflight_drop(tid);
			c = NULL;
		}
		if (!c)
			c = take_seed(pid_tgid, nr);
	}
	if (!c) {
		/* Someone else's epoll_ctl: may have added a socket to a
		 * set we trace (sets can be shared).  Its op is unknown
		 * here, so any success counts. */
		if (nr == NR_epoll_ctl && ret == 0)
			owners_changed();
		return 0;
	}
	now = bpf_ktime_get_ns();
	if (c->entry_unknown)
		c->ts_ns = now;
	switch (nr) {
	case NR_epoll_create: case NR_epoll_create1:
		emit_create(c, pid_tgid, now, ret);
		break;
	case NR_epoll_ctl:
		note_registration(c, ret);
		emit_ctl(c, pid_tgid, now, ret);
		break;
	case NR_epoll_wait: case NR_epoll_pwait: case NR_epoll_pwait2:
		if (summary_only) {
			count_wait(c, pid_tgid >> 32, now - c->ts_ns, ret);
			count_deliveries(c, pid_tgid >> 32, ret, loop);
		} else {
			emit_wait(c, pid_tgid, now, ret);
		}
		if (c->snapshots) {
			set_returned(c->ep);
			snapshot_ready_list(pid_tgid, (int)c->args[0], c->ep, true, 0);
		}
		break;
	case NR_close: {
		/* The set is freed: its address may soon be another's. */
		if (ret == 0 && !c->close_shared && c->close_is_epoll && c->ep) {
			__u64 ekey = (__u64)c->ep;

			bpf_map_delete_elem(&epoll_owners, &ekey);
			bpf_map_delete_elem(&eps_snapshotted, &ekey);
			items_changed();
		}
		emit_close(c, pid_tgid, now, ret);
		break;
	}
	default:
		break;
	}
	if (!c->before_attach)
		inflight_drop(tid);
	return 0;
}

/* An epoll call or close() enters, its arguments in the caller's saved
 * registers (raw sys_enter, and fentry on the syscall's function). */
static __always_inline int syscall_enter(struct pt_regs *regs, long nr, bool slots)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (from_self(pid_tgid)) {
		if (nr == NR_epoll_ctl)
			serve_requests((int)SC_ARG0(regs));
		return 0;
	}
	if (nr == NR_close ? !traced_caller(pid_tgid) : !wanted(pid_tgid, slots))
		return 0;
	forget_seed(pid_tgid);
	switch (nr) {
	case NR_epoll_ctl:
		return enter_ctl(pid_tgid, SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs), SC_ARG3(regs),
				 slots);
	case NR_epoll_wait: case NR_epoll_pwait: case NR_epoll_pwait2:
		return enter_wait(nr, pid_tgid, SC_ARG0(regs), SC_ARG1(regs), SC_ARG2(regs),
				  SC_ARG3(regs), slots);
	case NR_close:
		return enter_close(pid_tgid, SC_ARG0(regs), slots);
	default:
		return enter_create(nr, pid_tgid, SC_ARG0(regs), slots);
	}
}

/* Attach mode 1: raw tracepoints on every syscall; needs no tracefs, but
 * runs for every syscall on the machine. */
static __always_inline int sys_enter(struct bpf_raw_tracepoint_args *ctx, bool slots)
{
	long nr = ctx->args[1];

	if (!interesting_nr(nr))	/* most syscalls stop here */
		return 0;
	return syscall_enter((struct pt_regs *)ctx->args[0], nr, slots);
}

static __always_inline int sys_exit(struct bpf_raw_tracepoint_args *ctx, bool loop)
{
	struct pt_regs *regs = (void *)ctx->args[0];
	long nr = SC_NR(regs);

	if (!interesting_nr(nr))
		return 0;
	return syscall_exit(nr, bpf_get_current_pid_tgid(), ctx->args[1], loop);
}

/* Attach mode 2: one tracepoint per syscall of interest; other syscalls
 * never run a program.  A program on a syscall tracepoint may not read
 * past that syscall's own arguments, so there is one enter program per
 * kind of call (user space attaches each syscall to its own).  The
 * syscall event's nr is an int. */
static __always_inline int tp_enter_create_call(struct trace_event_raw_sys_enter *ctx, bool slots)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!wanted(pid_tgid, slots))
		return 0;
	forget_seed(pid_tgid);
	return enter_create((int)ctx->id, pid_tgid, ctx->args[0], slots);
}

static __always_inline int tp_enter_ctl_call(struct trace_event_raw_sys_enter *ctx, bool slots)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (from_self(pid_tgid)) {
		serve_requests((int)ctx->args[0]);
		return 0;
	}
	if (!wanted(pid_tgid, slots))
		return 0;
	forget_seed(pid_tgid);
	return enter_ctl(pid_tgid, ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3], slots);
}

static __always_inline int tp_enter_wait_call(struct trace_event_raw_sys_enter *ctx, bool slots)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!wanted(pid_tgid, slots))
		return 0;
	forget_seed(pid_tgid);
	return enter_wait((int)ctx->id, pid_tgid, ctx->args[0], ctx->args[1], ctx->args[2],
			  ctx->args[3], slots);
}

static __always_inline int tp_enter_close_call(struct trace_event_raw_sys_enter *ctx, bool slots)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!traced_caller(pid_tgid))
		return 0;
	forget_seed(pid_tgid);
	return enter_close(pid_tgid, ctx->args[0], slots);
}

/* The entry programs, in two sets: SUFFIX "" keeps calls in the array
 * slots (needs BPF compare-and-swap, Linux 5.12+), SUFFIX _hash in the
 * hash only.  User space loads one set, after probing the kernel
 * (tracer.c: bpf_cmpxchg_possible). */
#define ENTRY_PROGRAMS(SUFFIX, SLOTS)						\
SEC("raw_tp/sys_enter")								\
int on_sys_enter##SUFFIX(struct bpf_raw_tracepoint_args *ctx)			\
{ return sys_enter(ctx, SLOTS); }						\
SEC("tracepoint")								\
int tp_enter_create##SUFFIX(struct trace_event_raw_sys_enter *ctx)		\
{ return tp_enter_create_call(ctx, SLOTS); }					\
SEC("tracepoint")								\
int tp_enter_ctl##SUFFIX(struct trace_event_raw_sys_enter *ctx)		\
{ return tp_enter_ctl_call(ctx, SLOTS); }					\
SEC("tracepoint")								\
int tp_enter_wait##SUFFIX(struct trace_event_raw_sys_enter *ctx)		\
{ return tp_enter_wait_call(ctx, SLOTS); }					\
SEC("tracepoint")								\
int tp_enter_close##SUFFIX(struct trace_event_raw_sys_enter *ctx)		\
{ return tp_enter_close_call(ctx, SLOTS); }

ENTRY_PROGRAMS(, true)
ENTRY_PROGRAMS(_hash, false)

/* The exit programs, in two sets: SUFFIX "" counts -c's deliveries with
 * bpf_loop (Linux 5.17+), SUFFIX _unrolled without.  User space loads
 * one set, after probing the kernel (tracer.c). */
#define EXIT_PROGRAMS(SUFFIX, LOOP)						\
SEC("raw_tp/sys_exit")								\
int on_sys_exit##SUFFIX(struct bpf_raw_tracepoint_args *ctx)			\
{ return sys_exit(ctx, LOOP); }							\
SEC("tracepoint")								\
int tp_exit##SUFFIX(struct trace_event_raw_sys_exit *ctx)			\
{ return syscall_exit((int)ctx->id, bpf_get_current_pid_tgid(), ctx->ret, LOOP); }

EXIT_PROGRAMS(, true)
EXIT_PROGRAMS(_unrolled, false)

/* Attach mode 3: fentry and fexit on the syscalls' own functions
 * (__x64_sys_epoll_wait, ...: user space names each target before the
 * load).  Only these syscalls run a program, and no task is put on the
 * slow syscall path, as a syscall tracepoint puts every task.  They need
 * what fentry itself came after (compare-and-swap, bpf_loop), so there
 * is one variant.  A call entered before the attach returns past fexit:
 * user space uses them only where no call can be in progress. */
#define FENTRY_SYSCALL(NAME)							\
SEC("fentry")									\
int BPF_PROG(fentry_##NAME, struct pt_regs *regs)				\
{ return syscall_enter(regs, NR_##NAME, true); }				\
SEC("fexit")									\
int BPF_PROG(fexit_##NAME, struct pt_regs *regs, long ret)			\
{ return syscall_exit(NR_##NAME, bpf_get_current_pid_tgid(), ret, true); }

FENTRY_SYSCALL(epoll_create)
FENTRY_SYSCALL(epoll_create1)
FENTRY_SYSCALL(epoll_ctl)
FENTRY_SYSCALL(epoll_wait)
FENTRY_SYSCALL(epoll_pwait)
FENTRY_SYSCALL(epoll_pwait2)
FENTRY_SYSCALL(close)

/* ---- readiness ------------------------------------------------------------- */

static __always_inline void count_ready(struct ep_owner *owner, int fd)
{
	struct ready_key key = { .pid = owner->pid, .epfd = owner->epfd, .fd = fd };
	__u64 *n = bpf_map_lookup_elem(&ready_counts, &key);

	if (n) {
		__sync_fetch_and_add(n, 1);
	} else {
		__u64 one = 1;

		if (bpf_map_update_elem(&ready_counts, &key, &one, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&ready_counts, &key))
			count_dropped(ST_READIES, 1);
	}
}

/* sock -> the epitem that is its only waiter, with that item's set and
 * the set's owner, as found in items_gen: the socket's next wakeups skip
 * reading the waiter and looking the owner up.  An entry holds while the
 * socket's first waiter is still that one and no item was added or
 * deleted anywhere (an item is only made by an ADD, so the same waiter
 * is the same item; a set freed without a call, at an exec or an exit,
 * unhooks its waiters first).  Per CPU, so that an entry is written by
 * one CPU only: `seq` is odd while it is written, which a program nested
 * on that CPU (a softirq's wakeup) then leaves alone. */
#define SOCK_ITEM_SLOTS	1024
/* Socks are over a kilobyte apart: their slot starts above those bits. */
#define SOCK_ITEM_SHIFT	10

struct sock_item {
	__u64 seq;
	__u64 sk;
	__u64 gen;
	__u64 link;		/* its waiter's entry on the socket's queue */
	__u64 epi;
	__u64 ep;
	struct ep_owner owner;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SOCK_ITEM_SLOTS);
	__type(key, __u32);
	__type(value, struct sock_item);
} sock_items SEC(".maps");

static __always_inline struct sock_item *sock_item_slot(__u64 sk_addr)
{
	__u32 slot = (sk_addr >> SOCK_ITEM_SHIFT) & (SOCK_ITEM_SLOTS - 1);

	return bpf_map_lookup_elem(&sock_items, &slot);
}

/* One readiness fact about epitem epi (its facts f, its set's owner).
 * `mask` is the wakeup's poll mask (0 when the waker did not say); `sk`
 * the socket that woke, if known; `direct`: read kernel memory with
 * direct loads (kernel_epoll.h). */
static __always_inline bool report_facts(struct epitem *epi, struct epitem_facts *f,
					 struct ep_owner *owner, __u32 mask, __u8 source,
					 struct sock *sk, bool direct)
{
	struct ev_ready *rec;
	__u8 flags = 0;
	struct sock_queue queue = {};

	/* A process gone (its files are being closed: a peer's last data,
	 * its own FIN) has no readiness left to tell. */
	if (!is_traced(owner->pid))
		return false;
	/* -c counts every callback; without ready-list snapshots that is all. */
	if (summary_only && !rdlist_snapshots) {
		count_ready(owner, f->fd);
		return true;
	}
	if (ep_events_disarmed(f->events))
		flags |= RF_DISARMED;
	else if (mask && !(mask & f->events))
		flags |= RF_MISMATCH;
	else if (f->queued)
		flags |= RF_COALESCED;
	else
		flags |= RF_QUEUED;
	/* What it queued is not news to the next snapshot, with -c too. */
	if (rdlist_snapshots && (flags & (RF_COALESCED | RF_QUEUED)))
		mark_reported(epi);
	if (summary_only) {
		count_ready(owner, f->fd);
		return true;
	}
	if ((flags & (RF_COALESCED | RF_QUEUED)) && !edges_wanted(owner->pid))
		return true;
	if (!kernel_list_empty(&f->ep->wq.head, direct))
		flags |= RF_WOKE;
	/* What an ET or ONESHOT socket holds at its edge: a missed-edge
	 * warning says how much of it was taken since.  (Cheaper than
	 * hooking every receive on the machine.) */
	if (f->events & (EP_ET | EP_ONESHOT)) {
		if (!sk && source == RS_EP_POLL_CALLBACK)
			sk = sock_of_any_file(BPF_CORE_READ(epi, ffd.file));
		if (sk) {
			sock_queue(sk, &queue, direct);
			flags |= RF_BACKLOG;
		}
	}

	rec = reserve(sizeof(*rec));
	if (!rec)
		return true;
	fill_header(&rec->h, EV_READY, sizeof(*rec), (__u64)owner->pid << 32, bpf_ktime_get_ns(),
		    NO_COMM);
	rec->epfd = owner->epfd;
	rec->fd = f->fd;
	rec->mask = mask;
	rec->events = f->events;
	rec->data = f->data;
	rec->source = source;
	rec->flags = flags;
	rec->queue = queue;
	bpf_ringbuf_submit(rec, wakeup_flag(rec->h.ts_ns));
	return true;
}

/* The same, the epitem's facts and owner looked up. */
static __always_inline bool report_epitem(struct epitem *epi, __u32 mask, __u8 source,
					  struct sock *sk, bool direct)
{
	struct ep_owner *owner;
	struct epitem_facts f;
	__u64 key;

	if (!read_epitem(epi, &f, direct))
		return false;
	key = (__u64)f.ep;
	owner = bpf_map_lookup_elem(&epoll_owners, &key);
	if (!owner)
		return false;
	return report_facts(epi, &f, owner, mask, source, sk, direct);
}

/* A socket's wakeup when its only waiter is an epitem: reported from
 * sock_items, or found and cached.  1: reported; 0: not traced; -1: more
 * waiters, or unreadable (walk them).  Inlined ahead of the walk, not
 * in it (in the loop, its state would multiply the verifier's work); not
 * a global function, whose stack would add to its caller's: 704 bytes,
 * which kernels before 6.12 refuse. */
static __always_inline int report_sole_item(struct sock *sk, struct socket_wq *wq)
{
	__u64 sk_addr = (__u64)sk;
	struct sock_item *it = sock_item_slot(sk_addr);
	struct list_head *head = &wq->wait.head, *pos;
	struct ep_owner owner, *known;
	struct epitem_facts f;
	struct waiter_facts w;
	struct epitem *epi;
	/* Read before the reads below: a change after them outdates the entry. */
	__u64 seq = 0, gen = items_gen, key;

	pos = kernel_ptr(struct socket_wq, wq)->wait.head.next;
	if (!pos || pos == head)
		return -1;
	if (it) {
		struct sock_item got;

		seq = it->seq;
		barrier();
		got = *it;
		barrier();
		/* The same first waiter, and no item added or deleted since:
		 * it is the same epitem's, alive (a set freed without a call,
		 * at an exec, unhooks it first). */
		if (!(seq & 1) && it->seq == seq && got.sk == sk_addr && got.gen == gen &&
		    got.link == (__u64)pos && read_epitem((struct epitem *)got.epi, &f, true) &&
		    (__u64)f.ep == got.ep)
			return report_facts((struct epitem *)got.epi, &f, &got.owner,
					    EP_IN | EP_RDNORM, RS_SK_DATA_READY, sk, true);
	}
	if (!read_waiter(pos, &w, true) ||
	    (__u64)w.func != ep_poll_callback_addr || w.next != head)
		return -1;
	epi = w.base;
	if (!read_epitem(epi, &f, true))
		return -1;
	key = (__u64)f.ep;
	known = bpf_map_lookup_elem(&epoll_owners, &key);
	if (!known)
		return 0;
	owner = *known;
	/* Cached unless this CPU is writing the slot below us (seq odd). */
	if (it && !(it->seq & 1) && it->seq == seq) {
		it->seq = seq + 1;
		barrier();
		it->sk = sk_addr;
		it->gen = gen;
		it->link = (__u64)pos;
		it->epi = (__u64)epi;
		it->ep = (__u64)f.ep;
		it->owner = owner;
		barrier();
		it->seq = seq + 2;
	}
	return report_facts(epi, &f, &owner, EP_IN | EP_RDNORM, RS_SK_DATA_READY, sk, true);
}

SEC("fentry/ep_poll_callback")
int BPF_PROG(ready_fentry, wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct epitem *epi = epitem_of_wait(wait);

	name_epitem_if_settled((__u64)epi);
	report_epitem(epi, (__u32)(unsigned long)key, RS_EP_POLL_CALLBACK, NULL, false);
	return 0;
}

SEC("kprobe/ep_poll_callback")
int BPF_KPROBE(ready_kprobe, wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct epitem *epi = epitem_of_wait(wait);

	name_epitem_if_settled((__u64)epi);
	report_epitem(epi, (__u32)(unsigned long)key, RS_EP_POLL_CALLBACK, NULL, false);
	return 0;
}

/* The epitems watching a socket are found from its wait queue, where
 * epoll's entries call ep_poll_callback: the wakeup that follows the
 * tracepoint walks the same queue and entries, so these reads cost little.
 * (file->f_ep names them too, but reading the socket's struct file misses
 * the cache: it costs more than all the rest.) */
static __always_inline bool report_sock_waiters(struct sock *sk)
{
	struct socket_wq *wq = kernel_ptr(struct sock, sk)->sk_wq;
	struct list_head *head, *pos;
	struct waiter_facts w;
	bool traced = false;
	int cached;

	/* No wait queue: the socket has lost its file (closed), and with it
	 * its epitems; a cached one would be stale. */
	if (!wq)
		return false;
	cached = report_sole_item(sk, wq);
	if (cached >= 0)
		return cached;
	head = &wq->wait.head;
	pos = kernel_ptr(struct socket_wq, wq)->wait.head.next;
	for (int i = 0; i < SOCK_WAITERS_MAX && pos && pos != head; i++) {
		if (!read_waiter(pos, &w, true))
			break;
		if ((__u64)w.func == ep_poll_callback_addr)
			traced |= report_epitem(w.base, EP_IN | EP_RDNORM, RS_SK_DATA_READY, sk, true);
		pos = w.next;
	}
	return traced;
}

/* Without ep_poll_callback's address: every epitem of the socket's file
 * hangs off file->f_ep. */
static __always_inline bool report_file_epitems(struct sock *sk)
{
	struct file *file = BPF_CORE_READ(sk, sk_socket, file);
	struct hlist_node *node;
	bool traced = false;

	if (!file || !bpf_core_field_exists(file->f_ep))
		return false;
	node = BPF_CORE_READ(file, f_ep, first);
	for (int i = 0; i < FILE_EPITEMS_MAX && node; i++) {
		traced |= report_epitem(epitem_of_fllink(node), EP_IN | EP_RDNORM,
					RS_SK_DATA_READY, sk, true);
		node = BPF_CORE_READ(node, next);
	}
	return traced;
}

/* Tracepoint backend: data arrived on a socket.  sock_verdicts spares
 * sockets no traced set watches any work. */
SEC("raw_tp/sk_data_ready")
int ready_sk_data(struct bpf_raw_tracepoint_args *ctx)
{
	struct sock *sk = (void *)ctx->args[0];
	__u64 gen = owners_gen, no = 0, *verdict = NULL;
	bool traced;
	__u32 slot;

	if (stamp_slot((__u64)sk, gen, &slot, &no)) {
		verdict = bpf_map_lookup_elem(&sock_verdicts, &slot);
		if (verdict && *verdict == no)
			return 0;
	}
	name_if_settled((__u64)sk);
	traced = ep_poll_callback_addr ? report_sock_waiters(sk) : report_file_epitems(sk);
	/* A traced sock clears a verdict that generations may bring back. */
	if (verdict)
		*verdict = traced ? 0 : no;
	return 0;
}

/* ---- process lifetime ---------------------------------------------------- */

SEC("raw_tp/sched_process_fork")
int on_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (void *)ctx->args[0];
	struct task_struct *child = (void *)ctx->args[1];
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	struct ev_fork *rec;

	if (ptgid == ctgid)
		return 0;	/* a thread */
	/* A new process of that tgid: not judged yet. */
	if (target_mode != TM_PIDS)
		set_judged(ctgid, false, false);
	/* The child of a traced process is traced with -f, and is one of the
	 * target's as its parent is (same cgroup, same name, all). */
	if ((!follow_forks && target_mode == TM_PIDS) || !is_traced(ptgid) || joining_stopped) {
		/* A bit user space set for a process gone before it looked
		 * is not this new process's. */
		if (target_mode != TM_PIDS && is_traced(ctgid))
			set_traced(ctgid, false, false);
		return 0;
	}
	/* Join the filter here, before the child can run a syscall. */
	set_traced(ctgid, true, false);
	rec = reserve(sizeof(*rec));
	if (!rec)
		return 0;
	fill_header(&rec->h, EV_FORK, sizeof(*rec), bpf_get_current_pid_tgid(), bpf_ktime_get_ns(),
		    WITH_COMM);
	rec->child_pid = ctgid;
	bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
	return 0;
}

/* --comm: a process that execs has another name: its next epoll call
 * asks again.  (One traced already stays traced.) */
SEC("raw_tp/sched_process_exec")
int on_exec(struct bpf_raw_tracepoint_args *ctx)
{
	set_judged(bpf_get_current_pid_tgid() >> 32, false, false);
	return 0;
}

/* --cgroup: a process moved to another cgroup (into the target's, say)
 * is asked again at its next epoll call.  (One traced already stays
 * traced.) */
SEC("raw_tp/cgroup_attach_task")
int on_cgroup_move(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (void *)ctx->args[2];

	set_judged(BPF_CORE_READ(task, tgid), false, false);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int on_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct ev_exit *rec;

	if (!is_traced(tgid))
		return 0;
	inflight_drop(tid);
	forget_seed(pid_tgid);
	/* signal->live already counts this thread out: 0 means the last one. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	set_traced(tgid, false, false);
	rec = reserve(sizeof(*rec));
	if (!rec)
		return 0;
	fill_header(&rec->h, EV_EXIT, sizeof(*rec), pid_tgid, bpf_ktime_get_ns(), WITH_COMM);
	rec->exit_code = BPF_CORE_READ(task, exit_code);
	bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
	return 0;
}
