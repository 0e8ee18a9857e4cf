/* Diagnostics: the epoll bugs epolltrace names (missed edges, ONESHOT
 * never re-armed, stale registrations, watch limits).  The handlers
 * feed these hooks; diag_tick() runs the stall checks. */
#ifndef DIAG_H
#define DIAG_H
#include <stdbool.h>
#include <stdint.h>

struct epset;
struct reg;

void diag_on_register(struct epset *s, struct reg *r, uint64_t ts_ns);
void diag_on_unregister(struct epset *s, struct reg *r);
void diag_on_delivery(struct epset *s, struct reg *r, uint32_t revents, uint64_t ts_ns);
void diag_on_ready(struct epset *s, struct reg *r, int flags, uint64_t ts_ns);
void diag_on_wait_exit(struct epset *s, uint32_t tid, uint64_t ts_ns);
void diag_on_stale_close(struct epset *s, struct reg *r, uint32_t tid, uint64_t ts_ns);
/* After an ADD: the user's watch count as the kernel had it (-1 unknown);
 * failed tells an ENOSPC. */
void diag_on_watch_count(uint32_t pid, uint32_t tid, int epfd, int fd, unsigned int uid,
			 long long watches, bool failed, uint64_t ts_ns);
void diag_on_exit(uint32_t pid);
/* Periodic: waits that sleep past the stall threshold. */
void diag_tick(uint64_t now_ns);
uint64_t diag_warning_count(void);
#endif
