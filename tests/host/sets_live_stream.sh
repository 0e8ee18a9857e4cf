#!/bin/bash
# --sets -p on a correct edge-triggered reader in full flow
# (tools/et_slow_reader: a pipe fed every 300 us, read to EAGAIN 100 us
# after each report, waiting as Go's runtime does, the same six syscall
# arguments each time, with 1000 idle eventfds in the set): its pipe often
# holds input while no wait will report it by a new edge, because the
# thread is about to read it, not asleep.  A look that only checks the
# thread is in "the same" epoll_wait call before and after probing (same
# syscall and arguments: a loop makes that call again and again) called it
# STUCK in about one look of five here (the idle fds' probes give the
# reader time to read and wait again); a VM test caught it once on
# scen_ok_stream.  80 looks, text and JSON in turn: every one lists the
# item, none marks it.
. "$(dirname "$0")/../lib.sh"

"$TOOLS/et_slow_reader" 60 1000 >"$T/reader.out" &
BG_PIDS+=($!)
for _ in $(seq 100); do [ -s "$T/reader.out" ] && break; sleep 0.05; done
pid=$(awk '/^pid/ { print $2 }' "$T/reader.out")
[ -n "$pid" ] || fail "et_slow_reader did not start"

marked=0 listed=0
for i in $(seq 80); do
	if [ $((i % 2)) = 0 ]; then
		"$ET" --sets -p "$pid" >"$T/look.txt" 2>&1 || fail "--sets -p exited $?: $(head -n 3 "$T/look.txt")"
		grep -q 'pipe:.*EPOLLET' "$T/look.txt" && listed=$((listed+1))
		grep -q STUCK "$T/look.txt" && { marked=$((marked+1)); cp "$T/look.txt" "$T/marked"; }
	else
		"$ET" --sets --json -p "$pid" >"$T/look.txt" 2>&1 || fail "--sets --json -p exited $?: $(head -n 3 "$T/look.txt")"
		grep -q '"event":"set_item".*"what":"pipe:.*"edge_triggered":true' "$T/look.txt" && listed=$((listed+1))
		grep -q '"verdict":' "$T/look.txt" && { marked=$((marked+1)); cp "$T/look.txt" "$T/marked"; }
	fi
done
[ "$listed" = 80 ] || fail "the pipe was listed in $listed of 80 looks"
if [ "$marked" != 0 ]; then
	grep -i 'stuck' "$T/marked" | cut -c1-400
	fail "a reader in full flow marked stuck in $marked of 80 looks"
fi
echo "ok: 80 looks at a live edge-triggered stream, none marked"
