#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "decode.h"
#include "epoll_abi.h"
#include "epolltrace.h"

/* The names of epoll's bits (epoll_abi.h), in bit order. */
static const struct {
	uint32_t bit;
	const char *name;
} epoll_flags[] = {
	{ EP_IN, "EPOLLIN" },		{ EP_PRI, "EPOLLPRI" },
	{ EP_OUT, "EPOLLOUT" },		{ EP_ERR, "EPOLLERR" },
	{ EP_HUP, "EPOLLHUP" },		{ EP_NVAL, "EPOLLNVAL" },
	{ EP_RDNORM, "EPOLLRDNORM" },	{ EP_RDBAND, "EPOLLRDBAND" },
	{ EP_WRNORM, "EPOLLWRNORM" },	{ EP_WRBAND, "EPOLLWRBAND" },
	{ EP_MSG, "EPOLLMSG" },		{ EP_RDHUP, "EPOLLRDHUP" },
	{ EP_EXCLUSIVE, "EPOLLEXCLUSIVE" }, { EP_WAKEUP, "EPOLLWAKEUP" },
	{ EP_ONESHOT, "EPOLLONESHOT" },	{ EP_ET, "EPOLLET" },
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
	case EP_CTL_ADD: return "ADD";
	case EP_CTL_DEL: return "DEL";
	case EP_CTL_MOD: return "MOD";
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
