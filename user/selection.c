#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "selection.h"

static const struct {
	const char *name;
	unsigned int kinds;	/* SHOW_* it names */
	unsigned int calls;	/* calls it names (with SHOW_CALLS) */
} names[] = {
	{ "all", SHOW_ALL, SC_ALL },
	{ "none", 0, 0 },
	{ "calls", SHOW_CALLS, SC_ALL },
	{ "ready", SHOW_READY, 0 },
	{ "warnings", SHOW_WARNINGS, 0 },
	{ "notes", SHOW_NOTES, 0 },
	{ "exits", SHOW_EXITS, 0 },
	{ "epoll_create", SHOW_CALLS, 1u << SC_EPOLL_CREATE },
	{ "epoll_create1", SHOW_CALLS, 1u << SC_EPOLL_CREATE1 },
	{ "epoll_ctl", SHOW_CALLS, 1u << SC_EPOLL_CTL },
	{ "epoll_wait", SHOW_CALLS, 1u << SC_EPOLL_WAIT },
	{ "epoll_pwait", SHOW_CALLS, 1u << SC_EPOLL_PWAIT },
	{ "epoll_pwait2", SHOW_CALLS, 1u << SC_EPOLL_PWAIT2 },
	{ "close", SHOW_CALLS, 1u << SC_CLOSE },
	{ "%create", SHOW_CALLS, 1u << SC_EPOLL_CREATE | 1u << SC_EPOLL_CREATE1 },
	{ "%wait", SHOW_CALLS, 1u << SC_EPOLL_WAIT | 1u << SC_EPOLL_PWAIT | 1u << SC_EPOLL_PWAIT2 },
};

void selection_init(struct selection *s, bool quiet)
{
	*s = (struct selection){ .kinds = quiet ? SHOW_WARNINGS : SHOW_ALL,
				 .calls = quiet ? 0 : SC_ALL, .narrowed = quiet };
}

static int lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			return (int)i;
	return -1;
}

int selection_apply(struct selection *s, const char *expr, char *why, size_t len)
{
	const char *list = expr;
	bool hide;
	char *copy, *save = NULL;
	unsigned int kinds = 0, calls = 0;
	int n = 0;

	if (!strncmp(list, "trace=", 6))
		list += 6;
	else if (strchr(list, '=')) {
		snprintf(why, len, "unknown qualifier in '%s' (only trace= is known)", expr);
		return -1;
	}
	hide = *list == '!';
	if (hide)
		list++;
	copy = strdup(list);
	if (!copy) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i = lookup(tok);

		if (i < 0) {
			snprintf(why, len, "unknown name '%s' in '%s' (kinds: calls, ready, warnings, "
				 "notes, exits; calls: epoll_create, epoll_create1, epoll_ctl, "
				 "epoll_wait, epoll_pwait, epoll_pwait2, close, %%create, %%wait; "
				 "all, none)", tok, expr);
			free(copy);
			return -1;
		}
		kinds |= names[i].kinds;
		calls |= names[i].calls;
		n++;
	}
	free(copy);
	if (!n) {
		snprintf(why, len, "nothing named in '%s'", expr);
		return -1;
	}
	if (hide) {
		/* A call hidden leaves the other calls shown; the kind goes
		 * only when named itself (or with all of its calls). */
		s->calls &= ~calls;
		s->kinds &= ~(kinds & ~SHOW_CALLS);
		if ((kinds & SHOW_CALLS) && calls == SC_ALL)
			s->kinds &= ~SHOW_CALLS;
		return 0;
	}
	if (!s->narrowed) {
		s->kinds = 0;
		s->calls = 0;
		s->narrowed = true;
	}
	s->kinds |= kinds;
	s->calls |= calls;
	return 0;
}

static int call_of(const struct event *ev)
{
	switch (ev->kind) {
	case EVK_CREATE:
		return ev->create->syscall == CS_EPOLL_CREATE ? SC_EPOLL_CREATE : SC_EPOLL_CREATE1;
	case EVK_CTL:
		return SC_EPOLL_CTL;
	case EVK_WAIT:
		switch (ev->wait.rec->syscall) {
		case WS_EPOLL_PWAIT: return SC_EPOLL_PWAIT;
		case WS_EPOLL_PWAIT2: return SC_EPOLL_PWAIT2;
		default: return SC_EPOLL_WAIT;
		}
	default:
		return SC_CLOSE;
	}
}

bool selection_shows_kind(const struct selection *s, unsigned int kind)
{
	return s->kinds & kind;
}

bool selection_shows(const struct selection *s, const struct event *ev)
{
	switch (ev->kind) {
	case EVK_CREATE:
	case EVK_CTL:
	case EVK_WAIT:
	case EVK_CLOSE:
		return (s->kinds & SHOW_CALLS) && (s->calls & (1u << call_of(ev)));
	case EVK_READY:
		return s->kinds & SHOW_READY;
	case EVK_FORK:
	case EVK_EXIT:
		return s->kinds & SHOW_EXITS;
	case EVK_WARNING:
	case EVK_RETRACTED:
	case EVK_RECAP:
		return s->kinds & SHOW_WARNINGS;
	case EVK_NOTE:
		return s->kinds & SHOW_NOTES;
	default:
		return true;
	}
}
