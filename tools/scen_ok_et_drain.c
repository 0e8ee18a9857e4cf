/* scen_ok_et_drain: the correct edge-triggered loop, read until EAGAIN.
 *
 * A loopback TCP socket and a pipe, both EPOLLIN|EPOLLET.  Three rounds:
 * 100 bytes arrive on one of them, it is delivered, the program reads it
 * 16 bytes at a time until EAGAIN.  Then it sleeps in epoll_wait with
 * nothing pending.  epolltrace must stay silent. */
#include "scenario.h"

int main(void)
{
	int ep, served, peer, p[2];

	ep = sc_epoll();
	sc_tcp_pair(&served, &peer);
	sc_pipe(p);
	sc_add(ep, served, EPOLLIN | EPOLLET);
	sc_add(ep, p[0], EPOLLIN | EPOLLET);
	sc_sync();

	for (int round = 0; round < 3; round++) {
		int fd = round == 1 ? p[0] : served;

		sc_write(round == 1 ? p[1] : peer, 100);
		sc_wait_one(ep, 1000, fd);
		if (sc_drain(fd, 16) != 100)
			die("drain: wrong byte count");
	}
	sc_stall(ep);
	return 0;
}
