/* scen_missed_edge_eventfd: an edge-triggered eventfd in semaphore mode,
 * one read per event.
 *
 * The counter goes to 3 in one write; the eventfd (EPOLLIN|EPOLLET,
 * EFD_SEMAPHORE: each read takes 1) is delivered, the program reads once
 * and sleeps in epoll_wait with the count at 2.  epolltrace must warn
 * missed_edge on the eventfd, once. */
#include <sys/eventfd.h>
#include "scenario.h"

static int efd;

static void trigger(void)
{
	uint64_t v = 3;

	if (write(efd, &v, sizeof(v)) != sizeof(v))
		die("eventfd write");
}

int main(void)
{
	uint64_t v;
	int ep;

	ep = sc_epoll();
	efd = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK);
	if (efd < 0)
		die("eventfd");
	sc_add(ep, efd, EPOLLIN | EPOLLET);
	sc_sync();

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, efd);
	if (read(efd, &v, sizeof(v)) != sizeof(v) || v != 1)
		die("eventfd read");
	sc_expect_stuck("missed_edge", ep, efd, -1, -1);
	sc_stall(ep);
	return 0;
}
