#!/bin/bash
# The kernel side's answers on request (user/tracer.c, asked through
# build/tools/tracer_query) about the sets and sockets of tools/stuck_sets:
# - tracer_ready_list(): the items on a set's ready list, exactly: a
#   delivered edge-triggered item that is still readable is not on it
#   (the missed-edge state), level-triggered readable items are; a list
#   longer than the answer holds is cut and says so; not an epoll fd:
#   -EOPNOTSUPP;
# - tracer_sock_info(): the endpoints of a socket registered before its
#   connect(), as they are now; not a socket: -ENOTSOCK.
# With both kinds of syscall hooks (the requests are served there).
. "$(dirname "$0")/../lib.sh"

Q=$TOOLS/tracer_query
[ -x "$Q" ] || fail "$Q not built (make)"
WL_SYNC=$T/s "$TOOLS/stuck_sets" &
BG_PIDS+=("$!")
for _ in $(seq 300); do [ -s "$T/s.ready" ] && break; sleep 0.01; done
[ -s "$T/s.ready" ] || fail "stuck_sets never got ready"

for hooks in tracepoint raw_tp; do
	python3 - "$T/s.ready" "$Q" "$hooks" <<'PY' || fail "answers with --syscall-hooks=$hooks"
import json, subprocess, sys
st = json.load(open(sys.argv[1]))
pid = str(st["pid"])

def ask(what, fd):
    out = subprocess.run([sys.argv[2], "--syscall-hooks=" + sys.argv[3], what, pid, str(fd)],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, f"tracer_query {what} {fd}: exit {out.returncode}: {out.stderr}"
    return json.loads(out.stdout)

EPOLLIN, ENOTSOCK, EOPNOTSUPP, TCP_ESTABLISHED, TCP_LISTEN = 1, 88, 95, 1, 10
a = ask("ready-list", st["A"])
assert a["ret"] == 0 and not a["transferring"] and not a["truncated"], a
fds = sorted(i["fd"] for i in a["items"])
assert fds == sorted([st["a"], st["c"]]), f"set A's ready list {fds}: wanted a, c (not b, not e): {st}"
assert all(i["events"] & EPOLLIN for i in a["items"]), a
b = ask("ready-list", st["B"])
assert b["ret"] == 0 and b["count"] == 64 and b["truncated"], {k: b[k] for k in b if k != "items"}
assert ask("ready-list", st["a"])["ret"] == -EOPNOTSUPP, "a pipe answered as an epoll set"
s = ask("sock", st["s"])
want = {"ret": 0, "family": 2, "type": 1, "protocol": 6, "state": TCP_ESTABLISHED,
        "saddr": "127.0.0.1", "sport": st["sport"], "daddr": "127.0.0.1", "dport": st["lport"]}
assert s == want, f"socket s: {s}, wanted {want}"
l = ask("sock", st["l"])
assert l["state"] == TCP_LISTEN and l["sport"] == st["lport"], l
assert ask("sock", st["a"])["ret"] == -ENOTSOCK, "a pipe answered as a socket"
print("ok:", sys.argv[3])
PY
done
echo ok
