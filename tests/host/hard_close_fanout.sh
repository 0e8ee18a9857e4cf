#!/bin/bash
# A close lists at most 64 of the sets the fd was in, and says so when
# there were more: one eventfd in 200 epoll sets, then closed.  Text:
# "(was in 4<epoll>, ..., 67<epoll> and 136 more sets)"; JSON: the 64
# lowest epfds, "epfds_truncated":true, "epfds_total":200.  And a close
# in fewer sets says nothing of the kind.
. "$(dirname "$0")/../lib.sh"
N=200

for n in $N 3; do
	"$ET" -o "$T/text.$n" -- "$TOOLS/hostile" fanout $n 2>"$T/err.$n" || fail "text run failed: $(tail -2 "$T/err.$n")"
	fd=$(sed -n 's/^fd=//p' "$T/err.$n")
	[ -n "$fd" ] || fail "the workload did not say its fd: $(cat "$T/err.$n")"
	line=$(grep -E "\] close\($fd<[^>]*>\) = 0 " "$T/text.$n")
	[ -n "$line" ] || fail "no close($fd) line in the text trace"
	listed=$(grep -o '<epoll>' <<<"$line" | wc -l)
	if [ $n = $N ]; then
		[ "$listed" = 64 ] || fail "$n sets: the close lists $listed sets, wanted 64: $line"
		grep -qE "<epoll> and $((N - 64)) more sets\)\$" <<<"$line" ||
			fail "$n sets: the close line does not say '$((N - 64)) more sets': ${line: -200}"
	else
		[ "$listed" = $n ] || fail "$n sets: the close lists $listed sets: $line"
		grep -q 'more sets' <<<"$line" && fail "$n sets: says 'more sets': $line"
	fi
	"$ET" --json -o "$T/json.$n" -- "$TOOLS/hostile" fanout $n 2>/dev/null || fail "JSON run failed"
	check_records "$T/json.$n" --no-loss || fail "malformed JSON trace"
	python3 - "$T/json.$n" "$fd" $n <<'PY' || fail "$n sets: the JSON close record is not right"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
fd, n = int(sys.argv[2]), int(sys.argv[3])
[c] = [r for r in recs if r["event"] == "close" and r["fd"] == fd]
sets = sorted(r["ret"] for r in recs if r["event"] == "epoll_create")
if n > 64:
    assert c["epfds"] == sets[:64], (c["epfds"], sets[:64])
    assert c["epfds_truncated"] is True and c["epfds_total"] == n, c
else:
    assert c["epfds"] == sets and "epfds_truncated" not in c and "epfds_total" not in c, c
PY
done
echo "ok: a close in $N sets lists 64 and says how many there were"
