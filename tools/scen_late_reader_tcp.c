/* scen_late_reader_tcp: the late reader of scen_late_reader, over TCP,
 * and a new edge right after its read.
 *
 * 100 bytes come on a TCP socket registered with EPOLLIN|EPOLLET; the
 * waiter reads 16 and goes back to epoll_wait, in turns of SC_TICK_MS.
 * epolltrace must warn missed_edge.  Then a worker reads 10 more bytes
 * and the peer at once sends 50: the edge that follows tells that input
 * was taken with no edge between, so epolltrace must retract the warning
 * and note that the program keeps its own readiness.  Only that edge
 * tells it (the delivery that follows it clears any suspicion), so with
 * readiness not shown (-q) the kernel side must still ship the edges of
 * a process with a warned item. */
#include "scenario.h"

static int ep, served, peer;

static void *worker(void *arg)
{
	msleep(SC_ET_STALL_MS * 8);
	sc_read(served, 10);
	sc_write(peer, 50);
	return NULL;
}

int main(void)
{
	struct epoll_event ev;
	pthread_t t;
	int n;

	ep = sc_epoll();
	sc_tcp_pair(&served, &peer);
	sc_add(ep, served, EPOLLIN | EPOLLET);
	sc_sync();

	sc_write(peer, 100);
	sc_wait_one(ep, 1000, served);
	sc_read(served, 16);
	expect("\"event\":\"warning\",\"kind\":\"missed_edge\",\"epfd\":%d,\"fd\":%d,\"_left\":84",
	       ep, served);
	expect("\"event\":\"retracted\",\"kind\":\"missed_edge\",\"epfd\":%d,\"fd\":%d", ep, served);
	expect("\"event\":\"note\",\"kind\":\"own_readiness\",\"epfd\":%d,\"fd\":%d", ep, served);
	if (pthread_create(&t, NULL, worker, NULL))
		die("pthread_create");
	/* Back in epoll_wait, in turns, until the new edge comes. */
	do {
		n = epoll_wait(ep, &ev, 1, SC_TICK_MS);
	} while (n == 0 || (n < 0 && errno == EINTR));
	if (n != 1 || ev.data.fd != served)
		die("epoll_wait: %d", n);
	pthread_join(t, NULL);
	if (sc_drain(served, 64) != 124)
		die("wrong byte count");
	sc_stall_for(ep, SC_TICK_MS);
	return 0;
}
