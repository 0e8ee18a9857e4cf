/* --sets: print the epoll sets of live processes and exit. */
#ifndef SETS_H
#define SETS_H
#include <stdint.h>

struct renderer;
struct state;

/* 0, or 1 when a process could not be read. */
int sets_main(const uint32_t *pids, int npids, struct renderer *out, struct state *st);
#endif
