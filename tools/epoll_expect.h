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
 * attaches, so their records are not printed; the table still learns them.
 *
 * Text (WL_TEXT=PATH set): each wrapper also writes to PATH the line
 * epolltrace's text output must show for the call, exactly, but for what
 * no one can know beforehand: without the leading timestamp, and with
 * " <DUR>" for the trailing duration (tests/host/core_calls_golden.sh).
 * The fds are described as epolltrace names them, from what the process
 * has open at the call: "3<epoll>", "4<pipe:[1234]>", "7<eventfd>",
 * "5<TCP:127.0.0.1:80->127.0.0.1:5000>", "8<UNIX:[1235]>", a path, or a
 * bare "9" for a number with nothing open.  For one process: fork lines
 * are not written. */
#ifndef EPOLL_EXPECT_H
#define EPOLL_EXPECT_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include "workload.h"

enum ee_wait_kind { EE_WAIT, EE_PWAIT, EE_PWAIT_MASK, EE_PWAIT2 };

static bool ee_quiet;
static FILE *ee_text;		/* WL_TEXT */
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

/* One expected text line (see above): "[pid] " or "[pid/tid] ", then fmt. */
static inline void ee_text_line(const char *fmt, ...)
{
	va_list ap;
	pid_t pid = getpid(), tid = gettid();

	if (ee_quiet || !ee_text)
		return;
	flockfile(ee_text);
	if (tid == pid)
		fprintf(ee_text, "[%d] ", pid);
	else
		fprintf(ee_text, "[%d/%d] ", pid, tid);
	va_start(ap, fmt);
	vfprintf(ee_text, fmt, ap);
	va_end(ap);
	fputc('\n', ee_text);
	fflush(ee_text);
	funlockfile(ee_text);
}

static inline void ee_begin(void)
{
	const char *text = getenv("WL_TEXT");
	int fd, high;

	ee_quiet = getenv("WL_SYNC") != NULL;
	if (!text)
		return;
	/* At a high number, so the workload's own fds are numbered as
	 * without WL_TEXT. */
	fd = open(text, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	high = fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 900);
	if (high < 0 || !(ee_text = fdopen(high, "w")))
		die("cannot write %s", text);
	close(fd);
}

/* ---- text: fds, masks, results, as epolltrace writes them ---- */

/* A socket: "TCP:a:p", "TCP:a:p->b:q" (UDP, TCPv6, UDPv6 alike), "UNIX:[ino]"
 * or "UNIX:path"; link ("socket:[ino]") for anything else. */
static inline void ee_sock_text(int fd, const char *link, char *out, size_t len)
{
	struct sockaddr_storage me, peer;
	socklen_t mlen = sizeof(me), plen = sizeof(peer), tlen = sizeof(int);
	char l[80], r[80], a[INET6_ADDRSTRLEN];
	int type = 0;
	bool connected;

	snprintf(out, len, "%s", link);
	if (getsockname(fd, (struct sockaddr *)&me, &mlen) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen))
		return;
	if (me.ss_family == AF_UNIX) {
		const struct sockaddr_un *u = (const struct sockaddr_un *)&me;
		size_t n = mlen > offsetof(struct sockaddr_un, sun_path) ?
			   mlen - offsetof(struct sockaddr_un, sun_path) : 0;

		if (!n)		/* unnamed, as a socketpair's ends */
			snprintf(out, len, "UNIX:[%s", link + strlen("socket:["));
		else if (!u->sun_path[0])
			snprintf(out, len, "UNIX:@%.*s", (int)n - 1, u->sun_path + 1);
		else
			snprintf(out, len, "UNIX:%.*s", (int)strnlen(u->sun_path, n), u->sun_path);
		return;
	}
	if ((me.ss_family != AF_INET && me.ss_family != AF_INET6) ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM))
		return;
	connected = !getpeername(fd, (struct sockaddr *)&peer, &plen);
	for (int end = 0; end < 2; end++) {
		const struct sockaddr_storage *ss = end ? &peer : &me;
		char *buf = end ? r : l;

		if (end && !connected)
			break;
		if (ss->ss_family == AF_INET) {
			const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

			inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
			snprintf(buf, sizeof(l), "%s:%u", a, ntohs(in->sin_port));
		} else {
			const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

			inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
			snprintf(buf, sizeof(l), "[%s]:%u", a, ntohs(in6->sin6_port));
		}
	}
	snprintf(out, len, "%s%s:%s%s%s", type == SOCK_STREAM ? "TCP" : "UDP",
		 me.ss_family == AF_INET6 ? "v6" : "", l, connected ? "->" : "", connected ? r : "");
}

/* "N<what>" for an open fd, "N" for a number with nothing open. */
static inline const char *ee_fd_text(int fd, char *buf, size_t len)
{
	char path[64], link[256], what[320];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = fd < 0 ? -1 : readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		snprintf(buf, len, "%d", fd);
		return buf;
	}
	link[n] = 0;
	if (!strcmp(link, "anon_inode:[eventpoll]"))
		snprintf(what, sizeof(what), "epoll");
	else if (!strncmp(link, "anon_inode:[", 12))
		snprintf(what, sizeof(what), "%.*s", (int)strcspn(link + 12, "]"), link + 12);
	else if (!strncmp(link, "anon_inode:", 11))
		snprintf(what, sizeof(what), "%s", link + 11);
	else if (!strncmp(link, "socket:[", 8))
		ee_sock_text(fd, link, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "%s", link);
	snprintf(buf, len, "%d<%s>", fd, what);
	return buf;
}

/* "EPOLLIN|EPOLLET", bits without a name as one "0x..", "0" for none. */
static inline const char *ee_events_text(uint32_t mask, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ EPOLLIN, "EPOLLIN" }, { EPOLLPRI, "EPOLLPRI" }, { EPOLLOUT, "EPOLLOUT" },
		{ EPOLLERR, "EPOLLERR" }, { EPOLLHUP, "EPOLLHUP" }, { 0x20, "EPOLLNVAL" },
		{ EPOLLRDNORM, "EPOLLRDNORM" }, { EPOLLRDBAND, "EPOLLRDBAND" },
		{ EPOLLWRNORM, "EPOLLWRNORM" }, { EPOLLWRBAND, "EPOLLWRBAND" },
		{ EPOLLMSG, "EPOLLMSG" }, { EPOLLRDHUP, "EPOLLRDHUP" },
		{ EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE" }, { EPOLLWAKEUP, "EPOLLWAKEUP" },
		{ EPOLLONESHOT, "EPOLLONESHOT" }, { EPOLLET, "EPOLLET" },
	};
	size_t n = 0;

	snprintf(buf, len, "0");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(mask & names[i].bit))
			continue;
		n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "", names[i].name);
		mask &= ~names[i].bit;
	}
	if (mask)
		snprintf(buf + n, len - n, "%s%#x", n ? "|" : "", mask);
	return buf;
}

/* " = 3<epoll>", " = 0" or " = -1 EBADF (Bad file descriptor)"; a
 * non-negative result names an fd when is_fd. */
static inline const char *ee_result_text(int ret, int err, bool is_fd, char *buf, size_t len)
{
	char fdb[400];

	if (ret < 0)
		snprintf(buf, len, " = -1 %s (%s)", strerrorname_np(err), strerrordesc_np(err));
	else if (is_fd)
		snprintf(buf, len, " = %s", ee_fd_text(ret, fdb, sizeof(fdb)));
	else
		snprintf(buf, len, " = %d", ret);
	return buf;
}

static inline const char *ee_op_text(int op, char *buf, size_t len)
{
	switch (op) {
	case EPOLL_CTL_ADD: return "EPOLL_CTL_ADD";
	case EPOLL_CTL_MOD: return "EPOLL_CTL_MOD";
	case EPOLL_CTL_DEL: return "EPOLL_CTL_DEL";
	}
	snprintf(buf, len, "%#x /* EPOLL_CTL_??? */", op);
	return buf;
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

	int err = errno;
	char res[512];

	ee_check("epoll_create", ret < 0 ? ret : 0, 0, want_err);
#ifdef SYS_epoll_create
	EXPECT("\"event\":\"epoll_create\",\"syscall\":\"epoll_create\",\"size\":%d,\"ret\":%d%s",
	       size, ret, ee_error(ret, err));
	ee_text_line("epoll_create(%d)%s <DUR>", size, ee_result_text(ret, err, true, res, sizeof(res)));
#else
	/* No such syscall (arm64): libc checks the size, then calls
	 * epoll_create1(0); a size it refuses makes no call at all. */
	if (size > 0) {
		EXPECT("\"event\":\"epoll_create\",\"syscall\":\"epoll_create1\",\"flags\":[],\"ret\":%d%s",
		       ret, ee_error(ret, err));
		ee_text_line("epoll_create1(0)%s <DUR>", ee_result_text(ret, err, true, res, sizeof(res)));
	}
#endif
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
	{
		char fl[32], res[512];

		if (flags == EPOLL_CLOEXEC)
			snprintf(fl, sizeof(fl), "EPOLL_CLOEXEC");
		else
			snprintf(fl, sizeof(fl), flags ? "%#x" : "%d", flags);
		ee_text_line("epoll_create1(%s)%s <DUR>", fl, ee_result_text(ret, 0, true, res, sizeof(res)));
	}
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
	{
		char epb[400], fdb[400], opb[40], evb[400], res[512];

		ee_text_line("epoll_ctl(%s, %s, %s, {events=%s, data=0x%llx})%s <DUR>",
			     ee_fd_text(ep, epb, sizeof(epb)), ee_op_text(op, opb, sizeof(opb)),
			     ee_fd_text(fd, fdb, sizeof(fdb)), ee_events_text(events, evb, sizeof(evb)),
			     (unsigned long long)data, ee_result_text(ret, err, false, res, sizeof(res)));
	}
}

/* epoll_ctl with a NULL or unreadable event pointer, or DEL's (ignored). */
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
	{
		char epb[400], fdb[400], opb[40], pb[32], res[512];

		if (ptr)
			snprintf(pb, sizeof(pb), "%#llx", (unsigned long long)(uintptr_t)ptr);
		ee_text_line("epoll_ctl(%s, %s, %s, %s)%s <DUR>",
			     ee_fd_text(ep, epb, sizeof(epb)), ee_op_text(op, opb, sizeof(opb)),
			     ee_fd_text(fd, fdb, sizeof(fdb)), ptr ? pb : "NULL",
			     ee_result_text(ret, err, false, res, sizeof(res)));
	}
}

/* ---- the epoll_wait family ---- */

/* The wait the kernel sees: libc's epoll_wait is an epoll_pwait with no
 * sigmask where the architecture has no epoll_wait syscall (arm64). */
static inline int ee_kernel_kind(int kind)
{
#ifndef SYS_epoll_wait
	if (kind == EE_WAIT)
		return EE_PWAIT;
#endif
	return kind;
}

static inline const char *ee_wait_name(int kind)
{
	kind = ee_kernel_kind(kind);
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

/* The text line of a wait: its events (for ret > 0), each with the fd its
 * data was registered for, when the table knows it. */
static inline void ee_wait_text(int kind, int ep, int maxev, int timeout_ms, int ret, int err,
				const struct epoll_event *evs)
{
	size_t size = 64 + (ret > 0 ? ret : 0) * 512, n = 1;
	char *items, epb[400], tmo[64], res[512];

	if (ee_quiet || !ee_text)
		return;
	items = malloc(size);
	if (!items)
		die("malloc");
	strcpy(items, "[");
	pthread_mutex_lock(&ee_lock);
	for (int i = 0; i < ret; i++) {
		int fd = ee_lookup(ep, evs[i].data.u64);
		char evb[400], fdb[400] = "";

		if (fd >= 0) {
			strcpy(fdb, ", fd=");
			ee_fd_text(fd, fdb + 5, sizeof(fdb) - 5);
		}
		n += snprintf(items + n, size - n, "%s{events=%s, data=0x%llx%s}", i ? ", " : "",
			      ee_events_text(evs[i].events, evb, sizeof(evb)),
			      (unsigned long long)evs[i].data.u64, fdb);
	}
	pthread_mutex_unlock(&ee_lock);
	snprintf(items + n, size - n, "]");
	if (kind != EE_PWAIT2)
		snprintf(tmo, sizeof(tmo), "%d", timeout_ms);
	else if (timeout_ms < 0)
		snprintf(tmo, sizeof(tmo), "NULL");
	else
		snprintf(tmo, sizeof(tmo), "{tv_sec=%d, tv_nsec=%ld}", timeout_ms / 1000,
			 (timeout_ms % 1000) * 1000000L);
	ee_text_line("%s(%s, %s, %d, %s%s)%s <DUR>", ee_wait_name(kind), ee_fd_text(ep, epb, sizeof(epb)),
		     items, maxev, tmo, ee_kernel_kind(kind) == EE_WAIT ? "" : ", ...",
		     ee_result_text(ret, err, false, res, sizeof(res)));
	free(items);
}

static inline void ee_expect_wait(int kind, int ep, int maxev, int timeout_ms, int ret, int err,
				  const struct epoll_event *evs)
{
	ee_wait_text(kind, ep, maxev, timeout_ms, ret, err, evs);

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
	ee_wait_text(kind, ep, maxev, timeout_ms, ret, err, NULL);
}

/* ---- close, fork, exit ---- */

static bool ee_reg_has_fd(const struct ee_reg *r, int fd) { return r->fd == fd; }
static bool ee_reg_in_ep(const struct ee_reg *r, int ep) { return r->ep == ep; }

/* close(fd); epolltrace shows it only when fd sat in a set or is an epoll fd. */
static int ee_int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static inline void ee_close(int fd)
{
	char epfds[256] = "[", text[4096], b[400];
	size_t n = 1, t;
	bool is_epoll = false;
	int in[64], nin = 0;

	pthread_mutex_lock(&ee_lock);
	for (int i = 0; i < ee_nregs; i++)
		if (ee_regs[i].fd == fd) {
			n += snprintf(epfds + n, sizeof(epfds) - n, "%s%d", n > 1 ? "," : "", ee_regs[i].ep);
			if (nin < 64)
				in[nin++] = ee_regs[i].ep;
		}
	snprintf(epfds + n, sizeof(epfds) - n, "]");
	/* Its text, before the number is gone; the sets in ascending order. */
	t = snprintf(text, sizeof(text), "close(%s) = 0", ee_fd_text(fd, b, sizeof(b)));
	qsort(in, nin, sizeof(in[0]), ee_int_cmp);
	for (int i = 0; i < nin; i++)
		t += snprintf(text + t, sizeof(text) - t, "%s%s", i ? ", " : " (was in ",
			      ee_fd_text(in[i], b, sizeof(b)));
	if (nin)
		snprintf(text + t, sizeof(text) - t, ")");
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
	{
		EXPECT("\"event\":\"close\",\"fd\":%d,\"ret\":0,\"epfds\":%s,\"is_epoll\":%s",
		       fd, epfds, is_epoll ? "true" : "false");
		ee_text_line("%s", text);
	}
}

/* fork(); in the parent, the fork record epolltrace -f shows. */
static inline pid_t ee_fork(void)
{
	pid_t pid;

	fflush(stdout);
	if (ee_text)
		fflush(ee_text);
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
	ee_text_line("+++ exited with %d +++", code);
}

#endif
