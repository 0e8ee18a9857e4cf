#!/bin/bash
# Records of any size are whole: one epoll_wait returning 400 events (about
# 40 KiB of text) is one line ending "= 400 <duration>", one valid JSON
# object with 400 events, and -c --json's summary of that set is valid.
# (A 16 KiB line buffer used to cut them.)
. "$(dirname "$0")/../lib.sh"
N=400

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

"$ET" -c --json -o "$T/summary.json" -- "$TOOLS/hostile" big $N 2>/dev/null || fail "-c run failed"
python3 - "$T/summary.json" $N <<'PY' || fail "the -c summary is not whole"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sums = [r for r in recs if r["event"] == "summary"]
assert any(len(r["fds"]) == int(sys.argv[2]) for r in sums), [len(r["fds"]) for r in sums]
PY
echo "ok: a ${#line}-byte line, its JSON twin and the -c summary are whole"
