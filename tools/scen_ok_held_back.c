/* scen_ok_held_back: a proxy that stops reading its upstream while its
 * output is full (backpressure), then goes on.
 *
 * Upstream U, the accepted end of a loopback connection, is registered
 * EPOLLIN|EPOLLET; the output, the write end C of a pipe whose reader is
 * slow, EPOLLOUT|EPOLLET, full (written to EAGAIN) before it is
 * registered.  The upstream sends 1000 bytes; the program reads 100,
 * cannot forward them (C: EAGAIN), keeps them and leaves the other 900 in
 * U: it waits for EPOLLOUT on C.  RELEASE_MS after the go (in hung mode:
 * after the attach, when epolltrace found U ready and not queued) the
 * reader starts reading; C's EPOLLOUT comes, the program forwards what it
 * holds and drains U to EAGAIN (no new edge on U) into C.  Unread input
 * while the program waits for an output it cannot write is held back,
 * not a missed edge: no warning.  --sets, at the attach point, marks U
 * "held back". */
#include "scenario.h"

#define RELEASE_MS 1000
#define BODY 1000

static int u_peer, out[2];

static void trigger(void)
{
	sc_write(u_peer, BODY);
}

/* The slow reader: reads everything once released. */
static void *reader(void *arg)
{
	char buf[65536];
	long total = 0, want = *(long *)arg;

	while (sc_after_go_ms() < RELEASE_MS)
		msleep(10);
	while (total < want) {
		ssize_t n = read(out[0], buf, sizeof(buf));

		if (n <= 0)
			die("reader: read after %ld of %ld bytes", total, want);
		total += n;
	}
	return NULL;
}

int main(void)
{
	struct epoll_event ev[16];
	char buf[BODY], fill[4096];
	int ep, u, c;
	long filled = 0, held, want;
	ssize_t n;
	pthread_t t;

	ep = sc_epoll();
	sc_tcp_pair(&u, &u_peer);
	if (pipe2(out, 0))
		die("pipe2");
	c = out[1];
	sc_nonblock(c);
	memset(fill, 'f', sizeof(fill));
	while ((n = write(c, fill, sizeof(fill))) > 0)
		filled += n;
	if (errno != EAGAIN)
		die("filling the output");
	sc_add(ep, u, EPOLLIN | EPOLLET);
	sc_add(ep, c, EPOLLOUT | EPOLLET);
	sc_sync();

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, u);
	sc_read(u, 100);
	held = 100;
	if (write(c, buf, held) >= 0 || errno != EAGAIN)
		die("the output is not full");
	sc_expect_sets_mark(ep, u, "held_back");
	want = filled + BODY;
	if (pthread_create(&t, NULL, reader, &want))
		die("pthread_create");
	sc_midflight();
	/* Waits for EPOLLOUT on the output, in ticks. */
	for (;;) {
		int got = sc_wait_any(ep, SC_TICK_MS, ev);

		if (got == 1 && (int)ev[0].data.u64 == c && (ev[0].events & EPOLLOUT))
			break;
		if (got) {
			errno = 0;
			die("woken by fd %d events %#x before the output's EPOLLOUT",
			    (int)ev[0].data.u64, ev[0].events);
		}
	}
	/* Forward what it held, then the rest of the upstream, to EAGAIN. */
	for (;;) {
		while (held > 0) {
			n = write(c, buf, held);
			if (n < 0 && errno == EAGAIN) {
				msleep(5);
				continue;
			}
			if (n <= 0)
				die("forward");
			held -= n;
		}
		n = read(u, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			die("upstream read");
		held = n;
	}
	pthread_join(t, NULL);
	sc_join_helper();
	sc_stall_for(ep, SC_STALL_MS);
	return 0;
}
