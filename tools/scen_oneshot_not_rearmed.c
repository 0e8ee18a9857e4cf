/* scen_oneshot_not_rearmed: an EPOLLONESHOT pipe handled but never re-armed.
 *
 * The pipe (EPOLLIN|EPOLLONESHOT, level-triggered) fires, the program reads
 * it dry, forgets the EPOLL_CTL_MOD that would re-arm it, and more data
 * arrives: the pipe is ready again but disarmed, and the program sleeps in
 * epoll_wait.  epolltrace must warn oneshot_not_rearmed on the pipe, once
 * (and not missed_edge: the registration is not edge-triggered, and the
 * delivered data was drained). */
#include "scenario.h"

int main(void)
{
	int ep, p[2];

	ep = sc_epoll();
	sc_pipe(p);
	sc_add(ep, p[0], EPOLLIN | EPOLLONESHOT);
	sc_sync();

	sc_write(p[1], 10);
	sc_wait_one(ep, 1000, p[0]);
	if (sc_drain(p[0], 64) != 10)
		die("drain: wrong byte count");
	/* The bug: no sc_ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT). */
	sc_write(p[1], 10);
	sc_expect_warning("oneshot_not_rearmed", ep, p[0]);
	sc_stall(ep);
	return 0;
}
