/* et_bug_server: the demo workload, an epoll echo server with the classic
 * edge-triggered bug, talking to its own client over loopback.
 *
 * The server registers each accepted socket with EPOLLIN|EPOLLET but reads
 * only once per event, into a 16-byte buffer.  With EPOLLET, epoll reports
 * a socket again only when new data arrives, so whatever that one read left
 * behind sits in the socket until the client sends more.  The client (a
 * forked child) sends two short messages, then one longer than the buffer,
 * and waits for the whole echo of each; the third echo never completes.
 * The client gives up after 1 s, the server stops after 1.5 s, both exit 0.
 *
 * Run it under epolltrace to watch the stall: the last epoll_wait sleeps
 * while bytes are still queued on the socket it was told about. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "workload.h"

#define BUF_SIZE 16		/* the bug's second half: a small buffer */
#define CLIENT_PATIENCE_MS 1000
#define SERVER_LIFETIME_MS 1500
/* Its housekeeping tick, as event loops have: no wait sleeps longer. */
#define TICK_MS 250

static const char *messages[] = {
	"hello\n",
	"ping\n",
	"this message is longer than sixteen bytes\n",
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listen_loopback(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 8) || getsockname(fd, (struct sockaddr *)addr, &len))
		die("listen on 127.0.0.1");
	return fd;
}

/* Read until `want` bytes came back or the patience ran out. */
static size_t await_echo(int fd, size_t want, long deadline)
{
	char buf[256];
	size_t got = 0;

	while (got < want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

static void client(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	size_t sent = 0, echoed = 0;
	unsigned int i;

	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		die("client: connect");
	for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
		size_t len = strlen(messages[i]), got;

		if (write(fd, messages[i], len) != (ssize_t)len)
			die("client: write");
		sent += len;
		got = await_echo(fd, len, now_ms() + CLIENT_PATIENCE_MS);
		echoed += got;
		if (got < len) {
			fprintf(stderr, "client: sent %zu bytes, %zu echoed; "
				"message %u still owes %zu bytes after %d ms, giving up\n",
				sent, echoed, i + 1, len - got, CLIENT_PATIENCE_MS);
			break;
		}
	}
	/* Keep the connection open until the server is done, so no FIN
	 * wakes the server up early. */
	await_echo(fd, 1 << 20, now_ms() + SERVER_LIFETIME_MS);
	close(fd);
	exit(0);
}

/* The bug: one read per edge-triggered event, whatever is left stays. */
static void serve_once(int fd)
{
	char buf[BUF_SIZE];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0 && write(fd, buf, n) != n)
		die("server: write");
}

int main(void)
{
	struct sockaddr_in addr;
	struct epoll_event ev, ready[8];
	long deadline;
	int conns[8], nconns = 0;
	int lfd, ep, status;
	pid_t child;

	lfd = listen_loopback(&addr);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(lfd);
		client(&addr);
	}

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = lfd };
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev))
		die("epoll_ctl ADD listener");

	deadline = now_ms() + SERVER_LIFETIME_MS;
	for (;;) {
		long left = deadline - now_ms();
		int n, i;

		if (left <= 0)
			break;
		n = epoll_wait(ep, ready, 8, left < TICK_MS ? left : TICK_MS);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (i = 0; i < n; i++) {
			int fd = ready[i].data.fd;

			if (fd != lfd) {
				serve_once(fd);
				continue;
			}
			fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
			if (fd < 0)
				continue;
			if (nconns == 8)
				die("too many clients");
			conns[nconns++] = fd;
			ev = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.fd = fd };
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
				die("epoll_ctl ADD client");
		}
	}
	fprintf(stderr, "server: stopping after %d ms\n", SERVER_LIFETIME_MS);
	/* Closing the connections ends the client's wait. */
	while (nconns > 0)
		close(conns[--nconns]);
	close(ep);
	close(lfd);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		die("client failed");
	return 0;
}
