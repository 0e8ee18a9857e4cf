/* ready_kinds: make one fd of each kind ready, once, for the readiness tests.
 *
 * One epoll set holds a pipe (LT), an eventfd (ET), a UDP socket (LT), a
 * listening TCP socket (LT) and both ends of a TCP pair over loopback (the
 * accepted end ONESHOT, the connecting end ET).  Each step makes one fd
 * ready and collects it with epoll_wait, so the trace has, in order: the
 * readiness callback for that fd, then the epoll_wait that delivered it.
 * The ONESHOT end is made ready a second time after its delivery: that
 * callback must be reported as disarmed, and epoll_wait must return nothing.
 * The pipe is made ready twice: first with no waiter, then while a thread
 * sleeps in epoll_wait on the set, so the second callback wakes it.
 * Last, a nested set: a pipe in an inner epoll, the inner epoll in an outer.
 *
 * stdout: "# ..." lines say what was done; NAME=NUMBER lines give its pid
 * and the fd numbers for the checks (tests/vm/ready_expect.py). */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include "workload.h"

static void fact(const char *name, int value)
{
	printf("%s=%d\n", name, value);
	fflush(stdout);
}

static void said(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static void add(int ep, int fd, unsigned int events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (unsigned int)fd };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		die("epoll_ctl ADD %d to %d", fd, ep);
}

/* Wait for exactly one event, for fd (data holds the fd number). */
static void collect(int ep, int fd)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, 8, 2000);

	if (n != 1 || ev[0].data.u64 != (unsigned int)fd) {
		errno = 0;
		die("epoll_wait(%d) = %d, first data %llu, wanted fd %d", ep, n,
		    n > 0 ? (unsigned long long)ev[0].data.u64 : 0ULL, fd);
	}
}

/* collect(), once fd is surely queued on ep's ready list: a loopback
 * connection may complete in a softirq after connect() returned, and a
 * wakeup landing while epoll_wait already sleeps is seen by no ready-list
 * read (the tracepoint backend's readiness without sk_data_ready). */
static void collect_queued(int ep, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, 2000) != 1)
		die("poll(%d) before epoll_wait(%d): not readable", fd, ep);
	collect(ep, fd);
}

static void nothing_ready(int ep)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, 8, 0);

	if (n != 0) {
		errno = 0;
		die("epoll_wait(%d) = %d, wanted nothing ready", ep, n);
	}
}

static void drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void put(int fd, const char *what)
{
	if (write(fd, what, strlen(what)) != (ssize_t)strlen(what))
		die("write to %d", fd);
}

static int wait_ep, wait_fd;
static volatile int waiter_tid;

static void *waiter(void *arg)
{
	waiter_tid = gettid();
	collect(wait_ep, wait_fd);
	return arg;
}

/* True once thread tid sleeps inside epoll_wait (libc's: the epoll_pwait
 * syscall where there is no epoll_wait, as on arm64). */
static int sleeps_in_epoll_wait(int tid)
{
	char path[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
#ifdef SYS_epoll_wait
	if (atol(buf) != SYS_epoll_wait)
		return 0;
#else
	if (atol(buf) != SYS_epoll_pwait)
		return 0;
#endif
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strstr(buf, ") S ") != NULL;
}

static int bound_socket(int type, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    getsockname(fd, (struct sockaddr *)addr, &len))
		die("bind");
	return fd;
}

int main(void)
{
	struct sockaddr_in uaddr, laddr;
	int ep, p[2], efd, u, usend, l, c, s, inner, outer, q[2];
	unsigned long long one = 1;

	fact("PID", getpid());
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	fact("EPFD", ep);

	/* Pipe, level-triggered. */
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
		die("pipe2");
	add(ep, p[0], EPOLLIN);
	fact("PIPE_R", p[0]);
	said("pipe: read end %d registered EPOLLIN (LT) in epfd %d; write 1 byte to %d",
	     p[0], ep, p[1]);
	put(p[1], "p");
	collect_queued(ep, p[0]);
	drain(p[0]);
	{
		pthread_t t;

		wait_ep = ep;
		wait_fd = p[0];
		if (pthread_create(&t, NULL, waiter, NULL))
			die("pthread_create");
		for (int i = 0; i < 500 && !(waiter_tid && sleeps_in_epoll_wait(waiter_tid)); i++)
			msleep(10);
		msleep(20);
		said("pipe: a thread waits in epoll_wait on epfd %d; write 1 byte to %d", ep, p[1]);
		put(p[1], "w");
		pthread_join(t, NULL);
		drain(p[0]);
	}

	/* Eventfd, edge-triggered. */
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd < 0)
		die("eventfd");
	add(ep, efd, EPOLLIN | EPOLLET);
	fact("EVENTFD", efd);
	said("eventfd: %d registered EPOLLIN|EPOLLET in epfd %d; write 1", efd, ep);
	if (write(efd, &one, sizeof(one)) != sizeof(one))
		die("eventfd write");
	collect_queued(ep, efd);
	drain(efd);

	/* UDP socket, level-triggered. */
	u = bound_socket(SOCK_DGRAM, &uaddr);
	usend = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (usend < 0)
		die("socket");
	add(ep, u, EPOLLIN);
	fact("UDP", u);
	said("udp: %d (127.0.0.1:%d) registered EPOLLIN in epfd %d; one datagram from %d",
	     u, ntohs(uaddr.sin_port), ep, usend);
	if (sendto(usend, "u", 1, 0, (struct sockaddr *)&uaddr, sizeof(uaddr)) != 1)
		die("sendto");
	collect_queued(ep, u);
	drain(u);

	/* Listening socket, level-triggered: readiness is a pending connection. */
	l = bound_socket(SOCK_STREAM, &laddr);
	if (listen(l, 8))
		die("listen");
	add(ep, l, EPOLLIN);
	fact("LISTEN", l);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		die("socket");
	said("listen: %d (127.0.0.1:%d) registered EPOLLIN in epfd %d; connect %d to it",
	     l, ntohs(laddr.sin_port), ep, c);
	if (connect(c, (struct sockaddr *)&laddr, sizeof(laddr)))
		die("connect");
	collect_queued(ep, l);
	s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (s < 0)
		die("accept4");
	if (fcntl(c, F_SETFL, O_NONBLOCK))
		die("fcntl");

	/* TCP pair: accepted end ONESHOT, connecting end ET. */
	add(ep, s, EPOLLIN | EPOLLONESHOT);
	add(ep, c, EPOLLIN | EPOLLET);
	fact("TCP_ONESHOT", s);
	fact("TCP_ET", c);
	said("tcp: accepted %d registered EPOLLIN|EPOLLONESHOT, connected %d EPOLLIN|EPOLLET, epfd %d",
	     s, c, ep);
	said("tcp: write to %d, so %d is ready (armed)", c, s);
	put(c, "a");
	collect_queued(ep, s);
	drain(s);
	said("tcp: write to %d again: %d already fired, so its readiness is disarmed", c, s);
	put(c, "b");
	msleep(20);
	nothing_ready(ep);
	drain(s);
	said("tcp: write to %d, so %d is ready (ET)", s, c);
	put(s, "c");
	collect_queued(ep, c);
	drain(c);

	/* Nested: the inner set's readiness reaches the outer set. */
	outer = epoll_create1(EPOLL_CLOEXEC);
	inner = epoll_create1(EPOLL_CLOEXEC);
	if (outer < 0 || inner < 0)
		die("epoll_create1");
	if (pipe2(q, O_NONBLOCK | O_CLOEXEC))
		die("pipe2");
	add(inner, q[0], EPOLLIN);
	add(outer, inner, EPOLLIN);
	fact("OUTER", outer);
	fact("INNER", inner);
	fact("NESTED_PIPE_R", q[0]);
	said("nested: pipe %d in epfd %d, epfd %d in epfd %d; write 1 byte to %d",
	     q[0], inner, inner, outer, q[1]);
	put(q[1], "n");
	collect_queued(outer, inner);
	collect_queued(inner, q[0]);
	drain(q[0]);

	said("done");
	return 0;
}
