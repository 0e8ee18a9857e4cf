/* Loading and attaching the BPF programs, with the readiness backend
 * chosen at run time (fentry, then kprobe, then tracepoints). */
#ifndef TRACER_H
#define TRACER_H
#include <bpf/libbpf.h>
#include <stdint.h>
#include "options.h"

struct epolltrace_bpf;

#define TRACER_MAX_ATTACHED 16

struct tracer {
	const struct options *opts;
	struct epolltrace_bpf *skel;
	struct ring_buffer *rb;
	enum backend backend;
	bool syscall_tracepoints;	/* per-syscall tracepoints, else raw sys_enter/exit */
	/* What was attached, for the header: "raw_tp:sys_enter", ... */
	const char *attached[TRACER_MAX_ATTACHED];
	int nattached;
	char attached_names[TRACER_MAX_ATTACHED][64];
};

/* Loads and attaches, trying the readiness backends in turn; records go
 * to handle(ctx, ...).  0, or -1 after printing one line saying why. */
int tracer_start(struct tracer *t, const struct options *o, ring_buffer_sample_fn handle,
		 void *ctx);
int tracer_add_pid(struct tracer *t, uint32_t pid);
/* Tell the kernel side that `epfd` of `pid` is an epoll set (attach time). */
int tracer_resolve_epoll(struct tracer *t, uint32_t pid, int pidfd, int epfd);
/* Attach time: this set holds more than sockets watched for input, so
 * the tracepoint backend reads its ready list at each wait. */
int tracer_snapshot_epoll(struct tracer *t, int pidfd, int epfd);
/* What socket `fd` of the process behind `pidfd` holds for its reader
 * now, in the unit of ev_ready.backlog; *unit 0 if it cannot tell. */
int tracer_socket_backlog(struct tracer *t, int pidfd, int fd, uint32_t *backlog, uint8_t *unit);
/* The same for a socket we hold a copy of already. */
int tracer_socket_backlog_of_copy(struct tracer *t, int copy, uint32_t *backlog, uint8_t *unit);
void tracer_forget_pid(struct tracer *t, uint32_t pid);
uint64_t tracer_lost(struct tracer *t);
void tracer_stop(struct tracer *t);
const char *backend_name(enum backend b);
#endif
