/* -c: a table per epoll set and fd at exit, in the manner of strace -c. */
#ifndef SUMMARY_H
#define SUMMARY_H
struct tracer;
void summary_print(struct tracer *t);
#endif
