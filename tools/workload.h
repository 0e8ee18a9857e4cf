/* Helpers shared by the workload programs in tools/.
 *
 * A workload knows what epolltrace must show for the calls it makes: it
 * prints each expected record as one JSON object per line on stdout
 * (expect()), and tests/expect.py checks them against the trace.
 *
 * Attach mode: with WL_SYNC=PATH set, wl_sync_point() writes PATH.ready
 * and waits until PATH.go exists, so a test can attach epolltrace -p
 * after the workload made its registrations. */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/stat.h>

static inline void die(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	exit(2);
}

/* One expected trace record, as a JSON object body without braces:
 * expect("\"event\":\"epoll_ctl\",\"fd\":%d", fd) */
static inline void expect(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("{\"pid\":%d,\"tid\":%d,", getpid(), gettid());
	vprintf(fmt, ap);
	printf("}\n");
	va_end(ap);
	fflush(stdout);
}

static inline void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* CLOCK_MONOTONIC in milliseconds. */
static inline long wl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Rendezvous with a test that attaches after setup (see above), in two
 * halves for a workload that must signal from one thread and go on in
 * another: wl_sync_ready() writes PATH.ready (false: no WL_SYNC),
 * wl_sync_go() is whether PATH.go exists yet. */
static inline bool wl_sync_ready(void)
{
	const char *base = getenv("WL_SYNC");
	char path[4096];
	FILE *f;

	if (!base)
		return false;
	snprintf(path, sizeof(path), "%s.ready", base);
	f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	fprintf(f, "%d\n", getpid());
	fclose(f);
	return true;
}

static inline bool wl_sync_go(void)
{
	const char *base = getenv("WL_SYNC");
	char path[4096];
	struct stat st;

	if (!base)
		return true;
	snprintf(path, sizeof(path), "%s.go", base);
	return stat(path, &st) == 0;
}

static inline void wl_sync_point(void)
{
	if (!wl_sync_ready())
		return;
	for (int i = 0; i < 3000 && !wl_sync_go(); i++)
		msleep(10);
}

/* The flag names of an epoll mask as epolltrace's JSON spells them,
 * quoted and comma-separated without brackets ("EPOLLIN","EPOLLET"),
 * bits without a name as one "0x.." string. */
static inline const char *wl_event_names(unsigned int mask, char *buf, size_t len)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ EPOLLIN, "EPOLLIN" }, { EPOLLPRI, "EPOLLPRI" },
		{ EPOLLOUT, "EPOLLOUT" }, { EPOLLERR, "EPOLLERR" },
		{ EPOLLHUP, "EPOLLHUP" }, { EPOLLRDNORM, "EPOLLRDNORM" },
		{ EPOLLRDBAND, "EPOLLRDBAND" }, { EPOLLWRNORM, "EPOLLWRNORM" },
		{ EPOLLWRBAND, "EPOLLWRBAND" }, { EPOLLMSG, "EPOLLMSG" },
		{ EPOLLRDHUP, "EPOLLRDHUP" }, { EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE" },
		{ EPOLLWAKEUP, "EPOLLWAKEUP" }, { EPOLLONESHOT, "EPOLLONESHOT" },
		{ EPOLLET, "EPOLLET" },
	};
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(mask & names[i].bit))
			continue;
		n += snprintf(buf + n, len - n, "%s\"%s\"", n ? "," : "", names[i].name);
		mask &= ~names[i].bit;
	}
	if (mask)
		snprintf(buf + n, len - n, "%s\"0x%x\"", n ? "," : "", mask);
	return buf;
}

#endif
