/* -e/--events and -q: which records a trace shows.  strace-like lists of
 * record kinds (calls, ready, warnings, notes, exits) and calls
 * (epoll_ctl, epoll_wait, ...), checked once per event in render().
 * Depends on nothing but event.h. */
#ifndef SELECTION_H
#define SELECTION_H
#include <stdbool.h>
#include <stddef.h>
#include "event.h"

/* Record kinds, as -e names them. */
enum shown_kind {
	SHOW_CALLS = 1 << 0,	/* the epoll calls and close */
	SHOW_READY = 1 << 1,	/* readiness ("~~ ready" lines, ready records) */
	SHOW_WARNINGS = 1 << 2,	/* warnings, retractions, the recap */
	SHOW_NOTES = 1 << 3,	/* notes (-v steps, runtimes, own readiness, checks off) */
	SHOW_EXITS = 1 << 4,	/* process lines: forks and exits */
	SHOW_ALL = (1 << 5) - 1,
};

/* The calls, as -e names them. */
enum shown_call {
	SC_EPOLL_CREATE = 0,
	SC_EPOLL_CREATE1,
	SC_EPOLL_CTL,
	SC_EPOLL_WAIT,
	SC_EPOLL_PWAIT,
	SC_EPOLL_PWAIT2,
	SC_CLOSE,
	SC_COUNT
};
#define SC_ALL ((1u << SC_COUNT) - 1)

struct selection {
	unsigned int kinds;	/* SHOW_* */
	unsigned int calls;	/* 1 << enum shown_call, within SHOW_CALLS */
	bool narrowed;		/* a list named what to show: later lists add to it */
};

/* Everything (no -e), or with quiet (-q) only warnings and the recap. */
void selection_init(struct selection *s, bool quiet);
/* Applies one -e argument, "[trace=][!]NAME[,NAME...]": a list names
 * what to show (the first one replaces the default, later ones add), a
 * list after '!' what to hide.  0, or -1 with the reason in why. */
int selection_apply(struct selection *s, const char *expr, char *why, size_t len);
/* Is this event shown?  Records about epolltrace itself (start, lost,
 * summaries, --sets and the census) always are. */
bool selection_shows(const struct selection *s, const struct event *ev);
/* Is this kind of record shown at all (SHOW_*)? */
bool selection_shows_kind(const struct selection *s, unsigned int kind);
#endif
