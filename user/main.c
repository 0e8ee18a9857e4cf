/* epolltrace: an strace-like tracer and diagnostic tool for Linux epoll.
 *
 * The way a record travels (user/README has the map): tracer.c reads the
 * ring buffer -> records.c checks it, updates the state (epoll_state.c,
 * fd_desc.c) and tells the verdict model (verdict.c) -> an event
 * (event.h) goes to the renderer chosen here (render_text.c or
 * render_json.c, and render_perfetto.c after it with --perfetto) -> a
 * whole record to the sink (sink.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "census.h"
#include "clock.h"
#include "epoll_state.h"
#include "options.h"
#include "procs.h"
#include "render.h"
#include "sets.h"
#include "sink.h"
#include "targets.h"
#include "trace.h"

static int sets_only(const struct options *o, struct sink *out)
{
	struct state st = { 0 };
	struct renderer r;
	int rc;

	struct target t;

	/* -a, --cgroup, --comm: a census of the target's sets */
	if (o->target != TM_PIDS && target_init(&t, o))
		return 1;
	render_init(&r, render_ops_find(o->json ? "json" : "text"), out, NULL, &st, monotonic_ns());
	if (o->target != TM_PIDS)
		rc = census_main(&t, &r);
	else
		rc = sets_main(o->pids, o->npids, &r, &st);
	render_free(&r);
	state_free(&st);
	return rc;
}

/* --perfetto's file: never the trace's own (it would be written twice
 * over), not inherited by the traced command (sink_open: O_CLOEXEC). */
static int open_picture(struct sink *picture, const char *path, const struct sink *out)
{
	struct stat a, b;

	if (stat(path, &a) == 0 && fstat(out->fd, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino) {
		fprintf(stderr, "epolltrace: --perfetto %s is where the trace goes already (-o, or standard output)\n",
			path);
		return -1;
	}
	if (sink_open(picture, path, false)) {	/* one document: never appended to */
		fprintf(stderr, "epolltrace: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts;
	struct sink out, err, picture;
	int rc;

	options_parse(argc, argv, &opts);
	/* Installed set-user-ID (or -group-ID), the command would run, and -o
	 * would create files, with privileges its user does not have. */
	if (getuid() != geteuid() || getgid() != getegid()) {
		fprintf(stderr, "epolltrace: refusing to run set-user-ID or set-group-ID "
			"(real uid %u, effective %u): run it as root instead\n", getuid(), geteuid());
		return 1;
	}
	/* A command that cannot be run fails here, as in a shell: before
	 * the programs are loaded, a header printed or -o's file made. */
	if (opts.command && (rc = command_check(opts.command[0]))) {
		fprintf(stderr, "epolltrace: cannot execute %s: %s\n", opts.command[0], strerror(rc));
		return command_check_status(rc);
	}
	/* A monitor's file is a log: added to, never truncated. */
	if (sink_open(&out, opts.output, opts.target != TM_PIDS && !opts.sets)) {
		fprintf(stderr, "epolltrace: cannot open %s: %s\n", opts.output, strerror(errno));
		return 1;
	}
	if (opts.perfetto && open_picture(&picture, opts.perfetto, &out)) {
		sink_close(&out);
		return 1;
	}
	/* Warnings in text also reach the terminal when the trace goes to a file. */
	sink_attach(&err, STDERR_FILENO);
	if (opts.sets)
		rc = sets_only(&opts, &out);
	else
		rc = trace_main(&opts, &out, opts.output && !opts.json ? &err : NULL,
				opts.perfetto ? &picture : NULL);
	if (opts.perfetto && sink_close(&picture)) {
		fprintf(stderr, "epolltrace: writing the Perfetto trace to %s failed: %s; it is incomplete\n",
			opts.perfetto, strerror(picture.error));
		rc = 1;
	}
	if (sink_close(&out)) {
		fprintf(stderr, "epolltrace: writing the trace to %s failed: %s; the trace is incomplete\n",
			opts.output ? opts.output : "stdout", strerror(out.error));
		return 1;
	}
	sink_close(&err);
	return rc;
}
