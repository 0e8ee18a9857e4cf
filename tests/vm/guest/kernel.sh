# The guest is what the readiness tests assume: Debian's 6.1 kernel with
# BTF, kprobes, tracefs and bpffs mounted, loopback up.
. /et/lib/guest-lib.sh
uname -r | grep -q '^6\.1\.' || fail "kernel $(uname -r), wanted 6.1"
[ -s /sys/kernel/btf/vmlinux ] || fail "no /sys/kernel/btf/vmlinux"
grep -q ' /sys/fs/bpf bpf ' /proc/mounts || fail "bpffs not mounted"
grep -q ' /sys/kernel/tracing tracefs ' /proc/mounts || fail "tracefs not mounted"
[ -e /sys/kernel/tracing/kprobe_events ] || fail "no kprobe_events: kernel without kprobes?"
grep -qw ep_poll_callback /proc/kallsyms || fail "ep_poll_callback not in kallsyms"
[ -e /sys/kernel/tracing/events/sock/sk_data_ready ] && fail "6.1 should lack sock:sk_data_ready"
ip addr show lo | grep -q 'inet 127.0.0.1' || fail "loopback has no 127.0.0.1"
ip link show lo | grep -q 'UP' || fail "loopback is down"
echo "ok: $(uname -r)"
