/* The verdict model (see verdict.h for the steps). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "clock.h"
#include "epoll_abi.h"
#include "epoll_state.h"
#include "fd_desc.h"
#include "fd_probe.h"
#include "proc_scan.h"
#include "procs.h"
#include "render.h"
#include "runtime.h"
#include "tracer.h"
#include "verdict.h"

/* Suspicions move at most this often. */
#define TICK_NS			(50 * NS_PER_MS)
/* Looks (fd copies) per tick: on a busy server many delivered items
 * wait for their first look; the least recently looked at go first, the
 * rest next tick. */
#define LOOKS_PER_TICK		64
/* Warned items, and the suspects of processes that keep their own
 * readiness, are looked at less often: only a read changes them. */
#define SLOW_LOOK_NS		(200 * NS_PER_MS)
/* A look this old still tells what a close or exit left unread. */
#define FRESH_LOOK_NS		(2 * TICK_NS)
/* EPOLLOUT fds looked at for backpressure, per process and tick. */
#define HOLDERS_MAX		256
/* After the program's own deadline, this long to act on its timer. */
#define TIMER_GRACE_NS		(150 * NS_PER_MS)
/* A process that keeps its own readiness: the window, this many times. */
#define OWN_READINESS_FACTOR	10
/* A close this soon after a peer hung up is that peer's end, not input
 * forgotten (a proxy dropping the upstream of a client gone). */
#define HANGUP_NS		(500 * NS_PER_MS)
/* fs.epoll.max_user_watches is read again after this long (an ADD
 * asks for it: a file read per call would cost more than the call). */
#define WATCH_LIMIT_NS		NS_PER_SEC
/* A close that looked shared is checked this long after: time for a
 * reference epolltrace held (a /proc read, an fd copy) to be dropped. */
#define STALE_CHECK_NS		(20 * NS_PER_MS)

void verdicts_init(struct verdicts *v, const struct verdict_config *cfg, struct state *st,
		   struct tracer *tracer, struct renderer *out)
{
	*v = (struct verdicts){ .cfg = *cfg, .st = st, .tracer = tracer, .out = out,
				.next_warning_id = 1 };
}

/* ---- output ------------------------------------------------------------ */

static const char *fd_text(struct verdicts *v, uint32_t pid, int fd, char *buf, size_t len)
{
	const char *d = fd_desc(v->st, pid, fd);

	if (d)
		snprintf(buf, len, "%d<%s>", fd, d);
	else
		snprintf(buf, len, "%d", fd);
	return buf;
}

static void say(struct verdicts *v, struct event *ev)
{
	render(v->out, ev);
}

/* A monitor says at most one warning a minute about one fd of one
 * process, of one kind, and counts the others. */
#define REPEAT_NS		(60 * NS_PER_SEC)
/* ...for this many (process, fd, kind) at most; past that, all are said. */
#define REPEATS_MAX		65536

struct repeat {
	uint32_t pid;
	uint64_t said_ns;	/* the last one said */
	uint64_t not_shown;	/* since then */
};

static const char *const warning_kinds[] = {
	"missed_edge", "oneshot_not_rearmed", "stale_registration", "watches_near_limit",
	"watches_exhausted",
};

static uint64_t repeat_key(uint32_t pid, int fd, const char *kind)
{
	uint64_t k = 255;

	for (size_t i = 0; i < sizeof(warning_kinds) / sizeof(warning_kinds[0]); i++)
		if (!strcmp(kind, warning_kinds[i]))
			k = i;
	return (uint64_t)pid << 32 | (uint64_t)(fd & 0xffffff) << 8 | k;
}

/* Is this warning one like it said less than a minute ago (then it is
 * counted, not said)?  Else w->not_shown says how many were held back. */
static bool held_back_repeat(struct verdicts *v, struct warning *w, uint32_t pid, uint64_t ts)
{
	uint64_t key = repeat_key(pid, w->fd, w->kind);
	struct repeat *r = hashmap_get(&v->repeats, key);

	if (r && ts - r->said_ns < REPEAT_NS) {
		r->not_shown++;
		v->not_shown++;
		return true;
	}
	if (!r) {
		if (v->repeats.count >= REPEATS_MAX || !(r = calloc(1, sizeof(*r))))
			return false;
		if (hashmap_put(&v->repeats, key, r)) {
			free(r);
			return false;
		}
		r->pid = pid;
	} else {
		w->not_shown = r->not_shown;
		w->not_shown_s = (ts - r->said_ns) / NS_PER_SEC;
	}
	r->said_ns = ts;
	r->not_shown = 0;
	return false;
}

static void forget_repeats(struct verdicts *v, uint32_t pid)
{
	uint64_t k;
	void *val;

	for (size_t i = 0; v->repeats.count && hashmap_next(&v->repeats, &i, &k, &val);)
		if (((struct repeat *)val)->pid == pid)
			free(hashmap_del(&v->repeats, k));
}

static void warn(struct verdicts *v, struct warning *w, uint64_t ts_ns, uint32_t pid,
		 uint32_t tid, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void warn(struct verdicts *v, struct warning *w, uint64_t ts_ns, uint32_t pid,
		 uint32_t tid, const char *fmt, ...)
{
	char message[2048];
	struct event ev = { .kind = EVK_WARNING, .ts_ns = ts_ns, .pid = pid, .tid = tid,
			    .warning = w };
	va_list ap;

	/* Held back: no id, so that a retraction of it is not said either. */
	if (v->cfg.rate_limit && held_back_repeat(v, w, pid, ts_ns)) {
		w->id = 0;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	w->id = v->next_warning_id++;
	w->message = message;
	if (v->nwarnings < VERDICT_RECAP_MAX) {
		const struct proc *p = proc_find(v->st, pid);

		v->said[v->nwarnings] = (struct said){ .kind = w->kind, .pid = pid, .epfd = w->epfd,
							.fd = w->fd };
		if (p)
			memcpy(v->said[v->nwarnings].comm, p->comm, sizeof(p->comm));
	}
	v->nwarnings++;
	say(v, &ev);
}

static void note(struct verdicts *v, uint64_t ts_ns, uint32_t pid, const char *kind, int epfd,
		 int fd, const char *runtime, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void note(struct verdicts *v, uint64_t ts_ns, uint32_t pid, const char *kind, int epfd,
		 int fd, const char *runtime, const char *fmt, ...)
{
	char message[1024];
	struct note n = { .kind = kind, .message = message, .epfd = epfd, .fd = fd,
			  .runtime = runtime };
	struct event ev = { .kind = EVK_NOTE, .ts_ns = ts_ns, .pid = pid, .note = &n };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	say(v, &ev);
}

static uint64_t ms_between(uint64_t from, uint64_t to)
{
	return to > from ? (to - from) / NS_PER_MS : 0;
}

/* ---- what the checks can see ------------------------------------------------ */

void verdict_check_access(struct verdicts *v, uint32_t pid, uint64_t ts_ns)
{
	struct proc *p = proc_find(v->st, pid);
	char message[512];
	int err;

	if (!p || p->verdicts.checks_off_said)
		return;
	if (p->pidfd < 0)
		p->pidfd = open_pidfd(pid);	/* again: errno says why not */
	err = p->pidfd < 0 ? errno : fd_probe_access(p->pidfd);
	if (!err || err == ESRCH)	/* gone: nothing left to check */
		return;
	p->verdicts.checks_off_said = true;
	snprintf(message, sizeof(message),
		 "pid %u: no %s (%s: %s): the missed_edge, oneshot_not_rearmed and "
		 "stale_registration checks and the readiness probes are off for it; run "
		 "epolltrace as root or with CAP_SYS_PTRACE", pid,
		 p->pidfd < 0 ? "pidfd" : "ptrace access to it",
		 p->pidfd < 0 ? "pidfd_open" : "pidfd_getfd", strerror(err));
	render_tell(v->out, ts_ns, pid, "checks_off", message);
}

/* ---- what a process is ----------------------------------------------------- */

/* Looked for at first sight, and once more at the process's first
 * suspect: a runtime's threads may come up after its first epoll call. */
static void look_for_runtime(struct verdicts *v, uint32_t pid, uint64_t ts_ns, int max_looks)
{
	struct proc *p = proc_get(v->st, pid);
	struct proc_verdicts *pv = &p->verdicts;
	const char *why;

	if (pv->runtime[0] || pv->runtime_looks >= max_looks)
		return;
	pv->runtime_looks++;
	if (!runtime_recognise(pid, pv->runtime, sizeof(pv->runtime), &why))
		return;
	pv->own_readiness = true;
	note(v, ts_ns, pid, "runtime", -1, -1, pv->runtime,
	     "%s, recognised from %s: its runtime keeps epoll readiness in user space and "
	     "reads edge-triggered fds when it is ready to, so a stall is not a missed edge; "
	     "epolltrace warns only when an fd is closed with its input unread.", pv->runtime, why);
}

void verdict_on_process(struct verdicts *v, uint32_t pid, uint64_t ts_ns)
{
	look_for_runtime(v, pid, ts_ns, 1);
}

/* Seen taking input of an edge-triggered fd with no new edge, after a
 * stall: the readiness lives in the program.  Said once per process. */
static void learn_own_readiness(struct verdicts *v, struct epset *s, struct reg *r,
				const char *how, uint64_t now)
{
	struct proc *p = proc_get(v->st, s->pid);
	struct proc_verdicts *pv = &p->verdicts;
	char fdb[300];

	pv->own_readiness = true;
	if (pv->own_readiness_said || pv->runtime[0])
		return;
	pv->own_readiness_said = true;
	note(v, now, s->pid, "own_readiness", s->epfd, r->fd, NULL,
	     "fd %s of epoll %d was %s %llu ms after %s, with no new edge: "
	     "the program keeps readiness in user space (its own ready queue, or a worker "
	     "that takes the fd later). From now on its stalls are warned about only when an "
	     "fd is closed with its input unread.",
	     fd_text(v, s->pid, r->fd, fdb, sizeof(fdb)), s->epfd, how,
	     (unsigned long long)ms_between(r->sus.delivered_ns ? r->sus.delivered_ns : r->sus.suspect_ns, now),
	     r->sus.before_attach || r->sus.at_attach ? "the attach" : "epoll reported it");
}

static bool keeps_own_readiness(struct verdicts *v, uint32_t pid)
{
	struct proc *p = proc_find(v->st, pid);

	return p && p->verdicts.own_readiness;
}

/* ---- looking at an fd -------------------------------------------------------- */

struct look {
	bool readable;
	uint8_t unit;		/* enum queue_unit */
	long long amount;	/* in unit; 1/0 for QU_UNKNOWN */
	bool has_consumed;	/* a TCP stream: what the reader took so far */
	uint32_t consumed;
	struct fd_backlog b;
};

static const char *unit_name(uint8_t unit)
{
	switch (unit) {
	case QU_BYTES: return "bytes";
	case QU_CONNECTIONS: return "connections";
	case QU_DATAGRAMS: return "datagrams";
	case QU_EVENTFD: return "eventfd count";
	default: return "messages";
	}
}

/* Through a copy of the fd: readable or not, and how much is queued in
 * a unit that shrinks only when the program takes input.  False when
 * the fd is gone. */
static bool look_at(struct verdicts *v, struct proc *p, struct reg *r, struct look *q)
{
	int copy = fd_copy(p->pidfd, r->fd);
	struct sock_queue sq = { 0 };

	memset(q, 0, sizeof(*q));
	if (copy < 0)
		return false;
	fd_probe_copy(copy, p->pid, r->fd, r->events, &q->b);
	q->readable = q->b.readable;
	if (q->b.socket && v->tracer && v->tracer->skel &&
	    tracer_socket_queue_of_copy(v->tracer, copy, &sq) == 0 && sq.unit) {
		q->unit = sq.unit;
		q->amount = sq.backlog;
		q->has_consumed = sq.has_consumed;
		q->consumed = sq.consumed;
	} else if (q->b.count >= 0) {
		q->unit = QU_EVENTFD;
		q->amount = q->b.count;
	} else if (q->b.bytes >= 0 && !q->b.datagram) {
		q->unit = QU_BYTES;
		q->amount = q->b.bytes;
	} else {
		q->unit = QU_UNKNOWN;
		q->amount = q->readable;
	}
	close(copy);
	return true;
}

/* What is queued, for a message: "26 bytes are still queued". */
static const char *queued_text(const struct look *q, char *buf, size_t len)
{
	if (q->unit == QU_CONNECTIONS || q->b.listening)
		snprintf(buf, len, "connections are waiting to be accepted");
	else
		fd_backlog_text(&q->b, buf, len);
	return buf;
}

/* An eventfd in counter mode that was not read since its edge: a read
 * takes the whole count, and every write is a new edge, so nothing waits
 * for an edge that will not come (mio's and many loops' wake-up fd). In
 * semaphore mode each read takes one: a count left is work left. */
static bool is_doorbell(const struct look *q)
{
	return q->unit == QU_EVENTFD && q->b.eventfd_semaphore == 0;
}

/* The reader took input since consumed_last was read (a TCP stream's
 * copied_seq, which wraps: compared as a difference). */
static bool consumed_since(const struct suspicion *u, bool has, uint32_t consumed)
{
	return has && u->has_consumed && (int32_t)(consumed - u->consumed_last) > 0;
}

/* The program took input since the last look, with no new edge. */
static bool was_read(const struct suspicion *u, const struct look *q)
{
	if (!q->readable || consumed_since(u, q->has_consumed, q->consumed))
		return true;
	return q->unit != QU_UNKNOWN && q->unit == u->unit && u->queued_last >= 0 &&
	       q->amount < u->queued_last;
}

static void remember_look(struct suspicion *u, const struct look *q, uint64_t now)
{
	u->queued_last = q->amount;
	u->last_look_ns = now;
	u->has_consumed = q->has_consumed;
	u->consumed_last = q->consumed;
}

/* ---- backpressure ------------------------------------------------------------ */

struct holder {
	struct epset *s;
	struct reg *r;
};

struct holders {
	struct holder *h;
	size_t n, cap;
};

static void collect_holders(struct epset *s, void *arg)
{
	struct holders *hs = arg;
	uint64_t k;
	void *val;

	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &val);) {
		struct reg *r = val;

		if (!(r->events & EP_OUT) || r->fd_closed)
			continue;
		if (hs->n == hs->cap) {
			hs->cap = hs->cap ? hs->cap * 2 : 64;
			hs->h = realloc(hs->h, hs->cap * sizeof(*hs->h));
			if (!hs->h) {
				hs->n = hs->cap = 0;
				return;
			}
		}
		hs->h[hs->n++] = (struct holder){ s, r };
	}
}

static int by_recent_delivery(const void *a, const void *b)
{
	uint64_t x = ((const struct holder *)a)->r->last_delivery_ns;
	uint64_t y = ((const struct holder *)b)->r->last_delivery_ns;

	return (x < y) - (x > y);
}

/* Is the process waiting for EPOLLOUT on an fd whose send side is full?
 * Then input it leaves unread is held back on purpose (a proxy that
 * stops reading its upstream while the client is slow).  The fds used
 * last are looked at first, at most HOLDERS_MAX of them, once a tick. */
static bool held_back(struct verdicts *v, struct proc *p, uint64_t now)
{
	struct proc_verdicts *pv = &p->verdicts;
	struct holders hs = { 0 };
	struct fd_backlog *out;
	uint32_t *events;
	int *fds, *gone;
	size_t n;

	if (pv->holders_look_ns && now - pv->holders_look_ns < TICK_NS)
		return pv->held_by_fd >= 0;
	pv->holders_look_ns = now;
	pv->held_by_fd = pv->held_by_epfd = -1;
	epset_each_of(v->st, p->pid, collect_holders, &hs);
	if (!hs.n)
		goto out;
	qsort(hs.h, hs.n, sizeof(*hs.h), by_recent_delivery);
	n = hs.n < HOLDERS_MAX ? hs.n : HOLDERS_MAX;
	fds = calloc(n, sizeof(*fds));
	gone = calloc(n, sizeof(*gone));
	events = calloc(n, sizeof(*events));
	out = calloc(n, sizeof(*out));
	if (fds && gone && events && out) {
		for (size_t i = 0; i < n; i++) {
			fds[i] = hs.h[i].r->fd;
			events[i] = EP_OUT;
		}
		fd_probe_many(p->pid, p->pidfd, fds, events, n, out, gone);
		for (size_t i = 0; i < n; i++) {
			if (gone[i] || (out[i].revents & (EP_OUT | EP_ERR | EP_HUP)))
				continue;
			pv->held_by_fd = fds[i];
			pv->held_by_epfd = hs.h[i].s->epfd;
			break;
		}
	}
	free(fds);
	free(gone);
	free(events);
	free(out);
out:
	free(hs.h);
	return pv->held_by_fd >= 0;
}

/* ---- the steps ------------------------------------------------------------------ */

/* With readiness not shown (-q, -e '!ready') the kernel side ships a
 * wakeup that queues an item only for the processes asked for
 * (tracer_want_edges): those with an item whose next edge would clear
 * its suspicion or retract its warning.  Any other queued item reaches
 * a wait, and its delivery tells what the edge would have.  Asked at
 * once when such an item appears; let go at the tick after the last one
 * is gone (edges shipped meanwhile are only more than needed). */
static void sync_edges(struct verdicts *v, struct epset *s)
{
	bool want = s->edge_watched > 0;
	struct proc_verdicts *pv;

	if (want == s->edges_asked || !v->tracer || !s->proc)
		return;
	pv = &s->proc->verdicts;
	s->edges_asked = want;
	if (want ? pv->sets_asking_edges++ == 0 : --pv->sets_asking_edges == 0)
		tracer_want_edges(v->tracer, s->pid, want);
}

/* Into a state whose next edge must be seen. */
static void watch_state(struct verdicts *v, struct epset *s, struct reg *r, uint8_t state)
{
	reg_set_suspicion(s, r, state);
	sync_edges(v, s);
}

static void forget(struct epset *s, struct reg *r)
{
	struct suspicion *u = &r->sus;
	bool has_edge = u->has_edge_backlog;
	uint8_t edge_unit = u->edge_unit;
	uint32_t edge = u->edge_backlog;

	reg_set_suspicion(s, r, SUS_NONE);
	memset(u, 0, sizeof(*u));
	/* What the socket held at its last edge stays true until the next. */
	u->has_edge_backlog = has_edge;
	u->edge_unit = edge_unit;
	u->edge_backlog = edge;
}

/* How much of what a socket held at its last edge the program took
 * since.  No new edge came in between, so nothing was added, and as the
 * queue never ran dry, no read can have returned EAGAIN. */
static void describe_since_edge(const struct reg *r, const struct look *q, struct warning *w,
				char *buf, size_t len)
{
	const struct suspicion *u = &r->sus;

	buf[0] = 0;
	if (!u->has_edge_backlog || q->unit != u->edge_unit || q->amount > u->edge_backlog)
		return;
	w->has_since_edge = true;
	w->edge_unit = unit_name(q->unit);
	w->edge_queued = u->edge_backlog;
	w->edge_taken = u->edge_backlog - q->amount;
	if (!w->edge_taken)
		snprintf(buf, len, "; nothing was %s since its last edge",
			 q->unit == QU_CONNECTIONS ? "accepted" : "read");
	else
		snprintf(buf, len, "; the program %s %lld of the %lld %s queued at its last "
			 "edge, so no call can have returned EAGAIN",
			 q->unit == QU_CONNECTIONS ? "accepted" : "read",
			 w->edge_taken, w->edge_queued, w->edge_unit);
}

/* The evidence, in words. */
static void describe_evidence(struct verdicts *v, const struct epset *s, const struct warning *w,
			      uint64_t now, char *buf, size_t len)
{
	size_t used = 0;

	switch (w->confirmed_by) {
	case CONF_WINDOW:
		used = snprintf(buf, len, "Evidence: nothing was read in the %llu ms confirmation "
				"window, and the program's own next wake-up came and went",
				(unsigned long long)w->window_ms);
		break;
	case CONF_CLOSE:
		used = snprintf(buf, len, "Evidence: the program closed the fd with the input unread "
				"%llu ms after it became a suspect", (unsigned long long)w->suspect_ms);
		break;
	case CONF_EXIT:
		used = snprintf(buf, len, "Evidence: the process exited with the input unread "
				"%llu ms after it became a suspect", (unsigned long long)w->suspect_ms);
		break;
	default:
		buf[0] = 0;
		return;
	}
	if (used < len && w->served_others)
		used += snprintf(buf + used, len - used, ", while it served %llu events of other fds "
				 "of the set", (unsigned long long)w->served_others);
	if (used < len && w->waits_since)
		used += snprintf(buf + used, len - used, "; it went back to epoll_wait on the set "
				 "%llu time%s meanwhile", (unsigned long long)w->waits_since,
				 w->waits_since == 1 ? "" : "s");
	if (used < len && s->waiting_tid && w->waiting_ms > w->suspect_ms)
		used += snprintf(buf + used, len - used, " and has slept there for %llu ms",
				 (unsigned long long)w->waiting_ms);
	if (used < len)
		snprintf(buf + used, len - used, ".");
}

static void warn_stuck(struct verdicts *v, struct epset *s, struct reg *r, const struct look *q,
		       enum confirmation how, uint64_t now)
{
	struct suspicion *u = &r->sus;
	bool oneshot = u->oneshot;
	struct warning w = {
		.kind = oneshot ? "oneshot_not_rearmed" : "missed_edge",
		.epfd = s->epfd, .fd = r->fd, .data = r->data, .has_data = true,
		.bytes = q->b.bytes, .eventfd_count = q->b.count,
		.since_delivery_ms = u->delivered_ns ? ms_between(u->delivered_ns, now) : 0,
		.waiting_ms = s->waiting_tid ? ms_between(s->wait_since_ns, now) : 0,
		.confirmed_by = how,
		.suspect_ms = ms_between(u->suspect_ns, now),
		.window_ms = v->cfg.confirm_ns / NS_PER_MS,
		.served_others = s->delivered - u->delivered_at_suspect,
		.waits_since = s->wait_seq - u->waits_at_suspect,
		.found_at_attach = u->at_attach,
		.blocked_tid = u->blocked_tid,
		.blocked_ms = u->blocked_ms,
	};
	char fdb[300], backlog[96], taken[160], evidence[300], since[160], blocked[48];

	if (q->unit == QU_BYTES && w.bytes < 0)
		w.bytes = q->amount;
	r->warnings++;
	s->warnings++;
	queued_text(q, backlog, sizeof(backlog));
	describe_since_edge(r, q, &w, taken, sizeof(taken));
	describe_evidence(v, s, &w, now, evidence, sizeof(evidence));
	fd_text(v, s->pid, r->fd, fdb, sizeof(fdb));
	if (u->at_attach) {
		if (u->blocked_ms >= 0)
			snprintf(blocked, sizeof(blocked), "%lld ms", u->blocked_ms);
		else
			snprintf(blocked, sizeof(blocked), "an unknown time");
		snprintf(since, sizeof(since), "was found at attach ready but not queued, with "
			 "thread %u blocked in epoll_wait on this set for %s", u->blocked_tid, blocked);
	} else if (oneshot) {
		snprintf(since, sizeof(since), "fired %s%llu ms ago and was not re-armed with "
			 "EPOLL_CTL_MOD", u->before_attach ? "before the attach, more than " : "",
			 (unsigned long long)w.since_delivery_ms);
	} else {
		snprintf(since, sizeof(since), "was reported %s%llu ms ago but not drained",
			 u->before_attach ? "before the attach, more than " : "",
			 (unsigned long long)w.since_delivery_ms);
	}
	if (oneshot)
		warn(v, &w, now, s->pid, s->waiting_tid,
		     "EPOLLONESHOT fd %s in epoll %d %s; it is ready again (%s), and epoll will not "
		     "report it until it is re-armed. %s Re-arm it after handling each event.",
		     fdb, s->epfd, since, backlog, evidence);
	else
		warn(v, &w, now, s->pid, s->waiting_tid,
		     "edge-triggered fd %s in epoll %d %s: %s%s. No new edge has come, so epoll will "
		     "not report it again. %s %s until EAGAIN (or use level-triggered mode).",
		     fdb, s->epfd, since, backlog, taken, evidence,
		     q->unit == QU_CONNECTIONS || q->b.listening ? "Accept" : "Read");
	u->warning_id = w.id;
	u->warned_ns = now;
	u->next_look_ns = now + SLOW_LOOK_NS;
	watch_state(v, s, r, SUS_WARNED);
}

/* The program took the input on its own: whatever was suspected is not
 * so, and after a warning, the warning is taken back. */
static void cleared_by_read(struct verdicts *v, struct epset *s, struct reg *r,
			    const struct look *q, uint64_t now)
{
	struct suspicion *u = &r->sus;
	char how[128], fdb[300];

	if (!q->readable)
		snprintf(how, sizeof(how), "drained");
	else if (q->unit == u->unit && q->amount < u->queued_last)
		snprintf(how, sizeof(how), "read from (%lld of %lld %s left)", q->amount,
			 u->queued_last, unit_name(q->unit));
	else
		snprintf(how, sizeof(how), "read from");
	fd_text(v, s->pid, r->fd, fdb, sizeof(fdb));
	if (u->state == SUS_WARNED && !u->warning_id) {
		/* a warning the rate limit held back: nothing to take back */
	} else if (u->state == SUS_WARNED) {
		char message[1024];
		struct event ev = { .kind = EVK_RETRACTED, .ts_ns = now, .pid = s->pid };

		snprintf(message, sizeof(message), "fd %s was %s %llu ms after the warning, with no "
			 "new edge: the program came back to it on its own, so no edge was missed.",
			 fdb, how, (unsigned long long)ms_between(u->warned_ns, now));
		ev.retracted = (struct retracted_event){ u->warning_id,
			u->oneshot ? "oneshot_not_rearmed" : "missed_edge", s->epfd, r->fd, message };
		v->retracted++;
		say(v, &ev);
	} else {
		v->cleared++;
		if (v->cfg.verbose)
			note(v, now, s->pid, "cleared", s->epfd, r->fd, NULL,
			     "fd %s of epoll %d was %s with no new edge: suspicion cleared.",
			     fdb, s->epfd, how);
	}
	learn_own_readiness(v, s, r, how, now);
	forget(s, r);
}

/* The deadline of the wait in progress on the set, 0 if none. */
static uint64_t current_deadline(const struct epset *s)
{
	if (!s->waiting_tid)
		return 0;
	if (s->wait_timeout_ns < 0)
		return DEADLINE_NONE;
	return s->wait_since_ns + s->wait_timeout_ns;
}

/* The program has had its own next wake-up since it became a suspect, and
 * `grace` to act on it (or it sleeps until an event): it could have come
 * back, and did not. */
static bool timer_passed(const struct suspicion *u, uint64_t now, uint64_t grace)
{
	if (!u->deadline_ns)
		return false;
	return u->deadline_ns == DEADLINE_NONE || now >= u->deadline_ns + grace;
}

static uint64_t window_of(const struct verdicts *v, bool own)
{
	return v->cfg.confirm_ns * (own ? OWN_READINESS_FACTOR : 1);
}

/* The window is over and the program's timer has come and gone. */
static bool confirmable(const struct verdicts *v, const struct suspicion *u, bool own,
			uint64_t now)
{
	return now - u->suspect_ns >= window_of(v, own) && timer_passed(u, now, TIMER_GRACE_NS);
}

static void become_suspect(struct verdicts *v, struct epset *s, struct reg *r,
			   const struct look *q, uint64_t now)
{
	struct suspicion *u = &r->sus;
	char fdb[300], backlog[96];

	u->suspect_ns = now;
	u->deadline_ns = current_deadline(s);
	u->unit = q->unit;
	u->queued_first = q->amount;
	remember_look(u, q, now);
	u->next_look_ns = now + TICK_NS;
	u->delivered_at_suspect = s->delivered;
	u->waits_at_suspect = s->wait_seq;
	watch_state(v, s, r, SUS_SUSPECT);
	look_for_runtime(v, s->pid, now, 2);
	if (v->cfg.verbose && u->at_attach)
		note(v, now, s->pid, "suspect", s->epfd, r->fd, NULL,
		     "fd %s of epoll %d is readable (%s) and not queued while thread %u sleeps in "
		     "epoll_wait on the set: suspect from the attach; confirmed if nothing is read "
		     "in %llu ms.", fd_text(v, s->pid, r->fd, fdb, sizeof(fdb)), s->epfd,
		     queued_text(q, backlog, sizeof(backlog)), u->blocked_tid,
		     (unsigned long long)(v->cfg.confirm_ns / NS_PER_MS));
	else if (v->cfg.verbose)
		note(v, now, s->pid, "suspect", s->epfd, r->fd, NULL,
		     "fd %s of epoll %d is still readable (%s) %llu ms after %s, "
		     "and the program is back in epoll_wait: suspect; confirmed if nothing is read "
		     "in %llu ms.", fd_text(v, s->pid, r->fd, fdb, sizeof(fdb)), s->epfd,
		     queued_text(q, backlog, sizeof(backlog)),
		     (unsigned long long)ms_between(u->delivered_ns, now),
		     u->before_attach ? "the attach" : "epoll reported it",
		     (unsigned long long)(window_of(v, proc_get(v->st, s->pid)->verdicts.own_readiness) /
					  NS_PER_MS));
}

static void hold_back(struct verdicts *v, struct epset *s, struct reg *r, struct proc *p,
		      bool held, uint64_t now)
{
	struct suspicion *u = &r->sus;
	char fdb[300], hb[300];

	if (held == (u->state == SUS_HELD_BACK))
		return;
	if (held) {
		u->held_by_fd = p->verdicts.held_by_fd;
		watch_state(v, s, r, SUS_HELD_BACK);
		if (v->cfg.verbose)
			note(v, now, s->pid, "held_back", s->epfd, r->fd, NULL,
			     "fd %s of epoll %d is held back: the program waits for EPOLLOUT on fd %s "
			     "(epoll %d), whose send side is full; unread input is not a missed edge "
			     "while it does.", fd_text(v, s->pid, r->fd, fdb, sizeof(fdb)), s->epfd,
			     fd_text(v, s->pid, p->verdicts.held_by_fd, hb, sizeof(hb)),
			     p->verdicts.held_by_epfd);
		return;
	}
	/* Released: the window starts again. */
	u->suspect_ns = now;
	u->deadline_ns = current_deadline(s);
	u->delivered_at_suspect = s->delivered;
	watch_state(v, s, r, SUS_SUSPECT);
	if (v->cfg.verbose)
		note(v, now, s->pid, "released", s->epfd, r->fd, NULL,
		     "fd %s of epoll %d is no longer held back: fd %d can be written again.",
		     fd_text(v, s->pid, r->fd, fdb, sizeof(fdb)), s->epfd, u->held_by_fd);
}

static void check_stale_closes(struct verdicts *v, uint64_t now);

struct tick {
	struct verdicts *v;
	uint64_t now;
	int looks;		/* left this tick */
};

static void step_pending(struct tick *t, struct epset *s, struct reg *r, struct proc *p)
{
	struct suspicion *u = &r->sus;
	struct look q;

	t->looks--;
	if (!look_at(t->v, p, r, &q) || !q.readable || is_doorbell(&q)) {
		/* Drained (or a doorbell).  A fired ONESHOT item stays pending
		 * until re-armed: looked at again, less often. */
		if (u->oneshot) {
			u->last_look_ns = t->now;
			u->next_look_ns = t->now + SLOW_LOOK_NS;
		} else {
			forget(s, r);
		}
		return;
	}
	become_suspect(t->v, s, r, &q, t->now);
}

/* A suspect's or warned item's next look, if it is due: false when there
 * is nothing more to judge (the fd is gone, or was read: cleared). */
static bool look_again(struct tick *t, struct epset *s, struct reg *r, struct proc *p,
		       uint64_t next, struct look *q)
{
	struct suspicion *u = &r->sus;

	t->looks--;
	u->next_look_ns = t->now + next;
	if (!look_at(t->v, p, r, q)) {
		forget(s, r);
		return false;
	}
	if (was_read(u, q)) {
		cleared_by_read(t->v, s, r, q, t->now);
		return false;
	}
	remember_look(u, q, t->now);
	return true;
}

static void step_suspect(struct tick *t, struct epset *s, struct reg *r, struct proc *p)
{
	struct suspicion *u = &r->sus;
	bool own = p->verdicts.own_readiness;
	struct look q;

	if (!look_again(t, s, r, p, own ? SLOW_LOOK_NS : TICK_NS, &q))
		return;
	/* Backpressure is looked for only where it would change the verdict. */
	if (u->state == SUS_HELD_BACK) {
		hold_back(t->v, s, r, p, held_back(t->v, p, t->now), t->now);
		return;
	}
	if (!confirmable(t->v, u, own, t->now))
		return;
	if (held_back(t->v, p, t->now)) {
		hold_back(t->v, s, r, p, true, t->now);
		return;
	}
	warn_stuck(t->v, s, r, &q, CONF_WINDOW, t->now);
}

/* A warned item is looked at only for a read that retracts the warning. */
static void step_warned(struct tick *t, struct epset *s, struct reg *r, struct proc *p)
{
	struct look q;

	look_again(t, s, r, p, SLOW_LOOK_NS, &q);
}

/* Is the item due for a look this tick? */
static bool is_due(const struct verdicts *v, const struct epset *s, const struct reg *r,
		   uint64_t now)
{
	const struct suspicion *u = &r->sus;

	if (now < u->next_look_ns)
		return false;
	if (u->state != SUS_PENDING)
		return u->state != SUS_NONE;
	/* Pending: --stall after its delivery, with the program back in its
	 * loop (a wait entered since). */
	return !r->fd_closed && s->wait_seq > u->waits_at_delivery &&
	       (!u->delivered_ns || now - u->delivered_ns >= v->cfg.stall_ns);
}

struct due_scan {
	struct verdicts *v;
	uint64_t now;
};

static void collect_due(struct epset *s, void *arg)
{
	struct due_scan *d = arg;
	struct verdicts *v = d->v;
	struct proc *p;
	uint64_t k;
	void *val;

	sync_edges(v, s);
	if (!s->open_suspicions)
		return;
	p = proc_find(v->st, s->pid);
	if (!p || p->exited || p->pidfd < 0)
		return;
	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &val);) {
		struct reg *r = val;
		const struct suspicion *u = &r->sus;

		if (!is_due(v, s, r, d->now))
			continue;
		if (v->ndue == v->due_cap) {
			size_t cap = v->due_cap ? v->due_cap * 2 : 64;
			struct due_item *bigger = realloc(v->due, cap * sizeof(*bigger));

			if (!bigger)
				return;
			v->due = bigger;
			v->due_cap = cap;
		}
		v->due[v->ndue++] = (struct due_item){ s, r, p,
			u->last_look_ns ? u->last_look_ns : u->delivered_ns };
	}
}

static int by_least_recent(const void *a, const void *b)
{
	uint64_t x = ((const struct due_item *)a)->since, y = ((const struct due_item *)b)->since;

	return (x > y) - (x < y);
}

/* Items due for a look, the least recently looked at first, as many as
 * the tick's budget of fd copies allows. */
void verdict_tick(struct verdicts *v, uint64_t now_ns)
{
	struct tick t = { v, now_ns, LOOKS_PER_TICK };
	struct due_scan d = { v, now_ns };

	if (v->nstale)
		check_stale_closes(v, now_ns);
	if (!v->cfg.stall_checks || now_ns - v->last_tick_ns < TICK_NS)
		return;
	v->last_tick_ns = now_ns;
	v->ndue = 0;
	epset_each(v->st, collect_due, &d);
	qsort(v->due, v->ndue, sizeof(*v->due), by_least_recent);
	for (size_t i = 0; i < v->ndue && t.looks > 0; i++) {
		struct due_item *it = &v->due[i];

		switch (it->r->sus.state) {
		case SUS_PENDING: step_pending(&t, it->s, it->r, it->p); break;
		case SUS_SUSPECT:
		case SUS_HELD_BACK: step_suspect(&t, it->s, it->r, it->p); break;
		case SUS_WARNED: step_warned(&t, it->s, it->r, it->p); break;
		default: break;
		}
	}
}

/* ---- what the records tell ------------------------------------------------------ */

void verdict_on_register(struct verdicts *v, struct epset *s, struct reg *r, uint64_t ts_ns,
			 bool at_attach)
{
	struct suspicion *u = &r->sus;

	/* Found at the attach: an edge-triggered item may have been reported
	 * before and not drained (a fired ONESHOT item shows only its private
	 * bits).  Pending from the attach on, judged as any: a look once the
	 * program is back in its loop, whatever it was doing at the attach. */
	if (at_attach) {
		forget(s, r);
		if (!(r->events & EP_ET) && !ep_oneshot_disarmed(r->events))
			return;
		u->oneshot = ep_oneshot_disarmed(r->events);
		u->before_attach = true;
		u->delivered_ns = ts_ns;
		u->waits_at_delivery = s->wait_seq;
		reg_set_suspicion(s, r, SUS_PENDING);
		return;
	}
	/* A fired ONESHOT item re-armed after a stall: a hand-off to a worker
	 * that took its time, not a lost item. */
	if (u->oneshot && u->state >= SUS_SUSPECT) {
		char fdb[300];

		fd_text(v, s->pid, r->fd, fdb, sizeof(fdb));
		if (u->state == SUS_WARNED && !u->warning_id) {
			/* held back by the rate limit: nothing to take back */
		} else if (u->state == SUS_WARNED) {
			char message[1024];
			struct event ev = { .kind = EVK_RETRACTED, .ts_ns = ts_ns, .pid = s->pid };

			snprintf(message, sizeof(message), "fd %s was re-armed with EPOLL_CTL_MOD %llu ms "
				 "after the warning: a hand-off that took its time, not a lost item.",
				 fdb, (unsigned long long)ms_between(u->warned_ns, ts_ns));
			ev.retracted = (struct retracted_event){ u->warning_id, "oneshot_not_rearmed",
								 s->epfd, r->fd, message };
			v->retracted++;
			say(v, &ev);
		} else {
			v->cleared++;
		}
		learn_own_readiness(v, s, r, "re-armed", ts_ns);
	} else if (u->state == SUS_SUSPECT || u->state == SUS_HELD_BACK) {
		v->cleared++;	/* ADD and MOD poll the file and queue it when ready */
	}
	forget(s, r);
	/* MOD queues a ready item without a callback: the queue told at the
	 * last edge no longer says where the program started. */
	u->has_edge_backlog = false;
}

void verdict_on_wait(struct verdicts *v, struct epset *s, uint64_t start_ns, long long timeout_ns)
{
	uint64_t k;
	void *val;

	s->wait_seq++;
	if (!s->suspects)
		return;
	/* The first wait since a suspect began: when it would wake by itself. */
	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &val);) {
		struct suspicion *u = &((struct reg *)val)->sus;

		if ((u->state == SUS_SUSPECT || u->state == SUS_HELD_BACK) && !u->deadline_ns)
			u->deadline_ns = timeout_ns < 0 ? DEADLINE_NONE : start_ns + timeout_ns;
	}
}

static void stale_on_delivery(struct verdicts *v, struct epset *s, struct reg *r, uint64_t ts_ns)
{
	struct warning w = {
		.kind = "stale_registration", .epfd = s->epfd, .fd = r->fd,
		.data = r->data, .has_data = true, .bytes = -1, .eventfd_count = -1,
	};

	r->stale_warned = true;
	r->warnings++;
	s->warnings++;
	warn(v, &w, ts_ns, s->pid, s->waiting_tid,
	     "epoll_wait(%d) reported fd %d (data 0x%llx), which the program closed; "
	     "its file is still open elsewhere, so the registration lives on. "
	     "Remove it with EPOLL_CTL_DEL before closing.",
	     s->epfd, r->fd, (unsigned long long)r->data);
}

void verdict_on_delivery(struct verdicts *v, struct epset *s, struct reg *r, uint32_t revents,
			 uint64_t ts_ns)
{
	struct suspicion *u = &r->sus;

	if (r->fd_closed && !r->stale_warned)
		stale_on_delivery(v, s, r, ts_ns);
	if (revents & (EP_HUP | EP_ERR | EP_RDHUP))
		proc_get(v->st, s->pid)->verdicts.last_hangup_ns = ts_ns;
	if (!(revents & EP_INPUT_EVENTS) || !(r->events & (EP_ET | EP_ONESHOT)))
		return;
	/* Delivered again: a new edge came (a warning given stands: the
	 * input sat unread until then). */
	forget(s, r);
	u->oneshot = r->events & EP_ONESHOT;
	u->delivered_ns = ts_ns;
	u->waits_at_delivery = s->wait_seq;
	u->queued_first = u->queued_last = -1;
	reg_set_suspicion(s, r, SUS_PENDING);
}

void verdict_on_ready(struct verdicts *v, struct epset *s, struct reg *r, int flags,
		      const struct sock_queue *q, uint64_t ts_ns)
{
	struct suspicion *u = &r->sus;

	if ((flags & RF_QUEUED) && u->state != SUS_NONE) {
		/* A new edge: epoll will report the item again.  If the reader
		 * took input before it came, the program had come back on its
		 * own (a deferred read lets the peer send more). */
		if (u->state >= SUS_SUSPECT && q && consumed_since(u, q->has_consumed, q->consumed)) {
			struct look lk = { .readable = true, .unit = q->unit, .amount = q->backlog };

			cleared_by_read(v, s, r, &lk, ts_ns);
		} else {
			forget(s, r);
		}
	}
	/* What a socket holds at its edge, for the message of a warning. */
	if (q) {
		u->has_edge_backlog = true;
		u->edge_unit = q->unit;
		u->edge_backlog = q->backlog;
	}
}

void verdict_on_unregister(struct verdicts *v, struct epset *s, struct reg *r, bool closed,
			   const struct sock_queue *left, uint64_t ts_ns)
{
	struct suspicion *u = &r->sus;
	struct proc *p = proc_find(v->st, s->pid);
	struct look q = { .readable = true };
	long long unread = left && left->unit ? (long long)left->backlog : -1;

	if (!closed || !p)
		goto out;
	/* Read (or drained) before the close, which the kernel's count at
	 * the close tells even where no look came between. */
	if (u->state >= SUS_SUSPECT && left && left->unit &&
	    (unread == 0 || consumed_since(u, left->has_consumed, left->consumed))) {
		struct look lk = { .readable = unread != 0, .unit = left->unit, .amount = unread };

		cleared_by_read(v, s, r, &lk, ts_ns);
		return;
	}
	if (u->state != SUS_SUSPECT)
		goto out;
	/* Closed with the input unread: the program will not come back for
	 * it.  Unless it was read since the last look (which only a fresh
	 * look or the kernel's count at the close rules out), the program
	 * was holding it back, a peer just hung up (a proxy drops both ends),
	 * or its own timer had not come yet. */
	if (unread == 0 || (unread < 0 && (u->unit == QU_UNKNOWN ||
					    ts_ns - u->last_look_ns > FRESH_LOOK_NS)))
		goto out;
	if (ts_ns - p->verdicts.last_hangup_ns < HANGUP_NS || !timer_passed(u, ts_ns, 0) ||
	    (p->verdicts.own_readiness && !confirmable(v, u, true, ts_ns)) ||
	    held_back(v, p, ts_ns))
		goto out;
	q.unit = unread >= 0 ? left->unit : u->unit;
	q.amount = unread >= 0 ? unread : u->queued_last;
	q.b.bytes = q.unit == QU_BYTES ? q.amount : -1;
	q.b.count = q.unit == QU_EVENTFD ? q.amount : -1;
	if (q.amount <= 0)
		goto out;
	warn_stuck(v, s, r, &q, CONF_CLOSE, ts_ns);
out:
	forget(s, r);
}

void verdict_on_stale_close(struct verdicts *v, struct epset *s, struct reg *r, uint32_t tid,
			    uint64_t ts_ns)
{
	struct stale_check *c;
	char b[300], message[1024];

	/* A forked child closing the fds it inherited, in a set it never
	 * used, is not the bug. */
	if (s->inherited)
		return;
	snprintf(message, sizeof(message),
		 "close(%d) left %s registered in epoll %d: another descriptor (a dup or a "
		 "forked child) keeps the file open, so its events keep coming under fd %d "
		 "(data 0x%llx). Call EPOLL_CTL_DEL before close.",
		 r->fd, fd_text(v, s->pid, r->fd, b, sizeof(b)), s->epfd, r->fd,
		 (unsigned long long)r->data);
	if (v->nstale == v->stale_cap) {
		size_t cap = v->stale_cap ? v->stale_cap * 2 : 16;
		struct stale_check *bigger = realloc(v->stale, cap * sizeof(*bigger));

		if (!bigger)
			return;
		v->stale = bigger;
		v->stale_cap = cap;
	}
	c = &v->stale[v->nstale];
	*c = (struct stale_check){ s->pid, tid, s->epfd, r->fd, r->data, ts_ns,
				   ts_ns + STALE_CHECK_NS, strdup(message) };
	if (c->message)
		v->nstale++;
}

struct registered_search {
	int fd;
	bool found;
};

static void registered_item(uint32_t pid, int epfd, const struct scanned_item *it, void *arg)
{
	struct registered_search *rs = arg;

	if (it->tfd == rs->fd)
		rs->found = true;
}

/* The closes that looked shared, checked against the kernel's table: the
 * registration still there means another descriptor keeps the file. */
static void check_stale_closes(struct verdicts *v, uint64_t now)
{
	size_t kept = 0;

	for (size_t i = 0; i < v->nstale; i++) {
		struct stale_check *c = &v->stale[i];
		struct registered_search rs = { c->fd, false };
		struct scan_callbacks cb = { NULL, registered_item, NULL, &rs };
		struct epset *s;
		struct reg *r;

		if (now < c->check_ns) {
			v->stale[kept++] = *c;
			continue;
		}
		s = epset_find(v->st, c->pid, c->epfd);
		r = s ? reg_find(s, c->fd) : NULL;
		if (s && r && r->fd_closed && scan_one_set(c->pid, c->epfd, &cb) >= 0 && rs.found) {
			struct warning w = {
				.kind = "stale_registration", .epfd = c->epfd, .fd = c->fd,
				.data = c->data, .has_data = true, .bytes = -1, .eventfd_count = -1,
			};

			r->warnings++;
			s->warnings++;
			r->stale_said = true;
			warn(v, &w, c->close_ns, c->pid, c->tid, "%s", c->message);
		} else if (s && r && r->fd_closed && !r->stale_said) {
			reg_del(s, c->fd);	/* gone with the file after all */
		}
		free(c->message);
	}
	v->nstale = kept;
}

struct exit_scan {
	struct verdicts *v;
	bool judge;
	uint64_t now;
};

static void exit_set(struct epset *s, void *arg)
{
	struct exit_scan *x = arg;
	uint64_t k;
	void *val;

	if (!s->open_suspicions)
		return;
	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &val);) {
		struct reg *r = val;
		struct suspicion *u = &r->sus;
		struct look q = { .readable = true };

		if (x->judge && u->state == SUS_SUSPECT && u->queued_last > 0 &&
		    x->now - u->last_look_ns <= FRESH_LOOK_NS && timer_passed(u, x->now, 0)) {
			q.unit = u->unit;
			q.amount = u->queued_last;
			q.b.bytes = q.unit == QU_BYTES ? q.amount : -1;
			q.b.count = q.unit == QU_EVENTFD ? q.amount : -1;
			warn_stuck(x->v, s, r, &q, CONF_EXIT, x->now);
		}
		forget(s, r);
	}
}

void verdict_on_exit(struct verdicts *v, uint32_t pid, int status, bool known, uint64_t ts_ns)
{
	/* A process that chose to exit with a suspect unread never came back
	 * for it; one killed by a signal had no say. */
	struct exit_scan x = { v, v->cfg.stall_checks && known && !WIFSIGNALED(status) &&
			       !keeps_own_readiness(v, pid), ts_ns };

	epset_each_of(v->st, pid, exit_set, &x);
	forget_repeats(v, pid);
}

void verdict_found_at_attach(struct verdicts *v, struct epset *s, struct reg *r, uint32_t tid,
			     long long blocked_ms, uint64_t now_ns)
{
	struct proc *p = proc_find(v->st, s->pid);
	struct suspicion *u = &r->sus;
	struct look q;

	if (!v->cfg.stall_checks || !p || p->pidfd < 0 || !look_at(v, p, r, &q) || !q.readable ||
	    is_doorbell(&q))
		return;
	forget(s, r);
	u->oneshot = ep_oneshot_disarmed(r->events);
	u->at_attach = true;
	u->blocked_tid = tid;
	u->blocked_ms = blocked_ms;
	u->waits_at_delivery = s->wait_seq;
	become_suspect(v, s, r, &q, now_ns);
}

/* ---- watch limits ------------------------------------------------------------------ */

/* What a percpu_counter's global count may lag or lead the truth by: a
 * batch (percpu_counter_batch: max(32, 2 * CPUs)) per online CPU. */
static long long percpu_slack(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return (n * 2 > 32 ? n * 2 : 32) * n;
}

/* The biggest holders of the user's watches: the traced processes by
 * their registrations as of the record (one may have exited since), the
 * others from /proc now. */
struct watch_holders {
	struct state *st;
	struct watch_holder *top;
	int ntop;
	uint32_t pid;
	long long n;
};

static void count_pid_regs(struct epset *s, void *arg)
{
	struct watch_holders *h = arg;

	if (s->pid == h->pid && !s->inherited)
		h->n += s->by_fd.count;
}

static void traced_holder(struct proc *p, void *arg)
{
	struct watch_holders *h = arg;

	h->pid = p->pid;
	h->n = 0;
	epset_each(h->st, count_pid_regs, h);
	if (h->n)
		watch_holder_insert(h->top, h->ntop, p->pid, h->n, p->comm);
}

static bool traced_alive(uint32_t pid, void *arg);

static void biggest_holders(struct verdicts *v, unsigned int uid, struct watch_holder *top,
			    int ntop)
{
	struct watch_holders h = { v->st, top, ntop, 0, 0 };

	memset(top, 0, ntop * sizeof(*top));
	user_epoll_watches_but(uid, traced_alive, v->st, top, ntop);
	proc_each(v->st, traced_holder, &h);
}

static bool traced_alive(uint32_t pid, void *arg)
{
	const struct proc *p = proc_find(arg, pid);

	return p && !p->exited;
}

/* The user's watches: the kernel's count where it is exact (an atomic,
 * before 5.15).  A percpu_counter's global count (approx) is off by up
 * to percpu_slack(); near the warning's threshold it is replaced by an
 * exact count: what the traced processes registered (known here from
 * their records, as of this ADD) and what the user's other processes
 * hold (/proc, counted again at most once a second). */
static long long watch_estimate(struct verdicts *v, unsigned int uid, long long kernel_count,
				bool approx, bool failed, long long limit)
{
	long long ours = state_registrations(v->st);
	uint64_t now;

	/* ENOSPC: the kernel's exact sum reached the limit. */
	if (failed)
		return kernel_count > limit ? kernel_count : limit;
	if (approx && kernel_count >= 0 && (kernel_count + percpu_slack()) * 5 >= limit * 4) {
		now = monotonic_ns();
		if (!v->others_ns || v->others_uid != uid || now - v->others_ns > NS_PER_SEC) {
			v->others = user_epoll_watches_but(uid, traced_alive, v->st, NULL, 0);
			v->others_uid = uid;
			v->others_ns = now;
		}
		if (v->others >= 0)
			return ours + v->others;
	}
	return ours > kernel_count ? ours : kernel_count;
}

static long long watch_limit(struct verdicts *v, uint64_t now_ns)
{
	if (!v->watch_limit_read_ns || now_ns - v->watch_limit_read_ns >= WATCH_LIMIT_NS) {
		v->watch_limit = epoll_max_user_watches();
		v->watch_limit_read_ns = now_ns;
	}
	return v->watch_limit;
}

void verdict_on_watch_count(struct verdicts *v, uint32_t pid, uint32_t tid, int epfd, int fd,
			    unsigned int uid, long long watches, bool approx, bool failed,
			    uint64_t ts_ns)
{
	long long limit = failed ? epoll_max_user_watches() : watch_limit(v, ts_ns);
	struct watch_holder top[3];
	char holders[256] = "";
	size_t used = 0;
	struct epset *s;

	if (limit <= 0)
		return;
	watches = watch_estimate(v, uid, watches, approx, failed, limit);
	if (failed ? v->watches_exhausted_said :
	    (v->watches_near_said || watches < 0 || watches * 5 < limit * 4))
		return;
	biggest_holders(v, uid, top, 3);
	for (int i = 0; i < 3 && top[i].pid && used < sizeof(holders); i++)
		used += snprintf(holders + used, sizeof(holders) - used, "%s%u (%s) %lld",
				 i ? ", " : "", top[i].pid, top[i].comm, top[i].watches);
	if (failed)
		v->watches_exhausted_said = true;
	else
		v->watches_near_said = true;
	s = epset_find(v->st, pid, epfd);
	if (s)
		s->warnings++;
	struct warning w = {
		.kind = failed ? "watches_exhausted" : "watches_near_limit",
		.epfd = epfd, .fd = fd, .uid = uid, .has_watches = true,
		.watches = watches, .watch_limit = limit, .bytes = -1, .eventfd_count = -1,
	};

	if (failed)
		warn(v, &w, ts_ns, pid, tid,
		     "epoll_ctl(%d, EPOLL_CTL_ADD, %d) failed with ENOSPC: user %u "
		     "holds %lld epoll watches, fs.epoll.max_user_watches is %lld. "
		     "Biggest holders now (pid, comm, watches): %s. Raise the sysctl or "
		     "remove idle registrations.", epfd, fd, uid, watches, limit, holders);
	else
		warn(v, &w, ts_ns, pid, tid,
		     "user %u holds %lld epoll watches, %lld%% of "
		     "fs.epoll.max_user_watches (%lld); epoll_ctl ADD fails with ENOSPC "
		     "at the limit. Biggest holders now (pid, comm, watches): %s.",
		     uid, watches, watches * 100 / limit, limit, holders);
}

void verdicts_free(struct verdicts *v)
{
	uint64_t k;
	void *val;

	for (size_t i = 0; i < v->nstale; i++)
		free(v->stale[i].message);
	free(v->stale);
	v->stale = NULL;
	v->nstale = v->stale_cap = 0;
	free(v->due);
	v->due = NULL;
	v->ndue = v->due_cap = 0;
	for (size_t i = 0; hashmap_next(&v->repeats, &i, &k, &val);)
		free(val);
	hashmap_free(&v->repeats);
}

void verdict_recap(struct verdicts *v, uint64_t now_ns)
{
	struct event ev = { .kind = EVK_RECAP, .ts_ns = now_ns };

	ev.recap = (struct recap_event){
		.warnings = v->said, .nwarnings = v->nwarnings,
		.nlisted = v->nwarnings < VERDICT_RECAP_MAX ? v->nwarnings : VERDICT_RECAP_MAX,
		.cleared = v->cleared, .retracted = v->retracted, .not_shown = v->not_shown,
		.procs_dropped = v->st->procs_dropped, .regs_dropped = v->st->regs_dropped,
	};
	say(v, &ev);
}
