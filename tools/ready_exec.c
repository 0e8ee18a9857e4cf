/* ready_exec: a socket whose epoll set is freed by an exec, with no call
 * that says so, must get no more readiness in that set.
 *
 * Before the exec: the accepted end A of a TCP pair over loopback is the
 * only item of set OLD (fd OLD_FD, close-on-exec); the other end writes to
 * it ROUNDS times, and each time a wait collects it.  Then the program
 * execs itself with A and the writing end kept open.  The exec closes OLD
 * and frees the set.  In the new image, between two marker calls
 * (epoll_wait on fd MARK_FD, not an epoll fd: EBADF), the writing end
 * writes ROUNDS times more: A has no epitem now, so the trace must show no
 * readiness of A, in any set, between the markers.  Meanwhile a thread
 * sits in poll() on A for POLLPRI, which data does not wake: A's wait
 * queue is not empty, its first waiter is not the freed epitem's.  Last, A goes into a
 * new set (fd NEW_FD), is written to and collected once: that readiness
 * is shown, in the new set.
 *
 * stdout: NAME=NUMBER lines (pid, fd numbers, ROUNDS) for the check
 * (tests/host/core_ready_exec.sh). */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "workload.h"

#define ROUNDS	3
#define OLD_FD	50
#define NEW_FD	60
#define MARK_FD	70	/* not open: the marker waits fail with EBADF */

static void put(int fd)
{
	if (write(fd, "x", 1) != 1)
		die("write");
}

static void take(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		die("read");
}

/* One wait that must return A alone. */
static void collect(int ep, int a)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, 2000);

	if (n != 1 || ev[0].data.fd != a)
		die("epoll_wait on %d: %d events", ep, n);
}

/* A set at fd number `at`, holding A (level-triggered, data: A's fd). */
static int set_with(int a, int at, int flags)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = a };
	int ep = epoll_create1(0);

	if (ep < 0 || dup3(ep, at, flags) < 0)
		die("epoll_create1");
	close(ep);
	if (epoll_ctl(at, EPOLL_CTL_ADD, a, &ev))
		die("epoll_ctl ADD");
	return at;
}

static void marker(void)
{
	struct epoll_event ev;

	if (epoll_wait(MARK_FD, &ev, 1, 0) != -1 || errno != EBADF)
		die("the marker wait did not fail with EBADF");
}

struct bystander {
	int a;
	int stop;		/* a pipe's read end: readable when the thread is to end */
	volatile pid_t tid;	/* the thread's, once it runs */
};

static void *poll_urgent(void *arg)
{
	struct bystander *b = arg;
	struct pollfd pfd[2] = { { .fd = b->a, .events = POLLPRI }, { .fd = b->stop, .events = POLLIN } };

	b->tid = gettid();
	if (poll(pfd, 2, 10000) < 0 || !(pfd[1].revents & POLLIN))
		die("the poll() on A ended early");
	return NULL;
}

/* Until the thread is in poll(): its wait queue entry is on A's queue. */
static void await_poller(struct bystander *b)
{
	char path[64], state[256] = "";

	for (int i = 0; i < 500 && !b->tid; i++)
		msleep(2);
	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", (int)b->tid);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");

		if (f) {
			fgets(state, sizeof(state), f);
			fclose(f);
		}
		if (strstr(state, "poll"))
			return;
		msleep(2);
	}
	die("the poll() thread never blocked (wchan: %s)", state);
}

static void after_exec(int a, int w)
{
	struct bystander b = { .a = a };
	int ep, stop[2];
	pthread_t t;

	if (pipe(stop))
		die("pipe");
	b.stop = stop[0];
	if (pthread_create(&t, NULL, poll_urgent, &b))
		die("pthread_create");
	await_poller(&b);
	marker();
	for (int i = 0; i < ROUNDS; i++) {
		put(w);
		msleep(20);
		take(a);
	}
	marker();
	if (write(stop[1], "x", 1) != 1 || pthread_join(t, NULL))
		die("ending the poll() thread");
	ep = set_with(a, NEW_FD, 0);
	put(w);
	collect(ep, a);
	take(a);
	close(ep);
	close(a);
	close(w);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	char a_arg[16], w_arg[16], self[4096];
	cpu_set_t one;
	ssize_t n;
	int lfd, w, a, ep;

	/* One CPU throughout: the kernel side remembers per CPU, and loopback
	 * delivers in the writer's context. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		die("sched_setaffinity");
	if (argc == 4 && !strcmp(argv[1], "after")) {
		after_exec(atoi(argv[2]), atoi(argv[3]));
		return 0;
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len))
		die("listen");
	w = socket(AF_INET, SOCK_STREAM, 0);
	if (w < 0 || connect(w, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	a = accept(lfd, NULL, NULL);
	if (a < 0)
		die("accept");
	close(lfd);
	printf("pid=%d\nA=%d\nOLD_FD=%d\nNEW_FD=%d\nMARK_FD=%d\nROUNDS=%d\n", getpid(), a,
	       OLD_FD, NEW_FD, MARK_FD, ROUNDS);
	fflush(stdout);
	ep = set_with(a, OLD_FD, O_CLOEXEC);
	for (int i = 0; i < ROUNDS; i++) {
		put(w);
		collect(ep, a);
		take(a);
	}
	snprintf(a_arg, sizeof(a_arg), "%d", a);
	snprintf(w_arg, sizeof(w_arg), "%d", w);
	/* By its path, so that the new image keeps the name. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		die("readlink /proc/self/exe");
	self[n] = 0;
	execl(self, argv[0], "after", a_arg, w_arg, (char *)NULL);
	die("exec %s", self);
}
