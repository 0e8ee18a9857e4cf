/* scen_ok_doorbell: an eventfd in counter mode as a wake-up fd, never read.
 *
 * The eventfd (EPOLLIN|EPOLLET, counter mode) is rung by another thread;
 * the event is delivered and the program does not read it, as mio's waker
 * does not: a read would take the whole count, and every write is a new
 * edge, so nothing waits for an edge that will not come.  Then it sleeps
 * in epoll_wait with the count at 1.  epolltrace must not warn, in any
 * mode: at the attach it finds the eventfd ready and not queued, but a
 * doorbell is never a suspect (and --sets must not mark it stuck).  Linux
 * before 6.3 does not say an eventfd's mode (fdinfo's eventfd-semaphore),
 * and there epolltrace judges it as any item: then the workload expects
 * the missed_edge warning (and the mark), as documented. */
#include <sys/eventfd.h>
#include "scenario.h"

static int efd;

static void trigger(void)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) != sizeof(one))
		die("eventfd write");
}

/* Does the kernel say an eventfd's mode in its fdinfo? */
static bool mode_shown(int fd)
{
	char path[64], line[256];
	bool shown = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		die("%s", path);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "eventfd-semaphore:", 18))
			shown = true;
	fclose(f);
	return shown;
}

int main(void)
{
	int ep;

	ep = sc_epoll();
	efd = eventfd(0, EFD_NONBLOCK);
	if (efd < 0)
		die("eventfd");
	sc_add(ep, efd, EPOLLIN | EPOLLET);
	sc_sync();

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, efd);
	if (!mode_shown(efd))
		sc_expect_stuck("missed_edge", ep, efd, -1, -1);
	sc_stall(ep);
	return 0;
}
