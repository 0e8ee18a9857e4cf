/* scen_ok_oneshot_rearm: EPOLLONESHOT used correctly.
 *
 * Pipe A (EPOLLIN|EPOLLONESHOT) fires three times: each time the program
 * drains it and re-arms it with EPOLL_CTL_MOD before more data comes.
 * Pipe B (same mask) fires once, is drained and left disarmed on purpose,
 * but no data comes again, so nothing is waiting behind the disarmed
 * registration.  Then the program sleeps in epoll_wait.  epolltrace must
 * stay silent. */
#include "scenario.h"

int main(void)
{
	int ep, a[2], b[2];

	ep = sc_epoll();
	sc_pipe(a);
	sc_pipe(b);
	sc_add(ep, a[0], EPOLLIN | EPOLLONESHOT);
	sc_add(ep, b[0], EPOLLIN | EPOLLONESHOT);
	sc_sync();

	sc_write(b[1], 10);
	sc_wait_one(ep, 1000, b[0]);
	if (sc_drain(b[0], 64) != 10)
		die("drain: wrong byte count");
	for (int round = 0; round < 3; round++) {
		sc_write(a[1], 10);
		sc_wait_one(ep, 1000, a[0]);
		if (sc_drain(a[0], 64) != 10)
			die("drain: wrong byte count");
		sc_ctl(ep, EPOLL_CTL_MOD, a[0], EPOLLIN | EPOLLONESHOT);
	}
	sc_stall(ep);
	return 0;
}
