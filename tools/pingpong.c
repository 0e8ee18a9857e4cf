/* pingpong: a two-sided epoll load for the benchmark (tests/bench/run).
 *
 *   pingpong SECONDS [CONNS [MSGSIZE]]
 *
 * Forks an echo server and drives it with CONNS (default 16) connections
 * over loopback, each in ping-pong: send MSGSIZE (default 8) bytes, wait
 * until they all came back, send again.  Both sides are one thread with
 * one epoll set, every fd edge-triggered and drained to EAGAIN, so both
 * are traced by `epolltrace -f -- pingpong ...`: every wakeup, wait and
 * delivery is on both sides of the trace.
 *
 * Timing starts once every connection is up.  Then it stops the server
 * (SIGTERM) and prints, as its last lines:
 *   "calls wait N"   epoll_wait calls of both processes, to compare a
 *                    trace against;
 *   "rps N"          round trips per second. */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "workload.h"

#define MAX_CONNS 1024
#define MAX_FDS (MAX_CONNS + 16)
#define BATCH 64

static volatile sig_atomic_t stopping;

static void on_signal(int sig) { stopping = 1; }

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add(int ep, int fd, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		die("epoll_ctl ADD %d", fd);
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* ---- the server: echo everything back, ET, drained to EAGAIN ------------- */

static void echo(int fd)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(fd);
			return;
		}
		/* Tiny messages into a socket whose peer reads them all:
		 * the send buffer never fills. */
		if (write(fd, buf, n) != n)
			die("echo write");
	}
}

/* Writes its epoll_wait count to `report` when stopped. */
static void server(int lfd, int report)
{
	struct epoll_event evs[BATCH];
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	long waits = 0;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		die("epoll_create1");
	sigaction(SIGTERM, &sa, NULL);
	add(ep, lfd, EPOLLIN | EPOLLET);
	while (!stopping) {
		int n;

		waits++;
		n = epoll_wait(ep, evs, BATCH, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd != lfd) {
				echo(fd);
				continue;
			}
			for (;;) {
				int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

				if (c < 0 && errno == EINTR)
					continue;
				if (c < 0)
					break;
				nodelay(c);
				add(ep, c, EPOLLIN | EPOLLRDHUP | EPOLLET);
			}
		}
	}
	if (write(report, &waits, sizeof(waits)) != sizeof(waits))
		die("report");
	_exit(0);
}

/* ---- the client ------------------------------------------------------------ */

struct conn {
	size_t got;		/* bytes of the current reply received */
};

static int dial(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect to 127.0.0.1:%d", port);
	nodelay(fd);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

static void send_msg(int fd, const char *msg, size_t len)
{
	if (write(fd, msg, len) != (ssize_t)len)
		die("client write");
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_FDS];
	int fds[MAX_CONNS];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	struct epoll_event evs[BATCH];
	char msg[4096], buf[4096];
	int nconns = 16, lfd, ep, pipefd[2], status, port;
	long done = 0, waits = 0, server_waits = 0;
	size_t size = 8;
	double secs, start, end, t;
	pid_t child;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: pingpong SECONDS [CONNS [MSGSIZE]]\n");
		return 2;
	}
	secs = atof(argv[1]);
	if (argc > 2)
		nconns = atoi(argv[2]);
	if (argc > 3)
		size = strtoul(argv[3], NULL, 10);
	if (nconns < 1 || nconns > MAX_CONNS || size < 1 || size > sizeof(msg) || secs <= 0)
		die("bad arguments");
	memset(msg, 'x', size);
	signal(SIGPIPE, SIG_IGN);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1024) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen) < 0)
		die("listen on 127.0.0.1");
	port = ntohs(sa.sin_port);
	if (pipe(pipefd) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(pipefd[0]);
		server(lfd, pipefd[1]);
	}
	close(pipefd[1]);
	close(lfd);

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	for (int i = 0; i < nconns; i++) {
		fds[i] = dial(port);
		if (fds[i] >= MAX_FDS)
			die("fd %d out of range", fds[i]);
		add(ep, fds[i], EPOLLIN | EPOLLRDHUP | EPOLLET);
	}

	start = now();
	end = start + secs;
	for (int i = 0; i < nconns; i++)
		send_msg(fds[i], msg, size);
	for (t = start; t < end; t = now()) {
		int n;

		waits++;
		n = epoll_wait(ep, evs, BATCH, 5000);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait");
		if (n == 0)
			die("no reply for 5 s: is the server stuck?");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			struct conn *c = &conns[fd];

			/* Edge-triggered: read until EAGAIN. */
			for (;;) {
				ssize_t r = read(fd, buf, sizeof(buf));

				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0 && errno == EAGAIN)
					break;
				if (r <= 0)
					die("connection closed by the server");
				c->got += r;
				while (c->got >= size) {
					c->got -= size;
					done++;
					send_msg(fd, msg, size);
				}
			}
		}
	}
	kill(child, SIGTERM);
	if (read(pipefd[0], &server_waits, sizeof(server_waits)) != sizeof(server_waits))
		server_waits = -1;
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		die("the server did not end well");
	printf("requests %ld seconds %.3f connections %d size %zu\n", done, t - start, nconns, size);
	if (server_waits >= 0)
		printf("calls wait %ld\n", waits + server_waits);
	printf("rps %.0f\n", done / (t - start));
	return 0;
}
