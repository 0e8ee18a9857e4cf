/* scen_missed_edge_udp: an edge-triggered UDP socket, one recv per event.
 *
 * Two datagrams (100 and 37 bytes) arrive on a UDP socket registered with
 * EPOLLIN|EPOLLET; the event is delivered, the program receives one
 * datagram and sleeps in epoll_wait with the other queued.  epolltrace
 * must warn missed_edge on that socket, once. */
#include "scenario.h"

static int rx, tx;

/* Both datagrams queued before the one wakeup is collected.  Loopback
 * delivers within the send, so nothing sleeps between the two (in during
 * mode the sleeper would run and collect the first alone). */
static void trigger(void)
{
	unsigned int was = sc_rmem(rx), queued;

	sc_write(tx, 100);
	queued = sc_rmem(rx);
	if (queued <= was)
		queued = sc_await_rmem_above(rx, was);
	sc_write(tx, 37);
	sc_await_rmem_above(rx, queued);
}

int main(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	char buf[256];
	int ep;

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

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, rx);
	if (recv(rx, buf, sizeof(buf), 0) != 100)
		die("recv: not the first datagram");
	sc_expect_stuck("missed_edge", ep, rx, -1, 1);
	sc_stall(ep);
	return 0;
}
