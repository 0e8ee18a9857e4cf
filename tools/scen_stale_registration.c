/* scen_stale_registration: close() of a registered fd whose file lives on.
 *
 * A pipe's read end is registered (EPOLLIN), then dup()ed and closed.  The
 * dup keeps the open file alive, so epoll keeps the registration (epoll(7):
 * an interest list entry goes away only when every descriptor of the open
 * file is closed), and data written afterwards is delivered under the
 * closed number.  epolltrace must warn stale_registration twice for that
 * number: at the close, and at the delivery.  The program then drains the
 * pipe through the dup and sleeps in epoll_wait with nothing pending. */
#include "scenario.h"

int main(void)
{
	int ep, p[2], keep;

	ep = sc_epoll();
	sc_pipe(p);
	sc_add(ep, p[0], EPOLLIN);
	sc_sync();

	keep = dup(p[0]);
	if (keep < 0)
		die("dup");
	if (close(p[0]))
		die("close");
	expect("\"event\":\"close\",\"fd\":%d,\"ret\":0,\"epfds\":[%d]", p[0], ep);
	sc_expect_warning("stale_registration", ep, p[0]);

	sc_write(p[1], 10);
	sc_wait_one(ep, 1000, p[0]);
	sc_expect_warning("stale_registration", ep, p[0]);
	if (sc_drain(keep, 64) != 10)
		die("drain: wrong byte count");
	sc_stall(ep);
	return 0;
}
