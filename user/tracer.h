/* Loading and attaching the BPF programs, with the readiness backend
 * chosen at run time (fentry, then kprobe, then tracepoints). */
#ifndef TRACER_H
#define TRACER_H
#include <bpf/libbpf.h>
#include <stdint.h>
#include "options.h"

struct epolltrace_bpf;

struct tracer {
	struct epolltrace_bpf *skel;
	struct ring_buffer *rb;
	enum backend backend;
	bool syscall_tracepoints;
	bool receives_seen;		/* receives on watched sockets are recorded */	/* per-syscall tracepoints, else raw sys_enter/exit */
	char attached[512];	/* "raw_tp:sys_enter, ..." for the header */
};

/* 0, or -1 after printing one line saying why. */
int tracer_start(struct tracer *t, ring_buffer_sample_fn handle, void *ctx);
int tracer_add_pid(struct tracer *t, uint32_t pid);
/* Tell the kernel side that `epfd` of `pid` is an epoll set (attach time). */
int tracer_resolve_epoll(struct tracer *t, uint32_t pid, int pidfd, int epfd);
/* What the last receive on a watched (ET or ONESHOT) socket returned. */
struct read_info {
	uint64_t seq;		/* see struct recv_slot; 0: nothing since its ADD */
	long long ret;
};
/* Attach time: this set holds more than sockets watched for input, so
 * the tracepoint backend reads its ready list at each wait. */
int tracer_snapshot_epoll(struct tracer *t, int pidfd, int epfd);
int tracer_watch_receives(struct tracer *t, uint32_t pid, int pidfd, int fd);
int tracer_last_read(struct tracer *t, uint32_t pid, int fd, struct read_info *out);
void tracer_forget_pid(struct tracer *t, uint32_t pid);
uint64_t tracer_lost(struct tracer *t);
void tracer_stop(struct tracer *t);
const char *backend_name(enum backend b);
#endif
