/* What epolltrace knows of each traced process and each epoll set:
 * registrations (fd, mask, data), per-fd counters, waits in progress. */
#ifndef EPOLL_STATE_H
#define EPOLL_STATE_H
#include <stdbool.h>
#include <stdint.h>
#include "hashmap.h"

/* One fd registered in one epoll set. */
struct reg {
	int fd;
	uint32_t events;
	uint64_t data;
	bool fd_closed;		/* the program closed the fd; the file lives on */
	/* diagnostics (diag.c) */
	bool delivered_undrained; /* ET: input delivered, no new edge since */
	bool oneshot_fired;	/* ONESHOT: delivered and not re-armed since */
	bool warned;		/* a warning was given for the current delivery */
	bool stale_warned;	/* stale_registration said at delivery */
	uint64_t suspect_since_ns; /* first seen still ready while the set sleeps */
	uint64_t suspect_wait_ns;  /* ...in the wait that began then */
	bool requeued_lt;	/* put back on the ready list at the last wait's exit */
	/* counters for -c */
	uint64_t adds, mods, readies, deliveries;
	uint64_t last_ready_ns;	/* the callback that queued it, 0 once delivered */
	uint64_t last_delivery_ns;
	/* ET/ONESHOT socket: its input queue at its last edge (ev_ready) */
	bool has_edge_backlog;
	uint8_t edge_unit;	/* enum backlog_unit */
	uint32_t edge_backlog;
	uint64_t ready_latency_total_ns, ready_latency_max_ns, ready_latency_n;
	uint64_t warnings;
};

struct epset {
	uint32_t pid;
	int epfd;
	struct hashmap by_fd;	/* fd -> struct reg */
	struct hashmap by_data;	/* data -> struct reg (last registered) */
	struct hashmap retired;	/* fd -> struct reg: counters of removed items */
	/* a wait in progress (one per set is what programs do) */
	uint32_t waiting_tid;
	uint64_t wait_since_ns;
	long long wait_timeout_ns;
	bool stall_checked;
	bool inherited;		/* copied at a fork and not used by this process since */
	/* counters */
	uint64_t waits, empty_waits, wait_total_ns, wait_max_ns, delivered, warnings;
};

struct proc {
	uint32_t pid;
	char comm[16];
	bool exited;
	int exit_status;	/* wait status */
	struct hashmap fd_desc;	/* fd -> malloc'd description */
	int pidfd;		/* for pidfd_getfd, or -1 */
};

struct proc *proc_get(uint32_t pid);		/* creates on first use */
struct proc *proc_find(uint32_t pid);
/* Refresh its comm from /proc. */
void proc_read_comm(uint32_t pid);
void proc_each(void (*fn)(struct proc *, void *), void *arg);
size_t procs_alive(void);

struct epset *epset_get(uint32_t pid, int epfd);	/* creates */
struct epset *epset_find(uint32_t pid, int epfd);
void epset_drop(uint32_t pid, int epfd);
void epset_each(void (*fn)(struct epset *, void *), void *arg);
/* With -c, sets are kept after their close for the summary. */
extern bool keep_closed_sets;

struct reg *reg_add(struct epset *s, int fd, uint32_t events, uint64_t data);
struct reg *reg_find(struct epset *s, int fd);
struct reg *reg_by_data(struct epset *s, uint64_t data);
void reg_del(struct epset *s, int fd);
/* Counters of an fd over the whole trace, live or removed (fills *sum). */
void reg_totals(struct epset *s, int fd, struct reg *sum);

/* The process forked: the child holds the same epoll fds. */
void state_fork(uint32_t parent, uint32_t child);
#endif
