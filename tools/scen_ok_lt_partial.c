/* scen_ok_lt_partial: a level-triggered loop reading a little per wakeup.
 *
 * 100 bytes wait in a pipe registered with plain EPOLLIN; each epoll_wait
 * reports it again and the program reads 16 bytes, 7 wakeups in all, then
 * it sleeps in epoll_wait on the empty pipe.  Level-triggered epoll reports
 * an fd as long as it is ready, so nothing is missed: no warning. */
#include "scenario.h"

int main(void)
{
	int ep, p[2];
	char buf[16];

	ep = sc_epoll();
	sc_pipe(p);
	sc_add(ep, p[0], EPOLLIN);
	sc_sync();

	sc_write(p[1], 100);
	for (int left = 100; left > 0; left -= 16) {
		sc_wait_one(ep, 1000, p[0]);
		if (read(p[0], buf, sizeof(buf)) != (left < 16 ? left : 16))
			die("read: wrong byte count");
	}
	sc_stall(ep);
	return 0;
}
