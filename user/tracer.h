/* Loading and attaching the BPF programs, with the readiness backend
 * chosen at run time (fentry, then kprobe, then tracepoints). */
#ifndef TRACER_H
#define TRACER_H
#include <bpf/libbpf.h>
#include <stdint.h>
#include "options.h"

struct epolltrace_bpf;
struct target;

#define TRACER_MAX_ATTACHED 10

/* In the header's list of what is attached when readiness is not shown. */
#define READY_FOR_VERDICTS_ONLY "readiness for verdicts only"

/* How the syscalls are hooked (--syscall-hooks). */
enum syscall_hooks {
	SH_TRACEPOINT,	/* one tracepoint per syscall: syscalls:sys_enter_NAME, ... */
	SH_RAW_TP,	/* raw sys_enter/sys_exit: every syscall runs a program */
	SH_FENTRY,	/* fentry/fexit on each syscall's function */
};

struct tracer {
	const struct options *opts;
	struct epolltrace_bpf *skel;
	struct ring_buffer *rb;
	enum backend backend;
	enum syscall_hooks syscall_hooks;
	bool bpf_cas;			/* the verifier takes BPF compare-and-swap (5.12+) */
	bool bpf_loop;			/* the kernel has the bpf_loop helper (5.17+) */
	/* Readiness is not shown: a wakeup that queues an item is shipped
	 * only for the processes tracer_want_edges() names. */
	bool ready_for_verdicts_only;
	/* What is attached, in order ("fentry:ep_poll_callback", ...,
	 * "tracepoint:syscalls (7 syscalls)"), for the header. */
	const char *attached[TRACER_MAX_ATTACHED];
	int nattached;
	char syscalls_attached[48];	/* the text of the syscall tracepoints' entry */
	const struct target *target;	/* who joins by itself (-a, --cgroup, --comm) */
	/* traced_tgids and judged_tgids, mapped: bits set and cleared in
	 * place, atomically, beside the kernel side's own changes */
	uint64_t *traced_bits, *judged_bits;
	char hooks[1024];	/* every hook, space-separated, as tools/hook_floor takes them */
};

/* Loads and attaches, trying the readiness backends in turn; records go
 * to handle(ctx, ...).  tg: the target whose processes join by
 * themselves (its mode TM_PIDS: none).  0, or -1 after printing one line
 * saying why. */
int tracer_start(struct tracer *t, const struct options *o, const struct target *tg,
		 ring_buffer_sample_fn handle, void *ctx);
int tracer_add_pid(struct tracer *t, uint32_t pid);
/* Trace pid no more, and let it not join again by itself until it forks
 * or execs (a process epolltrace gave up on: too many). */
void tracer_drop_pid(struct tracer *t, uint32_t pid);
/* Tell the kernel side that `epfd` of `pid` is an epoll set (attach time). */
int tracer_resolve_epoll(struct tracer *t, uint32_t pid, int pidfd, int epfd);
/* Attach time: this set holds more than sockets watched for input, so
 * the tracepoint backend reads its ready list at each wait. */
int tracer_snapshot_epoll(struct tracer *t, int pidfd, int epfd);
/* What a socket we hold a copy of holds for its reader now (and, for a
 * TCP stream, how much it has taken so far); q->unit 0 if it cannot tell. */
int tracer_socket_queue_of_copy(struct tracer *t, int copy, struct sock_queue *q);
/* A wait (epoll_wait, epoll_pwait, epoll_pwait2; else -EINVAL) that thread
 * `tid` of `pid` is blocked in now, entered before the attach, as
 * /proc/PID/task/TID/syscall shows it: its return is then recorded like
 * any wait's, with ev_wait.before_attach set.  entered_ns: CLOCK_MONOTONIC,
 * 0 if unknown.  Call it after tracer_add_pid(pid).  0 or -errno. */
int tracer_seed_call(struct tracer *t, uint32_t pid, uint32_t tid, long nr,
		     const uint64_t args[6], uint64_t entered_ns);
/* The items on the ready list of epoll fd `epfd` of the process behind
 * `pidfd` now (read without the set's lock; up to READY_LIST_MAX, then
 * out->truncated).  out->transferring: a waiter is being handed events
 * right now and the list cannot be told (no items): ask again.  0;
 * -EOPNOTSUPP when the kernel side cannot read it (not an epoll fd, or a
 * kernel whose ready list it does not know); or -errno. */
int tracer_ready_list(struct tracer *t, int pidfd, int epfd, struct ready_list_answer *out);
/* The endpoints and state of socket `fd` of the process behind `pidfd`
 * now (e.g. to rename a socket registered before bind or connect):
 * 0, -ENOTSOCK, or -errno. */
int tracer_sock_info(struct tracer *t, int pidfd, int fd, struct sock_info *out);
void tracer_forget_pid(struct tracer *t, uint32_t pid);
/* Readiness not shown (t->ready_for_verdicts_only): ship every wakeup of
 * pid's items (on), or again only those that find no item queued. */
void tracer_want_edges(struct tracer *t, uint32_t pid, bool on);
/* Trace no process any more, and let none join (the programs stay
 * attached but send nothing new): what is in the ring buffer then is all
 * there is. */
void tracer_untrace_all(struct tracer *t);
uint64_t tracer_lost(struct tracer *t);
/* -c: counts the kernel's full tables could not take (enum summary_table). */
void tracer_summary_dropped(struct tracer *t, uint64_t dropped[ST_COUNT]);
void tracer_stop(struct tracer *t);
const char *backend_name(enum backend b);
#endif
