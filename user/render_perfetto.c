/* The picture (--perfetto FILE): the trace in the Trace Event Format, one
 * JSON object {"traceEvents":[...],"displayTimeUnit":"ms"} that the
 * Perfetto UI and chrome://tracing open.  It is a renderer like the
 * others, fed the same events as the trace's own (render_also()), so no
 * producer knows about it.
 *
 *   - a track per thread (pid/tid): its epoll_wait calls, and its
 *     epoll_ctl and epoll_create calls, as complete slices ("X");
 *   - a track per watched fd of each set, from its registration to its
 *     removal, as a thread of its own of the process with a tid above
 *     any pid (TID_BASE...), named "epfd 4 fd 5 TCP:...": the
 *     registration, each readiness, each delivery, the close and the
 *     warnings about it as instants ("i", scope thread);
 *   - a flow arrow from each readiness to the wait that delivered it:
 *     "s" on the readiness (same track and time), "f" with "bp":"e" on
 *     the wait's slice, at its return, with the same id;
 *   - warnings, retractions, notes, forks and exits as instants of the
 *     process ("s":"p"), the start and lost records as global ones;
 *   - processes and threads named by metadata ("M").
 *
 * Times are microseconds since the start, to the nanosecond.  Every
 * record is a line of its own: the file is one JSON document once
 * render_end() has written its last line.  On one track, slices nest
 * and instants are in time order: records reach us in the ring buffer's
 * order, which across CPUs is not quite that of their times, so an
 * instant that comes after a later one on its track is drawn at that
 * one's time (its own in args.at_us), and a slice that would start
 * inside the one before it on its thread starts at that one's end (its
 * own start in args.entry_us). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "clock.h"
#include "decode.h"
#include "epoll_abi.h"
#include "epoll_state.h"
#include "fd_desc.h"
#include "hashmap.h"
#include "render.h"
#include "sink.h"

/* Readiness waiting for the wait that delivers it, per fd track: the
 * oldest go (no arrow) when more come undelivered. */
#define FLOWS_PENDING	32
/* Tids of fd tracks: above any pid (PID_MAX_LIMIT is 4M). */
#define TID_BASE	(1u << 30)

struct pending_flow {
	uint64_t id;
	uint64_t ts_ns;		/* as drawn */
};

struct fd_track {
	struct fd_track *next;	/* the same pid and fd in another set */
	int epfd;
	uint32_t tid;
	uint64_t last_ns;	/* the last instant drawn on it */
	char *name;		/* as the metadata said it */
	int what_at;		/* where the fd's own name starts in it */
	struct pending_flow *flows;	/* grown as needed, up to FLOWS_PENDING */
	unsigned int nflows, flows_cap;
};

struct thread_track {
	uint32_t pid;
	uint64_t end_ns;	/* the end of its last slice */
	char name[COMM_LEN];
};

struct proc_track {
	uint64_t last_ns;	/* the last instant drawn on it */
	char name[COMM_LEN];
	bool named;
};

struct picture {
	struct hashmap fds;	/* pair_key(pid, fd) -> struct fd_track list */
	struct hashmap threads;	/* tid -> struct thread_track */
	struct hashmap procs;	/* pid -> struct proc_track */
	uint64_t global_last_ns;
	uint32_t next_tid;
	uint64_t next_flow;
	bool any;		/* a record is out: the next one starts with a comma */
	bool started;		/* the start is drawn (a monitor's -o opened anew says it again) */
};

static void *must(void *p)
{
	if (!p) {
		fprintf(stderr, "epolltrace: out of memory drawing the Perfetto trace\n");
		exit(1);
	}
	return p;
}

static void must_put(struct hashmap *m, uint64_t key, void *val)
{
	if (hashmap_put(m, key, val))
		must(NULL);
}

/* Nanoseconds since the start (0 for what came before it). */
static uint64_t since_start(const struct renderer *r, uint64_t ts_ns)
{
	return ts_ns > r->start_ns ? ts_ns - r->start_ns : 0;
}

/* ---- records -------------------------------------------------------- */

static struct line *record(struct renderer *r, const char *ph, const char *name,
			   const char *cat, uint32_t pid, uint32_t tid)
{
	struct picture *p = r->fmt;
	struct line *l = &r->line;

	line_reset(l);
	if (p->any)
		line_append(l, ",", 1);
	p->any = true;
	json_open(l, '{');
	json_kv_str(l, "ph", ph);
	json_kv_str(l, "name", name);
	if (cat)
		json_kv_str(l, "cat", cat);
	json_kv_int(l, "pid", pid);
	json_kv_int(l, "tid", tid);
	return l;
}

static void ts_key(struct line *l, uint64_t rel_ns)
{
	json_kv_fixed(l, "ts", rel_ns, 3);
}

static void record_end(struct renderer *r)
{
	json_close(&r->line, '}');
	render_emit(r);
}

/* The args object is left open for the caller; args_end closes it and
 * the record. */
static void args_end(struct renderer *r)
{
	json_close(&r->line, '}');
	record_end(r);
}

static void name_meta(struct renderer *r, const char *what, uint32_t pid, uint32_t tid,
		      const char *name)
{
	struct line *l = record(r, "M", what, NULL, pid, tid);

	json_key(l, "args");
	json_open(l, '{');
	json_kv_str(l, "name", name);
	args_end(r);
}

/* An instant at ts_ns, no earlier than the last one of its track
 * (*last_ns, relative); scope 't' (thread), 'p' (process) or 'g'.  The
 * record is left in its args. */
static struct line *instant(struct renderer *r, const char *name, const char *cat, char scope,
			    uint32_t pid, uint32_t tid, uint64_t *last_ns, uint64_t ts_ns)
{
	uint64_t at = since_start(r, ts_ns), drawn = at > *last_ns ? at : *last_ns;
	char s[2] = { scope, 0 };
	struct line *l = record(r, "i", name, cat, pid, tid);

	*last_ns = drawn;
	json_kv_str(l, "s", s);
	ts_key(l, drawn);
	json_key(l, "args");
	json_open(l, '{');
	if (drawn != at)
		json_kv_fixed(l, "at_us", at, 3);
	return l;
}

/* ---- tracks ------------------------------------------------------------ */

static struct proc_track *proc_track(struct renderer *r, uint32_t pid)
{
	struct picture *p = r->fmt;
	struct proc_track *t = hashmap_get(&p->procs, pid);
	const struct proc *known = proc_find(r->state, pid);

	if (!t) {
		t = must(calloc(1, sizeof(*t)));
		must_put(&p->procs, pid, t);
	}
	/* Named once its name is known, again after an exec. */
	if (known && known->comm[0] && (!t->named || strcmp(t->name, known->comm))) {
		snprintf(t->name, sizeof(t->name), "%s", known->comm);
		t->named = true;
		name_meta(r, "process_name", pid, pid, t->name);
	}
	return t;
}

static struct thread_track *thread_track(struct renderer *r, const struct event *ev)
{
	struct picture *p = r->fmt;
	uint32_t tid = ev->tid ? ev->tid : ev->pid;
	struct thread_track *t = hashmap_get(&p->threads, tid);
	const char *comm = render_comm(r, ev);

	proc_track(r, ev->pid);
	if (t && t->pid != ev->pid) {	/* a tid reused by another process */
		free(hashmap_del(&p->threads, tid));
		t = NULL;
	}
	if (!t) {
		t = must(calloc(1, sizeof(*t)));
		t->pid = ev->pid;
		must_put(&p->threads, tid, t);
	}
	if (comm[0] && strcmp(t->name, comm)) {
		snprintf(t->name, sizeof(t->name), "%s", comm);
		name_meta(r, "thread_name", ev->pid, tid, t->name);
	}
	return t;
}

/* "epfd 4 fd 5 TCP:127.0.0.1:8080->127.0.0.1:51234"; named again when
 * the fd's name changes (a socket registered before it connected). */
static void name_fd_track(struct renderer *r, struct fd_track *t, uint32_t pid, int fd)
{
	const char *what = fd_desc(r->state, pid, fd);
	char head[48];
	int at;

	if (!what)
		what = "";
	if (t->name && !strcmp(t->name + t->what_at, what))
		return;
	at = snprintf(head, sizeof(head), "epfd %d fd %d%s", t->epfd, fd, what[0] ? " " : "");
	free(t->name);
	t->name = must(malloc(at + strlen(what) + 1));
	memcpy(t->name, head, at);
	strcpy(t->name + at, what);
	t->what_at = at;
	name_meta(r, "thread_name", pid, t->tid, t->name);
}

static struct fd_track *fd_track_find(struct renderer *r, uint32_t pid, int epfd, int fd)
{
	struct picture *p = r->fmt;

	for (struct fd_track *t = hashmap_get(&p->fds, pair_key(pid, fd)); t; t = t->next)
		if (t->epfd == epfd)
			return t;
	return NULL;
}

static struct fd_track *fd_track(struct renderer *r, uint32_t pid, int epfd, int fd)
{
	struct picture *p = r->fmt;
	struct fd_track *t = fd_track_find(r, pid, epfd, fd);

	if (t) {
		name_fd_track(r, t, pid, fd);
		return t;
	}
	proc_track(r, pid);
	t = must(calloc(1, sizeof(*t)));
	t->epfd = epfd;
	t->tid = p->next_tid++;
	t->next = hashmap_get(&p->fds, pair_key(pid, fd));
	must_put(&p->fds, pair_key(pid, fd), t);
	name_fd_track(r, t, pid, fd);
	return t;
}

/* The registration is gone: what comes for the fd again is a track of
 * its own. */
static void fd_track_end(struct renderer *r, uint32_t pid, int epfd, int fd)
{
	struct picture *p = r->fmt;
	uint64_t key = pair_key(pid, fd);
	struct fd_track *head = hashmap_get(&p->fds, key), **at = &head, *t;

	while (*at && (*at)->epfd != epfd)
		at = &(*at)->next;
	if (!(t = *at))
		return;
	*at = t->next;
	if (head)
		must_put(&p->fds, key, head);
	else
		hashmap_del(&p->fds, key);
	free(t->flows);
	free(t->name);
	free(t);
}

static void fd_tracks_free(struct fd_track *t)
{
	while (t) {
		struct fd_track *next = t->next;

		free(t->flows);
		free(t->name);
		free(t);
		t = next;
	}
}

/* A process is gone: its tracks go (a monitor runs for days). */
static void forget_process(struct picture *p, uint32_t pid)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&p->fds, &i, &k, &v);)
		if ((uint32_t)(k >> 32) == pid)
			fd_tracks_free(hashmap_del(&p->fds, k));
	for (size_t i = 0; hashmap_next(&p->threads, &i, &k, &v);)
		if (((struct thread_track *)v)->pid == pid)
			free(hashmap_del(&p->threads, k));
	free(hashmap_del(&p->procs, pid));
}

/* An epoll fd is closed: the tracks of its items end. */
static void end_set(struct renderer *r, uint32_t pid, int epfd)
{
	struct picture *p = r->fmt;
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&p->fds, &i, &k, &v);)
		if ((uint32_t)(k >> 32) == pid && fd_track_find(r, pid, epfd, (int)(uint32_t)k))
			fd_track_end(r, pid, epfd, (int)(uint32_t)k);
}

/* ---- slices ------------------------------------------------------------ */

/* A complete slice of a thread, [start_ns, end_ns]; left in its args. */
static struct line *slice(struct renderer *r, struct thread_track *t, const struct event *ev,
			  const char *name, const char *cat, uint64_t start_ns, uint64_t end_ns)
{
	uint64_t entry = start_ns;
	struct line *l;

	if (end_ns < start_ns)
		end_ns = start_ns;
	if (start_ns < t->end_ns && end_ns > t->end_ns)
		start_ns = t->end_ns;	/* never across the one before */
	if (end_ns > t->end_ns)
		t->end_ns = end_ns;
	l = record(r, "X", name, cat, ev->pid, ev->tid ? ev->tid : ev->pid);
	ts_key(l, since_start(r, start_ns));
	json_kv_fixed(l, "dur", since_start(r, end_ns) - since_start(r, start_ns), 3);
	json_key(l, "args");
	json_open(l, '{');
	if (entry != start_ns)
		json_kv_fixed(l, "entry_us", since_start(r, entry), 3);
	return l;
}

static void result(struct line *l, long ret)
{
	json_kv_int(l, "ret", ret < 0 ? -1 : ret);
	if (ret < 0)
		json_kv_str(l, "error", errno_name(-ret));
}

/* ---- events -------------------------------------------------------------- */

static void print_start(struct renderer *r, const struct event *ev)
{
	const struct start_event *s = &ev->start;
	struct picture *p = r->fmt;
	struct line *l;

	if (p->started)
		return;
	p->started = true;
	l = instant(r, "epolltrace start", "epolltrace", 'g', 0, 0, &p->global_last_ns, r->start_ns);

	json_kv_str(l, "backend", s->backend);
	json_key(l, "pids");
	json_open(l, '[');
	for (int i = 0; i < s->npids; i++)
		json_int(l, s->pids[i]);
	json_close(l, ']');
	if (s->target)
		json_kv_str(l, "target", s->target);
	args_end(r);
}

static void print_create(struct renderer *r, const struct event *ev)
{
	const struct ev_create *e = ev->create;
	struct thread_track *t = thread_track(r, ev);
	struct line *l = slice(r, t, ev, e->syscall == CS_EPOLL_CREATE ? "epoll_create" : "epoll_create1",
			       "epoll_create", e->h.ts_ns, e->h.ts_ns + e->dur_ns);

	result(l, e->ret);
	args_end(r);
}

static void print_ctl(struct renderer *r, const struct event *ev)
{
	const struct ev_ctl *e = ev->ctl;
	const char *op = epoll_op_name(e->op);
	struct thread_track *t = thread_track(r, ev);
	struct line *l = slice(r, t, ev, "epoll_ctl", "epoll_ctl", e->h.ts_ns, e->h.ts_ns + e->dur_ns);
	struct fd_track *ft;
	char name[32];

	json_kv_int(l, "epfd", e->epfd);
	if (op)
		json_kv_str(l, "op", op);
	else
		json_kv_int(l, "op", e->op);
	json_kv_int(l, "fd", e->fd);
	if (ctl_event_shown(e)) {
		json_kv_events(l, "events", e->events);
		json_kv_hex(l, "data", e->data);
	}
	result(l, e->ret);
	args_end(r);
	if (e->ret < 0 || !op)
		return;
	/* A new registration is a new track (one left from a registration
	 * whose end we did not see ends here). */
	if (e->op == EP_CTL_ADD)
		fd_track_end(r, ev->pid, e->epfd, e->fd);
	ft = fd_track(r, ev->pid, e->epfd, e->fd);
	snprintf(name, sizeof(name), "EPOLL_CTL_%s", op);
	l = instant(r, name, "epoll_ctl", 't', ev->pid, ft->tid, &ft->last_ns, e->h.ts_ns);
	json_kv_int(l, "tid", ev->tid);
	if (ctl_event_shown(e)) {
		json_kv_events(l, "events", e->events);
		json_kv_hex(l, "data", e->data);
	}
	args_end(r);
	if (e->op == EP_CTL_DEL)
		fd_track_end(r, ev->pid, e->epfd, e->fd);
}

/* The arrows into this wait: the readiness of the fd drawn up to its
 * return. */
static void flows_in(struct renderer *r, struct fd_track *ft, const struct event *ev,
		     uint64_t end_rel)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < ft->nflows; i++) {
		struct pending_flow *f = &ft->flows[i];
		struct line *l;

		if (f->ts_ns > end_rel) {
			ft->flows[kept++] = *f;	/* came after it: for a later wait */
			continue;
		}
		l = record(r, "f", "delivery", "flow", ev->pid, ev->tid ? ev->tid : ev->pid);
		json_kv_str(l, "bp", "e");
		json_kv_int(l, "id", f->id);
		ts_key(l, end_rel);
		record_end(r);
	}
	ft->nflows = kept;
}

static void print_wait(struct renderer *r, const struct event *ev)
{
	const struct wait_event *we = &ev->wait;
	const struct ev_wait *w = we->rec;
	struct thread_track *t = thread_track(r, ev);
	uint64_t start = w->h.ts_ns, end = w->h.ts_ns + w->dur_ns, end_rel;
	struct line *l;

	/* Entered before the attach at a time unknown: asleep since the start. */
	if (w->before_attach && w->entry_unknown && r->start_ns < end)
		start = r->start_ns;
	l = slice(r, t, ev, wait_syscall_name(w->syscall), "epoll_wait", start, end);
	json_kv_int(l, "epfd", w->epfd);
	json_kv_int(l, "maxevents", w->maxevents);
	json_kv_int(l, "timeout_ms", w->timeout_ns < 0 ? -1 : w->timeout_ns / (long long)NS_PER_MS);
	if (w->killed)
		json_kv_bool(l, "killed", true);
	else
		result(l, w->ret);
	json_key(l, "ready");
	json_open(l, '[');
	for (size_t i = 0; i < we->n; i++) {
		json_open(l, '{');
		if (we->items[i].fd >= 0)
			json_kv_int(l, "fd", we->items[i].fd);
		json_kv_events(l, "events", we->items[i].events);
		json_kv_hex(l, "data", we->items[i].data);
		json_close(l, '}');
	}
	json_close(l, ']');
	if (we->incomplete)
		json_kv_bool(l, "incomplete", true);
	if (w->before_attach)
		json_kv_bool(l, "before_attach", true);
	args_end(r);
	/* Each delivery on its fd's track, at the return, and the arrows
	 * from the readiness it delivered. */
	end_rel = since_start(r, end);
	for (size_t i = 0; i < we->n; i++) {
		const struct delivered *d = &we->items[i];
		struct fd_track *ft;

		if (d->fd < 0)
			continue;
		ft = fd_track(r, ev->pid, w->epfd, d->fd);
		l = instant(r, "delivered", "delivered", 't', ev->pid, ft->tid, &ft->last_ns, end);
		json_kv_int(l, "tid", ev->tid);
		json_kv_events(l, "events", d->events);
		if (d->ready_us >= 0)
			json_kv_int(l, "ready_us", d->ready_us);
		if (d->coalesced)
			json_kv_int(l, "coalesced", d->coalesced);
		args_end(r);
		flows_in(r, ft, ev, end_rel);
	}
}

static void print_close(struct renderer *r, const struct event *ev)
{
	const struct close_event *c = &ev->close;
	struct picture *p = r->fmt;
	struct fd_track *t, *next;

	for (t = hashmap_get(&p->fds, pair_key(ev->pid, c->rec->fd)); t; t = next) {
		struct line *l;

		next = t->next;
		l = instant(r, "close", "close", 't', ev->pid, t->tid, &t->last_ns, ev->ts_ns);
		json_kv_int(l, "tid", ev->tid);
		result(l, c->rec->ret);
		if (c->rec->shared)
			json_kv_bool(l, "file_still_open", true);
		args_end(r);
		/* The kernel removes the items with the file, unless another
		 * reference keeps it open. */
		if (c->rec->ret == 0 && !c->rec->shared)
			fd_track_end(r, ev->pid, t->epfd, c->rec->fd);
	}
	if (c->rec->ret == 0 && c->rec->is_epoll && !c->rec->shared)
		end_set(r, ev->pid, c->rec->fd);
}

/* Each readiness callback, the ones that found the item queued already
 * too; those that queue (or found queued) an item start an arrow to the
 * wait that delivers it. */
static void print_ready(struct renderer *r, const struct event *ev)
{
	const struct ready_event *e = &ev->ready;
	struct picture *p = r->fmt;
	struct fd_track *ft = fd_track(r, ev->pid, e->epfd, e->fd);
	struct line *l = instant(r, "ready", "ready", 't', ev->pid, ft->tid, &ft->last_ns, ev->ts_ns);
	uint64_t drawn = ft->last_ns;

	json_kv_events(l, "events", e->mask);
	json_kv_str(l, "source", render_source_name(e->source));
	json_kv_bool(l, "queued", e->flags & RF_QUEUED);
	json_kv_bool(l, "coalesced", e->flags & RF_COALESCED);
	json_kv_bool(l, "disarmed", e->flags & RF_DISARMED);
	json_kv_bool(l, "mismatch", e->flags & RF_MISMATCH);
	json_kv_bool(l, "woke", e->flags & RF_WOKE);
	args_end(r);
	if (!(e->flags & (RF_QUEUED | RF_COALESCED)))
		return;
	l = record(r, "s", "delivery", "flow", ev->pid, ft->tid);
	json_kv_int(l, "id", ++p->next_flow);
	ts_key(l, drawn);
	record_end(r);
	if (ft->nflows == FLOWS_PENDING) {	/* the oldest gets no arrow */
		memmove(ft->flows, ft->flows + 1, (FLOWS_PENDING - 1) * sizeof(ft->flows[0]));
		ft->nflows--;
	} else if (ft->nflows == ft->flows_cap) {
		ft->flows_cap = ft->flows_cap ? ft->flows_cap * 2 : 2;
		ft->flows = must(realloc(ft->flows, ft->flows_cap * sizeof(ft->flows[0])));
	}
	ft->flows[ft->nflows++] = (struct pending_flow){ p->next_flow, drawn };
}

static void print_fork(struct renderer *r, const struct event *ev)
{
	struct proc_track *t = proc_track(r, ev->pid);
	struct line *l = instant(r, "fork", "process", 'p', ev->pid, ev->pid, &t->last_ns, ev->ts_ns);

	json_kv_int(l, "child", ev->fork_child);
	args_end(r);
}

static void print_exit(struct renderer *r, const struct event *ev)
{
	const struct exit_event *e = &ev->exit;
	struct proc_track *t = proc_track(r, ev->pid);
	struct line *l = instant(r, "exit", "process", 'p', ev->pid, ev->pid, &t->last_ns, ev->ts_ns);

	if (!e->known)
		json_kv_null(l, "exit_code");
	else if (WIFSIGNALED(e->status))
		json_kv_str(l, "signal", signal_name(WTERMSIG(e->status)));
	else
		json_kv_int(l, "exit_code", WEXITSTATUS(e->status));
	args_end(r);
	forget_process(r->fmt, ev->pid);
}

/* Warnings, retractions and notes: on the process's track (the global
 * one when no process is named), and warnings on their fd's track too. */
static struct line *verdict(struct renderer *r, const struct event *ev, const char *name,
			    const char *cat)
{
	struct picture *p = r->fmt;
	struct proc_track *t;

	if (!ev->pid)
		return instant(r, name, cat, 'g', 0, 0, &p->global_last_ns, ev->ts_ns);
	t = proc_track(r, ev->pid);
	return instant(r, name, cat, 'p', ev->pid, ev->pid, &t->last_ns, ev->ts_ns);
}

static void print_warning(struct renderer *r, const struct event *ev)
{
	const struct warning *w = ev->warning;
	char name[64];
	struct line *l;

	snprintf(name, sizeof(name), "WARNING %s", w->kind);
	l = verdict(r, ev, name, "warning");
	json_kv_int(l, "id", w->id);
	json_kv_str(l, "kind", w->kind);
	json_kv_int(l, "epfd", w->epfd);
	json_kv_int(l, "fd", w->fd);
	json_kv_str(l, "message", w->message);
	if (w->not_shown) {	/* a monitor's rate limit held these back */
		json_kv_int(l, "not_shown", w->not_shown);
		json_kv_int(l, "not_shown_s", w->not_shown_s);
	}
	args_end(r);
	if (ev->pid && w->epfd >= 0 && w->fd >= 0) {
		struct fd_track *ft = fd_track(r, ev->pid, w->epfd, w->fd);

		l = instant(r, name, "warning", 't', ev->pid, ft->tid, &ft->last_ns, ev->ts_ns);
		json_kv_int(l, "id", w->id);
		json_kv_str(l, "message", w->message);
		args_end(r);
	}
}

static void print_note(struct renderer *r, const struct event *ev)
{
	const struct note *n = ev->note;
	char name[64];
	struct line *l;

	snprintf(name, sizeof(name), "NOTE %s", n->kind);
	l = verdict(r, ev, name, "note");
	json_kv_str(l, "kind", n->kind);
	if (n->epfd >= 0)
		json_kv_int(l, "epfd", n->epfd);
	if (n->fd >= 0)
		json_kv_int(l, "fd", n->fd);
	json_kv_str(l, "message", n->message);
	args_end(r);
}

static void print_retracted(struct renderer *r, const struct event *ev)
{
	const struct retracted_event *e = &ev->retracted;
	struct line *l = verdict(r, ev, "RETRACTED", "retracted");

	json_kv_int(l, "warning", e->warning_id);
	json_kv_str(l, "kind", e->kind);
	json_kv_int(l, "epfd", e->epfd);
	json_kv_int(l, "fd", e->fd);
	json_kv_str(l, "message", e->message);
	args_end(r);
}

static void print_lost(struct renderer *r, const struct event *ev)
{
	struct picture *p = r->fmt;
	struct line *l;

	if (!ev->lost)
		return;
	l = instant(r, "lost", "epolltrace", 'g', 0, 0, &p->global_last_ns, ev->ts_ns);
	json_kv_int(l, "count", ev->lost);
	args_end(r);
}

/* ---- the document ------------------------------------------------------------ */

static void begin(struct renderer *r)
{
	struct picture *p = must(calloc(1, sizeof(*p)));

	p->next_tid = TID_BASE;
	r->fmt = p;
	line_reset(&r->line);
	line_str(&r->line, "{\"traceEvents\":[");
	render_emit(r);
}

static void end(struct renderer *r)
{
	struct picture *p = r->fmt;
	uint64_t k;
	void *v;

	line_reset(&r->line);
	line_str(&r->line, "],\"displayTimeUnit\":\"ms\"}");
	render_emit(r);
	sink_flush(r->out);
	for (size_t i = 0; hashmap_next(&p->fds, &i, &k, &v);)
		fd_tracks_free(v);
	for (size_t i = 0; hashmap_next(&p->threads, &i, &k, &v);)
		free(v);
	for (size_t i = 0; hashmap_next(&p->procs, &i, &k, &v);)
		free(v);
	hashmap_free(&p->fds);
	hashmap_free(&p->threads);
	hashmap_free(&p->procs);
	free(p);
	r->fmt = NULL;
}

const struct render_ops render_perfetto_ops = {
	.name = "perfetto",
	.begin = begin,
	.end = end,
	.print = {
		[EVK_START] = print_start,
		[EVK_CREATE] = print_create,
		[EVK_CTL] = print_ctl,
		[EVK_WAIT] = print_wait,
		[EVK_CLOSE] = print_close,
		[EVK_READY] = print_ready,
		[EVK_FORK] = print_fork,
		[EVK_EXIT] = print_exit,
		[EVK_WARNING] = print_warning,
		[EVK_NOTE] = print_note,
		[EVK_RETRACTED] = print_retracted,
		[EVK_LOST] = print_lost,
	},
};
