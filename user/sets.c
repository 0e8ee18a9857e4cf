/* --sets -p PID: the epoll sets of live processes, as the kernel has them
 * (/proc/PID/fdinfo), each item probed for readiness through a copy of
 * the fd, and the user's watch count against fs.epoll.max_user_watches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "decode.h"
#include "epoll_state.h"
#include "fd_desc.h"
#include "fd_probe.h"
#include "options.h"
#include "output.h"
#include "proc_scan.h"
#include "procs.h"
#include "sets.h"
#include "trace_events.h"

#define ONESHOT_BIT (1u << 30)
#define ET_BIT (1u << 31)
#define EXCLUSIVE_BIT (1u << 28)

/* One registration of the set being dumped, and what probing it found. */
struct probed_item {
	struct scanned_item it;
	struct fd_backlog backlog;
	int gone;		/* the fd could not be copied: closed */
};

struct sets_ctx {
	uint32_t pid;
	int pidfd;
	long long items;
	struct probed_item *set;	/* the current set's items */
	size_t n, cap;
};

/* ONESHOT items that fired keep only their private bits. */
static bool disarmed(uint32_t events)
{
	return (events & ONESHOT_BIT) && !(events & ~0xf0000000u);
}

static const char *stale_state(const struct scanned_item *it,
			       const struct fd_backlog *b, int probed)
{
	if (probed)
		return "fd closed; the file is still open elsewhere";
	if (it->ino && b->ino != it->ino)
		return "fd now names another file";
	return NULL;
}

static void on_set(uint32_t pid, int epfd, void *arg)
{
	struct sets_ctx *c = arg;
	struct line l;
	char b[300];

	c->n = 0;
	line_reset(&l);
	if (opts.json)
		return;
	line_printf(&l, "epoll %s of pid %u:", fd_text(pid, epfd, b, sizeof(b)), pid);
	line_emit(&l);
}

static void on_item(uint32_t pid, int epfd, const struct scanned_item *it, void *arg)
{
	struct sets_ctx *c = arg;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->set = realloc(c->set, c->cap * sizeof(*c->set));
		if (!c->set)
			abort();
	}
	c->set[c->n++].it = *it;
}

static void probe_set(struct sets_ctx *c)
{
	int *fds = malloc(c->n * sizeof(*fds) + 1), *gone = malloc(c->n * sizeof(*gone) + 1);
	uint32_t *events = malloc(c->n * sizeof(*events) + 1);
	struct fd_backlog *out = malloc(c->n * sizeof(*out) + 1);

	if (!fds || !gone || !events || !out)
		abort();
	for (size_t i = 0; i < c->n; i++) {
		fds[i] = c->set[i].it.tfd;
		events[i] = c->set[i].it.events;
	}
	fd_probe_many(c->pid, c->pidfd, fds, events, c->n, out, gone);
	for (size_t i = 0; i < c->n; i++) {
		c->set[i].backlog = out[i];
		c->set[i].gone = gone[i];
	}
	free(fds);
	free(gone);
	free(events);
	free(out);
}

static void print_item(uint32_t pid, int epfd, const struct scanned_item *it,
		       const struct fd_backlog *backlog, int gone)
{
	struct fd_backlog bl = *backlog;
	const char *stale = stale_state(it, &bl, gone);
	const char *what = stale && gone ? NULL : fd_desc(pid, it->tfd);
	/* A fired ONESHOT item has no poll bits left: its input side counts. */
	bool ready = !stale && ((bl.revents & ~0x20 /* POLLNVAL */) || bl.readable);
	char ev[256], queued[96] = "";
	struct line l;

	if (!stale && bl.readable)
		fd_backlog_text(&bl, queued, sizeof(queued));
	line_reset(&l);
	if (opts.json) {
		line_head(&l, "set_item", monotonic_ns(), pid, 0, NULL);
		json_kv_int(&l, "epfd", epfd);
		json_kv_int(&l, "fd", it->tfd);
		if (what)
			json_kv_str(&l, "what", what);
		json_kv_events(&l, "events", it->events);
		json_kv_hex(&l, "data", it->data);
		json_kv_bool(&l, "edge_triggered", it->events & ET_BIT);
		if (it->events & ONESHOT_BIT)
			json_kv_str(&l, "oneshot", disarmed(it->events) ? "disarmed" : "armed");
		json_kv_bool(&l, "exclusive", it->events & EXCLUSIVE_BIT);
		if (stale)
			json_kv_null(&l, "ready");
		else
			json_kv_events(&l, "ready", (uint16_t)bl.revents | (bl.readable ? 0x1 : 0));
		if (!stale && bl.bytes >= 0)
			json_kv_int(&l, "bytes_queued", bl.bytes);
		if (!stale && bl.count >= 0)
			json_kv_int(&l, "eventfd_count", bl.count);
		if (stale)
			json_kv_str(&l, "stale", stale);
		json_close(&l, '}');
		line_emit(&l);
		return;
	}
	line_printf(&l, "  %6d %-40s %s data=0x%llx", it->tfd, what ? what : "?",
		    epoll_events_str(it->events, ev, sizeof(ev)), (unsigned long long)it->data);
	if (disarmed(it->events))
		line_printf(&l, " (ONESHOT fired: disarmed until EPOLL_CTL_MOD)");
	if (stale)
		line_printf(&l, "  STALE: %s", stale);
	else if (ready)
		line_printf(&l, "  ready now: %s%s%s",
			    epoll_events_str((uint16_t)bl.revents | (bl.readable ? 0x1 : 0), ev, sizeof(ev)),
			    queued[0] ? "; " : "", queued);
	line_emit(&l);
}

static void on_set_end(uint32_t pid, int epfd, void *arg)
{
	struct sets_ctx *c = arg;

	probe_set(c);
	for (size_t i = 0; i < c->n; i++)
		print_item(pid, epfd, &c->set[i].it, &c->set[i].backlog, c->set[i].gone);
	c->items += c->n;
}

static int dump_pid(uint32_t pid)
{
	struct sets_ctx c = { .pid = pid, .pidfd = open_pidfd(pid) };
	struct scan_callbacks cb = { on_set, on_item, on_set_end, &c };
	unsigned int uid = proc_uid(pid);
	long long limit = epoll_max_user_watches(), total;
	struct watch_holder top[1];
	struct line l;
	int nsets;

	proc_read_comm(pid);
	if (c.pidfd < 0)
		fprintf(stderr, "epolltrace: cannot open pid %u for probing: readiness not shown\n", pid);
	nsets = scan_epoll_sets(pid, &cb);
	if (nsets < 0) {
		fprintf(stderr, "epolltrace: cannot read /proc/%u/fd\n", pid);
		return -1;
	}
	total = user_epoll_watches(uid, top, 1, pid, c.items);
	line_reset(&l);
	if (opts.json) {
		line_head(&l, "sets", monotonic_ns(), pid, 0, NULL);
		json_kv_int(&l, "sets", nsets);
		json_kv_int(&l, "items", c.items);
		json_kv_int(&l, "uid", uid);
		json_kv_int(&l, "user_watches", total);
		json_kv_int(&l, "max_user_watches", limit);
		json_close(&l, '}');
	} else {
		if (nsets == 0)
			line_printf(&l, "pid %u has no epoll sets\n", pid);
		line_printf(&l, "pid %u: %d epoll sets, %lld items; user %u holds %lld epoll watches "
			    "of fs.epoll.max_user_watches = %lld (%.1f%%)", pid, nsets, c.items, uid,
			    total, limit, limit > 0 ? 100.0 * total / limit : 0.0);
	}
	line_emit(&l);
	if (c.pidfd >= 0)
		close(c.pidfd);
	free(c.set);
	return 0;
}

int sets_main(const uint32_t *pids, int npids)
{
	int rc = 0;

	trace_start_ns = monotonic_ns();
	if (geteuid() != 0)
		fprintf(stderr, "epolltrace: not root: other users' processes cannot be probed\n");
	for (int i = 0; i < npids; i++) {
		uint32_t tgid = pid_to_tgid(pids[i]);

		if (!tgid || dump_pid(tgid))
			rc = 1;
	}
	fflush(trace_out);
	return rc;
}
