#ifndef EPOLLTRACE_XGROW_H
#define EPOLLTRACE_XGROW_H
#include <stdio.h>
#include <stdlib.h>

/* Doubles an array's capacity *cap (64 elements of `size` at first);
 * out of memory is the end (one line, exit 1). */
static inline void *xgrow(void *p, size_t *cap, size_t size)
{
	*cap = *cap ? *cap * 2 : 64;
	p = realloc(p, *cap * size);
	if (!p) {
		fprintf(stderr, "epolltrace: out of memory\n");
		exit(1);
	}
	return p;
}

#endif
