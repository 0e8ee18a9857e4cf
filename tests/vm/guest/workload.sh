# The readiness workload runs in the guest without the tracer (static
# binary, loopback sockets), so a failure of the traced runs is the tracer's.
. /et/lib/guest-lib.sh
out=$T/plain.out
timeout 30 "$TOOLS/ready_kinds" >"$out" 2>&1 || { tail -n 5 "$out"; fail "ready_kinds exited $?"; }
grep -q '^# done$' "$out" || fail "ready_kinds did not finish"
grep -q '^NESTED_PIPE_R=[0-9]' "$out" || fail "ready_kinds printed no facts"
echo "ok"
