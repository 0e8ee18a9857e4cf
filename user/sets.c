/* --sets -p PID: the epoll sets of live processes, as the kernel has them
 * (/proc/PID/fdinfo), each item probed for readiness through a copy of
 * the fd, what the state tells (an edge that will never come, input held
 * back), and the user's watch count against fs.epoll.max_user_watches. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "epoll_abi.h"
#include "epoll_state.h"
#include "event.h"
#include "fd_desc.h"
#include "fd_probe.h"
#include "proc_scan.h"
#include "procs.h"
#include "render.h"
#include "sets.h"
#include "threads.h"
#include "xgrow.h"

#define BLOCKED_MAX 256

/* One registration, and what probing it found. */
struct probed_item {
	int epfd;
	struct scanned_item it;
	struct fd_backlog backlog;
	int gone;		/* the fd could not be copied: closed (-1: not probed) */
};

struct sets_ctx {
	uint32_t pid;
	int pidfd;		/* or -1 */
	bool probed;		/* its fds could be copied and probed */
	int *epfds;
	size_t nsets, epfds_cap;
	struct probed_item *items;
	size_t n, cap;
};

static void on_set(uint32_t pid, int epfd, void *arg)
{
	struct sets_ctx *c = arg;

	if (c->nsets == c->epfds_cap)
		c->epfds = xgrow(c->epfds, &c->epfds_cap, sizeof(*c->epfds));
	c->epfds[c->nsets++] = epfd;
}

static void on_item(uint32_t pid, int epfd, const struct scanned_item *it, void *arg)
{
	struct sets_ctx *c = arg;

	if (c->n == c->cap)
		c->items = xgrow(c->items, &c->cap, sizeof(*c->items));
	c->items[c->n++] = (struct probed_item){ .epfd = epfd, .it = *it };
}

static void probe_all(struct sets_ctx *c)
{
	int *fds = malloc(c->n * sizeof(*fds) + 1), *gone = malloc(c->n * sizeof(*gone) + 1);
	uint32_t *events = malloc(c->n * sizeof(*events) + 1);
	struct fd_backlog *out = malloc(c->n * sizeof(*out) + 1);

	if (!fds || !gone || !events || !out) {
		fprintf(stderr, "epolltrace: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < c->n; i++) {
		fds[i] = c->items[i].it.tfd;
		events[i] = c->items[i].it.events;
	}
	fd_probe_many(c->pid, c->pidfd, fds, events, c->n, out, gone);
	for (size_t i = 0; i < c->n; i++) {
		c->items[i].backlog = out[i];
		c->items[i].gone = gone[i];
	}
	free(fds);
	free(gone);
	free(events);
	free(out);
}

static const char *stale_state(const struct probed_item *p)
{
	if (p->gone < 0)
		return NULL;	/* not probed: nothing known */
	return registration_stale(!p->gone, p->it.ino, p->backlog.ino);
}

/* A set shared after a fork was filled from the fd table of the process
 * that made it: only that one can tell whether a registration is stale
 * (the census's rule).  The first holder is the other process with the
 * same epoll file open that started first; 0 if this one is first, or
 * no other holds it, or kcmp cannot tell. */
struct holder_search {
	uint32_t pid;
	int epfd;
	uint32_t first;
};

static bool check_holder(uint32_t other, int fd, void *arg)
{
	struct holder_search *h = arg;

	if (other != h->first && same_file_of(h->pid, h->epfd, other, fd) == 1 &&
	    proc_started_before(other, h->first ? h->first : h->pid))
		h->first = other;
	return true;
}

static uint32_t first_holder(uint32_t pid, int epfd)
{
	struct holder_search h = { .pid = pid, .epfd = epfd };
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		uint32_t other;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		other = (uint32_t)strtoul(de->d_name, NULL, 10);
		if (other != pid)
			each_epoll_fd(other, check_holder, &h);
	}
	closedir(d);
	return h.first;
}

/* Items of set epfd that look stale here are judged by the set's first
 * holder, when that is another process: said once, and not marked. */
static void judge_shared(struct renderer *out, struct sets_ctx *c, int epfd)
{
	char message[512];
	uint32_t first;
	bool any = false;

	for (size_t i = 0; i < c->n && !any; i++)
		any = c->items[i].epfd == epfd && stale_state(&c->items[i]);
	if (!any || !(first = first_holder(c->pid, epfd)))
		return;
	for (size_t i = 0; i < c->n; i++)
		if (c->items[i].epfd == epfd && stale_state(&c->items[i]))
			c->items[i].gone = -1;	/* nothing known here */
	snprintf(message, sizeof(message),
		 "epoll %d of pid %u is shared with pid %u, which started first: its fds were "
		 "registered there, so fds this process does not hold are not stale here "
		 "(see --sets -p %u)", epfd, c->pid, first, first);
	render_tell(out, monotonic_ns(), c->pid, "shared_set", message);
}

/* An fd the process watches for EPOLLOUT whose send side is full: it is
 * holding its input back until it can write. */
static const struct probed_item *holder_of(const struct sets_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct probed_item *p = &c->items[i];

		if ((p->it.events & EP_OUT) && p->gone == 0 && !stale_state(p) &&
		    !(p->backlog.revents & (EP_OUT | EP_ERR | EP_HUP)))
			return p;
	}
	return NULL;
}

/* An item that is stuck if a thread sleeps on its set: readable,
 * edge-triggered or a fired ONESHOT, and not a doorbell (an eventfd in
 * counter mode never read: each write is a new edge, the verdict model's
 * rule, verdict.c). */
static bool stuck_if_waited_on(const struct probed_item *p)
{
	bool et = p->it.events & EP_ET, fired = ep_oneshot_disarmed(p->it.events);

	if (stale_state(p) || !p->backlog.readable || (!et && !fired))
		return false;
	return !(p->backlog.count >= 0 && p->backlog.eventfd_semaphore == 0);
}

/* The thread asleep in a wait on this set at the look, if any, that has
 * slept through the probes: then nothing on the set's ready list (it
 * would have woken it), so a ready edge-triggered item there will never
 * be reported by a new edge.  *unsure: a thread was asleep on it, and
 * ran since. */
static const struct blocked_wait *waiter_of(uint32_t pid, int epfd, const struct blocked_wait *bw,
					    int nbw, bool *unsure)
{
	for (int i = 0; i < nbw; i++) {
		if (bw[i].epfd != epfd)
			continue;
		if (slept_through(pid, &bw[i]))
			return &bw[i];
		*unsure = true;
	}
	return NULL;
}

static void describe_state(const struct probed_item *p, const struct blocked_wait *waiter,
			   const struct probed_item *holder, char *buf, size_t len,
			   const char **kind)
{
	char since[48] = "";
	bool et = p->it.events & EP_ET, fired = ep_oneshot_disarmed(p->it.events);

	*kind = NULL;
	if (!stuck_if_waited_on(p))
		return;
	if (holder && et) {
		*kind = "held_back";
		snprintf(buf, len, "(held back: the program waits for EPOLLOUT on fd %d, whose send "
			 "side is full)", holder->it.tfd);
		return;
	}
	if (!waiter)
		return;
	if (waiter->blocked_ms >= 0)
		snprintf(since, sizeof(since), " for %.1f s", waiter->blocked_ms / 1000.0);
	if (fired) {
		*kind = "oneshot_stuck";
		snprintf(buf, len, "STUCK: ONESHOT fired, ready and disarmed, thread %u blocked in "
			 "epoll_wait on this set%s: it will not be reported until EPOLL_CTL_MOD "
			 "re-arms it", waiter->tid, since);
	} else {
		*kind = "stuck";
		snprintf(buf, len, "STUCK: edge-triggered, ready, not queued, thread %u blocked in "
			 "epoll_wait on this set%s: no new edge will report it (missed edge unless "
			 "the program keeps its own ready queue)", waiter->tid, since);
	}
}

static void print_item(struct renderer *out, struct state *st, uint32_t pid,
		       const struct probed_item *p, const struct blocked_wait *waiter,
		       const struct probed_item *holder)
{
	bool unprobed = p->gone < 0;
	const char *stale = stale_state(p);
	const struct fd_backlog *bl = &p->backlog;
	char queued[96] = "", verdict[256];
	struct event ev = { .kind = EVK_SET_ITEM, .ts_ns = monotonic_ns(), .pid = pid };
	const char *kind = NULL;

	if (!stale && bl->readable)
		fd_backlog_text(bl, queued, sizeof(queued));
	if (!stale)
		describe_state(p, waiter, holder, verdict, sizeof(verdict), &kind);
	ev.set_item = (struct set_item_event){
		.epfd = p->epfd, .item = &p->it,
		.what = stale && p->gone ? NULL : fd_desc(st, pid, p->it.tfd),
		.backlog = bl, .stale = stale, .unprobed = unprobed,
		/* A fired ONESHOT item has no poll bits left: its input side counts. */
		.ready = !stale && !unprobed && ((bl->revents & ~EP_NVAL) || bl->readable),
		.queued = queued, .verdict = kind ? verdict : NULL, .verdict_kind = kind,
	};
	render(out, &ev);
}

/* Opens its pidfd.  Its fds are probed through copies (pidfd_getfd),
 * which need ptrace access to it; its sets are read from /proc, which
 * needs it too.  When it is missing, say so once. */
static bool can_probe(struct renderer *out, struct sets_ctx *c)
{
	char message[512];
	int err;

	c->pidfd = open_pidfd(c->pid);
	err = c->pidfd < 0 ? errno : fd_probe_access(c->pidfd);

	if (!err)
		return true;
	snprintf(message, sizeof(message),
		 "pid %u: no %s (%s: %s): its fds cannot be probed (readiness and queued input are "
		 "not shown) and its sets may not be readable; run epolltrace as root or with "
		 "CAP_SYS_PTRACE", c->pid, c->pidfd < 0 ? "pidfd" : "ptrace access to it",
		 c->pidfd < 0 ? "pidfd_open" : "pidfd_getfd", strerror(err));
	render_tell(out, monotonic_ns(), c->pid, "checks_off", message);
	return false;
}

/* A look is taken again while a thread asleep on a set with an item
 * stuck_if_waited_on() ran during it (LOOKS times, LOOK_GAP_MS apart);
 * and a writer wakes the waiters only after its data is readable, so the
 * sleepers are checked again SETTLE_MS after probes that found such an
 * item (a live stream caught between its write and its wakeup is not
 * stuck). */
#define LOOKS 5
#define LOOK_GAP_MS 50
#define SETTLE_MS 10

static bool set_has_stuck_candidate(const struct sets_ctx *c, int epfd)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->items[i].epfd == epfd && stuck_if_waited_on(&c->items[i]))
			return true;
	return false;
}

/* Which thread, if any, sleeps on each set (waiters[s] for c->epfds[s])
 * through the probes of its items, which are left in c->items. */
static void look_at_waits(struct sets_ctx *c, struct blocked_wait *bw,
			  const struct blocked_wait **waiters)
{
	for (int look = 0; look < LOOKS; look++) {
		int nbw = blocked_waits(c->pid, bw, BLOCKED_MAX);
		bool unsure = false, settled = false;

		if (c->probed)
			probe_all(c);
		else
			for (size_t i = 0; i < c->n; i++)
				c->items[i].gone = -1;
		for (size_t s = 0; s < c->nsets; s++) {
			waiters[s] = NULL;
			if (nbw <= 0 || !set_has_stuck_candidate(c, c->epfds[s]))
				continue;
			if (!settled) {
				sleep_ms(SETTLE_MS);
				settled = true;
			}
			waiters[s] = waiter_of(c->pid, c->epfds[s], bw, nbw, &unsure);
		}
		if (!unsure)
			return;
		if (look + 1 < LOOKS)
			sleep_ms(LOOK_GAP_MS);
	}
}

static int dump_pid(struct renderer *out, struct state *st, uint32_t pid)
{
	struct sets_ctx c = { .pid = pid, .pidfd = -1 };
	struct scan_callbacks cb = { on_set, on_item, NULL, &c };
	struct blocked_wait bw[BLOCKED_MAX];
	unsigned int uid = proc_uid(pid);
	struct watch_holder top[1];
	const struct probed_item *holder;
	const struct blocked_wait **waiters;
	struct event ev = { .kind = EVK_SETS, .pid = pid };

	proc_read_comm(st, pid);
	c.probed = can_probe(out, &c);
	if (scan_epoll_sets(pid, &cb) < 0) {
		fprintf(stderr, "epolltrace: cannot read /proc/%u/fd\n", pid);
		return -1;
	}
	waiters = calloc(c.nsets + 1, sizeof(*waiters));
	if (!waiters) {
		fprintf(stderr, "epolltrace: out of memory\n");
		exit(1);
	}
	look_at_waits(&c, bw, waiters);
	for (size_t s = 0; s < c.nsets; s++)
		judge_shared(out, &c, c.epfds[s]);
	holder = holder_of(&c);
	for (size_t s = 0; s < c.nsets; s++) {
		struct event begin = { .kind = EVK_SET_BEGIN, .ts_ns = monotonic_ns(), .pid = pid,
				       .set_epfd = c.epfds[s] };
		const struct blocked_wait *waiter = waiters[s];

		render(out, &begin);
		for (size_t i = 0; i < c.n; i++)
			if (c.items[i].epfd == c.epfds[s])
				print_item(out, st, pid, &c.items[i], waiter, holder);
	}
	ev.ts_ns = monotonic_ns();
	ev.sets = (struct sets_event){
		.nsets = (int)c.nsets, .items = c.n, .uid = uid,
		.user_watches = user_epoll_watches(uid, top, 1, pid, c.n),
		.max_user_watches = epoll_max_user_watches(),
	};
	render(out, &ev);
	if (c.pidfd >= 0)
		close(c.pidfd);
	free(c.items);
	free(c.epfds);
	free(waiters);
	return 0;
}

int sets_main(const uint32_t *pids, int npids, struct renderer *out, struct state *st)
{
	uint32_t done[npids > 0 ? npids : 1];
	int ndone = 0, rc = 0;

	for (int i = 0; i < npids; i++) {
		uint32_t tgid = pid_to_tgid(pids[i]);

		if (tgid && pid_listed(done, ndone, tgid))
			continue;	/* a thread of one shown already */
		if (!tgid || dump_pid(out, st, tgid))
			rc = 1;
		if (tgid)
			done[ndone++] = tgid;
	}
	return rc;
}
