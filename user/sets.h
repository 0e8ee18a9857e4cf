/* --sets: print the epoll sets of live processes and exit. */
#ifndef SETS_H
#define SETS_H
#include <stdint.h>
int sets_main(const uint32_t *pids, int npids);
#endif
