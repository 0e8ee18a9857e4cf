/* scen_missed_edge_listen: an edge-triggered listening socket, one accept
 * per event.
 *
 * Two clients connect before the program looks; the listening socket
 * (EPOLLIN|EPOLLET) is delivered once, the program accepts one connection
 * and sleeps in epoll_wait with the second still pending.  epolltrace must
 * warn missed_edge on the listening socket, once. */
#include "scenario.h"

int main(void)
{
	struct sockaddr_in addr;
	int ep, lfd, c1, c2, conn;

	ep = sc_epoll();
	lfd = sc_listen(&addr);
	sc_nonblock(lfd);
	sc_add(ep, lfd, EPOLLIN | EPOLLET);
	sc_sync();

	c1 = sc_connect(&addr);
	c2 = sc_connect(&addr);
	/* Both connections queued before the one wakeup is collected. */
	sc_await_backlog(lfd, 2);
	sc_wait_one(ep, 1000, lfd);
	conn = accept(lfd, NULL, NULL);
	if (conn < 0)
		die("accept");
	expect("\"event\":\"warning\",\"kind\":\"missed_edge\",\"epfd\":%d,"
	       "\"fd\":%d,\"_read\":1", ep, lfd);
	sc_stall(ep);
	close(c1);
	close(c2);
	return 0;
}
