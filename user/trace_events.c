#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "decode.h"
#include "diag.h"
#include "epoll_state.h"
#include "epolltrace.h"
#include "fd_desc.h"
#include "options.h"
#include "procs.h"
#include "trace_events.h"
#include "tracer.h"

uint64_t trace_start_ns;
struct tracer *the_tracer;

#define EPOLLET_FLAG		(1U << 31)
#define EPOLLONESHOT_FLAG	(1U << 30)

uint64_t monotonic_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000000000ULL + now.tv_nsec;
}

double ts_seconds(uint64_t ts_ns)
{
	return ts_ns > trace_start_ns ? (ts_ns - trace_start_ns) / 1e9 : 0.0;
}

const char *fd_text(uint32_t pid, int fd, char *buf, size_t len)
{
	const char *d = fd >= 0 ? fd_desc(pid, fd) : NULL;

	if (d)
		snprintf(buf, len, "%d<%s>", fd, d);
	else
		snprintf(buf, len, "%d", fd);
	return buf;
}

/* fd_text() into a line, without printf. */
static void line_fd(struct line *l, uint32_t pid, int fd)
{
	const char *d = fd >= 0 ? fd_desc(pid, fd) : NULL;

	line_i64(l, fd);
	if (d) {
		line_append(l, "<", 1);
		line_str(l, d);
		line_append(l, ">", 1);
	}
}

static const char *comm_of(uint32_t pid, const char *comm)
{
	struct proc *p = proc_get(pid);

	if (comm && comm[0])
		snprintf(p->comm, sizeof(p->comm), "%.15s", comm);
	return p->comm;
}

void line_head(struct line *l, const char *event, uint64_t ts_ns, uint32_t pid,
	       uint32_t tid, const char *comm)
{
	line_reset(l);
	comm = comm_of(pid, comm);
	if (opts.json) {
		json_open(l, '{');
		json_kv_fixed(l, "ts", ts_ns > trace_start_ns ? (ts_ns - trace_start_ns) / 1000 : 0, 6);
		json_kv_int(l, "pid", pid);
		json_kv_int(l, "tid", tid);
		json_kv_str(l, "comm", comm);
		json_kv_str(l, "event", event);
		return;
	}
	line_fixed(l, ts_ns > trace_start_ns ? (ts_ns - trace_start_ns) / 1000 : 0, 6);
	line_append(l, " [", 2);
	line_u64(l, pid);
	if (tid && tid != pid) {
		line_append(l, "/", 1);
		line_u64(l, tid);
	}
	line_append(l, "] ", 2);
}

static void finish_json(struct line *l)
{
	json_close(l, '}');
	line_emit(l);
}

/* " = 3" or " = -1 EBADF (Bad file descriptor)" */
static void text_result(struct line *l, long ret)
{
	if (ret < 0) {
		line_printf(l, " = -1 %s (%s)", errno_name(-ret), errno_text(-ret));
	} else {
		line_append(l, " = ", 3);
		line_i64(l, ret);
	}
}

static void json_result(struct line *l, long ret)
{
	json_kv_int(l, "ret", ret < 0 ? -1 : ret);
	if (ret < 0)
		json_kv_str(l, "error", errno_name(-ret));
}

static bool shown(int epfd, int fd)
{
	if (opts.summary)
		return false;
	if (opts.filter_epfd >= 0 && epfd != opts.filter_epfd)
		return false;
	if (opts.filter_fd >= 0 && fd != opts.filter_fd)
		return false;
	return true;
}

/* ---- epoll_create ---------------------------------------------------- */

static void on_create(const struct ev_create *e)
{
	struct line l;
	char fdb[300];

	if (e->ret >= 0) {
		epset_drop(e->h.pid, e->ret);	/* a reused number starts afresh */
		epset_get(e->h.pid, e->ret);
		fd_desc_forget(e->h.pid, e->ret);
		fd_desc_from_kernel(e->h.pid, e->ret, 0, 0, "[eventpoll]", NULL);
	}
	if (!shown(e->ret, -1) && !(opts.filter_fd >= 0 && !opts.summary))
		return;
	if (opts.filter_fd >= 0)
		return;
	line_head(&l, "epoll_create", e->h.ts_ns, e->h.pid, e->h.tid, e->h.comm);
	if (opts.json) {
		json_kv_str(&l, "syscall", e->syscall == CS_EPOLL_CREATE ? "epoll_create" : "epoll_create1");
		if (e->syscall == CS_EPOLL_CREATE) {
			json_kv_int(&l, "size", e->flags);
			json_key(&l, "flags");
			json_open(&l, '[');
			json_close(&l, ']');
		} else {
			json_key(&l, "flags");
			json_open(&l, '[');
			if (e->flags & 02000000)
				json_str(&l, "EPOLL_CLOEXEC");
			if (e->flags & ~02000000) {
				char b[16];

				snprintf(b, sizeof(b), "%#x", e->flags & ~02000000);
				json_str(&l, b);
			}
			json_close(&l, ']');
		}
		json_result(&l, e->ret);
		json_kv_fixed(&l, "duration_us", e->dur_ns, 3);
		finish_json(&l);
		return;
	}
	if (e->syscall == CS_EPOLL_CREATE)
		line_printf(&l, "epoll_create(%d)", e->flags);
	else if (e->flags == 02000000)
		line_printf(&l, "epoll_create1(EPOLL_CLOEXEC)");
	else if (e->flags == 0)
		line_printf(&l, "epoll_create1(0)");
	else
		line_printf(&l, "epoll_create1(%#x)", e->flags);
	if (e->ret >= 0)
		line_printf(&l, " = %s", fd_text(e->h.pid, e->ret, fdb, sizeof(fdb)));
	else
		text_result(&l, e->ret);
	line_printf(&l, " <%.6f>", e->dur_ns / 1e9);
	line_emit(&l);
}

/* ---- epoll_ctl -------------------------------------------------------- */

static void apply_ctl(const struct ev_ctl *e)
{
	struct epset *s;
	struct reg *r;

	if (e->op == 1 /* ADD */) {
		fd_desc_forget(e->h.pid, e->fd);
		/* An inet socket is named from the kernel's facts at ADD: no
		 * /proc/net parse, and right even if it closed since. */
		if (e->sock.family == 2 || e->sock.family == 10)
			fd_desc_from_kernel(e->h.pid, e->fd, e->fd_mode, e->fd_ino, e->fd_dname, &e->sock);
		else if (!fd_desc_refresh(e->h.pid, e->fd))
			fd_desc_from_kernel(e->h.pid, e->fd, e->fd_mode, e->fd_ino, e->fd_dname, &e->sock);
	}
	if (e->op == 1 && (e->ret == 0 || e->ret == -ENOSPC))
		diag_on_watch_count(e->h.pid, e->h.tid, e->epfd, e->fd, e->uid, e->user_watches,
				    e->ret == -ENOSPC, e->h.ts_ns);
	if (e->ret < 0)
		return;
	s = epset_get(e->h.pid, e->epfd);
	s->inherited = false;
	switch (e->op) {
	case 1:
		r = reg_add(s, e->fd, e->events, e->data);
		r->adds++;
		r->fd_closed = false;
		diag_on_register(s, r, e->h.ts_ns);
		break;
	case 3:
		r = reg_add(s, e->fd, e->events, e->data);
		r->mods++;
		diag_on_register(s, r, e->h.ts_ns);
		break;
	case 2:
		r = reg_find(s, e->fd);
		if (r)
			diag_on_unregister(s, r);
		reg_del(s, e->fd);
		break;
	}
}

static void on_ctl(const struct ev_ctl *e)
{
	const char *op = epoll_op_name(e->op);
	struct line l;
	char b1[300], b2[300], ev[256];

	apply_ctl(e);
	if (!shown(e->epfd, e->fd))
		return;
	line_head(&l, "epoll_ctl", e->h.ts_ns, e->h.pid, e->h.tid, e->h.comm);
	if (opts.json) {
		json_kv_int(&l, "epfd", e->epfd);
		if (op)
			json_kv_str(&l, "op", op);
		else
			json_kv_int(&l, "op", e->op);
		json_kv_int(&l, "fd", e->fd);
		if (!e->event_ptr || e->fault) {
			json_kv_null(&l, "events");
			json_kv_null(&l, "data");
			if (e->fault)
				json_kv_hex(&l, "event_ptr", e->event_ptr);
		} else {
			json_kv_events(&l, "events", e->events);
			json_kv_hex(&l, "data", e->data);
		}
		json_result(&l, e->ret);
		json_kv_fixed(&l, "duration_us", e->dur_ns, 3);
		finish_json(&l);
		return;
	}
	line_printf(&l, "epoll_ctl(%s, ", fd_text(e->h.pid, e->epfd, b1, sizeof(b1)));
	if (op)
		line_printf(&l, "EPOLL_CTL_%s, ", op);
	else
		line_printf(&l, "%#x /* EPOLL_CTL_??? */, ", e->op);
	line_printf(&l, "%s, ", fd_text(e->h.pid, e->fd, b2, sizeof(b2)));
	if (!e->event_ptr)
		line_printf(&l, "NULL)");
	else if (e->fault)
		line_printf(&l, "%#llx)", e->event_ptr);
	else
		line_printf(&l, "{events=%s, data=0x%llx})",
			    epoll_events_str(e->events, ev, sizeof(ev)), e->data);
	text_result(&l, e->ret);
	line_printf(&l, " <%.6f>", e->dur_ns / 1e9);
	line_emit(&l);
}

/* ---- epoll_wait --------------------------------------------------------- */

static void on_wait_enter(const struct ev_wait_enter *e)
{
	struct epset *s = epset_get(e->h.pid, e->epfd);

	comm_of(e->h.pid, e->h.comm);
	s->inherited = false;
	s->waiting_tid = e->h.tid;
	s->wait_since_ns = e->h.ts_ns;
	s->wait_timeout_ns = e->timeout_ns;
	s->stall_checked = false;
}

/* A wait's results may come in several records; gather them per thread. */
struct pending_wait {
	struct ev_wait head;	/* items[] unused */
	unsigned char *items;
	size_t count;
};

static struct hashmap pending_waits;	/* tid -> struct pending_wait */

static void print_timeout(struct line *l, const struct ev_wait *w)
{
	if (w->syscall == WS_EPOLL_PWAIT2) {
		if (w->timeout_ns == -1)
			line_printf(l, "NULL");
		else if (w->timeout_ns == -2)
			line_printf(l, "%s", "0x? /* unreadable */");
		else
			line_printf(l, "{tv_sec=%lld, tv_nsec=%lld}",
				    w->timeout_ns / 1000000000LL, w->timeout_ns % 1000000000LL);
	} else {
		line_i64(l, w->timeout_ns < 0 ? -1LL : w->timeout_ns / 1000000LL);
	}
}

struct delivered {
	uint32_t events;
	uint64_t data;
	struct reg *reg;
	long long ready_us;	/* -1: unknown */
};

static void deliver_items(const struct ev_wait *w, const unsigned char *raw, size_t n,
			  struct delivered *out)
{
	struct epset *s = epset_get(w->h.pid, w->epfd);
	uint64_t exit_ns = w->h.ts_ns + w->dur_ns;

	for (size_t i = 0; i < n; i++) {
		struct delivered *d = &out[i];
		struct reg *r;

		memcpy(&d->events, raw + i * USER_EVENT_SIZE, 4);
		memcpy(&d->data, raw + i * USER_EVENT_SIZE + 4, 8);
		r = reg_by_data(s, d->data);
		d->reg = r;
		d->ready_us = -1;
		if (!r)
			continue;
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
		/* The ready-list snapshot that follows this record says
		 * whether the kernel put it back (level-triggered). */
		r->requeued_lt = false;
		diag_on_delivery(s, r, d->events, exit_ns);
	}
}

static void finish_wait(const struct ev_wait *w, const unsigned char *raw, size_t n)
{
	struct epset *s = epset_get(w->h.pid, w->epfd);
	struct delivered *items = calloc(n ? n : 1, sizeof(*items));
	bool show = shown(w->epfd, -1);
	struct line l;

	s->waits++;
	s->wait_total_ns += w->dur_ns;
	if (w->dur_ns > s->wait_max_ns)
		s->wait_max_ns = w->dur_ns;
	if (w->ret == 0)
		s->empty_waits++;
	else if (w->ret > 0)
		s->delivered += w->ret;
	if (s->waiting_tid == w->h.tid)
		s->waiting_tid = 0;
	deliver_items(w, raw, n, items);
	diag_on_wait_exit(s, w->h.tid, w->h.ts_ns + w->dur_ns);
	if (opts.filter_fd >= 0) {
		show = false;
		for (size_t i = 0; i < n; i++)
			if (items[i].reg && items[i].reg->fd == opts.filter_fd)
				show = !opts.summary && (opts.filter_epfd < 0 || opts.filter_epfd == w->epfd);
	}
	if (!show)
		goto out;
	line_head(&l, "epoll_wait", w->h.ts_ns, w->h.pid, w->h.tid, w->h.comm);
	if (opts.json) {
		json_kv_str(&l, "syscall", wait_syscall_name(w->syscall));
		json_kv_int(&l, "epfd", w->epfd);
		json_kv_int(&l, "maxevents", w->maxevents);
		json_kv_int(&l, "timeout_ms", w->timeout_ns < 0 ? -1 : w->timeout_ns / 1000000LL);
		json_result(&l, w->ret);
		json_kv_fixed(&l, "duration_us", w->dur_ns, 3);
		json_key(&l, "ready");
		json_open(&l, '[');
		for (size_t i = 0; i < n; i++) {
			json_open(&l, '{');
			if (items[i].reg)
				json_kv_int(&l, "fd", items[i].reg->fd);
			else
				json_kv_null(&l, "fd");
			json_kv_events(&l, "events", items[i].events);
			json_kv_hex(&l, "data", items[i].data);
			if (items[i].ready_us >= 0)
				json_kv_int(&l, "ready_us", items[i].ready_us);
			json_close(&l, '}');
		}
		json_close(&l, ']');
		if (w->fault)
			json_kv_bool(&l, "fault", true);
		if (w->before_attach)
			json_kv_bool(&l, "before_attach", true);
		finish_json(&l);
		goto out;
	}
	line_str(&l, wait_syscall_name(w->syscall));
	line_append(&l, "(", 1);
	line_fd(&l, w->h.pid, w->epfd);
	line_append(&l, ", ", 2);
	if (w->fault) {
		line_printf(&l, "%#llx", w->events_ptr);
	} else {
		line_append(&l, "[", 1);
		for (size_t i = 0; i < n; i++) {
			if (i)
				line_append(&l, ", ", 2);
			line_append(&l, "{events=", 8);
			line_events(&l, items[i].events);
			line_append(&l, ", data=", 7);
			line_hex(&l, items[i].data);
			if (items[i].reg) {
				line_append(&l, ", fd=", 5);
				line_fd(&l, w->h.pid, items[i].reg->fd);
			}
			line_append(&l, "}", 1);
		}
		line_append(&l, "]", 1);
	}
	line_append(&l, ", ", 2);
	line_i64(&l, w->maxevents);
	line_append(&l, ", ", 2);
	print_timeout(&l, w);
	if (w->syscall != WS_EPOLL_WAIT)
		line_append(&l, ", ...", 5);
	line_append(&l, ")", 1);
	text_result(&l, w->ret);
	line_append(&l, " <", 2);
	line_fixed(&l, w->dur_ns / 1000, 6);
	line_append(&l, ">", 1);
	line_emit(&l);
out:
	free(items);
}

static void on_wait(const struct ev_wait *w, size_t size)
{
	struct pending_wait *p = hashmap_get(&pending_waits, w->h.tid);
	size_t n = w->count;

	if (offsetof(struct ev_wait, items) + n * USER_EVENT_SIZE > size)
		n = 0;
	if (!p && !w->more) {
		finish_wait(w, w->items, n);
		return;
	}
	if (!p) {
		p = calloc(1, sizeof(*p));
		memcpy(&p->head, w, offsetof(struct ev_wait, items));
		hashmap_put(&pending_waits, w->h.tid, p);
	}
	p->items = realloc(p->items, (p->count + n) * USER_EVENT_SIZE);
	memcpy(p->items + p->count * USER_EVENT_SIZE, w->items, n * USER_EVENT_SIZE);
	p->count += n;
	if (w->more)
		return;
	hashmap_del(&pending_waits, w->h.tid);
	finish_wait(&p->head, p->items, p->count);
	free(p->items);
	free(p);
}

/* ---- close ---------------------------------------------------------------- */

struct close_scan {
	uint32_t pid, tid;
	uint64_t ts_ns;
	int fd;
	int epfds[64];
	int n;
	bool shared;
	int ret;
};

static void close_in_set(struct epset *s, void *arg)
{
	struct close_scan *cs = arg;

	if (s->pid == cs->pid && reg_find(s, cs->fd) && cs->n < 64)
		cs->epfds[cs->n++] = s->epfd;
}

/* After a successful close: the kernel removed the fd's items with the
 * file, unless another reference keeps the file open. */
static void apply_close(struct close_scan *cs)
{
	for (int i = 0; i < cs->n; i++) {
		struct epset *s = epset_find(cs->pid, cs->epfds[i]);
		struct reg *r = s ? reg_find(s, cs->fd) : NULL;

		if (!r)
			continue;
		if (cs->shared) {
			r->fd_closed = true;
			diag_on_stale_close(s, r, cs->tid, cs->ts_ns);
		} else {
			diag_on_unregister(s, r);
			reg_del(s, cs->fd);
		}
	}
}

static void on_close(const struct ev_close *e)
{
	struct close_scan cs = { .pid = e->h.pid, .tid = e->h.tid, .ts_ns = e->h.ts_ns, .fd = e->fd, .shared = e->shared, .ret = e->ret };
	struct line l;
	char b[300];

	epset_each(close_in_set, &cs);
	if (shown(e->is_epoll ? e->fd : (cs.n ? cs.epfds[0] : -1), e->fd) &&
	    (opts.filter_epfd < 0 || e->is_epoll || cs.n)) {
		line_head(&l, "close", e->h.ts_ns, e->h.pid, e->h.tid, e->h.comm);
		if (opts.json) {
			json_kv_int(&l, "fd", e->fd);
			json_result(&l, e->ret);
			json_key(&l, "epfds");
			json_open(&l, '[');
			for (int i = 0; i < cs.n; i++)
				json_int(&l, cs.epfds[i]);
			json_close(&l, ']');
			json_kv_bool(&l, "is_epoll", e->is_epoll);
			if (e->shared)
				json_kv_bool(&l, "file_still_open", true);
			finish_json(&l);
		} else {
			line_printf(&l, "close(%s)", fd_text(e->h.pid, e->fd, b, sizeof(b)));
			text_result(&l, e->ret);
			for (int i = 0; i < cs.n; i++)
				line_printf(&l, "%s%s", i ? ", " : " (was in ",
					    fd_text(e->h.pid, cs.epfds[i], b, sizeof(b)));
			if (cs.n)
				line_printf(&l, "%s)", e->shared ? "; file still open elsewhere" : "");
			line_emit(&l);
		}
	}
	if (e->ret == 0) {
		apply_close(&cs);
		if (e->is_epoll && !e->shared)
			epset_drop(e->h.pid, e->fd);
		fd_desc_forget(e->h.pid, e->fd);
	}
}

/* ---- readiness -------------------------------------------------------------- */

static const char *source_name(int s)
{
	switch (s) {
	case RS_EP_POLL_CALLBACK: return "ep_poll_callback";
	case RS_SK_DATA_READY: return "sk_data_ready";
	case RS_RDLIST: return "rdllist";
	default: return "?";
	}
}

static void print_ready(uint64_t ts, uint32_t pid, int epfd, int fd, uint32_t mask,
			int source, int flags)
{
	struct line l;

	if (!shown(epfd, fd))
		return;
	line_head(&l, "ready", ts, pid, 0, NULL);
	if (opts.json) {
		json_kv_int(&l, "epfd", epfd);
		json_kv_int(&l, "fd", fd);
		json_kv_events(&l, "events", mask);
		json_kv_str(&l, "source", source_name(source));
		json_kv_bool(&l, "queued", flags & RF_QUEUED);
		json_kv_bool(&l, "coalesced", flags & RF_COALESCED);
		json_kv_bool(&l, "disarmed", flags & RF_DISARMED);
		json_kv_bool(&l, "mismatch", flags & RF_MISMATCH);
		json_kv_bool(&l, "woke", flags & RF_WOKE);
		finish_json(&l);
		return;
	}
	line_append(&l, "~~ ready ", 9);
	line_fd(&l, pid, fd);
	line_append(&l, " in ", 4);
	line_fd(&l, pid, epfd);
	line_append(&l, ": ", 2);
	if (mask)
		line_events(&l, mask);
	else
		line_str(&l, "(no mask)");
	if (flags & RF_QUEUED)
		line_str(&l, ", queued");
	if (flags & RF_COALESCED)
		line_str(&l, ", already queued");
	if (flags & RF_DISARMED)
		line_str(&l, ", ignored: ONESHOT disarmed");
	if (flags & RF_MISMATCH)
		line_str(&l, ", ignored: not in mask");
	if (flags & RF_WOKE)
		line_str(&l, ", wakes waiter");
	line_append(&l, " [", 2);
	line_str(&l, source_name(source));
	line_append(&l, "]", 1);
	line_emit(&l);
}

static void on_ready(const struct ev_ready *e)
{
	struct epset *s = epset_get(e->h.pid, e->epfd);
	struct reg *r = reg_find(s, e->fd);

	if (!r) {
		/* Registered before we looked: the kernel tells us the rest. */
		r = reg_add(s, e->fd, e->events, e->data);
	}
	r->readies++;
	if (e->flags & RF_QUEUED)
		r->last_ready_ns = e->h.ts_ns;
	r->requeued_lt = false;
	if (e->flags & RF_BACKLOG) {
		r->has_edge_backlog = true;
		r->edge_unit = e->unit;
		r->edge_backlog = e->backlog;
	}
	diag_on_ready(s, r, e->flags, e->h.ts_ns);
	print_ready(e->h.ts_ns, e->h.pid, e->epfd, e->fd, e->mask, e->source, e->flags);
}

/* Tracepoint backend: the ready list at a wait's entry holds items that
 * became ready since the last wait (besides level-triggered items the
 * kernel put back at the last exit, which are not news). */
static void on_rdlist(const struct ev_rdlist *e, size_t size)
{
	struct epset *s = epset_get(e->h.pid, e->epfd);
	size_t fit = size > offsetof(struct ev_rdlist, items) ?
		     (size - offsetof(struct ev_rdlist, items)) / sizeof(e->items[0]) : 0;
	int n = e->count < RDLIST_MAX ? e->count : RDLIST_MAX;

	if ((size_t)n > fit)	/* records carry only the items they hold */
		n = fit;

	for (int i = 0; i < n; i++) {
		struct reg *r = reg_find(s, e->items[i].fd);

		if (!r)
			continue;
		if (e->at_exit) {
			r->requeued_lt = true;
			continue;
		}
		if (r->requeued_lt || r->last_ready_ns)
			continue;	/* not news, or sk_data_ready told us */
		r->readies++;
		r->last_ready_ns = e->h.ts_ns;
		diag_on_ready(s, r, RF_QUEUED, e->h.ts_ns);
		/* The list does not say which events: show the interest. */
		print_ready(e->h.ts_ns, e->h.pid, e->epfd, r->fd,
			    r->events & ~(0xf0000000u | 0x18u), RS_RDLIST, RF_QUEUED);
	}
}

/* ---- processes ------------------------------------------------------------------ */

static void on_fork(const struct ev_fork *e)
{
	struct line l;
	struct proc *child = proc_get(e->child_pid);

	struct proc *parent = proc_get(e->h.pid);
	uint64_t fd;
	void *desc;

	snprintf(child->comm, sizeof(child->comm), "%.15s", e->h.comm);
	if (child->pidfd < 0)
		child->pidfd = open_pidfd(e->child_pid);
	state_fork(e->h.pid, e->child_pid);
	/* The child starts with its parent's fds. */
	for (size_t i = 0; hashmap_next(&parent->fd_desc, &i, &fd, &desc);)
		if (!hashmap_get(&child->fd_desc, fd))
			hashmap_put(&child->fd_desc, fd, strdup(desc));
	if (opts.summary)
		return;
	line_head(&l, "fork", e->h.ts_ns, e->h.pid, e->h.tid, e->h.comm);
	if (opts.json) {
		json_kv_int(&l, "child", e->child_pid);
		finish_json(&l);
	} else {
		line_printf(&l, "+++ forked child %u +++", e->child_pid);
		line_emit(&l);
	}
}

static void print_exit(uint64_t ts, uint32_t pid, uint32_t tid, const char *comm, int status, bool known)
{
	struct line l;

	if (opts.summary)
		return;
	line_head(&l, "exit", ts, pid, tid, comm);
	if (opts.json) {
		if (!known)
			json_kv_null(&l, "exit_code");
		else if (status & 0x7f)
			json_kv_str(&l, "signal", signal_name(status & 0x7f));
		else
			json_kv_int(&l, "exit_code", (status >> 8) & 0xff);
		finish_json(&l);
		return;
	}
	if (!known)
		line_printf(&l, "+++ exited +++");
	else if (status & 0x7f)
		line_printf(&l, "+++ killed by %s +++", signal_name(status & 0x7f));
	else
		line_printf(&l, "+++ exited with %d +++", (status >> 8) & 0xff);
	line_emit(&l);
}

static void on_exit_record(const struct ev_exit *e)
{
	struct proc *p = proc_get(e->h.pid);

	if (p->exited)
		return;
	p->exited = true;
	p->exit_status = e->exit_code;
	if (the_tracer && the_tracer->skel)
		tracer_forget_pid(the_tracer, e->h.pid);
	diag_on_exit(e->h.pid);
	print_exit(e->h.ts_ns, e->h.pid, e->h.tid, e->h.comm, e->exit_code, true);
}

void emit_exit_unseen(uint32_t pid, int status)
{
	struct proc *p = proc_get(pid);

	if (p->exited)
		return;
	p->exited = true;
	p->exit_status = status;
	if (the_tracer && the_tracer->skel)
		tracer_forget_pid(the_tracer, pid);
	diag_on_exit(pid);
	print_exit(monotonic_ns(), pid, pid, NULL, status, status >= 0);
}

int handle_record(void *ctx, void *data, size_t size)
{
	const struct ev_header *h = data;

	if (size < sizeof(*h))
		return 0;
	if (h->tid && h->comm[0])	/* the name after an exec, even with -c */
		comm_of(h->pid, h->comm);
	switch (h->type) {
	case EV_CREATE: on_create(data); break;
	case EV_CTL: on_ctl(data); break;
	case EV_WAIT_ENTER: on_wait_enter(data); break;
	case EV_WAIT: on_wait(data, size); break;
	case EV_CLOSE: on_close(data); break;
	case EV_READY: on_ready(data); break;
	case EV_RDLIST: on_rdlist(data, size); break;
	case EV_FORK: on_fork(data); break;
	case EV_EXIT: on_exit_record(data); break;
	default: break;
	}
	return 0;
}

void learn_registration(uint32_t pid, int epfd, int fd, uint32_t events, uint64_t data)
{
	struct epset *s = epset_get(pid, epfd);
	struct reg *r = reg_add(s, fd, events, data);

	/* An ONESHOT item that already fired shows only its private bits. */
	diag_on_register(s, r, 0);
}

void emit_start(const char *backend, const char *const *attached, int nattached,
		const uint32_t *pids, int npids)
{
	struct line l;

	line_reset(&l);
	if (opts.json) {
		json_open(&l, '{');
		json_kv_double(&l, "ts", 0.0, 6);
		json_kv_int(&l, "pid", pids[0]);
		json_kv_int(&l, "tid", 0);
		json_kv_str(&l, "comm", "epolltrace");
		json_kv_str(&l, "event", "start");
		json_kv_str(&l, "backend", backend);
		json_key(&l, "attach");
		json_open(&l, '[');
		for (int i = 0; i < nattached; i++)
			json_str(&l, attached[i]);
		json_close(&l, ']');
		json_key(&l, "pids");
		json_open(&l, '[');
		for (int i = 0; i < npids; i++)
			json_int(&l, pids[i]);
		json_close(&l, ']');
		json_close(&l, '}');
	} else {
		line_printf(&l, "epolltrace: tracing pid");
		for (int i = 0; i < npids; i++)
			line_printf(&l, "%s%u", i ? "," : " ", pids[i]);
		line_printf(&l, "; readiness backend %s (", backend);
		for (int i = 0; i < nattached; i++)
			line_printf(&l, "%s%s", i ? ", " : "", attached[i]);
		line_printf(&l, ")");
	}
	line_emit(&l);
	fflush(trace_out);
}

void emit_lost(uint64_t lost)
{
	struct line l;

	line_reset(&l);
	if (opts.json) {
		json_open(&l, '{');
		json_kv_double(&l, "ts", ts_seconds(monotonic_ns()), 6);
		json_kv_int(&l, "pid", 0);
		json_kv_int(&l, "tid", 0);
		json_kv_str(&l, "comm", "epolltrace");
		json_kv_str(&l, "event", "lost");
		json_kv_int(&l, "count", lost);
		json_close(&l, '}');
		line_emit(&l);
	} else if (lost) {
		line_printf(&l, "epolltrace: lost %llu events (ring buffer full; try --ringbuf-kb)",
			    (unsigned long long)lost);
		line_emit(&l);
	}
}
