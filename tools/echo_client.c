/* echo_client: the client half of the benchmark load (tests/bench/run).
 *
 *   echo_client PORT SECONDS [CONNS [MSGSIZE]]
 *
 * Opens CONNS (default 16) connections to 127.0.0.1:PORT and keeps each in
 * ping-pong: send MSGSIZE (default 64) bytes, wait until all of them came
 * back, send again.  One thread and one epoll set: with the server also on
 * one thread, each has a core of this 2-core machine and the figure is
 * steady.  Timing starts once every connection is up.  The last line is
 * machine-readable: "rps N", round trips per second. */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "workload.h"

#define MAX_CONNS 1024

struct conn {
	int fd;
	size_t got;		/* bytes of the current reply received */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The server may still be starting (under a tracer): retry for a while. */
static int dial(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;

	for (int tries = 0; tries < 500; tries++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			fcntl(fd, F_SETFL, O_NONBLOCK);
			return fd;
		}
		close(fd);
		msleep(10);
	}
	die("cannot connect to 127.0.0.1:%d", port);
	return -1;
}

static void send_msg(int fd, const char *msg, size_t len)
{
	/* A fresh socket's send buffer always takes a small message whole. */
	ssize_t n = write(fd, msg, len);

	if (n != (ssize_t)len)
		die("write returned %zd of %zu", n, len);
}

int main(int argc, char **argv)
{
	static struct conn conns[MAX_CONNS];
	struct epoll_event evs[MAX_CONNS];
	char msg[65536], buf[65536];
	int port, nconns = 16, ep;
	size_t size = 64;
	double secs, start, end, t;
	long done = 0;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: echo_client PORT SECONDS [CONNS [MSGSIZE]]\n");
		return 2;
	}
	port = atoi(argv[1]);
	secs = atof(argv[2]);
	if (argc > 3)
		nconns = atoi(argv[3]);
	if (argc > 4)
		size = strtoul(argv[4], NULL, 10);
	if (nconns < 1 || nconns > MAX_CONNS || size < 1 || size > sizeof(msg) || secs <= 0)
		die("bad arguments");
	memset(msg, 'x', size);

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	for (int i = 0; i < nconns; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

		conns[i].fd = dial(port);
		if (epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev) < 0)
			die("epoll_ctl");
	}

	start = now();
	end = start + secs;
	for (int i = 0; i < nconns; i++)
		send_msg(conns[i].fd, msg, size);
	for (t = start; t < end; t = now()) {
		int n = epoll_wait(ep, evs, MAX_CONNS, 5000);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait");
		if (n == 0)
			die("no reply for 5 s: is the server stuck?");
		for (int i = 0; i < n; i++) {
			struct conn *c = &conns[evs[i].data.u32];
			ssize_t r = read(c->fd, buf, size - c->got);

			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0)
				die("connection closed by the server");
			c->got += r;
			if (c->got < size)
				continue;
			c->got = 0;
			done++;
			send_msg(c->fd, msg, size);
		}
	}
	printf("requests %ld seconds %.3f connections %d size %zu\n",
	       done, t - start, nconns, size);
	printf("rps %.0f\n", done / (t - start));
	return 0;
}
