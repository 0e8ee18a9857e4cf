/* The verdict model's memory, kept in the state it judges: per epoll item
 * (struct suspicion, in struct reg) and per process (struct
 * proc_verdicts, in struct proc).  Plain data; verdict.c moves it. */
#ifndef SUSPICION_H
#define SUSPICION_H
#include <stdbool.h>
#include <stdint.h>
#include "epolltrace.h"

/* Where an edge-triggered (or ONESHOT) item stands.  Only a warning is
 * printed; the other steps are said with -v. */
enum suspicion_state {
	SUS_NONE = 0,	/* nothing pending */
	SUS_PENDING,	/* input delivered (ONESHOT: fired), no new edge since */
	SUS_SUSPECT,	/* still readable past --stall, the program back in epoll_wait */
	SUS_HELD_BACK,	/* a suspect the program holds back: it waits for EPOLLOUT
			 * on another fd whose send side is full */
	SUS_WARNED,	/* warned; a read without a new edge would retract it */
};

/* The unit an fd's input queue is counted in: a socket's as the kernel
 * side tells it (enum backlog_unit), or what /proc and ioctl tell. */
enum queue_unit {
	QU_UNKNOWN = 0,			/* only "readable or not" is known */
	QU_BYTES = BU_BYTES,
	QU_CONNECTIONS = BU_CONNECTIONS,
	QU_DATAGRAMS = BU_DATAGRAMS,
	QU_MESSAGES = BU_MESSAGES,
	QU_EVENTFD,			/* an eventfd's counter */
};

struct suspicion {
	uint8_t state;		/* enum suspicion_state */
	bool oneshot;		/* a fired ONESHOT item, else an ET item not drained */
	bool at_attach;		/* found at attach: ready, not queued, a thread blocked */
	uint32_t blocked_tid;	/* at_attach: that thread */
	long long blocked_ms;	/* at_attach: how long it had been blocked, -1 unknown */
	bool before_attach;	/* registered before the attach: delivered_ns is the attach */
	uint64_t delivered_ns;	/* the delivery that made it pending */
	uint64_t waits_at_delivery;	/* the set's wait count then */
	uint64_t suspect_ns;	/* became a suspect (or was released from holding back) */
	/* When the program's own timer would wake it: the deadline of the
	 * wait in progress when it became a suspect, or of the next one
	 * (0: no wait since; DEADLINE_NONE: it sleeps until an event).  A
	 * program that defers input on a timer (nginx's limit_rate, a
	 * delayed request) reads it when that timer fires. */
	uint64_t deadline_ns;
	uint64_t next_look_ns;	/* when to probe it again */
	uint8_t unit;		/* enum queue_unit of the counts below */
	long long queued_first;	/* the input queue when it became a suspect */
	long long queued_last;	/* ...at the last look */
	uint64_t last_look_ns;
	bool has_consumed;	/* a TCP stream: what its reader had taken then */
	uint32_t consumed_last;
	uint64_t delivered_at_suspect;	/* the set's delivery count then */
	uint64_t waits_at_suspect;	/* the set's wait count then */
	int held_by_fd;		/* SUS_HELD_BACK: the fd whose send side is full */
	uint32_t warning_id;	/* SUS_WARNED: the warning given */
	uint64_t warned_ns;
	/* a socket's input queue at its last edge (ev_ready), for the message */
	bool has_edge_backlog;
	uint8_t edge_unit;	/* enum backlog_unit */
	uint32_t edge_backlog;
};

#define DEADLINE_NONE UINT64_MAX

struct proc_verdicts {
	/* Keeps readiness in user space (its own ready queue, a worker that
	 * reads later, a runtime's netpoller): a stall alone proves nothing,
	 * only a close with the input unread does. */
	bool own_readiness;
	bool own_readiness_said;
	uint8_t runtime_looks;	/* times it was looked for (at first sight, at a first suspect) */
	char runtime[48];	/* "Go go1.19.8", "tokio", "Netty": recognised up front */
	/* Backpressure, looked at once per tick: an fd registered for
	 * EPOLLOUT whose send side is full (-1: none). */
	uint64_t holders_look_ns;
	int held_by_fd, held_by_epfd;
	/* The last delivery of a hangup or error on any of its fds: a
	 * close soon after is a peer gone, not input forgotten. */
	uint64_t last_hangup_ns;
	/* Its fds cannot be copied (no ptrace access): said once. */
	bool checks_off_said;
	/* Its sets with edge_watched items the kernel side was told of: while
	 * any, every edge of its items is shipped, even with readiness not
	 * shown (tracer_want_edges). */
	uint32_t sets_asking_edges;
};
#endif
