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

/* An eventfd's counter and mode from its fdinfo (count -1: not an
 * eventfd; semaphore -1: the kernel does not say, before Linux 6.3). */
static void eventfd_state(uint32_t pid, int fd, struct fd_backlog *out)
{
	char path[64], line[128];
	int semaphore;
	FILE *f;

	out->count = -1;
	out->eventfd_semaphore = -1;
	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", pid, fd);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "eventfd-count: %llx", &out->count) == 1)
			continue;
		if (sscanf(line, "eventfd-semaphore: %d", &semaphore) == 1)
			out->eventfd_semaphore = semaphore;
	}
	fclose(f);
}

int fd_probe_access(int pidfd)
{
	/* The kernel checks the access before it looks the fd up: fd -1
	 * tells EPERM (no access) from EBADF (access) and copies nothing. */
	if (pidfd < 0)
		return EBADF;
	if (syscall(SYS_pidfd_getfd, pidfd, -1, 0) >= 0 || errno == EBADF)
		return 0;
	return errno;
}

int fd_copy(int pidfd, int fd)
{
	return pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

void fd_probe_copy(int copy, uint32_t pid, int fd, uint32_t events, struct fd_backlog *out)
{
	struct pollfd pfd;
	struct stat st;
	int n = 0, type = 0, listening = 0;
	socklen_t len = sizeof(int);
	short input;

	memset(out, 0, sizeof(*out));
	out->bytes = out->count = -1;
	out->eventfd_semaphore = -1;
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
		out->socket = S_ISSOCK(st.st_mode);
	}
	if (out->socket) {
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
			eventfd_state(pid, fd, out);	/* count -1 unless an eventfd */
	}
}

int fd_probe(uint32_t pid, int pidfd, int fd, uint32_t events, struct fd_backlog *out)
{
	int copy = fd_copy(pidfd, fd);

	memset(out, 0, sizeof(*out));
	out->bytes = out->count = -1;
	out->eventfd_semaphore = -1;
	if (copy < 0)
		return -1;
	fd_probe_copy(copy, pid, fd, events, out);
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

/* Many fds of one process: copies are made in batches, polled with one
 * poll() and closed a run of consecutive numbers at a time (being the
 * lowest free ones, they mostly are).  For --sets on 100,000
 * registrations. */
#define BATCH 256

static void close_copies(const struct pollfd *pfd, size_t m)
{
	for (size_t i = 0; i < m;) {
		size_t j = i;

		if (pfd[i].fd < 0) {
			i++;
			continue;
		}
		while (j + 1 < m && pfd[j + 1].fd == pfd[j].fd + 1)
			j++;
		if (j == i || syscall(SYS_close_range, pfd[i].fd, pfd[j].fd, 0))
			for (size_t k = i; k <= j; k++)
				close(pfd[k].fd);
		i = j + 1;
	}
}

void fd_probe_many(uint32_t pid, int pidfd, const int *fds, const uint32_t *events,
		   size_t n, struct fd_backlog *out, int *gone)
{
	struct pollfd pfd[BATCH];
	short input[BATCH];

	for (size_t base = 0; base < n; base += BATCH) {
		size_t m = n - base < BATCH ? n - base : BATCH;

		for (size_t i = 0; i < m; i++) {
			struct fd_backlog *b = &out[base + i];
			uint32_t ev = events[base + i];
			struct stat st;
			int copy = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, fds[base + i], 0);

			memset(b, 0, sizeof(*b));
			b->bytes = b->count = -1;
			b->eventfd_semaphore = -1;
			gone[base + i] = copy < 0;
			input[i] = (ev & INPUT_EVENTS) ? (ev & INPUT_EVENTS) : POLLIN;
			pfd[i].fd = copy;	/* poll() skips negative fds */
			pfd[i].events = input[i] | (ev & POLLOUT);
			pfd[i].revents = 0;
			if (copy < 0)
				continue;
			if (fstat(copy, &st) == 0) {
				b->ino = st.st_ino;
				b->dev = st.st_dev;
				b->socket = S_ISSOCK(st.st_mode);
			}
		}
		poll(pfd, m, 0);
		for (size_t i = 0; i < m; i++) {
			struct fd_backlog *b = &out[base + i];
			uint32_t ev = events[base + i];
			int n_queued = 0, v = 0;
			socklen_t len = sizeof(v);

			if (pfd[i].fd < 0)
				continue;
			b->readable = (pfd[i].revents & input[i]) != 0;
			b->revents = pfd[i].revents & ((ev & (INPUT_EVENTS | POLLOUT)) | POLLERR | POLLHUP);
			if (!b->readable)
				continue;
			/* How much is queued matters only where something is. */
			if (b->socket) {
				getsockopt(pfd[i].fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len);
				b->listening = v;
				len = sizeof(v);
				getsockopt(pfd[i].fd, SOL_SOCKET, SO_TYPE, &v, &len);
				b->datagram = v == SOCK_DGRAM;
			}
			if (b->listening)
				continue;
			if (ioctl(pfd[i].fd, FIONREAD, &n_queued) == 0)
				b->bytes = n_queued;
			else
				eventfd_state(pid, fds[base + i], b);
		}
		close_copies(pfd, m);
	}
}
