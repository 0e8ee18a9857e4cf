#!/bin/bash
# tests/vm/guest/backend_auto.sh: --backend=auto picks the first backend
# that loads (fentry, kprobe, tracepoint): each one it passed over fails
# alone, saying it is unavailable; with fentry or kprobe chosen, its
# readiness comes from ep_poll_callback.
. "$(dirname "$0")/../judge-lib.sh"
ready_kinds_ran auto
chosen=$(grep -m1 '"event":"start"' "$R/auto.json" | sed -n 's/.*"backend":"\([a-z]*\)".*/\1/p')
over=""
for b in fentry kprobe tracepoint; do
	[ "$b" = "$chosen" ] && break
	rc=$(cat "$R/passed-over-$b.rc" 2>/dev/null)
	[ -n "$rc" ] && [ "$rc" != 0 ] || fail "auto passed over $b, which loads alone (exit ${rc:-?})"
	grep -q "^epolltrace: backend $b unavailable: " "$R/passed-over-$b.err" ||
		fail "auto passed over $b, which says: $(head -n 2 "$R/passed-over-$b.err")"
	over="$over; passed over $b: $(sed -n "s/^epolltrace: backend $b unavailable: //p" "$R/passed-over-$b.err" | head -n 1)"
done
case $chosen in
fentry|kprobe)
	ready_part auto start "$chosen"
	ready_part auto auto ;;
tracepoint)
	ready_part auto start tracepoint ;;
*) fail "auto chose no backend: $(grep -m1 '"event":"start"' "$R/auto.json")" ;;
esac
echo "ok: auto chose $chosen$over"
