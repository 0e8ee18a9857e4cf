/* many_fds: the scale case of the benchmark (tests/bench/run).
 *
 *   many_fds [NFDS [SECONDS [INTERVAL_MS]]]
 *
 * Holds NFDS (default 100000) eventfds registered in one epoll set, raising
 * its fd limit to fit.  Then it reaches wl_sync_point() (see workload.h) so
 * the bench can attach, and for SECONDS (default 30) makes one fd ready
 * every INTERVAL_MS (default 10) and collects it with epoll_wait (timeout
 * 100 ms): a steady trickle of events for a tracer to decode, each wait
 * holding one ready fd out of a huge set.
 *
 * Raising the hard fd limit needs CAP_SYS_RESOURCE.  Without it (a
 * container may cap the limit at 20000) the registrations that do not fit
 * are aliases: a few eventfds are each registered under many fd numbers
 * that are closed again at once (the epoll item stays while its file is
 * open), and those numbers are then reused by the real eventfds.  The set
 * holds NFDS items either way; stderr says how many are aliases. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include "workload.h"

#define ALIAS_FIRST 256		/* alias fd numbers start here */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Returns the fd limit we got: WANT, or the hard limit if that is lower. */
static long raise_fd_limit(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	if (rl.rlim_cur >= (rlim_t)want)
		return want;
	rl.rlim_cur = want;
	if (rl.rlim_max < (rlim_t)want)
		rl.rlim_max = want;	/* needs CAP_SYS_RESOURCE */
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
		return want;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit");
	return rl.rlim_max;
}

static void add(int ep, int fd, uint64_t data)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = data };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		die("epoll_ctl ADD %d", fd);
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0)
		die("eventfd");
	return fd;
}

/* Registers ALIASES items: the file of a fresh eventfd under each fd number
 * from FIRST up, each number closed again right after.  Returns how many
 * were made (at most LIMIT - FIRST per file). */
static long add_aliases(int ep, long aliases, int first, long limit)
{
	long made = 0;

	while (made < aliases) {
		int base = new_eventfd();

		if (base >= first)
			die("alias base fd %d collides with the alias range", base);
		for (long n = first; n < limit && made < aliases; n++, made++) {
			if (dup2(base, n) < 0)
				die("dup2");
			add(ep, n, UINT64_MAX);	/* never made ready */
			close(n);
		}
	}
	return made;
}

int main(int argc, char **argv)
{
	long nfds = argc > 1 ? atol(argv[1]) : 100000;
	double secs = argc > 2 ? atof(argv[2]) : 30;
	long interval = argc > 3 ? atol(argv[3]) : 10;
	struct epoll_event evs[64];
	uint64_t one = 1, val;
	double end;
	long limit, real = nfds, aliases = 0, k = 0;
	int *fds, ep;

	if (nfds < 1 || secs <= 0 || interval < 0) {
		fprintf(stderr, "usage: many_fds [NFDS [SECONDS [INTERVAL_MS]]]\n");
		return 2;
	}
	limit = raise_fd_limit(nfds + 64);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	if (limit < nfds + 64) {
		/* Real fds from ALIAS_FIRST up; the alias bases sit below it. */
		real = limit - ALIAS_FIRST - 16;
		if (real < 1 || (nfds - real + real - 1) / real > ALIAS_FIRST - 16)
			die("fd limit %ld is too low for %ld registrations", limit, nfds);
		aliases = add_aliases(ep, nfds - real, ALIAS_FIRST, ALIAS_FIRST + real);
		fprintf(stderr, "many_fds: fd limit %ld: %ld of %ld registrations are "
			"aliases (closed fd numbers of open eventfds)\n", limit, aliases, nfds);
	}
	fds = calloc(real, sizeof(*fds));
	if (!fds)
		die("out of memory");
	for (long i = 0; i < real; i++) {
		fds[i] = new_eventfd();
		add(ep, fds[i], i);
	}
	printf("fds %ld real %ld aliases %ld epfd %d\n", real + aliases, real, aliases, ep);
	fflush(stdout);

	wl_sync_point();

	end = now() + secs;
	while (now() < end) {
		int n;

		/* A prime stride spreads the ready fds over the whole set. */
		k = (k + 7919) % real;
		if (write(fds[k], &one, sizeof(one)) != sizeof(one))
			die("write eventfd");
		n = epoll_wait(ep, evs, 64, 100);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++)
			if (read(fds[evs[i].data.u64], &val, sizeof(val)) != sizeof(val))
				die("read eventfd");
		msleep(interval);
	}
	return 0;
}
