#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "decode.h"
#include "epolltrace.h"

/* Bit values from epoll(7); written out so BPF and user space agree
 * without the uapi header. */
static const struct {
	uint32_t bit;
	const char *name;
} epoll_flags[] = {
	{ 0x001, "EPOLLIN" },       { 0x002, "EPOLLPRI" },
	{ 0x004, "EPOLLOUT" },      { 0x008, "EPOLLERR" },
	{ 0x010, "EPOLLHUP" },      { 0x020, "EPOLLNVAL" },
	{ 0x040, "EPOLLRDNORM" },   { 0x080, "EPOLLRDBAND" },
	{ 0x100, "EPOLLWRNORM" },   { 0x200, "EPOLLWRBAND" },
	{ 0x400, "EPOLLMSG" },      { 0x2000, "EPOLLRDHUP" },
	{ 1U << 28, "EPOLLEXCLUSIVE" }, { 1U << 29, "EPOLLWAKEUP" },
	{ 1U << 30, "EPOLLONESHOT" },   { 1U << 31, "EPOLLET" },
};

void epoll_events_each(uint32_t events, void (*fn)(const char *, void *), void *arg)
{
	char unknown[16];

	for (size_t i = 0; i < sizeof(epoll_flags) / sizeof(epoll_flags[0]); i++) {
		if (events & epoll_flags[i].bit) {
			fn(epoll_flags[i].name, arg);
			events &= ~epoll_flags[i].bit;
		}
	}
	if (events) {
		snprintf(unknown, sizeof(unknown), "%#x", events);
		fn(unknown, arg);
	}
}

struct join {
	char *buf;
	size_t len, used;
};

static void join_one(const char *name, void *arg)
{
	struct join *j = arg;
	int n = snprintf(j->buf + j->used, j->len - j->used, "%s%s", j->used ? "|" : "", name);

	if (n > 0 && j->used + n < j->len)
		j->used += n;
}

const char *epoll_events_str(uint32_t events, char *buf, size_t len)
{
	struct join j = { buf, len, 0 };

	buf[0] = 0;
	if (!events) {
		snprintf(buf, len, "0");
		return buf;
	}
	epoll_events_each(events, join_one, &j);
	return buf;
}

const char *epoll_op_name(int op)
{
	switch (op) {
	case 1: return "ADD";
	case 2: return "DEL";
	case 3: return "MOD";
	default: return NULL;
	}
}

const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);

	return n ? n : "E?";
}

const char *errno_text(int err)
{
	const char *d = strerrordesc_np(err);

	return d ? d : "Unknown error";
}

const char *signal_name(int sig)
{
	static char buf[16];
	const char *n = sigabbrev_np(sig);

	if (!n) {
		snprintf(buf, sizeof(buf), "SIG%d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", n);
	return buf;
}

const char *wait_syscall_name(int which)
{
	switch (which) {
	case WS_EPOLL_PWAIT: return "epoll_pwait";
	case WS_EPOLL_PWAIT2: return "epoll_pwait2";
	default: return "epoll_wait";
	}
}
