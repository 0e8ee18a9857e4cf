/* syscall_loop: a process making cheap system calls, for the benchmark
 * (tests/bench/run).
 *
 *   syscall_loop SECONDS [getppid|epoll_ctl]
 *
 * getppid (the default; through syscall() so no library cache answers it):
 * run untraced while epolltrace traces some other process, it shows the tax
 * a tracer puts on everyone else: enabling a syscall tracepoint sends every
 * task's system calls down the slow path.
 *
 * epoll_ctl: one eventfd registered in one epoll set, then EPOLL_CTL_MOD on
 * it as fast as possible -- a flood of trace records with nothing else
 * (no readiness: the eventfd never becomes ready), for the overload test.
 * Under trace it yields exactly 1 epoll_create1, 1 + CALLS epoll_ctl and
 * 1 exit record, so the bench can check the tracer's lost count.
 *
 * Prints "calls N seconds S", then "cps N", calls per second. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include "workload.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long getppid_loop(double end, double *t)
{
	long calls = 0;

	do {
		/* Read the clock once per batch: the vDSO call is not free. */
		for (int i = 0; i < 1024; i++)
			syscall(SYS_getppid);
		calls += 1024;
	} while ((*t = now()) < end);
	return calls;
}

static long epoll_ctl_loop(double end, double *t)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(0);
	int efd = eventfd(0, EFD_NONBLOCK);
	long calls = 0;

	if (ep < 0 || efd < 0)
		die("epoll_create1/eventfd");
	if (epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) < 0)
		die("epoll_ctl ADD");
	do {
		for (int i = 0; i < 1024; i++) {
			ev.events = EPOLLIN | (i & 1 ? EPOLLET : 0);
			ev.data.u64 = i;
			if (epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev) < 0)
				die("epoll_ctl MOD");
		}
		calls += 1024;
	} while ((*t = now()) < end);
	return calls;
}

int main(int argc, char **argv)
{
	double secs, start, t;
	const char *what = argc > 2 ? argv[2] : "getppid";
	long calls;

	if (argc < 2 || argc > 3 || (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: syscall_loop SECONDS [getppid|epoll_ctl]\n");
		return 2;
	}
	start = now();
	if (!strcmp(what, "getppid"))
		calls = getppid_loop(start + secs, &t);
	else if (!strcmp(what, "epoll_ctl"))
		calls = epoll_ctl_loop(start + secs, &t);
	else
		die("unknown call %s", what);
	printf("calls %ld seconds %.3f\n", calls, t - start);
	printf("cps %.0f\n", calls / (t - start));
	return 0;
}
