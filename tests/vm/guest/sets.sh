# --sets (no BPF: /proc and pidfd_getfd copies) on tools/stuck_sets' sets
# in known states, in JSON and text, for tests/vm/judge/sets.sh.
. /et/lib/guest-lib.sh
need_et
WL_SYNC=$T/s "$TOOLS/stuck_sets" &
spid=$!
wait_for "$T/s.ready" 600 && sleep 0.1
[ -s "$T/s.ready" ] || fail "stuck_sets never got ready"
cp "$T/s.ready" "$T/stuck.facts"
pid=$(sed -E 's/.*"pid":([0-9]+).*/\1/' "$T/stuck.facts")
timeout 30 "$ET" --sets --json -p "$pid" >"$T/sets.json" 2>"$T/sets.err"
echo $? >"$T/sets.rc"
timeout 30 "$ET" --sets -p "$pid" >"$T/sets.txt" 2>>"$T/sets.err"
echo $? >"$T/sets.txt.rc"
kill "$spid"
