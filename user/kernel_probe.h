/* What this kernel lets epolltrace do, probed at run time rather than
 * assumed from its version: each answer comes from trying. */
#ifndef KERNEL_PROBE_H
#define KERNEL_PROBE_H
#include <stdbool.h>

/* Per-syscall tracepoints can be had: tracefs is there, or was mounted
 * now (verbose: say so). */
bool tracefs_ready(bool verbose);
/* Root, or the capabilities BPF tracing needs. */
bool bpf_capable(void);
/* The kernel does not refuse fentry (tracing) programs outright. */
bool fentry_possible(void);
/* The verifier takes BPF atomics beyond add (Linux 5.12). */
bool bpf_cmpxchg_possible(void);
/* kprobes can be attached (the kprobe PMU or kprobe_events). */
bool kprobes_possible(void);
#endif
