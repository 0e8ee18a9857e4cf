/* hung_server: an epoll echo server that hangs the classic way, for the
 * README's first diagnostics example (attach to a server that is stuck
 * already).
 *
 *   hung_server [SECONDS]
 *
 * Its listening socket is registered EPOLLIN|EPOLLET, and it accepts one
 * connection per event.  Two clients (forked children) connect at once:
 * the one edge reports both, the server accepts one, and the second
 * waits in the accept queue for ever, since no new edge comes for it.
 * The server prints "port=P pid=N" on stdout once both clients have
 * connected, then goes on with its event loop (epoll_wait with a 1 s
 * housekeeping tick) for SECONDS (default 60) before it exits. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "workload.h"

static void client(const struct sockaddr_in *addr)
{
	int fd;

	/* Dies with the server, however it ends (a test that kills it). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		die("client: connect");
	pause();		/* holds its connection until killed */
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	long seconds = argc > 1 ? atol(argv[1]) : 60;
	socklen_t len = sizeof(addr);
	struct epoll_event ev, got[8];
	pid_t kids[2];
	int lfd, ep, n;
	long until;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 16) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &len))
		die("listen");
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.fd = lfd };
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev))
		die("epoll");
	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			client(&addr);
	}
	msleep(100);		/* both connections in the accept queue */
	printf("port=%u pid=%d\n", ntohs(addr.sin_port), getpid());
	fflush(stdout);
	until = wl_now_ms() + seconds * 1000;
	while (wl_now_ms() < until) {
		n = epoll_wait(ep, got, 8, 1000);
		for (int i = 0; i < n; i++) {
			/* The bug: one accept per event. */
			int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);

			if (fd >= 0) {
				ev = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.fd = fd };
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			}
		}
	}
	for (int i = 0; i < 2; i++) {
		kill(kids[i], SIGTERM);
		waitpid(kids[i], NULL, 0);
	}
	return 0;
}
