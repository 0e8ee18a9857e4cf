/* Turning ring-buffer records into state updates and trace lines. */
#ifndef TRACE_EVENTS_H
#define TRACE_EVENTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "output.h"

struct tracer;
struct epset;
struct reg;

extern uint64_t trace_start_ns;
extern struct tracer *the_tracer;

int handle_record(void *ctx, void *data, size_t size);

/* The first line: what is attached and to whom. */
void emit_start(const char *backend, const char *const *attached, int nattached,
		const uint32_t *pids, int npids);
void emit_lost(uint64_t lost);
/* An exit we learned of without the kernel's exit record. */
void emit_exit_unseen(uint32_t pid, int status);

/* A line's common head: "TS [PID/TID] " or the JSON members. */
void line_head(struct line *l, const char *event, uint64_t ts_ns, uint32_t pid,
	       uint32_t tid, const char *comm);
/* "7<TCP:...>" or "7" */
const char *fd_text(uint32_t pid, int fd, char *buf, size_t len);
double ts_seconds(uint64_t ts_ns);
/* CLOCK_MONOTONIC, the clock of the kernel's records, in ns */
uint64_t monotonic_ns(void);

/* Registrations learned at attach time from /proc. */
void learn_registration(uint32_t pid, int epfd, int fd, uint32_t events, uint64_t data);
#endif
