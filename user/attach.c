#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "attach.h"
#include "clock.h"
#include "epoll_abi.h"
#include "epoll_state.h"
#include "fd_probe.h"
#include "options.h"
#include "proc_scan.h"
#include "procs.h"
#include "records.h"
#include "threads.h"
#include "tracer.h"
#include "verdict.h"

#define BLOCKED_MAX 256

struct attach_ctx {
	struct records *rc;
	struct tracer *t;
	int pidfd;
	bool set_needs_snapshots;	/* the set being scanned */
};

/* Is fd of pid a socket?  (Only asked until a set is known to need
 * snapshots, so a set of many non-sockets costs one look.) */
static bool fd_is_socket(uint32_t pid, int fd)
{
	char path[64], link[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	return n > 7 && !strncmp(link, "socket:", 7);
}

static void attach_set(uint32_t pid, int epfd, void *arg)
{
	struct attach_ctx *ac = arg;

	records_set_of(ac->rc, pid, epfd);
	ac->set_needs_snapshots = false;
	if (ac->pidfd >= 0 && tracer_resolve_epoll(ac->t, pid, ac->pidfd, epfd) &&
	    ac->rc->opts->verbose)
		fprintf(stderr, "epolltrace: cannot map epoll fd %d of %u to the kernel\n", epfd, pid);
}

static void attach_item(uint32_t pid, int epfd, const struct scanned_item *it, void *arg)
{
	struct attach_ctx *ac = arg;

	records_learn_registration(ac->rc, pid, epfd, it->tfd, it->events, it->data);
	if (!ac->set_needs_snapshots &&
	    ((it->events & EP_OUT) || !fd_is_socket(pid, it->tfd)))
		ac->set_needs_snapshots = true;
}

static void attach_set_end(uint32_t pid, int epfd, void *arg)
{
	struct attach_ctx *ac = arg;

	if (ac->pidfd >= 0 && ac->set_needs_snapshots && ac->t->backend == BK_TRACEPOINT)
		tracer_snapshot_epoll(ac->t, ac->pidfd, epfd);
}

/* A thread asleep in epoll_wait since before the attach: its set is
 * being waited on, and an edge-triggered item of it that is ready now
 * cannot be on the ready list (the sleeper would have woken): no new
 * edge will report it. */
static void join_blocked_wait(struct records *rc, struct proc *p, const struct blocked_wait *w,
			      uint64_t now)
{
	struct epset *s = epset_find(rc->state, p->pid, w->epfd);
	struct reg *ready[64];
	size_t nready = 0;
	uint64_t k;
	void *v;

	if (!s)
		return;
	s->waiting_tid = w->tid;
	s->wait_since_ns = w->since_ns ? w->since_ns : now;
	/* An unknown timeout counts as none: a deadline we cannot see does
	 * not hold a verdict back for ever. */
	s->wait_timeout_ns = w->timeout_ns == -2 ? -1 : w->timeout_ns;
	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &v) && nready < 64;) {
		struct reg *r = v;
		struct fd_backlog b;

		if (!(r->events & EP_ET) && !ep_oneshot_disarmed(r->events))
			continue;
		if (!fd_probe(p->pid, p->pidfd, r->fd, r->events, &b) && b.readable)
			ready[nready++] = r;
	}
	/* Still asleep in the same call after the looks: nothing was queued. */
	if (!nready || !still_blocked(p->pid, w))
		return;
	for (size_t i = 0; i < nready; i++)
		verdict_found_at_attach(rc->verdicts, s, ready[i], w->tid, w->blocked_ms, now);
}

int attach_pid(struct records *rc, struct tracer *t, uint32_t pid, bool loud)
{
	struct attach_ctx ac = { rc, t, open_pidfd(pid), false };
	struct scan_callbacks cb = { attach_set, attach_item, attach_set_end, &ac };
	struct proc *p = proc_get(rc->state, pid);
	struct blocked_wait bw[BLOCKED_MAX];
	int nbw;

	if (tracer_add_pid(t, pid)) {
		if (loud)
			fprintf(stderr, "epolltrace: cannot add pid %u to the filter: %s\n", pid,
				strerror(errno));
		return -1;
	}
	proc_read_comm(rc->state, pid);
	p->pidfd = ac.pidfd;
	verdict_on_process(rc->verdicts, pid, monotonic_ns());
	if (scan_epoll_sets(pid, &cb) < 0 && !pid_alive(pid)) {
		if (loud)
			fprintf(stderr, "epolltrace: process %u exited during attach\n", pid);
		return -1;
	}
	/* Waits entered before the attach: their return is traced too (the
	 * kernel side is handed each, as it would have seen its entry). */
	nbw = blocked_waits(pid, bw, BLOCKED_MAX);
	for (int i = 0; i < nbw; i++) {
		if (tracer_seed_call(t, pid, bw[i].tid, bw[i].nr, bw[i].args, bw[i].since_ns) &&
		    rc->opts->verbose)
			fprintf(stderr, "epolltrace: cannot hand the wait of thread %u to the kernel "
				"side\n", bw[i].tid);
		if (p->pidfd >= 0)
			join_blocked_wait(rc, p, &bw[i], monotonic_ns());
	}
	return 0;
}
