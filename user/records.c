#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include "clock.h"
#include "epoll_abi.h"
#include "epoll_state.h"
#include "epolltrace.h"
#include "event.h"
#include "fd_desc.h"
#include "options.h"
#include "procs.h"
#include "records.h"
#include "render.h"
#include "tracer.h"
#include "verdict.h"

/* The kernel side copies the callers' arrays raw, laid out as here. */
_Static_assert(sizeof(struct epoll_event) == USER_EVENT_SIZE &&
	       offsetof(struct epoll_event, data) == USER_EVENT_DATA_OFF,
	       "USER_EVENT_SIZE/USER_EVENT_DATA_OFF: not this architecture's struct epoll_event");

void records_init(struct records *rc, const struct options *opts, struct state *st,
		  struct verdicts *v, struct renderer *out, struct tracer *t)
{
	*rc = (struct records){ .opts = opts, .state = st, .verdicts = v, .out = out, .tracer = t };
}

/* The filters: -c shows no calls, --epfd and --fd only what concerns them. */
static bool shown(const struct records *rc, int epfd, int fd)
{
	const struct options *o = rc->opts;

	if (o->summary)
		return false;
	if (o->filter_epfd >= 0 && epfd != o->filter_epfd)
		return false;
	if (o->filter_fd >= 0 && fd != o->filter_fd)
		return false;
	return true;
}

static struct event event_of(enum event_kind kind, const struct ev_header *h)
{
	return (struct event){ .kind = kind, .ts_ns = h->ts_ns, .pid = h->pid, .tid = h->tid,
			       .comm = h->comm[0] ? h->comm : NULL };
}

struct dup_search {
	uint32_t pid;
	int epfd;
	struct epset *found;
};

static void same_file_as(struct epset *s, void *arg)
{
	struct dup_search *d = arg;

	if (!d->found && s->epfd != d->epfd && same_open_file(d->pid, s->epfd, d->epfd))
		d->found = s;
}

struct epset *records_set_of(struct records *rc, uint32_t pid, int epfd)
{
	struct epset *s = epset_find(rc->state, pid, epfd);
	struct dup_search d = { pid, epfd, NULL };

	if (s)
		return s;
	epset_each_of(rc->state, pid, same_file_as, &d);
	if (d.found) {
		epset_alias(rc->state, pid, epfd, d.found);
		return d.found;
	}
	return epset_get(rc->state, pid, epfd);
}

/* A socket registered before it was bound or connected was named from
 * what it was then: name it again, from the kernel, once it is used. */
static void refresh_name(struct records *rc, uint32_t pid, int fd)
{
	struct proc *p;
	struct sock_info si;

	if (!fd_desc_provisional(rc->state, pid, fd))
		return;
	p = proc_find(rc->state, pid);
	if (rc->tracer && rc->tracer->skel && p && p->pidfd >= 0) {
		if (tracer_sock_info(rc->tracer, p->pidfd, fd, &si) == 0)
			fd_desc_rename(rc->state, pid, fd, &si);
		return;
	}
	fd_desc_rename_socket(rc->state, pid, fd);
}

/* The kernel side's word that a socket registered before it had a name
 * has one now: the fd may be closed by the time /proc could be asked. */
static void on_sock_name(struct records *rc, const struct ev_sock_name *e)
{
	if (fd_desc_provisional(rc->state, e->h.pid, e->fd))
		fd_desc_rename(rc->state, e->h.pid, e->fd, &e->sock);
}

/* ---- epoll_create ---------------------------------------------------- */

static void on_create(struct records *rc, const struct ev_create *e)
{
	struct event ev = event_of(EVK_CREATE, &e->h);

	verdict_on_process(rc->verdicts, e->h.pid, e->h.ts_ns);
	if (e->ret >= 0) {
		epset_drop(rc->state, e->h.pid, e->ret);	/* a reused number starts afresh */
		epset_get(rc->state, e->h.pid, e->ret);
		fd_desc_forget(rc->state, e->h.pid, e->ret);
		fd_desc_from_kernel(rc->state, e->h.pid, e->ret, 0, 0, "[eventpoll]", NULL);
	}
	if (!shown(rc, e->ret, -1))
		return;
	ev.create = e;
	render(rc->out, &ev);
}

/* ---- epoll_ctl -------------------------------------------------------- */

/* Named from the kernel's facts at ADD where they say all: right even if
 * the fd closed since, and no /proc/PID/fd read, which would hold a
 * reference to the file for a moment (a close then looks shared). */
static void name_added_fd(struct records *rc, const struct ev_ctl *e)
{
	struct state *st = rc->state;

	fd_desc_forget(st, e->h.pid, e->fd);
	if (fd_desc_from_kernel(st, e->h.pid, e->fd, e->fd_mode, e->fd_ino, e->fd_dname, &e->sock))
		return;
	if (!fd_desc_refresh(st, e->h.pid, e->fd))
		fd_desc_from_kernel(st, e->h.pid, e->fd, e->fd_mode, e->fd_ino, e->fd_dname, NULL);
}

static void apply_ctl(struct records *rc, const struct ev_ctl *e)
{
	struct epset *s;
	struct reg *r;

	if (e->op == EP_CTL_ADD)
		name_added_fd(rc, e);
	if (e->op == EP_CTL_ADD && e->ret == -ENOSPC)
		verdict_on_watch_count(rc->verdicts, e->h.pid, e->h.tid, e->epfd, e->fd, e->uid,
				       e->user_watches, e->watches_approx, true, e->h.ts_ns);
	if (e->ret < 0)
		return;
	s = records_set_of(rc, e->h.pid, e->epfd);
	s->inherited = false;
	switch (e->op) {
	case EP_CTL_ADD:
		r = reg_add(s, e->fd, e->events, e->data);
		if (!r)
			break;	/* no room (a monitor's bound) */
		r->adds++;
		r->fd_closed = false;
		verdict_on_register(rc->verdicts, s, r, e->h.ts_ns, false);
		/* The count the kernel read includes this watch: so must ours. */
		verdict_on_watch_count(rc->verdicts, e->h.pid, e->h.tid, e->epfd, e->fd, e->uid,
				       e->user_watches, e->watches_approx, false, e->h.ts_ns);
		break;
	case EP_CTL_MOD:
		r = reg_add(s, e->fd, e->events, e->data);
		if (!r)
			break;
		r->mods++;
		verdict_on_register(rc->verdicts, s, r, e->h.ts_ns, false);
		break;
	case EP_CTL_DEL:
		r = reg_find(s, e->fd);
		if (r)
			verdict_on_unregister(rc->verdicts, s, r, false, NULL, e->h.ts_ns);
		reg_del(s, e->fd);
		break;
	}
}

static void on_ctl(struct records *rc, const struct ev_ctl *e)
{
	struct event ev = event_of(EVK_CTL, &e->h);

	verdict_on_process(rc->verdicts, e->h.pid, e->h.ts_ns);
	apply_ctl(rc, e);
	if (!shown(rc, e->epfd, e->fd))
		return;
	ev.ctl = e;
	render(rc->out, &ev);
}

/* ---- epoll_wait --------------------------------------------------------- */

static void on_wait_enter(struct records *rc, const struct ev_wait_enter *e)
{
	struct epset *s = records_set_of(rc, e->h.pid, e->epfd);

	s->inherited = false;
	s->waiting_tid = e->h.tid;
	s->wait_since_ns = e->h.ts_ns;
	s->wait_timeout_ns = e->timeout_ns;
	verdict_on_wait(rc->verdicts, s, e->h.ts_ns, e->timeout_ns);
}

/* A wait's results may come in several records; they are gathered per
 * thread.  Chunks of one call share its entry time. */
struct pending_wait {
	struct ev_wait head;	/* items[] unused */
	unsigned char *items;
	size_t count;
	bool incomplete;	/* a chunk is missing */
};

/* Room for the events of one wait, mapped to their registrations; kept
 * from wait to wait, so a call costs no allocation. */
static struct delivered *delivered_room(struct records *rc, size_t n)
{
	if (n > rc->room_cap) {
		size_t want = rc->room_cap ? rc->room_cap : 64;
		struct delivered *bigger;

		while (want < n)
			want *= 2;
		bigger = realloc(rc->room, want * sizeof(*bigger));
		if (!bigger)
			return NULL;
		rc->room = bigger;
		rc->room_cap = want;
	}
	return rc->room;
}

static void deliver_items(struct records *rc, struct epset *s, const struct ev_wait *w,
			  const unsigned char *raw, size_t n, struct delivered *out)
{
	uint64_t exit_ns = w->h.ts_ns + w->dur_ns;

	for (size_t i = 0; i < n; i++) {
		struct delivered *d = &out[i];
		struct reg *r;

		memcpy(&d->events, raw + i * USER_EVENT_SIZE, 4);
		memcpy(&d->data, raw + i * USER_EVENT_SIZE + USER_EVENT_DATA_OFF, 8);
		r = reg_by_data(s, d->data);
		d->fd = r ? r->fd : -1;
		d->ready_us = -1;
		d->coalesced = 0;
		if (!r)
			continue;
		d->coalesced = r->coalesced;
		r->coalesced = 0;
		r->deliveries++;
		if (r->last_ready_ns && r->last_ready_ns <= exit_ns) {
			uint64_t lat = exit_ns - r->last_ready_ns;

			d->ready_us = lat / 1000;
			r->ready_latency_total_ns += lat;
			r->ready_latency_n++;
			if (lat > r->ready_latency_max_ns)
				r->ready_latency_max_ns = lat;
		}
		r->last_ready_ns = 0;
		r->last_delivery_ns = exit_ns;
		refresh_name(rc, w->h.pid, r->fd);
		verdict_on_delivery(rc->verdicts, s, r, d->events, exit_ns);
	}
}

/* Is this wait shown: the filters, where --fd asks for a wait that
 * delivered that fd. */
static bool wait_shown(const struct records *rc, const struct ev_wait *w,
		       const struct delivered *items, size_t n)
{
	if (rc->opts->filter_fd < 0)
		return shown(rc, w->epfd, -1);
	for (size_t i = 0; i < n; i++)
		if (items[i].fd == rc->opts->filter_fd)
			return shown(rc, w->epfd, items[i].fd);
	return false;
}

static void finish_wait(struct records *rc, const struct ev_wait *w, const unsigned char *raw,
			size_t n, bool incomplete)
{
	struct epset *s = records_set_of(rc, w->h.pid, w->epfd);
	struct delivered *items = delivered_room(rc, n);
	struct event ev = event_of(EVK_WAIT, &w->h);

	if (n && !items) {	/* out of memory: the call without its events */
		n = 0;
		incomplete = true;
	}
	s->waits++;
	s->wait_total_ns += w->dur_ns;
	if (w->dur_ns > s->wait_max_ns)
		s->wait_max_ns = w->dur_ns;
	if (w->ret == 0)
		s->empty_waits++;
	else if (w->ret > 0)
		s->delivered += w->ret;
	/* A wait that never sleeps sends no entry record: it counts here. */
	if (s->waiting_tid != w->h.tid || s->wait_since_ns != w->h.ts_ns)
		verdict_on_wait(rc->verdicts, s, w->h.ts_ns, 0);
	if (s->waiting_tid == w->h.tid)
		s->waiting_tid = 0;
	deliver_items(rc, s, w, raw, n, items);
	if (!wait_shown(rc, w, items, n))
		return;
	ev.wait = (struct wait_event){ .rec = w, .items = items, .n = n, .incomplete = incomplete };
	render(rc->out, &ev);
}

/* Items a record carries, as far as its size allows. */
static size_t wait_items(const struct ev_wait *w, size_t size, bool *short_record)
{
	size_t fit = (size - offsetof(struct ev_wait, items)) / USER_EVENT_SIZE;

	*short_record = w->count > fit;
	return w->count > fit ? fit : w->count;
}

static void drop_pending(struct records *rc, uint32_t tid)
{
	struct pending_wait *p = hashmap_del(&rc->pending_waits, tid);

	if (p) {
		free(p->items);
		free(p);
	}
}

static void on_wait(struct records *rc, const struct ev_wait *w, size_t size)
{
	struct pending_wait *p = hashmap_get(&rc->pending_waits, w->h.tid);
	bool short_record;
	size_t n = wait_items(w, size, &short_record);
	unsigned char *grown;

	/* A pending call whose last chunk was lost: show it as it is, and
	 * never merge it into this, another call. */
	if (p && p->head.h.ts_ns != w->h.ts_ns) {
		finish_wait(rc, &p->head, p->items, p->count, true);
		drop_pending(rc, w->h.tid);
		p = NULL;
	}
	if (!p && !w->more) {
		finish_wait(rc, w, w->items, n, short_record || w->first != 0);
		return;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p || hashmap_put(&rc->pending_waits, w->h.tid, p)) {
			free(p);
			finish_wait(rc, w, w->items, n, true);
			return;
		}
		memcpy(&p->head, w, offsetof(struct ev_wait, items));
		p->incomplete = w->first != 0;	/* its first chunk was lost */
	}
	if (w->first != p->count)
		p->incomplete = true;		/* a chunk in between was lost */
	grown = realloc(p->items, (p->count + n) * USER_EVENT_SIZE + 1);
	if (grown) {
		p->items = grown;
		memcpy(p->items + p->count * USER_EVENT_SIZE, w->items, n * USER_EVENT_SIZE);
		p->count += n;
	}
	if (!grown || short_record)
		p->incomplete = true;
	if (w->more)
		return;
	finish_wait(rc, &p->head, p->items, p->count, p->incomplete);
	drop_pending(rc, w->h.tid);
}

/* ---- close ---------------------------------------------------------------- */

/* The sets a closed fd was registered in, as the close record shows
 * them: the first CLOSE_SETS_MAX by number, and how many there were. */
#define CLOSE_SETS_MAX 64

struct close_scan {
	int epfds[CLOSE_SETS_MAX];
	int n, total;
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int highest_of(const int *v, int n)
{
	int at = 0;

	for (int i = 1; i < n; i++)
		if (v[i] > v[at])
			at = i;
	return at;
}

static void sets_of_fd(const struct state *st, uint32_t pid, int fd, struct close_scan *cs)
{
	int highest = 0;	/* where the highest number kept is, once full */

	cs->n = cs->total = 0;
	for (const struct reg *r = regs_of_fd(st, pid, fd); r; r = r->next_of_fd) {
		int epfd = r->set->epfd;

		cs->total++;
		if (cs->n < CLOSE_SETS_MAX) {
			cs->epfds[cs->n++] = epfd;
			if (cs->n == CLOSE_SETS_MAX)
				highest = highest_of(cs->epfds, cs->n);
		} else if (epfd < cs->epfds[highest]) {	/* keep the lowest numbers */
			cs->epfds[highest] = epfd;
			highest = highest_of(cs->epfds, cs->n);
		}
	}
	qsort(cs->epfds, cs->n, sizeof(cs->epfds[0]), cmp_int);
}

/* --epfd shows the close of that set, or of an fd registered in it. */
static bool close_shown(const struct records *rc, const struct ev_close *e)
{
	int want = rc->opts->filter_epfd;

	if (want < 0 || e->is_epoll)
		return shown(rc, e->fd, e->fd);
	for (const struct reg *r = regs_of_fd(rc->state, e->h.pid, e->fd); r; r = r->next_of_fd)
		if (r->set->epfd == want)
			return shown(rc, want, e->fd);
	return false;
}

/* After a successful close: the kernel removed the fd's items with the
 * file, unless another reference keeps the file open. */
static void apply_close(struct records *rc, const struct ev_close *e)
{
	struct reg *r = regs_of_fd(rc->state, e->h.pid, e->fd), *next;

	for (; r; r = next) {
		struct epset *s = r->set;

		next = r->next_of_fd;	/* r may be removed below */
		if (e->shared) {
			r->fd_closed = true;
			verdict_on_stale_close(rc->verdicts, s, r, e->h.tid, e->h.ts_ns);
		} else {
			verdict_on_unregister(rc->verdicts, s, r, true, &e->queue, e->h.ts_ns);
			reg_del(s, e->fd);
		}
	}
	if (e->is_epoll && !e->shared)
		epset_drop(rc->state, e->h.pid, e->fd);
	fd_desc_forget(rc->state, e->h.pid, e->fd);
}

static void on_close(struct records *rc, const struct ev_close *e)
{
	struct close_scan cs;
	struct event ev = event_of(EVK_CLOSE, &e->h);

	sets_of_fd(rc->state, e->h.pid, e->fd, &cs);
	if (close_shown(rc, e)) {
		ev.close = (struct close_event){ .rec = e, .epfds = cs.epfds, .nepfds = cs.n,
						 .nsets = cs.total };
		render(rc->out, &ev);
	}
	if (e->ret == 0)
		apply_close(rc, e);
}

/* ---- readiness -------------------------------------------------------------- */

static void show_ready(struct records *rc, uint64_t ts, uint32_t pid, int epfd, int fd,
		       uint32_t mask, int source, int flags)
{
	struct event ev = { .kind = EVK_READY, .ts_ns = ts, .pid = pid };

	refresh_name(rc, pid, fd);
	if (!shown(rc, epfd, fd))
		return;
	ev.ready = (struct ready_event){ epfd, fd, mask, source, flags };
	render(rc->out, &ev);
}

/* Tracepoint backend: the ready list at a wait's entry holds items that
 * became ready since the set's last wait returned, besides those that
 * were on it then (level-triggered items the kernel put back, items a
 * wait left for lack of room), which are not news.  An epoch is the time
 * between two returns; an item is news once per epoch, unless it was on
 * the list at the return that began it.  Only the snapshots themselves
 * decide, so -c, which has no wait records, counts what the stream
 * shows.  (What sk_data_ready reported in the epoch the kernel side
 * leaves out of the snapshot.) */
static uint64_t rdlist_epoch(const struct epset *s)
{
	return s->rdlist_exits + 1;
}

static void on_ready(struct records *rc, const struct ev_ready *e)
{
	struct epset *s = records_set_of(rc, e->h.pid, e->epfd);
	struct reg *r = reg_find(s, e->fd);

	if (!r)	/* registered before we looked: the kernel tells us the rest */
		r = reg_add(s, e->fd, e->events, e->data);
	if (!r) {	/* no room for it: shown all the same */
		show_ready(rc, e->h.ts_ns, e->h.pid, e->epfd, e->fd, e->mask, e->source, e->flags);
		return;
	}
	r->readies++;
	if (e->flags & RF_QUEUED)
		r->last_ready_ns = e->h.ts_ns;
	if (e->flags & RF_COALESCED)
		r->coalesced++;
	if (e->flags & (RF_QUEUED | RF_COALESCED))
		r->readied_epoch = rdlist_epoch(s);
	verdict_on_ready(rc->verdicts, s, r, e->flags, e->flags & RF_BACKLOG ? &e->queue : NULL,
			 e->h.ts_ns);
	show_ready(rc, e->h.ts_ns, e->h.pid, e->epfd, e->fd, e->mask, e->source, e->flags);
}

static void on_rdlist(struct records *rc, const struct ev_rdlist *e, size_t size)
{
	struct epset *s = records_set_of(rc, e->h.pid, e->epfd);
	size_t fit = (size - offsetof(struct ev_rdlist, items)) / sizeof(e->items[0]);
	size_t n = e->count < RDLIST_MAX ? e->count : RDLIST_MAX;

	if (n > fit)	/* records carry only the items they hold */
		n = fit;
	if (e->at_exit)
		s->rdlist_exits++;	/* a new epoch */
	for (size_t i = 0; i < n; i++) {
		struct reg *r = reg_find(s, e->items[i].fd);

		if (!r)
			continue;
		if (e->at_exit) {
			r->listed_epoch = rdlist_epoch(s);
			continue;
		}
		if (r->listed_epoch == rdlist_epoch(s) || r->readied_epoch == rdlist_epoch(s))
			continue;	/* not news */
		r->readied_epoch = rdlist_epoch(s);
		r->readies++;
		r->last_ready_ns = e->h.ts_ns;
		verdict_on_ready(rc->verdicts, s, r, RF_QUEUED, NULL, e->h.ts_ns);
		/* The list does not say which events: show the interest. */
		show_ready(rc, e->h.ts_ns, e->h.pid, e->epfd, r->fd,
			   r->events & ~(EP_PRIVATE_BITS | EP_ALWAYS_EVENTS), RS_RDLIST, RF_QUEUED);
	}
}

/* ---- processes ------------------------------------------------------------------ */

static void on_fork(struct records *rc, const struct ev_fork *e)
{
	struct state *st = rc->state;
	struct proc *child;

	if (!records_room_for(rc, e->child_pid))
		return;
	child = proc_get(st, e->child_pid);
	struct proc *parent = proc_get(st, e->h.pid);
	struct event ev = event_of(EVK_FORK, &e->h);

	snprintf(child->comm, sizeof(child->comm), "%.15s", e->h.comm);
	child->verdicts = parent->verdicts;	/* the same program */
	child->verdicts.checks_off_said = false;	/* but another process */
	if (child->pidfd < 0)
		child->pidfd = open_pidfd(e->child_pid);
	verdict_check_access(rc->verdicts, e->child_pid, e->h.ts_ns);
	state_fork(st, e->h.pid, e->child_pid);
	fd_desc_inherit(st, e->h.pid, e->child_pid);	/* the child starts with its parent's fds */
	if (rc->opts->summary)
		return;
	ev.fork_child = e->child_pid;
	render(rc->out, &ev);
}

/* Everything kept about a process that is gone, its split waits too. */
static void forget_process(struct records *rc, uint32_t pid)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&rc->pending_waits, &i, &k, &v);)
		if (((struct pending_wait *)v)->head.h.pid == pid)
			drop_pending(rc, (uint32_t)k);
	proc_drop(rc->state, pid);
}

/* A process is gone: its state is final, its epoll instances' addresses
 * may soon be somebody else's. */
static void process_gone(struct records *rc, uint32_t pid, uint32_t tid, const char *comm,
			 int status, bool known, uint64_t ts_ns)
{
	struct proc *p = proc_get(rc->state, pid);
	struct event ev = { .kind = EVK_EXIT, .ts_ns = ts_ns, .pid = pid, .tid = tid,
			    .comm = comm && comm[0] ? comm : NULL };

	if (p->exited)
		return;
	p->exited = true;
	p->exit_status = status;
	if (rc->tracer && rc->tracer->skel)
		tracer_forget_pid(rc->tracer, pid);
	verdict_on_exit(rc->verdicts, pid, status, known, ts_ns);
	if (!rc->opts->summary) {
		ev.exit = (struct exit_event){ status, known };
		render(rc->out, &ev);
	}
	/* A monitor runs for days: what it knew of the process goes (-c
	 * keeps it for the summary). */
	if (rc->opts->target != TM_PIDS && !rc->opts->summary)
		forget_process(rc, pid);
}

static void on_exit_record(struct records *rc, const struct ev_exit *e)
{
	process_gone(rc, e->h.pid, e->h.tid, e->h.comm, e->exit_code, true, e->h.ts_ns);
}

void records_exit_unseen(struct records *rc, uint32_t pid, int status, uint64_t now_ns)
{
	process_gone(rc, pid, pid, NULL, status, status >= 0, now_ns);
}

void records_learn_registration(struct records *rc, uint32_t pid, int epfd, int fd,
				uint32_t events, uint64_t data)
{
	struct epset *s = records_set_of(rc, pid, epfd);
	struct reg *r;

	/* Known from the stream already (a process that joined by itself is
	 * read from /proc just after its first records): that stands. */
	if (reg_find(s, fd))
		return;
	r = reg_add(s, fd, events, data);
	if (r)
		verdict_on_register(rc->verdicts, s, r, monotonic_ns(), true);
}

/* ---- dispatch ------------------------------------------------------------------ */

/* The size each record type needs at least (variable ones: their head). */
static size_t min_size(unsigned int type)
{
	switch (type) {
	case EV_CREATE: return sizeof(struct ev_create);
	case EV_CTL: return sizeof(struct ev_ctl);
	case EV_WAIT_ENTER: return sizeof(struct ev_wait_enter);
	case EV_WAIT: return offsetof(struct ev_wait, items);
	case EV_CLOSE: return sizeof(struct ev_close);
	case EV_READY: return sizeof(struct ev_ready);
	case EV_RDLIST: return offsetof(struct ev_rdlist, items);
	case EV_FORK: return sizeof(struct ev_fork);
	case EV_EXIT: return sizeof(struct ev_exit);
	case EV_SOCK_NAME: return sizeof(struct ev_sock_name);
	default: return 0;
	}
}

bool records_room_for(struct records *rc, uint32_t pid)
{
	unsigned long max = rc->opts->max_procs;
	char message[256];

	if (!max || procs_count(rc->state) < max)
		return true;
	if (rc->tracer && rc->tracer->skel)
		tracer_drop_pid(rc->tracer, pid);
	proc_drop(rc->state, pid);
	if (pid != rc->last_dropped)	/* its records still in the ring buffer: once */
		rc->state->procs_dropped++;
	rc->last_dropped = pid;
	if (!rc->procs_bound_said) {
		rc->procs_bound_said = true;
		snprintf(message, sizeof(message), "the state holds %lu processes, its bound "
			 "(--max-processes): pid %u and other processes that join from now on are "
			 "not traced; the recap counts them", max, pid);
		render_tell(rc->out, monotonic_ns(), pid, "bound", message);
	}
	return false;
}

/* After a record: a registration that found no room (--max-registrations)
 * is said once. */
static void say_regs_bound(struct records *rc, uint32_t pid, uint64_t ts)
{
	char message[256];

	rc->regs_bound_said = true;
	snprintf(message, sizeof(message), "the state holds %zu registrations, its bound "
		 "(--max-registrations): new ones are not tracked (their events show as fd -1); "
		 "the recap counts them", rc->state->registrations);
	render_tell(rc->out, ts, pid, "bound", message);
}

/* A process that joined by itself (-a, --cgroup, --comm): trace.c reads
 * what it had before (attach.c) once this batch is handled. */
static void newcomer(struct records *rc, uint32_t pid)
{
	if (rc->nnewcomers == rc->newcomers_cap) {
		size_t cap = rc->newcomers_cap ? rc->newcomers_cap * 2 : 64;
		uint32_t *bigger = realloc(rc->newcomers, cap * sizeof(*bigger));

		if (!bigger)
			return;	/* traced all the same, without what it had before */
		rc->newcomers = bigger;
		rc->newcomers_cap = cap;
	}
	rc->newcomers[rc->nnewcomers++] = pid;
}

int records_handle(void *ctx, void *data, size_t size)
{
	struct records *rc = ctx;
	const struct ev_header *h = data;
	size_t need;

	if (size < sizeof(*h) || !(need = min_size(h->type)) || size < need) {
		rc->malformed++;
		return 0;
	}
	if (rc->opts->target != TM_PIDS && !proc_find(rc->state, h->pid)) {
		if (!records_room_for(rc, h->pid))
			return 0;
		newcomer(rc, h->pid);
	}
	if (h->tid && h->comm[0])	/* the name after an exec, even with -c */
		proc_set_comm(rc->state, h->pid, h->comm);
	switch (h->type) {
	case EV_CREATE: on_create(rc, data); break;
	case EV_CTL: on_ctl(rc, data); break;
	case EV_WAIT_ENTER: on_wait_enter(rc, data); break;
	case EV_WAIT: on_wait(rc, data, size); break;
	case EV_CLOSE: on_close(rc, data); break;
	case EV_READY: on_ready(rc, data); break;
	case EV_RDLIST: on_rdlist(rc, data, size); break;
	case EV_FORK: on_fork(rc, data); break;
	case EV_EXIT: on_exit_record(rc, data); break;
	case EV_SOCK_NAME: on_sock_name(rc, data); break;
	}
	if (rc->state->regs_dropped && !rc->regs_bound_said)
		say_regs_bound(rc, h->pid, h->ts_ns);
	if (rc->batch_left && --rc->batch_left == 0)
		return RECORDS_BATCH_DONE;	/* this record is taken; the next call goes on */
	return 0;
}

void records_free(struct records *rc)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&rc->pending_waits, &i, &k, &v);) {
		free(((struct pending_wait *)v)->items);
		free(v);
	}
	hashmap_free(&rc->pending_waits);
	free(rc->room);
	free(rc->newcomers);
}
