#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "epoll_state.h"

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "epolltrace: out of memory\n");
		exit(1);
	}
	return p;
}

static void xput(struct hashmap *m, uint64_t key, void *val)
{
	if (hashmap_put(m, key, val)) {
		fprintf(stderr, "epolltrace: out of memory\n");
		exit(1);
	}
}

struct proc *proc_find(const struct state *st, uint32_t pid)
{
	return hashmap_get(&st->procs, pid);
}

struct proc *proc_get(struct state *st, uint32_t pid)
{
	struct proc *p = proc_find(st, pid);

	if (p)
		return p;
	p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	p->pidfd = -1;
	xput(&st->procs, pid, p);
	return p;
}

void proc_read_comm(struct state *st, uint32_t pid)
{
	struct proc *p = proc_get(st, pid);
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

void proc_set_comm(struct state *st, uint32_t pid, const char *comm)
{
	struct proc *p = proc_get(st, pid);

	snprintf(p->comm, sizeof(p->comm), "%.15s", comm);
}

size_t procs_alive(const struct state *st)
{
	size_t n = 0;
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&st->procs, &i, &k, &v);)
		n += !((struct proc *)v)->exited;
	return n;
}

void proc_each(struct state *st, void (*fn)(struct proc *, void *), void *arg)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&st->procs, &i, &k, &v);)
		fn(v, arg);
}

size_t state_registrations(const struct state *st)
{
	size_t n = 0;
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&st->procs, &i, &k, &v);)
		if (!((struct proc *)v)->exited)
			n += ((struct proc *)v)->registrations;
	return n;
}

struct epset *epset_find(const struct state *st, uint32_t pid, int epfd)
{
	struct proc *p = proc_find(st, pid);
	struct epset *s;

	if (!p)
		return NULL;
	s = hashmap_get(&p->sets, (uint32_t)epfd);
	return s ? s : hashmap_get(&p->aliases, (uint32_t)epfd);
}

void epset_alias(struct state *st, uint32_t pid, int epfd, struct epset *s)
{
	xput(&proc_get(st, pid)->aliases, (uint32_t)epfd, s);
}

struct epset *epset_get(struct state *st, uint32_t pid, int epfd)
{
	struct epset *s = epset_find(st, pid, epfd);

	if (s)
		return s;
	s = xcalloc(1, sizeof(*s));
	s->pid = pid;
	s->epfd = epfd;
	s->st = st;
	s->proc = proc_get(st, pid);
	xput(&s->proc->sets, (uint32_t)epfd, s);
	return s;
}

/* A live registration joins (or leaves) the list of its fd's. */
static void link_of_fd(struct reg *r)
{
	struct proc *p = r->set->proc;

	r->prev_of_fd = NULL;
	r->next_of_fd = hashmap_get(&p->regs_by_fd, (uint32_t)r->fd);
	if (r->next_of_fd)
		r->next_of_fd->prev_of_fd = r;
	xput(&p->regs_by_fd, (uint32_t)r->fd, r);
	p->registrations++;
	r->set->st->registrations++;
}

static void unlink_of_fd(struct reg *r)
{
	struct proc *p = r->set->proc;

	if (r->next_of_fd)
		r->next_of_fd->prev_of_fd = r->prev_of_fd;
	if (r->prev_of_fd)
		r->prev_of_fd->next_of_fd = r->next_of_fd;
	else if (r->next_of_fd)
		xput(&p->regs_by_fd, (uint32_t)r->fd, r->next_of_fd);
	else
		hashmap_del(&p->regs_by_fd, (uint32_t)r->fd);
	r->prev_of_fd = r->next_of_fd = NULL;
	p->registrations--;
	r->set->st->registrations--;
}

struct reg *regs_of_fd(const struct state *st, uint32_t pid, int fd)
{
	struct proc *p = proc_find(st, pid);

	return p ? hashmap_get(&p->regs_by_fd, (uint32_t)fd) : NULL;
}

static void epset_free(struct epset *s)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&s->by_fd, &i, &k, &v);) {
		unlink_of_fd(v);
		free(v);
	}
	for (size_t i = 0; hashmap_next(&s->retired, &i, &k, &v);)
		free(v);
	hashmap_free(&s->retired);
	hashmap_free(&s->by_fd);
	hashmap_free(&s->by_data);
	free(s);
}

void epset_drop(struct state *st, uint32_t pid, int epfd)
{
	struct proc *p = proc_find(st, pid);
	uint64_t k;
	void *v;
	struct epset *s;

	if (!p || hashmap_del(&p->aliases, (uint32_t)epfd))
		return;
	if (st->keep_closed) {
		/* The kernel freed its items: only their counters stay. */
		s = hashmap_get(&p->sets, (uint32_t)epfd);
		for (size_t i = 0; s && hashmap_next(&s->by_fd, &i, &k, &v);)
			reg_del(s, ((struct reg *)v)->fd);
		return;
	}
	s = hashmap_del(&p->sets, (uint32_t)epfd);
	if (!s)
		return;
	for (size_t i = 0; hashmap_next(&p->aliases, &i, &k, &v);)
		if (v == s)
			hashmap_del(&p->aliases, k);
	epset_free(s);
}

struct each {
	void (*fn)(struct epset *, void *);
	void *arg;
};

static void each_of_proc(struct proc *p, const struct each *e)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&p->sets, &i, &k, &v);)
		e->fn(v, e->arg);
}

void epset_each(struct state *st, void (*fn)(struct epset *, void *), void *arg)
{
	struct each e = { fn, arg };
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&st->procs, &i, &k, &v);)
		each_of_proc(v, &e);
}

void epset_each_of(struct state *st, uint32_t pid, void (*fn)(struct epset *, void *), void *arg)
{
	struct proc *p = proc_find(st, pid);
	struct each e = { fn, arg };

	if (p)
		each_of_proc(p, &e);
}

struct reg *reg_find(const struct epset *s, int fd)
{
	return hashmap_get(&s->by_fd, (uint32_t)fd);
}

struct reg *reg_by_data(const struct epset *s, uint64_t data)
{
	return hashmap_get(&s->by_data, data);
}

struct reg *reg_add(struct epset *s, int fd, uint32_t events, uint64_t data)
{
	struct reg *r = reg_find(s, fd);

	if (!r && s->st->max_registrations && s->st->registrations >= s->st->max_registrations) {
		s->st->regs_dropped++;
		return NULL;
	}
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->fd = fd;
		r->set = s;
		xput(&s->by_fd, (uint32_t)fd, r);
		link_of_fd(r);
	} else if (reg_by_data(s, r->data) == r) {
		hashmap_del(&s->by_data, r->data);
	}
	r->events = events;
	r->data = data;
	xput(&s->by_data, data, r);
	return r;
}

static bool is_suspect(uint8_t state)
{
	return state == SUS_SUSPECT || state == SUS_HELD_BACK;
}

static bool is_edge_watched(uint8_t state)
{
	return is_suspect(state) || state == SUS_WARNED;
}

void reg_set_suspicion(struct epset *s, struct reg *r, uint8_t state)
{
	if ((r->sus.state == SUS_NONE) != (state == SUS_NONE))
		s->open_suspicions += state == SUS_NONE ? -1 : 1;
	if (is_suspect(r->sus.state) != is_suspect(state))
		s->suspects += is_suspect(state) ? 1 : -1;
	if (is_edge_watched(r->sus.state) != is_edge_watched(state))
		s->edge_watched += is_edge_watched(state) ? 1 : -1;
	r->sus.state = state;
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
	unlink_of_fd(r);
	reg_set_suspicion(s, r, SUS_NONE);
	if (reg_by_data(s, r->data) == r)
		hashmap_del(&s->by_data, r->data);
	/* Keep its counters for the summary (-c: nothing else reads them). */
	if (!s->st->keep_closed) {
		free(r);
		return;
	}
	old = hashmap_get(&s->retired, (uint32_t)fd);
	if (old) {
		add_counters(old, r);
		old->events = r->events;
		old->data = r->data;
		free(r);
	} else {
		xput(&s->retired, (uint32_t)fd, r);
	}
}

void reg_totals(const struct epset *s, int fd, struct reg *sum)
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

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int *epset_fds(const struct epset *s, size_t *n)
{
	size_t used = 0;
	int *fds = xcalloc(s->by_fd.count + s->retired.count + 1, sizeof(*fds));
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

struct fork_copy {
	struct state *st;
	uint32_t child;
};

static void copy_set(struct epset *s, void *arg)
{
	struct fork_copy *f = arg;
	struct epset *c = epset_get(f->st, f->child, s->epfd);
	uint64_t k;
	void *v;

	c->inherited = true;
	for (size_t j = 0; hashmap_next(&s->by_fd, &j, &k, &v);) {
		struct reg *r = v;

		reg_add(c, r->fd, r->events, r->data);
	}
}

/* The sets of `parent` at a fork, copied into the child's (the parent's
 * table is not touched while it is walked). */
void state_fork(struct state *st, uint32_t parent, uint32_t child)
{
	struct fork_copy f = { st, child };

	epset_each_of(st, parent, copy_set, &f);
}

static void proc_free(struct proc *p)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&p->sets, &i, &k, &v);)
		epset_free(v);
	hashmap_free(&p->sets);
	hashmap_free(&p->aliases);
	hashmap_free(&p->regs_by_fd);
	for (size_t i = 0; hashmap_next(&p->fd_desc, &i, &k, &v);)
		free(v);
	hashmap_free(&p->fd_desc);
	free(p);
}

void proc_drop(struct state *st, uint32_t pid)
{
	struct proc *p = hashmap_del(&st->procs, pid);

	if (p) {
		if (p->pidfd >= 0)
			close(p->pidfd);
		proc_free(p);
	}
}

size_t procs_count(const struct state *st)
{
	return st->procs.count;
}

void state_free(struct state *st)
{
	uint64_t k;
	void *v;

	for (size_t i = 0; hashmap_next(&st->procs, &i, &k, &v);)
		proc_free(v);
	hashmap_free(&st->procs);
}
