#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "attach.h"
#include "clock.h"
#include "epoll_state.h"
#include "options.h"
#include "procs.h"
#include "records.h"
#include "render.h"
#include "sink.h"
#include "summary.h"
#include "targets.h"
#include "trace.h"
#include "tracer.h"
#include "verdict.h"
#include "xgrow.h"

/* How often the loop wakes when nothing comes, checks that the traced
 * processes live, and flushes a trace written to a file. */
#define POLL_MS			20
#define LIVENESS_NS		(100 * NS_PER_MS)
#define FILE_FLUSH_NS		(100 * NS_PER_MS)
/* Records handled between two looks at the signals and the processes. */
#define BATCH_RECORDS		65536
/* With a target (-a, --cgroup, --comm): how often the processes known
 * are checked for an exit the records did not tell (records lost). */
#define SWEEP_NS		(10 * NS_PER_SEC)

/* Set by SIGINT, SIGTERM and SIGHUP (the terminal gone): each detaches
 * and ends the trace whole.  But a monitor (-a, --cgroup, --comm) that
 * writes to a file takes SIGHUP as log rotation's: the file was moved,
 * open it anew.  The only things a signal handler may touch. */
static volatile sig_atomic_t stop_requested, reopen_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static void on_reopen(int sig)
{
	reopen_requested = 1;
}

struct trace {
	const struct options *opts;
	struct state state;
	struct tracer tracer;
	struct renderer out;
	struct renderer picture;	/* --perfetto: fed what out is */
	struct verdicts verdicts;
	struct records records;
	struct launch child;
	int child_status;	/* wait status, -1 while it runs */
	uint32_t pids[MAX_PIDS];
	int npids;
	struct target target;	/* -a, --cgroup, --comm; mode TM_PIDS: none */
	/* ...its processes with epoll sets then, found once for the start
	 * record (which comes first) and attached after it */
	uint32_t *at_start;
	size_t nat_start, at_start_cap;
	uint64_t last_sweep_ns;
};

/* Hands the records in the ring buffer to records.c: at most `budget`
 * (0: all; only once nothing new can come), waiting up to timeout_ms for
 * the first.  0, or -errno. */
static int take_records(struct trace *tr, int timeout_ms, unsigned int budget)
{
	int err;

	tr->records.batch_left = budget;
	err = timeout_ms ? ring_buffer__poll(tr->tracer.rb, timeout_ms) :
			   ring_buffer__consume(tr->tracer.rb);
	return err == RECORDS_BATCH_DONE || err == -EINTR || err > 0 ? 0 : err;
}

static void check_liveness(struct trace *tr)
{
	int status;

	if (tr->child.pid > 0 && tr->child_status < 0 &&
	    waitpid(tr->child.pid, &status, WNOHANG) == tr->child.pid) {
		tr->child_status = status;
		take_records(tr, 0, BATCH_RECORDS);	/* its exit record, if it is there */
		records_exit_unseen(&tr->records, tr->child.pid, status, monotonic_ns());
	}
	for (int i = 0; i < tr->npids; i++) {
		struct proc *p = proc_find(&tr->state, tr->pids[i]);

		if (p && !p->exited && !pid_alive(p->pid)) {
			take_records(tr, 0, BATCH_RECORDS);
			records_exit_unseen(&tr->records, p->pid, -1, monotonic_ns());
		}
	}
}

/* ---- a target: processes that join by themselves ------------------------ */

/* At the start, the processes of the target that hold epoll sets are
 * attached as with -p (after the start record, which counts them); the
 * others join at their first epoll call. */
static void find_at_start(uint32_t pid, void *arg)
{
	struct trace *tr = arg;

	if (!proc_has_epoll(pid))
		return;
	if (tr->nat_start == tr->at_start_cap)
		tr->at_start = xgrow(tr->at_start, &tr->at_start_cap, sizeof(*tr->at_start));
	tr->at_start[tr->nat_start++] = pid;
}

static void join_at_start(struct trace *tr)
{
	for (size_t i = 0; i < tr->nat_start; i++) {
		uint32_t pid = tr->at_start[i];

		if (records_room_for(&tr->records, pid) &&
		    attach_pid(&tr->records, &tr->tracer, pid, false) == 0)
			verdict_check_access(&tr->verdicts, pid, monotonic_ns());
	}
	free(tr->at_start);
	tr->at_start = NULL;
	tr->nat_start = tr->at_start_cap = 0;
}

/* Processes that joined by themselves since the last batch: what they
 * had before their first traced call is read as at an attach. */
static void adopt_newcomers(struct trace *tr)
{
	struct records *rc = &tr->records;

	for (size_t i = 0; i < rc->nnewcomers; i++) {
		uint32_t pid = rc->newcomers[i];
		struct proc *p = proc_find(&tr->state, pid);

		if (!p || p->exited || p->pidfd >= 0 || !pid_alive(pid))
			continue;
		attach_pid(rc, &tr->tracer, pid, false);
		verdict_check_access(&tr->verdicts, pid, monotonic_ns());
	}
	rc->nnewcomers = 0;
}

/* A monitor's processes whose exit no record told (records were lost):
 * a pidfd polls readable once its process is gone. */
struct sweep {
	struct pollfd *fds;	/* the pidfds of the live processes known... */
	uint32_t *pids;		/* ...and their pids */
	size_t n, cap;
};

static void sweep_one(struct proc *p, void *arg)
{
	struct sweep *sw = arg;

	if (p->exited || p->pidfd < 0)
		return;
	if (sw->n == sw->cap) {
		size_t cap = sw->cap ? sw->cap * 2 : 256;
		struct pollfd *fds = realloc(sw->fds, cap * sizeof(*fds));
		uint32_t *pids = fds ? realloc(sw->pids, cap * sizeof(*pids)) : NULL;

		if (fds)
			sw->fds = fds;
		if (!pids)
			return;
		sw->pids = pids;
		sw->cap = cap;
	}
	sw->fds[sw->n] = (struct pollfd){ .fd = p->pidfd, .events = POLLIN };
	sw->pids[sw->n++] = p->pid;
}

static void sweep_exited(struct trace *tr, uint64_t now)
{
	struct sweep sw = { 0 };

	proc_each(&tr->state, sweep_one, &sw);
	if (sw.n && poll(sw.fds, sw.n, 0) > 0) {
		take_records(tr, 0, 0);	/* their exit records, if they came late after all */
		for (size_t i = 0; i < sw.n; i++) {
			struct proc *p = proc_find(&tr->state, sw.pids[i]);

			if ((sw.fds[i].revents & POLLIN) && p && !p->exited)
				records_exit_unseen(&tr->records, sw.pids[i], -1, now);
		}
	}
	free(sw.fds);
	free(sw.pids);
}

static int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* The pids given with -p, as thread groups (each once: two threads of
 * one process are one process); -1 after one line saying why. */
static int resolve_pids(struct trace *tr)
{
	for (int i = 0; i < tr->opts->npids; i++) {
		uint32_t tgid = pid_to_tgid(tr->opts->pids[i]);

		if (!tgid)
			return -1;
		if (tgid == (uint32_t)getpid()) {
			fprintf(stderr, "epolltrace: will not trace itself (pid %u)\n", tgid);
			return -1;
		}
		if (!pid_listed(tr->pids, tr->npids, tgid))
			tr->pids[tr->npids++] = tgid;
	}
	return 0;
}

/* The header: in text not with -q (JSON begins with it whatever). */
static void say_start(struct trace *tr)
{
	struct event ev = { .kind = EVK_START, .ts_ns = tr->out.start_ns };

	if (tr->opts->quiet && !tr->opts->json)
		return;
	char target[512];

	ev.start = (struct start_event){
		.backend = backend_name(tr->tracer.backend),
		.attached = tr->tracer.attached, .nattached = tr->tracer.nattached,
		.pids = tr->pids, .npids = tr->npids,
		.target = tr->target.mode == TM_PIDS ? NULL :
			  target_describe(&tr->target, target, sizeof(target)),
		.nattached_pids = (int)tr->nat_start,
	};
	render(&tr->out, &ev);
}

/* SIGHUP of a monitor writing to a file: the file is opened anew, and
 * begins, as any trace, with the header (JSON: the start record). */
static void reopen_output(struct trace *tr)
{
	reopen_requested = 0;
	if (sink_reopen(tr->out.out, tr->opts->output)) {
		fprintf(stderr, "epolltrace: cannot open %s again: %s; writing on to the file "
			"opened before\n", tr->opts->output, strerror(errno));
		return;
	}
	say_start(tr);
}

static void loop(struct trace *tr)
{
	uint64_t last_check = 0, last_flush = 0;
	int err;

	while (!stop_requested) {
		uint64_t now;

		if (reopen_requested)
			reopen_output(tr);
		err = take_records(tr, POLL_MS, BATCH_RECORDS);
		if (err < 0) {
			fprintf(stderr, "epolltrace: reading the ring buffer: %s\n", strerror(-err));
			break;
		}
		/* Records are written without waking us (see wakeup_flag()). */
		take_records(tr, 0, BATCH_RECORDS);
		if (tr->records.nnewcomers)
			adopt_newcomers(tr);
		now = monotonic_ns();
		verdict_tick(&tr->verdicts, now);
		if (now - last_check > LIVENESS_NS) {
			last_check = now;
			check_liveness(tr);
			/* A target's processes come and go: it runs until stopped. */
			if (tr->target.mode == TM_PIDS && procs_alive(&tr->state) == 0)
				break;
		}
		if (tr->target.mode != TM_PIDS && now - tr->last_sweep_ns > SWEEP_NS) {
			tr->last_sweep_ns = now;
			sweep_exited(tr, now);
		}
		/* A terminal or pipe sees each batch; a file within 100 ms. */
		if (!tr->out.out->regular_file || now - last_flush > FILE_FLUSH_NS) {
			sink_flush(tr->out.out);
			last_flush = now;
		}
	}
	/* Nothing new from here: then what is there is all there is. */
	tracer_untrace_all(&tr->tracer);
	take_records(tr, 0, 0);
}

static void finish(struct trace *tr)
{
	uint64_t now = monotonic_ns();
	struct event lost = { .kind = EVK_LOST, .ts_ns = now, .lost = tracer_lost(&tr->tracer) };

	if (tr->opts->summary)
		summary_print(&tr->tracer, &tr->state, &tr->out, tr->opts->filter_epfd, now);
	verdict_recap(&tr->verdicts, now);
	render(&tr->out, &lost);
	render_end(&tr->out);
	if (tr->records.malformed)
		fprintf(stderr, "epolltrace: %llu records too short for their type were dropped\n",
			(unsigned long long)tr->records.malformed);
}

int trace_main(const struct options *o, struct sink *out, struct sink *err,
	       struct sink *picture)
{
	struct trace tr = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct verdict_config vc = {
		.stall_ns = ms_to_ns(o->stall_ms), .confirm_ns = ms_to_ns(o->confirm_ms),
		.stall_checks = !o->summary, .verbose = o->verbose,
		.rate_limit = o->target != TM_PIDS,
	};
	int rc = 0, exec_err;

	tr.opts = o;
	tr.child = (struct launch){ .pid = -1 };
	tr.child_status = -1;
	tr.state.keep_closed = o->summary;
	tr.state.max_registrations = o->max_regs;
	if (resolve_pids(&tr) || target_init(&tr.target, o))
		return 1;
	/* Launched before our handlers are set: the command starts with the
	 * signal dispositions we were started with. */
	if (o->command && launch_held(o->command, &tr.child)) {
		fprintf(stderr, "epolltrace: cannot start %s: %s\n", o->command[0], strerror(errno));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o->target != TM_PIDS && o->output)
		sa.sa_handler = on_reopen;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed output is an error, not our death */

	render_init(&tr.out, render_ops_find(o->json ? "json" : "text"), out, err, &tr.state, 0);
	render_select(&tr.out, &o->select);
	if (picture) {	/* everything, whatever -e and -q show */
		render_init(&tr.picture, render_ops_find("perfetto"), picture, NULL, &tr.state, 0);
		render_also(&tr.out, &tr.picture);
	}
	verdicts_init(&tr.verdicts, &vc, &tr.state, &tr.tracer, &tr.out);
	records_init(&tr.records, o, &tr.state, &tr.verdicts, &tr.out, &tr.tracer);
	/* A target's processes join as soon as the programs are attached. */
	render_set_start(&tr.out, monotonic_ns());
	if (tracer_start(&tr.tracer, o, &tr.target, records_handle, &tr.records)) {
		if (tr.child.pid > 0)
			launch_abort(&tr.child);
		render_end(&tr.out);
		return 1;
	}
	if (tr.target.mode == TM_PIDS)
		render_set_start(&tr.out, monotonic_ns());
	if (tr.child.pid > 0) {
		tr.pids[0] = tr.child.pid;
		tr.npids = 1;
		proc_get(&tr.state, tr.child.pid)->pidfd = open_pidfd(tr.child.pid);
		tracer_add_pid(&tr.tracer, tr.child.pid);
	}
	/* The start record first: attaching may already say something (a
	 * runtime recognised, an item found stuck). */
	if (tr.target.mode != TM_PIDS)
		target_each(&tr.target, find_at_start, &tr);
	say_start(&tr);
	for (int i = 0; i < tr.npids && tr.child.pid <= 0; i++) {
		if (attach_pid(&tr.records, &tr.tracer, tr.pids[i], true)) {
			tracer_stop(&tr.tracer);
			render_end(&tr.out);
			return 1;
		}
		/* As strace says it: from here on every call of the process
		 * is traced, the waits it was in included. */
		if (!o->quiet)
			fprintf(stderr, "epolltrace: Process %u attached\n", tr.pids[i]);
		/* Attaching many processes takes a while (seconds on a slow
		 * machine): those attached already are judged meanwhile, so a
		 * stuck item found at its attach is warned of in time, not
		 * after the process may have gone. */
		take_records(&tr, 0, BATCH_RECORDS);
		verdict_tick(&tr.verdicts, monotonic_ns());
	}
	if (tr.target.mode != TM_PIDS) {
		join_at_start(&tr);
		tr.last_sweep_ns = monotonic_ns();
	}
	if (tr.child.pid > 0) {
		proc_read_comm(&tr.state, tr.child.pid);
		exec_err = launch_release(&tr.child);
		if (exec_err) {
			waitpid(tr.child.pid, NULL, 0);
			fprintf(stderr, "epolltrace: cannot execute %s: %s\n", o->command[0],
				strerror(exec_err));
			tracer_stop(&tr.tracer);
			render_end(&tr.out);
			return 127;
		}
	}
	/* Asked once the command runs its own program: before its exec it
	 * is a copy of us, which may not be dumpable. */
	for (int i = 0; i < tr.npids; i++)
		verdict_check_access(&tr.verdicts, tr.pids[i], monotonic_ns());
	loop(&tr);
	finish(&tr);
	tracer_stop(&tr.tracer);
	if (tr.child.pid > 0 && tr.child_status < 0 && !stop_requested)
		waitpid(tr.child.pid, &tr.child_status, 0);
	if (tr.child.pid > 0 && tr.child_status >= 0)
		rc = exit_code_of(tr.child_status);
	records_free(&tr.records);
	verdicts_free(&tr.verdicts);
	render_free(&tr.out);
	if (picture)
		render_free(&tr.picture);
	state_free(&tr.state);
	return rc;
}
