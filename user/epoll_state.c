#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "epoll_state.h"

static struct hashmap procs;	/* pid -> struct proc */
static struct hashmap sets;	/* pid<<32|epfd -> struct epset */

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		abort();
	return p;
}

struct proc *proc_find(uint32_t pid)
{
	return hashmap_get(&procs, pid);
}

struct proc *proc_get(uint32_t pid)
{
	struct proc *p = proc_find(pid);

	if (p)
		return p;
	p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	p->pidfd = -1;
	hashmap_put(&procs, pid, p);
	return p;
}

void proc_read_comm(uint32_t pid)
{
	struct proc *p = proc_get(pid);
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(p->comm, sizeof(p->comm), f))
		p->comm[strcspn(p->comm, "\n")] = 0;
	fclose(f);
}

void proc_each(void (*fn)(struct proc *, void *), void *arg)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&procs, &i, &k, &v);)
		fn(v, arg);
}

size_t procs_alive(void)
{
	size_t n = 0;
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&procs, &i, &k, &v);)
		n += !((struct proc *)v)->exited;
	return n;
}

struct epset *epset_find(uint32_t pid, int epfd)
{
	return hashmap_get(&sets, pair_key(pid, (uint32_t)epfd));
}

struct epset *epset_get(uint32_t pid, int epfd)
{
	struct epset *s = epset_find(pid, epfd);

	if (s)
		return s;
	s = xcalloc(1, sizeof(*s));
	s->pid = pid;
	s->epfd = epfd;
	hashmap_put(&sets, pair_key(pid, (uint32_t)epfd), s);
	return s;
}

static void epset_free(struct epset *s)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &v);)
		free(v);
	for (size_t i = 0; hashmap_next(&s->retired, &i, &k, &v);)
		free(v);
	hashmap_free(&s->retired);
	hashmap_free(&s->by_fd);
	hashmap_free(&s->by_data);
	free(s);
}

/* With -c a set's counters must outlive its close; a reused number then
 * adds to the same row of the summary. */
bool keep_closed_sets;

void epset_drop(uint32_t pid, int epfd)
{
	struct epset *s;

	if (keep_closed_sets)
		return;
	s = hashmap_del(&sets, pair_key(pid, (uint32_t)epfd));
	if (s)
		epset_free(s);
}

void epset_each(void (*fn)(struct epset *, void *), void *arg)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&sets, &i, &k, &v);)
		fn(v, arg);
}

struct reg *reg_find(struct epset *s, int fd)
{
	return hashmap_get(&s->by_fd, (uint32_t)fd);
}

struct reg *reg_by_data(struct epset *s, uint64_t data)
{
	return hashmap_get(&s->by_data, data);
}

struct reg *reg_add(struct epset *s, int fd, uint32_t events, uint64_t data)
{
	struct reg *r = reg_find(s, fd);

	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->fd = fd;
		hashmap_put(&s->by_fd, (uint32_t)fd, r);
	} else if (reg_by_data(s, r->data) == r) {
		hashmap_del(&s->by_data, r->data);
	}
	r->events = events;
	r->data = data;
	hashmap_put(&s->by_data, data, r);
	return r;
}

static void add_counters(struct reg *to, const struct reg *from)
{
	to->adds += from->adds;
	to->mods += from->mods;
	to->readies += from->readies;
	to->deliveries += from->deliveries;
	to->ready_latency_total_ns += from->ready_latency_total_ns;
	to->ready_latency_n += from->ready_latency_n;
	if (from->ready_latency_max_ns > to->ready_latency_max_ns)
		to->ready_latency_max_ns = from->ready_latency_max_ns;
	to->warnings += from->warnings;
}

void reg_del(struct epset *s, int fd)
{
	struct reg *r = hashmap_del(&s->by_fd, (uint32_t)fd);
	struct reg *old;

	if (!r)
		return;
	if (reg_by_data(s, r->data) == r)
		hashmap_del(&s->by_data, r->data);
	/* Keep its counters for the summary. */
	old = hashmap_get(&s->retired, (uint32_t)fd);
	if (old) {
		add_counters(old, r);
		old->events = r->events;
		old->data = r->data;
		free(r);
	} else {
		hashmap_put(&s->retired, (uint32_t)fd, r);
	}
}

void reg_totals(struct epset *s, int fd, struct reg *sum)
{
	struct reg *live = reg_find(s, fd), *old = hashmap_get(&s->retired, (uint32_t)fd);

	memset(sum, 0, sizeof(*sum));
	sum->fd = fd;
	if (old) {
		add_counters(sum, old);
		sum->events = old->events;
		sum->data = old->data;
	}
	if (live) {
		add_counters(sum, live);
		sum->events = live->events;
		sum->data = live->data;
	}
}

struct fork_copy {
	uint32_t parent, child;
};

static void copy_set(struct epset *s, void *arg)
{
	struct fork_copy *fc = arg;
	struct epset *c;
	uint64_t k;
	void *v;

	if (s->pid != fc->parent)
		return;
	c = epset_get(fc->child, s->epfd);
	c->inherited = true;
	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &v);) {
		struct reg *r = v;

		reg_add(c, r->fd, r->events, r->data);
	}
}

void state_fork(uint32_t parent, uint32_t child)
{
	struct fork_copy fc = { parent, child };
	struct epset **list = NULL;
	size_t n = 0;
	uint64_t k;
	void *v;

	/* Copy from a snapshot: adding sets while iterating could rehash. */
	for (size_t i = 0; hashmap_next(&sets, &i, &k, &v);) {
		list = realloc(list, (n + 1) * sizeof(*list));
		list[n++] = v;
	}
	for (size_t i = 0; i < n; i++)
		copy_set(list[i], &fc);
	free(list);
}
