/* scen_late_reader_tcp: the late reader of scen_late_reader, over TCP,
 * and a new edge right after its read.
 *
 * 100 bytes come on a TCP socket registered with EPOLLIN|EPOLLET; the
 * program reads 16 and goes back to epoll_wait, in turns of SC_TICK_MS.
 * epolltrace must warn missed_edge.  Then the program reads 10 more bytes
 * and the peer at once sends 50: the edge that follows tells that input
 * was taken with no edge between, so epolltrace must retract the warning
 * and note that the program keeps its own readiness.  Only that edge
 * tells it (the delivery that follows it clears any suspicion), so with
 * readiness not shown (-q) the kernel side must still ship the edges of
 * a process with a warned item. */
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
	expect("\"event\":\"warning\",\"kind\":\"missed_edge\",\"epfd\":%d,\"fd\":%d,\"_left\":84",
	       ep, served);
	/* Told by the edge: not where sockets' edges cannot be seen (the
	 * tracepoint backend before Linux 6.4, without sock:sk_data_ready). */
	expect("\"event\":\"retracted\",\"kind\":\"missed_edge\",\"epfd\":%d,\"fd\":%d,"
	       "\"_socket_edges\":true", ep, served);
	expect("\"event\":\"note\",\"kind\":\"own_readiness\",\"epfd\":%d,\"fd\":%d,"
	       "\"_socket_edges\":true", ep, served);
	/* Back in epoll_wait, in turns, while epolltrace warns. */
	sc_stall_for(ep, SC_STALL_MS);
	sc_read(served, 10);
	sc_write(peer, 50);
	sc_wait_one(ep, 1000, served);
	if (sc_drain(served, 64) != 124)
		die("wrong byte count");
	sc_stall_for(ep, SC_TICK_MS);
	return 0;
}
