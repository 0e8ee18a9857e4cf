/* The verdicts: the epoll bugs epolltrace names, drawn from the state as
 * records change it.  Each verdict is an event handed to the renderer.
 *
 * missed_edge / oneshot_not_rearmed follow one model, in steps kept per
 * item (struct suspicion):
 *   pending   an edge-triggered item's input was delivered (a ONESHOT item
 *             fired) and no new edge has come since;
 *   suspect   --stall later it is still readable and the program is back
 *             in epoll_wait on the set: epoll will not report it again;
 *   held back ...unless the program waits for EPOLLOUT on another fd whose
 *             send side is full: it stopped reading on purpose;
 *   warned    the suspicion was confirmed: the input sat untouched for the
 *             --confirm window and past the program's own next wake-up
 *             (the timeout of its wait: a timer may be what it waits for),
 *             or the fd was closed (or the process exited) with it unread
 *             while not holding back and not just after a peer hung up.
 * A suspect whose queue shrinks without a new edge was read by the
 * program on its own: the suspicion is cleared (after a warning, the
 * warning is retracted), and the process is known to keep readiness in
 * user space.  Such processes, and runtimes recognised up front (Go,
 * tokio, Netty), are held to stricter evidence: ten times the window.
 *
 * stale_registration: an fd closed while a dup or a fork keeps its file
 * open stays in the set; said once the set's table (/proc/PID/fdinfo)
 * shows the registration alive after the close (a reference epolltrace
 * itself held for a moment must not count), and when it is delivered.
 * watches_near_limit / watches_exhausted: the kernel's per-user count. */
#ifndef VERDICT_H
#define VERDICT_H
#include <stdbool.h>
#include <stdint.h>
#include "event.h"
#include "hashmap.h"

struct epset;
struct proc;
struct reg;
struct renderer;
struct state;
struct tracer;

struct verdict_config {
	uint64_t stall_ns;	/* --stall */
	uint64_t confirm_ns;	/* --confirm */
	bool stall_checks;	/* the per-call stream is there (not with -c) */
	bool verbose;		/* say each step, not only warnings */
	/* A monitor (-a, --cgroup, --comm): at most one warning a minute
	 * about one fd of one process, of one kind; the others are counted. */
	bool rate_limit;
};

#define VERDICT_RECAP_MAX 64

/* A close that left a registration behind, said once the kernel's table
 * confirms it (see verdict_on_stale_close). */
struct stale_check {
	uint32_t pid, tid;
	int epfd, fd;
	uint64_t data;
	uint64_t close_ns, check_ns;
	char *message;
};

/* An item due for a look this tick (verdict.c). */
struct due_item {
	struct epset *s;
	struct reg *r;
	struct proc *p;
	uint64_t since;		/* its last look, or its delivery: the oldest go first */
};

struct verdicts {
	struct verdict_config cfg;
	struct state *st;
	struct tracer *tracer;		/* asks the kernel for socket queues; may be NULL */
	struct renderer *out;
	uint32_t next_warning_id;
	struct said said[VERDICT_RECAP_MAX];
	size_t nwarnings;
	uint64_t cleared, retracted;
	struct hashmap repeats;		/* rate_limit: (pid, fd, kind) -> struct repeat */
	uint64_t not_shown;		/* warnings the rate limit held back */
	bool watches_near_said, watches_exhausted_said;
	long long watch_limit;		/* fs.epoll.max_user_watches, as last read */
	uint64_t watch_limit_read_ns;
	/* The watches of the user's untraced processes (a /proc scan),
	 * counted at others_ns, for others_uid. */
	long long others;
	unsigned int others_uid;
	uint64_t others_ns;
	uint64_t last_tick_ns;
	struct stale_check *stale;	/* closes waiting to be confirmed */
	size_t nstale, stale_cap;
	struct due_item *due;		/* this tick's looks, kept from tick to tick */
	size_t ndue, due_cap;
};

void verdicts_init(struct verdicts *v, const struct verdict_config *cfg, struct state *st,
		   struct tracer *tracer, struct renderer *out);

/* A process seen for the first time (at attach, or its first epoll call
 * after its exec): recognise its runtime. */
void verdict_on_process(struct verdicts *v, uint32_t pid, uint64_t ts_ns);
/* ADD or MOD, or (at_attach) a registration learned at the attach. */
void verdict_on_register(struct verdicts *v, struct epset *s, struct reg *r, uint64_t ts_ns,
			 bool at_attach);
/* A wait on the set began at start_ns with this timeout (ns, -1 none;
 * 0 for one that never sleeps). */
void verdict_on_wait(struct verdicts *v, struct epset *s, uint64_t start_ns, long long timeout_ns);
void verdict_on_delivery(struct verdicts *v, struct epset *s, struct reg *r, uint32_t revents,
			 uint64_t ts_ns);
/* Readiness: RF_* flags; q, for an edge-triggered socket, what it held
 * then (NULL: not said). */
void verdict_on_ready(struct verdicts *v, struct epset *s, struct reg *r, int flags,
		      const struct sock_queue *q, uint64_t ts_ns);
/* The registration goes away: EPOLL_CTL_DEL, or a close that dropped the
 * file (closed true; left: what the socket held then, NULL or unit 0:
 * not a socket). */
void verdict_on_unregister(struct verdicts *v, struct epset *s, struct reg *r, bool closed,
			   const struct sock_queue *left, uint64_t ts_ns);
void verdict_on_stale_close(struct verdicts *v, struct epset *s, struct reg *r, uint32_t tid,
			    uint64_t ts_ns);
/* After an ADD: the user's watch count as the kernel had it (-1 unknown;
 * approx: a percpu_counter's global count); failed tells an ENOSPC. */
void verdict_on_watch_count(struct verdicts *v, uint32_t pid, uint32_t tid, int epfd, int fd,
			    unsigned int uid, long long watches, bool approx, bool failed,
			    uint64_t ts_ns);
/* The process is gone (status: wait status; known false: unknown). */
void verdict_on_exit(struct verdicts *v, uint32_t pid, int status, bool known, uint64_t ts_ns);
/* Attach: an item found ready but not queued while thread `tid` was
 * blocked in epoll_wait on its set (for blocked_ms, -1 unknown). */
void verdict_found_at_attach(struct verdicts *v, struct epset *s, struct reg *r, uint32_t tid,
			     long long blocked_ms, uint64_t now_ns);
/* Can the checks look into the process (copies of its fds, its
 * /proc/PID/fdinfo need ptrace access)?  Asked once its pidfd is open
 * and it runs its own program; when they cannot, it is said once for the
 * process (a checks_off note, on stderr too). */
void verdict_check_access(struct verdicts *v, uint32_t pid, uint64_t ts_ns);
/* Periodic: moves suspicions along. */
void verdict_tick(struct verdicts *v, uint64_t now_ns);
/* At exit: warnings given, suspicions cleared, retractions. */
void verdict_recap(struct verdicts *v, uint64_t now_ns);
void verdicts_free(struct verdicts *v);
#endif
