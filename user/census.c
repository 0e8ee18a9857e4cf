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
 * fired ONESHOT item is one whose events have no poll bits left.  A set
 * several processes hold (inherited across fork) is counted once, for
 * the one that started first: its items look alike in each (a hash of
 * them), and kcmp tells whether they are the same file.
 * Processes are read by a few threads (the cost is the kernel's, one
 * readlink per fd of the machine); what they found is said in pid order
 * once all are read. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/kcmp.h>
#include "census.h"
#include "clock.h"
#include "epoll_abi.h"
#include "event.h"
#include "proc_scan.h"
#include "procs.h"
#include "render.h"
#include "targets.h"
#include "xgrow.h"

#define TOP_SETS 10		/* the biggest sets shown */
#define TOP_RANK 10		/* processes named per ranking */
#define TOP_HOLDERS 5		/* biggest holders named per user */
#define SCAN_THREADS 4		/* at most; no more than the CPUs */
#define PIDS_PER_THREAD 64	/* fewer processes are read by one thread */

/* One fd of the process being read. */
struct fd_entry {
	int fd;
	bool epoll;
	bool ino_known;
	bool anon;		/* an anonymous inode ("anon_inode:[eventfd]") */
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

/* What was found of one process of the target. */
enum proc_status { PS_NO_SETS, PS_SETS, PS_VANISHED, PS_UNREADABLE };

struct proc_found {
	uint32_t pid;
	enum proc_status status;
	int err;			/* PS_UNREADABLE: why */
	unsigned int uid;
	char comm[COMM_LEN];
	struct census_set *sets;
	uint64_t *sigs;			/* a hash of each set's items */
	size_t nsets;
	struct stale_item *stale;
	size_t nstale;
	long long items, disarmed;
};

/* A reading thread's scratch: the process being read. */
struct scanner {
	struct proc_found *p;
	int fddir;			/* its /proc/PID/fd */
	struct fd_entry *fds;
	size_t nfds, fds_cap;
	size_t sets_cap, stale_cap;
	unsigned long anon_ino;		/* the inode anonymous files share */
};

/* The processes to read, shared by the threads. */
struct scan_job {
	struct proc_found *procs;
	size_t n;
	atomic_size_t next;
	unsigned long anon_ino;
};

struct census {
	const struct target *t;
	struct renderer *out;
	struct proc_found *procs;	/* the target's, by pid */
	size_t nprocs, procs_cap;
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

/* The fd table of the process, from /proc/PID/fd; the number of epoll
 * fds, or -1 with errno set when the directory cannot be read. */
static int read_fd_table(struct scanner *sc, DIR **dirp)
{
	char path[64], link[80];
	struct dirent *de;
	int nepoll = 0;
	bool sorted = true;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/fd", sc->p->pid);
	d = opendir(path);
	if (!d)
		return -1;
	*dirp = d;
	sc->fddir = dirfd(d);
	sc->nfds = 0;
	while ((de = readdir(d))) {
		struct fd_entry e = { 0 };
		char *end;
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		e.fd = strtol(de->d_name, &end, 10);
		if (*end)
			continue;
		n = readlinkat(sc->fddir, de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;	/* closed meanwhile */
		link[n] = 0;
		e.epoll = !strcmp(link, "anon_inode:[eventpoll]");
		e.ino_known = link_ino(link, &e.ino);
		e.anon = !strncmp(link, "anon_inode:", 11);
		nepoll += e.epoll;
		if (sc->nfds == sc->fds_cap)
			sc->fds = xgrow(sc->fds, &sc->fds_cap, sizeof(*sc->fds));
		if (sc->nfds && sc->fds[sc->nfds - 1].fd > e.fd)
			sorted = false;
		sc->fds[sc->nfds++] = e;
	}
	if (!sorted)
		qsort(sc->fds, sc->nfds, sizeof(*sc->fds), by_fd);
	return nepoll;
}

static struct fd_entry *fd_find(struct scanner *sc, int fd)
{
	size_t lo = 0, hi = sc->nfds;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sc->fds[mid].fd == fd)
			return &sc->fds[mid];
		if (sc->fds[mid].fd < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The same judgment as --sets -p (registration_stale()), from the fd
 * table instead of a copy of the fd. */
static const char *item_stale(struct scanner *sc, const struct scanned_item *it)
{
	struct fd_entry *e = fd_find(sc, it->tfd);
	char name[16];
	struct stat st;

	snprintf(name, sizeof(name), "%d", it->tfd);
	if (!e)		/* not open when the table was read: opened since? */
		return fstatat(sc->fddir, name, &st, 0) ? registration_stale(false, 0, 0)
						       : registration_stale(true, it->ino, st.st_ino);
	if (!it->ino)
		return NULL;
	/* Most anonymous files share one inode: no need to look (those
	 * with an inode of their own are looked at). */
	if (e->anon && sc->anon_ino && it->ino == sc->anon_ino)
		return NULL;
	if (!e->ino_known) {
		if (fstatat(sc->fddir, name, &st, 0))
			return NULL;	/* closed meanwhile: not judged */
		e->ino = st.st_ino;
		e->ino_known = true;
	}
	return registration_stale(true, it->ino, e->ino);
}

static void on_item(uint32_t pid, int epfd, const struct scanned_item *it, void *arg)
{
	struct scanner *sc = arg;
	struct proc_found *p = sc->p;
	const char *stale = item_stale(sc, it);

	struct census_set *set = &p->sets[p->nsets - 1];
	uint64_t *sig = &p->sigs[p->nsets - 1];
	uint64_t fields[4] = { (uint64_t)it->tfd, it->events, it->data, it->ino };

	/* FNV-1a over what fdinfo says of the item */
	for (size_t i = 0; i < sizeof(fields); i++) {
		*sig ^= ((const unsigned char *)fields)[i];
		*sig *= 0x100000001b3ull;
	}
	set->items++;
	if (ep_oneshot_disarmed(it->events))
		set->oneshot_disarmed++;
	if (stale) {
		if (p->nstale == sc->stale_cap)
			p->stale = xgrow(p->stale, &sc->stale_cap, sizeof(*p->stale));
		p->stale[p->nstale++] = (struct stale_item){ epfd, it->tfd, stale };
	}
}

static void on_set(uint32_t pid, int epfd, void *arg)
{
	struct scanner *sc = arg;
	struct proc_found *p = sc->p;

	if (p->nsets == sc->sets_cap) {
		p->sets = xgrow(p->sets, &sc->sets_cap, sizeof(*p->sets));
		p->sigs = realloc(p->sigs, sc->sets_cap * sizeof(*p->sigs));
		if (!p->sigs) {
			fprintf(stderr, "epolltrace: out of memory\n");
			exit(1);
		}
	}
	p->sigs[p->nsets] = 0xcbf29ce484222325ull;
	p->sets[p->nsets++] = (struct census_set){ .epfd = epfd };
}

static struct census_user *user_of(struct census *c, unsigned int uid)
{
	for (size_t i = 0; i < c->nusers; i++)
		if (c->users[i].uid == uid)
			return &c->users[i];
	if (c->nusers == c->users_cap)
		c->users = xgrow(c->users, &c->users_cap, sizeof(*c->users));
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

/* Reads one process of the target into sc->p. */
static void read_process(struct scanner *sc)
{
	struct scan_callbacks cb = { on_set, on_item, NULL, sc };
	struct proc_found *p = sc->p;
	bool lost = false;
	DIR *d = NULL;
	int nepoll;

	sc->sets_cap = sc->stale_cap = 0;
	nepoll = read_fd_table(sc, &d);
	if (nepoll < 0) {
		p->err = errno;
		p->status = errno == ENOENT || errno == ESRCH || !pid_alive(p->pid) ? PS_VANISHED
										  : PS_UNREADABLE;
		return;
	}
	if (nepoll == 0) {
		closedir(d);
		return;
	}
	p->uid = proc_uid(p->pid);
	read_comm(p->pid, p->comm, sizeof(p->comm));
	for (size_t i = 0; i < sc->nfds; i++) {
		if (!sc->fds[i].epoll)
			continue;
		on_set(p->pid, sc->fds[i].fd, sc);
		if (scan_one_set(p->pid, sc->fds[i].fd, &cb) < 0) {
			p->nsets--;	/* closed meanwhile, or the process is gone */
			lost = true;
		}
	}
	closedir(d);
	if ((lost || p->uid == ~0u) && !pid_alive(p->pid))
		p->status = PS_VANISHED;
	else if (p->nsets)
		p->status = PS_SETS;
}

static void *scan_thread(void *arg)
{
	struct scan_job *job = arg;
	struct scanner sc = { .anon_ino = job->anon_ino };

	for (;;) {
		size_t i = atomic_fetch_add(&job->next, 1);

		if (i >= job->n)
			break;
		sc.p = &job->procs[i];
		read_process(&sc);
	}
	free(sc.fds);
	return NULL;
}

/* Reads every process of the list, with a few threads. */
static void read_all(struct proc_found *procs, size_t n)
{
	struct scan_job job = { .procs = procs, .n = n };
	struct stat st;
	int efd = eventfd(0, EFD_CLOEXEC);

	/* the inode eventfds (and most anonymous files) share */
	if (efd >= 0 && fstat(efd, &st) == 0)
		job.anon_ino = st.st_ino;
	if (efd >= 0)
		close(efd);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t th[SCAN_THREADS];
	int nth = 0, want = cpus < 1 ? 1 : cpus > SCAN_THREADS ? SCAN_THREADS : (int)cpus;

	if (n / PIDS_PER_THREAD < (size_t)want)
		want = n / PIDS_PER_THREAD ? (int)(n / PIDS_PER_THREAD) : 1;
	atomic_init(&job.next, 0);
	for (int i = 1; i < want; i++)
		if (!pthread_create(&th[nth], NULL, scan_thread, &job))
			nth++;
	scan_thread(&job);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
}

/* The same set held by several processes of the target: counted for the
 * one that started first (the others' are shared_with it), and only its
 * fd table judges the set's stale registrations.  Sets whose items look
 * alike (the same hash) are put in kcmp's order of their files, so the
 * same file's come together; where kcmp cannot tell, they are left
 * apart (counted for each holder). */
struct set_ref {
	uint64_t key;
	struct proc_found *p;
	struct census_set *s;
};

static int by_key(const void *a, const void *b)
{
	const struct set_ref *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* kcmp's order of the two sets' files; -2 when it cannot tell */
static int file_order(const struct set_ref *x, const struct set_ref *y)
{
	long r = syscall(SYS_kcmp, x->p->pid, y->p->pid, KCMP_FILE, x->s->epfd, y->s->epfd);

	return r == 0 ? 0 : r == 1 ? -1 : r == 2 ? 1 : -2;
}

/* qsort_r's order; *failed is set where kcmp cannot tell */
static int by_file(const void *a, const void *b, void *failed)
{
	int r = file_order(a, b);

	if (r == -2) {
		*(bool *)failed = true;
		return 0;
	}
	return r;
}

/* One group of look-alike sets, in kcmp's order: the runs of one file. */
static void share_runs(struct set_ref *g, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i + 1, first = i;

		while (j < n && file_order(&g[i], &g[j]) == 0)
			j++;
		for (size_t k = i + 1; k < j; k++)
			if (proc_started_before(g[k].p->pid, g[first].p->pid))
				first = k;
		for (size_t k = i; k < j; k++)
			if (k != first)
				g[k].s->shared_with = g[first].p->pid;
		i = j;
	}
}

static void find_shared(struct census *c)
{
	struct set_ref *refs;
	size_t n = 0, total = 0;

	for (size_t i = 0; i < c->nprocs; i++)
		if (c->procs[i].status == PS_SETS)
			total += c->procs[i].nsets;
	refs = malloc((total + 1) * sizeof(*refs));
	if (!refs) {
		fprintf(stderr, "epolltrace: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < c->nprocs; i++) {
		struct proc_found *p = &c->procs[i];

		for (size_t j = 0; p->status == PS_SETS && j < p->nsets; j++)
			refs[n++] = (struct set_ref){
				p->sigs[j] ^ (uint64_t)p->sets[j].items * 0x9e3779b97f4a7c15ull,
				p, &p->sets[j] };
	}
	qsort(refs, n, sizeof(*refs), by_key);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;

		while (j < n && refs[j].key == refs[i].key)
			j++;
		if (j - i > 1) {
			bool failed = false;

			qsort_r(&refs[i], j - i, sizeof(*refs), by_file, &failed);
			if (!failed)
				share_runs(&refs[i], j - i);
		}
		i = j;
	}
	free(refs);
}

/* A process's counts, of the sets counted for it. */
static void count_own(struct proc_found *p)
{
	size_t kept = 0;

	p->items = p->disarmed = 0;
	for (size_t j = 0; j < p->nsets; j++) {
		if (p->sets[j].shared_with)
			continue;
		p->items += p->sets[j].items;
		p->disarmed += p->sets[j].oneshot_disarmed;
	}
	for (size_t k = 0; k < p->nstale; k++) {
		bool shared = false;

		for (size_t j = 0; j < p->nsets; j++)
			if (p->sets[j].epfd == p->stale[k].epfd && p->sets[j].shared_with)
				shared = true;
		if (!shared)
			p->stale[kept++] = p->stale[k];
	}
	p->nstale = kept;
}

/* A process with sets: say it, and count it in. */
static void tell_process(struct census *c, struct proc_found *p)
{
	uint64_t ts = monotonic_ns();
	struct event ev = { .kind = EVK_CENSUS_PROC, .ts_ns = ts, .pid = p->pid, .comm = p->comm };
	struct census_user *u = user_of(c, p->uid);

	count_own(p);
	ev.census_proc = (struct census_proc_event){
		.uid = p->uid, .sets = p->sets, .nsets = (int)p->nsets, .items = p->items,
		.oneshot_disarmed = p->disarmed, .stale = (long long)p->nstale,
	};
	render(c->out, &ev);
	for (size_t i = 0; i < p->nstale; i++) {
		struct event se = { .kind = EVK_CENSUS_STALE, .ts_ns = ts, .pid = p->pid,
				    .comm = p->comm };

		se.census_stale = (struct census_stale_event){
			p->stale[i].epfd, p->stale[i].fd, p->stale[i].reason };
		render(c->out, &se);
	}
	c->tot.processes++;
	c->tot.items += p->items;
	c->tot.oneshot_disarmed += p->disarmed;
	c->tot.stale += p->nstale;
	for (size_t i = 0; i < p->nsets; i++) {
		if (p->sets[i].shared_with) {
			c->tot.shared++;
			continue;
		}
		c->tot.sets++;
		rank_set(c, p->pid, p->comm, &p->sets[i]);
	}
	if (p->disarmed) {
		c->oneshot_procs++;
		watch_holder_insert(c->oneshot_top, TOP_RANK, p->pid, p->disarmed, p->comm);
	}
	if (p->nstale) {
		c->stale_procs++;
		watch_holder_insert(c->stale_top, TOP_RANK, p->pid, p->nstale, p->comm);
	}
	u->watches += p->items;
	u->processes++;
	watch_holder_insert(u->top, TOP_HOLDERS, p->pid, p->items, p->comm);
}

/* target_each(): the target's processes, listed first. */
static void list_pid(uint32_t pid, void *arg)
{
	struct census *c = arg;

	if (c->nprocs == c->procs_cap)
		c->procs = xgrow(c->procs, &c->procs_cap, sizeof(*c->procs));
	c->procs[c->nprocs++] = (struct proc_found){ .pid = pid };
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
	n = target_each(t, list_pid, &c);
	if (n < 0) {
		fprintf(stderr, "epolltrace: cannot read /proc: %s\n", strerror(errno));
		return 1;
	}
	read_all(c.procs, c.nprocs);
	find_shared(&c);
	for (size_t i = 0; i < c.nprocs; i++) {
		struct proc_found *p = &c.procs[i];

		c.tot.scanned++;
		if (p->status == PS_SETS)
			tell_process(&c, p);
		else if (p->status == PS_VANISHED)
			c.tot.vanished++;
		else if (p->status == PS_UNREADABLE) {
			c.tot.unreadable++;
			c.unreadable_errno = p->err;
		}
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
	for (size_t i = 0; i < c.nprocs; i++) {
		free(c.procs[i].sets);
		free(c.procs[i].sigs);
		free(c.procs[i].stale);
	}
	free(c.procs);
	free(c.users);
	return 0;
}
