#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "kernel_probe.h"

/* Per-syscall tracepoints need tracefs; mount it where it is missing. */
bool tracefs_ready(bool verbose)
{
	if (!access("/sys/kernel/tracing/events/syscalls", F_OK) ||
	    !access("/sys/kernel/debug/tracing/events/syscalls", F_OK))
		return true;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0) {
		if (verbose)
			fprintf(stderr, "epolltrace: mounted tracefs at /sys/kernel/tracing\n");
		return !access("/sys/kernel/tracing/events/syscalls", F_OK);
	}
	return false;
}

/* Root, or the capabilities BPF tracing needs (CAP_SYS_ADMIN covers
 * both on kernels before 5.8). */
bool bpf_capable(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };
	const int cap_sys_admin = 21, cap_perfmon = 38, cap_bpf = 39;
#define HAS_CAP(c) (data[(c) / 32].effective & (1u << ((c) % 32)))

	if (geteuid() == 0)
		return true;
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return HAS_CAP(cap_sys_admin) || (HAS_CAP(cap_bpf) && HAS_CAP(cap_perfmon));
#undef HAS_CAP
}

/* Some kernels refuse every tracing (fentry) program, e.g. under a
 * lockdown policy.  A two-instruction load with a bogus target tells:
 * EPERM means refused by type; anything else means worth a real try. */
bool fentry_possible(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, load, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = 1);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "probe_fentry", "GPL", insns, 2, &load);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != EPERM;
}

/* Does the verifier take BPF atomics beyond add (compare-and-swap came
 * with the other atomics in Linux 5.12)?  A program that does one on its
 * stack tells: before, the verifier refuses it (EINVAL). */
bool bpf_cmpxchg_possible(void)
{
	struct bpf_insn insns[] = {
		/* *(u64 *)(r10 - 8) = 0; r0 = 0; r1 = 1 */
		{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10, .off = -8, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		/* r0 = cmpxchg_64(r10 - 8, r0, r1) */
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_10, .src_reg = BPF_REG_1,
		  .off = -8, .imm = BPF_CMPXCHG },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "probe_cmpxchg", "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* kprobes need the kprobe PMU or tracefs's kprobe_events. */
bool kprobes_possible(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

