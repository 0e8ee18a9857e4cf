#!/bin/bash
# tests/vm/guest/kernel.sh: the guest is what the readiness tests assume:
# the kernel of tests/vm/kernels it was booted with (VM_KERNEL), with BTF,
# kprobes, tracefs and bpffs mounted, ep_poll_callback, loopback up; and
# it says whether it has sock:sk_data_ready, as /init found too.
. "$(dirname "$0")/../judge-lib.sh"
[ -s "$R/facts" ] || fail "no facts recorded"
val() { sed -n "s/^$1=//p" "$R/facts"; }
[ -n "${VM_KERNEL:-}" ] || fail "no VM_KERNEL (tests/vm/run sets it)"
[[ $(val release) == "$VM_KERNEL".* ]] || fail "kernel $(val release), wanted $VM_KERNEL"
[ "$(guest_fact arch)" = "${VM_ARCH:-x86-64}" ] || fail "guest architecture $(guest_fact arch), wanted ${VM_ARCH:-x86-64}"
[ "$(val btf)" = 1 ] || fail "no /sys/kernel/btf/vmlinux"
grep -q ' /sys/fs/bpf bpf ' "$R/mounts" || fail "bpffs not mounted"
grep -q ' /sys/kernel/tracing tracefs ' "$R/mounts" || fail "tracefs not mounted"
[ "$(val kprobe_events)" = 1 ] || fail "no kprobe_events: kernel without kprobes?"
[ "$(val ep_poll_callback)" = 1 ] || fail "ep_poll_callback not in kallsyms"
[ "$(val sk_data_ready_tp)" = "$(guest_fact sk_data_ready_tp)" ] || fail "sock:sk_data_ready: the test and /init disagree"
grep -q 'inet 127\.0\.0\.1' "$R/lo" || fail "loopback has no 127.0.0.1"
grep -q '[<,]UP[,>]' "$R/lo" || fail "loopback is down"
echo "ok: $(val release) on $(guest_fact arch), sock:sk_data_ready $( [ "$(val sk_data_ready_tp)" = 1 ] && echo present || echo absent)"
