/* epoll_blocked: a wait entered before epolltrace attaches, returning after.
 *
 * usage: WL_SYNC=BASE epoll_blocked wait|pwait|pwait2 [thread]
 *
 * Registers a pipe (data 0xb10c0000), writes BASE.ready ("PID WFD TID"),
 * then blocks in the wait named (in a second thread with "thread"), with a
 * 60.5 s timeout (epoll_pwait2: a timespec).  The test attaches, then
 * writes into the pipe through /proc/PID/fd/WFD.  epolltrace must record
 * that wait's return with its arguments and result, marked before_attach,
 * and trace the calls after it as usual. */
#include "epoll_expect.h"

#define TIMEOUT_MS 60500
#define PIPE_DATA 0xb10c0000ULL

static int ep, rfd, wfd, kind;

static void *blocked_wait(void *unused)
{
	const char *base = getenv("WL_SYNC");
	char path[4096];
	int ret;
	FILE *f;

	snprintf(path, sizeof(path), "%s.ready", base);
	f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	fprintf(f, "%d %d %d\n", getpid(), wfd, gettid());
	fclose(f);

	ret = ee_wait_call(kind, ep, ee_last, 4, TIMEOUT_MS);
	if (ret != 1 || ee_last[0].data.u64 != PIPE_DATA)
		die("the blocked %s returned %d", ee_wait_name(kind), ret);
	EXPECT("\"event\":\"epoll_wait\",\"syscall\":\"%s\",\"epfd\":%d,\"maxevents\":4,"
	       "\"timeout_ms\":%d,\"ret\":1,\"ready\":[{\"fd\":%d,\"events\":[\"EPOLLIN\"],"
	       "\"data\":\"0x%llx\"}],\"before_attach\":true",
	       ee_wait_name(kind), ep, TIMEOUT_MS, rfd, PIPE_DATA);
	/* Traced from its entry. */
	EE_WAIT_FOR(kind, ep, 4, 0, 1, PIPE_DATA);
	return NULL;
}

int main(int argc, char **argv)
{
	int p[2];

	if (argc < 2 || !getenv("WL_SYNC"))
		die("usage: WL_SYNC=BASE epoll_blocked wait|pwait|pwait2 [thread]");
	kind = !strcmp(argv[1], "wait") ? EE_WAIT : !strcmp(argv[1], "pwait") ? EE_PWAIT :
	       !strcmp(argv[1], "pwait2") ? EE_PWAIT2 : -1;
	if (kind < 0)
		die("unknown wait %s", argv[1]);
	ee_begin();
	ep = ee_create1(0);
	if (pipe(p))
		die("pipe");
	rfd = p[0];
	wfd = p[1];
	ee_ctl(ep, EPOLL_CTL_ADD, rfd, EPOLLIN, PIPE_DATA, 0);
	/* Printed from here on: the records epolltrace must show. */
	ee_quiet = false;
	if (argc > 2 && !strcmp(argv[2], "thread")) {
		pthread_t t;

		if (pthread_create(&t, NULL, blocked_wait, NULL) || pthread_join(t, NULL))
			die("thread");
	} else {
		blocked_wait(NULL);
	}
	ee_close(rfd);
	ee_close(ep);
	ee_expect_exit(0);
	return 0;
}
