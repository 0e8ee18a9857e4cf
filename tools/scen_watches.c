/* scen_watches: fill the user's epoll watches, for the watch-limit warnings.
 *
 * usage: scen_watches [COUNT]
 * Creates COUNT eventfds (default: enough to pass fs.epoll.max_user_watches)
 * and, after the sync point, adds them one by one to one epoll set until
 * an EPOLL_CTL_ADD fails with ENOSPC or all are added.  Only the VM tier
 * runs it, with max_user_watches lowered to a few hundred: on the host the
 * limit is millions.
 *
 * What epolltrace must say, printed as expectations: watches_near_limit
 * once the user's count reaches 80% of the limit (the workload knows only
 * its own watches, so it expects the warning when its own count reaches
 * 80%; the user may hold others), and watches_exhausted for the ADD that
 * failed with ENOSPC.  Both must state the limit and name this program
 * among the biggest holders (_states, _says: tests/warnings.py).  Also
 * prints "added=N limit=L" for the VM tier's judge. */
#include <sys/eventfd.h>
#include <sys/resource.h>
#include "scenario.h"

static long read_limit(void)
{
	FILE *f = fopen("/proc/sys/fs/epoll/max_user_watches", "r");
	long limit = -1;

	if (!f || fscanf(f, "%ld", &limit) != 1)
		die("cannot read fs.epoll.max_user_watches");
	fclose(f);
	return limit;
}

int main(int argc, char **argv)
{
	long limit = read_limit(), count, added = 0;
	struct rlimit rl;
	int ep, *fds, near_expected = 0;

	count = argc > 1 ? atol(argv[1]) : limit + 1;
	if (count <= 0 || count > 100000) {
		errno = 0;
		die("usage: scen_watches [COUNT], COUNT 1..100000 (limit is %ld)", limit);
	}
	/* One fd per watch: lift the soft fd limit as far as allowed. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	fds = calloc(count, sizeof(*fds));
	if (!fds)
		die("calloc");
	ep = sc_epoll();
	for (long i = 0; i < count; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK);
		if (fds[i] < 0)
			die("eventfd %ld of %ld", i + 1, count);
	}
	sc_sync();

	for (long i = 0; i < count; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (unsigned int)fds[i] };
		int failed = epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);

		if (failed && errno != ENOSPC)
			die("epoll_ctl ADD %d", fds[i]);
		if (!failed) {
			added++;
			expect("\"event\":\"epoll_ctl\",\"epfd\":%d,\"op\":\"ADD\","
			       "\"fd\":%d,\"ret\":0", ep, fds[i]);
		} else {
			expect("\"event\":\"epoll_ctl\",\"epfd\":%d,\"op\":\"ADD\","
			       "\"fd\":%d,\"error\":\"ENOSPC\"", ep, fds[i]);
		}
		/* The user's count passed 80% by now, whoever else holds watches. */
		if (!near_expected && (failed || added * 5 >= limit * 4)) {
			expect("\"event\":\"warning\",\"kind\":\"watches_near_limit\","
			       "\"_states\":%ld,\"_says\":\"%s\"", limit, program_invocation_short_name);
			near_expected = 1;
		}
		if (failed) {
			expect("\"event\":\"warning\",\"kind\":\"watches_exhausted\",\"epfd\":%d,"
			       "\"fd\":%d,\"_states\":%ld,\"_says\":\"%s\"",
			       ep, fds[i], limit, program_invocation_short_name);
			break;
		}
	}
	printf("added=%ld limit=%ld\n", added, limit);
	fflush(stdout);
	/* Hold the watches a while, as a program that hit the limit would
	 * (it runs on): the tracer may look at the holders after the fact. */
	msleep(300);
	return 0;
}
