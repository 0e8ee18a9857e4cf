#!/bin/bash
# tests/vm/guest/requests.sh, with fentry and kprobe: the ready list
# of stuck_sets' set A holds exactly its ready items a and c; socket s is
# named connected to the listener; and a wait entered before the attach
# (epoll_blocked) is traced when it returns, marked before_attach, on
# exactly one record, followed by the thread's next wait.
. "$(dirname "$0")/../judge-lib.sh"
[ -s "$R/stuck.facts" ] || fail "no facts from stuck_sets"
tested=0
for b in fentry kprobe; do
	if [ -e "$R/$b.unavailable" ]; then
		echo "skip: $b does not load on this kernel: $(cat "$R/$b.unavailable")"
		continue
	fi
	tested=$((tested + 1))
	python3 - "$R/stuck.facts" "$R/ready-$b.out" "$R/sock-$b.out" <<'PY' || fail "$b: wrong answers, see above"
import json, sys
facts = json.loads(open(sys.argv[1]).read().splitlines()[-1])
ready = json.loads(open(sys.argv[2]).read().splitlines()[-1])
sock = json.loads(open(sys.argv[3]).read().splitlines()[-1])
fds = sorted(i["fd"] for i in ready.get("items", []))
assert ready.get("ret") == 0 and fds == sorted([facts["a"], facts["c"]]), \
    f"set A's ready list: {ready}, wanted fds {sorted([facts['a'], facts['c']])}"
assert sock.get("ret") == 0 and sock.get("state") == 1 and sock.get("saddr") == "127.0.0.1" \
    and sock.get("daddr") == "127.0.0.1" and sock.get("dport") == facts["lport"], \
    f"socket {facts['s']}: {sock}, wanted connected to 127.0.0.1:{facts['lport']}"
PY
	ran "blocked-$b"
	[ "$(cat "$R/blocked-$b.wrc")" = 0 ] || fail "$b: epoll_blocked exited $(cat "$R/blocked-$b.wrc")"
	read -r pid tid <"$R/blocked-$b.tid"
	check_records "$R/blocked-$b.json" --no-loss || fail "$b: malformed trace"
	sc=$(cat "$R/blocked-$b.syscall")
	case $sc in
	epoll_pwait2) [ "$(guest_fact epoll_pwait2)" = 1 ] || fail "$b: epoll_pwait2 used where the kernel lacks it" ;;
	epoll_pwait) [ "$(guest_fact epoll_pwait2)" = 0 ] || fail "$b: epoll_pwait used where the kernel has epoll_pwait2" ;;
	*) fail "$b: no blocked wait recorded ($sc)" ;;
	esac
	cat >"$T/blocked.exp" <<EXP
{"event":"epoll_wait","pid":$pid,"tid":$tid,"syscall":"$sc","timeout_ms":60500,"ret":1,"ready":[{"data":"0xb10c0000"}],"before_attach":true}
{"event":"epoll_wait","pid":$pid,"tid":$tid,"syscall":"$sc","timeout_ms":0,"ret":1}
EXP
	expect_check "$R/blocked-$b.json" "$T/blocked.exp" || fail "$b: the waits are not traced as made"
	n=$(grep -c '"before_attach":true' "$R/blocked-$b.json")
	[ "$n" = 1 ] || fail "$b: before_attach on $n records, wanted exactly 1"
	echo "ok: $b ($sc)"
done
[ "$tested" -gt 0 ] || skip "neither fentry nor kprobe loads on this kernel"
