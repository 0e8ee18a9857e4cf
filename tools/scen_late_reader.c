/* scen_late_reader DELAY_MS|never: an edge-triggered pipe handed to a
 * worker thread that takes its time, as a runtime with its own ready
 * queue does.
 *
 * 100 bytes go into a pipe registered with EPOLLIN|EPOLLET; the waiter
 * reads 10 bytes, hands the fd to the worker and sleeps in epoll_wait.
 * The worker reads the rest DELAY_MS later (never: it does not, before
 * the program ends).  The input sits unread for longer than --stall plus
 * --confirm, so epolltrace must warn missed_edge once; then, if the
 * worker reads with no new edge, retract that warning and note that the
 * program keeps its own readiness; if it never reads, say nothing more. */
#include "scenario.h"

static int ep, p[2];
static long delay_ms = -1;

static void *worker(void *arg)
{
	msleep(delay_ms);
	if (sc_drain(p[0], 64) != 90)
		die("worker: wrong byte count");
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 2)
		die("usage: scen_late_reader DELAY_MS|never");
	if (strcmp(argv[1], "never"))
		delay_ms = atol(argv[1]);
	ep = sc_epoll();
	sc_pipe(p);
	sc_add(ep, p[0], EPOLLIN | EPOLLET);
	sc_sync();

	sc_write(p[1], 100);
	sc_wait_one(ep, 1000, p[0]);
	sc_read(p[0], 10);
	expect("\"event\":\"warning\",\"kind\":\"missed_edge\",\"epfd\":%d,"
	       "\"fd\":%d,\"_left\":90", ep, p[0]);
	if (delay_ms >= 0) {
		expect("\"event\":\"retracted\",\"kind\":\"missed_edge\",\"epfd\":%d,\"fd\":%d",
		       ep, p[0]);
		expect("\"event\":\"note\",\"kind\":\"own_readiness\",\"epfd\":%d,\"fd\":%d",
		       ep, p[0]);
		if (pthread_create(&t, NULL, worker, NULL))
			die("pthread_create");
	}
	/* Asleep while the worker works, and a while after. */
	sc_stall_for(ep, (delay_ms > 0 ? delay_ms : 0) + SC_STALL_MS);
	if (delay_ms >= 0)
		pthread_join(t, NULL);
	return 0;
}
