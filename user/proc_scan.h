/* What a live process had registered before we attached, read from
 * /proc/PID/fdinfo (the "tfd: events: data:" lines of epoll fds). */
#ifndef PROC_SCAN_H
#define PROC_SCAN_H
#include <stdbool.h>
#include <stdint.h>

struct scanned_item {
	int tfd;
	uint32_t events;
	uint64_t data;
	unsigned long ino;
};

/* Calls on_set for each epoll fd, then on_item for each of its items. */
struct scan_callbacks {
	void (*on_set)(uint32_t pid, int epfd, void *arg);
	void (*on_item)(uint32_t pid, int epfd, const struct scanned_item *it, void *arg);
	void (*on_set_end)(uint32_t pid, int epfd, void *arg);	/* optional */
	void *arg;
};

/* Why a registration is stale, or NULL: its fd is no longer open in the
 * process (the file is still open elsewhere, else the kernel would have
 * dropped the item), or the fd now names another file than the one
 * registered (inode numbers; 0: unknown, not compared). */
const char *registration_stale(bool fd_open, unsigned long registered_ino,
			       unsigned long current_ino);

/* Does the process hold an epoll fd?  (Stops at the first.) */
bool proc_has_epoll(uint32_t pid);
/* Calls fn for each epoll fd of the process (nothing else is read) until
 * it returns false; returns how many it was called for, or -1 if
 * /proc/PID/fd is unreadable. */
int each_epoll_fd(uint32_t pid, bool (*fn)(uint32_t pid, int epfd, void *arg), void *arg);
/* Returns the number of epoll fds found, or -1 if /proc/PID/fd is unreadable. */
int scan_epoll_sets(uint32_t pid, const struct scan_callbacks *cb);
/* Items of one epoll fd only. */
int scan_one_set(uint32_t pid, int epfd, const struct scan_callbacks *cb);
/* The real uid of a process, or ~0u. */
unsigned int proc_uid(uint32_t pid);
/* A kernel function's address from /proc/kallsyms, or 0. */
unsigned long long kernel_symbol_address(const char *name);
/* fs.epoll.max_user_watches, or -1. */
long long epoll_max_user_watches(void);

/* The epoll watches held by the processes of `uid`: their total, and the
 * `ntop` biggest holders (pid 0 where there are fewer).  `known_pid`, if
 * not 0, is not scanned again: it holds `known` watches. */
struct watch_holder {
	uint32_t pid;
	long long watches;
	char comm[16];
};
long long user_epoll_watches(unsigned int uid, struct watch_holder *top, int ntop,
			      uint32_t known_pid, long long known);
/* The epoll watches of the processes of `uid` but those skip() names;
 * the biggest holders among them into top[ntop] (ntop may be 0). */
long long user_epoll_watches_but(unsigned int uid, bool (*skip)(uint32_t pid, void *arg),
				 void *arg, struct watch_holder *top, int ntop);
/* Put a holder into a list sorted by watches, if it is among the biggest
 * (comm NULL: read from /proc). */
void watch_holder_insert(struct watch_holder *top, int ntop, uint32_t pid, long long n,
			 const char *comm);
#endif
