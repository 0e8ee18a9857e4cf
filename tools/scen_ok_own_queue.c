/* scen_ok_own_queue: an edge-triggered pipe read later, from the program's
 * own ready queue, within the confirmation window.
 *
 * 100 bytes go into a pipe registered EPOLLIN|EPOLLET; the event is
 * delivered, the program reads 16 bytes, puts the fd on its own queue for
 * later and sleeps in epoll_wait in 50 ms ticks (a timer wheel).
 * QUEUE_MS after the go (in hung mode: after the attach, when epolltrace
 * found the pipe ready and not queued) it drains the pipe from its queue,
 * with no new edge, and sleeps with nothing pending.  The input sat unread
 * for less than --confirm after the attach: epolltrace may suspect it but
 * must not warn.  --sets, at the attach point, marks the pipe stuck: it
 * cannot know the program's queue, and says so ("unless the program keeps
 * its own ready queue"). */
#include "scenario.h"

#define TICK_MS 50
#define QUEUE_MS 150

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
	/* On the program's own queue from here on. */
	sc_expect_sets_mark(ep, p[0], "stuck");
	sc_midflight();
	while (sc_after_go_ms() < QUEUE_MS)
		sc_wait_none(ep, TICK_MS);
	if (sc_drain(p[0], 64) != 84)
		die("drain: wrong byte count");
	sc_join_helper();
	sc_stall_for(ep, SC_STALL_MS);
	return 0;
}
