/* What an fd of a traced process is, in strace -yy's manner:
 * "pipe:[1234]", "TCP:127.0.0.1:8080->127.0.0.1:51234", "epoll". */
#ifndef FD_DESC_H
#define FD_DESC_H
#include <stdint.h>

/* Cached; NULL when unknown (the process is gone, the fd is closed). */
const char *fd_desc(uint32_t pid, int fd);
void fd_desc_forget(uint32_t pid, int fd);
/* Describe from /proc now, replacing what was cached. */
const char *fd_desc_refresh(uint32_t pid, int fd);
/* Describe from the kernel's facts when /proc could not tell. */
struct sock_info;
void fd_desc_from_kernel(uint32_t pid, int fd, unsigned int mode,
			 unsigned long long ino, const char *dname, const struct sock_info *si);
#endif
