/* scen_ok_worker_handoff: a waiter thread hands ready fds to a worker.
 *
 * A pipe is registered with EPOLLIN|EPOLLET.  The waiter thread collects
 * each event, hands the fd to the worker thread and goes straight back to
 * epoll_wait; the worker drains the pipe (to EAGAIN) 50 ms later.  So the
 * waiter sleeps in epoll_wait on an fd that is not drained yet, but only
 * for 50 ms, well under the stall threshold.  Three rounds, 300 ms apart,
 * then the waiter sleeps with nothing pending.  epolltrace must stay
 * silent. */
#include "scenario.h"

#define ROUNDS 3

static int ep, p[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t handed = PTHREAD_COND_INITIALIZER;
static int queued;	/* fds handed over and not yet taken */

static void *waiter(void *arg)
{
	for (int round = 0; round < ROUNDS; round++) {
		sc_wait_one(ep, 1000, p[0]);
		pthread_mutex_lock(&lock);
		queued++;
		pthread_cond_signal(&handed);
		pthread_mutex_unlock(&lock);
	}
	sc_stall(ep);
	return NULL;
}

static void *worker(void *arg)
{
	for (int round = 0; round < ROUNDS; round++) {
		pthread_mutex_lock(&lock);
		while (!queued)
			pthread_cond_wait(&handed, &lock);
		queued--;
		pthread_mutex_unlock(&lock);
		msleep(50);	/* the work before the read */
		if (sc_drain(p[0], 16) != 100)
			die("drain: wrong byte count");
	}
	return NULL;
}

int main(void)
{
	pthread_t tw, tk;

	ep = sc_epoll();
	sc_pipe(p);
	sc_add(ep, p[0], EPOLLIN | EPOLLET);
	sc_sync();

	if (pthread_create(&tw, NULL, waiter, NULL) ||
	    pthread_create(&tk, NULL, worker, NULL))
		die("pthread_create");
	for (int round = 0; round < ROUNDS; round++) {
		sc_write(p[1], 100);
		msleep(300);
	}
	pthread_join(tw, NULL);
	pthread_join(tk, NULL);
	return 0;
}
