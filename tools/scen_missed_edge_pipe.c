/* scen_missed_edge_pipe: an edge-triggered pipe read once, not drained.
 *
 * 100 bytes go into a pipe registered with EPOLLIN|EPOLLET; the event is
 * delivered, the program reads 16 bytes and sleeps in epoll_wait with 84
 * bytes left.  No write comes, so epoll never reports the pipe again:
 * epolltrace must warn missed_edge on the pipe's read end, once. */
#include "scenario.h"

static int p[2];

static void trigger(void)
{
	sc_write(p[1], 100);
}

int main(void)
{
	int ep;

	ep = sc_epoll();
	sc_pipe(p);
	sc_add(ep, p[0], EPOLLIN | EPOLLET);
	sc_sync();

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, p[0]);
	sc_read(p[0], 16);
	sc_expect_stuck("missed_edge", ep, p[0], 84, -1);
	sc_stall(ep);
	return 0;
}
