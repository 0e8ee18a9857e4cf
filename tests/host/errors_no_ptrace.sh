#!/bin/bash
# Without ptrace access to a traced process (pidfd_getfd fails with EPERM)
# the missed-edge, ONESHOT and stale-registration checks and the readiness
# probes cannot run: epolltrace says so once for that process, in one line
# "epolltrace: pid N: no ptrace access to it (pidfd_getfd: Operation not
# permitted): ..." on stderr and, in JSON, a note of kind checks_off; the
# trace itself goes on.  --sets says the same.  A process it may look
# into gets no such note.
# 1. root without CAP_SYS_PTRACE, a process of user nobody;
# 2. capabilities only (user nobody with CAP_BPF and CAP_PERFMON), a
#    process of root's; skipped, with the reason, where such a tracer
#    cannot load its programs.
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to make processes of two users"
command -v setpriv >/dev/null || skip "setpriv missing"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
"${as_nobody[@]}" true || skip "cannot drop privileges here"
no_ptrace=(setpriv --bounding-set -sys_ptrace)
"${no_ptrace[@]}" true || skip "cannot drop CAP_SYS_PTRACE here"
msg_re() { echo "^epolltrace: pid $1: no ptrace access to it \(pidfd_getfd: Operation not permitted\): the missed_edge, oneshot_not_rearmed and stale_registration checks and the readiness probes are off for it; run epolltrace as root or with CAP_SYS_PTRACE\$"; }

# A chatty epoll loop of the given user, left running.
victim() {
	"$@" "$TOOLS/hostile" chatter 1000000000 >/dev/null 2>&1 &
	BG_PIDS+=("$!")
	VICTIM=$!
}

# check NAME PID OUT ERR: one checks_off line on stderr, one note in the
# JSON trace, the trace goes on.
check() {
	local name=$1 pid=$2 out=$3 err=$4
	[ "$(grep -v "^epolltrace: Process $pid attached\$" "$err" | grep -c '^epolltrace: ')" = 1 ] ||
		{ cat "$err"; fail "$name: not one line on stderr (but the attach's)"; }
	grep -qE "$(msg_re "$pid")" "$err" || fail "$name: not the line wanted on stderr: $(cat "$err")"
	python3 - "$out" "$pid" <<'PY' || fail "$name: the JSON trace does not say it once"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pid = int(sys.argv[2])
notes = [r for r in recs if r["event"] == "note" and r["kind"] == "checks_off"]
assert len(notes) == 1 and notes[0]["pid"] == pid, notes
assert "pidfd_getfd: Operation not permitted" in notes[0]["message"], notes[0]
assert sum(r["event"] == "epoll_wait" for r in recs) > 10, "the trace did not go on"
PY
}

# run_for SECONDS CMD...: run a tracer, end it with SIGTERM SECONDS
# later, or, with WAITS_IN set (its JSON trace), once that holds a dozen
# epoll_wait records (20 s at most: on a busy machine the programs take a
# while to load).
run_for() {
	local secs=$1 out=${WAITS_IN:-}; shift
	"$@" &
	local tpid=$!
	BG_PIDS+=("$tpid")
	sleep "$secs"
	if [ -n "$out" ]; then
		for _ in $(seq 200); do
			[ "$(grep -c '"event":"epoll_wait"' "$out" 2>/dev/null)" -gt 12 ] && break
			sleep 0.1
		done
	fi
	kill -TERM "$tpid" 2>/dev/null
	wait_bounded "$tpid" 5 || fail "$* still running 5 s after SIGTERM"
	RUN_RC=$WAIT_RC
}

# ---- 1. root without CAP_SYS_PTRACE, a process of nobody's ------------------
victim "${as_nobody[@]}"
v=$VICTIM
WAITS_IN=$T/1.json run_for 1.5 "${no_ptrace[@]}" "$ET" --json -o "$T/1.json" -p "$v" 2>"$T/1.err"
[ "$RUN_RC" = 0 ] || { cat "$T/1.err"; fail "no CAP_SYS_PTRACE: epolltrace exited $RUN_RC"; }
check "no CAP_SYS_PTRACE, --json" "$v" "$T/1.json" "$T/1.err"
# Text to a file: the line on stderr, and a NOTE in the trace.
run_for 1 "${no_ptrace[@]}" "$ET" -o "$T/1.txt" -p "$v" 2>"$T/1t.err"
grep -qE "$(msg_re "$v")" "$T/1t.err" || fail "text: not the line wanted on stderr: $(cat "$T/1t.err")"
grep -qE "^epolltrace: NOTE checks_off: \[$v( [^]]*)?\] pid $v: no ptrace access" "$T/1.txt" ||
	fail "text: no NOTE checks_off in the trace file"
# --sets, text and JSON.
"${no_ptrace[@]}" "$ET" --sets -p "$v" >"$T/sets.txt" 2>"$T/sets.err"
grep -q "^epolltrace: pid $v: no ptrace access to it (pidfd_getfd: Operation not permitted): its fds cannot be probed" "$T/sets.err" ||
	fail "--sets: no checks_off line on stderr: $(cat "$T/sets.err")"
"${no_ptrace[@]}" "$ET" --sets --json -p "$v" >"$T/sets.json" 2>/dev/null
grep -q "\"event\":\"note\",\"kind\":\"checks_off\",\"message\":\"pid $v: no ptrace access" "$T/sets.json" ||
	fail "--sets --json: no checks_off note: $(cat "$T/sets.json")"
# With CAP_SYS_PTRACE, not a word of it.
run_for 1 "$ET" --json -o "$T/root.json" -p "$v" 2>"$T/root.err"
grep -q checks_off "$T/root.err" "$T/root.json" && fail "root with CAP_SYS_PTRACE: checks_off said"
"$ET" --sets -p "$v" >/dev/null 2>"$T/rootsets.err"
[ -s "$T/rootsets.err" ] && fail "root --sets: said on stderr: $(cat "$T/rootsets.err")"
echo "ok: root without CAP_SYS_PTRACE says the checks are off for a process of nobody's"

# ---- 2. capabilities only, a process of root's --------------------------------
dir=$(mktemp -d /tmp/epolltrace-caps.XXXXXX)
BG_DIRS=$dir
trap 'cleanup_pids; rm -rf "$T" "$BG_DIRS"' EXIT
cp "$ET" "$dir/epolltrace" && chmod 755 "$dir" "$dir/epolltrace"
caps=("${as_nobody[@]}" --inh-caps=+bpf,+perfmon --ambient-caps=+bpf,+perfmon)
"${caps[@]}" true 2>"$T/caps.err" || skip "cannot give user nobody CAP_BPF and CAP_PERFMON: $(cat "$T/caps.err")"
# Launched: its own child, which it may look into: no note.
timeout 30 "${caps[@]}" "$dir/epolltrace" --json -- "$TOOLS/hostile" chatter 2000 >"$T/2l.json" 2>"$T/2l.err"
rc=$?
if ! grep -q '"event":"start"' "$T/2l.json"; then
	skip "a tracer with CAP_BPF and CAP_PERFMON only cannot trace here (exit $rc): $(grep '^epolltrace' "$T/2l.err" | head -1)"
fi
[ "$rc" = 0 ] || { cat "$T/2l.err"; fail "capabilities only, launch: exit $rc"; }
grep -q checks_off "$T/2l.err" "$T/2l.json" && fail "capabilities only: checks_off said of its own child"
victim
v=$VICTIM
WAITS_IN=$T/2.json run_for 1.5 "${caps[@]}" "$dir/epolltrace" --json -p "$v" >"$T/2.json" 2>"$T/2.err"
[ "$RUN_RC" = 0 ] || { cat "$T/2.err"; fail "capabilities only: epolltrace exited $RUN_RC"; }
check "capabilities only" "$v" "$T/2.json" "$T/2.err"
echo "ok: capabilities only, a process of root's: checks_off said; its own child: not"
