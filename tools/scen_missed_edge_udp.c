/* scen_missed_edge_udp: an edge-triggered UDP socket, one recv per event.
 *
 * Two datagrams (100 and 37 bytes) arrive on a UDP socket registered with
 * EPOLLIN|EPOLLET; the event is delivered, the program receives one
 * datagram and sleeps in epoll_wait with the other queued.  epolltrace
 * must warn missed_edge on that socket, once.  (In the during attach mode
 * three datagrams: see trigger().) */
#include "scenario.h"

static int rx, tx;

#define DURING_DATAGRAMS 3

static int received;

/* Both datagrams queued before the one wakeup is collected. */
static void trigger(void)
{
	unsigned int queued = sc_rmem(rx);

	if (sc_mode() == SC_DURING) {
		/* The sleeper wakes at the first: sent back to back (the
		 * helper that runs this holds the sleeper's CPU), and one more
		 * than the bug needs, in case the kernel delivers one apart
		 * (sc_on_report()). */
		sc_write(tx, 100);
		for (int i = 1; i < DURING_DATAGRAMS; i++)
			sc_write(tx, 37);
		sc_await_rmem_above(rx, queued);
		return;
	}
	sc_write(tx, 100);
	queued = sc_await_rmem_above(rx, queued);
	sc_write(tx, 37);
	sc_await_rmem_above(rx, queued);
}

/* during: a datagram delivered as an edge of its own: one recv, as ever. */
static void report(void)
{
	char buf[256];

	if (recv(rx, buf, sizeof(buf), 0) != 37)
		die("recv: not a datagram of the trigger");
	if (++received == DURING_DATAGRAMS) {
		errno = 0;
		die("the %d datagrams came as %d edges: none was left behind; run again",
		    DURING_DATAGRAMS, DURING_DATAGRAMS);
	}
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
	received = 1;
	sc_on_report(rx, report);
	sc_expect_stuck("missed_edge", ep, rx, -1, 1);
	sc_stall(ep);
	return 0;
}
