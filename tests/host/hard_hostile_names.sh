#!/bin/bash
# Names with control and non-UTF-8 bytes (a FIFO called "f\nX\1\377", a
# process called "c\nd\1") cannot forge a trace line or reach the terminal
# raw: text escapes them as strace does (\n, \1, \377), and every JSON line
# still parses, the bytes that are not UTF-8 escaped.
. "$(dirname "$0")/../lib.sh"
mkdir -p "$T/dir"
"$ET" -o "$T/text.out" -- "$TOOLS/hostile" names "$T/dir" 2>"$T/text.err" || fail "text run failed: $(tail -2 "$T/text.err")"
grep -q '^fifo=' "$T/text.err" || fail "the workload did not finish: $(cat "$T/text.err")"
grep -aq 'f\\nX\\1\\377' "$T/text.out" || fail "the FIFO's name is not shown escaped: $(grep -a EPOLL_CTL_ADD "$T/text.out")"
LC_ALL=C grep -aqP '[\x00-\x09\x0b-\x1f\x7f-\xff]' "$T/text.out" && fail "raw control or non-ASCII bytes in the text trace"
grep -aq '^X' "$T/text.out" && fail "a name forged a line of its own"
"$ET" -c -o "$T/summary.out" -- "$TOOLS/hostile" names "$T/dir" 2>/dev/null || fail "-c run failed"
LC_ALL=C grep -aqP '[\x00-\x09\x0b-\x1f\x7f-\xff]' "$T/summary.out" && fail "raw control bytes in the -c summary"
"$ET" --json -o "$T/trace.json" -- "$TOOLS/hostile" names "$T/dir" 2>/dev/null || fail "JSON run failed"
check_records "$T/trace.json" --no-loss || fail "a JSON line does not parse"
python3 - "$T/trace.json" <<'PY' || fail "the process name is not in the JSON records"
import json, sys
comms = {json.loads(l)["comm"] for l in open(sys.argv[1])}
assert "c\nd\x01" in comms, comms
PY
echo "ok: hostile names escaped in text, valid in JSON"
