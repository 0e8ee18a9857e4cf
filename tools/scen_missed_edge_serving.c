/* scen_missed_edge_serving: a server that goes on serving its other
 * clients while one edge-triggered client's data sits unread.
 *
 * Three accepted TCP connections, registered EPOLLIN|EPOLLET.  Client C
 * sends 100 bytes; the server reads 16 and never comes back to it.
 * Clients A and B send a 10-byte message every 50 ms for 1.8 s; the server
 * reads each to EAGAIN and echoes it.  So its waits return every 50 ms
 * and it never sleeps long: the evidence is that it keeps serving others
 * while C's input sits untouched.  epolltrace must warn missed_edge on C,
 * once, and nothing else. */
#include "scenario.h"

#define SERVE_MS	1800
#define PERIOD_MS	50

static int peer_a, peer_b;
static volatile int done;

static void *chatter(void *arg)
{
	while (!done) {
		sc_write(peer_a, 10);
		sc_write(peer_b, 10);
		msleep(PERIOD_MS);
	}
	return NULL;
}

int main(void)
{
	int ep, a, b, c, peer_c;
	struct epoll_event ev[16];
	bool c_seen = false;
	pthread_t t;
	char buf[64];

	ep = sc_epoll();
	sc_tcp_pair(&a, &peer_a);
	sc_tcp_pair(&b, &peer_b);
	sc_tcp_pair(&c, &peer_c);
	sc_add(ep, a, EPOLLIN | EPOLLET);
	sc_add(ep, b, EPOLLIN | EPOLLET);
	sc_add(ep, c, EPOLLIN | EPOLLET);
	sc_sync();

	sc_write(peer_c, 100);
	expect("\"event\":\"warning\",\"kind\":\"missed_edge\",\"epfd\":%d,"
	       "\"fd\":%d,\"_left\":84", ep, c);
	if (pthread_create(&t, NULL, chatter, NULL))
		die("pthread_create");
	for (long start = wl_now_ms(); wl_now_ms() - start < SERVE_MS;) {
		int n = epoll_wait(ep, ev, 16, 200);

		if (n < 0)
			die("epoll_wait");
		expect("\"event\":\"epoll_wait\",\"epfd\":%d,\"timeout_ms\":200,\"ret\":%d", ep, n);
		for (int i = 0; i < n; i++) {
			int fd = (int)ev[i].data.u64;

			if (fd == c) {
				if (c_seen)
					die("C reported twice");
				c_seen = true;
				sc_read(c, 16);		/* and never again */
				continue;
			}
			for (ssize_t got; (got = read(fd, buf, sizeof(buf))) > 0;)
				if (write(fd, buf, got) != got)
					die("echo");
		}
	}
	done = 1;
	pthread_join(t, NULL);
	if (!c_seen)
		die("C's data was never reported");
	/* Already warned about: closing it now adds nothing. */
	for (int i = 0, fds[] = { a, b, c }; i < 3; i++) {
		if (close(fds[i]))
			die("close");
		expect("\"event\":\"close\",\"fd\":%d,\"ret\":0,\"epfds\":[%d]", fds[i], ep);
	}
	return 0;
}
