/* scen_ok_stream lt|et: a pipe with a live stream, read correctly, for
 * attaching mid-flight.
 *
 * A feeder thread writes a 100-byte message into the pipe 20 ms after
 * the program has read the one before (paced by the reader, so that a
 * slow machine, an emulated one with 25 such programs, cannot leave the
 * program forever behind and never asleep: hung mode's attach point).
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

#define MESSAGE_BYTES 100

static int p[2];
static volatile int stop;
static unsigned long consumed;	/* bytes the program has read */

static void *feeder(void *arg)
{
	unsigned long written = 0;

	while (!stop) {
		sc_write(p[1], MESSAGE_BYTES);
		written += MESSAGE_BYTES;
		while (!stop && __atomic_load_n(&consumed, __ATOMIC_ACQUIRE) < written)
			msleep(1);
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
		if (n == 1) {
			/* et: a report may find what it announced read already */
			ssize_t got = et ? (ssize_t)sc_drain(p[0], 64) : read(p[0], buf, sizeof(buf));

			if (got < 0 || (!et && got == 0))
				die("read");
			__atomic_add_fetch(&consumed, got, __ATOMIC_RELEASE);
		}
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
