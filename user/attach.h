/* Joining a live process: the filter first, so nothing it does from now
 * on is missed; then what it registered before (/proc/PID/fdinfo), the
 * sets the kernel side must know, and the threads already asleep in
 * epoll_wait, whose sets may hold an edge that will never come. */
#ifndef ATTACH_H
#define ATTACH_H
#include <stdbool.h>
#include <stdint.h>

struct records;
struct tracer;

/* 0, or -1 (after printing one line saying why, when loud). */
int attach_pid(struct records *rc, struct tracer *t, uint32_t pid, bool loud);
#endif
