#!/bin/bash
# --epfd N and --fd N keep only the calls on that epoll set / that fd, and
# keep all of them.
. "$(dirname "$0")/../lib.sh"

# The numbers as the workload gets them untraced (its first epoll fd and
# the first fd it registers).
"$TOOLS/epoll_calls" >"$T/plain" || fail "workload fails untraced"
read -r ep fd < <(python3 -c '
import json, sys
ctl = [json.loads(l) for l in open(sys.argv[1]) if "\"epoll_ctl\"" in l]
print(ctl[0]["epfd"], ctl[0]["fd"])' "$T/plain")
launch_run epfd "$T/epfd.json" --epfd "$ep" -- "$TOOLS/epoll_calls"
launch_run fd "$T/fd.json" --fd "$fd" -- "$TOOLS/epoll_calls"
python3 - "$T" "$ep" "$fd" <<'PY' || fail "filters"
import json, sys
t, ep, fd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(p):
    return [json.loads(l) for l in open(p) if l.strip()]
def key(r):		# what identifies a call, the same in both runs
    if r["event"] == "epoll_ctl":
        return (r["op"], r["epfd"], r["fd"], r["data"], r["ret"])
    return (r["syscall"], r["epfd"], r["maxevents"], r["ret"])
def check(name, keep, events):
    want = [key(r) for r in load(f"{t}/{name}.expect") if r["event"] in events and keep(r)]
    got = [key(r) for r in load(f"{t}/{name}.json") if r["event"] in events]
    assert want, f"{name}: no such call in the traced run: fd numbers differ from the untraced run (see core_launch_fds)"
    if got != want:
        diff = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
        sys.exit(f"{name}: traced {len(got)} calls, wanted {len(want)}; from #{diff}: "
                 f"traced {got[diff:diff + 2]}, wanted {want[diff:diff + 2]}")
check("epfd", lambda r: r["epfd"] == ep, ("epoll_ctl", "epoll_wait"))
check("fd", lambda r: r["fd"] == fd, ("epoll_ctl",))
PY
echo ok
