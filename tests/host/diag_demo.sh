#!/bin/bash
# The demo (`make demo`: tools/demo.sh on tools/et_bug_server) shows the
# decoded calls and ends with its one missed-edge warning, on the client
# socket the server registered with EPOLLET, naming the 26 bytes left.
. "$(dirname "$0")/../lib.sh"
[ -x "$TOOLS/et_bug_server" ] || fail "$TOOLS/et_bug_server is missing: run make"

# Text, as a newcomer sees it.
ET=$ET timeout 30 sh "$ROOT/tools/demo.sh" >"$T/demo.out" 2>"$T/demo.err"
rc=$?
cat "$T/demo.out" "$T/demo.err"
[ "$rc" = 0 ] || fail "the demo exited $rc"
grep -q 'epoll_ctl(.*EPOLL_CTL_ADD.*EPOLLIN|EPOLLET' "$T/demo.out" || fail "no decoded EPOLLET registration"
grep -q 'epoll_wait(.*fd=' "$T/demo.out" || fail "no epoll_wait delivery mapped to its fd"
n=$(cat "$T/demo.out" "$T/demo.err" | grep -c 'epolltrace: WARNING missed_edge')
[ "$n" = 1 ] || fail "$n missed_edge warnings in the demo, expected 1"
cat "$T/demo.out" "$T/demo.err" | grep 'epolltrace: WARNING missed_edge' | grep -Eq '(^|[^0-9])26([^0-9]|$)' ||
	fail "the warning does not say that 26 bytes are left"
grep -q 'client: .*giving up' "$T/demo.err" || fail "the client did not stall as the demo says"

# JSON: exactly that warning, on the fd registered with EPOLLET.
timeout 30 "$ET" --json -o "$T/demo.json" -- "$TOOLS/et_bug_server" 2>/dev/null
rc=$?
[ "$rc" = 0 ] || fail "epolltrace --json on the demo exited $rc"
python3 - "$T/demo.json" >"$T/demo.expect" <<'PY' || fail "no EPOLLET registration in the JSON trace"
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "epoll_ctl" and "EPOLLET" in (r.get("events") or []):
        print(json.dumps({"pid": r["pid"], "event": "warning", "kind": "missed_edge",
                          "epfd": r["epfd"], "fd": r["fd"], "_left": 26}))
        sys.exit(0)
sys.exit(1)
PY
python3 "$ROOT/tests/warnings.py" "$T/demo.json" "$T/demo.expect" || fail "wrong warnings in the demo's JSON trace"
echo "ok: demo"
