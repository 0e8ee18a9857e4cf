/* --sets -a, --cgroup, --comm: the census of a target's epoll sets.
 *
 * Everything comes from /proc, so nothing is loaded into the kernel and
 * the fds are not copied (--sets -p probes each item's readiness through
 * a copy; a census does not).  For each process: its fd table once
 * (/proc/PID/fd: which fds are epoll sets, and for pipes and sockets the
 * inode each names, from the link), then each set's items
 * (/proc/PID/fdinfo/EPFD).  An item is stale when its fd is no longer
 * open, or names another file than the inode registered (the other files'
 * inodes are looked up, only for the fds registered, with fstatat).  A
 * fired ONESHOT item is one whose events have no poll bits left. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "census.h"
#include "clock.h"
#include "epoll_abi.h"
#include "event.h"
#include "proc_scan.h"
#include "procs.h"
#include "render.h"
#include "targets.h"

#define TOP_SETS 10		/* the biggest sets shown */
#define TOP_RANK 10		/* processes named per ranking */
#define TOP_HOLDERS 5		/* biggest holders named per user */

/* One fd of the process being read. */
struct fd_entry {
	int fd;
	bool epoll;
	bool ino_known;
	unsigned long ino;
};

struct stale_item {
	int epfd, fd;
	const char *reason;
};

struct census_user {
	unsigned int uid;
	long long watches, processes;
	struct watch_holder top[TOP_HOLDERS];
};

struct census {
	const struct target *t;
	struct renderer *out;
	/* the process being read */
	uint32_t pid;
	int fddir;			/* its /proc/PID/fd */
	struct fd_entry *fds;
	size_t nfds, fds_cap;
	struct census_set *sets;
	size_t nsets, sets_cap;
	struct stale_item *stale;
	size_t nstale, stale_cap;
	long long items, disarmed;
	/* the totals */
	struct census_event tot;
	int unreadable_errno;
	struct census_ranked_set top[TOP_SETS];
	int ntop;
	struct watch_holder oneshot_top[TOP_RANK], stale_top[TOP_RANK];
	long long oneshot_procs, stale_procs;
	struct census_user *users;
	size_t nusers, users_cap;
};

static void *grow(void *p, size_t *cap, size_t size)
{
	*cap = *cap ? *cap * 2 : 64;
	p = realloc(p, *cap * size);
	if (!p) {
		fprintf(stderr, "epolltrace: out of memory\n");
		exit(1);
	}
	return p;
}

/* "pipe:[1234]", "socket:[1234]": the inode number the link names. */
static bool link_ino(const char *link, unsigned long *ino)
{
	const char *b;
	char *end;

	if (strncmp(link, "pipe:[", 6) && strncmp(link, "socket:[", 8))
		return false;
	b = strchr(link, '[') + 1;
	*ino = strtoul(b, &end, 10);
	return end != b && end[0] == ']' && !end[1];
}

static int by_fd(const void *a, const void *b)
{
	return ((const struct fd_entry *)a)->fd - ((const struct fd_entry *)b)->fd;
}

/* The fd table of c->pid, from /proc/PID/fd; the number of epoll fds, or
 * -1 with errno set when the directory cannot be read. */
static int read_fd_table(struct census *c, DIR **dirp)
{
	char path[64], link[80];
	struct dirent *de;
	int nepoll = 0;
	bool sorted = true;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/fd", c->pid);
	d = opendir(path);
	if (!d)
		return -1;
	*dirp = d;
	c->fddir = dirfd(d);
	while ((de = readdir(d))) {
		struct fd_entry e = { 0 };
		char *end;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		e.fd = strtol(de->d_name, &end, 10);
		if (*end)
			continue;
		n = readlinkat(c->fddir, de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;	/* closed meanwhile */
		link[n] = 0;
		e.epoll = !strcmp(link, "anon_inode:[eventpoll]");
		e.ino_known = link_ino(link, &e.ino);
		nepoll += e.epoll;
		if (c->nfds == c->fds_cap)
			c->fds = grow(c->fds, &c->fds_cap, sizeof(*c->fds));
		if (c->nfds && c->fds[c->nfds - 1].fd > e.fd)
			sorted = false;
		c->fds[c->nfds++] = e;
	}
	if (!sorted)
		qsort(c->fds, c->nfds, sizeof(*c->fds), by_fd);
	return nepoll;
}

static struct fd_entry *fd_find(struct census *c, int fd)
{
	size_t lo = 0, hi = c->nfds;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->fds[mid].fd == fd)
			return &c->fds[mid];
		if (c->fds[mid].fd < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The same judgment as --sets -p (registration_stale()), from the fd
 * table instead of a copy of the fd. */
static const char *item_stale(struct census *c, const struct scanned_item *it)
{
	struct fd_entry *e = fd_find(c, it->tfd);
	char name[16];
	struct stat st;

	snprintf(name, sizeof(name), "%d", it->tfd);
	if (!e)		/* not open when the table was read: opened since? */
		return fstatat(c->fddir, name, &st, 0) ? registration_stale(false, 0, 0)
						       : registration_stale(true, it->ino, st.st_ino);
	if (!it->ino)
		return NULL;
	if (!e->ino_known) {
		if (fstatat(c->fddir, name, &st, 0))
			return NULL;	/* closed meanwhile: not judged */
		e->ino = st.st_ino;
		e->ino_known = true;
	}
	return registration_stale(true, it->ino, e->ino);
}

static void on_item(uint32_t pid, int epfd, const struct scanned_item *it, void *arg)
{
	struct census *c = arg;
	const char *stale = item_stale(c, it);

	c->sets[c->nsets - 1].items++;
	c->items++;
	if (ep_oneshot_disarmed(it->events))
		c->disarmed++;
	if (stale) {
		if (c->nstale == c->stale_cap)
			c->stale = grow(c->stale, &c->stale_cap, sizeof(*c->stale));
		c->stale[c->nstale++] = (struct stale_item){ epfd, it->tfd, stale };
	}
}

static void on_set(uint32_t pid, int epfd, void *arg)
{
	struct census *c = arg;

	if (c->nsets == c->sets_cap)
		c->sets = grow(c->sets, &c->sets_cap, sizeof(*c->sets));
	c->sets[c->nsets++] = (struct census_set){ .epfd = epfd };
}

static struct census_user *user_of(struct census *c, unsigned int uid)
{
	for (size_t i = 0; i < c->nusers; i++)
		if (c->users[i].uid == uid)
			return &c->users[i];
	if (c->nusers == c->users_cap)
		c->users = grow(c->users, &c->users_cap, sizeof(*c->users));
	c->users[c->nusers] = (struct census_user){ .uid = uid };
	return &c->users[c->nusers++];
}

static void rank_set(struct census *c, uint32_t pid, const char *comm, const struct census_set *s)
{
	int i;

	if (c->ntop < TOP_SETS)
		i = c->ntop++;
	else if (s->items > c->top[TOP_SETS - 1].items)
		i = TOP_SETS - 1;
	else
		return;
	/* sifted up; equal sizes keep their pid order */
	for (; i > 0 && c->top[i - 1].items < s->items; i--)
		c->top[i] = c->top[i - 1];
	c->top[i] = (struct census_ranked_set){ .pid = pid, .epfd = s->epfd, .items = s->items };
	snprintf(c->top[i].comm, sizeof(c->top[i].comm), "%s", comm);
}

static void read_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	comm[0] = 0;
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, len, f))
		comm[strcspn(comm, "\n")] = 0;
	fclose(f);
}

/* The process's sets are read: say them, and count them in. */
static void tell_process(struct census *c, unsigned int uid, const char *comm)
{
	uint64_t ts = monotonic_ns();
	struct event ev = { .kind = EVK_CENSUS_PROC, .ts_ns = ts, .pid = c->pid, .comm = comm };
	struct census_user *u = user_of(c, uid);

	ev.census_proc = (struct census_proc_event){
		.uid = uid, .sets = c->sets, .nsets = (int)c->nsets, .items = c->items,
		.oneshot_disarmed = c->disarmed, .stale = (long long)c->nstale,
	};
	render(c->out, &ev);
	for (size_t i = 0; i < c->nstale; i++) {
		struct event se = { .kind = EVK_CENSUS_STALE, .ts_ns = ts, .pid = c->pid,
				    .comm = comm };

		se.census_stale = (struct census_stale_event){
			c->stale[i].epfd, c->stale[i].fd, c->stale[i].reason };
		render(c->out, &se);
	}
	c->tot.processes++;
	c->tot.sets += c->nsets;
	c->tot.items += c->items;
	c->tot.oneshot_disarmed += c->disarmed;
	c->tot.stale += c->nstale;
	for (size_t i = 0; i < c->nsets; i++)
		rank_set(c, c->pid, comm, &c->sets[i]);
	if (c->disarmed) {
		c->oneshot_procs++;
		watch_holder_insert(c->oneshot_top, TOP_RANK, c->pid, c->disarmed, comm);
	}
	if (c->nstale) {
		c->stale_procs++;
		watch_holder_insert(c->stale_top, TOP_RANK, c->pid, c->nstale, comm);
	}
	u->watches += c->items;
	u->processes++;
	watch_holder_insert(u->top, TOP_HOLDERS, c->pid, c->items, comm);
}

/* One process of the target. */
static void census_pid(uint32_t pid, void *arg)
{
	struct census *c = arg;
	struct scan_callbacks cb = { on_set, on_item, NULL, c };
	char comm[COMM_LEN];
	bool lost = false;
	unsigned int uid;
	DIR *d = NULL;
	int nepoll;

	c->tot.scanned++;
	c->pid = pid;
	c->nfds = c->nsets = c->nstale = 0;
	c->items = c->disarmed = 0;
	nepoll = read_fd_table(c, &d);
	if (nepoll < 0) {
		if (errno == ENOENT || errno == ESRCH || !pid_alive(pid)) {
			c->tot.vanished++;
		} else {
			c->tot.unreadable++;
			c->unreadable_errno = errno;
		}
		return;
	}
	if (nepoll == 0) {
		closedir(d);
		return;
	}
	uid = proc_uid(pid);
	read_comm(pid, comm, sizeof(comm));
	for (size_t i = 0; i < c->nfds; i++) {
		if (!c->fds[i].epoll)
			continue;
		on_set(pid, c->fds[i].fd, c);
		if (scan_one_set(pid, c->fds[i].fd, &cb) < 0) {
			c->nsets--;	/* closed meanwhile, or the process is gone */
			lost = true;
		}
	}
	closedir(d);
	if ((lost || uid == ~0u) && !pid_alive(pid)) {
		c->tot.vanished++;
		return;
	}
	if (c->nsets)
		tell_process(c, uid, comm);
}

static bool in_target(uint32_t pid, void *arg)
{
	return target_has(arg, pid);
}

static int by_watches(const void *a, const void *b)
{
	const struct census_user *x = a, *y = b;

	if (x->watches != y->watches)
		return x->watches < y->watches ? 1 : -1;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static int holders(const struct watch_holder *top, int max)
{
	int n = 0;

	while (n < max && top[n].pid)
		n++;
	return n;
}

static void tell_rank(struct census *c, const char *what, long long total, long long procs,
		      const struct watch_holder *top)
{
	struct event ev = { .kind = EVK_CENSUS_RANK, .ts_ns = monotonic_ns() };

	ev.census_rank = (struct census_rank_event){
		.what = what, .total = total, .processes = procs, .top = top,
		.n = holders(top, TOP_RANK),
	};
	render(c->out, &ev);
}

/* The users' lines: the target's watches per user and, unless the target
 * is every process, what all the user's processes hold (the limit is
 * the user's, machine-wide); the biggest holders among them all. */
static void tell_users(struct census *c)
{
	qsort(c->users, c->nusers, sizeof(*c->users), by_watches);
	for (size_t i = 0; i < c->nusers; i++) {
		struct census_user *u = &c->users[i];
		struct event ev = { .kind = EVK_CENSUS_USER, .ts_ns = monotonic_ns() };
		long long all = -1;

		if (c->t->mode != TM_ALL) {
			long long others = user_epoll_watches_but(u->uid, in_target, (void *)c->t,
								  u->top, TOP_HOLDERS);

			all = u->watches + (others > 0 ? others : 0);
		}
		ev.census_user = (struct census_user_event){
			.uid = u->uid, .watches = u->watches, .processes = u->processes,
			.all_watches = all, .max_user_watches = c->tot.max_user_watches,
			.top = u->top, .n = holders(u->top, TOP_HOLDERS),
		};
		render(c->out, &ev);
	}
}

int census_main(const struct target *t, struct renderer *out)
{
	struct census c = { .t = t, .out = out };
	uint64_t t0 = monotonic_ns();
	char what[512];
	struct event ev = { .kind = EVK_CENSUS };
	struct event top = { .kind = EVK_CENSUS_TOP };
	int n;

	c.tot.max_user_watches = epoll_max_user_watches();
	n = target_each(t, census_pid, &c);
	if (n < 0) {
		fprintf(stderr, "epolltrace: cannot read /proc: %s\n", strerror(errno));
		return 1;
	}
	if (c.tot.unreadable) {
		char message[512];

		snprintf(message, sizeof(message),
			 "%lld processes could not be read (/proc/PID/fd: %s): their epoll sets are "
			 "not counted; run epolltrace as root or with CAP_SYS_PTRACE",
			 c.tot.unreadable, strerror(c.unreadable_errno));
		render_tell(out, monotonic_ns(), 0, "checks_off", message);
	}
	top.ts_ns = monotonic_ns();
	top.census_top = (struct census_top_event){ .sets = c.top, .n = c.ntop };
	render(out, &top);
	tell_rank(&c, "oneshot_disarmed", c.tot.oneshot_disarmed, c.oneshot_procs, c.oneshot_top);
	tell_rank(&c, "stale", c.tot.stale, c.stale_procs, c.stale_top);
	tell_users(&c);
	ev.ts_ns = monotonic_ns();
	c.tot.target = target_describe(t, what, sizeof(what));
	c.tot.duration_us = (ev.ts_ns - t0) / NS_PER_US;
	ev.census = c.tot;
	render(out, &ev);
	free(c.fds);
	free(c.sets);
	free(c.stale);
	free(c.users);
	return 0;
}
