/* coalesce ROUNDS [WRITES]: readiness callbacks that find their item
 * queued already, for the folding of -e/-q tests.
 *
 * A UNIX stream socket pair; one end registered EPOLLIN (level-triggered)
 * in one set.  Each round writes WRITES (default 4) bytes one by one to
 * the other end, then collects the item with epoll_wait and reads what
 * came.  The first write of the first round queues the item; every
 * other write finds it queued (a level-triggered item goes back on the
 * ready list when it is delivered), so the trace holds exactly
 * WRITES * ROUNDS - 1 callbacks that only confirm a queued item.
 *
 * stdout: "coalesced=N" with that number, "done" at the end. */
#include <sys/socket.h>
#include "workload.h"

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5, writes = argc > 2 ? atoi(argv[2]) : 4;
	struct epoll_event ev = { .events = EPOLLIN }, got[4];
	char buf[4096];
	int sv[2], ep;

	if (rounds < 1 || writes < 1)
		die("usage: coalesce ROUNDS [WRITES]");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	ev.data.u64 = sv[0];
	if (epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev))
		die("epoll_ctl");
	for (int r = 0; r < rounds; r++) {
		for (int w = 0; w < writes; w++)
			if (write(sv[1], "x", 1) != 1)
				die("write");
		if (epoll_wait(ep, got, 4, 2000) != 1)
			die("epoll_wait did not return the socket");
		if (read(sv[0], buf, sizeof(buf)) != writes)
			die("read");
	}
	printf("coalesced=%d\ndone\n", rounds * writes - 1);
	close(sv[0]);
	close(sv[1]);
	close(ep);
	return 0;
}
