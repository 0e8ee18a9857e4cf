#!/bin/bash
# Records of any size are whole: one epoll_wait returning 1,000 events
# (about 100 KiB of text) is one line ending "= 1000 <duration>", one valid
# JSON object with 1,000 events, and -c --json's summary of a set of 2,000
# fds, all returned by one wait, is valid and counts each fd's delivery.
# (A 16 KiB line buffer used to cut them; -c counted the first 64 events
# of a wait.)
. "$(dirname "$0")/../lib.sh"
N=1000
C=2000
ulimit -n $((C + 256)) 2>/dev/null || skip "cannot raise the fd limit to $((C + 256))"

"$ET" -o "$T/text.out" -- "$TOOLS/hostile" big $N 2>"$T/text.err" || fail "text run failed: $(tail -2 "$T/text.err")"
grep -q "^ready=$N\$" "$T/text.err" || fail "the workload did not get $N events: $(cat "$T/text.err")"
line=$(grep -E "epoll_wait\(.*, $N, 1000\) = $N <[0-9]+\.[0-9]{6}>\$" "$T/text.out")
[ -n "$line" ] || fail "no whole epoll_wait line ending '= $N <duration>'"
[ "$(grep -o '{events=' <<<"$line" | wc -l)" = $N ] || fail "the wait's line does not hold $N events"
[ ${#line} -gt 16384 ] || fail "the line is only ${#line} bytes: the test proves nothing"

"$ET" --json -o "$T/trace.json" -- "$TOOLS/hostile" big $N 2>/dev/null || fail "JSON run failed"
check_records "$T/trace.json" --no-loss || fail "malformed JSON trace"
python3 - "$T/trace.json" $N <<'PY' || fail "the JSON wait record is not whole"
import json, sys
waits = [r for r in map(json.loads, open(sys.argv[1])) if r["event"] == "epoll_wait"]
n = int(sys.argv[2])
assert any(r["ret"] == n and len(r["ready"]) == n for r in waits), [r["ret"] for r in waits]
PY

"$ET" -c --json -o "$T/summary.json" -- "$TOOLS/hostile" big $C 2>"$T/summary.err" || fail "-c run failed"
grep -q "^ready=$C\$" "$T/summary.err" || fail "the workload did not get $C events: $(cat "$T/summary.err")"
python3 - "$T/summary.json" $C <<'PY' || fail "the -c summary is not whole"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
sums = [r for r in recs if r["event"] == "summary" and len(r["fds"]) == n]
assert sums, [len(r["fds"]) for r in recs if r["event"] == "summary"]
s = sums[0]
assert s["waits"] >= 1 and s["delivered"] == n, s
assert all(f["delivered"] == 1 for f in s["fds"]), [f for f in s["fds"] if f["delivered"] != 1][:3]
assert not [r for r in recs if r["event"] == "summary_lost"], "summary_lost"
PY
echo "ok: a ${#line}-byte line, its JSON twin and a -c summary of $C fds are whole"
