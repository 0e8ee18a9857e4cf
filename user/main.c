/* epolltrace: an strace-like tracer and diagnostic tool for Linux epoll. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "diag.h"
#include "epoll_state.h"
#include "options.h"
#include "proc_scan.h"
#include "procs.h"
#include "sets.h"
#include "summary.h"
#include "trace_events.h"
#include "tracer.h"
#include "warning.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

struct attach_ctx {
	struct tracer *t;
	int pidfd;
	bool set_needs_snapshots;	/* the set being scanned */
};

/* Is fd of pid a socket?  (Only asked until a set is known to need
 * snapshots, so a set of many non-sockets costs one look.) */
static bool fd_is_socket(uint32_t pid, int fd)
{
	char path[64], link[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	return n > 7 && !strncmp(link, "socket:", 7);
}

static void attach_set(uint32_t pid, int epfd, void *arg)
{
	struct attach_ctx *ac = arg;

	epset_get(pid, epfd);
	ac->set_needs_snapshots = false;
	if (ac->pidfd >= 0 && tracer_resolve_epoll(ac->t, pid, ac->pidfd, epfd) && opts.verbose)
		fprintf(stderr, "epolltrace: cannot map epoll fd %d of %u to the kernel\n", epfd, pid);
}

static void attach_item(uint32_t pid, int epfd, const struct scanned_item *it, void *arg)
{
	struct attach_ctx *ac = arg;

	learn_registration(pid, epfd, it->tfd, it->events, it->data);
	if (!ac->set_needs_snapshots &&
	    ((it->events & EPOLLOUT) || !fd_is_socket(pid, it->tfd)))
		ac->set_needs_snapshots = true;
}

static void attach_set_end(uint32_t pid, int epfd, void *arg)
{
	struct attach_ctx *ac = arg;

	if (ac->pidfd >= 0 && ac->set_needs_snapshots && ac->t->backend == BK_TRACEPOINT)
		tracer_snapshot_epoll(ac->t, ac->pidfd, epfd);
}

/* Start tracing a live process: the filter first, so nothing it does from
 * now on is missed, then what it registered before. */
static int attach_pid(struct tracer *t, uint32_t pid)
{
	struct attach_ctx ac = { t, open_pidfd(pid), false };
	struct scan_callbacks cb = { attach_set, attach_item, attach_set_end, &ac };
	struct proc *p = proc_get(pid);

	if (tracer_add_pid(t, pid)) {
		fprintf(stderr, "epolltrace: cannot add pid %u to the filter: %s\n", pid, strerror(errno));
		return -1;
	}
	proc_read_comm(pid);
	p->pidfd = ac.pidfd;
	if (scan_epoll_sets(pid, &cb) < 0 && !pid_alive(pid)) {
		fprintf(stderr, "epolltrace: process %u exited during attach\n", pid);
		return -1;
	}
	/* Waits entered before the attach: their return is traced too. */
	tracer_seed_blocked_waits(t, pid);
	return 0;
}

static void check_liveness(struct tracer *t, pid_t child, int *child_status)
{
	int status;

	if (child > 0 && *child_status < 0 && waitpid(child, &status, WNOHANG) == child) {
		*child_status = status;
		ring_buffer__consume(t->rb);	/* its exit record, if it is there */
		emit_exit_unseen(child, status);
	}
	for (int i = 0; i < opts.npids; i++) {
		struct proc *p = proc_find(opts.pids[i]);

		if (p && !p->exited && !pid_alive(p->pid)) {
			ring_buffer__consume(t->rb);
			emit_exit_unseen(p->pid, -1);
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

static int open_output(void)
{
	trace_out = stdout;
	if (!opts.output)
		return 0;
	trace_out = fopen(opts.output, "we");	/* not inherited by the command */
	if (!trace_out) {
		fprintf(stderr, "epolltrace: cannot open %s: %s\n", opts.output, strerror(errno));
		return -1;
	}
	/* A file is written in large blocks: fewer syscalls at high rates. */
	setvbuf(trace_out, NULL, _IOFBF, 1 << 20);
	return 0;
}

int main(int argc, char **argv)
{
	struct tracer tracer = { 0 };
	struct launch child = { .pid = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t last_check = 0, last_flush = 0;
	int child_status = -1, err;
	bool output_failed;

	options_parse(argc, argv);
	if (open_output())
		return 1;
	if (opts.sets)
		return sets_main(opts.pids, opts.npids);
	keep_closed_sets = opts.summary;

	for (int i = 0; i < opts.npids; i++) {
		uint32_t tgid = pid_to_tgid(opts.pids[i]);

		if (!tgid)
			return 1;
		if (tgid == (uint32_t)getpid()) {
			fprintf(stderr, "epolltrace: will not trace itself (pid %u)\n", tgid);
			return 1;
		}
		opts.pids[i] = tgid;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (opts.command && launch_held(opts.command, &child)) {
		fprintf(stderr, "epolltrace: cannot start %s: %s\n", opts.command[0], strerror(errno));
		return 1;
	}
	the_tracer = &tracer;
	if (tracer_start(&tracer, handle_record, NULL)) {
		if (child.pid > 0)
			launch_abort(&child);
		return 1;
	}
	trace_start_ns = monotonic_ns();
	for (int i = 0; i < opts.npids; i++) {
		if (attach_pid(&tracer, opts.pids[i])) {
			tracer_stop(&tracer);
			return 1;
		}
	}
	if (child.pid > 0) {
		opts.pids[0] = child.pid;
		opts.npids = 1;
		proc_get(child.pid)->pidfd = open_pidfd(child.pid);
		tracer_add_pid(&tracer, child.pid);
	}
	emit_start(backend_name(tracer.backend), tracer.attached, tracer.nattached,
		   opts.pids, opts.npids);
	if (child.pid > 0) {
		proc_read_comm(child.pid);
		err = launch_release(&child);
		if (err) {
			waitpid(child.pid, NULL, 0);
			fprintf(stderr, "epolltrace: cannot execute %s: %s\n", opts.command[0], strerror(err));
			tracer_stop(&tracer);
			return 127;
		}
	}

	while (!stop_requested) {
		uint64_t now;

		err = ring_buffer__poll(tracer.rb, 20);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "epolltrace: reading the ring buffer: %s\n", strerror(-err));
			break;
		}
		/* Records are written without waking us (see wakeup_flag()). */
		ring_buffer__consume(tracer.rb);
		now = monotonic_ns();
		diag_tick(now);
		if (now - last_check > 100000000ULL) {
			last_check = now;
			check_liveness(&tracer, child.pid, &child_status);
			if (procs_alive() == 0)
				break;
		}
		/* A terminal sees each batch; a file within 100 ms. */
		if (!opts.output || now - last_flush > 100000000ULL) {
			fflush(trace_out);
			last_flush = now;
		}
	}
	ring_buffer__consume(tracer.rb);
	if (opts.summary)
		summary_print(&tracer);
	warnings_recap();
	emit_lost(tracer_lost(&tracer));
	output_failed = fflush(trace_out) != 0 || ferror(trace_out);
	if (output_failed)
		fprintf(stderr, "epolltrace: writing the trace to %s failed: the trace is incomplete\n",
			opts.output ? opts.output : "stdout");
	tracer_stop(&tracer);
	if (child.pid > 0 && child_status < 0 && !stop_requested)
		waitpid(child.pid, &child_status, 0);
	if (output_failed)
		return 1;
	if (child.pid > 0 && child_status >= 0)
		return exit_code_of(child_status);
	return 0;
}
