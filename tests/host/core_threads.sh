#!/bin/bash
# tools/epoll_threads, launched and attached: four threads waiting and
# calling epoll_ctl at once (plus one started late); every record carries
# its own thread's tid, and the same data value in several sets resolves,
# per set, to that set's fd.
. "$(dirname "$0")/../lib.sh"

launch_run launch "$T/launch.json" -- "$TOOLS/epoll_threads"
expect_check "$T/launch.json" "$T/launch.expect" --exact epoll_create epoll_ctl epoll_wait close exit ||
	fail "launch: trace does not match the threads' calls"
tids=$(grep -o '"tid":[0-9]*' "$T/launch.expect" | sort -u | wc -l)
[ "$tids" -ge 6 ] || fail "workload ran on $tids threads, wanted 6"

# Attach while the workers are blocked after registering (not before).
attach_run attach "$T/attach.json" "$TOOLS/epoll_threads"
expect_check "$T/attach.json" "$T/attach.expect" --exact epoll_create epoll_ctl epoll_wait close exit ||
	fail "attach: trace does not match the threads' calls"
# Text mode: lines of other threads than the main one say [pid/tid]; each
# worker's first ADD, looked up by its own tid.
timeout 60 "$ET" -o "$T/out.txt" -- "$TOOLS/epoll_threads" >"$T/text.expect" 2>"$T/text.err" ||
	{ rc=$?; cat "$T/text.err"; fail "text: epolltrace exited $rc"; }
python3 - "$T/text.expect" >"$T/text.want" <<'PY'
import json, sys
w = [json.loads(l) for l in open(sys.argv[1])]
for r in w:
    if r["event"] == "epoll_ctl" and r["data"] == "0x5eed" and r["op"] == "ADD" and r["ret"] == 0:
        print(f"\\[{r['pid']}/{r['tid']}\\] epoll_ctl\\({r['epfd']}<epoll>, EPOLL_CTL_ADD, {r['fd']}<[^>]+>, "
              f"\\{{events=EPOLLIN, data=0x5eed\\}}\\) = 0")
PY
[ "$(wc -l <"$T/text.want")" = 4 ] || fail "text: the workload did not report 4 workers"
while read -r re; do
	grep -Eq -- "$re" "$T/out.txt" || { grep -v '~~' "$T/out.txt" | head; fail "text: no line /$re/"; }
done <"$T/text.want"

# The shape of every record (after the content, which says more).
check_records "$T/launch.json" --no-loss || fail "launch: malformed trace"
check_records "$T/attach.json" --no-loss || fail "attach: malformed trace"
echo ok
