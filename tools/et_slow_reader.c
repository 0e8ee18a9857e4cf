/* et_slow_reader SECONDS [IDLE]: a correct edge-triggered reader that
 * takes its time, for --sets (tests/host/sets_live_stream.sh).
 *
 * A feeder thread writes 64 bytes into a pipe every FEED_US.  The main
 * thread waits on an epoll set holding the pipe's read end
 * (EPOLLIN|EPOLLET), and at each report works for WORK_US before it reads
 * the pipe to EAGAIN, then waits again -- the same call, with the same
 * six arguments (a 100 ms timeout) each time, as Go's runtime makes it.  So a good part of the time
 * the pipe holds input that no wait will report by a new edge, while the
 * thread is not asleep but about to read it: --sets must not call the
 * item stuck.  IDLE more fds (eventfds never written, default 0) are in
 * the set: probing them draws a look out, and a reader that read and
 * waited again meanwhile looks asleep in the same call throughout.
 * Prints "pid N" once its loop runs; exits after SECONDS. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include "workload.h"

#define FEED_US 300
#define WORK_US 100

static int pipe_fds[2];

static void *feeder(void *arg)
{
	char msg[64];

	memset(msg, 'x', sizeof(msg));
	for (;;) {
		if (write(pipe_fds[1], msg, sizeof(msg)) != sizeof(msg))
			die("write");
		usleep(FEED_US);
	}
	return arg;
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, got[4];
	char buf[4096];
	long end;
	pthread_t t;
	int ep;

	if (argc < 2 || argc > 3)
		die("usage: et_slow_reader SECONDS [IDLE]");
	end = wl_now_ms() + atol(argv[1]) * 1000;
	if (pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC))
		die("pipe2");
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = pipe_fds[0];
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, pipe_fds[0], &ev))
		die("epoll");
	for (long i = argc > 2 ? atol(argv[2]) : 0; i > 0; i--) {
		struct epoll_event idle = { .events = EPOLLIN };

		idle.data.fd = eventfd(0, EFD_CLOEXEC);
		if (idle.data.fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, idle.data.fd, &idle))
			die("eventfd");
	}
	if (pthread_create(&t, NULL, feeder, NULL))
		die("pthread_create");
	printf("pid %d\n", getpid());
	fflush(stdout);
	while (wl_now_ms() < end) {
		/* As Go's runtime waits: a raw epoll_pwait, the unused
		 * argument registers zero, so every call is the same. */
		int n = syscall(SYS_epoll_pwait, ep, got, 4, 100, NULL, 0);

		if (n < 0)
			die("epoll_wait");
		if (n == 0)
			continue;
		usleep(WORK_US);	/* the work a report starts */
		while (read(pipe_fds[0], buf, sizeof(buf)) > 0)
			;
		if (errno != EAGAIN)
			die("read");
	}
	return 0;
}
