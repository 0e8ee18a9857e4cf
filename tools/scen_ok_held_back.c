/* scen_ok_held_back: a proxy that stops reading its upstream while its
 * client is slow (backpressure), then goes on.
 *
 * Upstream U (EPOLLIN|EPOLLET) and client C (EPOLLOUT|EPOLLET), both
 * accepted ends of loopback connections.  C's send side is full (its peer
 * reads nothing yet) before it is registered.  The upstream sends 1000
 * bytes; the program reads 100, cannot forward them (C: EAGAIN), keeps
 * them and leaves the other 900 in U: it waits for EPOLLOUT on C.
 * RELEASE_MS after the go (in hung mode: after the attach, when epolltrace
 * found U ready and not queued) the client starts reading; C's EPOLLOUT
 * comes, the program forwards what it holds and drains U to EAGAIN (no new
 * edge on U) into C.  Unread input while C cannot be written is held back,
 * not a missed edge: no warning.  --sets, at the attach point, marks U
 * "held back". */
#include "scenario.h"

#define RELEASE_MS 1000
#define BODY 1000

static int u_peer, c_peer;

static void trigger(void)
{
	sc_write(u_peer, BODY);
}

/* The slow client: reads everything once released. */
static void *client(void *arg)
{
	char buf[65536];
	long total = 0, want = *(long *)arg;
	int big = 1 << 20;

	while (sc_after_go_ms() < RELEASE_MS)
		msleep(10);
	/* A tiny receive window would trickle through zero-window probes. */
	if (setsockopt(c_peer, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)))
		die("setsockopt");
	while (total < want) {
		ssize_t n = read(c_peer, buf, sizeof(buf));

		if (n <= 0)
			die("client read after %ld of %ld bytes", total, want);
		total += n;
	}
	return NULL;
}

int main(void)
{
	struct epoll_event ev[16];
	char buf[BODY], fill[65536];
	int ep, u, c, small = 4096;
	long filled = 0, held, want;
	ssize_t n;
	pthread_t t;

	ep = sc_epoll();
	sc_tcp_pair(&u, &u_peer);
	sc_tcp_pair(&c, &c_peer);
	/* Small buffers fill at once and stay full while nobody reads. */
	if (setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)) ||
	    setsockopt(c_peer, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)))
		die("setsockopt");
	memset(fill, 'f', sizeof(fill));
	while ((n = write(c, fill, sizeof(fill))) > 0)
		filled += n;
	if (errno != EAGAIN)
		die("filling the client's send side");
	sc_add(ep, u, EPOLLIN | EPOLLET);
	sc_add(ep, c, EPOLLOUT | EPOLLET);
	sc_sync();

	sc_trigger(trigger);
	sc_wait_one(ep, 1000, u);
	sc_read(u, 100);
	held = 100;
	if (write(c, buf, held) >= 0 || errno != EAGAIN)
		die("the client's send side is not full");
	sc_expect_sets_mark(ep, u, "held_back");
	want = filled + BODY;
	if (pthread_create(&t, NULL, client, &want))
		die("pthread_create");
	sc_midflight();
	/* Waits for EPOLLOUT on the client, in ticks. */
	for (;;) {
		int got = sc_wait_any(ep, SC_TICK_MS, ev);

		if (got == 1 && (int)ev[0].data.u64 == c && (ev[0].events & EPOLLOUT))
			break;
		if (got) {
			errno = 0;
			die("woken by fd %d events %#x before the client's EPOLLOUT",
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
