#!/bin/bash
# --cgroup PATH: the processes of a cgroup v2 directory and below, new
# ones included, and no others.  The test makes a cgroup (mkdir under the
# cgroup v2 mount) and moves tools/hung_server into it, stuck already on
# a missed edge; a second hung_server, just as stuck, stays outside.
# epolltrace --cgroup starts (JSON, and text -q at the same time); then
# tools/et_bug_server is started inside (a new process, with a missed
# edge of its own) and tools/coalesce in a child cgroup.  Both stuck
# servers inside are named, the one outside is not, and every record is
# of a process that was in the cgroup.
. "$(dirname "$0")/../lib.sh"
for t in hung_server et_bug_server coalesce; do
	[ -x "$TOOLS/$t" ] || fail "$TOOLS/$t is missing: run make"
done

# The cgroup v2 hierarchy: mounted, and writable here (a container may
# have it read-only, or not at all).
mnt=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$mnt" ] || skip "no cgroup v2 file system is mounted"
CG=$mnt/epolltrace-test.$$
mkdir "$CG" 2>/dev/null || skip "cannot make a cgroup under $mnt (read-only?)"
cg_cleanup() {
	local d p
	for d in "$CG/sub" "$CG"; do
		[ -d "$d" ] || continue
		for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill "$p" 2>/dev/null; done
	done
	sleep 0.2
	rmdir "$CG/sub" "$CG" 2>/dev/null
}
trap 'cleanup_pids; cg_cleanup; rm -rf "$T"' EXIT
mkdir "$CG/sub" || fail "cannot make $CG/sub"
sleep 30 &
probe=$!
BG_PIDS+=("$probe")
echo "$probe" >"$CG/cgroup.procs" 2>/dev/null || skip "cannot move a process into $CG"
grep -q "^0::.*/epolltrace-test.$$\$" "/proc/$probe/cgroup" || skip "a process moved into $CG is not in it"
kill "$probe"

"$TOOLS/hung_server" 10 >"$T/in.out" 2>&1 &
inside=$!
"$TOOLS/hung_server" 10 >"$T/out.out" 2>&1 &
outside=$!
BG_PIDS+=("$inside" "$outside")
echo "$inside" >"$CG/cgroup.procs" || fail "cannot move $inside into $CG"
for _ in $(seq 100); do grep -q '^port=' "$T/in.out" && grep -q '^port=' "$T/out.out" && break; sleep 0.05; done
grep -q '^port=' "$T/in.out" && grep -q '^port=' "$T/out.out" || fail "hung_server did not start"

# Who was in the cgroup while the test ran.
( while :; do cat "$CG/cgroup.procs" "$CG/sub/cgroup.procs" 2>/dev/null; sleep 0.02; done ) >"$T/members" &
BG_PIDS+=("$!")

"$ET" --cgroup "$CG" --json -o "$T/cg.json" 2>"$T/cg.err" &
tj=$!
# The same cgroup named as /proc/PID/cgroup names it, below the mount.
"$ET" --cgroup "/epolltrace-test.$$" -q -o "$T/cg.txt" 2>"$T/cgq.err" &
tq=$!
BG_PIDS+=("$tj" "$tq")
wait_start "$T/cg.json" || { cat "$T/cg.err"; fail "epolltrace --cgroup did not start"; }
sleep 0.5
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2"' sh "$CG" "$TOOLS/et_bug_server" >/dev/null 2>"$T/bug.err" &
bug=$!
sh -c 'echo $$ >"$1/sub/cgroup.procs" && exec "$2" 20' sh "$CG" "$TOOLS/coalesce" >"$T/sub.out" 2>&1 &
sub=$!
BG_PIDS+=("$bug" "$sub")
wait "$sub" || fail "coalesce in $CG/sub failed: $(cat "$T/sub.out")"
wait "$bug"	# it exits 0 or not: the client gives up on the stuck echo
sleep 2		# hung_server's stall: its 1 s tick and --confirm
kill -INT "$tj" "$tq"
for p in "$tj" "$tq"; do
	wait_bounded "$p" 10 || fail "epolltrace --cgroup still runs 10 s after SIGINT"
	[ "$WAIT_RC" = 0 ] || fail "epolltrace --cgroup exited $WAIT_RC: $(cat "$T/cg.err" "$T/cgq.err")"
done

check_records "$T/cg.json" || fail "--cgroup: malformed JSON trace"
python3 - "$T/cg.json" "$inside" "$outside" "$bug" "$sub" "$T/members" <<'PY' || fail "--cgroup (JSON)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
inside, outside, bug, sub = map(int, sys.argv[2:6])
members = {int(p) for p in open(sys.argv[6]).read().split()} | {inside, bug, sub}
assert recs[0].get("target", "").startswith("cgroup /"), f"start: {recs[0]}"
pids = {r["pid"] for r in recs if r["event"] not in ("start", "lost", "recap")}
strangers = pids - members
assert not strangers, f"records of processes never in the cgroup: {sorted(strangers)} " \
    f"({sorted({r['comm'] for r in recs if r['pid'] in strangers})})"
assert outside not in pids, f"the hung_server outside ({outside}) is traced"
warned = {(w["pid"], w["kind"]) for w in recs if w["event"] == "warning"}
assert (inside, "missed_edge") in warned, f"the hung_server inside ({inside}) is not named: {warned}"
assert any(p == bug for p, _ in warned), f"et_bug_server, started inside, is not named: {warned}"
assert sum(r["event"] == "epoll_wait" and r["pid"] == sub for r in recs) == 20, \
    "coalesce in the child cgroup: not its 20 waits"
print(f"ok: {len(pids)} processes traced, all in the cgroup; warnings {sorted(warned)}")
PY
grep -q "^epolltrace: WARNING missed_edge: \[$inside hung_server\] " "$T/cg.txt" ||
	{ cat "$T/cg.txt"; fail "--cgroup -q: the hung_server inside is not named"; }
grep -q "\[$outside " "$T/cg.txt" && fail "--cgroup -q: the hung_server outside is named"
grep -q "^epolltrace: WARNING missed_edge: \[$bug et_bug_server\] " "$T/cg.txt" ||
	fail "--cgroup -q: et_bug_server, started inside, is not named"
echo "ok: --cgroup"
