# Sourced by the guest watch-limit tests (tests/vm/guest/diag_watches_*.sh)
# after guest-lib.sh: watches_near_limit and watches_exhausted (issue 4),
# with the user's epoll watch limit lowered to 200, which only the VM may
# do: tools/scen_watches adds eventfds to one epoll set until
# EPOLL_CTL_ADD fails with ENOSPC.
# watches_record BACKEND records a launch and an attach run at a limit of
# 200 (launch, attach) and 100 watches under a limit of 1000 (few), for
# tests/vm/judge/watches-lib.sh.
watches_record() {
	local knob=/proc/sys/fs/epoll/max_user_watches orig
	[ -w "$knob" ] || skip "no writable $knob"
	orig=$(cat "$knob")
	trap 'echo "$orig" >"$knob"' EXIT
	echo 200 >"$knob" || fail "cannot lower $knob"
	launch launch "$1" "$TOOLS/scen_watches"
	attach attach "$1" "$TOOLS/scen_watches"
	echo 1000 >"$knob" || fail "cannot set $knob"
	launch few "$1" "$TOOLS/scen_watches" 100
}
