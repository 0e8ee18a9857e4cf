/* scen_ok_et_readylist: edge-triggered with the program's own ready list
 * (the fairness advice in epoll(7)).
 *
 * Three pipes (EPOLLIN|EPOLLET) get 240 bytes each; one epoll_wait reports
 * all three.  The program keeps them on its own list and serves them round
 * robin, 16 bytes per fd per round with 25 ms of "work" per round, dropping
 * an fd from the list at EAGAIN; while the list is not empty it polls for
 * new events with epoll_wait(timeout 0).  The fds stay undrained for about
 * 350 ms, longer than the stall threshold, but the program never sleeps in
 * epoll_wait meanwhile.  At the end it sleeps with nothing pending.
 * epolltrace must stay silent. */
#include "scenario.h"

#define NPIPES 3

int main(void)
{
	int ep, p[NPIPES][2], fds[NPIPES], pending[NPIPES], npending = NPIPES;
	char buf[16];

	ep = sc_epoll();
	for (int i = 0; i < NPIPES; i++) {
		sc_pipe(p[i]);
		fds[i] = p[i][0];
		sc_add(ep, fds[i], EPOLLIN | EPOLLET);
	}
	sc_sync();

	for (int i = 0; i < NPIPES; i++)
		sc_write(p[i][1], 240);
	sc_wait_mask(ep, 1000, fds, NPIPES, EPOLLIN);
	memcpy(pending, fds, sizeof(fds));
	while (npending > 0) {
		for (int i = 0; i < npending; i++) {
			ssize_t n = read(pending[i], buf, sizeof(buf));

			if (n > 0)
				continue;
			if (n == 0 || errno != EAGAIN)
				die("read %d", pending[i]);
			pending[i--] = pending[--npending];
		}
		msleep(25);
		if (npending > 0)
			sc_wait_none(ep, 0);
	}
	sc_stall(ep);
	return 0;
}
