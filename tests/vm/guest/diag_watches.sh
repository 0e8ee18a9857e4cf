# watches_near_limit and watches_exhausted (issue 4), with the user's epoll
# watch limit lowered to 200, which only the VM may do: tools/scen_watches
# adds eventfds to one epoll set until EPOLL_CTL_ADD fails with ENOSPC.
# Launch and attach mode must each give exactly one near-limit warning and
# one exhausted warning for the ADD that failed; 100 watches under a limit
# of 1000 must give none.
. /et/lib/guest-lib.sh
. /et/lib/diag-checks.sh
knob=/proc/sys/fs/epoll/max_user_watches
[ -w "$knob" ] || skip "no writable $knob"
orig=$(cat "$knob")
trap 'echo "$orig" >"$knob"' EXIT
echo 200 >"$knob" || fail "cannot lower $knob"

# check_full OUT: the trace of a run that hit ENOSPC.
check_full() {
	local out=$1 at=0 epfd fd line
	grep -q '^added=[0-9]* limit=200$' "$out.cmd" || fail "scen_watches did not finish: $(tail -n 3 "$out.cmd")"
	line=$(grep '"kind":"watches_exhausted"' "$out.cmd")
	[ -n "$line" ] || fail "scen_watches never got ENOSPC: $(tail -n 1 "$out.cmd")"
	epfd=$(echo "$line" | sed 's/.*"epfd":\([0-9]*\).*/\1/')
	fd=$(echo "$line" | sed 's/.*"fd":\([0-9]*\).*/\1/')
	want at "$out" event=epoll_ctl epfd="$epfd" op=ADD fd="$fd" error=ENOSPC
	check_warnings "$out" "$out.cmd"
	# The warnings name the limit, and the biggest holder: this workload.
	for kind in watches_near_limit watches_exhausted; do
		grep "\"kind\": *\"$kind\"" "$out" | grep -Eq '[^0-9.]200([^0-9.]|$)' ||
			fail "the $kind warning does not state the limit (200)"
		grep "\"kind\": *\"$kind\"" "$out" | sed -n 's/.*"message": *"\([^"]*\)".*/\1/p' |
			grep -q scen_watches || fail "the $kind warning does not name scen_watches among the holders"
	done
	echo "ok: $(sed -n 's/^added=\([0-9]*\).*/\1/p' "$out.cmd") watches added, ENOSPC on fd $fd"
}

out=$T/launch.json
trace auto "$out" "$TOOLS/scen_watches"
check_full "$out"

out=$T/attach.json
attach_trace auto "$out" "$TOOLS/scen_watches"
check_full "$out"

# Far from the limit: silence.
echo 1000 >"$knob"
out=$T/few.json
trace auto "$out" "$TOOLS/scen_watches" 100
n=$(count_recs "$out" event=epoll_ctl op=ADD ret=0)
[ "$n" -ge 100 ] || fail "only $n ADDs traced of 100"
check_warnings "$out" "$out.cmd"
echo "ok: 100 watches of 1000, no warning"
