/* The epoll bugs epolltrace names.
 *
 * missed_edge / oneshot_not_rearmed: an ET item whose input was delivered
 * (or a ONESHOT item that fired and was not re-armed) is still readable
 * while its process sleeps in epoll_wait on the set past the stall
 * threshold.  If a new wakeup had come, the item would be queued and the
 * wait would have returned; so a sleeping wait plus a readable fd means
 * epoll will not report it again.  Seen twice, a tick apart, in the same
 * wait, so data that just arrived (and is about to wake the waiter) is
 * not mistaken for a stuck fd.
 *
 * stale_registration: an fd closed while a dup or a fork keeps its file
 * open stays in the set; said at the close and when it is delivered.
 *
 * watches_near_limit / watches_exhausted: the kernel's per-user count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "diag.h"
#include "epoll_state.h"
#include "epolltrace.h"
#include "fd_probe.h"
#include "options.h"
#include "proc_scan.h"
#include "trace_events.h"
#include "tracer.h"
#include "warning.h"

#define EPOLLIN_BIT	0x001u
#define EPOLLPRI_BIT	0x002u
#define EPOLLRDHUP_BIT	0x2000u
#define INPUT_BITS	(EPOLLIN_BIT | EPOLLPRI_BIT | EPOLLRDHUP_BIT)
#define ONESHOT_BIT	(1u << 30)
#define ET_BIT		(1u << 31)
/* Second look at a suspect, after this long in the same wait. */
#define CONFIRM_NS	20000000ULL

static uint64_t warnings;
static bool watches_near_said, watches_exhausted_said;

uint64_t diag_warning_count(void)
{
	return warnings;
}

void diag_on_register(struct epset *s, struct reg *r, uint64_t ts_ns)
{
	/* ADD and MOD poll the file and queue it when ready: a fresh start. */
	r->delivered_undrained = false;
	r->warned = false;
	r->suspect_since_ns = 0;
	/* At attach time a fired ONESHOT item shows only its private bits. */
	r->oneshot_fired = ts_ns == 0 && (r->events & ONESHOT_BIT) &&
			   !(r->events & ~(0xf0000000u));
	/* MOD queues a ready item without a callback: the queue told at
	 * the last edge no longer says where the program started. */
	r->has_edge_backlog = false;
}

void diag_on_unregister(struct epset *s, struct reg *r)
{
}

void diag_on_delivery(struct epset *s, struct reg *r, uint32_t revents, uint64_t ts_ns)
{
	if (r->fd_closed && !r->stale_warned) {
		r->stale_warned = true;
		r->warnings++;
		s->warnings++;
		warnings++;
		warning_emit(&(struct warning){
			.kind = "stale_registration", .ts_ns = ts_ns, .pid = s->pid,
			.tid = s->waiting_tid, .epfd = s->epfd, .fd = r->fd,
			.data = r->data, .has_data = true,
		}, "epoll_wait(%d) reported fd %d (data 0x%llx), which the program closed; "
		   "its file is still open elsewhere, so the registration lives on. "
		   "Remove it with EPOLL_CTL_DEL before closing.",
		   s->epfd, r->fd, (unsigned long long)r->data);
	}
	if (!(revents & INPUT_BITS))
		return;
	r->warned = false;
	r->suspect_since_ns = 0;
	if (r->events & ET_BIT)
		r->delivered_undrained = true;
	if (r->events & ONESHOT_BIT)
		r->oneshot_fired = true;
}

void diag_on_ready(struct epset *s, struct reg *r, int flags, uint64_t ts_ns)
{
	/* A new edge: epoll will report the item again. */
	if (flags & RF_QUEUED) {
		r->delivered_undrained = false;
		r->suspect_since_ns = 0;
	}
}

void diag_on_wait_exit(struct epset *s, uint32_t tid, uint64_t ts_ns)
{
}

void diag_on_exit(uint32_t pid)
{
}

void diag_on_stale_close(struct epset *s, struct reg *r, uint32_t tid, uint64_t ts_ns)
{
	char b[300];

	/* A forked child closing the fds it inherited, in a set it never
	 * used, is not the bug. */
	if (s->inherited)
		return;
	r->warnings++;
	s->warnings++;
	warnings++;
	warning_emit(&(struct warning){
		.kind = "stale_registration", .ts_ns = ts_ns, .pid = s->pid, .tid = tid,
		.epfd = s->epfd, .fd = r->fd, .data = r->data, .has_data = true,
	}, "close(%d) left %s registered in epoll %d: another descriptor (a dup or a "
	   "forked child) keeps the file open, so its events keep coming under fd %d "
	   "(data 0x%llx). Call EPOLL_CTL_DEL before close.",
	   r->fd, fd_text(s->pid, r->fd, b, sizeof(b)), s->epfd, r->fd,
	   (unsigned long long)r->data);
}

/* ---- stalls ----------------------------------------------------------------- */

static const char *unit_name(uint8_t unit)
{
	switch (unit) {
	case BU_BYTES: return "bytes";
	case BU_CONNECTIONS: return "connections";
	case BU_DATAGRAMS: return "datagrams";
	default: return "messages";
	}
}

/* How much of what a socket held at its last edge the program took
 * since: the kernel side sent the queue with the edge, and is asked for
 * it now.  No new edge came in between, so nothing was added, and as
 * the queue never ran dry, no read can have returned EAGAIN. */
static void describe_since_edge(struct reg *r, int pidfd, char *buf, size_t len,
				struct warning *w)
{
	uint32_t now;
	uint8_t unit;

	buf[0] = 0;
	if (!the_tracer || !r->has_edge_backlog ||
	    tracer_socket_backlog(the_tracer, pidfd, r->fd, &now, &unit) ||
	    unit != r->edge_unit || now > r->edge_backlog)
		return;
	w->has_since_edge = true;
	w->edge_unit = unit_name(unit);
	w->edge_queued = r->edge_backlog;
	w->edge_taken = r->edge_backlog - now;
	if (!w->edge_taken)
		snprintf(buf, len, "; nothing was %s since its last edge",
			 unit == BU_CONNECTIONS ? "accepted" : "read");
	else
		snprintf(buf, len, "; the program %s %lld of the %lld %s queued at its last "
			 "edge, so no call can have returned EAGAIN",
			 unit == BU_CONNECTIONS ? "accepted" : "read",
			 w->edge_taken, w->edge_queued, w->edge_unit);
}

static void warn_stall(struct epset *s, struct reg *r, int pidfd, const struct fd_backlog *b,
		       uint64_t now)
{
	bool oneshot = (r->events & ONESHOT_BIT) && r->oneshot_fired;
	struct warning w = {
		.kind = oneshot ? "oneshot_not_rearmed" : "missed_edge",
		.ts_ns = now, .pid = s->pid, .tid = s->waiting_tid, .epfd = s->epfd,
		.fd = r->fd, .data = r->data, .has_data = true,
		.bytes = b->bytes, .eventfd_count = b->count,
		.since_delivery_ms = (now - r->last_delivery_ns) / 1000000,
		.waiting_ms = (now - s->wait_since_ns) / 1000000,
	};
	char fdb[300], backlog[96], taken[160];

	r->warned = true;
	r->warnings++;
	s->warnings++;
	warnings++;
	fd_backlog_text(b, backlog, sizeof(backlog));
	describe_since_edge(r, pidfd, taken, sizeof(taken), &w);
	fd_text(s->pid, r->fd, fdb, sizeof(fdb));
	if (oneshot)
		warning_emit(&w, "EPOLLONESHOT fd %s in epoll %d fired %llu ms ago and was not "
			     "re-armed with EPOLL_CTL_MOD; it is ready again (%s) while the "
			     "process has slept in epoll_wait for %llu ms. Re-arm it after "
			     "handling each event.",
			     fdb, s->epfd, (unsigned long long)w.since_delivery_ms, backlog,
			     (unsigned long long)w.waiting_ms);
	else
		warning_emit(&w, "edge-triggered fd %s in epoll %d was reported %llu ms ago but "
			     "not drained: %s%s. No new edge has come, so epoll will not "
			     "report it again, and the process has slept in epoll_wait for "
			     "%llu ms. %s until EAGAIN (or use level-triggered mode).",
			     fdb, s->epfd, (unsigned long long)w.since_delivery_ms, backlog,
			     taken, (unsigned long long)w.waiting_ms,
			     b->listening ? "Accept" : "Read");
}

static bool wait_sleeps_past_stall(const struct epset *s, uint64_t now, uint64_t stall)
{
	if (!s->waiting_tid || now < s->wait_since_ns + stall)
		return false;
	/* A wait whose timeout ends before the threshold never stalls. */
	return s->wait_timeout_ns < 0 || (uint64_t)s->wait_timeout_ns > stall;
}

static void check_set(struct epset *s, void *arg)
{
	uint64_t now = *(uint64_t *)arg, stall = opts.stall_ms * 1000000ULL;
	struct proc *p;
	uint64_t k;
	void *v;

	if (!wait_sleeps_past_stall(s, now, stall))
		return;
	p = proc_find(s->pid);
	if (!p || p->exited || p->pidfd < 0)
		return;
	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &v);) {
		struct reg *r = v;
		struct fd_backlog b;
		bool candidate = !r->warned && !r->fd_closed &&
			(((r->events & ET_BIT) && r->delivered_undrained) ||
			 ((r->events & ONESHOT_BIT) && r->oneshot_fired));

		if (!candidate)
			continue;
		if (fd_probe(s->pid, p->pidfd, r->fd, r->events, &b) || !b.readable) {
			r->suspect_since_ns = 0;
			continue;
		}
		if (!r->suspect_since_ns || r->suspect_wait_ns != s->wait_since_ns) {
			r->suspect_since_ns = now;
			r->suspect_wait_ns = s->wait_since_ns;
			continue;
		}
		if (now - r->suspect_since_ns >= CONFIRM_NS)
			warn_stall(s, r, p->pidfd, &b, now);
	}
}

void diag_tick(uint64_t now_ns)
{
	static uint64_t last;

	if (now_ns - last < 10000000ULL)	/* at most every 10 ms */
		return;
	last = now_ns;
	epset_each(check_set, &now_ns);
}

/* ---- watch limits ---------------------------------------------------------- */

static void count_regs(struct epset *s, void *arg)
{
	*(long long *)arg += s->by_fd.len;
}

/* With the counters' batching the kernel's global count may lag the
 * truth by a batch per CPU; what the traced processes registered is
 * known exactly here, and the larger of the two is nearer. */
static long long watch_estimate(long long kernel_count, bool failed, long long limit)
{
	long long ours = 0;

	epset_each(count_regs, &ours);
	if (ours > kernel_count)
		kernel_count = ours;
	/* ENOSPC: the kernel's exact sum reached the limit. */
	if (failed && kernel_count < limit)
		kernel_count = limit;
	return kernel_count;
}

void diag_on_watch_count(uint32_t pid, uint32_t tid, int epfd, int fd, unsigned int uid,
			 long long watches, bool failed, uint64_t ts_ns)
{
	long long limit = epoll_max_user_watches();
	struct watch_holder top[3];
	char holders[256] = "";
	size_t used = 0;

	if (limit <= 0)
		return;
	watches = watch_estimate(watches, failed, limit);
	if (failed ? watches_exhausted_said : (watches_near_said || watches < 0 || watches * 5 < limit * 4))
		return;
	user_epoll_watches(uid, top, 3, 0, 0);
	for (int i = 0; i < 3 && top[i].pid; i++)
		used += snprintf(holders + used, sizeof(holders) - used, "%s%u (%s) %lld",
				 i ? ", " : "", top[i].pid, top[i].comm, top[i].watches);
	if (failed)
		watches_exhausted_said = true;
	else
		watches_near_said = true;
	warnings++;
	if (epset_find(pid, epfd))
		epset_find(pid, epfd)->warnings++;
	struct warning w = {
		.kind = failed ? "watches_exhausted" : "watches_near_limit", .ts_ns = ts_ns,
		.pid = pid, .tid = tid, .epfd = epfd, .fd = fd, .uid = uid, .has_watches = true,
		.watches = watches, .watch_limit = limit,
	};

	if (failed)
		warning_emit(&w, "epoll_ctl(%d, EPOLL_CTL_ADD, %d) failed with ENOSPC: user %u "
			     "holds %lld epoll watches, fs.epoll.max_user_watches is %lld. "
			     "Biggest holders now (pid, comm, watches): %s. Raise the sysctl or "
			     "remove idle registrations.", epfd, fd, uid, watches, limit, holders);
	else
		warning_emit(&w, "user %u holds %lld epoll watches, %lld%% of "
			     "fs.epoll.max_user_watches (%lld); epoll_ctl ADD fails with ENOSPC "
			     "at the limit. Biggest holders now (pid, comm, watches): %s.",
			     uid, watches, watches * 100 / limit, limit, holders);
}
