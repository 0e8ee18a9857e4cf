/* stuck_sets: epoll sets in known states, for the tracer's requests.
 *
 * usage: WL_SYNC=BASE stuck_sets
 *
 * Builds, then writes BASE.ready (one JSON object) and sleeps in
 * epoll_wait on an empty set until killed:
 *   set "A": pipe "a" (level-triggered, readable: on the ready list),
 *            pipe "b" (empty: not on it), eventfd "e" (edge-triggered,
 *            readable, delivered once: ready but no longer queued), pipe
 *            "c" (level-triggered, written after that wait: queued);
 *   set "B": 70 readable level-triggered eventfds (more than a ready-list
 *            answer holds);
 *   set "C": TCP socket "s" registered EPOLLIN|EPOLLET before connect()
 *            (as nginx does with its upstream sockets), then connected to
 *            listener "l" on 127.0.0.1, port "lport"; its own port "sport". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include "workload.h"

#define B_ITEMS 70

static int epoll_new(void)
{
	int ep = epoll_create1(0);

	if (ep < 0)
		die("epoll_create1");
	return ep;
}

static void add(int ep, int fd, unsigned int events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		die("epoll_ctl ADD %d", fd);
}

static int readable_eventfd(void)
{
	int fd = eventfd(1, EFD_NONBLOCK);

	if (fd < 0)
		die("eventfd");
	return fd;
}

static unsigned short port_of(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		die("getsockname");
	return ntohs(sa.sin_port);
}

int main(void)
{
	const char *base = getenv("WL_SYNC");
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct epoll_event evs[8];
	int A, B, C, D, a[2], b[2], c[2], e, l, s, n;
	char path[4096];
	FILE *f;

	if (!base)
		die("WL_SYNC not set");
	A = epoll_new();
	if (pipe(a) || pipe(b) || pipe(c))
		die("pipe");
	if (write(a[1], "x", 1) != 1)
		die("write");
	add(A, a[0], EPOLLIN);
	add(A, b[0], EPOLLIN);
	e = readable_eventfd();
	add(A, e, EPOLLIN | EPOLLET);
	/* Delivers a (put back: level-triggered) and e (not: edge-triggered). */
	n = epoll_wait(A, evs, 8, 0);
	if (n != 2)
		die("set A: %d events, wanted 2", n);
	add(A, c[0], EPOLLIN);
	if (write(c[1], "x", 1) != 1)
		die("write");

	B = epoll_new();
	for (int i = 0; i < B_ITEMS; i++)
		add(B, readable_eventfd(), EPOLLIN);

	C = epoll_new();
	l = socket(AF_INET, SOCK_STREAM, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || s < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 4))
		die("listener");
	add(C, s, EPOLLIN | EPOLLET);
	sa.sin_port = htons(port_of(l));
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");

	snprintf(path, sizeof(path), "%s.ready", base);
	f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	fprintf(f, "{\"pid\":%d,\"A\":%d,\"a\":%d,\"b\":%d,\"c\":%d,\"e\":%d,\"B\":%d,\"B_items\":%d,"
		"\"C\":%d,\"s\":%d,\"sport\":%u,\"l\":%d,\"lport\":%u}\n",
		getpid(), A, a[0], b[0], c[0], e, B, B_ITEMS, C, s, port_of(s), l, port_of(l));
	fclose(f);
	D = epoll_new();
	epoll_wait(D, evs, 8, -1);
	return 0;
}
