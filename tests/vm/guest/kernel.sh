# The guest is what the readiness tests assume: a Debian kernel with
# BTF, kprobes, tracefs and bpffs mounted, loopback up.  Records the facts
# (facts: NAME=VALUE lines; mounts; lo) for tests/vm/judge/kernel.sh.
. /et/lib/guest-lib.sh
yes_no() { if "$@"; then echo 1; else echo 0; fi; }
{
	echo "release=$(uname -r)"
	echo "btf=$(yes_no test -s /sys/kernel/btf/vmlinux)"
	echo "kprobe_events=$(yes_no test -e /sys/kernel/tracing/kprobe_events)"
	echo "ep_poll_callback=$(yes_no grep -qw ep_poll_callback /proc/kallsyms)"
	echo "sk_data_ready_tp=$(yes_no test -e /sys/kernel/tracing/events/sock/sk_data_ready)"
} >"$T/facts"
cat /proc/mounts >"$T/mounts"
{ ip addr show lo; ip link show lo; } >"$T/lo" 2>&1
