#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
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
#include "trace.h"
#include "tracer.h"
#include "verdict.h"

/* How often the loop wakes when nothing comes, checks that the traced
 * processes live, and flushes a trace written to a file. */
#define POLL_MS			20
#define LIVENESS_NS		(100 * NS_PER_MS)
#define FILE_FLUSH_NS		(100 * NS_PER_MS)
/* Records handled between two looks at the signals and the processes. */
#define BATCH_RECORDS		65536

/* Set by SIGINT, SIGTERM and SIGHUP (the terminal gone): each detaches
 * and ends the trace whole.  The only thing a signal handler may touch. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

struct trace {
	const struct options *opts;
	struct state state;
	struct tracer tracer;
	struct renderer out;
	struct verdicts verdicts;
	struct records records;
	struct launch child;
	int child_status;	/* wait status, -1 while it runs */
	uint32_t pids[MAX_PIDS];
	int npids;
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

static void say_start(struct trace *tr)
{
	struct event ev = { .kind = EVK_START, .ts_ns = tr->out.start_ns };

	ev.start = (struct start_event){
		.backend = backend_name(tr->tracer.backend),
		.attached = tr->tracer.attached, .nattached = tr->tracer.nattached,
		.pids = tr->pids, .npids = tr->npids,
	};
	render(&tr->out, &ev);
}

static void loop(struct trace *tr)
{
	uint64_t last_check = 0, last_flush = 0;
	int err;

	while (!stop_requested) {
		uint64_t now;

		err = take_records(tr, POLL_MS, BATCH_RECORDS);
		if (err < 0) {
			fprintf(stderr, "epolltrace: reading the ring buffer: %s\n", strerror(-err));
			break;
		}
		/* Records are written without waking us (see wakeup_flag()). */
		take_records(tr, 0, BATCH_RECORDS);
		now = monotonic_ns();
		verdict_tick(&tr->verdicts, now);
		if (now - last_check > LIVENESS_NS) {
			last_check = now;
			check_liveness(tr);
			if (procs_alive(&tr->state) == 0)
				break;
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
	if (tr->records.malformed)
		fprintf(stderr, "epolltrace: %llu records too short for their type were dropped\n",
			(unsigned long long)tr->records.malformed);
}

int trace_main(const struct options *o, struct sink *out, struct sink *err)
{
	struct trace tr = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct verdict_config vc = {
		.stall_ns = ms_to_ns(o->stall_ms), .confirm_ns = ms_to_ns(o->confirm_ms),
		.stall_checks = !o->summary, .verbose = o->verbose,
	};
	int rc = 0, exec_err;

	tr.opts = o;
	tr.child = (struct launch){ .pid = -1 };
	tr.child_status = -1;
	tr.state.keep_closed = o->summary;
	if (resolve_pids(&tr))
		return 1;
	/* Launched before our handlers are set: the command starts with the
	 * signal dispositions we were started with. */
	if (o->command && launch_held(o->command, &tr.child)) {
		fprintf(stderr, "epolltrace: cannot start %s: %s\n", o->command[0], strerror(errno));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed output is an error, not our death */

	render_init(&tr.out, render_ops_find(o->json ? "json" : "text"), out, err, &tr.state, 0);
	verdicts_init(&tr.verdicts, &vc, &tr.state, &tr.tracer, &tr.out);
	records_init(&tr.records, o, &tr.state, &tr.verdicts, &tr.out, &tr.tracer);
	if (tracer_start(&tr.tracer, o, records_handle, &tr.records)) {
		if (tr.child.pid > 0)
			launch_abort(&tr.child);
		return 1;
	}
	tr.out.start_ns = monotonic_ns();
	if (tr.child.pid > 0) {
		tr.pids[0] = tr.child.pid;
		tr.npids = 1;
		proc_get(&tr.state, tr.child.pid)->pidfd = open_pidfd(tr.child.pid);
		tracer_add_pid(&tr.tracer, tr.child.pid);
	}
	/* The start record first: attaching may already say something (a
	 * runtime recognised, an item found stuck). */
	say_start(&tr);
	for (int i = 0; i < tr.npids && tr.child.pid <= 0; i++) {
		if (attach_pid(&tr.records, &tr.tracer, tr.pids[i])) {
			tracer_stop(&tr.tracer);
			return 1;
		}
		/* As strace says it: from here on every call of the process
		 * is traced, the waits it was in included. */
		fprintf(stderr, "epolltrace: Process %u attached\n", tr.pids[i]);
	}
	if (tr.child.pid > 0) {
		proc_read_comm(&tr.state, tr.child.pid);
		exec_err = launch_release(&tr.child);
		if (exec_err) {
			waitpid(tr.child.pid, NULL, 0);
			fprintf(stderr, "epolltrace: cannot execute %s: %s\n", o->command[0],
				strerror(exec_err));
			tracer_stop(&tr.tracer);
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
	state_free(&tr.state);
	return rc;
}
