/* Expectation helpers for the epoll_* workloads (epoll_calls, epoll_threads,
 * epoll_fork).
 *
 * Each wrapper makes one epoll call, dies unless the kernel did what the
 * workload meant (so an expectation is a fact, not a hope), and prints the
 * JSON record epolltrace must show for it (expect() in workload.h).
 *
 * The wrappers keep their own copy of the registration table (epfd, fd,
 * data), as the tracer must, so an epoll_wait expectation names the fd each
 * returned data value belongs to, and a close expectation the epoll sets
 * the fd sat in.  After fork() the child gets a copy, as the kernel's fd
 * table is copied.
 *
 * Attach mode (WL_SYNC set): calls before ee_sync() happen before epolltrace
 * attaches, so their records are not printed; the table still learns them. */
#ifndef EPOLL_EXPECT_H
#define EPOLL_EXPECT_H

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include "workload.h"

enum ee_wait_kind { EE_WAIT, EE_PWAIT, EE_PWAIT_MASK, EE_PWAIT2 };

static bool ee_quiet;
static pthread_mutex_t ee_lock = PTHREAD_MUTEX_INITIALIZER;

struct ee_reg { int ep, fd; uint64_t data; };
static struct ee_reg ee_regs[256];
static int ee_nregs;
static int ee_eps[64];		/* open epoll fds */
static int ee_neps;

/* Results of the calling thread's last wait, for extra checks. */
#define EE_MAX_EVENTS 256
static __thread struct epoll_event ee_last[EE_MAX_EVENTS];

/* expect() writes a line in three stdio calls: keep threads' lines whole. */
#define EXPECT(...) do {					\
		if (!ee_quiet) {				\
			flockfile(stdout);			\
			expect(__VA_ARGS__);			\
			funlockfile(stdout);			\
		}						\
	} while (0)

static inline void ee_begin(void)
{
	ee_quiet = getenv("WL_SYNC") != NULL;
}

/* From here on epolltrace sees the calls, in either mode. */
static inline void ee_sync(void)
{
	wl_sync_point();
	ee_quiet = false;
}

/* The JSON list epolltrace prints for an events mask: names in bit order,
 * bits without a name as one "0x.." string.  One of a few per-thread
 * buffers, so several fit in one expect() call. */
static inline const char *ee_events(uint32_t mask)
{
	static __thread char bufs[4][400];
	static __thread int next;
	char *b = bufs[next++ % 4], names[396];

	snprintf(b, 400, "[%s]", wl_event_names(mask, names, sizeof(names)));
	return b;
}

static inline const char *ee_op(int op)
{
	static __thread char b[16];

	switch (op) {
	case EPOLL_CTL_ADD: return "\"ADD\"";
	case EPOLL_CTL_MOD: return "\"MOD\"";
	case EPOLL_CTL_DEL: return "\"DEL\"";
	}
	snprintf(b, sizeof(b), "%d", op);
	return b;
}

/* ",\"error\":\"EBADF\"" for a failed call, "" otherwise. */
static inline const char *ee_error(int ret, int err)
{
	static __thread char b[64];

	if (ret >= 0)
		return "";
	snprintf(b, sizeof(b), ",\"error\":\"%s\"", strerrorname_np(err));
	return b;
}

/* Die unless the call gave ret, or failed with want_err when that is set. */
static inline void ee_check(const char *what, int ret, int want_ret, int want_err)
{
	int err = errno;

	if (want_err) {
		if (ret != -1 || err != want_err) {
			errno = 0;
			die("%s: returned %d (%s), wanted %s", what, ret,
			    ret < 0 ? strerrorname_np(err) : "ok", strerrorname_np(want_err));
		}
	} else if (ret != want_ret) {
		die("%s: returned %d, wanted %d", what, ret, want_ret);
	}
}

/* ---- the registration table ---- */

static inline int ee_lookup(int ep, uint64_t data)
{
	int fd = -1, found = 0;

	for (int i = 0; i < ee_nregs; i++)
		if (ee_regs[i].ep == ep && ee_regs[i].data == data) {
			fd = ee_regs[i].fd;
			found++;
		}
	return found == 1 ? fd : -1;
}

static inline void ee_forget(bool (*gone)(const struct ee_reg *, int), int arg)
{
	int j = 0;

	for (int i = 0; i < ee_nregs; i++)
		if (!gone(&ee_regs[i], arg))
			ee_regs[j++] = ee_regs[i];
	ee_nregs = j;
}

static inline void ee_learn(int ep, int op, int fd, uint64_t data)
{
	int i;

	for (i = 0; i < ee_nregs; i++)
		if (ee_regs[i].ep == ep && ee_regs[i].fd == fd)
			break;
	if (op == EPOLL_CTL_ADD) {
		if (ee_nregs == (int)(sizeof(ee_regs) / sizeof(ee_regs[0])))
			die("ee_regs full");
		ee_regs[ee_nregs++] = (struct ee_reg){ ep, fd, data };
	} else if (op == EPOLL_CTL_MOD && i < ee_nregs) {
		ee_regs[i].data = data;
	} else if (op == EPOLL_CTL_DEL && i < ee_nregs) {
		ee_regs[i] = ee_regs[--ee_nregs];
	}
}

/* ---- epoll_create, epoll_create1 ---- */

static inline int ee_create(int size, int want_err)
{
	int ret = epoll_create(size);

	ee_check("epoll_create", ret < 0 ? ret : 0, 0, want_err);
	EXPECT("\"event\":\"epoll_create\",\"syscall\":\"epoll_create\",\"size\":%d,\"ret\":%d%s",
	       size, ret, ee_error(ret, errno));
	if (ret >= 0) {
		pthread_mutex_lock(&ee_lock);
		ee_eps[ee_neps++] = ret;
		pthread_mutex_unlock(&ee_lock);
	}
	return ret;
}

static inline int ee_create1(int flags)
{
	int ret = epoll_create1(flags);

	if (ret < 0)
		die("epoll_create1(%#x)", flags);
	if (!!(fcntl(ret, F_GETFD) & FD_CLOEXEC) != !!(flags & EPOLL_CLOEXEC))
		die("epoll_create1: close-on-exec flag not as asked");
	EXPECT("\"event\":\"epoll_create\",\"syscall\":\"epoll_create1\",\"flags\":%s,\"ret\":%d",
	       flags & EPOLL_CLOEXEC ? "[\"EPOLL_CLOEXEC\"]" : "[]", ret);
	pthread_mutex_lock(&ee_lock);
	ee_eps[ee_neps++] = ret;
	pthread_mutex_unlock(&ee_lock);
	return ret;
}

/* ---- epoll_ctl ---- */

/* epoll_ctl with a real struct epoll_event {events, data}. */
static inline void ee_ctl(int ep, int op, int fd, uint32_t events, uint64_t data, int want_err)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	int ret = epoll_ctl(ep, op, fd, &ev);
	int err = errno;

	ee_check("epoll_ctl", ret, 0, want_err);
	if (ret == 0) {
		pthread_mutex_lock(&ee_lock);
		ee_learn(ep, op, fd, data);
		pthread_mutex_unlock(&ee_lock);
	}
	EXPECT("\"event\":\"epoll_ctl\",\"epfd\":%d,\"op\":%s,\"fd\":%d,\"events\":%s,"
	       "\"data\":\"0x%llx\",\"ret\":%d%s",
	       ep, ee_op(op), fd, ee_events(events), (unsigned long long)data,
	       ret, ee_error(ret, err));
}

/* epoll_ctl with a NULL or unreadable event pointer. */
static inline void ee_ctl_ptr(int ep, int op, int fd, void *ptr, int want_err)
{
	int ret = epoll_ctl(ep, op, fd, ptr);
	int err = errno;
	char extra[64] = "";

	ee_check("epoll_ctl", ret, 0, want_err);
	if (ret == 0) {
		pthread_mutex_lock(&ee_lock);
		ee_learn(ep, op, fd, 0);
		pthread_mutex_unlock(&ee_lock);
	}
	if (ptr)
		snprintf(extra, sizeof(extra), ",\"event_ptr\":\"%p\"", ptr);
	EXPECT("\"event\":\"epoll_ctl\",\"epfd\":%d,\"op\":%s,\"fd\":%d,\"events\":null,"
	       "\"data\":null%s,\"ret\":%d%s",
	       ep, ee_op(op), fd, extra, ret, ee_error(ret, err));
}

/* ---- the epoll_wait family ---- */

static inline const char *ee_wait_name(int kind)
{
	return kind == EE_WAIT ? "epoll_wait" : kind == EE_PWAIT2 ? "epoll_pwait2" : "epoll_pwait";
}

/* One wait call of the given kind; timeout_ms -1 means infinite (for
 * epoll_pwait2: a NULL timespec). */
static inline int ee_wait_call(int kind, int ep, struct epoll_event *evs, int maxev, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	sigset_t mask;

	switch (kind) {
	case EE_WAIT:
		return epoll_wait(ep, evs, maxev, timeout_ms);
	case EE_PWAIT:
		return epoll_pwait(ep, evs, maxev, timeout_ms, NULL);
	case EE_PWAIT_MASK:
		sigemptyset(&mask);
		sigaddset(&mask, SIGUSR1);
		return epoll_pwait(ep, evs, maxev, timeout_ms, &mask);
	default:
		return epoll_pwait2(ep, evs, maxev, timeout_ms < 0 ? NULL : &ts, NULL);
	}
}

static inline void ee_expect_wait(int kind, int ep, int maxev, int timeout_ms, int ret, int err,
				  const struct epoll_event *evs)
{
	size_t size = 64 + (ret > 0 ? ret : 0) * 128, n = 1;
	char *ready = malloc(size), extra[64] = "";

	if (!ready)
		die("malloc");
	strcpy(ready, "[");

	pthread_mutex_lock(&ee_lock);
	for (int i = 0; i < ret; i++) {
		uint64_t data = evs[i].data.u64;
		int fd = ee_lookup(ep, data);
		char fdbuf[16] = "null";

		if (fd >= 0)
			snprintf(fdbuf, sizeof(fdbuf), "%d", fd);
		n += snprintf(ready + n, size - n, "%s{\"fd\":%s,\"events\":%s,\"data\":\"0x%llx\"}",
			      i ? "," : "", fdbuf, ee_events(evs[i].events), (unsigned long long)data);
	}
	pthread_mutex_unlock(&ee_lock);
	snprintf(ready + n, size - n, "]");
	/* An expired timeout took at least (most of) its time. */
	if (ret == 0 && timeout_ms > 0)
		snprintf(extra, sizeof(extra), ",\"duration_us\":{\"$ge\":%d}", timeout_ms * 900);
	if (ret < 0)
		EXPECT("\"event\":\"epoll_wait\",\"syscall\":\"%s\",\"epfd\":%d,\"maxevents\":%d,"
		       "\"timeout_ms\":%d,\"ret\":%d%s",
		       ee_wait_name(kind), ep, maxev, timeout_ms, ret, ee_error(ret, err));
	else
		EXPECT("\"event\":\"epoll_wait\",\"syscall\":\"%s\",\"epfd\":%d,\"maxevents\":%d,"
		       "\"timeout_ms\":%d,\"ret\":%d,\"ready\":%s%s",
		       ee_wait_name(kind), ep, maxev, timeout_ms, ret, ready, extra);
	free(ready);
}

/* Wait; die unless exactly nret events came back, each with one of the
 * ndata data values given.  The results stay in ee_last. */
static inline int ee_wait_for(int kind, int ep, int maxev, int timeout_ms, int nret,
			      const uint64_t *data, int ndata)
{
	int ret;

	if (maxev > EE_MAX_EVENTS)
		die("ee_wait_for: maxevents > %d", EE_MAX_EVENTS);
	ret = ee_wait_call(kind, ep, ee_last, maxev, timeout_ms);
	ee_check(ee_wait_name(kind), ret, nret, 0);
	for (int i = 0; i < ret; i++) {
		int ok = 0;

		for (int j = 0; j < ndata; j++)
			ok |= ee_last[i].data.u64 == data[j];
		if (!ok)
			die("%s: unexpected data 0x%llx", ee_wait_name(kind),
			    (unsigned long long)ee_last[i].data.u64);
	}
	ee_expect_wait(kind, ep, maxev, timeout_ms, ret, 0, ee_last);
	return ret;
}

#define EE_WAIT_FOR(kind, ep, maxev, timeout, nret, ...)			\
	ee_wait_for(kind, ep, maxev, timeout, nret, (const uint64_t[]){ __VA_ARGS__ }, \
		    sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))
#define EE_WAIT_NONE(kind, ep, maxev, timeout)					\
	ee_wait_for(kind, ep, maxev, timeout, 0, NULL, 0)

/* A wait that must fail with want_err. */
static inline void ee_wait_err(int kind, int ep, void *evs, int maxev, int timeout_ms, int want_err)
{
	int ret = ee_wait_call(kind, ep, evs, maxev, timeout_ms);
	int err = errno;

	ee_check(ee_wait_name(kind), ret, -1, want_err);
	ee_expect_wait(kind, ep, maxev, timeout_ms, ret, err, NULL);
}

/* A wait that must fail with want_err after at least min_ms (a signal). */
static inline void ee_wait_err_after(int kind, int ep, int maxev, int timeout_ms, int want_err, int min_ms)
{
	int ret = ee_wait_call(kind, ep, ee_last, maxev, timeout_ms);
	int err = errno;

	ee_check(ee_wait_name(kind), ret, -1, want_err);
	EXPECT("\"event\":\"epoll_wait\",\"syscall\":\"%s\",\"epfd\":%d,\"maxevents\":%d,"
	       "\"timeout_ms\":%d,\"ret\":-1%s,\"duration_us\":{\"$ge\":%d}",
	       ee_wait_name(kind), ep, maxev, timeout_ms, ee_error(ret, err), min_ms * 900);
}

/* ---- close, fork, exit ---- */

static bool ee_reg_has_fd(const struct ee_reg *r, int fd) { return r->fd == fd; }
static bool ee_reg_in_ep(const struct ee_reg *r, int ep) { return r->ep == ep; }

/* close(fd); epolltrace shows it only when fd sat in a set or is an epoll fd. */
static inline void ee_close(int fd)
{
	char epfds[256] = "[";
	size_t n = 1;
	bool is_epoll = false;

	pthread_mutex_lock(&ee_lock);
	for (int i = 0; i < ee_nregs; i++)
		if (ee_regs[i].fd == fd)
			n += snprintf(epfds + n, sizeof(epfds) - n, "%s%d", n > 1 ? "," : "", ee_regs[i].ep);
	snprintf(epfds + n, sizeof(epfds) - n, "]");
	for (int i = 0; i < ee_neps; i++)
		if (ee_eps[i] == fd) {
			is_epoll = true;
			ee_eps[i] = ee_eps[--ee_neps];
			break;
		}
	ee_forget(ee_reg_has_fd, fd);
	if (is_epoll)
		ee_forget(ee_reg_in_ep, fd);
	pthread_mutex_unlock(&ee_lock);
	if (close(fd))
		die("close(%d)", fd);
	if (n > 1 || is_epoll)
		EXPECT("\"event\":\"close\",\"fd\":%d,\"ret\":0,\"epfds\":%s,\"is_epoll\":%s",
		       fd, epfds, is_epoll ? "true" : "false");
}

/* fork(); in the parent, the fork record epolltrace -f shows. */
static inline pid_t ee_fork(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0)
		EXPECT("\"event\":\"fork\",\"child\":%d", pid);
	return pid;
}

/* The last record of a process: call just before exit(code). */
static inline void ee_expect_exit(int code)
{
	EXPECT("\"event\":\"exit\",\"exit_code\":%d", code);
}

#endif
