/* echo_server: the server half of the benchmark load (tests/bench/run).
 *
 *   echo_server PORT [INFOFILE]
 *
 * One thread, one epoll set, every fd edge-triggered and drained to EAGAIN,
 * the way a production event loop is written.  Listens on 127.0.0.1:PORT;
 * PORT 0 takes a free port.  Once listening it writes "PID PORT" to INFOFILE
 * (renamed into place, so a reader never sees half a line): under a tracer
 * in launch mode that is the only way the bench learns the server's pid.
 *
 * On SIGTERM or SIGINT it stops and appends the number of epoll calls it
 * made to INFOFILE ("calls create N ctl N wait N close N"), so the bench
 * can compare a trace against what really happened: "close" counts closes
 * of fds that were registered in the set, the only ones epolltrace shows. */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "workload.h"

#define MAX_FDS 65536
#define BATCH 64

struct conn {
	char *pending;		/* unsent part of an echo when write hit EAGAIN */
	size_t len;
};

static struct conn conns[MAX_FDS];
static volatile sig_atomic_t stopping;
static long n_create, n_ctl, n_wait, n_close;

static void on_signal(int sig) { stopping = 1; }

static void ctl(int ep, int op, int fd, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	n_ctl++;
	if (epoll_ctl(ep, op, fd, &ev) < 0)
		die("epoll_ctl(%d, %d)", op, fd);
}

static void drop(int fd)
{
	free(conns[fd].pending);
	conns[fd].pending = NULL;
	conns[fd].len = 0;
	n_close++;
	close(fd);
}

/* Queue what write() could not send; EPOLLOUT tells us when to go on. */
static void keep(int ep, int fd, const char *buf, size_t len)
{
	struct conn *c = &conns[fd];
	char *p = realloc(c->pending, c->len + len);

	if (!p)
		die("out of memory");
	memcpy(p + c->len, buf, len);
	if (c->len == 0)
		ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLRDHUP | EPOLLOUT | EPOLLET);
	c->pending = p;
	c->len += len;
}

/* Returns -1 when the peer is gone, else whether everything was sent. */
static int send_all(int fd, const char *buf, size_t len, size_t *sent)
{
	*sent = 0;
	while (*sent < len) {
		ssize_t n = write(fd, buf + *sent, len - *sent);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		*sent += n;
	}
	return 1;
}

/* Returns 0 when the connection was dropped. */
static int flush_pending(int ep, int fd)
{
	struct conn *c = &conns[fd];
	size_t sent;
	int r;

	if (!c->len)
		return 1;
	r = send_all(fd, c->pending, c->len, &sent);
	if (r < 0) {
		drop(fd);
		return 0;
	}
	memmove(c->pending, c->pending + sent, c->len - sent);
	c->len -= sent;
	if (c->len == 0)
		ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLRDHUP | EPOLLET);
	return 1;
}

/* Edge-triggered: read until EAGAIN, or the next edge may never come. */
static void serve(int ep, int fd)
{
	char buf[16384];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		size_t sent = 0;
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			drop(fd);
			return;
		}
		if (conns[fd].len) {		/* keep the byte order */
			keep(ep, fd, buf, n);
			continue;
		}
		r = send_all(fd, buf, n, &sent);
		if (r < 0) {
			drop(fd);
			return;
		}
		if (!r)
			keep(ep, fd, buf + sent, n - sent);
	}
}

static void accept_all(int ep, int lfd)
{
	int one = 1;

	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0 && errno == EINTR)
			continue;
		if (fd < 0 && (errno == EAGAIN || errno == ECONNABORTED))
			return;
		if (fd < 0)
			die("accept4");
		if (fd >= MAX_FDS) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP | EPOLLET);
	}
}

static int listen_on(int port, int *bound)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind 127.0.0.1:%d", port);
	if (listen(fd, 1024) < 0)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		die("getsockname");
	*bound = ntohs(sa.sin_port);
	return fd;
}

static void write_info(const char *path, int port)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		die("cannot write %s", tmp);
	fprintf(f, "%d %d\n", getpid(), port);
	if (fclose(f) || rename(tmp, path))
		die("cannot write %s", path);
}

static void write_counts(const char *path)
{
	FILE *f = fopen(path, "a");

	if (!f)
		die("cannot append to %s", path);
	fprintf(f, "calls create %ld ctl %ld wait %ld close %ld\n",
		n_create, n_ctl, n_wait, n_close);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct epoll_event evs[BATCH];
	int port, lfd, ep;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: echo_server PORT [INFOFILE]\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	lfd = listen_on(atoi(argv[1]), &port);
	n_create++;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	ctl(ep, EPOLL_CTL_ADD, lfd, EPOLLIN | EPOLLET);
	if (argc == 3)
		write_info(argv[2], port);
	else
		printf("port %d\n", port), fflush(stdout);

	while (!stopping) {
		int n;

		n_wait++;
		n = epoll_wait(ep, evs, BATCH, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd) {
				accept_all(ep, lfd);
				continue;
			}
			if ((evs[i].events & EPOLLOUT) && !flush_pending(ep, fd))
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
				serve(ep, fd);
		}
	}
	if (argc == 3)
		write_counts(argv[2]);
	return 0;
}
