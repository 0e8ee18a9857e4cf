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
#include "fd_desc.h"
#include "options.h"
#include "output.h"
#include "summary.h"
#include "trace_events.h"
#include "tracer.h"

/* Merge the kernel's -c counters into the user-space sets. */
static void fold_kernel_counts(struct tracer *t)
{
	int waits = bpf_map__fd(t->skel->maps.wait_totals);
	int deliveries = bpf_map__fd(t->skel->maps.delivery_counts);
	int readies = bpf_map__fd(t->skel->maps.ready_counts);
	struct ep_owner wk, *wprev = NULL;
	struct deliver_key dk, *dprev = NULL;
	struct ready_key rk, *rprev = NULL;

	while (bpf_map_get_next_key(waits, wprev, &wk) == 0) {
		struct wait_stats st;
		struct epset *s;

		wprev = &wk;
		if (bpf_map_lookup_elem(waits, &wk, &st))
			continue;
		s = epset_get(wk.pid, wk.epfd);
		s->waits += st.calls;
		s->empty_waits += st.empty;
		s->wait_total_ns += st.total_ns;
		if (st.max_ns > s->wait_max_ns)
			s->wait_max_ns = st.max_ns;
		s->delivered += st.delivered;
	}
	while (bpf_map_get_next_key(deliveries, dprev, &dk) == 0) {
		struct epset *s;
		struct reg *r;
		uint64_t n;

		dprev = &dk;
		if (bpf_map_lookup_elem(deliveries, &dk, &n))
			continue;
		s = epset_get(dk.pid, dk.epfd);
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
		s = epset_get(rk.pid, rk.epfd);
		r = reg_find(s, rk.fd);
		if (!r)
			r = hashmap_get(&s->retired, (uint32_t)rk.fd);
		if (!r)
			r = reg_add(s, rk.fd, 0, 0);
		r->readies += n;
	}
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Every fd the set ever held, sorted. */
static int *set_fds(struct epset *s, size_t *n)
{
	size_t cap = s->by_fd.len + s->retired.len + 1, used = 0;
	int *fds = malloc(cap * sizeof(*fds));
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &v);)
		fds[used++] = (int)k;
	for (size_t i = 0; hashmap_next(&s->retired, &i, &k, &v);)
		if (!reg_find(s, (int)k))
			fds[used++] = (int)k;
	qsort(fds, used, sizeof(*fds), cmp_int);
	*n = used;
	return fds;
}

static void print_set_text(struct epset *s)
{
	struct proc *p = proc_find(s->pid);
	size_t n;
	int *fds = set_fds(s, &n);
	char b[300];

	fprintf(trace_out, "\nepoll %d of pid %u (%s): %llu waits (%llu returned nothing), "
		"avg %.3f ms, max %.3f ms; %llu events delivered; %llu warnings\n",
		s->epfd, s->pid, p ? p->comm : "?", (unsigned long long)s->waits,
		(unsigned long long)s->empty_waits,
		s->waits ? s->wait_total_ns / 1e6 / s->waits : 0.0, s->wait_max_ns / 1e6,
		(unsigned long long)s->delivered, (unsigned long long)s->warnings);
	fprintf(trace_out, "%6s %-44s %6s %6s %9s %10s %21s %8s\n", "fd", "what", "adds",
		"mods", "ready", "delivered", "ready->wait avg/max", "warnings");
	for (size_t i = 0; i < n; i++) {
		struct reg t;
		const char *d = fd_desc(s->pid, fds[i]);
		char lat[48] = "-";

		reg_totals(s, fds[i], &t);
		if (t.ready_latency_n)
			snprintf(lat, sizeof(lat), "%llu/%llu us",
				 (unsigned long long)(t.ready_latency_total_ns / t.ready_latency_n / 1000),
				 (unsigned long long)(t.ready_latency_max_ns / 1000));
		snprintf(b, sizeof(b), "%s", d ? d : "?");
		fprintf(trace_out, "%6d %-44.44s %6llu %6llu %9llu %10llu %21s %8llu\n", fds[i], b,
			(unsigned long long)t.adds, (unsigned long long)t.mods,
			(unsigned long long)t.readies, (unsigned long long)t.deliveries, lat,
			(unsigned long long)t.warnings);
	}
	free(fds);
}

static void print_set_json(struct epset *s)
{
	size_t n;
	int *fds = set_fds(s, &n);
	struct line l;

	line_head(&l, "summary", monotonic_ns(), s->pid, 0, NULL);
	json_kv_int(&l, "epfd", s->epfd);
	json_kv_int(&l, "waits", s->waits);
	json_kv_int(&l, "empty_waits", s->empty_waits);
	json_kv_double(&l, "wait_avg_us", s->waits ? s->wait_total_ns / 1e3 / s->waits : 0.0, 3);
	json_kv_double(&l, "wait_max_us", s->wait_max_ns / 1e3, 3);
	json_kv_int(&l, "delivered", s->delivered);
	json_kv_int(&l, "warnings", s->warnings);
	json_key(&l, "fds");
	json_open(&l, '[');
	for (size_t i = 0; i < n; i++) {
		const char *d = fd_desc(s->pid, fds[i]);
		struct reg t;

		reg_totals(s, fds[i], &t);
		json_open(&l, '{');
		json_kv_int(&l, "fd", fds[i]);
		if (d)
			json_kv_str(&l, "what", d);
		json_kv_events(&l, "events", t.events);
		json_kv_hex(&l, "data", t.data);
		json_kv_int(&l, "adds", t.adds);
		json_kv_int(&l, "mods", t.mods);
		json_kv_int(&l, "ready", t.readies);
		json_kv_int(&l, "delivered", t.deliveries);
		if (t.ready_latency_n) {
			json_kv_double(&l, "ready_to_delivery_avg_us",
				       t.ready_latency_total_ns / 1e3 / t.ready_latency_n, 3);
			json_kv_double(&l, "ready_to_delivery_max_us", t.ready_latency_max_ns / 1e3, 3);
		}
		json_kv_int(&l, "warnings", t.warnings);
		json_close(&l, '}');
	}
	json_close(&l, ']');
	json_close(&l, '}');
	line_emit(&l);
	free(fds);
}

static void print_set(struct epset *s, void *arg)
{
	if (opts.filter_epfd >= 0 && s->epfd != opts.filter_epfd)
		return;
	if (opts.json)
		print_set_json(s);
	else
		print_set_text(s);
}

void summary_print(struct tracer *t)
{
	fold_kernel_counts(t);
	epset_each(print_set, NULL);
}
