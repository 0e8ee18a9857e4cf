/* The JSON format: NDJSON, one object per record, each with ts, pid,
 * tid, comm and event first (the man page lists every event's keys). */
#include <stdio.h>
#include <sys/wait.h>
#include "clock.h"
#include "decode.h"
#include "epoll_abi.h"
#include "epoll_state.h"
#include "fd_probe.h"
#include "render.h"
#include "sink.h"

static void head(struct renderer *r, const struct event *ev, const char *event)
{
	struct line *l = &r->line;

	line_reset(l);
	json_open(l, '{');
	json_kv_fixed(l, "ts", render_since_start_us(r, ev->ts_ns), 6);
	json_kv_int(l, "pid", ev->pid);
	json_kv_int(l, "tid", ev->tid);
	json_kv_str(l, "comm", render_comm(r, ev));
	json_kv_str(l, "event", event);
}

static void finish(struct renderer *r)
{
	json_close(&r->line, '}');
	render_emit(r);
}

static void result(struct line *l, long ret)
{
	json_kv_int(l, "ret", ret < 0 ? -1 : ret);
	if (ret < 0)
		json_kv_str(l, "error", errno_name(-ret));
}

/* Records of epolltrace itself (start, lost, recap) carry its name. */
static void own_head(struct renderer *r, const struct event *ev, const char *event)
{
	struct event self = *ev;

	self.comm = "epolltrace";
	head(r, &self, event);
}

static void print_start(struct renderer *r, const struct event *ev)
{
	const struct start_event *s = &ev->start;
	struct line *l = &r->line;
	struct event self = *ev;

	self.pid = s->npids ? s->pids[0] : 0;
	self.tid = 0;
	self.ts_ns = r->start_ns;
	own_head(r, &self, "start");
	json_kv_str(l, "backend", s->backend);
	json_key(l, "attach");
	json_open(l, '[');
	for (int i = 0; i < s->nattached; i++)
		json_str(l, s->attached[i]);
	json_close(l, ']');
	json_key(l, "pids");
	json_open(l, '[');
	for (int i = 0; i < s->npids; i++)
		json_int(l, s->pids[i]);
	json_close(l, ']');
	if (s->target) {
		json_kv_str(l, "target", s->target);
		json_kv_int(l, "processes", s->nattached_pids);
	}
	finish(r);
	sink_flush(r->out);
}

static void print_create(struct renderer *r, const struct event *ev)
{
	const struct ev_create *e = ev->create;
	struct line *l = &r->line;

	head(r, ev, "epoll_create");
	json_kv_str(l, "syscall", e->syscall == CS_EPOLL_CREATE ? "epoll_create" : "epoll_create1");
	if (e->syscall == CS_EPOLL_CREATE)
		json_kv_int(l, "size", e->flags);
	json_key(l, "flags");
	json_open(l, '[');
	if (e->syscall != CS_EPOLL_CREATE) {
		if (e->flags & EP_CLOEXEC)
			json_str(l, "EPOLL_CLOEXEC");
		if (e->flags & ~EP_CLOEXEC) {
			char b[16];

			snprintf(b, sizeof(b), "%#x", e->flags & ~EP_CLOEXEC);
			json_str(l, b);
		}
	}
	json_close(l, ']');
	result(l, e->ret);
	json_kv_fixed(l, "duration_us", e->dur_ns, 3);
	finish(r);
}

static void print_ctl(struct renderer *r, const struct event *ev)
{
	const struct ev_ctl *e = ev->ctl;
	const char *op = epoll_op_name(e->op);
	struct line *l = &r->line;

	head(r, ev, "epoll_ctl");
	json_kv_int(l, "epfd", e->epfd);
	if (op)
		json_kv_str(l, "op", op);
	else
		json_kv_int(l, "op", e->op);
	json_kv_int(l, "fd", e->fd);
	if (!ctl_event_shown(e)) {
		json_kv_null(l, "events");
		json_kv_null(l, "data");
		if (e->event_ptr)
			json_kv_hex(l, "event_ptr", e->event_ptr);
	} else {
		json_kv_events(l, "events", e->events);
		json_kv_hex(l, "data", e->data);
	}
	result(l, e->ret);
	json_kv_fixed(l, "duration_us", e->dur_ns, 3);
	finish(r);
}

static void print_wait(struct renderer *r, const struct event *ev)
{
	const struct wait_event *we = &ev->wait;
	const struct ev_wait *w = we->rec;
	struct line *l = &r->line;

	head(r, ev, "epoll_wait");
	json_kv_str(l, "syscall", wait_syscall_name(w->syscall));
	json_kv_int(l, "epfd", w->epfd);
	json_kv_int(l, "maxevents", w->maxevents);
	json_kv_int(l, "timeout_ms", w->timeout_ns < 0 ? -1 : w->timeout_ns / (long long)NS_PER_MS);
	if (w->killed)
		json_kv_null(l, "ret");	/* the program never saw it return */
	else
		result(l, w->ret);
	json_kv_fixed(l, "duration_us", w->dur_ns, 3);
	json_key(l, "ready");
	json_open(l, '[');
	for (size_t i = 0; i < we->n; i++) {
		const struct delivered *d = &we->items[i];

		json_open(l, '{');
		if (d->fd >= 0)
			json_kv_int(l, "fd", d->fd);
		else
			json_kv_null(l, "fd");
		json_kv_events(l, "events", d->events);
		json_kv_hex(l, "data", d->data);
		if (d->ready_us >= 0)
			json_kv_int(l, "ready_us", d->ready_us);
		if (d->coalesced)
			json_kv_int(l, "coalesced", d->coalesced);
		json_close(l, '}');
	}
	json_close(l, ']');
	if (w->fault)
		json_kv_bool(l, "fault", true);
	if (we->incomplete)
		json_kv_bool(l, "incomplete", true);
	if (w->before_attach) {
		json_kv_bool(l, "before_attach", true);
		if (w->entry_unknown)
			json_kv_bool(l, "entry_unknown", true);
	}
	finish(r);
}

static void print_close(struct renderer *r, const struct event *ev)
{
	const struct close_event *c = &ev->close;
	struct line *l = &r->line;

	head(r, ev, "close");
	json_kv_int(l, "fd", c->rec->fd);
	result(l, c->rec->ret);
	json_key(l, "epfds");
	json_open(l, '[');
	for (int i = 0; i < c->nepfds; i++)
		json_int(l, c->epfds[i]);
	json_close(l, ']');
	if (c->nsets > c->nepfds) {	/* the list holds the lowest numbers only */
		json_kv_bool(l, "epfds_truncated", true);
		json_kv_int(l, "epfds_total", c->nsets);
	}
	json_kv_bool(l, "is_epoll", c->rec->is_epoll);
	if (c->rec->shared)
		json_kv_bool(l, "file_still_open", true);
	finish(r);
}

static void print_ready(struct renderer *r, const struct event *ev)
{
	const struct ready_event *e = &ev->ready;
	struct line *l = &r->line;

	head(r, ev, "ready");
	json_kv_int(l, "epfd", e->epfd);
	json_kv_int(l, "fd", e->fd);
	json_kv_events(l, "events", e->mask);
	json_kv_str(l, "source", render_source_name(e->source));
	json_kv_bool(l, "queued", e->flags & RF_QUEUED);
	json_kv_bool(l, "coalesced", e->flags & RF_COALESCED);
	json_kv_bool(l, "disarmed", e->flags & RF_DISARMED);
	json_kv_bool(l, "mismatch", e->flags & RF_MISMATCH);
	json_kv_bool(l, "woke", e->flags & RF_WOKE);
	finish(r);
}

static void print_fork(struct renderer *r, const struct event *ev)
{
	head(r, ev, "fork");
	json_kv_int(&r->line, "child", ev->fork_child);
	finish(r);
}

static void print_exit(struct renderer *r, const struct event *ev)
{
	const struct exit_event *e = &ev->exit;
	struct line *l = &r->line;

	head(r, ev, "exit");
	if (!e->known)
		json_kv_null(l, "exit_code");
	else if (WIFSIGNALED(e->status))
		json_kv_str(l, "signal", signal_name(WTERMSIG(e->status)));
	else
		json_kv_int(l, "exit_code", WEXITSTATUS(e->status));
	finish(r);
}

static const char *confirmation_name(enum confirmation c)
{
	switch (c) {
	case CONF_WINDOW: return "window";
	case CONF_CLOSE: return "close";
	case CONF_EXIT: return "exit";
	default: return NULL;
	}
}

static void print_warning(struct renderer *r, const struct event *ev)
{
	const struct warning *w = ev->warning;
	const char *conf = confirmation_name(w->confirmed_by);
	struct line *l = &r->line;

	head(r, ev, "warning");
	json_kv_int(l, "id", w->id);
	json_kv_str(l, "kind", w->kind);
	json_kv_int(l, "epfd", w->epfd);
	json_kv_int(l, "fd", w->fd);
	json_kv_str(l, "message", w->message);
	if (w->has_data)
		json_kv_hex(l, "data", w->data);
	if (w->bytes > 0)
		json_kv_int(l, "bytes_queued", w->bytes);
	if (w->eventfd_count > 0)
		json_kv_int(l, "eventfd_count", w->eventfd_count);
	if (w->since_delivery_ms)
		json_kv_int(l, "since_delivery_ms", w->since_delivery_ms);
	if (w->waiting_ms)
		json_kv_int(l, "waiting_ms", w->waiting_ms);
	if (w->has_since_edge) {
		json_key(l, "since_edge");
		json_open(l, '{');
		json_kv_int(l, "queued", w->edge_queued);
		json_kv_int(l, "read", w->edge_taken);
		json_kv_str(l, "unit", w->edge_unit);
		json_close(l, '}');
	}
	if (w->has_watches) {
		json_kv_int(l, "uid", w->uid);
		json_kv_int(l, "watches", w->watches);
		json_kv_int(l, "max_user_watches", w->watch_limit);
	}
	if (conf) {
		json_key(l, "evidence");
		json_open(l, '{');
		json_kv_str(l, "confirmed_by", conf);
		json_kv_int(l, "suspect_ms", w->suspect_ms);
		json_kv_int(l, "window_ms", w->window_ms);
		json_kv_int(l, "served_others", w->served_others);
		json_kv_int(l, "waits_since", w->waits_since);
		json_kv_bool(l, "found_at_attach", w->found_at_attach);
		if (w->found_at_attach) {
			json_kv_int(l, "blocked_tid", w->blocked_tid);
			if (w->blocked_ms >= 0)
				json_kv_int(l, "blocked_ms", w->blocked_ms);
			else
				json_kv_null(l, "blocked_ms");
		}
		json_close(l, '}');
	}
	if (w->not_shown) {
		json_kv_int(l, "not_shown", w->not_shown);
		json_kv_int(l, "not_shown_s", w->not_shown_s);
	}
	finish(r);
	sink_flush(r->out);
}

static void print_note(struct renderer *r, const struct event *ev)
{
	const struct note *n = ev->note;
	struct line *l = &r->line;

	head(r, ev, "note");
	json_kv_str(l, "kind", n->kind);
	if (n->epfd >= 0)
		json_kv_int(l, "epfd", n->epfd);
	if (n->fd >= 0)
		json_kv_int(l, "fd", n->fd);
	if (n->runtime)
		json_kv_str(l, "runtime", n->runtime);
	json_kv_str(l, "message", n->message);
	finish(r);
	sink_flush(r->out);
}

static void print_retracted(struct renderer *r, const struct event *ev)
{
	const struct retracted_event *e = &ev->retracted;
	struct line *l = &r->line;

	head(r, ev, "retracted");
	json_kv_int(l, "warning", e->warning_id);
	json_kv_str(l, "kind", e->kind);
	json_kv_int(l, "epfd", e->epfd);
	json_kv_int(l, "fd", e->fd);
	json_kv_str(l, "message", e->message);
	finish(r);
	sink_flush(r->out);
}

static void print_recap(struct renderer *r, const struct event *ev)
{
	const struct recap_event *e = &ev->recap;
	struct line *l = &r->line;

	own_head(r, ev, "recap");
	json_kv_int(l, "warnings", e->nwarnings);
	json_kv_int(l, "suspicions_cleared", e->cleared);
	json_kv_int(l, "retracted", e->retracted);
	if (e->not_shown)
		json_kv_int(l, "not_shown", e->not_shown);
	if (e->procs_dropped || e->regs_dropped) {
		json_kv_int(l, "processes_not_traced", e->procs_dropped);
		json_kv_int(l, "registrations_not_tracked", e->regs_dropped);
	}
	finish(r);
}

static void print_lost(struct renderer *r, const struct event *ev)
{
	own_head(r, ev, "lost");
	json_kv_int(&r->line, "count", ev->lost);
	finish(r);
}

static void print_summary(struct renderer *r, const struct event *ev)
{
	const struct summary_event *e = &ev->summary;
	const struct epset *s = e->set;
	struct line *l = &r->line;

	head(r, ev, "summary");
	json_kv_int(l, "epfd", s->epfd);
	json_kv_int(l, "waits", s->waits);
	json_kv_int(l, "empty_waits", s->empty_waits);
	json_kv_double(l, "wait_avg_us", s->waits ? s->wait_total_ns / (double)NS_PER_US / s->waits : 0.0, 3);
	json_kv_double(l, "wait_max_us", s->wait_max_ns / (double)NS_PER_US, 3);
	json_kv_int(l, "delivered", s->delivered);
	json_kv_int(l, "warnings", s->warnings);
	json_key(l, "fds");
	json_open(l, '[');
	for (size_t i = 0; i < e->nrows; i++) {
		const struct reg *t = e->rows[i].totals;

		json_open(l, '{');
		json_kv_int(l, "fd", e->rows[i].fd);
		if (e->rows[i].what)
			json_kv_str(l, "what", e->rows[i].what);
		json_kv_events(l, "events", t->events);
		json_kv_hex(l, "data", t->data);
		json_kv_int(l, "adds", t->adds);
		json_kv_int(l, "mods", t->mods);
		json_kv_int(l, "ready", t->readies);
		json_kv_int(l, "delivered", t->deliveries);
		if (t->ready_latency_n) {
			json_kv_double(l, "ready_to_delivery_avg_us",
				       t->ready_latency_total_ns / (double)NS_PER_US / t->ready_latency_n, 3);
			json_kv_double(l, "ready_to_delivery_max_us", t->ready_latency_max_ns / (double)NS_PER_US, 3);
		}
		json_kv_int(l, "warnings", t->warnings);
		json_close(l, '}');
	}
	json_close(l, ']');
	finish(r);
}

static void print_summary_lost(struct renderer *r, const struct event *ev)
{
	const uint64_t *d = ev->summary_lost;
	struct line *l = &r->line;

	own_head(r, ev, "summary_lost");
	json_kv_int(l, "waits", d[ST_WAITS]);
	json_kv_int(l, "deliveries", d[ST_DELIVERIES]);
	json_kv_int(l, "ready", d[ST_READIES]);
	finish(r);
}

static void print_set_item(struct renderer *r, const struct event *ev)
{
	const struct set_item_event *e = &ev->set_item;
	const struct scanned_item *it = e->item;
	const struct fd_backlog *b = e->backlog;
	struct line *l = &r->line;

	head(r, ev, "set_item");
	json_kv_int(l, "epfd", e->epfd);
	json_kv_int(l, "fd", it->tfd);
	if (e->what)
		json_kv_str(l, "what", e->what);
	json_kv_events(l, "events", it->events);
	json_kv_hex(l, "data", it->data);
	json_kv_bool(l, "edge_triggered", it->events & EP_ET);
	if (it->events & EP_ONESHOT)
		json_kv_str(l, "oneshot", ep_oneshot_disarmed(it->events) ? "disarmed" : "armed");
	json_kv_bool(l, "exclusive", it->events & EP_EXCLUSIVE);
	if (e->stale || e->unprobed)
		json_kv_null(l, "ready");
	else
		json_kv_events(l, "ready", (uint16_t)b->revents | (b->readable ? EP_IN : 0));
	if (!e->stale && b->bytes >= 0)
		json_kv_int(l, "bytes_queued", b->bytes);
	if (!e->stale && b->count >= 0)
		json_kv_int(l, "eventfd_count", b->count);
	if (e->stale)
		json_kv_str(l, "stale", e->stale);
	if (e->verdict) {
		json_kv_str(l, "verdict", e->verdict_kind);
		json_kv_str(l, "verdict_text", e->verdict);
	}
	finish(r);
}

static void print_sets(struct renderer *r, const struct event *ev)
{
	const struct sets_event *e = &ev->sets;
	struct line *l = &r->line;

	head(r, ev, "sets");
	json_kv_int(l, "sets", e->nsets);
	json_kv_int(l, "items", e->items);
	json_kv_int(l, "uid", e->uid);
	json_kv_int(l, "user_watches", e->user_watches);
	json_kv_int(l, "max_user_watches", e->max_user_watches);
	finish(r);
}

static void print_census_proc(struct renderer *r, const struct event *ev)
{
	const struct census_proc_event *e = &ev->census_proc;
	struct line *l = &r->line;

	head(r, ev, "census_process");
	json_kv_int(l, "uid", e->uid);
	json_key(l, "sets");
	json_open(l, '[');
	for (int i = 0; i < e->nsets; i++) {
		json_open(l, '{');
		json_kv_int(l, "epfd", e->sets[i].epfd);
		json_kv_int(l, "items", e->sets[i].items);
		if (e->sets[i].shared_with)
			json_kv_int(l, "shared_with", e->sets[i].shared_with);
		json_close(l, '}');
	}
	json_close(l, ']');
	json_kv_int(l, "items", e->items);
	json_kv_int(l, "oneshot_disarmed", e->oneshot_disarmed);
	json_kv_int(l, "stale", e->stale);
	finish(r);
}

static void print_census_stale(struct renderer *r, const struct event *ev)
{
	const struct census_stale_event *e = &ev->census_stale;
	struct line *l = &r->line;

	head(r, ev, "census_stale");
	json_kv_int(l, "epfd", e->epfd);
	json_kv_int(l, "fd", e->fd);
	json_kv_str(l, "stale", e->reason);
	finish(r);
}

/* One record per set, in the holder's name. */
static void print_census_top(struct renderer *r, const struct event *ev)
{
	const struct census_top_event *e = &ev->census_top;
	struct line *l = &r->line;

	for (int i = 0; i < e->n; i++) {
		struct event one = *ev;

		one.pid = e->sets[i].pid;
		one.comm = e->sets[i].comm;
		head(r, &one, "census_top_set");
		json_kv_int(l, "rank", i + 1);
		json_kv_int(l, "epfd", e->sets[i].epfd);
		json_kv_int(l, "items", e->sets[i].items);
		finish(r);
	}
}

static void holders_list(struct line *l, const struct watch_holder *top, int n, bool watches)
{
	json_key(l, "top");
	json_open(l, '[');
	for (int i = 0; i < n; i++) {
		json_open(l, '{');
		json_kv_int(l, "pid", top[i].pid);
		json_kv_str(l, "comm", top[i].comm);
		if (watches)
			json_kv_int(l, "watches", top[i].watches);
		else
			json_kv_int(l, "count", top[i].watches);
		json_close(l, '}');
	}
	json_close(l, ']');
}

static void print_census_rank(struct renderer *r, const struct event *ev)
{
	const struct census_rank_event *e = &ev->census_rank;
	struct line *l = &r->line;

	own_head(r, ev, "census_rank");
	json_kv_str(l, "of", e->what);
	json_kv_int(l, "total", e->total);
	json_kv_int(l, "processes", e->processes);
	holders_list(l, e->top, e->n, false);
	finish(r);
}

static void print_census_user(struct renderer *r, const struct event *ev)
{
	const struct census_user_event *e = &ev->census_user;
	struct line *l = &r->line;

	own_head(r, ev, "census_user");
	json_kv_int(l, "uid", e->uid);
	json_kv_int(l, "watches", e->watches);
	json_kv_int(l, "processes", e->processes);
	json_kv_int(l, "all_watches", e->all_watches >= 0 ? e->all_watches : e->watches);
	json_kv_int(l, "max_user_watches", e->max_user_watches);
	holders_list(l, e->top, e->n, true);
	finish(r);
}

static void print_census(struct renderer *r, const struct event *ev)
{
	const struct census_event *e = &ev->census;
	struct line *l = &r->line;

	own_head(r, ev, "census");
	json_kv_str(l, "target", e->target);
	json_kv_int(l, "scanned", e->scanned);
	json_kv_int(l, "processes", e->processes);
	json_kv_int(l, "sets", e->sets);
	json_kv_int(l, "items", e->items);
	json_kv_int(l, "oneshot_disarmed", e->oneshot_disarmed);
	json_kv_int(l, "stale", e->stale);
	json_kv_int(l, "shared", e->shared);
	json_kv_int(l, "vanished", e->vanished);
	json_kv_int(l, "unreadable", e->unreadable);
	json_kv_int(l, "max_user_watches", e->max_user_watches);
	json_kv_fixed(l, "duration_ms", e->duration_us, 3);
	finish(r);
}

const struct render_ops render_json_ops = {
	.name = "json",
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
		[EVK_RECAP] = print_recap,
		[EVK_LOST] = print_lost,
		[EVK_SUMMARY] = print_summary,
		[EVK_SUMMARY_LOST] = print_summary_lost,
		[EVK_SET_ITEM] = print_set_item,
		[EVK_SETS] = print_sets,
		[EVK_CENSUS_PROC] = print_census_proc,
		[EVK_CENSUS_STALE] = print_census_stale,
		[EVK_CENSUS_TOP] = print_census_top,
		[EVK_CENSUS_RANK] = print_census_rank,
		[EVK_CENSUS_USER] = print_census_user,
		[EVK_CENSUS] = print_census,
	},
};
