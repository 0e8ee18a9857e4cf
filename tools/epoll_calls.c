/* epoll_calls: every epoll call epolltrace decodes, in one thread.
 *
 * Creates (epoll_create with a size, epoll_create1 with 0 and
 * EPOLL_CLOEXEC), ADD/MOD/DEL on a pipe, an eventfd, a socketpair and a TCP
 * pair over 127.0.0.1, each flag of the events mask alone and all together,
 * 64-bit data values, the error paths (EFAULT, EBADF, EEXIST, ENOENT,
 * EINVAL, EPERM), DEL with a NULL pointer, the three waits returning known
 * events, timeouts of 0 and > 0, and the closes epolltrace reports.
 *
 * stdout: the records epolltrace --json must show (tools/epoll_expect.h);
 * with WL_TEXT=PATH, PATH gets the exact lines of its text output.
 * With WL_SYNC set it stops after its first registrations so a test can
 * attach; the first wait after that must still name the fds registered
 * before the attach. */
#include <fcntl.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "epoll_expect.h"

#define DATA_BIG 0xdeadbeefcafef00dULL
#define DATA_PTR 0x7ffc00001234ULL	/* looks like a pointer, as in real servers */
#define ALL_BUT_EXCLUSIVE (EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP | \
	EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | EPOLLMSG | \
	EPOLLRDHUP | EPOLLWAKEUP | EPOLLONESHOT | EPOLLET)
#define EXCLUSIVE_OK (EPOLLEXCLUSIVE | EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | \
	EPOLLWAKEUP | EPOLLET)
/* A kernel address: fails access_ok(), so the wait gives EFAULT at once. */
#define KERNEL_PTR ((void *)0xffffffff81000000UL)

static void drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void put(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die("write %d", fd);
}

static int make_nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		die("fcntl O_NONBLOCK");
	return fd;
}

/* The three waits returning known events, then the ONESHOT re-arm. */
static void waits(int ep, int p[2], int efd, int sv[2])
{
	put(p[1], "x");
	EE_WAIT_FOR(EE_WAIT, ep, 8, 1000, 1, DATA_BIG);
	if (ee_last[0].events != EPOLLIN)
		die("pipe: events %#x", ee_last[0].events);
	drain(p[0]);

	eventfd_write(efd, 1);
	EE_WAIT_FOR(EE_PWAIT, ep, 8, 1000, 1, DATA_PTR);
	/* ET and not written again: nothing, at once. */
	EE_WAIT_NONE(EE_PWAIT_MASK, ep, 8, 0);

	put(sv[1], "y");
	EE_WAIT_FOR(EE_PWAIT2, ep, 8, -1, 1, 0);
	/* ONESHOT fired: more data does not make it ready. */
	put(sv[1], "y");
	EE_WAIT_NONE(EE_PWAIT2, ep, 8, 0);
	ee_ctl(ep, EPOLL_CTL_MOD, sv[0], EPOLLIN | EPOLLONESHOT, 0x5, 0);
	EE_WAIT_FOR(EE_PWAIT2, ep, 8, 1500, 1, 0x5);
	drain(sv[0]);

	/* Two ready at once, then more ready than maxevents. */
	put(p[1], "x");
	eventfd_write(efd, 1);
	EE_WAIT_FOR(EE_PWAIT_MASK, ep, 8, 1000, 2, DATA_BIG, DATA_PTR);
	eventfd_write(efd, 1);
	EE_WAIT_FOR(EE_WAIT, ep, 1, 1000, 1, DATA_BIG, DATA_PTR);
	EE_WAIT_FOR(EE_WAIT, ep, 1, 1000, 1, DATA_BIG, DATA_PTR);
	drain(p[0]);
}

/* Each flag of the events mask alone (MOD), all of them, an unknown bit,
 * EPOLLEXCLUSIVE (ADD only), 64-bit data values. */
static void flags(int ep, int efd, int rfd)
{
	static const uint32_t each[] = {
		EPOLLIN, EPOLLPRI, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDNORM,
		EPOLLRDBAND, EPOLLWRNORM, EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP,
		EPOLLWAKEUP, EPOLLONESHOT, EPOLLET,
	};

	ee_ctl(ep, EPOLL_CTL_ADD, efd, 0, 0x1, 0);
	for (unsigned i = 0; i < sizeof(each) / sizeof(each[0]); i++)
		ee_ctl(ep, EPOLL_CTL_MOD, efd, each[i], 0x100 + i, 0);
	ee_ctl(ep, EPOLL_CTL_MOD, efd, ALL_BUT_EXCLUSIVE, DATA_BIG, 0);
	ee_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | 0x800, 0xffffffffffffffffULL, 0);
	ee_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0, 0);
	ee_ctl(ep, EPOLL_CTL_ADD, rfd, EXCLUSIVE_OK, 0x8000000000000000ULL, 0);
	/* An exclusive item cannot be modified, nor can MOD set EXCLUSIVE. */
	ee_ctl(ep, EPOLL_CTL_MOD, rfd, EPOLLIN, 0x2, EINVAL);
	ee_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLEXCLUSIVE, 0x3, EINVAL);
	/* DEL ignores its struct (Python's selectors pass one, whatever it
	 * holds): the pointer is shown, as strace shows it, not the junk. */
	{
		/* At a fixed address: the expected lines of a run untraced and
		 * of a traced one are compared. */
		void *at = (void *)0x5a5a0000UL;
		struct epoll_event *junk = mmap(at, 4096, PROT_READ | PROT_WRITE,
						MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (junk != at)
			die("mmap at %p", at);
		junk->events = EPOLLOUT | EPOLLMSG | 0x5800;
		junk->data.u64 = 0x55;
		ee_ctl_ptr(ep, EPOLL_CTL_DEL, efd, junk, 0);
		munmap(junk, 4096);
	}
	ee_ctl_ptr(ep, EPOLL_CTL_DEL, rfd, NULL, 0);
}

/* The error paths.  The fds they name must be what they are for as long
 * as the process lives, so the text names them the same however late the
 * tracer looks: the regular file stays open to the end (*regular), the
 * closed number is far above any the workload opens. */
#define CLOSED_FD 512
static void errors(int ep, int efd, int pipefd, int *regular_out)
{
	char path[] = "/tmp/epoll_calls.XXXXXX";
	struct epoll_event evs[4];
	int closed, regular;

	regular = mkstemp(path);
	if (regular < 0)
		die("mkstemp");
	unlink(path);
	/* A free fd number, never opened again. */
	closed = fcntl(regular, F_DUPFD, CLOSED_FD);
	if (closed != CLOSED_FD || close(closed))
		die("fd %d is not free", CLOSED_FD);

	ee_ctl_ptr(ep, EPOLL_CTL_ADD, efd, (void *)1, EFAULT);
	ee_ctl_ptr(ep, EPOLL_CTL_MOD, efd, (void *)1, EFAULT);
	ee_ctl(ep, EPOLL_CTL_ADD, closed, EPOLLIN, 0x11, EBADF);
	ee_ctl(closed, EPOLL_CTL_ADD, efd, EPOLLIN, 0x12, EBADF);
	ee_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x13, 0);
	ee_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x14, EEXIST);
	ee_ctl_ptr(ep, EPOLL_CTL_DEL, efd, NULL, 0);
	ee_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0x15, ENOENT);
	ee_ctl_ptr(ep, EPOLL_CTL_DEL, efd, NULL, ENOENT);
	ee_ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0x16, EINVAL);
	ee_ctl(pipefd, EPOLL_CTL_ADD, efd, EPOLLIN, 0x17, EINVAL);
	ee_ctl(ep, EPOLL_CTL_ADD, regular, EPOLLIN, 0x18, EPERM);
	ee_ctl(ep, 7, efd, EPOLLIN, 0x19, EINVAL);
	ee_create(0, EINVAL);

	ee_wait_err(EE_WAIT, ep, evs, 0, 0, EINVAL);
	ee_wait_err(EE_PWAIT, closed, evs, 4, 0, EBADF);
	ee_wait_err(EE_WAIT, pipefd, evs, 4, 0, EINVAL);
	ee_wait_err(EE_PWAIT2, ep, KERNEL_PTR, 4, 0, EFAULT);
	*regular_out = regular;
}

/* One wait returning more events than one record of the tracer carries
 * (bpf/epolltrace.h: WAIT_CHUNK). */
#define MANY 150
static void many(void)
{
	uint64_t data[MANY];
	int ep = ee_create1(0), fds[MANY];

	for (int i = 0; i < MANY; i++) {
		fds[i] = eventfd(1, EFD_NONBLOCK);
		if (fds[i] < 0)
			die("eventfd");
		data[i] = 0x1000 + i;
		ee_ctl(ep, EPOLL_CTL_ADD, fds[i], i % 2 ? EPOLLIN | EPOLLET : EPOLLIN, data[i], 0);
	}
	ee_wait_for(EE_WAIT, ep, 200, 1000, MANY, data, MANY);
	ee_close(ep);
	for (int i = 0; i < MANY; i++)
		close(fds[i]);	/* their only set is gone: not traced */
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A wait cut short by a signal: EINTR after the signal's delay. */
static void interrupted(int ep)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { .it_value = { 0, 50000 } };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	ee_wait_err_after(EE_WAIT, ep, 4, 5000, EINTR, 50);
}

/* A TCP pair over 127.0.0.1: listener, both ends, RDHUP on shutdown. */
static void tcp(int ep)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int lfd, cfd, afd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 4) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len))
		die("listen");
	ee_ctl(ep, EPOLL_CTL_ADD, lfd, EPOLLIN, lfd, 0);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	EE_WAIT_FOR(EE_WAIT, ep, 8, 1000, 1, lfd);
	afd = make_nonblock(accept(lfd, NULL, NULL));
	ee_ctl_ptr(ep, EPOLL_CTL_DEL, lfd, NULL, 0);
	ee_ctl(ep, EPOLL_CTL_ADD, afd, EPOLLIN | EPOLLRDHUP | EPOLLET, 0xa0000000ULL + afd, 0);
	ee_ctl(ep, EPOLL_CTL_ADD, cfd, EPOLLOUT, 0xc0000000ULL + cfd, 0);
	EE_WAIT_FOR(EE_PWAIT, ep, 8, 1000, 1, 0xc0000000ULL + cfd);
	if (ee_last[0].events != EPOLLOUT)
		die("tcp: connecting end events %#x", ee_last[0].events);
	ee_ctl(ep, EPOLL_CTL_MOD, cfd, EPOLLIN, 0xc0000000ULL + cfd, 0);
	put(cfd, "hello");
	EE_WAIT_FOR(EE_WAIT, ep, 8, 1000, 1, 0xa0000000ULL + afd);
	drain(afd);
	if (shutdown(cfd, SHUT_WR))
		die("shutdown");
	EE_WAIT_FOR(EE_PWAIT2, ep, 8, 1000, 1, 0xa0000000ULL + afd);
	if (ee_last[0].events != (EPOLLIN | EPOLLRDHUP))
		die("tcp: no RDHUP, events %#x", ee_last[0].events);
	/* Live a moment, as connections do, so the text output can name the
	 * sockets by their addresses (looked up in /proc while they exist). */
	msleep(300);
	close(lfd);		/* DEL'ed before: not traced */
	ee_close(cfd);
	ee_close(afd);
}

/* A proxy's upstream: registered before connect(), then used and closed
 * at once, before the tracer reads the records, too late to ask the
 * kernel then.  Every line after the connect names it by its addresses
 * all the same: the kernel side sends the name ahead of its first
 * readiness once it has one. */
static void upstream(int ep)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	uint64_t data;
	int lfd, ufd, afd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 4) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len))
		die("listen");
	ufd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (ufd < 0)
		die("socket");
	data = 0xd0000000ULL + ufd;
	ee_ctl(ep, EPOLL_CTL_ADD, ufd, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, data, 0);
	if (connect(ufd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS)
		die("connect");
	EE_WAIT_FOR(EE_WAIT, ep, 8, 1000, 1, data);
	afd = accept(lfd, NULL, NULL);
	if (afd < 0)
		die("accept");
	put(afd, "reply");
	EE_WAIT_FOR(EE_WAIT, ep, 8, 1000, 1, data);
	drain(ufd);
	ee_close(ufd);
	close(afd);
	close(lfd);
}

int main(void)
{
	int ep, ep2, ep3, efd, efd2, p[2], p2[2], sv[2], regular;

	ee_begin();
	/* Before the sync point: in attach mode epolltrace learns these
	 * registrations from /proc/PID/fdinfo. */
	ep = ee_create1(0);
	if (pipe(p) || pipe(p2) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("pipe/socketpair");
	make_nonblock(p[0]);
	make_nonblock(sv[0]);
	efd = eventfd(0, EFD_NONBLOCK);
	efd2 = eventfd(0, EFD_NONBLOCK);
	if (efd < 0 || efd2 < 0)
		die("eventfd");
	ee_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, DATA_BIG, 0);
	ee_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, DATA_PTR, 0);
	ee_ctl(ep, EPOLL_CTL_ADD, sv[0], EPOLLIN | EPOLLONESHOT, 0, 0);
	ee_sync();

	waits(ep, p, efd, sv);

	/* Timeouts that expire, on an empty set, for each wait. */
	ep2 = ee_create(5, 0);
	EE_WAIT_NONE(EE_WAIT, ep2, 4, 30);
	EE_WAIT_NONE(EE_PWAIT, ep2, 4, 30);
	EE_WAIT_NONE(EE_PWAIT2, ep2, 4, 30);
	interrupted(ep2);

	ep3 = ee_create1(EPOLL_CLOEXEC);
	flags(ep3, efd2, p2[0]);
	errors(ep3, efd2, p2[0], &regular);
	tcp(ep);
	upstream(ep);
	many();

	/* Closes: an fd in two sets, a nested epoll fd, epoll fds. */
	ee_ctl(ep3, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x30, 0);
	ee_close(p[0]);
	ee_ctl(ep, EPOLL_CTL_ADD, ep3, EPOLLIN, 0xe3, 0);
	ee_close(ep3);
	ee_close(ep2);
	close(p[1]);		/* never registered: not traced */
	close(regular);		/* never registered: not traced */
	ee_close(efd);
	ee_close(sv[0]);
	ee_close(ep);
	ee_expect_exit(0);
	return 0;
}
