/* What an fd of a traced process is, in strace -yy's manner:
 * "pipe:[1234]", "TCP:127.0.0.1:8080->127.0.0.1:51234", "epoll".
 * Cached per process in the state. */
#ifndef FD_DESC_H
#define FD_DESC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct state;
struct sock_info;

/* Cached, else read from /proc; NULL when unknown (the process is gone,
 * the fd is closed). */
const char *fd_desc(struct state *st, uint32_t pid, int fd);
/* The same with its length, and whether it is plain (nothing to escape:
 * the text renderer copies it as it is). */
const char *fd_desc_sized(struct state *st, uint32_t pid, int fd, size_t *len, bool *plain);
void fd_desc_forget(struct state *st, uint32_t pid, int fd);
/* Describe from /proc now, replacing what was cached. */
const char *fd_desc_refresh(struct state *st, uint32_t pid, int fd);
/* Describe from the kernel's facts (at EPOLL_CTL_ADD, or asked later);
 * false when they do not tell (a file with a path: ask /proc). */
bool fd_desc_from_kernel(struct state *st, uint32_t pid, int fd, unsigned int mode,
			 unsigned long long ino, const char *dname, const struct sock_info *si);
/* The cached name came from a socket not yet bound or connected: worth
 * asking again once the program has used it. */
bool fd_desc_provisional(const struct state *st, uint32_t pid, int fd);
/* A forked child holds its parent's fds: it gets the names it lacks. */
void fd_desc_inherit(struct state *st, uint32_t parent, uint32_t child);
/* Name a socket again from the kernel's facts now, if it is bound and
 * connected or listening; false otherwise (the name cached stays: a
 * socket the kernel has closed has lost its port). */
bool fd_desc_rename(struct state *st, uint32_t pid, int fd, const struct sock_info *si);
/* The same from /proc/PID/net (rate-limited), where the kernel side
 * cannot be asked. */
bool fd_desc_rename_socket(struct state *st, uint32_t pid, int fd);
/* "TCP:127.0.0.1:8080->127.0.0.1:51234"; false if not an inet socket. */
bool sock_text(const struct sock_info *si, char *buf, size_t len);
#endif
