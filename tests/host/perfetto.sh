#!/bin/bash
# --perfetto FILE: the picture of a trace in the Trace Event Format, written
# besides the trace, checked by tests/perfetto_check.py (slices nest per
# thread, instants in time order per track, every flow from a ready instant
# to an epoll_wait slice, names present) against the --json trace of the same
# run (as many wait slices as epoll_wait records, ready instants as ready
# records, deliveries, warnings):
#   - the demo (launched; ends when it exits): its missed-edge warning on
#     the process and on the fd's own track, arrows into waits; in text with
#     -q too (the picture shows everything whatever -q shows);
#   - echo_server under echo_client load (launched, ended by the server's
#     own exit), and attached (ended by SIGINT);
#   - redis-server under redis-benchmark, attached, ended by SIGTERM;
#   - threads waiting at once, forked children (-f), a wait entered before
#     the attach (drawn from the start);
#   - hostile process names (valid JSON, names kept);
#   - not inherited by the traced command (O_CLOEXEC);
#   - refused with -c, with --sets, and when it is the trace's own file.
. "$(dirname "$0")/../lib.sh"
CHECK=$ROOT/tests/perfetto_check.py
for t in et_bug_server echo_server echo_client hostile epoll_threads epoll_fork epoll_blocked; do
	[ -x "$TOOLS/$t" ] || fail "$TOOLS/$t is missing: run make"
done

# check NAME PICTURE [CHECK OPTIONS...]: the picture is whole and valid.
check() {
	local name=$1 pic=$2; shift 2
	[ -s "$pic" ] || fail "$name: no picture written"
	tail -c 100 "$pic" | grep -q '^\],"displayTimeUnit":"ms"}$' ||
		fail "$name: the picture does not end whole: $(tail -c 200 "$pic")"
	python3 "$CHECK" "$pic" "$@" >"$T/$name.check" 2>&1
	local rc=$?
	sed "s/^/$name: /" "$T/$name.check"
	[ "$rc" = 0 ] || fail "$name: the picture breaks the format's rules"
}

# ---- the demo -------------------------------------------------------------
timeout 30 "$ET" --json -o "$T/demo.json" --perfetto "$T/demo.pic.json" \
	-- "$TOOLS/et_bug_server" 2>"$T/demo.err"
rc=$?
[ "$rc" = 0 ] || { cat "$T/demo.err"; fail "demo: epolltrace exited $rc"; }
check demo "$T/demo.pic.json" --ndjson "$T/demo.json" --warnings 1 --min-flows 3 --min-waits 5
python3 - "$T/demo.pic.json" "$T/demo.json" <<'PY' || fail "demo: the warning is not where it belongs"
import json, sys
pic = json.load(open(sys.argv[1]))["traceEvents"]
w = [json.loads(l) for l in open(sys.argv[2])]
w = [r for r in w if r["event"] == "warning"]
assert len(w) == 1 and w[0]["kind"] == "missed_edge", w
w = w[0]
names = {(e["pid"], e["tid"]): e["args"]["name"] for e in pic
         if e["ph"] == "M" and e["name"] == "thread_name"}
# On the process, with the message ...
proc = [e for e in pic if e["ph"] == "i" and e.get("s") == "p" and e["name"] == "WARNING missed_edge"]
assert len(proc) == 1 and proc[0]["pid"] == w["pid"], proc
assert proc[0]["args"]["message"] == w["message"], proc[0]["args"]
# ... and on the track of its fd, after a delivery there.
fdt = [e for e in pic if e["ph"] == "i" and e.get("s") == "t" and e["name"] == "WARNING missed_edge"]
assert len(fdt) == 1, fdt
track = (fdt[0]["pid"], fdt[0]["tid"])
assert names[track].startswith(f"epfd {w['epfd']} fd {w['fd']} TCP:"), names[track]
assert any(e["ph"] == "i" and e["name"] == "delivered" and (e["pid"], e["tid"]) == track for e in pic)
print(f"demo: warning on process {w['pid']} and on track {names[track]!r}")
PY

# The checker fails where it must: each of these breaks one rule.
python3 - "$T/demo.pic.json" "$T/broken" <<'PY' || fail "could not make the broken pictures"
import copy, json, sys
doc = json.load(open(sys.argv[1]))
ev = doc["traceEvents"]
def write(name, events, raw=None):
    with open(f"{sys.argv[2]}.{name}.json", "w") as f:
        f.write(raw if raw is not None else json.dumps(dict(doc, traceEvents=events)))
def first(pred):
    return next(i for i, e in enumerate(ev) if pred(e))
waits = [i for i, e in enumerate(ev) if e["ph"] == "X" and e["cat"] == "epoll_wait"]
# two waits of the thread overlapping partly
e = copy.deepcopy(ev); w = e[waits[-1]]; w["ts"] = e[waits[-2]]["ts"] + e[waits[-2]]["dur"] / 2
write("overlap", e)
# a flow end without its start
e = [x for x in ev if x["ph"] != "s"]; write("nostart", e)
# a flow start off its ready instant
e = copy.deepcopy(ev); e[first(lambda x: x["ph"] == "s")]["ts"] += 0.5; write("offready", e)
# a flow end outside any wait
e = copy.deepcopy(ev); e[first(lambda x: x["ph"] == "f")]["ts"] = 0; write("offwait", e)
# instants of a track out of order
e = copy.deepcopy(ev); i = first(lambda x: x["ph"] == "i" and x["name"] == "delivered")
e.append(dict(e[i], ts=e[i]["ts"] - 1)); write("order", e)
# a track without its name
e = [x for x in ev if not (x["ph"] == "M" and x["tid"] >= 1 << 30)]; write("noname", e)
# no pid
e = copy.deepcopy(ev); del e[waits[0]]["pid"]; write("nopid", e)
# one wait less than the JSON trace has
e = [x for i, x in enumerate(ev) if i != waits[0]]; write("fewer", e)
# cut short, as by a crash
write("cut", None, open(sys.argv[1]).read()[:-30])
PY
for b in overlap nostart offready offwait order noname nopid fewer cut; do
	python3 "$CHECK" "$T/broken.$b.json" --ndjson "$T/demo.json" >"$T/broken.$b.out" 2>&1 &&
		fail "the checker passes a broken picture ($b): $(cat "$T/broken.$b.out")"
	grep -q '^FAIL' "$T/broken.$b.out" || fail "the checker did not say what is wrong ($b): $(cat "$T/broken.$b.out")"
done
echo "checker: fails each of 9 broken pictures"

# Text with -q: the trace shows only the warning, the picture everything.
timeout 30 "$ET" -q -o "$T/demoq.txt" --perfetto "$T/demoq.pic.json" \
	-- "$TOOLS/et_bug_server" 2>/dev/null
rc=$?
[ "$rc" = 0 ] || fail "demo -q: epolltrace exited $rc"
grep -q 'epoll_wait(' "$T/demoq.txt" && fail "demo -q: the text trace shows calls"
grep -q 'WARNING missed_edge' "$T/demoq.txt" || fail "demo -q: no warning in the text trace"
check demoq "$T/demoq.pic.json" --warnings 1 --min-flows 3 --min-waits 5

# ---- echo_server under load ------------------------------------------------
# load NAME INFO: echo_client against the server of INFO for 2 s.
load() {
	local port
	for _ in $(seq 200); do [ -s "$2" ] && break; sleep 0.05; done
	read -r _ port <"$2" || fail "$1: echo_server did not start"
	"$TOOLS/echo_client" "$port" 1 16 >"$T/$1.client" 2>&1 || fail "$1: echo_client failed: $(cat "$T/$1.client")"
	tail -1 "$T/$1.client"
}

# Launched; the server ends on SIGTERM, then epolltrace with it.
"$ET" --json -o "$T/echo.json" --perfetto "$T/echo.pic.json" \
	-- "$TOOLS/echo_server" 0 "$T/echo.info" 2>"$T/echo.err" &
tpid=$!
BG_PIDS+=("$tpid")
load echo "$T/echo.info"
read -r spid _ <"$T/echo.info"
kill -TERM "$spid"
wait_bounded "$tpid" 20 || fail "echo: epolltrace still runs 20 s after echo_server was told to stop"
[ "$WAIT_RC" = 0 ] || { cat "$T/echo.err"; fail "echo: epolltrace exited $WAIT_RC"; }
check echo "$T/echo.pic.json" --ndjson "$T/echo.json" --warnings 0 --min-waits 1000 --min-flows 1000

# Attached; epolltrace ends on SIGINT, the server runs on.
"$TOOLS/echo_server" 0 "$T/echo2.info" 2>"$T/echo2.server" &
spid=$!
BG_PIDS+=("$spid")
for _ in $(seq 200); do [ -s "$T/echo2.info" ] && break; sleep 0.05; done
"$ET" --json -o "$T/echo2.json" --perfetto "$T/echo2.pic.json" -p "$spid" 2>"$T/echo2.err" &
tpid=$!
BG_PIDS+=("$tpid")
wait_start "$T/echo2.json" || fail "echo attach: no start record"
wait_attached "$T/echo2.err" "$spid" || fail "echo attach: epolltrace never said it attached"
load echo2 "$T/echo2.info"
kill -INT "$tpid"
wait_bounded "$tpid" 20 || fail "echo attach: epolltrace still runs 20 s after SIGINT"
[ "$WAIT_RC" = 0 ] || { cat "$T/echo2.err"; fail "echo attach: epolltrace exited $WAIT_RC on SIGINT"; }
kill -0 "$spid" 2>/dev/null || fail "echo attach: the server did not survive the detach"
check echo2 "$T/echo2.pic.json" --ndjson "$T/echo2.json" --warnings 0 --min-waits 1000 --min-flows 1000
kill -TERM "$spid"

# ---- redis under redis-benchmark, attached, ended by SIGTERM ----------------
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null; then
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--daemonize no --dir "$T" --logfile "$T/redis.log" &
	rpid=$!
	BG_PIDS+=("$rpid")
	for _ in $(seq 100); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
	"$ET" --json -o "$T/redis.json" --perfetto "$T/redis.pic.json" -p "$rpid" 2>"$T/redis.err" &
	tpid=$!
	BG_PIDS+=("$tpid")
	wait_start "$T/redis.json" || fail "redis: no start record"
	wait_attached "$T/redis.err" "$rpid" || fail "redis: epolltrace never said it attached"
	redis-benchmark -q -p "$port" -n 20000 -c 16 -t get,set 2>&1 | tr '\r' '\n' | grep 'per second'
	kill -TERM "$tpid"
	wait_bounded "$tpid" 20 || fail "redis: epolltrace still runs 20 s after SIGTERM"
	[ "$WAIT_RC" = 0 ] || { cat "$T/redis.err"; fail "redis: epolltrace exited $WAIT_RC on SIGTERM"; }
	check redis "$T/redis.pic.json" --ndjson "$T/redis.json" --warnings 0 --min-waits 1000 --min-flows 1000
	redis-cli -p "$port" shutdown nosave >/dev/null 2>&1
else
	echo "note: redis-server or redis-benchmark not installed (make deps): redis part not run"
fi

# ---- threads, processes, a wait entered before the attach -------------------
timeout 60 "$ET" --json -o "$T/threads.json" --perfetto "$T/threads.pic.json" \
	-- "$TOOLS/epoll_threads" >/dev/null 2>"$T/threads.err" || fail "threads: epolltrace failed: $(cat "$T/threads.err")"
check threads "$T/threads.pic.json" --ndjson "$T/threads.json" --min-waits 5 --min-flows 1
python3 - "$T/threads.pic.json" <<'PY' || fail "threads: the waits are not on their threads' tracks"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
tids = {e["tid"] for e in ev if e["ph"] == "X" and e["cat"] == "epoll_wait"}
assert len(tids) >= 4, tids
PY
timeout 60 "$ET" -f --json -o "$T/fork.json" --perfetto "$T/fork.pic.json" \
	-- "$TOOLS/epoll_fork" >/dev/null 2>"$T/fork.err" || fail "fork: epolltrace failed: $(cat "$T/fork.err")"
check fork "$T/fork.pic.json" --ndjson "$T/fork.json" --min-flows 1
grep -q ' processes=3$' "$T/fork.check" ||
	fail "fork: not the three processes named"

WL_SYNC=$T/blocked "$TOOLS/epoll_blocked" pwait >/dev/null &
wpid=$!
BG_PIDS+=("$wpid")
for _ in $(seq 300); do [ -s "$T/blocked.ready" ] && break; sleep 0.01; done
read -r pid wfd tid <"$T/blocked.ready" || fail "blocked: workload never got ready"
for _ in $(seq 1000); do
	read -r nr _ <"/proc/$pid/task/$tid/syscall"
	case $nr in 281|22) break;; esac  # epoll_pwait: x86-64, arm64
	sleep 0.01
done
case $nr in 281|22) ;; *) fail "blocked: thread $tid not blocked in epoll_pwait (syscall $nr)";; esac
sleep 0.2	# asleep in it, not on its way in
"$ET" --json -o "$T/blocked.json" --perfetto "$T/blocked.pic.json" -p "$pid" 2>"$T/blocked.err" &
tpid=$!
BG_PIDS+=("$tpid")
wait_start "$T/blocked.json" || fail "blocked: no start record"
wait_attached "$T/blocked.err" "$pid" || fail "blocked: epolltrace never said it attached"
echo x >"/proc/$pid/fd/$wfd"
wait "$wpid" || fail "blocked: workload exited $?"
wait_bounded "$tpid" 10 || fail "blocked: epolltrace still running 10 s after the process exited"
[ "$WAIT_RC" = 0 ] || fail "blocked: epolltrace exited $WAIT_RC"
check blocked "$T/blocked.pic.json" --ndjson "$T/blocked.json" --min-waits 1
python3 - "$T/blocked.pic.json" <<'PY' || fail "blocked: the wait entered before the attach is not drawn from the start"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
w = [e for e in ev if e["ph"] == "X" and e["args"].get("before_attach")]
assert len(w) == 1 and w[0]["ts"] == 0 and w[0]["dur"] > 0, w
PY

# ---- hostile names --------------------------------------------------------
mkdir -p "$T/dir"
"$ET" -o /dev/null --perfetto "$T/hostile.pic.json" -- "$TOOLS/hostile" names "$T/dir" 2>/dev/null ||
	fail "hostile: epolltrace failed"
check hostile "$T/hostile.pic.json"
python3 - "$T/hostile.pic.json" <<'PY' || fail "hostile: the names are not kept in the picture"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["args"]["name"] for e in ev if e["ph"] == "M"}
assert "c\nd\x01" in names, names
assert any("f\nX\x01" in n for n in names), names
PY

# ---- not inherited by the traced command -----------------------------------
"$ET" -o "$T/fds.trace" --perfetto "$T/fds.pic.json" -- sh -c 'ls -l /proc/$$/fd/' >"$T/fds" 2>&1 ||
	fail "cloexec: epolltrace failed: $(cat "$T/fds")"
grep -q 'fds.pic.json' "$T/fds" && fail "the traced command inherited the picture's fd: $(cat "$T/fds")"
grep -q 'fds.trace' "$T/fds" && fail "the traced command inherited the trace's fd: $(cat "$T/fds")"
grep -q ' 0 -> \| 1 -> ' "$T/fds" || fail "cloexec: the command's fd list was not read: $(cat "$T/fds")"
check cloexec "$T/fds.pic.json"

# ---- refused where it makes no sense ---------------------------------------
hint="Try \`epolltrace --help' or \`epolltrace --usage' for more information."
refused() { # WANT_RC MESSAGE ARGS...
	local rc want=$1 msg=$2; shift 2
	rm -f "$T/refused.pic.json"
	timeout 10 "$ET" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = "$want" ] || { cat "$T/err"; fail "'$*': exit status $rc, wanted $want"; }
	[ -s "$T/out" ] && fail "'$*': wrote to stdout: $(head -3 "$T/out")"
	if [ "$want" = 64 ]; then printf '%s\n%s\n' "$msg" "$hint"; else printf '%s\n' "$msg"; fi >"$T/want"
	diff "$T/want" "$T/err" || fail "'$*': not the message wanted on stderr"
	[ -e "$T/refused.pic.json" ] && fail "'$*': the picture's file was made all the same"
	return 0
}
refused 64 "epolltrace: --perfetto cannot be used with -c, which counts the calls instead of tracing them" \
	-c --perfetto "$T/refused.pic.json" -- true
refused 64 "epolltrace: --perfetto cannot be used with --sets, which prints the sets and exits" \
	--sets --perfetto "$T/refused.pic.json" -p $$
refused 64 "epolltrace: --perfetto needs a file name" --perfetto "" -- true
: >"$T/same.json"
timeout 10 "$ET" -o "$T/same.json" --perfetto "$T/same.json" -- true >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] || fail "--perfetto onto -o's file: exit status $rc, wanted 1"
[ "$(cat "$T/err")" = "epolltrace: --perfetto $T/same.json is where the trace goes already (-o, or standard output)" ] ||
	fail "--perfetto onto -o's file: $(cat "$T/err")"
echo "ok: perfetto"
