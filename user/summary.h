/* -c: a table per epoll set and fd at exit, in the manner of strace -c. */
#ifndef SUMMARY_H
#define SUMMARY_H
#include <stdint.h>

struct renderer;
struct state;
struct tracer;

/* Folds the kernel's counters into the state, then renders each set
 * (only epoll fd filter_epfd when it is not -1). */
void summary_print(struct tracer *t, struct state *st, struct renderer *out, int filter_epfd,
		   uint64_t now_ns);
#endif
