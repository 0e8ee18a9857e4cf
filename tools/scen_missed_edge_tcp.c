/* scen_missed_edge_tcp: an edge-triggered TCP socket read once.
 *
 * The accepted end of a loopback connection is registered with
 * EPOLLIN|EPOLLET; the peer sends 100 bytes in one write, the event is
 * delivered, the program reads 16 bytes and sleeps in epoll_wait with 84
 * bytes queued.  epolltrace must warn missed_edge on that socket, once. */
#include "scenario.h"

int main(void)
{
	int ep, served, peer;

	ep = sc_epoll();
	sc_tcp_pair(&served, &peer);
	sc_add(ep, served, EPOLLIN | EPOLLET);
	sc_sync();

	sc_write(peer, 100);
	sc_wait_one(ep, 1000, served);
	sc_read(served, 16);
	expect("\"event\":\"warning\",\"kind\":\"missed_edge\",\"epfd\":%d,"
	       "\"fd\":%d,\"_left\":84,\"_read\":16", ep, served);
	sc_stall(ep);
	return 0;
}
