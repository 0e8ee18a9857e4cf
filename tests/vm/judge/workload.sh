#!/bin/bash
# tests/vm/guest/workload.sh: tools/ready_kinds runs in the guest without
# the tracer, and runs the same under it: same fd numbers (epolltrace
# leaks no fd into the command it launches), to its end, and traced in
# full (every registration and wait).
. "$(dirname "$0")/../judge-lib.sh"
rc=$(cat "$R/plain.rc" 2>/dev/null)
[ "$rc" = 0 ] || { tail -n 5 "$R/plain.out"; fail "ready_kinds exited ${rc:-?} untraced"; }
grep -q '^# done$' "$R/plain.out" || fail "ready_kinds did not finish untraced"
ready_kinds_ran traced
grep -E '^[A-Z_]+=[0-9]+$' "$R/plain.out" | grep -v '^PID=' >"$T/plain.facts"
grep -E '^[A-Z_]+=[0-9]+$' "$R/traced.out" | grep -v '^PID=' >"$T/traced.facts"
[ "$(wc -l <"$T/plain.facts")" -ge 10 ] || fail "ready_kinds stated only $(wc -l <"$T/plain.facts") fds"
diff "$T/plain.facts" "$T/traced.facts" ||
	fail "ready_kinds got other fds under epolltrace (< untraced, > traced)"
ready_part traced registrations -- --exact epoll_create epoll_ctl
ready_part traced waits -- --exact epoll_wait
echo "ok: the same $(wc -l <"$T/plain.facts") fds untraced and traced"
