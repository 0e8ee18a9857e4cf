/* What the threads of a live process are blocked in, from
 * /proc/PID/task/TID/syscall: for attaching to a process that is stuck
 * already (a thread asleep in epoll_wait on a set since before we came). */
#ifndef THREADS_H
#define THREADS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blocked_wait {
	uint32_t tid;
	long nr;		/* SYS_epoll_wait, SYS_epoll_pwait or SYS_epoll_pwait2 */
	uint64_t args[6];
	int epfd;
	long long blocked_ms;	/* since it last ran, -1 unknown */
	uint64_t since_ns;	/* CLOCK_MONOTONIC when it went to sleep, 0 unknown */
	long long timeout_ns;	/* its timeout: -1 none, -2 unknown */
	unsigned long long run_ns;	/* CPU time it had run at the look, 0 unknown */
};

/* The threads of `pid` asleep in an epoll wait; returns how many were
 * stored in out[0..max), or -1 if the process cannot be read. */
int blocked_waits(uint32_t pid, struct blocked_wait *out, int max);
/* Is `tid` still asleep in that very call (same number and arguments)? */
bool still_blocked(uint32_t pid, const struct blocked_wait *w);
/* Stricter: still asleep there and has not run at all since the look (a
 * loop of waits with a timeout makes the same call again and again). */
bool slept_through(uint32_t pid, const struct blocked_wait *w);
/* Is this a syscall number of an epoll wait? */
bool is_epoll_wait_nr(long nr);
#endif
