/* Records from the kernel side, in: each is checked, applied to the
 * state, shown to the verdict model, and turned into an event for the
 * renderer (unless the filters hide it). */
#ifndef RECORDS_H
#define RECORDS_H
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hashmap.h"

struct delivered;
struct options;
struct renderer;
struct state;
struct tracer;
struct verdicts;

/* Everything a record updates or reaches on its way to a printed line;
 * the ring buffer's context. */
struct records {
	const struct options *opts;
	struct state *state;
	struct verdicts *verdicts;
	struct renderer *out;
	struct tracer *tracer;		/* told when a traced process is gone */
	struct hashmap pending_waits;	/* tid -> struct pending_wait: a split epoll_wait */
	uint64_t malformed;		/* records too short for their type, dropped */
	/* Records a call of the ring buffer's consumer is handed at most (0:
	 * no bound), then records_handle() returns RECORDS_BATCH_DONE, which
	 * ends the call: a producer as fast as the consumer would keep it in
	 * there for ever, deaf to a signal. */
	unsigned int batch_left;
	struct delivered *room;		/* one wait's events (records.c) */
	size_t room_cap;
	/* Processes that joined by themselves (-a, --cgroup, --comm), seen
	 * for the first time in the records handled since trace.c last
	 * emptied this (nnewcomers = 0) */
	uint32_t *newcomers;
	size_t nnewcomers, newcomers_cap;
	bool procs_bound_said, regs_bound_said;	/* a bound of the state was met */
	uint32_t last_dropped;		/* the last process let go for want of room */
};

void records_init(struct records *rc, const struct options *opts, struct state *st,
		  struct verdicts *v, struct renderer *out, struct tracer *t);
/* The set epfd of pid names: known, another fd of a known set (a dup),
 * or new. */
struct epset *records_set_of(struct records *rc, uint32_t pid, int epfd);
#define RECORDS_BATCH_DONE (-EAGAIN)

/* ring_buffer_sample_fn: ctx is a struct records. */
int records_handle(void *ctx, void *data, size_t size);
/* Is there room for one more process (--max-processes)?  If not, the
 * kernel side stops tracing it (until it forks or execs) and it is
 * counted (state.procs_dropped), said once. */
bool records_room_for(struct records *rc, uint32_t pid);
/* An exit learned without the kernel's record (waitpid, a pid gone). */
void records_exit_unseen(struct records *rc, uint32_t pid, int status, uint64_t now_ns);
/* A registration that existed before the attach (from /proc). */
void records_learn_registration(struct records *rc, uint32_t pid, int epfd, int fd,
				uint32_t events, uint64_t data);
void records_free(struct records *rc);
#endif
