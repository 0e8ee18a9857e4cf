/* scen_missed_edge_tcp: an edge-triggered TCP socket read once.
 *
 * The accepted end of a loopback connection is registered with
 * EPOLLIN|EPOLLET; the peer sends 100 bytes in one write, the event is
 * delivered, the program reads 16 bytes and sleeps in epoll_wait with 84
 * bytes queued.  epolltrace must warn missed_edge on that socket, once. */
#include "scenario.h"

static int peer;

static void trigger(void)
{
	sc_write(peer, 100);
}

int main(void)
{
	int ep, served;

	ep = sc_epoll();
	sc_tcp_pair(&served, &peer);
	sc_add(ep, served, EPOLLIN | EPOLLET);
	sc_sync();

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, served);
	sc_read(served, 16);
	sc_expect_stuck("missed_edge", ep, served, 84, 16);
	sc_stall(ep);
	return 0;
}
