/* Is a traced process's fd still ready, and how much is queued on it?
 * Asked through a copy of the fd (pidfd_getfd), so it works for every
 * kind of file and with every backend. */
#ifndef FD_PROBE_H
#define FD_PROBE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fd_backlog {
	bool readable;
	short revents;		/* poll() of the full registered mask */
	unsigned long long ino;	/* of the file the fd names now */
	unsigned long long dev;
	long long bytes;	/* queued bytes (sockets, pipes), -1 unknown */
	long long count;	/* eventfd counter, -1 unknown */
	int eventfd_semaphore;	/* EFD_SEMAPHORE: 1, 0, or -1 unknown */
	bool socket;
	bool listening;		/* a listening socket: connections are pending */
	bool datagram;		/* UDP or other datagram socket */
};

/* May fds of the process behind pidfd be copied (pidfd_getfd needs
 * ptrace access to it)?  0, or the errno that says why not. */
int fd_probe_access(int pidfd);
/* Our own copy of a traced process's fd (pidfd_getfd), or -1. */
int fd_copy(int pidfd, int fd);
/* Probe through a copy made already. */
void fd_probe_copy(int copy, uint32_t pid, int fd, uint32_t events, struct fd_backlog *out);
/* 0 on success; -1 when the fd cannot be copied (process gone). */
int fd_probe(uint32_t pid, int pidfd, int fd, uint32_t events, struct fd_backlog *out);
/* The same for many fds at once; gone[i] is set where fds[i] could not
 * be copied (closed). */
void fd_probe_many(uint32_t pid, int pidfd, const int *fds, const uint32_t *events,
		   size_t n, struct fd_backlog *out, int *gone);
/* "12 bytes queued", "eventfd count 3", "connections pending" */
const char *fd_backlog_text(const struct fd_backlog *b, char *buf, size_t len);
#endif
