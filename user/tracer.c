#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "epolltrace.skel.h"
#include "tracer.h"

const char *backend_name(enum backend b)
{
	switch (b) {
	case BK_FENTRY: return "fentry";
	case BK_KPROBE: return "kprobe";
	case BK_TRACEPOINT: return "tracepoint";
	default: return "auto";
	}
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!opts.verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void note_attached(struct tracer *t, const char *what)
{
	size_t used = strlen(t->attached);

	snprintf(t->attached + used, sizeof(t->attached) - used, "%s%s", used ? ", " : "", what);
}

static int attach_one(struct tracer *t, struct bpf_program *prog, const char *what, char *why, size_t len)
{
	struct bpf_link *link = bpf_program__attach(prog);

	if (!link) {
		snprintf(why, len, "cannot attach %s: %s", what, strerror(errno));
		return -1;
	}
	note_attached(t, what);
	return 0;
}

/* Open, load and attach with one backend; on failure leave nothing behind
 * and say why in `why`. */
static int try_backend(struct tracer *t, enum backend b, char *why, size_t len)
{
	struct epolltrace_bpf *skel = epolltrace_bpf__open();
	int err;

	t->attached[0] = 0;
	if (!skel) {
		snprintf(why, len, "cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	skel->rodata->self_tgid = getpid();
	skel->rodata->follow_forks = opts.follow;
	skel->rodata->summary_only = opts.summary;
	skel->rodata->rdlist_snapshots = b == BK_TRACEPOINT;
	skel->rodata->watch_reads = !opts.summary;
	skel->rodata->wakeup_bytes = (uint64_t)opts.ringbuf_kb * 1024 / 8;
	bpf_map__set_max_entries(skel->maps.events, opts.ringbuf_kb * 1024);
	bpf_program__set_autoload(skel->progs.ready_fentry, b == BK_FENTRY);
	bpf_program__set_autoload(skel->progs.ready_kprobe, b == BK_KPROBE);
	bpf_program__set_autoload(skel->progs.ready_sk_data, b == BK_TRACEPOINT);

	err = epolltrace_bpf__load(skel);
	if (err) {
		snprintf(why, len, "cannot load: %s", strerror(-err));
		goto fail;
	}
	if (attach_one(t, skel->progs.on_sys_enter, "raw_tp:sys_enter", why, len) ||
	    attach_one(t, skel->progs.on_sys_exit, "raw_tp:sys_exit", why, len) ||
	    attach_one(t, skel->progs.on_fork, "raw_tp:sched_process_fork", why, len) ||
	    attach_one(t, skel->progs.on_exit, "raw_tp:sched_process_exit", why, len))
		goto fail;
	switch (b) {
	case BK_FENTRY:
		if (attach_one(t, skel->progs.ready_fentry, "fentry:ep_poll_callback", why, len))
			goto fail;
		break;
	case BK_KPROBE:
		if (attach_one(t, skel->progs.ready_kprobe, "kprobe:ep_poll_callback", why, len))
			goto fail;
		break;
	default:
		/* sock:sk_data_ready came in Linux 6.4; without it the ready
		 * list seen at each wait still tells readiness. */
		if (bpf_program__attach(skel->progs.ready_sk_data))
			note_attached(t, "raw_tp:sk_data_ready");
		note_attached(t, "ready list at epoll_wait");
		break;
	}
	t->skel = skel;
	t->backend = b;
	return 0;
fail:
	epolltrace_bpf__destroy(skel);
	return -1;
}

int tracer_start(struct tracer *t, ring_buffer_sample_fn handle, void *ctx)
{
	static const enum backend order[] = { BK_FENTRY, BK_KPROBE, BK_TRACEPOINT };
	char why[256] = "";

	libbpf_set_print(libbpf_print);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "epolltrace: kernel BTF not found (/sys/kernel/btf/vmlinux): "
			"needs a kernel built with CONFIG_DEBUG_INFO_BTF=y\n");
		return -1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "epolltrace: must run as root (needs CAP_BPF and CAP_PERFMON)\n");
		return -1;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (opts.backend != BK_NONE && opts.backend != order[i])
			continue;
		if (try_backend(t, order[i], why, sizeof(why)) == 0)
			break;
		if (opts.verbose || opts.backend != BK_NONE)
			fprintf(stderr, "epolltrace: backend %s unavailable: %s\n",
				backend_name(order[i]), why);
	}
	if (!t->skel) {
		if (opts.backend == BK_NONE)
			fprintf(stderr, "epolltrace: cannot load the BPF programs: %s\n", why);
		return -1;
	}
	if (opts.verbose)
		fprintf(stderr, "epolltrace: backend %s: %s\n", backend_name(t->backend), t->attached);
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), handle, ctx, NULL);
	if (!t->rb) {
		fprintf(stderr, "epolltrace: cannot open the ring buffer: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int tracer_add_pid(struct tracer *t, uint32_t pid)
{
	uint8_t one = 1;

	return bpf_map_update_elem(bpf_map__fd(t->skel->maps.traced_tgids), &pid, &one, BPF_ANY);
}

int tracer_resolve_epoll(struct tracer *t, uint32_t pid, int pidfd, int epfd)
{
	struct ep_owner owner = { .pid = pid, .epfd = epfd };
	int fd = syscall(SYS_pidfd_getfd, pidfd, epfd, 0);
	int map = bpf_map__fd(t->skel->maps.ep_resolve_requests);

	if (fd < 0)
		return -errno;
	/* Our own fcntl on the copy runs the sys_enter program in our
	 * context, where it can read the file behind `fd`. */
	bpf_map_update_elem(map, &fd, &owner, BPF_ANY);
	fcntl(fd, F_GETFD);
	bpf_map_delete_elem(map, &fd);
	close(fd);
	return 0;
}

int tracer_watch_reads(struct tracer *t, uint32_t pid, int fd, int on)
{
	struct pid_fd key = { .pid = pid, .fd = fd };
	struct read_info zero = { 0 };
	int map = bpf_map__fd(t->skel->maps.watched_reads);

	if (on)
		return bpf_map_update_elem(map, &key, &zero, BPF_NOEXIST);
	return bpf_map_delete_elem(map, &key);
}

int tracer_last_read(struct tracer *t, uint32_t pid, int fd, struct read_info *out)
{
	struct pid_fd key = { .pid = pid, .fd = fd };

	return bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.watched_reads), &key, out);
}

uint64_t tracer_lost(struct tracer *t)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1], sum = 0;
	uint32_t zero = 0;

	if (!t->skel || ncpu <= 0)
		return 0;
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.lost_events), &zero, vals))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

void tracer_stop(struct tracer *t)
{
	ring_buffer__free(t->rb);
	epolltrace_bpf__destroy(t->skel);
	t->rb = NULL;
	t->skel = NULL;
}
