/* epoll_threads: several threads making epoll calls at the same time, so
 * each record must carry its own thread's tid.
 *
 * Each worker has its own epoll set and eventfd, registered with the SAME
 * data value in every set (0x5eed): the tracer must resolve data per epoll
 * set to name the right fd.  Each also registers its eventfd in one set
 * shared by all.  After the sync point (attach mode: threads already
 * running), the workers wait, MOD, DEL and close concurrently, and one more
 * thread is started, which must be traced too.
 *
 * stdout: the records epolltrace --json must show (tools/epoll_expect.h). */
#include <sys/eventfd.h>
#include "epoll_expect.h"

#define WORKERS 4
#define SAME_DATA 0x5eedULL

static int shared_ep;
static pthread_barrier_t registered, go;

struct worker { pthread_t thread; int index; };

static void *work(void *arg)
{
	struct worker *w = arg;
	uint64_t shared_data = 0x100000000ULL * (w->index + 1);
	int ep, efd;

	ep = ee_create1(w->index % 2 ? EPOLL_CLOEXEC : 0);
	efd = eventfd(0, EFD_NONBLOCK);
	if (efd < 0)
		die("eventfd");
	ee_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, SAME_DATA, 0);
	ee_ctl(shared_ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, shared_data, 0);
	pthread_barrier_wait(&registered);
	pthread_barrier_wait(&go);	/* main passed the sync point */

	eventfd_write(efd, 1);
	EE_WAIT_FOR(EE_WAIT, ep, 4, 1000, 1, SAME_DATA);
	/* Level-triggered and not read: still there. */
	EE_WAIT_FOR(EE_PWAIT, ep, 4, 0, 1, SAME_DATA);
	eventfd_read(efd, &(eventfd_t){ 0 });
	EE_WAIT_NONE(EE_PWAIT2, ep, 4, 0);
	ee_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET, SAME_DATA + 1, 0);
	eventfd_write(efd, 1);
	EE_WAIT_FOR(EE_PWAIT_MASK, ep, 4, 1000, 1, SAME_DATA + 1);
	EE_WAIT_NONE(EE_WAIT, ep, 4, 20);
	ee_ctl_ptr(shared_ep, EPOLL_CTL_DEL, efd, NULL, 0);
	ee_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, SAME_DATA, EEXIST);
	ee_close(efd);
	ee_close(ep);
	return NULL;
}

/* Started after the sync point: in attach mode a thread born after the
 * attach. */
static void *late(void *arg)
{
	int ep = ee_create1(0);
	int efd = eventfd(1, 0);

	ee_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLONESHOT, 0x1a7e, 0);
	EE_WAIT_FOR(EE_PWAIT2, ep, 2, -1, 1, 0x1a7e);
	EE_WAIT_NONE(EE_PWAIT2, ep, 2, 0);
	ee_close(ep);
	close(efd);		/* its set is gone: not traced */
	return arg;
}

int main(void)
{
	struct worker w[WORKERS];
	pthread_t t;

	ee_begin();
	shared_ep = ee_create1(0);
	pthread_barrier_init(&registered, NULL, WORKERS + 1);
	pthread_barrier_init(&go, NULL, WORKERS + 1);
	for (int i = 0; i < WORKERS; i++) {
		w[i].index = i;
		if (pthread_create(&w[i].thread, NULL, work, &w[i]))
			die("pthread_create");
	}
	pthread_barrier_wait(&registered);
	ee_sync();
	pthread_barrier_wait(&go);
	if (pthread_create(&t, NULL, late, NULL))
		die("pthread_create");
	for (int i = 0; i < WORKERS; i++)
		pthread_join(w[i].thread, NULL);
	pthread_join(t, NULL);
	/* Every worker took its fd out of the shared set. */
	EE_WAIT_NONE(EE_PWAIT, shared_ep, 8, 0);
	ee_close(shared_ep);
	ee_expect_exit(0);
	return 0;
}
