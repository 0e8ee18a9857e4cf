/* scen_missed_edge_udp: an edge-triggered UDP socket, one recv per event.
 *
 * Two datagrams (100 and 37 bytes) arrive on a UDP socket registered with
 * EPOLLIN|EPOLLET; the event is delivered, the program receives one
 * datagram and sleeps in epoll_wait with the other queued.  epolltrace
 * must warn missed_edge on that socket, once. */
#include "scenario.h"

int main(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	char buf[256];
	unsigned int queued;
	int ep, rx, tx;

	ep = sc_epoll();
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&addr, sizeof(addr)) ||
	    getsockname(rx, (struct sockaddr *)&addr, &len) ||
	    connect(tx, (struct sockaddr *)&addr, sizeof(addr)))
		die("udp sockets");
	sc_add(ep, rx, EPOLLIN | EPOLLET);
	sc_sync();

	/* Both datagrams queued before the one wakeup is collected. */
	queued = sc_rmem(rx);
	sc_write(tx, 100);
	queued = sc_await_rmem_above(rx, queued);
	sc_write(tx, 37);
	sc_await_rmem_above(rx, queued);
	sc_wait_one(ep, 1000, rx);
	if (recv(rx, buf, sizeof(buf), 0) != 100)
		die("recv: not the first datagram");
	expect("\"event\":\"warning\",\"kind\":\"missed_edge\",\"epfd\":%d,"
	       "\"fd\":%d,\"_read\":1", ep, rx);
	sc_stall(ep);
	return 0;
}
