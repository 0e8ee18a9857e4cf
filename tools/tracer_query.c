/* tracer_query: the kernel side's answers about a live process, asked
 * through user/tracer.c as epolltrace asks them, printed as one JSON line.
 *
 *   tracer_query [OPTIONS] ready-list PID EPFD   the items on a set's ready list now
 *   tracer_query [OPTIONS] sock PID FD           a socket's endpoints now
 *
 * OPTIONS as epolltrace's: --backend=fentry|kprobe|tracepoint,
 * --syscall-hooks=tracepoint|raw_tp.
 *
 * {"ret":0,...} on an answer, {"ret":-ERRNO} without one.  Needs what
 * epolltrace needs (root, BTF); it loads and attaches the same programs. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "options.h"
#include "targets.h"
#include "tracer.h"

static int ignore_record(void *ctx, void *data, size_t size)
{
	return 0;
}

static void print_ready_list(int ret, const struct ready_list_answer *a)
{
	printf("{\"ret\":%d", ret);
	if (!ret) {
		printf(",\"transferring\":%s,\"truncated\":%s,\"count\":%u,\"items\":[",
		       a->transferring ? "true" : "false", a->truncated ? "true" : "false", a->count);
		for (unsigned int i = 0; i < a->count && i < READY_LIST_MAX; i++)
			printf("%s{\"fd\":%d,\"events\":%u}", i ? "," : "", a->items[i].fd,
			       a->items[i].events);
		printf("]");
	}
	printf("}\n");
}

static void print_sock(int ret, const struct sock_info *si)
{
	char src[INET6_ADDRSTRLEN] = "", dst[INET6_ADDRSTRLEN] = "";
	int af = si->family;

	printf("{\"ret\":%d", ret);
	if (!ret) {
		if (af == AF_INET || af == AF_INET6) {
			inet_ntop(af, si->saddr, src, sizeof(src));
			inet_ntop(af, si->daddr, dst, sizeof(dst));
		}
		printf(",\"family\":%u,\"type\":%u,\"protocol\":%u,\"state\":%u,"
		       "\"saddr\":\"%s\",\"sport\":%u,\"daddr\":\"%s\",\"dport\":%u",
		       si->family, si->type, si->protocol, si->state, src, si->sport, dst, si->dport);
	}
	printf("}\n");
}

int main(int argc, char **argv)
{
	struct options opts = { .ringbuf_kb = 256, .filter_epfd = -1, .filter_fd = -1 };
	struct tracer t = { 0 };
	struct target none = { .mode = TM_PIDS };
	int pidfd, ret;

	for (; argc > 1 && !strncmp(argv[1], "--", 2); argc--, argv++) {
		if (!strcmp(argv[1], "--backend=fentry"))
			opts.backend = BK_FENTRY;
		else if (!strcmp(argv[1], "--backend=kprobe"))
			opts.backend = BK_KPROBE;
		else if (!strcmp(argv[1], "--backend=tracepoint"))
			opts.backend = BK_TRACEPOINT;
		else if (!strcmp(argv[1], "--syscall-hooks=raw_tp"))
			opts.syscall_attach = SA_RAW_TP;
		else if (!strcmp(argv[1], "--syscall-hooks=tracepoint"))
			opts.syscall_attach = SA_TRACEPOINT;
		else
			argc = 0;	/* usage */
	}
	if (argc != 4 || (strcmp(argv[1], "ready-list") && strcmp(argv[1], "sock"))) {
		fprintf(stderr, "usage: tracer_query [--backend=B] [--syscall-hooks=H] "
			"ready-list PID EPFD | sock PID FD\n");
		return 64;
	}
	if (tracer_start(&t, &opts, &none, ignore_record, NULL))
		return 1;
	pidfd = syscall(SYS_pidfd_open, atoi(argv[2]), 0);
	if (pidfd < 0) {
		fprintf(stderr, "tracer_query: pid %s: %s\n", argv[2], strerror(errno));
		tracer_stop(&t);
		return 1;
	}
	if (!strcmp(argv[1], "ready-list")) {
		struct ready_list_answer a;

		ret = tracer_ready_list(&t, pidfd, atoi(argv[3]), &a);
		print_ready_list(ret, &a);
	} else {
		struct sock_info si;

		ret = tracer_sock_info(&t, pidfd, atoi(argv[3]), &si);
		print_sock(ret, &si);
	}
	close(pidfd);
	tracer_stop(&t);
	return 0;
}
