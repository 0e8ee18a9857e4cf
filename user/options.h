/* Command-line options (argp). */
#ifndef OPTIONS_H
#define OPTIONS_H
#include <stdbool.h>
#include <stdint.h>
#include "epolltrace.h"
#include "selection.h"

#define MAX_PIDS 64
#define MAX_EVENT_LISTS 16
/* The bounds of a monitor's state (-a, --cgroup, --comm) by default:
 * about 300 bytes a process, 400 a registration. */
#define MONITOR_MAX_PROCS 32768
#define MONITOR_MAX_REGS 524288

struct options {
	uint32_t pids[MAX_PIDS];
	int npids;
	char **command;		/* argv after --, or NULL */
	enum target_mode target;	/* -a, --cgroup, --comm; TM_PIDS: -p or a command */
	const char *cgroup;		/* --cgroup PATH */
	char comms[TARGET_COMMS_MAX][COMM_LEN];	/* --comm NAME[,NAME...] */
	int ncomms;
	bool follow;
	bool json;
	bool verbose;
	bool summary;		/* -c */
	bool sets;		/* --sets */
	const char *output;
	const char *perfetto;	/* --perfetto FILE: the picture too */
	int filter_epfd;	/* -1: all */
	int filter_fd;
	long stall_ms;		/* --stall: a delivered, undrained item becomes a suspect */
	long confirm_ms;	/* --confirm: a suspect left unread this long is warned about */
	enum backend backend;	/* BK_NONE: auto */
	unsigned int ringbuf_kb;
	enum { SA_AUTO, SA_TRACEPOINT, SA_RAW_TP, SA_FENTRY } syscall_attach;
	bool quiet;		/* -q: warnings and the recap only */
	/* A monitor's bounds on its state (0: none; with a target, defaults) */
	unsigned long max_procs;	/* --max-processes */
	unsigned long max_regs;		/* --max-registrations */
	const char *events[MAX_EVENT_LISTS];	/* -e, in order */
	int nevents;
	struct selection select;	/* -e and -q: what the trace shows */
	const char *tracing_option;	/* the first option only tracing uses (not --sets) */
};

/* Fills *o from the command line; exits with a one-line error on bad input. */
void options_parse(int argc, char **argv, struct options *o);
#endif
