#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"
#include "procs.h"

#define EPOLLTRACE_VERSION "0.1.0"

static const struct options defaults = {
	.filter_epfd = -1,
	.filter_fd = -1,
	.stall_ms = 200,
	.confirm_ms = 500,
	.ringbuf_kb = 8192,
};

const char *argp_program_version = "epolltrace " EPOLLTRACE_VERSION;
const char *argp_program_bug_address = "the project's issue tracker";

static const char doc[] =
"Trace epoll: every epoll call, every readiness the kernel signals, and the\n"
"bugs epoll is known for (missed edges, ONESHOT never re-armed, stale\n"
"registrations, watch limits).\n"
"\n"
"USAGE: epolltrace [OPTIONS] -- COMMAND [ARGS...]\n"
"       epolltrace [OPTIONS] -p PID[,PID...]\n"
"       epolltrace [OPTIONS] -a | --cgroup PATH | --comm NAME[,NAME...]\n"
"\n"
"EXAMPLES:\n"
"  epolltrace -- ./server          run ./server under trace\n"
"  epolltrace -f -p 1234           attach to 1234 and its future children\n"
"  epolltrace --json -o t.json -p 1234   NDJSON to a file\n"
"  epolltrace -c -p 1234           summary per epoll set and fd at exit\n"
"  epolltrace --perfetto pic.json -p 1234   also a picture for ui.perfetto.dev\n"
"  epolltrace -e epoll_wait,warnings -p 1234   only waits and warnings\n"
"  epolltrace --sets -p 1234       print the epoll sets of 1234 and exit\n"
"  epolltrace --sets -a            a census of every process's epoll sets\n"
"  epolltrace -a -q                warnings about every process, new ones too\n";

static const char args_doc[] = "[-- COMMAND [ARGS...]]";

enum { OPT_JSON = 1000, OPT_CGROUP, OPT_COMM, OPT_MAX_PROCS, OPT_MAX_REGS, OPT_EPFD, OPT_FD, OPT_SETS, OPT_STALL, OPT_CONFIRM, OPT_BACKEND, OPT_RINGBUF, OPT_SYSCALLS, OPT_PERFETTO };

static const struct argp_option options[] = {
	{ "pid", 'p', "PID[,PID...]", 0, "Attach to these processes (all their threads)", 0 },
	{ "all", 'a', NULL, 0, "Trace every process (but epolltrace), new ones included", 0 },
	{ "cgroup", OPT_CGROUP, "PATH", 0, "Trace the processes of this cgroup v2 directory and below, new ones included", 0 },
	{ "comm", OPT_COMM, "NAME[,NAME...]", 0, "Trace the processes of these names, new ones included (at exec)", 0 },
	{ "follow-forks", 'f', NULL, 0, "Also trace children forked after the start", 0 },
	{ "output", 'o', "FILE", 0, "Write the trace to FILE instead of stdout", 0 },
	{ "json", OPT_JSON, NULL, 0, "Write NDJSON, one object per line", 0 },
	{ "perfetto", OPT_PERFETTO, "FILE", 0, "Also write the trace to FILE in the Trace Event Format (JSON) that the Perfetto UI and chrome://tracing open: waits as slices per thread, readiness and deliveries per fd, an arrow from each readiness to the wait that delivered it", 0 },
	{ "summary", 'c', NULL, 0, "Print only a summary per epoll set and fd at exit", 0 },
	{ "sets", OPT_SETS, NULL, 0, "With -p: print the epoll sets of the processes and exit; with -a, --cgroup or --comm: a census of the target's sets, biggest sets, disarmed ONESHOT items, stale registrations and watches per user", 0 },
	{ "epfd", OPT_EPFD, "N", 0, "Show only what concerns epoll fd N", 0 },
	{ "fd", OPT_FD, "N", 0, "Show only what concerns fd N", 0 },
	{ "stall", OPT_STALL, "MS", 0, "Suspect an edge-triggered fd still unread MS ms after epoll reported it, with the program back in epoll_wait (default 200)", 0 },
	{ "confirm", OPT_CONFIRM, "MS", 0, "Warn about a suspect left unread for MS ms more, unless the program holds it back or keeps its own readiness (default 500)", 0 },
	{ "backend", OPT_BACKEND, "NAME", 0, "Readiness backend: auto, fentry, kprobe or tracepoint (default auto)", 0 },
	{ "syscall-hooks", OPT_SYSCALLS, "NAME", 0, "How syscalls are hooked: auto, tracepoint (one per syscall, needs tracefs), raw_tp (sys_enter/sys_exit) or fentry (fentry/fexit on each syscall's function; only with a command) (default auto)", 0 },
	{ "ringbuf-kb", OPT_RINGBUF, "KB", 0, "Ring buffer size in KiB, a power of two (default 8192)", 0 },
	{ "events", 'e', "LIST", 0, "Show only these record kinds (calls, ready, warnings, notes, exits) or calls (epoll_ctl, epoll_wait, ..., %wait, %create); with '!', all but these; may be repeated", 0 },
	{ "max-processes", OPT_MAX_PROCS, "N", 0, "Keep the state of at most N processes; others are not traced, and counted (default 32768 for a monitor, else no bound)", 0 },
	{ "max-registrations", OPT_MAX_REGS, "N", 0, "Keep at most N registrations; others are not tracked, and counted (default 524288 for a monitor, else no bound)", 0 },
	{ "quiet", 'q', NULL, 0, "Show only warnings and the final recap (no header in text); -e lists add to that", 0 },
	{ "verbose", 'v', NULL, 0, "Say what is attached, show libbpf's debug log, and each step of the verdicts (suspect, held back, cleared)", 0 },
	/* -h as strace and bcc's tools take it; argp's own is -? */
	{ NULL, 'h', NULL, OPTION_HIDDEN, NULL, 0 },
	{ 0 },
};

static long parse_number(const char *arg, const char *what, long min, long max, struct argp_state *state)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		argp_error(state, "invalid %s: '%s'", what, arg);
	return v;
}

/* "1234,1240": each pid once (-p 5,5 or -p 5 -p 5 traces 5 once). */
static void parse_pids(struct options *opts, const char *arg, struct argp_state *state)
{
	char *copy = strdup(arg), *save = NULL;
	bool any = false;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint32_t pid = parse_number(tok, "pid", 1, INT_MAX, state);

		any = true;
		if (pid_listed(opts->pids, opts->npids, pid))
			continue;
		if (opts->npids == MAX_PIDS)
			argp_error(state, "too many pids (at most %d)", MAX_PIDS);
		opts->pids[opts->npids++] = pid;
	}
	free(copy);
	if (!any)
		argp_error(state, "no pid in the list given to -p: '%s'", arg);
}

static void set_target(struct options *opts, enum target_mode t, struct argp_state *state)
{
	if (opts->target != TM_PIDS && opts->target != t)
		argp_error(state, "give one of -a, --cgroup and --comm");
	opts->target = t;
}

/* "nginx,redis-server": each name as the kernel keeps it (15 bytes). */
static void parse_comms(struct options *opts, const char *arg, struct argp_state *state)
{
	char *copy = strdup(arg), *save = NULL;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (opts->ncomms == TARGET_COMMS_MAX)
			argp_error(state, "too many names for --comm (at most %d)", TARGET_COMMS_MAX);
		snprintf(opts->comms[opts->ncomms++], COMM_LEN, "%s", tok);
	}
	free(copy);
	if (!opts->ncomms)
		argp_error(state, "no name in the list given to --comm: '%s'", arg);
}

/* Options that only tracing uses: --sets, which only prints the sets,
 * refuses them rather than ignore them. */
static void tracing_only(struct options *opts, const char *name)
{
	if (!opts->tracing_option)
		opts->tracing_option = name;
}

/* -q sets the default, then each -e in order (where -q stands does not
 * matter). */
static void build_selection(struct options *opts, struct argp_state *state)
{
	char why[512];

	selection_init(&opts->select, opts->quiet);
	for (int i = 0; i < opts->nevents; i++)
		if (selection_apply(&opts->select, opts->events[i], why, sizeof(why)))
			argp_error(state, "-e: %s", why);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *opts = state->input;

	switch (key) {
	case 'p': parse_pids(opts, arg, state); break;
	case 'a': set_target(opts, TM_ALL, state); break;
	case OPT_CGROUP:
		set_target(opts, TM_CGROUP, state);
		opts->cgroup = arg;
		break;
	case OPT_COMM:
		set_target(opts, TM_COMM, state);
		parse_comms(opts, arg, state);
		break;
	case 'f': opts->follow = true; tracing_only(opts, "-f"); break;
	case 'o': opts->output = arg; break;
	case 'c': opts->summary = true; tracing_only(opts, "-c"); break;
	case 'v': opts->verbose = true; break;
	case 'q': opts->quiet = true; tracing_only(opts, "-q"); break;
	case 'e':
		if (opts->nevents == MAX_EVENT_LISTS)
			argp_error(state, "too many -e options (at most %d)", MAX_EVENT_LISTS);
		opts->events[opts->nevents++] = arg;
		tracing_only(opts, "-e");
		break;
	case 'h': argp_state_help(state, stdout, ARGP_HELP_STD_HELP); break;
	case OPT_JSON: opts->json = true; break;
	case OPT_PERFETTO:
		if (!*arg)
			argp_error(state, "--perfetto needs a file name");
		opts->perfetto = arg;
		tracing_only(opts, "--perfetto");
		break;
	case OPT_MAX_PROCS:
		opts->max_procs = parse_number(arg, "number of processes", 1, INT_MAX, state);
		tracing_only(opts, "--max-processes");
		break;
	case OPT_MAX_REGS:
		opts->max_regs = parse_number(arg, "number of registrations", 1, INT_MAX, state);
		tracing_only(opts, "--max-registrations");
		break;
	case OPT_SETS: opts->sets = true; break;
	case OPT_EPFD:
		opts->filter_epfd = parse_number(arg, "epoll fd", 0, INT_MAX, state);
		tracing_only(opts, "--epfd");
		break;
	case OPT_FD:
		opts->filter_fd = parse_number(arg, "fd", 0, INT_MAX, state);
		tracing_only(opts, "--fd");
		break;
	case OPT_STALL:
		opts->stall_ms = parse_number(arg, "stall threshold", 1, 3600000, state);
		tracing_only(opts, "--stall");
		break;
	case OPT_CONFIRM:
		opts->confirm_ms = parse_number(arg, "confirmation window", 0, 3600000, state);
		tracing_only(opts, "--confirm");
		break;
	case OPT_RINGBUF: {
		long kb = parse_number(arg, "ring buffer size", 4, 1 << 20, state);

		if (kb & (kb - 1))
			argp_error(state, "ring buffer size must be a power of two: '%s'", arg);
		opts->ringbuf_kb = kb;
		tracing_only(opts, "--ringbuf-kb");
		break;
	}
	case OPT_SYSCALLS:
		tracing_only(opts, "--syscall-hooks");
		if (!strcmp(arg, "auto"))
			opts->syscall_attach = SA_AUTO;
		else if (!strcmp(arg, "tracepoint"))
			opts->syscall_attach = SA_TRACEPOINT;
		else if (!strcmp(arg, "raw_tp"))
			opts->syscall_attach = SA_RAW_TP;
		else if (!strcmp(arg, "fentry"))
			opts->syscall_attach = SA_FENTRY;
		else
			argp_error(state, "unknown syscall hook '%s' (auto, tracepoint, raw_tp, fentry)", arg);
		break;
	case OPT_BACKEND:
		tracing_only(opts, "--backend");
		if (!strcmp(arg, "auto"))
			opts->backend = BK_NONE;
		else if (!strcmp(arg, "fentry"))
			opts->backend = BK_FENTRY;
		else if (!strcmp(arg, "kprobe"))
			opts->backend = BK_KPROBE;
		else if (!strcmp(arg, "tracepoint"))
			opts->backend = BK_TRACEPOINT;
		else
			argp_error(state, "unknown backend '%s' (auto, fentry, kprobe, tracepoint)", arg);
		break;
	case ARGP_KEY_ARG:
		/* The first non-option word starts the command. */
		opts->command = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		build_selection(opts, state);
		if (opts->target != TM_PIDS && !opts->max_procs)
			opts->max_procs = MONITOR_MAX_PROCS;
		if (opts->target != TM_PIDS && !opts->max_regs)
			opts->max_regs = MONITOR_MAX_REGS;
		if ((opts->command || opts->npids) && opts->target != TM_PIDS)
			argp_error(state, "-a, --cgroup and --comm take no COMMAND and no -p");
		if (opts->sets && (opts->command || (opts->npids == 0 && opts->target == TM_PIDS)))
			argp_error(state, "--sets needs -p PID (or -a, --cgroup, --comm) and no command");
		if (opts->sets && opts->tracing_option)
			argp_error(state, "%s cannot be used with --sets, which prints the sets and exits",
				   opts->tracing_option);
		if (opts->perfetto && opts->summary)
			argp_error(state, "--perfetto cannot be used with -c, which counts the calls "
				   "instead of tracing them");
		if (!opts->sets && !opts->command && opts->npids == 0 && opts->target == TM_PIDS)
			argp_error(state, "give a COMMAND to run, -p PID to attach to, or -a, --cgroup, --comm");
		if (opts->command && opts->npids)
			argp_error(state, "give either a COMMAND or -p PID, not both");
		/* fexit misses the return of a call entered before the attach. */
		if (opts->syscall_attach == SA_FENTRY && !opts->command)
			argp_error(state, "--syscall-hooks=fentry traces only a COMMAND epolltrace starts: "
				   "fexit cannot see the return of a call in progress at the attach");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void options_parse(int argc, char **argv, struct options *o)
{
	static const struct argp argp = { options, parse_opt, args_doc, doc, NULL, NULL, NULL };

	*o = defaults;
	/* Errors read "epolltrace: ...", whatever path it was run by. */
	argv[0] = "epolltrace";
	argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, o);
}
