/* census_load: many processes holding epoll sets, for `epolltrace --sets
 * -a` (tests/host/machine_census.sh, tests/bench/census).
 *
 *   census_load [-s] N M [ONESHOT [STALE]]
 *
 * Forks N processes (named census_load).  Each holds one epoll set of M
 * registrations (process k < 10 holds M + 5 * (10 - k), so the biggest
 * sets are known) on eventfds and pipes: eventfds EPOLLIN, pipes' read
 * ends EPOLLIN|EPOLLET and write ends EPOLLOUT.  ONESHOT of them (default
 * M / 10) are eventfds registered EPOLLIN|EPOLLONESHOT, made readable and
 * collected by epoll_wait, so they are fired and disarmed.  STALE of them
 * (default 1) are stale: the fd registered was closed while its file stays
 * open under another number, or its number was then given to another
 * pipe (the two kinds alternate, from process to process too).  Every fifth process holds a second set of 3
 * eventfds.  -s: the second set of every fifth process is created before a
 * fork and shared with a child of it (a helper holding that set and its
 * eventfds: "PID 1 3 0 0").
 *
 * Prints one line per process, "PID SETS ITEMS DISARMED STALE", then
 * "ready"; holds everything until standard input closes or a signal
 * (SIGTERM, SIGINT, SIGHUP) comes, then kills the processes and exits 0. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "workload.h"

struct report {
	int pid, sets, items, disarmed, stale;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void add(int ep, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (uint64_t)fd << 8 | 0x5a };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		die("epoll_ctl ADD %d", fd);
}

static void raise_fd_limit(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= (rlim_t)want)
		return;
	rl.rlim_cur = want;
	if (rl.rlim_max < (rlim_t)want)
		rl.rlim_max = want;	/* needs CAP_SYS_RESOURCE */
	if (setrlimit(RLIMIT_NOFILE, &rl) && !getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* One registration of a stale kind: the fd registered is closed, its
 * file left open under another number; in kind 1 its number is then
 * given to another pipe.  Kind 0 registers a number above those the
 * process uses (free_fd), so no later fd takes it. */
static void add_stale(int ep, int kind, int free_fd)
{
	int p[2], q[2], fd;

	if (pipe(p))
		die("pipe");
	fd = kind == 0 ? fcntl(p[0], F_DUPFD_CLOEXEC, free_fd) : p[0];
	if (fd < 0)
		die("F_DUPFD %d", free_fd);
	add(ep, fd, EPOLLIN);
	if (kind == 0) {
		close(fd);	/* p[0] keeps the file open */
		return;
	}
	if (dup(p[0]) < 0)
		die("dup");
	if (pipe(q))
		die("pipe");
	if (dup2(q[0], p[0]) < 0)
		die("dup2");
	close(q[0]);
}

/* The registrations of one process; returns its epoll fd. */
static int fill(int k0, int items, int oneshot, int stale, int *disarmed)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), i = 0, p[2];
	struct epoll_event evs[64];
	int n, got = 0;

	if (ep < 0)
		die("epoll_create1");
	for (int k = 0; k < stale && i < items; k++, i++)
		add_stale(ep, (k0 + k) % 2, 2 * items + 32 + k);
	for (int k = 0; k < oneshot && i < items; k++, i++) {
		int fd = eventfd(0, EFD_NONBLOCK);

		if (fd < 0)
			die("eventfd");
		add(ep, fd, EPOLLIN | EPOLLONESHOT);
		if (eventfd_write(fd, 1))
			die("eventfd_write");
	}
	/* Collect them: each delivery disarms its item. */
	while (got < oneshot && (n = epoll_wait(ep, evs, 64, 1000)) > 0)
		got += n;
	if (got != (oneshot < items - stale ? oneshot : items - stale))
		die("%d of %d ONESHOT items delivered", got, oneshot);
	*disarmed = got;
	for (int k = 0; i < items; k++) {
		if (k % 3 == 0) {
			int fd = eventfd(0, EFD_NONBLOCK);

			if (fd < 0)
				die("eventfd");
			add(ep, fd, EPOLLIN);
			i++;
			continue;
		}
		if (pipe2(p, O_NONBLOCK))
			die("pipe");
		add(ep, p[0], EPOLLIN | EPOLLET);
		i++;
		if (i < items) {
			add(ep, p[1], EPOLLOUT);
			i++;
		}
	}
	return ep;
}

static int second_set(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		die("epoll_create1");
	for (int k = 0; k < 3; k++) {
		int fd = eventfd(0, 0);

		if (fd < 0)
			die("eventfd");
		add(ep, fd, EPOLLIN);
	}
	return ep;
}

static void hold(void)
{
	for (;;)
		pause();
}

/* A child: builds its sets, reports, holds them until killed. */
static void child(int k, int items, int oneshot, int stale, bool shared, int out)
{
	struct report r = { .pid = getpid(), .sets = 1 };
	int ppid = getppid();

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != ppid)
		_exit(0);
	raise_fd_limit(items * 2L + 64 + 5L * (10 + stale));
	if (k % 5 == 0) {
		second_set();
		r.sets++;
		r.items += 3;
	}
	if (shared && k % 5 == 0) {
		/* the second set is shared with a helper (it holds the fds it inherits) */
		pid_t h = fork();

		if (h < 0)
			die("fork");
		if (h == 0) {
			struct report hr = { .pid = getpid(), .sets = 1, .items = 3 };

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (write(out, &hr, sizeof(hr)) != sizeof(hr))
				_exit(2);
			hold();
		}
	}
	r.items += items + (k < 10 ? 5 * (10 - k) : 0);
	fill(k, items + (k < 10 ? 5 * (10 - k) : 0), oneshot, stale, &r.disarmed);
	r.stale = stale < items ? stale : items;
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	close(out);
	hold();
}

int main(int argc, char **argv)
{
	int n, items, oneshot, stale, p[2], expect, got = 0;
	bool shared = false;
	pid_t *kids;
	struct sigaction sa = { .sa_handler = on_signal };
	struct report r;
	char buf[256];

	if (argc > 1 && !strcmp(argv[1], "-s")) {
		shared = true;
		argv++;
		argc--;
	}
	if (argc < 3 || argc > 5)
		die("usage: census_load [-s] N M [ONESHOT [STALE]]");
	n = atoi(argv[1]);
	items = atoi(argv[2]);
	oneshot = argc > 3 ? atoi(argv[3]) : items / 10;
	stale = argc > 4 ? atoi(argv[4]) : 1;
	if (n < 1 || items < 1 || oneshot < 0 || stale < 0 || oneshot + stale > items)
		die("bad arguments: N >= 1, M >= 1, ONESHOT + STALE <= M");
	kids = calloc(n, sizeof(*kids));
	if (!kids || pipe(p))
		die("setup");
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	expect = n + (shared ? (n + 4) / 5 : 0);
	for (int k = 0; k < n && !stop; k++) {
		kids[k] = fork();
		if (kids[k] < 0) {
			fprintf(stderr, "census_load: fork %d: %s\n", k, strerror(errno));
			stop = 1;
			break;
		}
		if (kids[k] == 0) {
			close(p[0]);
			child(k, items, oneshot, stale, shared, p[1]);
		}
	}
	close(p[1]);
	/* Reports come whole (PIPE_BUF): one per process. */
	while (!stop && got < expect) {
		ssize_t m = read(p[0], &r, sizeof(r));

		if (m < 0 && errno == EINTR)
			continue;
		if (m != sizeof(r))
			break;
		printf("%d %d %d %d %d\n", r.pid, r.sets, r.items, r.disarmed, r.stale);
		got++;
	}
	if (got == expect) {
		printf("ready\n");
		fflush(stdout);
		while (!stop) {
			struct pollfd pf = { .fd = 0, .events = POLLIN };

			if (poll(&pf, 1, -1) < 0)
				continue;
			if (read(0, buf, sizeof(buf)) <= 0)
				break;
		}
	} else {
		fprintf(stderr, "census_load: %d of %d processes reported\n", got, expect);
	}
	for (int k = 0; k < n; k++)
		if (kids[k] > 0)
			kill(kids[k], SIGKILL);
	for (int k = 0; k < n; k++)
		if (kids[k] > 0)
			waitpid(kids[k], NULL, 0);
	return got == expect ? 0 : 1;
}
