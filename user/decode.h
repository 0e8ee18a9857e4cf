/* Names for the numbers epoll calls carry. */
#ifndef DECODE_H
#define DECODE_H
#include <stddef.h>
#include <stdint.h>

/* "EPOLLIN|EPOLLET" (or "0" for none) into buf. */
const char *epoll_events_str(uint32_t events, char *buf, size_t len);
/* Calls fn for each flag name ("EPOLLIN", unknown bits as "0x..."). */
void epoll_events_each(uint32_t events, void (*fn)(const char *name, void *arg), void *arg);
const char *epoll_op_name(int op);		/* "ADD" or NULL */
const char *errno_name(int err);		/* "EBADF" */
const char *errno_text(int err);		/* "Bad file descriptor" */
const char *signal_name(int sig);		/* "SIGKILL" */
const char *wait_syscall_name(int which);
#endif
