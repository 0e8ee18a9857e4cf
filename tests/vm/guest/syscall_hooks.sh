# --syscall-hooks=fentry against syscall tracepoints (issue 12), for
# tests/vm/judge/syscall_hooks.sh.
#  1. Every call of tools/ready_kinds traced with fentry/fexit on the
#     syscalls' functions (fx.*), as ready_fentry checks it with
#     tracepoints.
#  2. What each kind of hook costs, as ratios to untraced runs next to
#     them, in cost.txt, one line per run: "KIND HOOKS RATIO":
#     - pingpong: tools/pingpong (both sides traced, -f) under an empty
#       BPF program on each hook epolltrace uses (floor) and under
#       epolltrace itself (et), each divided by the mean of the untraced
#       runs just before and after it;
#     - tax: tools/syscall_loop (getppid), untraced, while epolltrace
#       traces a sleeping command, divided the same way.
#     Rounds: /et/hook_rounds (VM_HOOK_ROUNDS on the host; default 1).
. /et/lib/guest-lib.sh
ET_OPTS=--syscall-hooks=fentry launch fx fentry "$TOOLS/ready_kinds"

ROUNDS=$(cat /et/hook_rounds 2>/dev/null || echo 1)
SECS=2

# The hooks epolltrace attaches with HOOKS, as hook_floor takes them.
for h in tracepoint fentry; do
	timeout 60 "$ET" -v --syscall-hooks=$h -o /dev/null -- true 2>"$T/hooks-$h.err"
	sed -n 's/^epolltrace: hooks: //p' "$T/hooks-$h.err" >"$T/hooks-$h"
done

pingpong_rps() { "$@" "$TOOLS/pingpong" $SECS 16 2>/dev/null | sed -n 's/^rps //p' | tail -1; }
loop_cps() { "$TOOLS/syscall_loop" $SECS | sed -n 's/^cps //p'; }

# ratio VALUE BEFORE AFTER: VALUE over the mean of the two (4 decimals).
ratio() { awk -v v="$1" -v a="$2" -v b="$3" 'BEGIN { if (v > 0 && a + b > 0) printf "%.4f", 2 * v / (a + b); else print 0 }'; }

# tax_cps HOOKS: syscall_loop's rate while epolltrace traces a sleeper
# (which it launches: fentry traces nothing else), ended with the sleeper.
tax_cps() {
	local tp
	rm -f "$T/tax.json" "$T/sleeper"
	"$ET" --json --syscall-hooks=$1 -o "$T/tax.json" -- \
		sh -c "echo \$\$ >'$T/sleeper'; exec sleep 600" 2>"$T/tax-$1.err" &
	tp=$!
	wait_for "$T/tax.json" 400 && wait_for "$T/sleeper" 100 && sleep 1
	loop_cps
	kill "$(cat "$T/sleeper")" 2>/dev/null
	wait "$tp" 2>/dev/null
}

: >"$T/cost.txt"
base=$(pingpong_rps)
tbase=$(loop_cps)
r=0
while [ $r -lt "$ROUNDS" ]; do
	for h in tracepoint fentry; do
		v=$(pingpong_rps "$TOOLS/hook_floor" $(cat "$T/hooks-$h") --)
		next=$(pingpong_rps)
		echo "pingpong-floor $h $(ratio "$v" "$base" "$next")" >>"$T/cost.txt"
		base=$next
		v=$(pingpong_rps "$ET" -f --syscall-hooks=$h -o "$T/pp.txt" --)
		rm -f "$T/pp.txt"
		next=$(pingpong_rps)
		echo "pingpong-et $h $(ratio "$v" "$base" "$next")" >>"$T/cost.txt"
		base=$next
		v=$(tax_cps $h)
		next=$(loop_cps)
		echo "tax $h $(ratio "$v" "$tbase" "$next")" >>"$T/cost.txt"
		tbase=$next
	done
	r=$((r + 1))
done
cat "$T/cost.txt"
