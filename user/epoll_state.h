/* What epolltrace knows of each traced process and each epoll set:
 * registrations (fd, mask, data), per-fd counters, waits in progress.
 * Records update it; verdicts and renderers read it. */
#ifndef EPOLL_STATE_H
#define EPOLL_STATE_H
#include <stdbool.h>
#include <stdint.h>
#include "hashmap.h"
#include "suspicion.h"

struct epset;
struct proc;

/* One fd registered in one epoll set. */
struct reg {
	int fd;
	uint32_t events;
	uint64_t data;
	/* A live registration is also listed under its fd in its process
	 * (struct proc's regs_by_fd), with the fd's registrations in the
	 * process's other sets: a close finds them there.  Removed ones
	 * (epset.retired) are not listed. */
	struct epset *set;
	struct reg *prev_of_fd, *next_of_fd;
	bool fd_closed;		/* the program closed the fd; the file lives on */
	bool stale_warned;	/* stale_registration said at delivery */
	bool stale_said;	/* ...and at the close, once confirmed */
	/* The verdict model's view of this item (verdict.c). */
	struct suspicion sus;
	/* counters for -c */
	uint64_t adds, mods, readies, deliveries;
	uint64_t last_ready_ns;	/* the callback that queued it, 0 once delivered */
	uint32_t coalesced;	/* callbacks that found it queued already, since its
				 * last delivery (folded into that delivery's text) */
	/* Tracepoint backend: the set's ready-list epoch (epset.rdlist_exits
	 * + 1) in which it was on the list at a wait's return, and in which
	 * its readiness was told; either way not news to a snapshot of that
	 * epoch (records.c, on_rdlist). */
	uint64_t listed_epoch, readied_epoch;
	uint64_t last_delivery_ns;
	uint64_t ready_latency_total_ns, ready_latency_max_ns, ready_latency_n;
	uint64_t warnings;
};

struct epset {
	uint32_t pid;
	int epfd;
	struct proc *proc;	/* its owner */
	struct state *st;	/* the state it is part of */
	struct hashmap by_fd;	/* fd -> struct reg */
	struct hashmap by_data;	/* data -> struct reg (last registered) */
	struct hashmap retired;	/* fd -> struct reg: counters of removed items */
	/* a wait in progress (one per set is what programs do) */
	uint32_t waiting_tid;
	uint64_t wait_since_ns;
	long long wait_timeout_ns;
	uint64_t wait_seq;	/* waits entered on this set so far */
	uint64_t rdlist_exits;	/* ready-list snapshots at a wait's return so far */
	bool inherited;		/* copied at a fork and not used by this process since */
	size_t open_suspicions;	/* items whose sus.state is not SUS_NONE */
	size_t suspects;	/* ...that are SUS_SUSPECT or SUS_HELD_BACK */
	size_t edge_watched;	/* ...that are suspect or warned: their next edge
				 * clears or retracts, so it must be seen */
	bool edges_asked;	/* the kernel side was asked for this set's edges
				 * (verdict.c: struct proc_verdicts.sets_asking_edges) */
	/* counters */
	uint64_t waits, empty_waits, wait_total_ns, wait_max_ns, delivered, warnings;
};

struct proc {
	uint32_t pid;
	char comm[16];
	bool exited;
	int exit_status;	/* wait status */
	struct hashmap fd_desc;	/* fd -> malloc'd description (fd_desc.c) */
	struct hashmap sets;	/* epfd -> struct epset it owns */
	/* epfd -> struct epset: another fd of one of its sets (a dup: tokio/mio
	 * waits on one and registers through the other) */
	struct hashmap aliases;
	struct hashmap regs_by_fd;	/* fd -> struct reg: the first of its list */
	size_t registrations;	/* live, in all its sets */
	int pidfd;		/* for pidfd_getfd, or -1 */
	struct proc_verdicts verdicts;	/* what the verdict model learned (verdict.c) */
};

/* Sets are kept per process, so that what concerns one process (a
 * close, a fork, an exit) costs what that process holds, and nothing of
 * a closed set or fd stays behind to be walked. */
struct state {
	struct hashmap procs;	/* pid -> struct proc */
	/* -c: sets (their counters) and fd names outlive their close, for
	 * the summary */
	bool keep_closed;
	/* A monitor's bounds (0: none): registrations held in all, and what
	 * was not tracked for lack of room. */
	size_t registrations;	/* live, in every set of every process */
	size_t max_registrations;
	uint64_t regs_dropped;	/* registrations not tracked */
	uint64_t procs_dropped;	/* processes not tracked (counted by trace.c) */
};

struct proc *proc_get(struct state *st, uint32_t pid);	/* creates on first use */
struct proc *proc_find(const struct state *st, uint32_t pid);
/* Refresh its comm from /proc. */
void proc_read_comm(struct state *st, uint32_t pid);
/* Take the name a kernel record carries (the name after an exec). */
void proc_set_comm(struct state *st, uint32_t pid, const char *comm);
size_t procs_alive(const struct state *st);
/* Registrations the live processes hold, in all their sets. */
size_t state_registrations(const struct state *st);
/* Forgets a process and everything kept about it (its sets, fd names). */
void proc_drop(struct state *st, uint32_t pid);
size_t procs_count(const struct state *st);
/* Calls fn for each process; fn must not add or drop processes. */
void proc_each(struct state *st, void (*fn)(struct proc *, void *), void *arg);

struct epset *epset_get(struct state *st, uint32_t pid, int epfd);	/* creates */
struct epset *epset_find(const struct state *st, uint32_t pid, int epfd);
/* Another fd number of the process for the same epoll file as s. */
void epset_alias(struct state *st, uint32_t pid, int epfd, struct epset *s);
/* The fd number is gone: an alias is forgotten, a set freed with its
 * aliases (with -c: its registrations retired, its counters kept). */
void epset_drop(struct state *st, uint32_t pid, int epfd);
/* Calls fn for each set (once, whatever its aliases); fn must not add or
 * drop sets. */
void epset_each(struct state *st, void (*fn)(struct epset *, void *), void *arg);
/* The same for the sets of one process. */
void epset_each_of(struct state *st, uint32_t pid, void (*fn)(struct epset *, void *), void *arg);
/* The live registrations of fd in the sets of pid: follow next_of_fd. */
struct reg *regs_of_fd(const struct state *st, uint32_t pid, int fd);

/* Adds (or updates) a registration; NULL when a new one does not fit
 * under the state's max_registrations (counted in regs_dropped). */
struct reg *reg_add(struct epset *s, int fd, uint32_t events, uint64_t data);
/* Moves r's suspicion to `state` (enum suspicion_state), keeping the
 * set's count of open suspicions, which lets the verdict model skip the
 * sets with none. */
void reg_set_suspicion(struct epset *s, struct reg *r, uint8_t state);
struct reg *reg_find(const struct epset *s, int fd);
struct reg *reg_by_data(const struct epset *s, uint64_t data);
void reg_del(struct epset *s, int fd);
/* Counters of an fd over the whole trace, live or removed (fills *sum). */
void reg_totals(const struct epset *s, int fd, struct reg *sum);
/* Every fd the set ever held, sorted; free() the result. */
int *epset_fds(const struct epset *s, size_t *n);

/* The process forked: the child holds the same epoll fds. */
void state_fork(struct state *st, uint32_t parent, uint32_t child);
void state_free(struct state *st);
#endif
