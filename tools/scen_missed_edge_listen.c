/* scen_missed_edge_listen: an edge-triggered listening socket, one accept
 * per event.
 *
 * Two clients connect before the program looks; the listening socket
 * (EPOLLIN|EPOLLET) is delivered once, the program accepts one connection
 * and sleeps in epoll_wait with the second still pending.  epolltrace must
 * warn missed_edge on the listening socket, once. */
#include "scenario.h"

static struct sockaddr_in addr;
static int lfd, c1, c2;

static void trigger(void)
{
	c1 = sc_connect(&addr);
	c2 = sc_connect(&addr);
	/* Both connections queued before the one wakeup is collected. */
	sc_await_backlog(lfd, 2);
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
	sc_expect_stuck("missed_edge", ep, lfd, -1, 1);
	sc_stall(ep);
	close(c1);
	close(c2);
	return 0;
}
