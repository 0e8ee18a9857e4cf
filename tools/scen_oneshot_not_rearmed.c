/* scen_oneshot_not_rearmed: an EPOLLONESHOT pipe handled but never re-armed.
 *
 * The pipe (EPOLLIN|EPOLLONESHOT, level-triggered) fires, the program reads
 * it dry, forgets the EPOLL_CTL_MOD that would re-arm it, and more data
 * arrives: the pipe is ready again but disarmed, and the program sleeps in
 * epoll_wait.  epolltrace must warn oneshot_not_rearmed on the pipe, once
 * (and not missed_edge: the registration is not edge-triggered, and the
 * delivered data was drained). */
#include "scenario.h"

static int p[2];

static void trigger(void)
{
	sc_write(p[1], 10);
}

int main(void)
{
	int ep;

	ep = sc_epoll();
	sc_pipe(p);
	sc_add(ep, p[0], EPOLLIN | EPOLLONESHOT);
	sc_sync();

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, p[0]);
	if (sc_drain(p[0], 64) != 10)
		die("drain: wrong byte count");
	/* The bug: no sc_ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT). */
	sc_write(p[1], 10);
	sc_expect_stuck("oneshot_not_rearmed", ep, p[0], -1, -1);
	sc_stall(ep);
	return 0;
}
