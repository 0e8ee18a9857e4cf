#!/bin/bash
# -e/--events and -q choose what a trace shows, in text and JSON alike:
#  - by default, readiness callbacks that only find their item queued
#    already are no text line of their own: the wait that delivers the
#    item counts them ("+N ready already queued"), and that count equals
#    the JSON trace's ready records flagged coalesced (tools/coalesce
#    makes a known number of them);
#  - -e names kinds (calls, ready, warnings, notes, exits) and calls
#    (epoll_ctl, %wait, ...): only those are shown; '!' hides them; the
#    folded count is readiness: shown only with ready;
#  - -q shows the warnings and the recap only, with no text header (the
#    JSON start record stays: the format begins with it).
. "$(dirname "$0")/../lib.sh"
[ -x "$TOOLS/coalesce" ] || fail "$TOOLS/coalesce is missing: run make"
ROUNDS=20

run() { # NAME [OPTIONS...]: tools/coalesce ROUNDS under epolltrace, text to NAME.txt
	local name=$1; shift
	timeout 30 "$ET" "$@" -o "$T/$name.out" -- "$TOOLS/coalesce" $ROUNDS >"$T/$name.wl" 2>"$T/$name.err" ||
		{ cat "$T/$name.err"; fail "$name: epolltrace $* exited $?"; }
	grep -q '^done$' "$T/$name.wl" || fail "$name: the workload did not finish"
}

# The whole trace, both formats.
run json --json
run text
want=$(sed -n 's/^coalesced=//p' "$T/json.wl")
python3 - "$T/json.out" "$T/text.out" "$want" <<'PY' || fail "folded readiness"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
text = open(sys.argv[2]).read().splitlines()
want = int(sys.argv[3])
ready = [r for r in recs if r["event"] == "ready"]
coalesced = sum(r["coalesced"] for r in ready)
in_waits = sum(i.get("coalesced", 0) for r in recs if r["event"] == "epoll_wait" for i in r["ready"])
assert coalesced == want, f"JSON: {coalesced} ready records flagged coalesced, the workload made {want}"
assert in_waits == want, f"JSON: the waits count {in_waits} folded callbacks, {want} ready records say coalesced"
folded = sum(int(n) for n in re.findall(r"\+(\d+) ready already queued", "\n".join(text)))
lines = [l for l in text if "~~ ready" in l]
assert folded == want, f"text: the waits fold {folded} callbacks, JSON has {want}"
assert not any("already queued" in l for l in lines), "text: a line of its own for a callback that found its item queued"
assert len(lines) == len(ready) - coalesced, f"text: {len(lines)} ready lines, JSON {len(ready) - coalesced} not coalesced"
print(f"ok: {want} callbacks folded in text and JSON; {len(lines)} ready lines")
PY

# kinds(TRACE.json): the event names of a JSON trace, sorted, each once.
kinds() { python3 -c 'import json, sys; print(" ".join(sorted({json.loads(l)["event"] for l in open(sys.argv[1])})))' "$1"; }
check_json() { # NAME WANT-EVENTS OPTIONS...
	local name=$1 wantk=$2 got; shift 2
	run "$name" --json "$@"
	check_records "$T/$name.out" >/dev/null || fail "$name: malformed JSON trace"
	got=$(kinds "$T/$name.out")
	[ "$got" = "$wantk" ] || fail "$name ($*): JSON events '$got', wanted '$wantk'"
}
# Text: each line matches one of the patterns (egrep), each pattern
# matches a line at least.
check_text() { # NAME 'PATTERN@PATTERN...' OPTIONS...
	local name=$1 p pats; shift
	IFS='@' read -ra pats <<<"$1"
	shift
	run "$name" "$@"
	grep -vE "$(IFS='|'; echo "${pats[*]}")" "$T/$name.out" | head -3 | grep . &&
		fail "$name ($*): lines shown that are not asked for"
	for p in "${pats[@]}"; do
		grep -qE "$p" "$T/$name.out" || fail "$name ($*): no line matching $p"
	done
}
check_json j_wait "epoll_wait lost start" -e epoll_wait
check_json j_trace "epoll_ctl exit lost start" -e trace=epoll_ctl,exits
check_json j_nready "close epoll_create epoll_ctl epoll_wait exit lost recap start" -e '!ready'
check_json j_nclose "epoll_create epoll_ctl epoll_wait exit lost ready recap start" -e '!close'
check_json j_nopen "epoll_wait lost start" -e '!calls' -e %wait
check_json j_q "lost recap start" -q
check_json j_qready "lost ready recap start" -q -e ready
check_json j_none "lost start" -e none
check_text t_wait '^epolltrace: tracing@epoll_wait\(' -e epoll_wait
check_text t_ctl '^epolltrace: tracing@epoll_ctl\(@epoll_create1\(@\+\+\+ exited' -e %create,epoll_ctl -e exits
grep -q 'already queued' "$T/t_wait.out" && fail "t_wait: a folded readiness count though ready is not shown"
check_text t_waitready '^epolltrace: tracing@epoll_wait\(@~~ ready' -e %wait,ready
grep -q 'already queued' "$T/t_waitready.out" || fail "t_waitready: no folded count in the wait lines"
check_text t_nready '^epolltrace: tracing@epoll_(wait|ctl|create1)\(@close\(@\+\+\+ exited' -e '!ready'
grep -q 'already queued' "$T/t_nready.out" && fail "t_nready: a folded readiness count though -e !ready"
run t_q -q
[ -s "$T/t_q.out" ] && fail "-q on a program with no warning printed: $(head -3 "$T/t_q.out")"

# -q on the demo: the warning and the recap, nothing else.
timeout 30 "$ET" -q -o "$T/demo.txt" -- "$TOOLS/et_bug_server" 2>"$T/demo.err" || fail "-q demo: exited $?"
grep -vE '^epolltrace: (WARNING missed_edge|1 warning: missed_edge)' "$T/demo.txt" | head -3 | grep . &&
	fail "-q on the demo shows more than the warning and the recap"
[ "$(grep -c 'WARNING missed_edge' "$T/demo.txt")" = 1 ] || fail "-q on the demo: not one missed_edge warning"
grep -q '^epolltrace: 1 warning: missed_edge' "$T/demo.txt" || fail "-q on the demo: no recap"
timeout 30 "$ET" -q --json -o "$T/demo.json" -- "$TOOLS/et_bug_server" 2>/dev/null || fail "-q --json demo: exited $?"
[ "$(kinds "$T/demo.json")" = "lost recap start warning" ] || fail "-q --json on the demo: events $(kinds "$T/demo.json")"
echo "ok: -e and -q"
