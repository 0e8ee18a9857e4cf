#!/bin/bash
# tests/vm/guest/syscall_hooks.sh: with --syscall-hooks=fentry every call
# of tools/ready_kinds is traced, in order, as with syscall tracepoints,
# and the start record names the hooks; the cost of either kind of hook
# was measured (pingpong under the hook floor and under epolltrace, a
# bystander's syscall loop), each as a ratio to untraced runs: printed
# here, medians per kind (the bench's figures come from VM_HOOK_ROUNDS=5).
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran fx
grep -m1 '"event":"start"' "$R/fx.json" | grep -q '"fentry:syscalls ([0-9] syscalls)"' ||
	fail "fx: the start record names no fentry:syscalls hooks: $(grep -m1 '"event":"start"' "$R/fx.json" | cut -c1-300)"
ready_part fx registrations -- --exact epoll_create epoll_ctl
ready_part fx callback -- --exact epoll_wait
for h in tracepoint fentry; do
	[ -s "$R/hooks-$h" ] || fail "epolltrace -v --syscall-hooks=$h listed no hooks: $(tail -n 2 "$R/hooks-$h.err")"
done
grep -q 'fentry:__.*_sys_epoll_pwait fexit:' "$R/hooks-fentry" ||
	fail "--syscall-hooks=fentry hooks no syscall function: $(cat "$R/hooks-fentry")"
for kind in pingpong-floor pingpong-et tax; do
	for h in tracepoint fentry; do
		n=$(awk -v k="$kind" -v h="$h" '$1 == k && $2 == h && $3 > 0' "$R/cost.txt" | wc -l)
		[ "$n" -gt 0 ] || fail "no measured $kind run with $h hooks: $(cat "$R/cost.txt" | tr '\n' ';')"
		printf '%-15s %-10s median %s of %d runs\n' "$kind" "$h" \
			"$(awk -v k="$kind" -v h="$h" '$1 == k && $2 == h {print $3}' "$R/cost.txt" | sort -g |
			   awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')" "$n"
	done
done
echo "ok: every call traced with fentry on the syscalls; both kinds of hook measured"
