/* epoll_inflight: blocked in epoll_wait when epolltrace attaches.
 *
 * Registers a pipe (data 0xfeed0000), writes WL_SYNC.ready with its pid
 * and the pipe's write fd ("PID WFD"), then blocks in epoll_wait with no
 * timeout.  The test attaches, then writes into the pipe through
 * /proc/PID/fd/WFD.  The wait entered before the attach returns; epolltrace
 * may show it or not, but if it does the values must be right: its record
 * is printed as "optional {...}", which expect.py skips.  The calls after
 * it must be traced as usual (no entry/exit pairing gone wrong). */
#include "epoll_expect.h"

int main(void)
{
	const char *base = getenv("WL_SYNC");
	char path[4096];
	int ep, p[2], ret;
	FILE *f;

	if (!base)
		die("WL_SYNC not set");
	ee_begin();
	ep = ee_create1(0);
	if (pipe(p))
		die("pipe");
	ee_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0xfeed0000, 0);
	snprintf(path, sizeof(path), "%s.ready", base);
	f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	fprintf(f, "%d %d\n", getpid(), p[1]);
	fclose(f);

	ret = epoll_wait(ep, ee_last, 4, -1);
	if (ret != 1 || ee_last[0].data.u64 != 0xfeed0000)
		die("in-flight wait returned %d", ret);
	printf("optional ");
	ee_quiet = false;
	ee_expect_wait(EE_WAIT, ep, 4, -1, ret, 0, ee_last);

	/* Traced from the start: entry and exit seen. */
	EE_WAIT_FOR(EE_PWAIT, ep, 4, 0, 1, 0xfeed0000);
	ee_ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 0xfeed0001, 0);
	EE_WAIT_FOR(EE_WAIT, ep, 4, 100, 1, 0xfeed0001);
	EE_WAIT_NONE(EE_WAIT, ep, 4, 0);
	ee_close(p[0]);
	ee_close(ep);
	ee_expect_exit(0);
	return 0;
}
