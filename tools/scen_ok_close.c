/* scen_ok_close: closing registered fds the right way.
 *
 * Pipe A is registered and closed with no other descriptor of its file:
 * the kernel drops the registration, nothing is stale.  Pipe B is
 * registered, dup()ed, removed with EPOLL_CTL_DEL, then closed: the dup
 * lives on but is no longer watched.  A new pipe then takes A's number and
 * is registered under it; data on it and on the dup of B must be reported
 * as the new registration only.  epolltrace must stay silent. */
#include "scenario.h"

int main(void)
{
	int ep, a[2], b[2], c[2], keep;

	ep = sc_epoll();
	sc_pipe(a);
	sc_pipe(b);
	sc_add(ep, a[0], EPOLLIN);
	sc_add(ep, b[0], EPOLLIN);
	sc_sync();

	keep = dup(b[0]);
	if (keep < 0)
		die("dup");
	if (close(a[0]))
		die("close");
	expect("\"event\":\"close\",\"fd\":%d,\"ret\":0,\"epfds\":[%d]", a[0], ep);
	sc_ctl(ep, EPOLL_CTL_DEL, b[0], 0);
	close(b[0]);

	sc_pipe(c);
	if (c[0] != a[0])
		die("the new pipe did not take the closed number %d", a[0]);
	sc_add(ep, c[0], EPOLLIN);
	sc_write(b[1], 10);
	sc_write(c[1], 10);
	sc_wait_one(ep, 1000, c[0]);
	if (sc_drain(c[0], 64) != 10 || sc_drain(keep, 64) != 10)
		die("drain: wrong byte count");
	sc_stall(ep);
	return 0;
}
