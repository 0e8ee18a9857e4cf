/* scen_ok_stream lt|et: a pipe with a live stream, read correctly, for
 * attaching mid-flight.
 *
 * A feeder thread writes a 100-byte message into the pipe every 20 ms.
 * lt: the pipe is registered EPOLLIN and the program reads 16 bytes per
 * wakeup (level-triggered reports it again while anything is left);
 * et: EPOLLIN|EPOLLET, and the program reads to EAGAIN at each event.
 * The stream runs STREAM_MS after the go (in hung mode the attach point
 * is where the stream begins, so epolltrace attaches while input comes
 * and goes, and the program sleeps in epoll_wait between messages), then
 * the program reads what is left and sleeps with nothing pending.
 * epolltrace must stay silent, and --sets mark nothing. */
#include "scenario.h"

#define STREAM_MS 1000
#define PERIOD_MS 20

static int p[2];
static volatile int stop;

static void *feeder(void *arg)
{
	while (!stop) {
		sc_write(p[1], 100);
		msleep(PERIOD_MS);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct epoll_event ev[16];
	bool et;
	char buf[16];
	pthread_t t;
	int ep;

	if (argc != 2 || (strcmp(argv[1], "lt") && strcmp(argv[1], "et")))
		die("usage: scen_ok_stream lt|et");
	et = !strcmp(argv[1], "et");
	ep = sc_epoll();
	sc_pipe(p);
	sc_add(ep, p[0], et ? EPOLLIN | EPOLLET : EPOLLIN);
	sc_sync();

	if (pthread_create(&t, NULL, feeder, NULL))
		die("pthread_create");
	sc_midflight();
	for (;;) {
		int n = sc_wait_any(ep, SC_TICK_MS, ev);

		if (n > 1 || (n == 1 && (int)ev[0].data.u64 != p[0])) {
			errno = 0;
			die("unexpected events");
		}
		if (n == 1 && et)
			sc_drain(p[0], 64);
		else if (n == 1 && read(p[0], buf, sizeof(buf)) <= 0)
			die("read");
		if (!stop && sc_after_go_ms() >= STREAM_MS) {
			stop = 1;
			pthread_join(t, NULL);
		}
		/* A tick with nothing after the stream: all read. */
		if (stop && n == 0)
			break;
	}
	sc_join_helper();
	sc_stall_for(ep, SC_STALL_MS);
	return 0;
}
