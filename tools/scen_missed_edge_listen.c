/* scen_missed_edge_listen: an edge-triggered listening socket, one accept
 * per event.
 *
 * Two clients connect before the program looks; the listening socket
 * (EPOLLIN|EPOLLET) is delivered once, the program accepts one connection
 * and sleeps in epoll_wait with the second still pending.  epolltrace must
 * warn missed_edge on the listening socket, once.  (In the during attach
 * mode three clients: see trigger().) */
#include "scenario.h"

static struct sockaddr_in addr;
static int lfd, c1, c2;

/* A connect that does not wait for the handshake. */
static int connect_nb(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) && errno != EINPROGRESS))
		die("connect");
	return fd;
}

#define DURING_CONNS 3

static int c3, accepted;

static void trigger(void)
{
	if (sc_mode() == SC_DURING) {
		/* The sleeper wakes at the first: connected back to back,
		 * without waiting for the handshakes (the helper that runs
		 * this holds the sleeper's CPU), and one more than the bug
		 * needs, in case the kernel completes one apart
		 * (sc_on_report()). */
		c1 = connect_nb();
		c2 = connect_nb();
		c3 = connect_nb();
		sc_await_backlog(lfd, DURING_CONNS);
		return;
	}
	c1 = sc_connect(&addr);
	c2 = sc_connect(&addr);
	/* Both connections queued before the one wakeup is collected. */
	sc_await_backlog(lfd, 2);
}

/* during: a connection completed as an edge of its own: one accept, as
 * ever. */
static void report(void)
{
	if (accept(lfd, NULL, NULL) < 0)
		die("accept");
	if (++accepted == DURING_CONNS) {
		errno = 0;
		die("the %d connections came as %d edges: none was left behind; run again",
		    DURING_CONNS, DURING_CONNS);
	}
}

int main(void)
{
	int ep, conn;

	ep = sc_epoll();
	lfd = sc_listen(&addr);
	sc_nonblock(lfd);
	sc_add(ep, lfd, EPOLLIN | EPOLLET);
	sc_sync();

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, lfd);
	conn = accept(lfd, NULL, NULL);
	if (conn < 0)
		die("accept");
	accepted = 1;
	sc_on_report(lfd, report);
	sc_expect_stuck("missed_edge", ep, lfd, -1, 1);
	sc_stall(ep);
	close(c1);
	close(c2);
	return 0;
}
