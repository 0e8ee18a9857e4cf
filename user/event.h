/* What the frontend prints: each record, verdict or report becomes one
 * struct event, handed to the renderer chosen at start (render.h).  The
 * producers (records.c, verdict.c, summary.c, sets.c) fill these; the
 * renderers only read them, and the state for fd names. */
#ifndef EVENT_H
#define EVENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epoll_abi.h"
#include "epolltrace.h"
#include "proc_scan.h"

struct epset;
struct fd_backlog;

enum event_kind {
	EVK_START = 0,
	EVK_CREATE,
	EVK_CTL,
	EVK_WAIT,
	EVK_CLOSE,
	EVK_READY,
	EVK_FORK,
	EVK_EXIT,
	EVK_WARNING,
	EVK_NOTE,
	EVK_RETRACTED,
	EVK_RECAP,
	EVK_LOST,
	EVK_SUMMARY,		/* -c: one epoll set */
	EVK_SUMMARY_LOST,	/* -c: counts the kernel's tables could not take */
	EVK_SET_BEGIN,		/* --sets: an epoll set's items follow */
	EVK_SET_ITEM,		/* --sets: one registration */
	EVK_SETS,		/* --sets: one process's totals */
	EVK_CENSUS_PROC,	/* --sets -a: one process's sets */
	EVK_CENSUS_STALE,	/* --sets -a: one stale registration of it */
	EVK_CENSUS_TOP,		/* --sets -a: the biggest sets */
	EVK_CENSUS_RANK,	/* --sets -a: disarmed ONESHOT items, stale registrations */
	EVK_CENSUS_USER,	/* --sets -a: one user's watches */
	EVK_CENSUS,		/* --sets -a: the totals */
	EVK_COUNT
};

struct start_event {
	const char *backend;
	const char *const *attached;	/* "raw_tp:sys_enter", ... */
	int nattached;
	const uint32_t *pids;
	int npids;
	const char *target;	/* -a, --cgroup, --comm: "all processes", ...; else NULL */
	int nattached_pids;	/* ...processes with epoll sets joined at the start */
};

/* One event an epoll_wait returned, with the registration it maps to. */
struct delivered {
	uint32_t events;
	uint64_t data;
	int fd;			/* -1: no registration carries this data */
	long long ready_us;	/* readiness to return; -1 unknown */
	uint32_t coalesced;	/* readiness callbacks that found it queued already
				 * since the last delivery (each a ready event of
				 * its own too, flagged RF_COALESCED) */
};

struct wait_event {
	const struct ev_wait *rec;	/* its items[] are not used */
	const struct delivered *items;
	size_t n;
	bool incomplete;	/* a part of its results was lost */
};

struct close_event {
	const struct ev_close *rec;
	const int *epfds;		/* the sets it was registered in, by number */
	int nepfds;
	int nsets;			/* ...all of them: more than nepfds when the
					 * list is cut (truncated) */
};

struct ready_event {
	int epfd, fd;
	uint32_t mask;
	uint8_t source;		/* enum ready_source */
	uint8_t flags;		/* RF_* */
};

struct exit_event {
	int status;		/* wait status */
	bool known;
};

/* Why a warning was given: the facts a reader needs to believe it. */
enum confirmation {
	CONF_NONE = 0,		/* immediate (stale registrations, watch limits) */
	CONF_WINDOW,		/* the input sat untouched for --confirm */
	CONF_CLOSE,		/* the fd was closed with the input unread */
	CONF_EXIT,		/* the process exited with the input unread */
};

struct warning {
	uint32_t id;		/* 1, 2, ...: what a retraction names */
	const char *kind;
	const char *message;
	int epfd, fd;
	bool has_data;
	uint64_t data;
	/* what is still queued (-1: not said) */
	long long bytes, eventfd_count;
	uint64_t since_delivery_ms, waiting_ms;
	/* a socket's input at its last edge, and how much the program took */
	bool has_since_edge;
	const char *edge_unit;
	long long edge_queued, edge_taken;
	bool has_watches;
	unsigned int uid;
	long long watches, watch_limit;
	/* the verdict model's evidence (missed_edge, oneshot_not_rearmed) */
	enum confirmation confirmed_by;
	uint64_t suspect_ms;		/* a suspect for this long */
	uint64_t window_ms;		/* --confirm */
	uint64_t served_others;		/* deliveries of other fds meanwhile */
	uint64_t waits_since;		/* waits the program entered on the set meanwhile */
	bool found_at_attach;
	uint32_t blocked_tid;
	long long blocked_ms;		/* -1: unknown */
	/* A monitor's rate limit: warnings like this one (same process, fd
	 * and kind) not shown since the last one that was */
	uint64_t not_shown;
	uint64_t not_shown_s;		/* ...over this many seconds */
};

struct note {
	const char *kind;	/* runtime, own_readiness, suspect, held_back, cleared */
	const char *message;
	int epfd, fd;		/* -1: about the process */
	const char *runtime;	/* kind runtime */
	bool on_stderr;		/* said on standard error already (render_tell) */
};

struct retracted_event {
	uint32_t warning_id;
	const char *kind;	/* of the warning */
	int epfd, fd;
	const char *message;
};

/* One warning, for the recap. */
struct said {
	const char *kind;
	uint32_t pid;
	int epfd, fd;
	char comm[COMM_LEN];	/* the process's name then */
};

struct recap_event {
	const struct said *warnings;	/* the first nlisted of them */
	size_t nwarnings, nlisted;
	uint64_t cleared, retracted;
	uint64_t not_shown;		/* warnings a monitor's rate limit held back */
	uint64_t procs_dropped;		/* processes not traced for want of room */
	uint64_t regs_dropped;		/* registrations not tracked for want of room */
};

struct summary_row {
	int fd;
	const char *what;	/* NULL: unknown */
	const struct reg *totals;
};

struct summary_event {
	const struct epset *set;
	const char *comm;
	const struct summary_row *rows;
	size_t nrows;
};

struct set_item_event {
	int epfd;
	const struct scanned_item *item;
	const char *what;		/* NULL: unknown */
	const struct fd_backlog *backlog;	/* how it polls now */
	bool unprobed;			/* could not be probed (no ptrace access):
					 * readiness unknown */
	const char *stale;		/* why the registration is stale, or NULL */
	bool ready;
	const char *queued;		/* "26 bytes are still queued", or "" */
	const char *verdict;		/* what the state tells, or NULL */
	const char *verdict_kind;	/* stuck, oneshot_stuck, held_back */
};

struct sets_event {
	int nsets;
	long long items;
	unsigned int uid;
	long long user_watches, max_user_watches;
};

/* The census (--sets with -a, --cgroup, --comm). */
struct census_set {
	int epfd;
	long long items, oneshot_disarmed;
	/* 0, or the process this set is counted for: the same set, held by
	 * both (inherited across fork); counted for the one that started
	 * first, whose fd table judges its stale registrations */
	uint32_t shared_with;
};

struct census_proc_event {
	unsigned int uid;
	const struct census_set *sets;
	int nsets;
	/* of the sets counted for it (not shared_with another process) */
	long long items, oneshot_disarmed, stale;
};

struct census_stale_event {
	int epfd, fd;
	const char *reason;
};

/* One of the biggest sets. */
struct census_ranked_set {
	uint32_t pid;
	char comm[COMM_LEN];
	int epfd;
	long long items;
};

struct census_top_event {
	const struct census_ranked_set *sets;	/* biggest first */
	int n;
};

/* Fired-and-disarmed ONESHOT items (what "oneshot_disarmed") or stale
 * registrations ("stale"): their total, how many processes hold some,
 * the processes holding the most. */
struct census_rank_event {
	const char *what;
	long long total, processes;
	const struct watch_holder *top;	/* .watches: the count */
	int n;
};

struct census_user_event {
	unsigned int uid;
	long long watches;		/* in the target's processes */
	long long processes;		/* ...of the target that hold some */
	long long all_watches;		/* in all the user's processes (-1: not
					 * counted: the target is every process) */
	long long max_user_watches;	/* -1: unknown */
	const struct watch_holder *top;	/* the biggest holders, of all its processes */
	int n;
};

struct census_event {
	const char *target;		/* "all processes", "cgroup /x", ... */
	long long scanned;		/* processes of the target looked at */
	long long processes, sets, items, oneshot_disarmed, stale;
	long long shared;		/* sets held by another process too,
					 * counted there (not in sets) */
	long long vanished;		/* gone during the scan */
	long long unreadable;		/* no access to their fds */
	long long max_user_watches;
	uint64_t duration_us;
};

struct event {
	enum event_kind kind;
	uint64_t ts_ns;
	uint32_t pid, tid;
	const char *comm;	/* NULL: the process's name as known */
	union {
		struct start_event start;
		const struct ev_create *create;
		const struct ev_ctl *ctl;
		struct wait_event wait;
		struct close_event close;
		struct ready_event ready;
		uint32_t fork_child;
		struct exit_event exit;
		const struct warning *warning;
		const struct note *note;
		struct retracted_event retracted;
		struct recap_event recap;
		uint64_t lost;
		struct summary_event summary;
		const uint64_t *summary_lost;	/* [ST_COUNT] */
		int set_epfd;
		struct set_item_event set_item;
		struct sets_event sets;
		struct census_proc_event census_proc;
		struct census_stale_event census_stale;
		struct census_top_event census_top;
		struct census_rank_event census_rank;
		struct census_user_event census_user;
		struct census_event census;
	};
};
/* Does epoll_ctl's struct epoll_event mean anything?  Not when it could
 * not be read, nor for EPOLL_CTL_DEL, whose struct the kernel ignores
 * (strace shows DEL's pointer only, and so do the renderers). */
static inline bool ctl_event_shown(const struct ev_ctl *e)
{
	return e->event_ptr && !e->fault && e->op != EP_CTL_DEL;
}
#endif
