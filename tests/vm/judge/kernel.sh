#!/bin/bash
# tests/vm/guest/kernel.sh: the guest is what the readiness tests assume:
# Debian's 6.1 kernel with BTF, kprobes, tracefs and bpffs mounted,
# ep_poll_callback, no sock:sk_data_ready, loopback up.
. "$(dirname "$0")/../judge-lib.sh"
[ -s "$R/facts" ] || fail "no facts recorded"
val() { sed -n "s/^$1=//p" "$R/facts"; }
[[ $(val release) == 6.1.* ]] || fail "kernel $(val release), wanted 6.1"
[ "$(val btf)" = 1 ] || fail "no /sys/kernel/btf/vmlinux"
grep -q ' /sys/fs/bpf bpf ' "$R/mounts" || fail "bpffs not mounted"
grep -q ' /sys/kernel/tracing tracefs ' "$R/mounts" || fail "tracefs not mounted"
[ "$(val kprobe_events)" = 1 ] || fail "no kprobe_events: kernel without kprobes?"
[ "$(val ep_poll_callback)" = 1 ] || fail "ep_poll_callback not in kallsyms"
[ "$(val sk_data_ready_tp)" = 0 ] || fail "6.1 should lack sock:sk_data_ready"
grep -q 'inet 127\.0\.0\.1' "$R/lo" || fail "loopback has no 127.0.0.1"
grep -q '[<,]UP[,>]' "$R/lo" || fail "loopback is down"
echo "ok: $(val release)"
