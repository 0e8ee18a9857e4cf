/* hostile: workloads of the hardening tests (tests/host/hard_*.sh), each
 * what a careless or hostile program does to a tracer.
 *
 *   hostile big N       N eventfds ready at once: one epoll_wait returns N
 *                       (a record far beyond 16 KiB of text)
 *   hostile churn N     N rounds of epoll_create1, eventfd, ADD, wait, close
 *                       (closes racing the tracer's own looks at the fds);
 *                       says its own CPU time and how long the rounds took
 *   hostile sets N [P]  N epoll sets, each waited on once (-c's tables), made
 *                       by P processes (default 1: the fd limit may be below N)
 *   hostile fanout N    one eventfd registered in N epoll sets, then closed
 *                       (a close record naming more sets than it lists)
 *   hostile levels 0    readiness a tracer must count once each: a pipe read
 *                       a byte per wait (level-triggered, put back on the
 *                       ready list: no news), emptied (a wait finds it so
 *                       and the kernel drops it), written again (news);
 *                       an eventfd left on the list by a wait with room for
 *                       one event: 3 readinesses of the pipe, 1 of the eventfd
 *   hostile sleep MS    sleeps in epoll_wait on an empty set for MS ms (to
 *                       be killed there); with a second thread in another
 *                       wait when MS is negative (-MS ms)
 *   hostile chatter N   N lines of its own on stdout, written one by one
 *                       between epoll calls (the trace shares the pipe)
 *   hostile names DIR   a FIFO named "f\nX\1\377" in DIR registered and
 *                       waited on, then the same under the process name
 *                       "c\nd\1" (names that could forge trace lines)
 *
 * Each prints what the test needs to know as NAME=VALUE lines on stderr. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "workload.h"

static void raise_fd_limit(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)want) {
		rl.rlim_cur = want > (long)rl.rlim_max ? rl.rlim_max : (rlim_t)want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int must(int ret, const char *what)
{
	if (ret < 0)
		die("%s", what);
	return ret;
}

static void add(int ep, int fd, unsigned int events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (unsigned int)fd };

	must(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), "epoll_ctl");
}

static void big(long n)
{
	struct epoll_event *ev = calloc(n, sizeof(*ev));
	int ep = must(epoll_create1(0), "epoll_create1"), got;

	if (!ev)
		die("calloc");
	raise_fd_limit(n + 64);
	for (long i = 0; i < n; i++)
		add(ep, must(eventfd(1, EFD_NONBLOCK), "eventfd"), EPOLLIN);
	got = must(epoll_wait(ep, ev, n, 1000), "epoll_wait");
	fprintf(stderr, "ready=%d\n", got);
	free(ev);
}

/* CPU time this process used so far, in microseconds. */
static long long own_cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void churn(long n)
{
	struct epoll_event ev;
	long start = wl_now_ms();

	for (long i = 0; i < n; i++) {
		int ep = must(epoll_create1(EPOLL_CLOEXEC), "epoll_create1");
		int efd = must(eventfd(0, EFD_NONBLOCK), "eventfd");

		add(ep, efd, EPOLLIN);
		must(epoll_wait(ep, &ev, 1, 0), "epoll_wait");
		close(efd);
		close(ep);
	}
	fprintf(stderr, "rounds=%ld\nelapsed_ms=%ld\ncpu_us=%lld\n", n, wl_now_ms() - start,
		own_cpu_us());
}

static void sets_of_one(long n)
{
	struct epoll_event ev;
	int *eps = calloc(n, sizeof(*eps));

	if (!eps)
		die("calloc");
	raise_fd_limit(n + 64);
	for (long i = 0; i < n; i++) {
		eps[i] = must(epoll_create1(0), "epoll_create1");
		must(epoll_wait(eps[i], &ev, 1, 0), "epoll_wait");
	}
	for (long i = 0; i < n; i++)
		close(eps[i]);
	free(eps);
}

/* n sets in all, made by `procs` processes (the fd limit may be below n). */
static void sets(long n, long procs)
{
	long each = n / procs;

	for (long p = 1; p < procs; p++) {
		pid_t child = fork();

		if (child < 0)
			die("fork");
		if (child == 0) {
			sets_of_one(each);
			exit(0);
		}
	}
	sets_of_one(n - each * (procs - 1));
	while (wait(NULL) > 0)
		;
	fprintf(stderr, "sets=%ld\n", n);
}

static void fanout(long n)
{
	int efd = must(eventfd(0, EFD_NONBLOCK), "eventfd");

	raise_fd_limit(n + 64);
	for (long i = 0; i < n; i++)
		add(must(epoll_create1(0), "epoll_create1"), efd, EPOLLIN);
	close(efd);
	fprintf(stderr, "fd=%d\nsets=%ld\n", efd, n);
}

static int wait_for(int ep, int maxevents, int timeout_ms)
{
	struct epoll_event ev[4];

	return must(epoll_wait(ep, ev, maxevents, timeout_ms), "epoll_wait");
}

static void levels(void)
{
	int ep = must(epoll_create1(0), "epoll_create1"), p[2];
	int efd = must(eventfd(0, EFD_NONBLOCK), "eventfd");
	char c[3];

	must(pipe2(p, O_NONBLOCK), "pipe");
	add(ep, p[0], EPOLLIN);
	add(ep, efd, EPOLLIN | EPOLLET);
	must(write(p[1], "abc", 3), "write");			/* readiness 1 of the pipe */
	for (int i = 0; i < 3; i++) {
		if (wait_for(ep, 1, 1000) != 1 || read(p[0], c, 1) != 1)
			die("the pipe was not reported with a byte in it");
	}
	if (wait_for(ep, 1, 0) != 0)		/* the kernel drops it: empty */
		die("an empty pipe was reported");
	must(write(p[1], "d", 1), "write");			/* readiness 2 */
	if (wait_for(ep, 1, 1000) != 1 || read(p[0], c, 1) != 1)
		die("the pipe was not reported again");
	if (wait_for(ep, 1, 0) != 0)		/* dropped again */
		die("an empty pipe was reported");
	must(write(p[1], "e", 1), "write");			/* readiness 3 */
	must(eventfd_write(efd, 1), "eventfd_write");		/* readiness 1 of the eventfd */
	if (wait_for(ep, 1, 1000) != 1 || wait_for(ep, 1, 1000) != 1)	/* one at a time */
		die("the pipe and the eventfd were not reported one by one");
	fprintf(stderr, "pipe=%d\neventfd=%d\nepfd=%d\n", p[0], efd, ep);
}

static void *sleeper(void *arg)
{
	wait_for(*(int *)arg, 1, 60000);
	return NULL;
}

static void sleep_in_wait(long ms)
{
	int ep = must(epoll_create1(0), "epoll_create1"), ep2 = must(epoll_create1(0), "epoll_create1");
	pthread_t t;

	if (ms < 0 && pthread_create(&t, NULL, sleeper, &ep2))
		die("pthread_create");
	fprintf(stderr, "waiting=%d\n", getpid());
	wait_for(ep, 1, ms < 0 ? -ms : ms);
}

static void chatter(long n)
{
	struct epoll_event ev;
	int ep = must(epoll_create1(0), "epoll_create1");
	char line[160];

	add(ep, must(eventfd(1, EFD_NONBLOCK), "eventfd"), EPOLLIN);
	for (long i = 0; i < n; i++) {
		int len = snprintf(line, sizeof(line), "chatter %06ld %s\n", i,
				   "the program's own line, written whole with one write(2)");

		if (write(STDOUT_FILENO, line, len) != len)
			die("write");
		must(epoll_wait(ep, &ev, 1, 0), "epoll_wait");
	}
	fprintf(stderr, "lines=%ld\n", n);
}

static void names(const char *dir)
{
	static const char fifo_name[] = "f\nX\001\377";
	struct epoll_event ev;
	char path[4096];
	int ep = must(epoll_create1(0), "epoll_create1"), fd;

	snprintf(path, sizeof(path), "%s/%s", dir, fifo_name);
	unlink(path);
	must(mkfifo(path, 0600), "mkfifo");
	fd = must(open(path, O_RDONLY | O_NONBLOCK), "open fifo");
	add(ep, fd, EPOLLIN);
	must(epoll_wait(ep, &ev, 1, 0), "epoll_wait");
	msleep(300);	/* a path is read from /proc: let the tracer find the fd */
	must(prctl(PR_SET_NAME, "c\nd\001", 0, 0, 0), "prctl");
	must(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL), "epoll_ctl DEL");
	add(ep, fd, EPOLLIN | EPOLLET);
	must(epoll_wait(ep, &ev, 1, 0), "epoll_wait");
	close(fd);
	unlink(path);
	fprintf(stderr, "fifo=%d\n", fd);
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 0;

	if (argc != 3 && !(argc == 4 && !strcmp(argv[1], "sets")))
		die("usage: hostile big|churn|fanout|chatter N | hostile sets N [PROCS] | hostile levels 0 | hostile sleep MS | hostile names DIR");
	if (!strcmp(argv[1], "big"))
		big(n);
	else if (!strcmp(argv[1], "churn"))
		churn(n);
	else if (!strcmp(argv[1], "sets"))
		sets(n, argc == 4 && atol(argv[3]) > 0 ? atol(argv[3]) : 1);
	else if (!strcmp(argv[1], "sleep"))
		sleep_in_wait(n);
	else if (!strcmp(argv[1], "levels"))
		levels();
	else if (!strcmp(argv[1], "fanout"))
		fanout(n);
	else if (!strcmp(argv[1], "chatter"))
		chatter(n);
	else if (!strcmp(argv[1], "names"))
		names(argv[2]);
	else
		die("unknown workload %s", argv[1]);
	return 0;
}
