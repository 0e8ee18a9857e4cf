#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "fd_probe.h"

#define INPUT_EVENTS (POLLIN | POLLPRI | POLLRDHUP)

static long long eventfd_count(uint32_t pid, int fd)
{
	char path[64], line[128];
	long long count = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", pid, fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "eventfd-count: %llx", &count) == 1)
			break;
	fclose(f);
	return count;
}

int fd_probe(uint32_t pid, int pidfd, int fd, uint32_t events, struct fd_backlog *out)
{
	struct pollfd pfd;
	struct stat st;
	int copy, n = 0, type = 0, listening = 0;
	socklen_t len = sizeof(int);
	short input;

	memset(out, 0, sizeof(*out));
	out->bytes = out->count = -1;
	if (pidfd < 0)
		return -1;
	copy = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (copy < 0)
		return -1;
	/* One poll for the registered mask plus input.  Only the input side
	 * counts as "still ready" for the diagnostics: an idle socket is
	 * writable for ever, and a program with nothing to write rightly
	 * ignores that edge. */
	input = (events & INPUT_EVENTS) ? (events & INPUT_EVENTS) : POLLIN;
	pfd.fd = copy;
	pfd.events = input | (events & POLLOUT);
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == 1) {
		out->readable = (pfd.revents & input) != 0;
		out->revents = pfd.revents & ((events & (INPUT_EVENTS | POLLOUT)) | POLLERR | POLLHUP);
	}
	if (fstat(copy, &st) == 0) {
		out->ino = st.st_ino;
		out->dev = st.st_dev;
	}
	if (out->ino && S_ISSOCK(st.st_mode)) {
		getsockopt(copy, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len);
		len = sizeof(int);
		getsockopt(copy, SOL_SOCKET, SO_TYPE, &type, &len);
		out->listening = listening;
		out->datagram = type == SOCK_DGRAM;
	}
	/* How much is queued matters only where something is. */
	if (out->readable && !out->listening) {
		if (ioctl(copy, FIONREAD, &n) == 0)
			out->bytes = n;
		else
			out->count = eventfd_count(pid, fd);	/* -1 unless an eventfd */
	}
	close(copy);
	return 0;
}

const char *fd_backlog_text(const struct fd_backlog *b, char *buf, size_t len)
{
	if (b->listening)
		snprintf(buf, len, "connections are waiting to be accepted");
	else if (b->count >= 0)
		snprintf(buf, len, "eventfd count is %lld", b->count);
	else if (b->datagram && b->bytes >= 0)
		snprintf(buf, len, "datagrams are queued (next is %lld bytes)", b->bytes);
	else if (b->bytes >= 0)
		snprintf(buf, len, "%lld bytes are still queued", b->bytes);
	else
		snprintf(buf, len, "it is still readable");
	return buf;
}
