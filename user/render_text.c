/* The text format: strace-like lines, "TS [PID/TID] call(args) = ret <dur>". */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include "clock.h"
#include "decode.h"
#include "epoll_abi.h"
#include "epoll_state.h"
#include "fd_desc.h"
#include "fd_probe.h"
#include "render.h"
#include "selection.h"
#include "sink.h"

/* Where a record's line starts: "0.008964 [13331] " or "... [13331/13335] ". */
static void head(struct renderer *r, const struct event *ev)
{
	struct line *l = &r->line;

	line_reset(l);
	line_fixed(l, render_since_start_us(r, ev->ts_ns), 6);
	line_append(l, " [", 2);
	line_u64(l, ev->pid);
	if (ev->tid && ev->tid != ev->pid) {
		line_append(l, "/", 1);
		line_u64(l, ev->tid);
	}
	line_append(l, "] ", 2);
}

/* "7<TCP:...>" or "7" */
static void fd_arg(struct renderer *r, uint32_t pid, int fd)
{
	size_t len = 0;
	bool plain = false;
	const char *d = fd >= 0 ? fd_desc_sized(r->state, pid, fd, &len, &plain) : NULL;

	line_i64(&r->line, fd);
	if (d) {
		line_append(&r->line, "<", 1);
		if (plain)
			line_append(&r->line, d, len);
		else
			line_str_escaped(&r->line, d);
		line_append(&r->line, ">", 1);
	}
}

/* " = 3" or " = -1 EBADF (Bad file descriptor)" */
static void result(struct line *l, long ret)
{
	if (ret < 0) {
		line_printf(l, " = -1 %s (%s)", errno_name(-ret), errno_text(-ret));
	} else {
		line_append(l, " = ", 3);
		line_i64(l, ret);
	}
}

/* " <0.000965>"; create and ctl round like printf, waits truncate. */
static void duration_rounded(struct line *l, uint64_t ns)
{
	line_printf(l, " <%.6f>", ns / (double)NS_PER_SEC);
}

static void duration(struct line *l, uint64_t ns)
{
	line_append(l, " <", 2);
	line_fixed(l, ns / 1000, 6);
	line_append(l, ">", 1);
}

static void print_start(struct renderer *r, const struct event *ev)
{
	const struct start_event *s = &ev->start;
	struct line *l = &r->line;

	line_reset(l);
	if (s->target) {
		line_str(l, "epolltrace: tracing ");
		line_str_escaped(l, s->target);
		line_printf(l, " (%d with epoll sets at the start), new ones included",
			    s->nattached_pids);
	} else {
		line_str(l, "epolltrace: tracing pid");
		for (int i = 0; i < s->npids; i++) {
			line_append(l, i ? "," : " ", 1);
			line_u64(l, s->pids[i]);
		}
	}
	line_printf(l, "; readiness backend %s (", s->backend);
	for (int i = 0; i < s->nattached; i++) {
		if (i)
			line_append(l, ", ", 2);
		line_str(l, s->attached[i]);
	}
	line_append(l, ")", 1);
	render_emit(r);
	sink_flush(r->out);
}

static void print_create(struct renderer *r, const struct event *ev)
{
	const struct ev_create *e = ev->create;
	struct line *l = &r->line;

	head(r, ev);
	if (e->syscall == CS_EPOLL_CREATE)
		line_printf(l, "epoll_create(%d)", e->flags);
	else if (e->flags == EP_CLOEXEC)
		line_str(l, "epoll_create1(EPOLL_CLOEXEC)");
	else if (e->flags == 0)
		line_str(l, "epoll_create1(0)");
	else
		line_printf(l, "epoll_create1(%#x)", e->flags);
	if (e->ret >= 0) {
		line_append(l, " = ", 3);
		fd_arg(r, ev->pid, e->ret);
	} else {
		result(l, e->ret);
	}
	duration_rounded(l, e->dur_ns);
	render_emit(r);
}

static void print_ctl(struct renderer *r, const struct event *ev)
{
	const struct ev_ctl *e = ev->ctl;
	const char *op = epoll_op_name(e->op);
	struct line *l = &r->line;

	head(r, ev);
	line_str(l, "epoll_ctl(");
	fd_arg(r, ev->pid, e->epfd);
	if (op)
		line_printf(l, ", EPOLL_CTL_%s, ", op);
	else
		line_printf(l, ", %#x /* EPOLL_CTL_??? */, ", e->op);
	fd_arg(r, ev->pid, e->fd);
	line_append(l, ", ", 2);
	if (!e->event_ptr) {
		line_str(l, "NULL)");
	} else if (!ctl_event_shown(e)) {
		line_hex(l, e->event_ptr);
		line_append(l, ")", 1);
	} else {
		line_str(l, "{events=");
		line_events(l, e->events);
		line_str(l, ", data=");
		line_hex(l, e->data);
		line_str(l, "})");
	}
	result(l, e->ret);
	duration_rounded(l, e->dur_ns);
	render_emit(r);
}

static void timeout_arg(struct line *l, const struct ev_wait *w)
{
	if (w->syscall != WS_EPOLL_PWAIT2)
		line_i64(l, w->timeout_ns < 0 ? -1LL : w->timeout_ns / (long long)NS_PER_MS);
	else if (w->timeout_ns == -1)
		line_str(l, "NULL");
	else if (w->timeout_ns == -2)
		line_str(l, "0x? /* unreadable */");
	else
		line_printf(l, "{tv_sec=%lld, tv_nsec=%lld}",
			    w->timeout_ns / (long long)NS_PER_SEC, w->timeout_ns % (long long)NS_PER_SEC);
}

static void print_wait(struct renderer *r, const struct event *ev)
{
	const struct wait_event *we = &ev->wait;
	const struct ev_wait *w = we->rec;
	struct line *l = &r->line;

	head(r, ev);
	line_str(l, wait_syscall_name(w->syscall));
	line_append(l, "(", 1);
	fd_arg(r, ev->pid, w->epfd);
	line_append(l, ", ", 2);
	if (w->fault) {
		line_hex(l, w->events_ptr);
	} else {
		line_append(l, "[", 1);
		for (size_t i = 0; i < we->n; i++) {
			if (i)
				line_append(l, ", ", 2);
			line_append(l, "{events=", 8);
			line_events(l, we->items[i].events);
			line_append(l, ", data=", 7);
			line_hex(l, we->items[i].data);
			if (we->items[i].fd >= 0) {
				line_append(l, ", fd=", 5);
				fd_arg(r, ev->pid, we->items[i].fd);
			}
			if (we->items[i].coalesced && render_shows_kind(r, SHOW_READY)) {
				line_append(l, ", +", 3);
				line_u64(l, we->items[i].coalesced);
				line_str(l, " ready already queued");
			}
			line_append(l, "}", 1);
		}
		if (we->incomplete)
			line_str(l, we->n ? ", ..." : "...");
		line_append(l, "]", 1);
	}
	line_append(l, ", ", 2);
	line_i64(l, w->maxevents);
	line_append(l, ", ", 2);
	timeout_arg(l, w);
	if (w->syscall != WS_EPOLL_WAIT)
		line_append(l, ", ...", 5);
	line_append(l, ")", 1);
	if (w->killed)
		line_str(l, " = ?");	/* as strace: the program never saw it return */
	else
		result(l, w->ret);
	if (w->before_attach && w->entry_unknown)
		line_str(l, " <?>");
	else
		duration(l, w->dur_ns);
	if (w->before_attach)
		line_str(l, " (entered before the attach)");
	render_emit(r);
}

static void print_close(struct renderer *r, const struct event *ev)
{
	const struct close_event *c = &ev->close;
	struct line *l = &r->line;

	head(r, ev);
	line_str(l, "close(");
	fd_arg(r, ev->pid, c->rec->fd);
	line_append(l, ")", 1);
	result(l, c->rec->ret);
	for (int i = 0; i < c->nepfds; i++) {
		line_str(l, i ? ", " : " (was in ");
		fd_arg(r, ev->pid, c->epfds[i]);
	}
	if (c->nsets > c->nepfds)
		line_printf(l, " and %d more sets", c->nsets - c->nepfds);
	if (c->nepfds)
		line_str(l, c->rec->shared ? "; file still open elsewhere)" : ")");
	render_emit(r);
}

/* A callback that only found the item queued already is not a line of
 * its own: the wait that delivers the item counts it (print_wait). */
static void print_ready(struct renderer *r, const struct event *ev)
{
	const struct ready_event *e = &ev->ready;
	struct line *l = &r->line;

	if (e->flags & RF_COALESCED)
		return;
	head(r, ev);
	line_append(l, "~~ ready ", 9);
	fd_arg(r, ev->pid, e->fd);
	line_append(l, " in ", 4);
	fd_arg(r, ev->pid, e->epfd);
	line_append(l, ": ", 2);
	if (e->mask)
		line_events(l, e->mask);
	else
		line_str(l, "(no mask)");
	if (e->flags & RF_QUEUED)
		line_str(l, ", queued");
	if (e->flags & RF_COALESCED)
		line_str(l, ", already queued");
	if (e->flags & RF_DISARMED)
		line_str(l, ", ignored: ONESHOT disarmed");
	if (e->flags & RF_MISMATCH)
		line_str(l, ", ignored: not in mask");
	if (e->flags & RF_WOKE)
		line_str(l, ", wakes waiter");
	line_append(l, " [", 2);
	line_str(l, render_source_name(e->source));
	line_append(l, "]", 1);
	render_emit(r);
}

static void print_fork(struct renderer *r, const struct event *ev)
{
	head(r, ev);
	line_printf(&r->line, "+++ forked child %u +++", ev->fork_child);
	render_emit(r);
}

static void print_exit(struct renderer *r, const struct event *ev)
{
	const struct exit_event *e = &ev->exit;
	struct line *l = &r->line;

	head(r, ev);
	if (!e->known)
		line_str(l, "+++ exited +++");
	else if (WIFSIGNALED(e->status))
		line_printf(l, "+++ killed by %s +++", signal_name(WTERMSIG(e->status)));
	else
		line_printf(l, "+++ exited with %d +++", WEXITSTATUS(e->status));
	render_emit(r);
}

/* Verdicts are written at once, and on the terminal too when the trace
 * goes to a file: they are what the user is waiting for. */
static void emit_verdict(struct renderer *r)
{
	render_emit(r);
	sink_flush(r->out);
	if (r->err) {
		sink_record(r->err, &r->line);
		sink_flush(r->err);
	}
}

/* "[4242 nginx]": who a verdict is about, by pid and name (a trace of
 * many processes needs both). */
static void who(struct line *l, uint32_t pid, const char *comm)
{
	line_append(l, "[", 1);
	line_u64(l, pid);
	if (comm && comm[0]) {
		line_append(l, " ", 1);
		line_str_escaped(l, comm);
	}
	line_append(l, "]", 1);
}

static void print_warning(struct renderer *r, const struct event *ev)
{
	const struct warning *w = ev->warning;
	struct line *l = &r->line;

	line_reset(l);
	line_printf(l, "epolltrace: WARNING %s: ", w->kind);
	who(l, ev->pid, render_comm(r, ev));
	line_append(l, " ", 1);
	line_str_escaped(l, w->message);
	if (w->not_shown)
		line_printf(l, " (%llu more like it in the last %llu s were not shown: at most one a "
			    "minute per process, fd and kind)", (unsigned long long)w->not_shown,
			    (unsigned long long)w->not_shown_s);
	emit_verdict(r);
}

static void print_note(struct renderer *r, const struct event *ev)
{
	const struct note *n = ev->note;
	struct line *l = &r->line;

	if (n->on_stderr && !r->err)
		return;		/* the trace is on the terminal, where it was said */
	line_reset(l);
	line_printf(l, "epolltrace: NOTE %s: ", n->kind);
	who(l, ev->pid, render_comm(r, ev));
	line_append(l, " ", 1);
	line_str_escaped(l, n->message);
	render_emit(r);
	sink_flush(r->out);
}

static void print_retracted(struct renderer *r, const struct event *ev)
{
	const struct retracted_event *e = &ev->retracted;
	struct line *l = &r->line;

	line_reset(l);
	line_printf(l, "epolltrace: RETRACTED warning %u (%s ", e->warning_id, e->kind);
	who(l, ev->pid, render_comm(r, ev));
	line_printf(l, " fd %d in epoll %d): ", e->fd, e->epfd);
	line_str_escaped(l, e->message);
	emit_verdict(r);
}

static void print_recap(struct renderer *r, const struct event *ev)
{
	const struct recap_event *e = &ev->recap;
	struct line *l = &r->line;

	if (!e->nwarnings && !e->cleared && !e->retracted && !e->not_shown && !e->procs_dropped &&
	    !e->regs_dropped)
		return;
	line_reset(l);
	if (e->nwarnings) {
		line_printf(l, "epolltrace: %zu warning%s:", e->nwarnings, e->nwarnings == 1 ? "" : "s");
		for (size_t i = 0; i < e->nlisted; i++) {
			line_printf(l, "%s %s ", i ? ";" : "", e->warnings[i].kind);
			who(l, e->warnings[i].pid, e->warnings[i].comm);
			line_printf(l, " fd %d in epoll %d", e->warnings[i].fd, e->warnings[i].epfd);
		}
		if (e->nwarnings > e->nlisted)
			line_str(l, "; ...");
	} else {
		line_str(l, "epolltrace: no warnings");
	}
	if (e->cleared || e->retracted)
		line_printf(l, "; %llu suspicion%s cleared, %llu warning%s retracted",
			    (unsigned long long)e->cleared,
			    e->cleared == 1 ? "" : "s", (unsigned long long)e->retracted,
			    e->retracted == 1 ? "" : "s");
	if (e->not_shown)
		line_printf(l, "; %llu more not shown (at most one a minute per process, fd and kind)",
			    (unsigned long long)e->not_shown);
	if (e->procs_dropped || e->regs_dropped)
		line_printf(l, "; not tracked for want of room: %llu processes, %llu registrations",
			    (unsigned long long)e->procs_dropped, (unsigned long long)e->regs_dropped);
	render_emit(r);
}

static void print_lost(struct renderer *r, const struct event *ev)
{
	if (!ev->lost)
		return;
	line_reset(&r->line);
	line_printf(&r->line, "epolltrace: lost %llu events (ring buffer full; try --ringbuf-kb)",
		    (unsigned long long)ev->lost);
	render_emit(r);
}

static void print_summary(struct renderer *r, const struct event *ev)
{
	const struct summary_event *e = &ev->summary;
	const struct epset *s = e->set;
	struct line *l = &r->line;

	line_reset(l);		/* a blank line before each set */
	render_emit(r);
	line_printf(l, "epoll %d of pid %u (", s->epfd, s->pid);
	line_str_escaped(l, e->comm);
	line_printf(l, "): %llu waits (%llu returned nothing), avg %.3f ms, max %.3f ms; "
		    "%llu events delivered; %llu warnings",
		    (unsigned long long)s->waits, (unsigned long long)s->empty_waits,
		    s->waits ? s->wait_total_ns / (double)NS_PER_MS / s->waits : 0.0, s->wait_max_ns / (double)NS_PER_MS,
		    (unsigned long long)s->delivered, (unsigned long long)s->warnings);
	render_emit(r);
	line_reset(l);
	line_printf(l, "%6s %-44s %6s %6s %9s %10s %21s %8s", "fd", "what", "adds", "mods",
		    "ready", "delivered", "ready->wait avg/max", "warnings");
	render_emit(r);
	for (size_t i = 0; i < e->nrows; i++) {
		const struct reg *t = e->rows[i].totals;
		struct line what = { 0 };
		char lat[48] = "-";

		if (t->ready_latency_n)
			snprintf(lat, sizeof(lat), "%llu/%llu us",
				 (unsigned long long)(t->ready_latency_total_ns / t->ready_latency_n / 1000),
				 (unsigned long long)(t->ready_latency_max_ns / 1000));
		line_str_escaped(&what, e->rows[i].what ? e->rows[i].what : "?");
		line_reset(l);
		line_printf(l, "%6d %-44.44s %6llu %6llu %9llu %10llu %21s %8llu", e->rows[i].fd,
			    what.buf, (unsigned long long)t->adds, (unsigned long long)t->mods,
			    (unsigned long long)t->readies, (unsigned long long)t->deliveries, lat,
			    (unsigned long long)t->warnings);
		line_free(&what);
		render_emit(r);
	}
}

static void print_summary_lost(struct renderer *r, const struct event *ev)
{
	const uint64_t *d = ev->summary_lost;

	line_reset(&r->line);
	line_printf(&r->line, "epolltrace: -c: the kernel's tables were full: %llu waits, %llu "
		    "deliveries and %llu readiness callbacks were not counted",
		    (unsigned long long)d[ST_WAITS], (unsigned long long)d[ST_DELIVERIES],
		    (unsigned long long)d[ST_READIES]);
	render_emit(r);
}

static void print_set_begin(struct renderer *r, const struct event *ev)
{
	line_reset(&r->line);
	line_str(&r->line, "epoll ");
	fd_arg(r, ev->pid, ev->set_epfd);
	line_printf(&r->line, " of pid %u:", ev->pid);
	render_emit(r);
}

static void print_set_item(struct renderer *r, const struct event *ev)
{
	const struct set_item_event *e = &ev->set_item;
	const struct scanned_item *it = e->item;
	struct line *l = &r->line;
	struct line what = { 0 };

	line_str_escaped(&what, e->what ? e->what : "?");
	line_reset(l);
	line_printf(l, "  %6d %-40s ", it->tfd, what.buf);
	line_free(&what);
	line_events(l, it->events);
	line_str(l, " data=");
	line_hex(l, it->data);
	if (ep_oneshot_disarmed(it->events))
		line_str(l, " (ONESHOT fired: disarmed until EPOLL_CTL_MOD)");
	if (e->stale) {
		line_str(l, "  STALE: ");
		line_str(l, e->stale);
	} else if (e->unprobed) {
		line_str(l, "  (readiness unknown: not probed)");
	} else if (e->ready) {
		line_str(l, "  ready now: ");
		line_events(l, (uint16_t)e->backlog->revents | (e->backlog->readable ? EP_IN : 0));
		if (e->queued[0]) {
			line_str(l, "; ");
			line_str(l, e->queued);
		}
	}
	if (e->verdict) {
		line_str(l, "  ");
		line_str(l, e->verdict);
	}
	render_emit(r);
}

static void print_sets(struct renderer *r, const struct event *ev)
{
	const struct sets_event *e = &ev->sets;
	struct line *l = &r->line;

	line_reset(l);
	if (e->nsets == 0) {
		line_printf(l, "pid %u has no epoll sets", ev->pid);
		render_emit(r);
		line_reset(l);
	}
	line_printf(l, "pid %u: %d epoll sets, %lld items; user %u holds %lld epoll watches "
		    "of fs.epoll.max_user_watches = %lld (%.1f%%)", ev->pid, e->nsets, e->items,
		    e->uid, e->user_watches, e->max_user_watches,
		    e->max_user_watches > 0 ? 100.0 * e->user_watches / e->max_user_watches : 0.0);
	render_emit(r);
}

/* The census (--sets -a): a line per process, a line per stale
 * registration under it, then the biggest sets, the rankings, the users
 * and the totals. */
#define CENSUS_SETS_NAMED 16	/* a process's sets named on its line */

static void print_census_proc(struct renderer *r, const struct event *ev)
{
	const struct census_proc_event *e = &ev->census_proc;
	struct line *l = &r->line;

	line_reset(l);
	who(l, ev->pid, render_comm(r, ev));
	line_printf(l, " uid %u: %d epoll set%s, %lld item%s (", e->uid, e->nsets,
		    e->nsets == 1 ? "" : "s", e->items, e->items == 1 ? "" : "s");
	for (int i = 0; i < e->nsets && i < CENSUS_SETS_NAMED; i++) {
		line_printf(l, "%sepoll %d: %lld", i ? ", " : "", e->sets[i].epfd, e->sets[i].items);
		if (e->sets[i].shared_with)
			line_printf(l, " shared, counted for %u", e->sets[i].shared_with);
	}
	if (e->nsets > CENSUS_SETS_NAMED)
		line_printf(l, " and %d more sets", e->nsets - CENSUS_SETS_NAMED);
	line_append(l, ")", 1);
	if (e->oneshot_disarmed)
		line_printf(l, "; %lld ONESHOT item%s fired and disarmed", e->oneshot_disarmed,
			    e->oneshot_disarmed == 1 ? "" : "s");
	if (e->stale)
		line_printf(l, "; %lld stale registration%s", e->stale, e->stale == 1 ? "" : "s");
	render_emit(r);
}

static void print_census_stale(struct renderer *r, const struct event *ev)
{
	const struct census_stale_event *e = &ev->census_stale;

	line_reset(&r->line);
	line_printf(&r->line, "    STALE: epoll %d, fd %d: %s", e->epfd, e->fd, e->reason);
	render_emit(r);
}

static void print_census_top(struct renderer *r, const struct event *ev)
{
	const struct census_top_event *e = &ev->census_top;
	struct line *l = &r->line;

	line_reset(l);
	line_str(l, e->n ? "biggest epoll sets:" : "biggest epoll sets: none");
	render_emit(r);
	for (int i = 0; i < e->n; i++) {
		line_reset(l);
		line_printf(l, "  %2d. epoll %d of ", i + 1, e->sets[i].epfd);
		who(l, e->sets[i].pid, e->sets[i].comm);
		line_printf(l, ": %lld item%s", e->sets[i].items, e->sets[i].items == 1 ? "" : "s");
		render_emit(r);
	}
}

static void holders_list(struct line *l, const struct watch_holder *top, int n)
{
	for (int i = 0; i < n; i++) {
		line_append(l, i ? ", " : " ", i ? 2 : 1);
		who(l, top[i].pid, top[i].comm);
		line_printf(l, " %lld", top[i].watches);
	}
}

static void print_census_rank(struct renderer *r, const struct event *ev)
{
	const struct census_rank_event *e = &ev->census_rank;
	bool oneshot = !strcmp(e->what, "oneshot_disarmed");
	struct line *l = &r->line;

	line_reset(l);
	line_str(l, oneshot ? "ONESHOT items fired and disarmed: " : "stale registrations: ");
	if (!e->total) {
		line_str(l, "none");
	} else {
		line_printf(l, "%lld in %lld process%s; most in", e->total, e->processes,
			    e->processes == 1 ? "" : "es");
		holders_list(l, e->top, e->n);
	}
	render_emit(r);
}

static void print_census_user(struct renderer *r, const struct event *ev)
{
	const struct census_user_event *e = &ev->census_user;
	long long held = e->all_watches >= 0 ? e->all_watches : e->watches;
	struct line *l = &r->line;

	line_reset(l);
	line_printf(l, "uid %u: %lld epoll watches in %lld process%s", e->uid, e->watches,
		    e->processes, e->processes == 1 ? "" : "es");
	if (e->all_watches >= 0)
		line_printf(l, " of the target, %lld in all its processes", e->all_watches);
	if (e->max_user_watches > 0)
		line_printf(l, ", of fs.epoll.max_user_watches = %lld (%.1f%%)", e->max_user_watches,
			    100.0 * held / e->max_user_watches);
	if (e->n) {
		line_str(l, e->all_watches >= 0 ? "; biggest holders of all its processes:"
						 : "; biggest holders:");
		holders_list(l, e->top, e->n);
	}
	render_emit(r);
}

static void print_census(struct renderer *r, const struct event *ev)
{
	const struct census_event *e = &ev->census;
	struct line *l = &r->line;

	line_reset(l);
	line_str(l, "census of ");
	line_str_escaped(l, e->target);
	line_printf(l, ": %lld process%s with epoll sets (of %lld looked at), %lld sets",
		    e->processes, e->processes == 1 ? "" : "es", e->scanned, e->sets);
	if (e->shared)
		line_printf(l, " (and %lld held by another process too, counted there)", e->shared);
	line_printf(l, ", %lld items, %lld ONESHOT items fired and disarmed, %lld stale registrations",
		    e->items, e->oneshot_disarmed, e->stale);
	if (e->vanished)
		line_printf(l, "; %lld process%s vanished during the scan", e->vanished,
			    e->vanished == 1 ? "" : "es");
	if (e->unreadable)
		line_printf(l, "; %lld could not be read (not counted)", e->unreadable);
	line_printf(l, "; %.3f s", e->duration_us / 1e6);
	render_emit(r);
}

const struct render_ops render_text_ops = {
	.name = "text",
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
		[EVK_SET_BEGIN] = print_set_begin,
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
