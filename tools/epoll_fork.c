/* epoll_fork: a child (and a grandchild) making epoll calls, for -f.
 *
 * The parent registers a pipe and an eventfd, then forks.  The child waits
 * on the inherited epoll set (the tracer must have copied the parent's
 * registrations to name the fd), makes a set of its own and forks a
 * grandchild that waits on that set.  Exit codes differ per process
 * (parent 0, child 3, grandchild 4) so exit records are told apart.
 *
 * stdout: the records epolltrace -f --json must show; each process prints
 * its own (pid differs).  Without -f only the parent's records are traced,
 * less the fork record. */
#include <sys/eventfd.h>
#include <sys/wait.h>
#include "epoll_expect.h"

static void reap(pid_t pid, int code)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != code)
		die("child %d: status %#x, wanted exit %d", pid, status, code);
}

static void grandchild(int ep2)
{
	/* The set is the child's (shared file), the data its last MOD. */
	EE_WAIT_FOR(EE_WAIT, ep2, 4, 1000, 1, 0x4444);
	ee_expect_exit(4);
	exit(4);
}

static void child(int ep, int p[2], int efd)
{
	int ep2;
	pid_t pid;

	if (write(p[1], "c", 1) != 1)
		die("write");
	EE_WAIT_FOR(EE_WAIT, ep, 4, 1000, 1, 0x1111);
	ep2 = ee_create1(EPOLL_CLOEXEC);
	ee_ctl(ep2, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLONESHOT, 0x3333, 0);
	eventfd_write(efd, 1);
	EE_WAIT_FOR(EE_PWAIT, ep2, 4, 1000, 1, 0x3333);
	/* Re-armed while still readable: queued again, for the grandchild. */
	ee_ctl(ep2, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 0x4444, 0);
	pid = ee_fork();
	if (pid == 0)
		grandchild(ep2);
	reap(pid, 4);
	/* The grandchild's wait disarmed the ONESHOT item in the shared set. */
	EE_WAIT_NONE(EE_PWAIT2, ep2, 4, 10);
	ee_ctl_ptr(ep2, EPOLL_CTL_DEL, efd, NULL, 0);
	ee_close(ep2);
	ee_expect_exit(3);
	exit(3);
}

int main(void)
{
	int ep, efd, p[2];
	char c;
	pid_t pid;

	ee_begin();
	ep = ee_create1(0);
	efd = eventfd(0, EFD_NONBLOCK);
	if (efd < 0 || pipe(p))
		die("eventfd/pipe");
	ee_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0x1111, 0);
	ee_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, 0x2222, 0);
	ee_sync();

	pid = ee_fork();
	if (pid == 0)
		child(ep, p, efd);
	reap(pid, 3);
	/* The child's write left the pipe readable and the eventfd written:
	 * the shared set has both (the ET eventfd was never collected here). */
	EE_WAIT_FOR(EE_PWAIT, ep, 4, 1000, 2, 0x1111, 0x2222);
	if (read(p[0], &c, 1) != 1)
		die("read");
	EE_WAIT_NONE(EE_WAIT, ep, 4, 0);
	ee_close(p[0]);
	ee_close(ep);
	ee_expect_exit(0);
	return 0;
}
