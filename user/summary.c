/* -c: per epoll set, per fd: registrations, readiness, deliveries, waits
 * and their latency, warnings.  With -c the kernel side counts waits,
 * deliveries and readiness in maps instead of sending each call; the
 * counts are merged here with what user space saw (registrations). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "epolltrace.skel.h"
#include "epoll_state.h"
#include "event.h"
#include "fd_desc.h"
#include "render.h"
#include "summary.h"
#include "tracer.h"

/* Merge the kernel's -c counters into the user-space sets. */
struct summary_ctx {
	struct state *st;
	struct renderer *out;
	int filter_epfd;
	uint64_t now_ns;
};

static void fold_kernel_counts(struct tracer *t, struct state *st)
{
	int waits = bpf_map__fd(t->skel->maps.wait_totals);
	int deliveries = bpf_map__fd(t->skel->maps.delivery_counts);
	int readies = bpf_map__fd(t->skel->maps.ready_counts);
	struct ep_owner wk, *wprev = NULL;
	struct deliver_key dk, *dprev = NULL;
	struct ready_key rk, *rprev = NULL;

	while (bpf_map_get_next_key(waits, wprev, &wk) == 0) {
		struct wait_stats ws;
		struct epset *s;

		wprev = &wk;
		if (bpf_map_lookup_elem(waits, &wk, &ws))
			continue;
		s = epset_get(st, wk.pid, wk.epfd);
		s->waits += ws.calls;
		s->empty_waits += ws.empty;
		s->wait_total_ns += ws.total_ns;
		if (ws.max_ns > s->wait_max_ns)
			s->wait_max_ns = ws.max_ns;
		s->delivered += ws.delivered;
	}
	while (bpf_map_get_next_key(deliveries, dprev, &dk) == 0) {
		struct epset *s;
		struct reg *r;
		uint64_t n;

		dprev = &dk;
		if (bpf_map_lookup_elem(deliveries, &dk, &n))
			continue;
		s = epset_get(st, dk.pid, dk.epfd);
		r = reg_by_data(s, dk.data);
		if (!r) {
			/* Delivered under data no live registration carries now:
			 * removed since; count it on the removed item with that data. */
			uint64_t k;
			void *v;

			for (size_t i = 0; hashmap_next(&s->retired, &i, &k, &v);)
				if (((struct reg *)v)->data == dk.data) {
					r = v;
					break;
				}
		}
		if (r)
			r->deliveries += n;
	}
	while (bpf_map_get_next_key(readies, rprev, &rk) == 0) {
		struct epset *s;
		struct reg *r;
		uint64_t n;

		rprev = &rk;
		if (bpf_map_lookup_elem(readies, &rk, &n))
			continue;
		s = epset_get(st, rk.pid, rk.epfd);
		r = reg_find(s, rk.fd);
		if (!r)
			r = hashmap_get(&s->retired, (uint32_t)rk.fd);
		if (!r)
			r = reg_add(s, rk.fd, 0, 0);
		if (r)
			r->readies += n;
	}
}

/* The summary of one set: a row per fd it ever held. */
static void summarise_set(struct epset *s, void *arg)
{
	struct summary_ctx *c = arg;
	struct event ev = { .kind = EVK_SUMMARY, .ts_ns = c->now_ns, .pid = s->pid };
	struct proc *p = proc_find(c->st, s->pid);
	struct summary_row *rows;
	struct reg *totals;
	size_t n;
	int *fds;

	if (c->filter_epfd >= 0 && s->epfd != c->filter_epfd)
		return;
	fds = epset_fds(s, &n);
	rows = calloc(n + 1, sizeof(*rows));
	totals = calloc(n + 1, sizeof(*totals));
	if (!rows || !totals) {
		fprintf(stderr, "epolltrace: out of memory for the summary of epoll %d of pid %u\n",
			s->epfd, s->pid);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		reg_totals(s, fds[i], &totals[i]);
		rows[i] = (struct summary_row){ fds[i], fd_desc(c->st, s->pid, fds[i]), &totals[i] };
	}
	ev.summary = (struct summary_event){ s, p ? p->comm : "?", rows, n };
	render(c->out, &ev);
out:
	free(rows);
	free(totals);
	free(fds);
}

void summary_print(struct tracer *t, struct state *st, struct renderer *out, int filter_epfd,
		   uint64_t now_ns)
{
	struct summary_ctx c = { st, out, filter_epfd, now_ns };

	uint64_t dropped[ST_COUNT];
	struct event lost = { .kind = EVK_SUMMARY_LOST, .ts_ns = now_ns, .summary_lost = dropped };

	fold_kernel_counts(t, st);
	epset_each(st, summarise_set, &c);
	tracer_summary_dropped(t, dropped);
	if (dropped[ST_WAITS] || dropped[ST_DELIVERIES] || dropped[ST_READIES])
		render(out, &lost);
}
