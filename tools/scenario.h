/* Helpers for the diagnostics scenarios (tools/scen_*.c).
 *
 * Each scenario makes its epoll calls through these wrappers, which check
 * that the kernel did what the scenario relies on (else die()) and print
 * the record epolltrace must show for the call (expect(), workload.h).
 * Every registration uses the fd number as its data, so a delivered event
 * names its fd.  A scenario also prints the warnings it must cause, or
 * none; tests/warnings.py holds the trace to exactly those.
 *
 * sc_sync() marks the attach point: a test that attaches there checks only
 * the records printed after the "# sync" line. */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "workload.h"

/* The scenarios' end: asleep in epoll_wait, in slices as an event loop
 * with a housekeeping tick sleeps (epolltrace confirms a suspect only once
 * the program's own next wake-up has come and gone).  Longer than
 * epolltrace's default --stall (200 ms) and --confirm (500 ms) together,
 * with a margin for slow machines (the VM tier runs without KVM): a missed
 * edge is confirmed while the program still sleeps. */
#define SC_STALL_MS 2000
#define SC_TICK_MS 400

/* JSON list of event names, in bit order, e.g. "EPOLLIN","EPOLLET". */
static inline const char *sc_events_json(unsigned int mask)
{
	static __thread char buf[512];

	return wl_event_names(mask, buf, sizeof(buf));
}

static inline void sc_sync(void)
{
	wl_sync_point();
	printf("# sync\n");
	fflush(stdout);
}

static inline int sc_epoll(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		die("epoll_create1");
	expect("\"event\":\"epoll_create\",\"syscall\":\"epoll_create1\","
	       "\"flags\":[\"EPOLL_CLOEXEC\"],\"ret\":%d", ep);
	return ep;
}

static inline void sc_ctl(int ep, int op, int fd, unsigned int events)
{
	static const char *ops[] = { [EPOLL_CTL_ADD] = "ADD",
		[EPOLL_CTL_DEL] = "DEL", [EPOLL_CTL_MOD] = "MOD" };
	struct epoll_event ev = { .events = events, .data.u64 = (unsigned int)fd };

	if (epoll_ctl(ep, op, fd, &ev))
		die("epoll_ctl(%d, %s, %d)", ep, ops[op], fd);
	if (op == EPOLL_CTL_DEL)
		expect("\"event\":\"epoll_ctl\",\"epfd\":%d,\"op\":\"DEL\","
		       "\"fd\":%d,\"ret\":0", ep, fd);
	else
		expect("\"event\":\"epoll_ctl\",\"epfd\":%d,\"op\":\"%s\",\"fd\":%d,"
		       "\"events\":[%s],\"data\":\"0x%x\",\"ret\":0",
		       ep, ops[op], fd, sc_events_json(events), fd);
}

static inline void sc_add(int ep, int fd, unsigned int events)
{
	sc_ctl(ep, EPOLL_CTL_ADD, fd, events);
}

/* epoll_wait that must return exactly the fds in want[0..nwant) (in that
 * order, each with EPOLLIN unless `mask` says otherwise); prints the
 * record.  Returns how many came back. */
static inline int sc_wait_mask(int ep, int timeout, const int *want, int nwant,
			       unsigned int mask)
{
	struct epoll_event ev[16];
	char ready[2048];
	size_t len = 0;
	int n = epoll_wait(ep, ev, 16, timeout);

	if (n != nwant) {
		errno = 0;
		die("epoll_wait(%d, timeout %d) = %d, wanted %d", ep, timeout, n, nwant);
	}
	ready[0] = 0;
	for (int i = 0; i < n; i++) {
		int fd = (int)ev[i].data.u64;

		if (fd != want[i] || ev[i].events != mask) {
			errno = 0;
			die("epoll_wait(%d): event %d is fd %d mask %#x, wanted fd %d mask %#x",
			    ep, i, fd, ev[i].events, want[i], mask);
		}
		len += snprintf(ready + len, sizeof(ready) - len,
				"%s{\"fd\":%d,\"events\":[%s],\"data\":\"0x%x\"}",
				i ? "," : "", fd, sc_events_json(ev[i].events), fd);
	}
	flockfile(stdout);
	expect("\"event\":\"epoll_wait\",\"epfd\":%d,\"timeout_ms\":%d,"
	       "\"ret\":%d,\"ready\":[%s]", ep, timeout, n, ready);
	funlockfile(stdout);
	return n;
}

static inline void sc_wait_one(int ep, int timeout, int fd)
{
	sc_wait_mask(ep, timeout, &fd, 1, EPOLLIN);
}

static inline void sc_wait_none(int ep, int timeout)
{
	sc_wait_mask(ep, timeout, NULL, 0, 0);
}

/* The scenario's end: asleep in epoll_wait on the set for `ms`, in
 * SC_TICK_MS slices, nothing reported. */
static inline void sc_stall_for(int ep, long ms)
{
	for (; ms > 0; ms -= SC_TICK_MS)
		sc_wait_none(ep, ms < SC_TICK_MS ? (int)ms : SC_TICK_MS);
}

static inline void sc_stall(int ep)
{
	sc_stall_for(ep, SC_STALL_MS);
}

static inline void sc_expect_warning(const char *kind, int ep, int fd)
{
	expect("\"event\":\"warning\",\"kind\":\"%s\",\"epfd\":%d,\"fd\":%d",
	       kind, ep, fd);
}

static inline void sc_nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		die("fcntl O_NONBLOCK");
}

static inline void sc_write(int fd, size_t len)
{
	char buf[4096];

	memset(buf, 'x', sizeof(buf));
	if (len > sizeof(buf) || write(fd, buf, len) != (ssize_t)len)
		die("write %zu bytes to %d", len, fd);
}

/* Read exactly len bytes, one call. */
static inline void sc_read(int fd, size_t len)
{
	char buf[4096];
	ssize_t n = read(fd, buf, len);

	if (n != (ssize_t)len)
		die("read(%d, %zu) = %zd", fd, len, n);
}

/* Read until EAGAIN, `chunk` bytes at a time; returns the bytes read. */
static inline size_t sc_drain(int fd, size_t chunk)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	while ((n = read(fd, buf, chunk)) > 0)
		total += n;
	if (n == 0 || errno != EAGAIN)
		die("drain %d: read = %zd", fd, n);
	return total;
}

/* A listening TCP socket on 127.0.0.1, ephemeral port. */
static inline int sc_listen(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 16) || getsockname(fd, (struct sockaddr *)addr, &len))
		die("listen on 127.0.0.1");
	return fd;
}

static inline int sc_connect(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		die("connect");
	return fd;
}

/* A connected TCP pair over loopback: *served is the accepted end
 * (non-blocking), *peer the connecting end. */
static inline void sc_tcp_pair(int *served, int *peer)
{
	struct sockaddr_in addr;
	int lfd = sc_listen(&addr);

	*peer = sc_connect(&addr);
	*served = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	if (*served < 0)
		die("accept");
	close(lfd);
}

/* Loopback delivery normally completes inside the sender's call, but a
 * busy machine may defer it to ksoftirqd; a scenario whose wakeups must
 * all come before its first epoll_wait waits for them with these.  The
 * extra 10 ms covers the epoll callback that follows the queueing. */

/* Until a listening socket has n connections to accept (for a listener,
 * TCP_INFO's tcpi_unacked is the accept queue length). */
static inline void sc_await_backlog(int lfd, unsigned int n)
{
	for (int i = 0; i < 2000; i++) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		if (getsockopt(lfd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			die("TCP_INFO");
		if (ti.tcpi_unacked >= n) {
			msleep(10);
			return;
		}
		msleep(1);
	}
	errno = 0;
	die("%u connections never reached the accept queue", n);
}

/* The receive memory a socket holds (grows with each queued datagram). */
static inline unsigned int sc_rmem(int fd)
{
	unsigned int mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len))
		die("SO_MEMINFO");
	return mi[SK_MEMINFO_RMEM_ALLOC];
}

/* Until the socket's receive memory exceeds `was`; returns the new value. */
static inline unsigned int sc_await_rmem_above(int fd, unsigned int was)
{
	for (int i = 0; i < 2000; i++) {
		unsigned int now = sc_rmem(fd);

		if (now > was) {
			msleep(10);
			return now;
		}
		msleep(1);
	}
	errno = 0;
	die("no data reached socket %d", fd);
	return 0;
}

static inline void sc_pipe(int p[2])
{
	if (pipe2(p, O_NONBLOCK))
		die("pipe2");
}

#endif
