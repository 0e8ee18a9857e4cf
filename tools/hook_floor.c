/* hook_floor: the cost of the hooks alone, for the benchmark
 * (tests/bench/run).
 *
 *   hook_floor HOOK... -- COMMAND [ARGS...]
 *
 * Attaches an empty BPF program (return 0) to each HOOK, runs COMMAND,
 * detaches when it ends and exits with its status.  What a tracer on the
 * same hooks costs beyond this is the tracer's own work.  HOOK is one of
 *   tracepoint:CATEGORY:NAME   a tracepoint (perf event; needs tracefs)
 *   raw_tp:NAME                a raw tracepoint
 *   fentry:FUNCTION, fexit:FUNCTION     BPF trampolines (needs BTF)
 *   kprobe:FUNCTION, kretprobe:FUNCTION
 * as `epolltrace -v` lists the hooks it attached ("epolltrace: hook ...").
 * Says "hook_floor: N hooks attached" on stderr before it runs COMMAND. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "run_command.h"

static void die(const char *fmt, const char *what)
{
	int e = errno;

	fprintf(stderr, "hook_floor: ");
	fprintf(stderr, fmt, what);
	if (e)
		fprintf(stderr, ": %s", strerror(e));
	fputc('\n', stderr);
	exit(125);
}

/* r0 = 0; exit */
static int load_empty(enum bpf_prog_type type, enum bpf_attach_type attach, __u32 btf_id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = btf_id);

	return bpf_prog_load(type, "hook_floor", "GPL", insns, 2, &opts);
}

static int perf_open(struct perf_event_attr *attr)
{
	/* Every task, CPU 0: a BPF program on it runs wherever the event fires. */
	return syscall(SYS_perf_event_open, attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static int perf_attach(int pfd, int prog, const char *hook)
{
	if (pfd < 0)
		die("cannot open the perf event of %s", hook);
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) || ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0))
		die("cannot attach to %s", hook);
	return pfd;
}

static long read_number(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static int attach_tracepoint(const char *spec, const char *name)
{
	char path[512], cat[128];
	const char *colon = strchr(name, ':');
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr),
					.sample_period = 1, .wakeup_events = 1 };
	long id = -1;
	int prog;

	errno = 0;
	if (!colon || colon - name >= (long)sizeof(cat))
		die("bad hook %s (tracepoint:CATEGORY:NAME)", spec);
	snprintf(cat, sizeof(cat), "%.*s", (int)(colon - name), name);
	for (int i = 0; i < 2 && id < 0; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s/id",
			 i ? "/sys/kernel/debug/tracing" : "/sys/kernel/tracing", cat, colon + 1);
		id = read_number(path);
	}
	if (id < 0 && !(errno = 0))
		die("no tracepoint %s in tracefs", spec);
	attr.config = id;
	prog = load_empty(BPF_PROG_TYPE_TRACEPOINT, 0, 0);
	if (prog < 0)
		die("cannot load a program for %s", spec);
	return perf_attach(perf_open(&attr), prog, spec);
}

static int attach_raw_tp(const char *spec, const char *name)
{
	int prog = load_empty(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0), link;

	if (prog < 0)
		die("cannot load a program for %s", spec);
	link = bpf_raw_tracepoint_open(name, prog);
	if (link < 0)
		die("cannot attach to %s", spec);
	return link;
}

static int attach_trampoline(const char *spec, const char *func, enum bpf_attach_type type)
{
	static struct btf *vmlinux;
	int id, prog, link;

	if (!vmlinux && !(vmlinux = btf__load_vmlinux_btf()))
		die("cannot read the kernel's BTF for %s", spec);
	id = btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC);
	if (id < 0)
		die("no function %s in the kernel's BTF", spec);
	prog = load_empty(BPF_PROG_TYPE_TRACING, type, id);
	if (prog < 0)
		die("cannot load a program for %s", spec);
	link = bpf_link_create(prog, 0, type, NULL);
	if (link < 0)
		die("cannot attach to %s", spec);
	return link;
}

static int attach_kprobe(const char *spec, const char *func, bool ret)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .config1 = (unsigned long)func };
	long type = read_number("/sys/bus/event_source/devices/kprobe/type");
	char fmt[64] = "";
	int prog, fd;

	if (type < 0)
		die("no kprobe PMU for %s", spec);
	attr.type = type;
	if (ret) {
		/* "config:N": the bit that makes it a return probe */
		fd = open("/sys/bus/event_source/devices/kprobe/format/retprobe", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, fmt, sizeof(fmt) - 1) <= 0 || strncmp(fmt, "config:", 7))
			die("cannot tell how to make %s a return probe", spec);
		close(fd);
		attr.config = 1ULL << atoi(fmt + 7);
	}
	prog = load_empty(BPF_PROG_TYPE_KPROBE, 0, 0);
	if (prog < 0)
		die("cannot load a program for %s", spec);
	return perf_attach(perf_open(&attr), prog, spec);
}

static void attach(const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : 0;
	const char *rest = colon ? colon + 1 : "";

#define KIND(s) (n == sizeof(s) - 1 && !strncmp(spec, s, n))
	if (KIND("tracepoint"))
		attach_tracepoint(spec, rest);
	else if (KIND("raw_tp"))
		attach_raw_tp(spec, rest);
	else if (KIND("fentry"))
		attach_trampoline(spec, rest, BPF_TRACE_FENTRY);
	else if (KIND("fexit"))
		attach_trampoline(spec, rest, BPF_TRACE_FEXIT);
	else if (KIND("kprobe"))
		attach_kprobe(spec, rest, false);
	else if (KIND("kretprobe"))
		attach_kprobe(spec, rest, true);
	else
		errno = 0, die("unknown hook %s", spec);
#undef KIND
}

int main(int argc, char **argv)
{
	int i, n = 0, status;
	pid_t child;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		attach(argv[i]);
		n++;
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: hook_floor HOOK... -- COMMAND [ARGS...]\n");
		return 2;
	}
	fprintf(stderr, "hook_floor: %d hooks attached\n", n);
	child = command_start("hook_floor", argv + i + 1);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid%s", "");
	return command_exit_code(status);
}
