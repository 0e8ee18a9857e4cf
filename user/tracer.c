#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "epolltrace.skel.h"
#include "kernel_probe.h"
#include "proc_scan.h"
#include "targets.h"
#include "threads.h"
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

/* libbpf's log is shown with -v only; libbpf takes no context. */
static bool libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* strerror(), and the kernel's own ENOTSUPP (524), which libc does not
 * know: e.g. fentry on an arm64 kernel without ftrace direct calls. */
static const char *error_text(int err)
{
	return err == 524 ? "not supported by this kernel (ENOTSUPP)" : strerror(err);
}

/* `what` must outlive the tracer (a literal, or text in *t). */
static void note_attached(struct tracer *t, const char *what)
{
	if (t->nattached < TRACER_MAX_ATTACHED)
		t->attached[t->nattached++] = what;
}

/* One hook a program went on, as tools/hook_floor takes it ("raw_tp:NAME",
 * "tracepoint:CATEGORY:NAME", "fentry:FUNCTION"...), for -v. */
static void note_hook(struct tracer *t, const char *fmt, const char *name)
{
	size_t len = strlen(t->hooks);

	snprintf(t->hooks + len, sizeof(t->hooks) - len, "%s", len ? " " : "");
	len = strlen(t->hooks);
	snprintf(t->hooks + len, sizeof(t->hooks) - len, fmt, name);
}

static int attach_one(struct tracer *t, struct bpf_program *prog, const char *what, char *why, size_t len)
{
	struct bpf_link *link = bpf_program__attach(prog);

	if (!link) {
		snprintf(why, len, "cannot attach %s: %s", what, error_text(errno));
		return -1;
	}
	note_attached(t, what);
	note_hook(t, "%s", what);
	return 0;
}

/* The kernel side wakes the consumer when this share of the ring buffer
 * (1/N) is filled; the consumer also polls on a short timer. */
#define RINGBUF_WAKEUP_SHARE 8

/* Which enter program serves which syscall tracepoint: one per kind of
 * call (see the tp_enter_* programs in the BPF code). */
enum call_kind { CALL_CREATE, CALL_CTL, CALL_WAIT, CALL_CLOSE };

static const struct {
	const char *syscall;
	enum call_kind kind;
} hooked_syscalls[] = {
	{ "epoll_create", CALL_CREATE }, { "epoll_create1", CALL_CREATE }, { "close", CALL_CLOSE },
	{ "epoll_ctl", CALL_CTL }, { "epoll_wait", CALL_WAIT },
	{ "epoll_pwait", CALL_WAIT }, { "epoll_pwait2", CALL_WAIT },
};

/* The entry programs come in two sets (ENTRY_PROGRAMS in the BPF code):
 * with `cas`, the set that keeps calls in array slots claimed by a BPF
 * compare-and-swap; else the set that keeps them in a hash. */
static struct bpf_program *enter_program(struct epolltrace_bpf *skel, enum call_kind kind, bool cas)
{
	switch (kind) {
	case CALL_CREATE: return cas ? skel->progs.tp_enter_create : skel->progs.tp_enter_create_hash;
	case CALL_CTL: return cas ? skel->progs.tp_enter_ctl : skel->progs.tp_enter_ctl_hash;
	case CALL_WAIT: return cas ? skel->progs.tp_enter_wait : skel->progs.tp_enter_wait_hash;
	default: return cas ? skel->progs.tp_enter_close : skel->progs.tp_enter_close_hash;
	}
}

static struct bpf_program *raw_enter_program(struct epolltrace_bpf *skel, bool cas)
{
	return cas ? skel->progs.on_sys_enter : skel->progs.on_sys_enter_hash;
}

/* The exit programs come in two variants too (EXIT_PROGRAMS): with
 * bpf_loop, the set that counts -c's deliveries with it. */
static struct bpf_program *exit_program(struct epolltrace_bpf *skel, bool tracepoints, bool loop)
{
	if (tracepoints)
		return loop ? skel->progs.tp_exit : skel->progs.tp_exit_unrolled;
	return loop ? skel->progs.on_sys_exit : skel->progs.on_sys_exit_unrolled;
}

/* The function a syscall enters the kernel at (its syscall wrapper). */
#if defined(__x86_64__)
#define SYSCALL_FUNCTION_PREFIX "__x64_sys_"
#elif defined(__aarch64__)
#define SYSCALL_FUNCTION_PREFIX "__arm64_sys_"
#else
#error "epolltrace: syscall functions are named for x86-64 and arm64 only"
#endif

/* The kernel function of hooked_syscalls[i], into func[64]. */
static const char *syscall_function(size_t i, char func[64])
{
	snprintf(func, 64, SYSCALL_FUNCTION_PREFIX "%s", hooked_syscalls[i].syscall);
	return func;
}

/* The fentry (exit: fexit) program of hooked_syscalls[i]. */
static struct bpf_program *fentry_program(struct epolltrace_bpf *skel, size_t i, bool exit)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_%s", exit ? "fexit" : "fentry", hooked_syscalls[i].syscall);
	return bpf_object__find_program_by_name(skel->obj, name);
}

/* fentry/fexit on each syscall's function, where this kernel has it
 * (arm64 has no epoll_wait, 5.10 no epoll_pwait2): its programs get their
 * targets.  -1 if none, or the kernel lacks what they need. */
static int set_fentry_syscall_programs(struct tracer *t, struct epolltrace_bpf *skel, bool on,
				       char *why, size_t len)
{
	size_t n = sizeof(hooked_syscalls) / sizeof(hooked_syscalls[0]), found = 0;
	struct btf *vmlinux;
	char func[64];

	/* One variant: fentry came after compare-and-swap, not bpf_loop. */
	if (on && !t->bpf_loop) {
		snprintf(why, len, "fentry on the syscalls needs bpf_loop (Linux 5.17)");
		return -1;
	}
	vmlinux = on ? btf__load_vmlinux_btf() : NULL;
	if (on && !vmlinux) {
		snprintf(why, len, "cannot read the kernel's BTF: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		bool has = false;

		if (vmlinux)
			has = btf__find_by_name_kind(vmlinux, syscall_function(i, func), BTF_KIND_FUNC) >= 0;
		for (int exit = 0; exit <= 1; exit++) {
			struct bpf_program *prog = fentry_program(skel, i, exit);

			if (!prog)
				continue;
			bpf_program__set_autoload(prog, has);
			if (has)
				bpf_program__set_attach_target(prog, 0, func);
		}
		found += has;
	}
	btf__free(vmlinux);
	if (on && !found) {
		snprintf(why, len, "the kernel's BTF names no " SYSCALL_FUNCTION_PREFIX "epoll_* function");
		return -1;
	}
	return 0;
}

/* sock:sk_data_ready (Linux 6.4+), with what its program reads kernel
 * memory by (bpf_rdonly_cast, 6.2+; kernel_epoll.h)?  Both are named in
 * the kernel's BTF. */
static bool kernel_has_sk_data_ready(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool has = vmlinux &&
		   btf__find_by_name_kind(vmlinux, "btf_trace_sk_data_ready", BTF_KIND_TYPEDEF) >= 0 &&
		   btf__find_by_name_kind(vmlinux, "bpf_rdonly_cast", BTF_KIND_FUNC) >= 0;

	btf__free(vmlinux);
	return has;
}

/* The syscall programs come in three sets, tracepoints, raw tracepoints
 * or fentry; the first two with their entry and exit programs in two
 * variants.  Exactly one set, with one variant of each, is loaded. */
static int set_syscall_programs(struct tracer *t, struct epolltrace_bpf *skel, char *why, size_t len)
{
	static const enum call_kind kinds[] = { CALL_CREATE, CALL_CTL, CALL_WAIT, CALL_CLOSE };
	bool tracepoints = t->syscall_hooks == SH_TRACEPOINT, cas = t->bpf_cas, loop = t->bpf_loop;
	bool raw = t->syscall_hooks == SH_RAW_TP;

	if (set_fentry_syscall_programs(t, skel, t->syscall_hooks == SH_FENTRY, why, len))
		return -1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		bpf_program__set_autoload(enter_program(skel, kinds[i], true), tracepoints && cas);
		bpf_program__set_autoload(enter_program(skel, kinds[i], false), tracepoints && !cas);
	}
	bpf_program__set_autoload(raw_enter_program(skel, true), raw && cas);
	bpf_program__set_autoload(raw_enter_program(skel, false), raw && !cas);
	bpf_program__set_autoload(exit_program(skel, true, true), tracepoints && loop);
	bpf_program__set_autoload(exit_program(skel, true, false), tracepoints && !loop);
	bpf_program__set_autoload(exit_program(skel, false, true), raw && loop);
	bpf_program__set_autoload(exit_program(skel, false, false), raw && !loop);
	return 0;
}

static int attach_fentry_syscall_programs(struct tracer *t, struct epolltrace_bpf *skel, char *why,
					  size_t len)
{
	size_t n = sizeof(hooked_syscalls) / sizeof(hooked_syscalls[0]), hooked = 0;
	char func[64];

	for (size_t i = 0; i < n; i++) {
		for (int exit = 0; exit <= 1; exit++) {
			struct bpf_program *prog = fentry_program(skel, i, exit);

			if (!prog || !bpf_program__autoload(prog))
				continue;
			if (!bpf_program__attach(prog)) {
				snprintf(why, len, "cannot attach %s:%s: %s", exit ? "fexit" : "fentry",
					 syscall_function(i, func), error_text(errno));
				return -1;
			}
			note_hook(t, exit ? "fexit:%s" : "fentry:%s", syscall_function(i, func));
			hooked += !exit;
		}
	}
	snprintf(t->syscalls_attached, sizeof(t->syscalls_attached),
		 "fentry:syscalls (%u syscalls)", (unsigned)hooked);
	note_attached(t, t->syscalls_attached);
	return 0;
}

static int attach_syscall_programs(struct tracer *t, struct epolltrace_bpf *skel, char *why, size_t len)
{
	size_t n = sizeof(hooked_syscalls) / sizeof(hooked_syscalls[0]), hooked = 0;
	char name[64];

	if (t->syscall_hooks == SH_FENTRY)
		return attach_fentry_syscall_programs(t, skel, why, len);
	if (t->syscall_hooks == SH_RAW_TP)
		return attach_one(t, raw_enter_program(skel, t->bpf_cas), "raw_tp:sys_enter", why, len) ||
		       attach_one(t, exit_program(skel, false, t->bpf_loop), "raw_tp:sys_exit", why, len);
	for (size_t i = 0; i < n; i++) {
		struct bpf_program *enter = enter_program(skel, hooked_syscalls[i].kind, t->bpf_cas);

		snprintf(name, sizeof(name), "sys_enter_%s", hooked_syscalls[i].syscall);
		if (!bpf_program__attach_tracepoint(enter, "syscalls", name)) {
			/* A syscall this kernel does not have (epoll_pwait2 before
			 * 5.11; epoll_wait and epoll_create on arm64): nothing
			 * can call it. */
			if (errno == ENOENT)
				continue;
			goto fail;
		}
		note_hook(t, "tracepoint:syscalls:%s", name);
		snprintf(name, sizeof(name), "sys_exit_%s", hooked_syscalls[i].syscall);
		if (!bpf_program__attach_tracepoint(exit_program(skel, true, t->bpf_loop), "syscalls", name))
			goto fail;
		note_hook(t, "tracepoint:syscalls:%s", name);
		hooked++;
	}
	if (!hooked) {
		snprintf(why, len, "no syscall tracepoint of the epoll calls");
		return -1;
	}
	snprintf(t->syscalls_attached, sizeof(t->syscalls_attached),
		 "tracepoint:syscalls (%u syscalls)", (unsigned)hooked);
	note_attached(t, t->syscalls_attached);
	return 0;
fail:
	snprintf(why, len, "cannot attach tracepoint syscalls:%s: %s", name, error_text(errno));
	return -1;
}

/* Who joins by itself (see join_if_target() in the BPF code), and the
 * programs that tell it a process has changed (exec, cgroup move). */
static void set_target(struct epolltrace_bpf *skel, const struct target *tg)
{
	skel->rodata->target_mode = tg->mode;
	skel->rodata->target_cgroup_id = tg->cgroup_id;
	skel->rodata->target_cgroup_level = tg->cgroup_level;
	skel->rodata->target_ncomms = tg->ncomms;
	for (int i = 0; i < tg->ncomms; i++)
		memcpy((char *)skel->rodata->target_comms[i], tg->comms[i], COMM_LEN);
	bpf_program__set_autoload(skel->progs.on_exec, tg->mode == TM_COMM);
	bpf_program__set_autoload(skel->progs.on_cgroup_move, tg->mode == TM_CGROUP);
}

/* Open, load and attach with one backend; on failure leave nothing behind
 * and say why in `why`. */
static int try_backend(struct tracer *t, enum backend b, char *why, size_t len)
{
	struct epolltrace_bpf *skel = epolltrace_bpf__open();
	int err;

	t->nattached = 0;
	t->hooks[0] = 0;
	if (b == BK_KPROBE && !kprobes_possible()) {
		snprintf(why, len, "this kernel has no kprobes (no kprobe PMU, no kprobe_events)");
		epolltrace_bpf__destroy(skel);
		return -1;
	}
	if (b == BK_FENTRY && !fentry_possible()) {
		snprintf(why, len, "the kernel refuses fentry (tracing) programs");
		epolltrace_bpf__destroy(skel);
		return -1;
	}
	if (!skel) {
		snprintf(why, len, "cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	skel->rodata->self_tgid = getpid();
	skel->rodata->follow_forks = t->opts->follow;
	set_target(skel, t->target);
	skel->rodata->summary_only = t->opts->summary;
	skel->rodata->rdlist_snapshots = b == BK_TRACEPOINT;
	skel->rodata->ready_for_verdicts_only = t->ready_for_verdicts_only;
	skel->rodata->wakeup_bytes = (uint64_t)t->opts->ringbuf_kb * 1024 / RINGBUF_WAKEUP_SHARE;
	if (b == BK_TRACEPOINT)
		skel->rodata->ep_poll_callback_addr = kernel_symbol_address("ep_poll_callback");
	bpf_map__set_max_entries(skel->maps.events, t->opts->ringbuf_kb * 1024);
	/* -c's tables take memory only with -c. */
	if (!t->opts->summary) {
		bpf_map__set_max_entries(skel->maps.wait_totals, 1);
		bpf_map__set_max_entries(skel->maps.delivery_counts, 1);
		bpf_map__set_max_entries(skel->maps.ready_counts, 1);
	}
	if (set_syscall_programs(t, skel, why, len)) {
		epolltrace_bpf__destroy(skel);
		return -2;
	}
	bpf_program__set_autoload(skel->progs.ready_fentry, b == BK_FENTRY);
	bpf_program__set_autoload(skel->progs.ready_kprobe, b == BK_KPROBE);
	bpf_program__set_autoload(skel->progs.ready_sk_data,
				  b == BK_TRACEPOINT && kernel_has_sk_data_ready());

	err = epolltrace_bpf__load(skel);
	if (err) {
		snprintf(why, len, "cannot load: %s", error_text(-err));
		goto fail;
	}
	/* The readiness program first: when it cannot attach, nothing else
	 * was attached yet (detaching syscall tracepoints waits for an RCU
	 * grace period, which is slow). */
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
		if (bpf_program__autoload(skel->progs.ready_sk_data) &&
		    bpf_program__attach(skel->progs.ready_sk_data)) {
			note_attached(t, "raw_tp:sk_data_ready");
			note_hook(t, "%s", "raw_tp:sk_data_ready");
			skel->bss->sk_readiness_hooked = true;
		}
		note_attached(t, "ready list at epoll_wait");
		break;
	}
	if (t->ready_for_verdicts_only)
		note_attached(t, READY_FOR_VERDICTS_ONLY);
	if (attach_one(t, skel->progs.on_fork, "raw_tp:sched_process_fork", why, len) ||
	    attach_one(t, skel->progs.on_exit, "raw_tp:sched_process_exit", why, len) ||
	    (t->target->mode == TM_COMM &&
	     attach_one(t, skel->progs.on_exec, "raw_tp:sched_process_exec", why, len)) ||
	    (t->target->mode == TM_CGROUP &&
	     attach_one(t, skel->progs.on_cgroup_move, "raw_tp:cgroup_attach_task", why, len)) ||
	    attach_syscall_programs(t, skel, why, len)) {
		epolltrace_bpf__destroy(skel);
		return -2;	/* the syscall hooks failed, not the backend */
	}
	t->skel = skel;
	t->backend = b;
	return 0;
fail:
	epolltrace_bpf__destroy(skel);
	return -1;
}

static uint64_t *map_bits(struct bpf_map *map)
{
	void *p = mmap(NULL, (size_t)TRACED_TGID_WORDS * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		       MAP_SHARED, bpf_map__fd(map), 0);

	return p == MAP_FAILED ? NULL : p;
}

static const char *syscall_hooks_name(enum syscall_hooks h)
{
	switch (h) {
	case SH_TRACEPOINT: return "tracepoint";
	case SH_RAW_TP: return "raw_tp";
	default: return "fentry";
	}
}

/* The syscall hooks to try, in order (--syscall-hooks); how many, or -1
 * after saying why there are none. */
static int syscall_hook_choices(struct tracer *t, const struct options *opts,
				enum syscall_hooks choices[3])
{
	int n = 0;

	switch (opts->syscall_attach) {
	case SA_RAW_TP:
		choices[n++] = SH_RAW_TP;
		break;
	case SA_FENTRY:
		if (!fentry_possible()) {
			fprintf(stderr, "epolltrace: --syscall-hooks=fentry: the kernel refuses fentry "
				"(tracing) programs\n");
			return -1;
		}
		choices[n++] = SH_FENTRY;
		break;
	case SA_TRACEPOINT:
		if (!tracefs_ready(opts->verbose)) {
			fprintf(stderr, "epolltrace: syscall tracepoints need tracefs, which cannot be mounted\n");
			return -1;
		}
		choices[n++] = SH_TRACEPOINT;
		break;
	default:
		/* Cheapest first: fentry and tracepoints run a program for
		 * the syscalls of interest only, and fentry puts no task on
		 * the slow syscall path.  fexit misses the return of a call
		 * in progress at the attach: a command has none. */
		if (opts->command && t->bpf_loop && fentry_possible())
			choices[n++] = SH_FENTRY;
		if (tracefs_ready(opts->verbose))
			choices[n++] = SH_TRACEPOINT;
		choices[n++] = SH_RAW_TP;
		break;
	}
	return n;
}

int tracer_start(struct tracer *t, const struct options *o, const struct target *tg,
		 ring_buffer_sample_fn handle, void *ctx)
{
	static const enum backend order[] = { BK_FENTRY, BK_KPROBE, BK_TRACEPOINT };
	const struct options *opts = o;
	enum syscall_hooks choices[3];
	int nchoices;
	char why[256] = "";

	t->opts = o;
	t->target = tg;
	libbpf_verbose = o->verbose;
	libbpf_set_print(libbpf_print);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "epolltrace: kernel BTF not found (/sys/kernel/btf/vmlinux): "
			"needs a kernel built with CONFIG_DEBUG_INFO_BTF=y\n");
		return -1;
	}
	if (!bpf_capable()) {
		fprintf(stderr, "epolltrace: needs root, or CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN)\n");
		return -1;
	}
	t->bpf_cas = bpf_cmpxchg_possible();
	if (opts->verbose && !t->bpf_cas)
		fprintf(stderr, "epolltrace: the kernel takes no BPF compare-and-swap: "
			"calls in progress are kept in a hash\n");
	t->bpf_loop = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_loop, NULL) == 1;
	/* Readiness nobody will see: ship what the verdicts need (-c counts
	 * its own; --perfetto draws every wakeup). */
	t->ready_for_verdicts_only = !opts->summary && !opts->perfetto &&
				     !selection_shows_kind(&opts->select, SHOW_READY);
	if (opts->verbose && t->ready_for_verdicts_only)
		fprintf(stderr, "epolltrace: readiness is not shown: a wakeup that queues an "
			"item is shipped only for processes with an item under suspicion\n");
	if (opts->verbose && !t->bpf_loop)
		fprintf(stderr, "epolltrace: the kernel has no bpf_loop: -c counts up to %u "
			"events of a wait\n", (unsigned)WAIT_CHUNK);
	nchoices = syscall_hook_choices(t, opts, choices);
	if (nchoices < 0)
		return -1;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && !t->skel; i++) {
		if (opts->backend != BK_NONE && opts->backend != order[i])
			continue;
		for (int c = 0; c < nchoices; c++) {
			t->syscall_hooks = choices[c];
			int err = try_backend(t, order[i], why, sizeof(why));

			if (err != -2)	/* attached, or the backend itself failed */
				break;
			if (opts->verbose && c + 1 < nchoices)
				fprintf(stderr, "epolltrace: syscall hooks %s failed (%s); trying %s\n",
					syscall_hooks_name(choices[c]), why,
					syscall_hooks_name(choices[c + 1]));
		}
		if (!t->skel && (opts->verbose || opts->backend != BK_NONE))
			fprintf(stderr, "epolltrace: backend %s unavailable: %s\n",
				backend_name(order[i]), why);
	}
	if (!t->skel) {
		if (opts->backend == BK_NONE)
			fprintf(stderr, "epolltrace: cannot load the BPF programs: %s\n", why);
		return -1;
	}
	if (opts->verbose) {
		fprintf(stderr, "epolltrace: backend %s:", backend_name(t->backend));
		for (int i = 0; i < t->nattached; i++)
			fprintf(stderr, "%s %s", i ? "," : "", t->attached[i]);
		fputc('\n', stderr);
		fprintf(stderr, "epolltrace: hooks: %s\n", t->hooks);
	}
	t->traced_bits = map_bits(t->skel->maps.traced_tgids);
	t->judged_bits = map_bits(t->skel->maps.judged_tgids);
	if (!t->traced_bits || !t->judged_bits) {
		fprintf(stderr, "epolltrace: cannot map the traced-process filter: %s\n", strerror(errno));
		return -1;
	}
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), handle, ctx, NULL);
	if (!t->rb) {
		fprintf(stderr, "epolltrace: cannot open the ring buffer: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

int tracer_add_pid(struct tracer *t, uint32_t pid)
{
	if (pid / 64 >= TRACED_TGID_WORDS) {
		errno = ERANGE;
		return -1;
	}
	__atomic_fetch_or(&t->traced_bits[pid / 64], 1ULL << (pid % 64), __ATOMIC_SEQ_CST);
	return 0;
}

void tracer_drop_pid(struct tracer *t, uint32_t pid)
{
	if (pid / 64 >= TRACED_TGID_WORDS)
		return;
	__atomic_fetch_or(&t->judged_bits[pid / 64], 1ULL << (pid % 64), __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&t->traced_bits[pid / 64], ~(1ULL << (pid % 64)), __ATOMIC_SEQ_CST);
}

/* Copy `fd` of `pid` and make our own epoll_ctl on the copy with a
 * request for the BPF side waiting in `map`, keyed by the copy's number:
 * the syscall program runs in our context, where it can read the file
 * behind the copy; the call itself fails harmlessly (EBADF). */
static void request_on_fd(int map, int fd, const void *value, void *answer)
{
	bpf_map_update_elem(map, &fd, value, BPF_ANY);
	epoll_ctl(fd, EPOLL_CTL_DEL, -1, NULL);
	if (answer)	/* the BPF side wrote it into the request's value */
		bpf_map_lookup_elem(map, &fd, answer);
	bpf_map_delete_elem(map, &fd);
}

static int request_on_copy(int map, int pidfd, int fd, const void *value, void *answer)
{
	int copy = syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	if (copy < 0)
		return -errno;
	request_on_fd(map, copy, value, answer);
	close(copy);
	return 0;
}

int tracer_resolve_epoll(struct tracer *t, uint32_t pid, int pidfd, int epfd)
{
	struct ep_owner owner = { .pid = pid, .epfd = epfd };

	return request_on_copy(bpf_map__fd(t->skel->maps.ep_resolve_requests), pidfd, epfd, &owner,
			       NULL);
}

int tracer_snapshot_epoll(struct tracer *t, int pidfd, int epfd)
{
	uint8_t one = 1;

	return request_on_copy(bpf_map__fd(t->skel->maps.snapshot_requests), pidfd, epfd, &one, NULL);
}

int tracer_socket_queue_of_copy(struct tracer *t, int copy, struct sock_queue *q)
{
	struct backlog_answer a = { 0 };

	request_on_fd(bpf_map__fd(t->skel->maps.backlog_requests), copy, &a, &a);
	*q = a.queue;
	return 0;
}

int tracer_ready_list(struct tracer *t, int pidfd, int epfd, struct ready_list_answer *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = request_on_copy(bpf_map__fd(t->skel->maps.ready_list_requests), pidfd, epfd, out, out);
	if (err)
		return err;
	return out->answered ? 0 : -EOPNOTSUPP;
}

int tracer_sock_info(struct tracer *t, int pidfd, int fd, struct sock_info *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = request_on_copy(bpf_map__fd(t->skel->maps.sock_info_requests), pidfd, fd, out, out);
	if (err)
		return err;
	return out->family ? 0 : -ENOTSOCK;
}

int tracer_seed_call(struct tracer *t, uint32_t pid, uint32_t tid, long nr,
		     const uint64_t args[6], uint64_t entered_ns)
{
	struct seeded_call seed = { .entered_ns = entered_ns, .pid = pid, .nr = nr };
	int map = bpf_map__fd(t->skel->maps.seeds);
	__u64 *count = &t->skel->bss->seeded_calls;

	if (!is_epoll_wait_nr(nr))
		return -EINVAL;
	memcpy(seed.args, args, sizeof(seed.args));
	/* Counted before it is in the map, so that the count is never
	 * short of the entries; the BPF side takes one off per delete. */
	__atomic_fetch_add(count, 1, __ATOMIC_SEQ_CST);
	if (bpf_map_update_elem(map, &tid, &seed, BPF_NOEXIST) == 0)
		return 0;
	__atomic_fetch_sub(count, 1, __ATOMIC_SEQ_CST);
	/* The thread has a seed already: replace it (counted once). */
	if (errno == EEXIST && bpf_map_update_elem(map, &tid, &seed, BPF_EXIST) == 0)
		return 0;
	return -errno;
}


/* A traced process is gone: the epoll instances it owned are freed with
 * it (or, shared with another process, learned again at its next call),
 * and their addresses may soon be somebody else's. */
void tracer_forget_pid(struct tracer *t, uint32_t pid)
{
	int owners = bpf_map__fd(t->skel->maps.epoll_owners);
	int snaps = bpf_map__fd(t->skel->maps.eps_snapshotted);
	uint64_t key, next, gone[256];
	struct ep_owner owner;
	const size_t cap = sizeof(gone) / sizeof(gone[0]);
	size_t n;
	int more;

	/* Collect, then delete (deleting while walking would restart the
	 * walk); again while a batch came back full. */
	do {
		n = 0;
		for (more = !bpf_map_get_next_key(owners, NULL, &next); more && n < cap;
		     more = !bpf_map_get_next_key(owners, &key, &next)) {
			key = next;
			if (!bpf_map_lookup_elem(owners, &key, &owner) && owner.pid == pid)
				gone[n++] = key;
		}
		for (size_t i = 0; i < n; i++) {
			bpf_map_delete_elem(owners, &gone[i]);
			bpf_map_delete_elem(snaps, &gone[i]);
		}
	} while (n == cap);
	/* The kernel side's cached items may name these owners. */
	__atomic_add_fetch(&t->skel->data->items_gen, 1, __ATOMIC_SEQ_CST);
	tracer_want_edges(t, pid, false);
}

void tracer_want_edges(struct tracer *t, uint32_t pid, bool on)
{
	int map = bpf_map__fd(t->skel->maps.edge_pids);
	uint8_t yes = 1;

	if (!t->ready_for_verdicts_only)
		return;
	if (!on) {
		if (bpf_map_delete_elem(map, &pid) == 0)
			__atomic_sub_fetch(&t->skel->bss->edge_pids_wanted, 1, __ATOMIC_SEQ_CST);
		return;
	}
	if (bpf_map_update_elem(map, &pid, &yes, BPF_NOEXIST) == 0)
		__atomic_add_fetch(&t->skel->bss->edge_pids_wanted, 1, __ATOMIC_SEQ_CST);
	else if (errno != EEXIST)	/* full: every process's edges from now on */
		__atomic_store_n(&t->skel->bss->edge_pids_full, true, __ATOMIC_SEQ_CST);
}

void tracer_untrace_all(struct tracer *t)
{
	__atomic_store_n(&t->skel->bss->joining_stopped, true, __ATOMIC_SEQ_CST);
	for (uint32_t word = 0; word < TRACED_TGID_WORDS; word++)
		if (__atomic_load_n(&t->traced_bits[word], __ATOMIC_RELAXED))
			__atomic_store_n(&t->traced_bits[word], 0, __ATOMIC_SEQ_CST);
}

static uint64_t percpu_sum(int map, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1], sum = 0;

	if (ncpu <= 0 || bpf_map_lookup_elem(map, &key, vals))
		return 0;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

void tracer_summary_dropped(struct tracer *t, uint64_t dropped[ST_COUNT])
{
	for (uint32_t i = 0; i < ST_COUNT; i++)
		dropped[i] = t->skel ? percpu_sum(bpf_map__fd(t->skel->maps.summary_dropped), i) : 0;
}

uint64_t tracer_lost(struct tracer *t)
{
	return t->skel ? percpu_sum(bpf_map__fd(t->skel->maps.lost_events), 0) : 0;
}

void tracer_stop(struct tracer *t)
{
	if (t->traced_bits)
		munmap(t->traced_bits, (size_t)TRACED_TGID_WORDS * sizeof(uint64_t));
	if (t->judged_bits)
		munmap(t->judged_bits, (size_t)TRACED_TGID_WORDS * sizeof(uint64_t));
	t->traced_bits = t->judged_bits = NULL;
	ring_buffer__free(t->rb);
	epolltrace_bpf__destroy(t->skel);
	t->rb = NULL;
	t->skel = NULL;
}
